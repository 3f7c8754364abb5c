/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_CACHE_H__
#define __APIGO_CACHE_H__

#include "apigo-download.h"
#include "apigo-task.h"

G_BEGIN_DECLS

/* What a generation leaves on disk, keyed by a hash of the request (see
 * apigo_job_settings_key()), in one directory:
 *   tasks/TASK.json the journal: the task a request made (or is making), so
 *                   that the next run resumes it instead of paying again;
 *                   keyed without the variant (apigo_job_settings_task_key()):
 *                   a thumbnail of a video is made from the video's task;
 *   clips/KEY.mp4   the finished clip (.jpg, .png or .webp for an image
 *                   variant), with clips/KEY.json: its size and SHA-256, to
 *                   tell a whole clip from a corrupt or partial one, and
 *                   what it is (prompt, model... see ApigoKeptClip);
 *   clips/KEY.part  a download under way, or cut, that what its task's
 *                   journal entry says of it (length, ETag, Last-Modified)
 *                   lets a later run continue.
 * Clips beyond a size bound are evicted, least recently used first.  Every
 * file is written to a temporary name and renamed: a crash leaves either
 * the old state or the new, never half of one. */
typedef struct _ApigoCache ApigoCache;

/* The default directory: $XDG_CACHE_HOME/gst-apigo. */
gchar *apigo_cache_default_dir (void);

/* @max_clip_bytes 0 keeps no clips (the journal still works). */
ApigoCache *apigo_cache_new (const gchar * dir, guint64 max_clip_bytes,
    GError ** error);
void apigo_cache_free (ApigoCache * cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApigoCache, apigo_cache_free)
const gchar *apigo_cache_get_dir (ApigoCache * cache);

/* The journal, keyed by the task key (apigo_job_settings_task_key()). */
typedef struct
{
  gchar *video_id;              /* NULL while the create is under way */
  gint64 creating_since;        /* Unix time the create was sent, or 0 */
  gint64 expires_at;            /* when its clip goes away, or 0 */
  gchar *idempotency_key;       /* the create's, while it is under way (older
                                 * entries: NULL) */
} ApigoJournalEntry;

void apigo_journal_entry_clear (ApigoJournalEntry * entry);
/* Before the create is sent: when, and the Idempotency-Key it carries, so
 * that the next run sends the same request again rather than a new one. */
gboolean apigo_cache_note_creating (ApigoCache * cache, const gchar * key,
    gint64 since_unix, const gchar * idempotency_key, GError ** error);
gboolean apigo_cache_note_task (ApigoCache * cache, const gchar * key,
    const ApigoTask * task, GError ** error);
/* FALSE when there is no (readable) entry. */
gboolean apigo_cache_recall (ApigoCache * cache, const gchar * key,
    ApigoJournalEntry * entry);
/* FALSE, with an error naming the file and why, when there is an entry for
 * @key that apigo_cache_recall() cannot use (unreadable, too big, damaged);
 * TRUE when it can, or when there is none. */
gboolean apigo_cache_check_entry (ApigoCache * cache, const gchar * key,
    GError ** error);
void apigo_cache_forget (ApigoCache * cache, const gchar * key);

/* The clips.  A store for a new download of @key, inside the cache when
 * clips are kept (so that keeping it costs no copy), else anonymous. */
ApigoDownload *apigo_cache_new_download (ApigoCache * cache,
    const gchar * key, GError ** error);
/* Gives @dl (from apigo_cache_new_download(), nothing stored yet) its
 * file in the cache: the partial download an earlier run of the clip @key
 * left, continued from where it stopped when the journal entry of its task
 * (@task_key) says what clip it is the start of, or a new one. */
gboolean apigo_cache_attach_part (ApigoCache * cache, const gchar * task_key,
    const gchar * key, ApigoDownload * dl, GError ** error);
/* Journals, in the entry of the task @task_key, what the service said
 * identifies the clip @key being downloaded, so that a later run can
 * continue its partial download. */
gboolean apigo_cache_note_content (ApigoCache * cache,
    const gchar * task_key, const gchar * key, guint64 total,
    const gchar * etag, const gchar * last_modified, GError ** error);
/* What a kept clip is, as its metadata says.  Entries kept by older
 * versions know only the video id. */
