/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-reference.h"
#include "apigo-error.h"

#include <string.h>
#include <glib/gstdio.h>

const gchar *
apigo_reference_sniff (const guint8 * data, gsize len)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

  if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
    return "image/jpeg";
  if (len >= sizeof (png) && memcmp (data, png, sizeof (png)) == 0)
    return "image/png";
  if (len >= 12 && memcmp (data, "RIFF", 4) == 0
      && memcmp (data + 8, "WEBP", 4) == 0)
    return "image/webp";
  return NULL;
}

GBytes *
apigo_reference_load (const gchar * path, const gchar ** mime_type,
    GError ** error)
{
  g_autoptr (GMappedFile) file = NULL;
  g_autoptr (GError) open_error = NULL;
  const guint8 *data;
  gsize len;
  const gchar *type;

  file = g_mapped_file_new (path, FALSE, &open_error);
  if (file == NULL) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "Cannot read the input reference \"%s\": %s", path,
        open_error->message);
    return NULL;
  }

  len = g_mapped_file_get_length (file);
  data = (const guint8 *) g_mapped_file_get_contents (file);
  if (len > APIGO_REFERENCE_MAX_BYTES) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The input reference \"%s\" is %" G_GSIZE_FORMAT " bytes, more than "
        "the %d allowed", path, len, APIGO_REFERENCE_MAX_BYTES);
    return NULL;
  }

  type = apigo_reference_sniff (data, len);
  if (type == NULL) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The input reference \"%s\" is not a JPEG, PNG or WebP image", path);
    return NULL;
  }

  *mime_type = type;
  /* A copy: the file may change or go away once the element started. */
  return g_bytes_new (data, len);
}
