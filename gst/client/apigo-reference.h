/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_REFERENCE_H__
#define __APIGO_REFERENCE_H__

#include <glib.h>

G_BEGIN_DECLS

/* The largest input reference image we send (the service wants a frame of
 * the clip's size, a few MB at most). */
#define APIGO_REFERENCE_MAX_BYTES (20 * 1024 * 1024)

/* The image's MIME type judged from its first bytes ("image/jpeg",
 * "image/png" or "image/webp"), or NULL for anything else. */
const gchar *apigo_reference_sniff (const guint8 * data, gsize len);

/* Reads the input reference image at @path: a JPEG, PNG or WebP file of at
 * most APIGO_REFERENCE_MAX_BYTES.  Returns its bytes and sets @mime_type
 * (static), or NULL with an APIGO_ERROR_INVALID_SETTING error that names the
 * file. */
GBytes *apigo_reference_load (const gchar * path, const gchar ** mime_type,
    GError ** error);
/* The same for another image, which the messages call @what ("image"). */
GBytes *apigo_reference_load_as (const gchar * what, const gchar * path,
    const gchar ** mime_type, GError ** error);

G_END_DECLS

#endif /* __APIGO_REFERENCE_H__ */
