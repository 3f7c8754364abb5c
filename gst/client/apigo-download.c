/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* fallocate() */
#define _GNU_SOURCE

#define APIGO_LOG_DOMAIN APIGO_LOG_CACHE

#include "apigo-download.h"
#include "apigo-error.h"
#include "apigo-file.h"
#include "apigo-log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

struct _ApigoDownload
{
  gint refcount;
  gint fd;                      /* replaced only while nothing is stored */
  gchar *path;                  /* a named file still ours to remove */
  gboolean leave_part;          /* ... unless it holds bytes to continue */
  gboolean read_only;           /* an adopted file: never written */

  GMutex lock;
  GCond changed;
  guint64 stored;               /* bytes [0, stored) are in the file */
  guint64 total;                /* valid when has_total */
  gboolean has_total;
  gboolean finished;
  GError *error;
  gchar *etag;                  /* what the first answer said of the clip */
  gchar *last_modified;
  guint64 delivered;            /* end of the furthest bytes readers got */
};

static ApigoDownload *
download_new_with_fd (gint fd)
{
  ApigoDownload *dl = g_new0 (ApigoDownload, 1);

  dl->refcount = 1;
  dl->fd = fd;
  g_mutex_init (&dl->lock);
  g_cond_init (&dl->changed);
  return dl;
}

static gint
make_file (gchar * path, GError ** error)
{
  gint fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);

  if (fd < 0) {
    int err = errno;
    g_autofree gchar *dir = g_path_get_dirname (path);

    g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
        "Cannot create a file to download into in %s: %s", dir,
        g_strerror (err));
  }
  return fd;
}

ApigoDownload *
apigo_download_new (const gchar * dir, GError ** error)
{
  g_autofree gchar *path = NULL;
  gint fd;

  path = g_build_filename (dir ? dir : g_get_tmp_dir (), "apigo-XXXXXX",
      NULL);
  fd = make_file (path, error);
  if (fd < 0)
    return NULL;
  /* Anonymous from now on: nothing is left behind, even after a crash. */
  g_unlink (path);
  return download_new_with_fd (fd);
}

gboolean
apigo_download_keep (ApigoDownload * dl, const gchar * path, GError ** error)
{
  gboolean kept = FALSE;

  g_mutex_lock (&dl->lock);
  if (dl->path == NULL || !dl->finished) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
        "Only a complete download in a named file can be kept");
  } else if (g_rename (dl->path, path) != 0) {
    int err = errno;

    g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
        "Cannot keep the downloaded video as %s: %s", path, g_strerror (err));
  } else {
    g_clear_pointer (&dl->path, g_free);
    kept = TRUE;
  }
  g_mutex_unlock (&dl->lock);
  return kept;
}

gboolean
apigo_download_adopt (ApigoDownload * dl, const gchar * path,
    GError ** error)
{
  g_autoptr (GError) open_error = NULL;
  gint fd = apigo_file_open_regular (path, O_RDONLY, 0, &open_error);

  if (fd < 0) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
        "Cannot read %s", open_error->message);
    return FALSE;
  }
  return apigo_download_adopt_fd (dl, fd, error);
}

gboolean
apigo_download_adopt_fd (ApigoDownload * dl, gint fd, GError ** error)
{
  struct stat st;
  gboolean adopted = FALSE;

  if (fstat (fd, &st) != 0) {
    int err = errno;

    g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
        "Cannot read a kept file: %s", g_strerror (err));
    close (fd);
    return FALSE;
  }

  g_mutex_lock (&dl->lock);
  /* With nothing stored, no reader is inside pread(): the fd can change. */
  if (dl->stored == 0) {
    close (dl->fd);
    if (dl->path != NULL)
      g_unlink (dl->path);
    g_clear_pointer (&dl->path, g_free);
    dl->fd = fd;
    dl->read_only = TRUE;
    dl->stored = dl->total = st.st_size;
    dl->has_total = TRUE;
    dl->finished = TRUE;
    g_clear_error (&dl->error);
    g_cond_broadcast (&dl->changed);
    adopted = TRUE;
  }
  g_mutex_unlock (&dl->lock);

  if (!adopted) {
    close (fd);
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
        "A download already under way cannot take another file");
  }
  return adopted;
}