typedef struct
{
  gchar *key;
  gchar *path;                  /* the clip's file */
  gchar *video_id;              /* the task it came from, or NULL */
  gchar *prompt;                /* as asked (NULL: not known) */
  gchar *model;
  gchar *size;
  gchar *seconds;
  gchar *variant;               /* NULL: the video */
  gchar *base_url;              /* the service's; NULL for older clips */
  gint64 kept_at;               /* Unix time; 0: not known */
  gint64 last_used;             /* last played (the file's mtime) */
  guint64 bytes;
  gboolean remote_deleted;      /* its task was deleted from the service */
  gboolean has_cost;            /* the service said what its task cost */
  gdouble cost;                 /* then: US dollars, spent when it was made */
} ApigoKeptClip;

void apigo_kept_clip_free (ApigoKeptClip * clip);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApigoKeptClip, apigo_kept_clip_free)

/* Serves the kept clip of @key from @dl if there is a whole one (checked
 * against its size and SHA-256; a bad one is removed), and tells what it
 * is in @clip (optional).  FALSE: no clip. */
gboolean apigo_cache_open_clip (ApigoCache * cache, const gchar * key,
    ApigoDownload * dl, ApigoKeptClip ** clip);
/* Called with the kept clip before its first byte can be read. */
typedef void (*ApigoKeptClipFunc) (const ApigoKeptClip * clip,
    gpointer user_data);
/* apigo_cache_open_clip(), telling @before_play what the clip is first:
 * a reader that sees the clip whole learns nothing later than its bytes. */
gboolean apigo_cache_open_clip_full (ApigoCache * cache, const gchar * key,
    ApigoDownload * dl, ApigoKeptClipFunc before_play, gpointer user_data,
    ApigoKeptClip ** clip);
/* The key of a kept clip of the task @video_id of the service at
 * @base_url, in @variant (NULL: the video), whatever request made it; NULL
 * when none is kept.  Reads every clip's metadata: for attaching to a
 * task, not for every request. */
gchar *apigo_cache_find_clip_of_task (ApigoCache * cache,
    const gchar * base_url, const gchar * video_id, const gchar * variant);
/* Keeps the complete @dl as the clip of @key, its file named by what its
 * bytes are (.mp4, .jpg...), with what @about says of it (the video id,
 * prompt, model, size, seconds, variant and cost), then evicts older clips
 * over the bound. */
gboolean apigo_cache_keep_clip (ApigoCache * cache, const gchar * key,
    ApigoDownload * dl, const ApigoKeptClip * about, GError ** error);

/* For the command-line tool: every kept clip with metadata, least recently
 * used first (a damaged one shows as it is, and is found so only when
 * played). */
GPtrArray *apigo_cache_list_clips (ApigoCache * cache);
/* What the kept @clips (from apigo_cache_list_clips()) cost when they
 * were made.  A task is counted once, however many of its clips are kept
 * (a video and its thumbnail); a clip whose cost is not known is counted
 * apart, never as 0. */
typedef struct
{
  gdouble total;                /* US dollars, over the tasks below */
  guint tasks;                  /* tasks of a known cost, counted once */
  guint known;                  /* clips whose cost is known */
  guint unknown;                /* clips whose cost is not */
} ApigoSpend;

void apigo_cache_sum_spend (GPtrArray * clips, ApigoSpend * spend);

/* Removes the clip of @key (and its partial download, unless one is being
 * written).  FALSE when there was none. */
gboolean apigo_cache_remove_clip (ApigoCache * cache, const gchar * key);
/* Removes clips kept more than @older_than_s seconds ago (0: none so),
 * then the least recently used ones until the rest fit in @max_bytes
 * (G_MAXUINT64: no bound), partial downloads not being written included.
 * Returns how many files it removed; @freed (optional) gets their bytes. */
guint apigo_cache_prune (ApigoCache * cache, guint64 max_bytes,
    gint64 older_than_s, guint64 * freed);
/* Notes that the task @video_id is no more on the service: kept clips say
 * so (a replay with delete-remote sends nothing), journal entries naming it
 * are dropped. */
void apigo_cache_note_deleted (ApigoCache * cache, const gchar * video_id);

/* How long generations of @kind (what the service is asked: its address,
 * model, size, seconds...) took, from the create to completed: the median
 * of the last few, in ms; 0 when none was seen. */
gint64 apigo_cache_typical_generation_ms (ApigoCache * cache,
    const gchar * kind);
/* Notes that a generation of @kind took @ms. */
void apigo_cache_note_generation (ApigoCache * cache, const gchar * kind,
    gint64 ms);

G_END_DECLS

#endif /* __APIGO_CACHE_H__ */
