/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_IMAGES_H__
#define __APIGO_IMAGES_H__

#include <glib.h>
#include <json-glib/json-glib.h>

#include "apigo-job-settings.h"

G_BEGIN_DECLS

/* Images a create carries besides the input reference, each as a file
 * part of its own name (a last frame, reference images...): the `images`
 * property, a JSON object of field names to paths, e.g.
 * {"last_frame": "end.png"}. */

/* At most this many: a form of a few, not of hundreds of 20 MB files. */
#define APIGO_IMAGES_MAX 16
/* The longest field name. */
#define APIGO_IMAGES_NAME_MAX 64

/* The object @text holds; NULL with a message saying what is wrong: not
 * a JSON object, a value that is not a non-empty string, a name that is
 * empty, too long, of other characters than letters, digits and _-[], or
 * one the element sends itself; too many images. */
JsonObject *apigo_images_parse (const gchar * text, GError ** error);

/* Reads and sniffs each image of @text (valid) like the input reference,
 * sorted by name into *@images (*@n_images of them).  A name that is also
 * a member of @parameters (a JSON object, or NULL) is refused.  FALSE with
 * a message naming the field otherwise. */
gboolean apigo_images_load (const gchar * text, const gchar * parameters,
    ApigoJobImage ** images, guint * n_images, GError ** error);

G_END_DECLS

#endif /* __APIGO_IMAGES_H__ */