ApigoDownload *
apigo_download_ref (ApigoDownload * dl)
{
  g_atomic_int_inc (&dl->refcount);
  return dl;
}

void
apigo_download_unref (ApigoDownload * dl)
{
  if (dl == NULL || !g_atomic_int_dec_and_test (&dl->refcount))
    return;

  close (dl->fd);
  /* A part the journal can continue (its length known) stays for the next
   * run. */
  if (dl->path != NULL && !(dl->leave_part && dl->stored > 0
          && dl->has_total && dl->total > 0))
    g_unlink (dl->path);
  g_free (dl->path);
  g_clear_error (&dl->error);
  g_free (dl->etag);
  g_free (dl->last_modified);
  g_mutex_clear (&dl->lock);
  g_cond_clear (&dl->changed);
  g_free (dl);
}

void
apigo_download_set_total (ApigoDownload * dl, guint64 total)
{
  g_mutex_lock (&dl->lock);
  /* Reserve the clip's blocks at once (without changing the file's size):
   * the file system then lays them out in one go instead of on every
   * write.  Where it cannot (tmpfs, old file systems), writes do it. */
  if (!dl->read_only && total > dl->stored)
    (void) fallocate (dl->fd, FALLOC_FL_KEEP_SIZE, dl->stored,
        total - dl->stored);
  dl->total = total;
  dl->has_total = TRUE;
  g_cond_broadcast (&dl->changed);
  g_mutex_unlock (&dl->lock);
}

static gboolean
write_all (gint fd, const guint8 * data, gsize len, guint64 offset,
    GError ** error)
{
  while (len > 0) {
    gssize n = pwrite (fd, data, len, offset);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      int err = n < 0 ? errno : ENOSPC;

      g_set_error (error, APIGO_ERROR, err == ENOSPC || err == EDQUOT ?
          APIGO_ERROR_NO_SPACE : APIGO_ERROR_STORAGE,
          "Cannot store the downloaded video: %s", g_strerror (err));
      return FALSE;
    }
    data += n;
    len -= n;
    offset += n;
  }
  return TRUE;
}

gboolean
apigo_download_append (ApigoDownload * dl, const void *data, gsize len,
    GError ** error)
{
  guint64 offset;

  /* Only one writer: the stored length cannot move under us. */
  g_mutex_lock (&dl->lock);
  offset = dl->stored;
  g_mutex_unlock (&dl->lock);

  if (!write_all (dl->fd, data, len, offset, error))
    return FALSE;

  g_mutex_lock (&dl->lock);
  dl->stored = offset + len;
  g_cond_broadcast (&dl->changed);
  g_mutex_unlock (&dl->lock);

  return TRUE;
}

void
apigo_download_finish (ApigoDownload * dl)
{
  g_mutex_lock (&dl->lock);
  dl->finished = TRUE;
  dl->total = dl->stored;
  dl->has_total = TRUE;
  g_cond_broadcast (&dl->changed);
  g_mutex_unlock (&dl->lock);
}

void
apigo_download_fail (ApigoDownload * dl, const GError * error)
{
  g_mutex_lock (&dl->lock);
  g_clear_error (&dl->error);
  dl->error = g_error_copy (error);
  g_cond_broadcast (&dl->changed);
  g_mutex_unlock (&dl->lock);
}

void
apigo_download_reset (ApigoDownload * dl)
{
  g_mutex_lock (&dl->lock);
  if (dl->read_only) {
    g_mutex_unlock (&dl->lock);
    return;
  }
  dl->stored = 0;
  dl->total = 0;
  dl->has_total = FALSE;
  dl->finished = FALSE;
  g_clear_error (&dl->error);
  g_clear_pointer (&dl->etag, g_free);
  g_clear_pointer (&dl->last_modified, g_free);
  if (ftruncate (dl->fd, 0) != 0)
    APIGO_WARNING ("Cannot truncate the download file: %s",
        g_strerror (errno));
  g_mutex_unlock (&dl->lock);
}

