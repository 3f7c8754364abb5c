/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-file.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>

static void
set_error (GError ** error, gint err, const gchar * path, const gchar * why)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err),
      "%s: %s", path, why ? why : g_strerror (err));
}

gint
apigo_file_open_regular (const gchar * path, gint flags, mode_t mode,
    GError ** error)
{
  gint fd = g_open (path, flags | O_NONBLOCK | O_NOFOLLOW | O_NOCTTY |
      O_CLOEXEC, mode);
  GStatBuf st;

  if (fd < 0) {
    gint err = errno;

    set_error (error, err, path, err == ELOOP ?
        "a symbolic link, not a file of ours" : NULL);
    return -1;
  }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode)) {
    set_error (error, EINVAL, path, "not a regular file");
    close (fd);
    return -1;
  }
  /* A regular file never blocks; reads and writes go on as usual. */
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

gboolean
apigo_file_read_small (const gchar * path, gsize max, gchar ** contents,
    gsize * len, GError ** error)
{
  gint fd = apigo_file_open_regular (path, O_RDONLY, 0, error);
  g_autofree gchar *buf = NULL;
  GStatBuf st;
  gsize done = 0;

  if (fd < 0)
    return FALSE;
  if (fstat (fd, &st) != 0 || (guint64) st.st_size > max) {
    set_error (error, EFBIG, path, "larger than expected");
    close (fd);
    return FALSE;
  }
  /* One byte more than it said: a file that grows is no small file. */
  buf = g_malloc (st.st_size + 2);
  for (;;) {
    gssize n = read (fd, buf + done, st.st_size + 1 - done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      set_error (error, errno, path, NULL);
      close (fd);
      return FALSE;
    }
    if (n == 0)
      break;
    done += n;
    if (done > (gsize) st.st_size) {
      set_error (error, EFBIG, path, "it grew while read");
      close (fd);
      return FALSE;
    }
  }
  close (fd);
  buf[done] = '\0';
  *contents = g_steal_pointer (&buf);
  *len = done;
  return TRUE;
}
