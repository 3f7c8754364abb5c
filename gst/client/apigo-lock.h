/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_LOCK_H__
#define __APIGO_LOCK_H__

#include <gio/gio.h>

G_BEGIN_DECLS

/* An exclusive lock on one request, shared by every run that uses the same
 * cache directory: processes started together, and elements of one
 * process, take turns instead of each paying for the same clip.  It is
 * flock(2) on DIR/locks/KEY.lock, so the kernel releases it when its holder
 * dies, however it dies: there are no stale locks to recover.  Lock files
 * are left in place (they are empty): removing one while another run waits
 * on it would let a third take a lock of its own. */
typedef struct _ApigoLock ApigoLock;

/* Called once, before the first wait, when another run holds the lock. */
typedef void (*ApigoLockWaitFunc) (const gchar * path, gpointer user_data);

/* Takes the lock of @key under @dir, waiting while another run holds it.
 * NULL with G_IO_ERROR_CANCELLED when @cancellable fires first (it is
 * looked at every 100 ms at most), or with another error when no lock can
 * be had there at all (the directory cannot be written...). */
ApigoLock *apigo_lock_acquire (const gchar * dir, const gchar * key,
    ApigoLockWaitFunc waiting, gpointer user_data,
    GCancellable * cancellable, GError ** error);
/* Whether other runs wait for @lock right now (the holder then leaves
 * them what they need: see delete-remote). */
gboolean apigo_lock_has_waiters (ApigoLock * lock);
/* Releases the lock (NULL: nothing). */
void apigo_lock_release (ApigoLock * lock);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApigoLock, apigo_lock_release)

G_END_DECLS

#endif /* __APIGO_LOCK_H__ */