void
apigo_download_clear_error (ApigoDownload * dl)
{
  g_mutex_lock (&dl->lock);
  g_clear_error (&dl->error);
  g_mutex_unlock (&dl->lock);
}

void
apigo_download_drop_empty_file (ApigoDownload * dl)
{
  g_mutex_lock (&dl->lock);
  if (dl->path != NULL && dl->stored == 0 && !dl->read_only) {
    APIGO_DEBUG ("Removing %s: nothing was stored in it", dl->path);
    g_unlink (dl->path);
    g_clear_pointer (&dl->path, g_free);
    dl->leave_part = FALSE;
  }
  g_mutex_unlock (&dl->lock);
}

guint64
apigo_download_get_stored (ApigoDownload * dl)
{
  guint64 stored;

  g_mutex_lock (&dl->lock);
  stored = dl->stored;
  g_mutex_unlock (&dl->lock);

  return stored;
}

gboolean
apigo_download_get_total (ApigoDownload * dl, guint64 * total)
{
  gboolean has_total;

  g_mutex_lock (&dl->lock);
  has_total = dl->has_total;
  if (has_total && total != NULL)
    *total = dl->total;
  g_mutex_unlock (&dl->lock);

  return has_total;
}

gboolean
apigo_download_is_complete (ApigoDownload * dl)
{
  gboolean finished;

  g_mutex_lock (&dl->lock);
  finished = dl->finished;
  g_mutex_unlock (&dl->lock);

  return finished;
}

static void
wake_readers (GCancellable * cancellable, ApigoDownload * dl)
{
  g_mutex_lock (&dl->lock);
  g_cond_broadcast (&dl->changed);
  g_mutex_unlock (&dl->lock);
}

static gssize
read_stored (gint fd, guint64 offset, void *buf, gsize len, GError ** error)
{
  gsize done = 0;

  while (done < len) {
    gssize n = pread (fd, (guint8 *) buf + done, len - done, offset + done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      int err = n < 0 ? errno : EIO;

      g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
          "Cannot read back the downloaded video: %s", g_strerror (err));
      return -1;
    }
    done += n;
  }
  return done;
}

gssize
apigo_download_read (ApigoDownload * dl, guint64 offset, void *buf,
    gsize len, GCancellable * cancellable, GError ** error)
{
  gulong handler = 0;
  guint64 want;
  gsize count = 0;
  gboolean ready = FALSE;
  gint fd;

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_readers),
        dl, NULL);

  g_mutex_lock (&dl->lock);
  for (;;) {
    if (dl->has_total && offset >= dl->total) {
      ready = TRUE;             /* at or past the end: nothing to read */
      break;
    }
    want = offset + len;
    if (dl->has_total)
      want = MIN (want, dl->total);
    if (dl->stored >= want) {
      count = want - offset;
      ready = TRUE;
      break;
    }
    if (dl->finished) {
      count = dl->stored > offset ? dl->stored - offset : 0;
      ready = TRUE;
      break;
    }
    if (dl->error != NULL) {
      g_propagate_error (error, g_error_copy (dl->error));
      break;
    }
    if (g_cancellable_set_error_if_cancelled (cancellable, error))
      break;
    g_cond_wait (&dl->changed, &dl->lock);
  }
  fd = dl->fd;
  /* Counted before the bytes are copied: a writer that must not change
   * them (apigo_download_truncate()) sees them as gone already. */
  if (ready && count > 0)
    dl->delivered = MAX (dl->delivered, offset + count);
  g_mutex_unlock (&dl->lock);

  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);

  if (!ready)
    return -1;
  if (count == 0)
    return 0;
  return read_stored (fd, offset, buf, count, error);
}

gboolean
apigo_download_stat (ApigoDownload * dl, struct stat * st)
{
  gint fd;

  g_mutex_lock (&dl->lock);
  fd = dl->fd;
  g_mutex_unlock (&dl->lock);
  return fstat (fd, st) == 0;
}

