/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-reference.h"
#include "apigo-error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
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

/* What a path that is not a regular file names, for the message. */
static const gchar *
file_kind (mode_t mode)
{
  if (S_ISDIR (mode))
    return "a directory";
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISCHR (mode))
    return "a character device";
  if (S_ISBLK (mode))
    return "a block device";
  if (S_ISSOCK (mode))
    return "a socket";
  return "not a regular file";
}

static gboolean
check_regular (const gchar * what, const gchar * path, const GStatBuf * st,
    GError ** error)
{
  if (S_ISREG (st->st_mode))
    return TRUE;
  g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
      "The %s \"%s\" is %s, not a regular file", what, path,
      file_kind (st->st_mode));
  return FALSE;
}

static gboolean
check_size (const gchar * what, const gchar * path, guint64 size,
    GError ** error)
{
  if (size <= APIGO_REFERENCE_MAX_BYTES)
    return TRUE;
  g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
      "The %s \"%s\" is %" G_GUINT64_FORMAT " bytes, more than the %d "
      "allowed", what, path, size, APIGO_REFERENCE_MAX_BYTES);
  return FALSE;
}

static void
set_io_error (GError ** error, const gchar * what, const gchar * path,
    gint errsv)
{
  g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
      "Cannot read the %s \"%s\": %s", what, path, g_strerror (errsv));
}

/* At most APIGO_REFERENCE_MAX_BYTES + 1 bytes of @fd: one more tells a
 * file that is too large, even one that grew since it was looked at. */
static GByteArray *
read_bounded (gint fd, const gchar * what, const gchar * path, gsize hint,
    GError ** error)
{
  g_autoptr (GByteArray) bytes = g_byte_array_sized_new (MIN (hint,
          APIGO_REFERENCE_MAX_BYTES) + 1);
  guint8 buf[64 * 1024];

  while (bytes->len <= APIGO_REFERENCE_MAX_BYTES) {
    gssize n = read (fd, buf, sizeof (buf));

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      set_io_error (error, what, path, errno);
      return NULL;
    }
    if (n == 0)
      break;
    g_byte_array_append (bytes, buf, n);
  }
  return g_steal_pointer (&bytes);
}

GBytes *
apigo_reference_load (const gchar * path, const gchar ** mime_type,
    GError ** error)
{
  return apigo_reference_load_as ("input reference", path, mime_type, error);
}

GBytes *
apigo_reference_load_as (const gchar * what, const gchar * path,
    const gchar ** mime_type, GError ** error)
{
  g_autoptr (GByteArray) bytes = NULL;
  GStatBuf st;
  const gchar *type;
  gint fd;

  /* A FIFO or a device would block open() or read() for ever (a state
   * change that never returns) or give endless bytes: only regular files
   * are read.  Looked at before opening, then again once opened (without
   * blocking, whatever it is by then), in case the path was swapped. */
  if (g_stat (path, &st) != 0) {
    set_io_error (error, what, path, errno);
    return NULL;
  }
  if (!check_regular (what, path, &st, error))
    return NULL;

  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0) {
    set_io_error (error, what, path, errno);
    return NULL;
  }
  if (fstat (fd, &st) != 0) {
    set_io_error (error, what, path, errno);
    g_close (fd, NULL);
    return NULL;
  }
  if (check_regular (what, path, &st, error)
      && check_size (what, path, st.st_size, error))
    bytes = read_bounded (fd, what, path, st.st_size, error);
  g_close (fd, NULL);
  /* It may have grown since. */
  if (bytes == NULL || !check_size (what, path, bytes->len, error))
    return NULL;

  type = apigo_reference_sniff (bytes->data, bytes->len);
  if (type == NULL) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The %s \"%s\" is not a JPEG, PNG or WebP image", what, path);
    return NULL;
  }

  *mime_type = type;
  /* A copy: the file may change or go away once the element started. */
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}
