/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_DOWNLOAD_H__
#define __APIGO_DOWNLOAD_H__

#include <gio/gio.h>
#include <sys/stat.h>

G_BEGIN_DECLS

/* The download store: one writer appends the clip's bytes to a file while
 * any number of readers read at any offset, each waiting until the bytes it
 * asks for are there.  Bytes land on disk, not in memory, so clips of any
 * size cost the same RAM.  Thread-safe. */
typedef struct _ApigoDownload ApigoDownload;

/* An anonymous file under @dir (NULL: the temporary directory). */
ApigoDownload *apigo_download_new (const gchar * dir, GError ** error);
ApigoDownload *apigo_download_ref (ApigoDownload * dl);
void apigo_download_unref (ApigoDownload * dl);

/* Writer side. */
void apigo_download_set_total (ApigoDownload * dl, guint64 total);
gboolean apigo_download_append (ApigoDownload * dl, const void *data,
    gsize len, GError ** error);
void apigo_download_finish (ApigoDownload * dl);
void apigo_download_fail (ApigoDownload * dl, const GError * error);
void apigo_download_reset (ApigoDownload * dl);
/* Forget a failure (the stored bytes stay) before the writer tries again. */
void apigo_download_clear_error (ApigoDownload * dl);

/* A named store that is complete: moves its file to @path (same file
 * system), which then stays when the store goes.  Readers go on reading. */
gboolean apigo_download_keep (ApigoDownload * dl, const gchar * path,
    GError ** error);
/* Serves the whole file at @path (read-only, left in place) instead of
 * downloading: only before any byte was stored. */
gboolean apigo_download_adopt (ApigoDownload * dl, const gchar * path,
    GError ** error);
/* The same for the file open on @fd (read-only), which it takes: closed
 * when the store goes, or at once when it cannot be adopted. */
gboolean apigo_download_adopt_fd (ApigoDownload * dl, gint fd,
    GError ** error);
/* fstat(2) of the file the store writes to or reads from: a kept clip's
 * identity, taken without reading it. */
gboolean apigo_download_stat (ApigoDownload * dl, struct stat * st);

/* What the service's first answer said identifies the clip (either may be
 * NULL): every later answer is checked against it. */
void apigo_download_set_validators (ApigoDownload * dl, const gchar * etag,
    const gchar * last_modified);
void apigo_download_get_validators (ApigoDownload * dl, gchar ** etag,
    gchar ** last_modified);
/* Whether the stored bytes at @offset are @data (FALSE with @error when
 * they cannot be read back). */
gboolean apigo_download_holds (ApigoDownload * dl, guint64 offset,
    const guint8 * data, gsize len, GError ** error);
/* Drops the bytes from @len on, and what is known of the clip, unless
 * readers already had some of them: FALSE then. */
gboolean apigo_download_truncate (ApigoDownload * dl, guint64 len);
/* Before anything is stored: continue the partial download in @path (made
 * if missing), whose bytes are the start of a clip of @total bytes that the
 * service identified with @etag / @last_modified.  A file longer than
 * @total, or @total 0, starts again from nothing.  The file is kept by
 * apigo_download_keep(); otherwise it stays when the store goes while it
 * holds bytes, for a later run to continue. */
gboolean apigo_download_continue_file (ApigoDownload * dl, const gchar * path,
    guint64 total, const gchar * etag, const gchar * last_modified,
    GError ** error);

/* A named file that holds no byte yet (a download that failed or was
 * stopped before its first byte) is removed now rather than when the store
 * goes: the store goes on with it as an anonymous file. */
void apigo_download_drop_empty_file (ApigoDownload * dl);

/* State. */
guint64 apigo_download_get_stored (ApigoDownload * dl);
gboolean apigo_download_get_total (ApigoDownload * dl, guint64 * total);
gboolean apigo_download_is_complete (ApigoDownload * dl);
/* How far readers have read: bytes up to here left the store. */
guint64 apigo_download_get_delivered (ApigoDownload * dl);

/* Reader side: copies up to @len bytes at @offset into @buf once they are
 * stored.  Returns the count (less than @len only at the end of the clip,
 * 0 past it), or -1 with @error set when the download failed before those
 * bytes arrived or @cancellable was cancelled (G_IO_ERROR_CANCELLED). */
gssize apigo_download_read (ApigoDownload * dl, guint64 offset, void *buf,
    gsize len, GCancellable * cancellable, GError ** error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApigoDownload, apigo_download_unref)

G_END_DECLS

#endif /* __APIGO_DOWNLOAD_H__ */