void
apigo_download_set_validators (ApigoDownload * dl, const gchar * etag,
    const gchar * last_modified)
{
  g_mutex_lock (&dl->lock);
  g_free (dl->etag);
  dl->etag = g_strdup (etag);
  g_free (dl->last_modified);
  dl->last_modified = g_strdup (last_modified);
  g_mutex_unlock (&dl->lock);
}

void
apigo_download_get_validators (ApigoDownload * dl, gchar ** etag,
    gchar ** last_modified)
{
  g_mutex_lock (&dl->lock);
  *etag = g_strdup (dl->etag);
  *last_modified = g_strdup (dl->last_modified);
  g_mutex_unlock (&dl->lock);
}

guint64
apigo_download_get_delivered (ApigoDownload * dl)
{
  guint64 delivered;

  g_mutex_lock (&dl->lock);
  delivered = dl->delivered;
  g_mutex_unlock (&dl->lock);
  return delivered;
}

gboolean
apigo_download_truncate (ApigoDownload * dl, guint64 len)
{
  gboolean done = FALSE;

  g_mutex_lock (&dl->lock);
  if (!dl->read_only && !dl->finished && len <= dl->stored
      && dl->delivered <= len && ftruncate (dl->fd, len) == 0) {
    dl->stored = len;
    dl->has_total = FALSE;
    dl->total = 0;
    g_clear_pointer (&dl->etag, g_free);
    g_clear_pointer (&dl->last_modified, g_free);
    done = TRUE;
  }
  g_mutex_unlock (&dl->lock);
  return done;
}

gboolean
apigo_download_holds (ApigoDownload * dl, guint64 offset,
    const guint8 * data, gsize len, GError ** error)
{
  guint8 buf[16 * 1024];
  gint fd;

  g_mutex_lock (&dl->lock);
  fd = dl->fd;
  g_mutex_unlock (&dl->lock);

  while (len > 0) {
    gsize n = MIN (len, sizeof (buf));

    if (read_stored (fd, offset, buf, n, error) < 0)
      return FALSE;
    if (memcmp (buf, data, n) != 0)
      return FALSE;
    offset += n;
    data += n;
    len -= n;
  }
  return TRUE;
}

gboolean
apigo_download_continue_file (ApigoDownload * dl, const gchar * path,
    guint64 total, const gchar * etag, const gchar * last_modified,
    GError ** error)
{
  g_autoptr (GError) open_error = NULL;
  gint fd = apigo_file_open_regular (path, O_RDWR | O_CREAT, 0600,
      &open_error);
  GStatBuf st;
  gboolean taken = FALSE;

  if (fd < 0 || fstat (fd, &st) != 0) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
        "Cannot download into %s", open_error ? open_error->message : path);
    if (fd >= 0)
      close (fd);
    return FALSE;
  }

  g_mutex_lock (&dl->lock);
  /* With nothing stored, no reader is inside pread(): the fd can change. */
  if (dl->stored == 0 && !dl->read_only) {
    close (dl->fd);
    if (dl->path != NULL)
      g_unlink (dl->path);
    g_free (dl->path);
    dl->path = g_strdup (path);
    dl->leave_part = TRUE;
    dl->fd = fd;
    /* Bytes of another clip, or more than it has, are no start. */
    if (total == 0 || (guint64) st.st_size > total) {
      if (ftruncate (fd, 0) != 0)
        APIGO_WARNING ("Cannot truncate %s: %s", path, g_strerror (errno));
    } else {
      dl->stored = st.st_size;
      dl->total = total;
      dl->has_total = TRUE;
      dl->etag = g_strdup (etag);
      dl->last_modified = g_strdup (last_modified);
    }
    g_cond_broadcast (&dl->changed);
    taken = TRUE;
  }
  g_mutex_unlock (&dl->lock);

  if (!taken) {
    close (fd);
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
        "A download already under way cannot take another file");
  }
  return taken;
}
