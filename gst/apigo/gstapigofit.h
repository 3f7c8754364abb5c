/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_FIT_H__
#define __GST_APIGO_FIT_H__

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/* @image (JPEG, PNG or WebP) decoded and brought to @width x @height with
 * GStreamer, as a PNG: stretched, or with @pad, scaled keeping its aspect
 * ratio with black borders.  A service wants the first frame at the clip's
 * size; this saves users a refusal.  *@out_type gets "image/png".
 * Cancelling @cancellable (may be NULL) returns at once with
 * G_IO_ERROR_CANCELLED; the work still under way is left to end, and be
 * freed, on GStreamer's own threads. */
GBytes *gst_apigo_fit_image (GBytes * image, guint width, guint height,
    gboolean pad, GCancellable * cancellable, gchar ** out_type,
    GError ** error);

G_END_DECLS

#endif /* __GST_APIGO_FIT_H__ */
