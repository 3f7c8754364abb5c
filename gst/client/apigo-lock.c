/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "apigo-lock"
#define APIGO_LOG_DOMAIN APIGO_LOG_LOCK

#include "apigo-lock.h"
#include "apigo-error.h"
#include "apigo-file.h"
#include "apigo-log.h"
#include "apigo-retry.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <glib/gstdio.h>

/* How often a waiting run looks again: flock(2) cannot wait on a
 * GCancellable, and stopping must never hang on another process.  Soon at
 * first (the spend ledger's lock is held for a moment only), then every
 * RETRY_MS. */
#define RETRY_FIRST_MS 2
#define RETRY_MS 100

struct _ApigoLock
{
  gint fd;
  gchar *waiters;               /* KEY.waiters: shared-locked by each waiter */
  gchar *path;
};

static gboolean
storage_error (GError ** error, int err, const gchar * what,
    const gchar * path)
{
  g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE, "Cannot %s %s: %s",
      what, path, g_strerror (err));
  return FALSE;
}

/* Whether the lock was taken; FALSE with no error while another holds it. */
static gboolean
try_lock (gint fd, const gchar * path, GError ** error)
{
  /* flock() conflicts between two open()s of the same file, so elements of
   * one process exclude each other too (fcntl() locks would not). */
  while (flock (fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;

    if (err == EWOULDBLOCK)
      return FALSE;
    if (err != EINTR)
      return storage_error (error, err, "lock", path);
  }
  return TRUE;
}

ApigoLock *
apigo_lock_acquire (const gchar * dir, const gchar * key,
    ApigoLockWaitFunc waiting, gpointer user_data,
    GCancellable * cancellable, GError ** error)
{
  g_autofree gchar *locks = g_build_filename (dir, "locks", NULL);
  g_autofree gchar *name = g_strconcat (key, ".lock", NULL);
  g_autofree gchar *path = g_build_filename (locks, name, NULL);
  g_autofree gchar *waiters_name = g_strconcat (key, ".waiters", NULL);
  g_autofree gchar *waiters = g_build_filename (locks, waiters_name, NULL);
  GError *err = NULL;
  ApigoLock *lock;
  gint fd;

  if (g_mkdir_with_parents (locks, 0700) != 0) {
    storage_error (error, errno, "create", locks);
    return NULL;
  }
  /* Not inherited: a child process must not keep the lock alive. */
  fd = apigo_file_open_regular (path, O_RDONLY | O_CREAT, 0600, &err);
  if (fd < 0) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
        "Cannot use the lock file %s", err->message);
    g_error_free (err);
    return NULL;
  }

  if (!try_lock (fd, path, &err) && err == NULL) {
    gint64 start = g_get_monotonic_time ();
    guint wait_ms = RETRY_FIRST_MS;

    APIGO_INFO ("Another run of the same request holds %s: waiting for our "
        "turn", path);
    /* Seen by the holder (apigo_lock_has_waiters()) while we wait; the
     * kernel drops it if we die. */
    gint mark = apigo_file_open_regular (waiters, O_RDONLY | O_CREAT, 0600,
        NULL);

    if (mark >= 0 && flock (mark, LOCK_SH | LOCK_NB) != 0) {
      g_close (mark, NULL);
      mark = -1;
    }
    if (waiting != NULL)
      waiting (path, user_data);
    do {
      if (!apigo_retry_sleep (cancellable, wait_ms)) {
        g_cancellable_set_error_if_cancelled (cancellable, &err);
        break;
      }
      wait_ms = MIN (wait_ms * 2, RETRY_MS);
    } while (!try_lock (fd, path, &err) && err == NULL);
    if (mark >= 0)
      g_close (mark, NULL);
    if (err == NULL)
      APIGO_INFO ("Our turn came after %" G_GINT64_FORMAT " ms: %s is ours",
          (g_get_monotonic_time () - start) / 1000, path);
  } else if (err == NULL) {
    APIGO_DEBUG ("Took %s", path);
  }
  if (err != NULL) {
    APIGO_DEBUG ("No lock %s: %s", path, err->message);
    g_close (fd, NULL);
    g_propagate_error (error, err);
    return NULL;
  }

  lock = g_new0 (ApigoLock, 1);
  lock->fd = fd;
  lock->waiters = g_steal_pointer (&waiters);
  lock->path = g_steal_pointer (&path);
  return lock;
}

gboolean
apigo_lock_has_waiters (ApigoLock * lock)
{
  gint fd;
  gboolean waited_on;

  if (lock == NULL)
    return FALSE;
  fd = apigo_file_open_regular (lock->waiters, O_RDONLY, 0, NULL);
  if (fd < 0)
    return FALSE;
  waited_on = flock (fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  g_close (fd, NULL);
  return waited_on;
}

void
apigo_lock_release (ApigoLock * lock)
{
  if (lock == NULL)
    return;
  /* Closing the only descriptor of the open file releases the lock. */
  g_close (lock->fd, NULL);
  g_free (lock->waiters);
  APIGO_DEBUG ("Released %s", lock->path);
  g_free (lock->path);
  g_free (lock);
}
