/* gst-apigo: the journal, the clip cache and what they are keyed by
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <utime.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "apigo-cache.h"
#include "apigo-error.h"
#include <json-glib/json-glib.h>
#include "apigo-job-settings.h"
#include "test-tree.h"

static gchar *dir;

static void
setup (void)
{
  dir = g_dir_make_tmp ("apigo-cache-test-XXXXXX", NULL);
  fail_unless (dir != NULL);
}

static void
teardown (void)
{
  test_remove_tree (dir);
  g_clear_pointer (&dir, g_free);
}

static ApigoCache *
new_cache (guint64 max)
{
  g_autoptr (GError) error = NULL;
  ApigoCache *cache = apigo_cache_new (dir, max, &error);

  g_assert_no_error (error);
  return cache;
}

static gchar *
clip_path (const gchar * key, const gchar * suffix)
{
  g_autofree gchar *name = g_strconcat (key, suffix, NULL);

  return g_build_filename (dir, "clips", name, NULL);
}

/* Downloads (pretends to) @len bytes into the cache as @key, @head first
 * (if any), then @fill; @about says what it is. */
static void
keep_bytes (ApigoCache * cache, const gchar * key, const guint8 * head,
    gsize head_len, gsize len, guint8 fill, const ApigoKeptClip * about)
{
  g_autoptr (GError) error = NULL;
  g_autofree guint8 *data = g_malloc (len);
  ApigoDownload *dl = apigo_cache_new_download (cache, key, &error);

  g_assert_no_error (error);
  fail_unless (apigo_cache_attach_part (cache, key, key, dl, &error));
  memset (data, fill, len);
  if (head != NULL)
    memcpy (data, head, MIN (head_len, len));
  fail_unless (apigo_download_append (dl, data, len, NULL));
  apigo_download_finish (dl);
  fail_unless (apigo_cache_keep_clip (cache, key, dl, about, &error));
  g_assert_no_error (error);
  apigo_download_unref (dl);
}

static void
keep (ApigoCache * cache, const gchar * key, gsize len, guint8 fill)
{
  ApigoKeptClip about = {.video_id = "video_k" };

  keep_bytes (cache, key, NULL, 0, len, fill, &about);
}

/* Opens @key's clip; returns its size, or -1 when there is none. */
static gssize
open_size (ApigoCache * cache, const gchar * key)
{
  g_autoptr (GError) error = NULL;
  ApigoDownload *dl = apigo_download_new (NULL, &error);
  g_autoptr (ApigoKeptClip) clip = NULL;
  guint64 total = 0;
  gssize size = -1;

  if (apigo_cache_open_clip (cache, key, dl, &clip)) {
    fail_unless (apigo_download_is_complete (dl));
    fail_unless (apigo_download_get_total (dl, &total));
    fail_unless_equals_string (clip->video_id, "video_k");
    size = total;
  }
  apigo_download_unref (dl);
  return size;
}

GST_START_TEST (test_journal)
{
  ApigoCache *cache = new_cache (1 << 20);
  ApigoJournalEntry entry;
  ApigoTask task = {.id = "video_j1", .created_at = 100,.expires_at = 4000 };
  g_autofree gchar *path = g_build_filename (dir, "tasks", "kj.json", NULL);

  fail_if (apigo_cache_recall (cache, "kj", &entry));

  fail_unless (apigo_cache_note_creating (cache, "kj", 1234, NULL, NULL));
  fail_unless (apigo_cache_recall (cache, "kj", &entry));
  fail_unless (entry.video_id == NULL);
  fail_unless_equals_int64 (entry.creating_since, 1234);
  apigo_journal_entry_clear (&entry);

  fail_unless (apigo_cache_note_task (cache, "kj", &task, NULL));
  fail_unless (apigo_cache_recall (cache, "kj", &entry));
  fail_unless_equals_string (entry.video_id, "video_j1");
  fail_unless_equals_int64 (entry.creating_since, 0);
  fail_unless_equals_int64 (entry.expires_at, 4000);
  apigo_journal_entry_clear (&entry);

  /* A damaged entry is no entry; one naming an unsafe id neither. */
  fail_unless (g_file_set_contents (path, "{\"video_id\": \"../x\"}", -1,
          NULL));
  fail_if (apigo_cache_recall (cache, "kj", &entry));
  fail_unless (g_file_set_contents (path, "{not json", -1, NULL));
  fail_if (apigo_cache_recall (cache, "kj", &entry));

  apigo_cache_forget (cache, "kj");
  fail_if (g_file_test (path, G_FILE_TEST_EXISTS));
  apigo_cache_free (cache);
}

GST_END_TEST;

/* A create under way keeps its Idempotency-Key; entries written before
 * keys were kept still load; a key no header could carry is dropped. */
GST_START_TEST (test_journal_key)
{
  ApigoCache *cache = new_cache (1 << 20);
  ApigoJournalEntry entry;
  g_autofree gchar *path = g_build_filename (dir, "tasks", "kk.json", NULL);

  fail_unless (apigo_cache_note_creating (cache, "kk", 1234,
          "0b7e4c3a-6f0e-4c61-9d57-2f1f1d9c8a10", NULL));
  fail_unless (apigo_cache_recall (cache, "kk", &entry));
  fail_unless_equals_string (entry.idempotency_key,
      "0b7e4c3a-6f0e-4c61-9d57-2f1f1d9c8a10");
  fail_unless_equals_int64 (entry.creating_since, 1234);
  apigo_journal_entry_clear (&entry);
  fail_unless (entry.idempotency_key == NULL);

  fail_unless (g_file_set_contents (path, "{\"creating_since\": 99}", -1,
          NULL));
  fail_unless (apigo_cache_recall (cache, "kk", &entry));
  fail_unless (entry.idempotency_key == NULL);
  fail_unless_equals_int64 (entry.creating_since, 99);
  apigo_journal_entry_clear (&entry);

  fail_unless (g_file_set_contents (path, "{\"creating_since\": 99, "
          "\"idempotency_key\": \"a\\r\\nX-Injected: 1\"}", -1, NULL));
  fail_unless (apigo_cache_recall (cache, "kk", &entry));
  fail_unless (entry.idempotency_key == NULL);
  apigo_journal_entry_clear (&entry);
  apigo_cache_free (cache);
}

GST_END_TEST;

/* An entry that cannot be used is told from no entry, with the file's
 * name and why. */
GST_START_TEST (test_journal_check)
{
  ApigoCache *cache = new_cache (1 << 20);
  g_autofree gchar *path = g_build_filename (dir, "tasks", "kc.json", NULL);
  g_autofree gchar *big = g_strnfill (2 * 1024 * 1024, ' ');
  const gchar *bad[][2] = {
    {"{not json", "not a JSON object"},
    {"[1, 2]", "not a JSON object"},
    {"{\"video_id\": \"../x\"}", "names no task"},
    {big, "larger"},
  };
  guint i;

  fail_unless (apigo_cache_check_entry (cache, "kc", NULL));
  fail_unless (apigo_cache_note_creating (cache, "kc", 5, NULL, NULL));
  fail_unless (apigo_cache_check_entry (cache, "kc", NULL));

  big[0] = '{';
  big[2 * 1024 * 1024 - 1] = '}';
  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (GError) error = NULL;

    fail_unless (g_file_set_contents (path, bad[i][0], -1, NULL));
    fail_if (apigo_cache_check_entry (cache, "kc", &error));
    fail_unless (strstr (error->message, path) != NULL, "%s",
        error->message);
    fail_unless (strstr (error->message, bad[i][1]) != NULL, "%s",
        error->message);
  }
  apigo_cache_free (cache);
}

GST_END_TEST;

GST_START_TEST (test_expired_entries_pruned)
{
  ApigoCache *cache = new_cache (1 << 20);
  ApigoTask old = {.id = "video_old",.expires_at = 1000 };
  ApigoTask live = {.id = "video_live",.expires_at = G_MAXINT32 };
  ApigoJournalEntry entry;

  fail_unless (apigo_cache_note_task (cache, "old", &old, NULL));
  fail_unless (apigo_cache_note_task (cache, "live", &live, NULL));
  apigo_cache_free (cache);

  cache = new_cache (1 << 20);
  fail_if (apigo_cache_recall (cache, "old", &entry));
  fail_unless (apigo_cache_recall (cache, "live", &entry));
  apigo_journal_entry_clear (&entry);
  apigo_cache_free (cache);
}

GST_END_TEST;

GST_START_TEST (test_clip_round_trip)
{
  ApigoCache *cache = new_cache (1 << 20);
  g_autofree gchar *clip = clip_path ("k1", ".mp4");

  fail_unless_equals_int (open_size (cache, "k1"), -1);
  keep (cache, "k1", 5000, 0xab);
  fail_unless (g_file_test (clip, G_FILE_TEST_EXISTS));
  fail_unless_equals_int (open_size (cache, "k1"), 5000);
  apigo_cache_free (cache);
}

GST_END_TEST;

/* Corrupt or partial entries are detected, removed and never played. */
GST_START_TEST (test_damaged_clips)
{
  ApigoCache *cache = new_cache (1 << 20);
  g_autofree gchar *clip = clip_path ("k2", ".mp4");
  g_autofree gchar *meta = clip_path ("k2", ".json");
  g_autofree gchar *contents = NULL;
  gsize len;

  /* One byte changed. */
  keep (cache, "k2", 4000, 0x11);
  fail_unless (g_file_get_contents (clip, &contents, &len, NULL));
  contents[1234] ^= 1;
  fail_unless (g_file_set_contents (clip, contents, len, NULL));
  fail_unless_equals_int (open_size (cache, "k2"), -1);
  fail_if (g_file_test (clip, G_FILE_TEST_EXISTS));
  fail_if (g_file_test (meta, G_FILE_TEST_EXISTS));

  /* Cut short. */
  keep (cache, "k2", 4000, 0x22);
  fail_unless (truncate (clip, 3000) == 0);
  fail_unless_equals_int (open_size (cache, "k2"), -1);

  /* A clip without its metadata (a crash between the two). */
  keep (cache, "k2", 4000, 0x33);
  g_unlink (meta);
  fail_unless_equals_int (open_size (cache, "k2"), -1);
  fail_if (g_file_test (clip, G_FILE_TEST_EXISTS));
  apigo_cache_free (cache);
}

GST_END_TEST;

/* Reads the kept clip of @key through a replay: its first @len bytes. */
static gboolean
replay_head (ApigoCache * cache, const gchar * key, guint8 * buf, gsize len)
{
  ApigoDownload *dl = apigo_download_new (NULL, NULL);
  gboolean played = apigo_cache_open_clip (cache, key, dl, NULL)
      && apigo_download_read (dl, 0, buf, len, NULL, NULL) == (gssize) len;

  apigo_download_unref (dl);
  return played;
}

/* Writes @len bytes of @fill at @offset of @path in place: same inode. */
static void
overwrite (const gchar * path, goffset offset, gsize len, guint8 fill)
{
  g_autofree guint8 *data = g_malloc (len);
  gint fd = open (path, O_WRONLY);

  memset (data, fill, len);
  fail_unless (fd >= 0);
  fail_unless (pwrite (fd, data, len, offset) == (gssize) len);
  close (fd);
}

/* A replay tells a kept clip whole by its size and its mtime (ns), as
 * kept, without reading it: a file put in its place, a copy of the same
 * bytes written later, one that grew or was written to is refused and
 * removed; a copy that kept its times plays; one written to in place with
 * its mtime put back (the one change this cannot see, docs/cache.md) plays
 * as it is now,
 * which shows the replay did not read it to check it. */
GST_START_TEST (test_replay_checks_identity)
{
  ApigoCache *cache = new_cache (1 << 20);
  g_autofree gchar *clip = clip_path ("kr", ".mp4");
  g_autofree gchar *meta = clip_path ("kr", ".json");
  g_autofree gchar *other = g_build_filename (dir, "other.mp4", NULL);
  g_autofree gchar *contents = NULL;
  guint8 head[16];
  gsize len;
  GStatBuf st;
  struct timespec kept[2];

  /* Intact: played, as often as asked. */
  keep (cache, "kr", 6000, 0x41);
  fail_unless (replay_head (cache, "kr", head, sizeof (head)));
  fail_unless (replay_head (cache, "kr", head, sizeof (head)));
  fail_unless_equals_int (head[0], 0x41);

  /* The same bytes, in another file put in its place: written later (its
   * mtime in the same tick of the kernel's clock would be the kept one's,
   * which a writer cannot count on). */
  fail_unless (g_stat (clip, &st) == 0);
  fail_unless (g_file_get_contents (clip, &contents, &len, NULL));
  fail_unless (g_file_set_contents (other, contents, len, NULL));
  kept[0].tv_sec = 0;
  kept[0].tv_nsec = UTIME_OMIT;
  kept[1] = st.st_mtim;
  kept[1].tv_nsec = (kept[1].tv_nsec + 1) % 1000000000;
  fail_unless (utimensat (AT_FDCWD, other, kept, 0) == 0);
  fail_unless (g_rename (other, clip) == 0);
  fail_if (replay_head (cache, "kr", head, sizeof (head)));
  fail_if (g_file_test (clip, G_FILE_TEST_EXISTS));
  fail_if (g_file_test (meta, G_FILE_TEST_EXISTS));
  g_clear_pointer (&contents, g_free);

  /* A copy that kept its times (cp -a, rsync -a, a backup restored, the
   * cache moved to another disk): the clip as kept, in another inode.  It
   * plays, and is known by its new identity from then on. */
  keep (cache, "kr", 6000, 0x45);
  fail_unless (g_stat (clip, &st) == 0);
  fail_unless (g_file_get_contents (clip, &contents, &len, NULL));
  fail_unless (g_file_set_contents (other, contents, len, NULL));
  kept[1] = st.st_mtim;
  fail_unless (utimensat (AT_FDCWD, other, kept, 0) == 0);
  fail_unless (g_rename (other, clip) == 0);
  fail_unless (replay_head (cache, "kr", head, sizeof (head)));
  fail_unless_equals_int (head[0], 0x45);
  fail_unless (replay_head (cache, "kr", head, sizeof (head)));
  fail_unless (g_file_test (meta, G_FILE_TEST_EXISTS));
  g_clear_pointer (&contents, g_free);

  /* Grown by a byte (appended in place). */
  keep (cache, "kr", 6000, 0x42);
  overwrite (clip, 6000, 1, 0x42);
  fail_if (replay_head (cache, "kr", head, sizeof (head)));
  fail_if (g_file_test (clip, G_FILE_TEST_EXISTS));

  /* Written to in place, same size: its mtime moved. */
  keep (cache, "kr", 6000, 0x43);
  fail_unless (g_stat (clip, &st) == 0);
  overwrite (clip, 0, 16, 0x99);
  /* The kernel's clock for file times ticks every few ms: a write in the
   * same tick leaves the mtime as it was, which a writer cannot count on. */
  kept[0].tv_sec = 0;
  kept[0].tv_nsec = UTIME_OMIT;
  kept[1] = st.st_mtim;
  kept[1].tv_nsec = (kept[1].tv_nsec + 1) % 1000000000;
  fail_unless (utimensat (AT_FDCWD, clip, kept, 0) == 0);
  fail_if (replay_head (cache, "kr", head, sizeof (head)));
  fail_if (g_file_test (clip, G_FILE_TEST_EXISTS));

  /* Written to in place with the mtime put back: not seen, played. */
  keep (cache, "kr", 6000, 0x44);
  fail_unless (g_stat (clip, &st) == 0);
  overwrite (clip, 0, 16, 0x99);
  kept[1] = st.st_mtim;
  fail_unless (utimensat (AT_FDCWD, clip, kept, 0) == 0);
  fail_unless (replay_head (cache, "kr", head, sizeof (head)));
  fail_unless_equals_int (head[0], 0x99);
  apigo_cache_free (cache);
}

GST_END_TEST;

/* Sets when the clip at @path was last played (its access time) to long
 * ago, its modification time (its identity) left as kept. */
static void
played_long_ago (const gchar * path)
{
  const struct timespec times[2] = { {1000, 0}, {0, UTIME_OMIT} };

  fail_unless (utimensat (AT_FDCWD, path, times, 0) == 0);
}

GST_START_TEST (test_eviction)
{
  ApigoCache *cache = new_cache (10000);
  g_autofree gchar *a = clip_path ("ka", ".mp4");

  keep (cache, "ka", 4000, 1);
  /* Played long ago. */
  played_long_ago (a);
  keep (cache, "kb", 4000, 2);
  fail_unless_equals_int (open_size (cache, "ka"), 4000);
  /* Played long ago. */
  played_long_ago (a);
  /* 12000 bytes over a 10000 bound: the least recently played goes. */
  keep (cache, "kc", 4000, 3);
  fail_unless_equals_int (open_size (cache, "ka"), -1);
  fail_unless_equals_int (open_size (cache, "kb"), 4000);
  fail_unless_equals_int (open_size (cache, "kc"), 4000);

  /* A clip alone over the bound is not kept either. */
  keep (cache, "kd", 20000, 4);
  fail_unless_equals_int (open_size (cache, "kd"), -1);
  apigo_cache_free (cache);
}

GST_END_TEST;

GST_START_TEST (test_keeping_nothing)
{
  ApigoCache *cache = new_cache (0);
  g_autofree gchar *clip = clip_path ("k0", ".mp4");
  ApigoDownload *dl = apigo_cache_new_download (cache, "k0", NULL);
  ApigoKeptClip about = {.video_id = "video_0" };

  apigo_download_append (dl, "abc", 3, NULL);
  apigo_download_finish (dl);
  fail_unless (apigo_cache_keep_clip (cache, "k0", dl, &about, NULL));
  apigo_download_unref (dl);
  fail_if (g_file_test (clip, G_FILE_TEST_EXISTS));
  apigo_cache_free (cache);
}

GST_END_TEST;

/* A download abandoned midway whose length was never said cannot be
 * continued: it leaves no file behind. */
GST_START_TEST (test_partial_download_removed)
{
  ApigoCache *cache = new_cache (1 << 20);
  ApigoDownload *dl = apigo_cache_new_download (cache, "kp", NULL);
  g_autofree gchar *clips = g_build_filename (dir, "clips", NULL);
  g_autoptr (GDir) d = NULL;

  fail_unless (apigo_cache_attach_part (cache, "kp", "kp", dl, NULL));
  apigo_download_append (dl, "partial", 7, NULL);
  apigo_download_unref (dl);
  d = g_dir_open (clips, 0, NULL);
  fail_unless (g_dir_read_name (d) == NULL, "something was left behind");
  apigo_cache_free (cache);
}

GST_END_TEST;

/* One whose length and validators the journal holds is continued by the
 * next run, from its last byte; a replay of a kept clip leaves nothing. */
GST_START_TEST (test_partial_download_continued)
{
  ApigoCache *cache = new_cache (1 << 20);
  ApigoDownload *dl = apigo_cache_new_download (cache, "kc", NULL);
  g_autofree gchar *part = clip_path ("kc", ".part");
  g_autofree gchar *etag = NULL;
  g_autofree gchar *modified = NULL;
  guint64 total = 0;
  guint8 byte;

  fail_unless (apigo_cache_note_content (cache, "kc", "kc", 10, "\"v1\"",
          NULL, NULL));
  fail_unless (apigo_cache_attach_part (cache, "kc", "kc", dl, NULL));
  fail_unless (apigo_download_append (dl, "0123", 4, NULL));
  apigo_download_unref (dl);
  fail_unless (g_file_test (part, G_FILE_TEST_EXISTS));

  dl = apigo_cache_new_download (cache, "kc", NULL);
  fail_unless (apigo_cache_attach_part (cache, "kc", "kc", dl, NULL));
  fail_unless_equals_uint64 (apigo_download_get_stored (dl), 4);
  fail_unless (apigo_download_get_total (dl, &total));
  fail_unless_equals_uint64 (total, 10);
  apigo_download_get_validators (dl, &etag, &modified);
  fail_unless_equals_string (etag, "\"v1\"");
  fail_unless (modified == NULL);
  fail_unless_equals_int (apigo_download_read (dl, 3, &byte, 1, NULL, NULL),
      1);
  fail_unless_equals_int (byte, '3');
  apigo_download_unref (dl);
  apigo_cache_free (cache);
}

GST_END_TEST;

/* The first bytes of a JPEG (JFIF) and of an MP4: what the kept file is
 * named after. */
static const guint8 jpeg_head[] = { 0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J',
  'F', 'I', 'F', 0x00, 0x01
};
static const guint8 mp4_head[] = { 0x00, 0x00, 0x00, 0x20, 'f', 't', 'y',
  'p', 'i', 's', 'o', 'm', 0x00, 0x00, 0x02, 0x00, 'i', 's', 'o', 'm'
};

/* The metadata says what the clip is, for gst-apigo to list, and the file
 * has the extension of what it holds. */
/* A service takes prompts of about 32,000 characters: in Japanese, or with
 * lines, quotes and tabs that JSON escapes, the metadata that holds one is
 * far over 64 KiB.  The clip still plays, and its prompt is listed. */
GST_START_TEST (test_long_prompt_kept)
{
  ApigoCache *cache = new_cache (1 << 20);
  GString *prompt = g_string_new (NULL);
  ApigoKeptClip about = {.video_id = "video_k" };
  g_autoptr (GPtrArray) clips = NULL;
  guint i;

  for (i = 0; i < 32000; i++)
    g_string_append (prompt, i % 2 ? "\xe7\x8a\xac" : "\t");
  about.prompt = prompt->str;
  keep_bytes (cache, "kp", NULL, 0, 5000, 0x33, &about);
  fail_unless_equals_int (open_size (cache, "kp"), 5000);
  clips = apigo_cache_list_clips (cache);
  fail_unless_equals_int (clips->len, 1);
  fail_unless_equals_string (((ApigoKeptClip *) g_ptr_array_index (clips,
              0))->prompt, prompt->str);
  g_string_free (prompt, TRUE);
  apigo_cache_free (cache);
}

GST_END_TEST;

GST_START_TEST (test_clip_metadata)
{
  ApigoCache *cache = new_cache (1 << 20);
  ApigoKeptClip video = {.video_id = "video_m1",.prompt = "a fox at dawn",
    .model = "sora-2",.size = "320x180",.seconds = "4"
  };
  ApigoKeptClip thumbnail = video;
  g_autoptr (GPtrArray) clips = NULL;
  g_autofree gchar *mp4 = clip_path ("km", ".mp4");
  g_autofree gchar *jpg = clip_path ("kt", ".jpg");
  g_autofree gchar *jpg_as_mp4 = clip_path ("kt", ".mp4");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  ApigoKeptClip *c;
  guint i;

  thumbnail.variant = "thumbnail";
  keep_bytes (cache, "km", mp4_head, sizeof (mp4_head), 3000, 0, &video);
  keep_bytes (cache, "kt", jpeg_head, sizeof (jpeg_head), 1000, 0,
      &thumbnail);
  fail_unless (g_file_test (mp4, G_FILE_TEST_IS_REGULAR));
  fail_unless (g_file_test (jpg, G_FILE_TEST_IS_REGULAR));
  fail_if (g_file_test (jpg_as_mp4, G_FILE_TEST_EXISTS));

  clips = apigo_cache_list_clips (cache);
  fail_unless_equals_int (clips->len, 2);
  for (i = 0; i < clips->len; i++) {
    c = g_ptr_array_index (clips, i);
    fail_unless_equals_string (c->video_id, "video_m1");
    fail_unless_equals_string (c->prompt, "a fox at dawn");
    fail_unless_equals_string (c->model, "sora-2");
    fail_unless_equals_string (c->size, "320x180");
    fail_unless_equals_string (c->seconds, "4");
    fail_unless (c->kept_at >= now - 60 && c->kept_at <= now + 60);
    fail_unless (c->last_used > 0);
    fail_if (c->remote_deleted);
    if (g_str_equal (c->key, "kt")) {
      fail_unless_equals_string (c->variant, "thumbnail");
      fail_unless_equals_string (c->path, jpg);
      fail_unless_equals_uint64 (c->bytes, 1000);
    } else {
      fail_unless_equals_string (c->key, "km");
      fail_unless (c->variant == NULL);
      fail_unless_equals_string (c->path, mp4);
      fail_unless_equals_uint64 (c->bytes, 3000);
    }
  }

  /* Played back from its own name. */
  c = NULL;
  {
    ApigoDownload *dl = apigo_download_new (NULL, NULL);
    g_autoptr (ApigoKeptClip) opened = NULL;

    fail_unless (apigo_cache_open_clip (cache, "kt", dl, &opened));
    fail_unless_equals_string (opened->path, jpg);
    fail_unless_equals_string (opened->variant, "thumbnail");
    apigo_download_unref (dl);
  }
  apigo_cache_free (cache);
}

GST_END_TEST;

/* What the service said a clip's task cost is kept with it, read back by
 * another cache (another process), and summed once per task; a clip of no
 * known cost is counted apart. */
GST_START_TEST (test_clip_cost)
{
  ApigoCache *cache = new_cache (1 << 20);
  ApigoKeptClip video = {.video_id = "video_c1",.model = "veo-3",
    .base_url = "http://127.0.0.1:1/v1",.has_cost = TRUE,.cost = 0.5
  };
  ApigoKeptClip thumbnail = video;
  ApigoKeptClip other_service = video;
  ApigoKeptClip free_model = {.video_id = "video_c2",.has_cost = TRUE };
  ApigoKeptClip unknown = {.video_id = "video_c3" };
  g_autoptr (GPtrArray) clips = NULL;
  g_autofree gchar *meta = clip_path ("kc", ".json");
  g_autofree gchar *unknown_meta = clip_path ("ku", ".json");
  g_autofree gchar *text = NULL;
  g_autoptr (ApigoKeptClip) opened = NULL;
  ApigoDownload *dl;
  ApigoSpend spend;
  guint i;

  thumbnail.variant = "thumbnail";
  thumbnail.cost = 0.25;        /* said differently: the most counts */
  other_service.base_url = "http://127.0.0.2:1/v1";
  keep_bytes (cache, "kc", mp4_head, sizeof (mp4_head), 3000, 0, &video);
  keep_bytes (cache, "kct", jpeg_head, sizeof (jpeg_head), 1000, 0,
      &thumbnail);
  keep_bytes (cache, "ko", mp4_head, sizeof (mp4_head), 3000, 0,
      &other_service);
  keep_bytes (cache, "kf", mp4_head, sizeof (mp4_head), 3000, 0,
      &free_model);
  keep_bytes (cache, "ku", mp4_head, sizeof (mp4_head), 3000, 0, &unknown);
  apigo_cache_free (cache);

  /* No member at all when not known (not a 0). */
  fail_unless (g_file_get_contents (unknown_meta, &text, NULL, NULL));
  fail_if (strstr (text, "cost") != NULL, "%s", text);
  g_clear_pointer (&text, g_free);
  fail_unless (g_file_get_contents (meta, &text, NULL, NULL));
  fail_unless (strstr (text, "\"cost\"") != NULL, "%s", text);

  cache = new_cache (1 << 20);
  clips = apigo_cache_list_clips (cache);
  fail_unless_equals_int (clips->len, 5);
  for (i = 0; i < clips->len; i++) {
    ApigoKeptClip *c = g_ptr_array_index (clips, i);

    if (g_str_equal (c->key, "ku")) {
      fail_if (c->has_cost);
    } else if (g_str_equal (c->key, "kf")) {
      fail_unless (c->has_cost);
      fail_unless (c->cost == 0.0);
    } else {
      fail_unless (c->has_cost, "%s", c->key);
      fail_unless (c->cost == (g_str_equal (c->key, "kct") ? 0.25 : 0.5));
      fail_unless_equals_string (c->video_id, "video_c1");
      fail_unless_equals_string (c->model, "veo-3");
      fail_unless (c->kept_at > 0);
    }
  }
  /* The video and its thumbnail are one task; another service's task of
   * the same id is another. */
  apigo_cache_sum_spend (clips, &spend);
  fail_unless (spend.total == 1.0, "%g", spend.total);
  fail_unless_equals_int (spend.tasks, 3);
  fail_unless_equals_int (spend.known, 4);
  fail_unless_equals_int (spend.unknown, 1);

  /* Played back, it says what it cost then. */
  dl = apigo_download_new (NULL, NULL);
  fail_unless (apigo_cache_open_clip (cache, "kc", dl, &opened));
  fail_unless (opened->has_cost);
  fail_unless (opened->cost == 0.5);
  apigo_download_unref (dl);
  apigo_cache_free (cache);
}

GST_END_TEST;

/* A damaged or hostile cost in a clip's metadata is no cost, and the clip
 * still plays. */
GST_START_TEST (test_clip_cost_hostile)
{
  const gchar *bad[] = {
    "\"0.5\"", "-1", "1e300", "1e999", "-1e999", "9223372036854775807",
    "{\"usd\": 1}", "[0.5]", "null", "true",
  };
  ApigoKeptClip about = {.video_id = "video_k" };
  g_autofree gchar *meta = clip_path ("kh", ".json");
  ApigoCache *cache = new_cache (1 << 20);
  guint i;

  keep_bytes (cache, "kh", mp4_head, sizeof (mp4_head), 3000, 0, &about);
  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autofree gchar *text = NULL;
    g_autofree gchar *hostile = NULL;
    g_autoptr (GPtrArray) clips = NULL;
    g_autoptr (ApigoKeptClip) opened = NULL;
    ApigoDownload *dl = apigo_download_new (NULL, NULL);
    ApigoSpend spend;

    fail_unless (g_file_get_contents (meta, &text, NULL, NULL));
    fail_unless (text[0] == '{' && strstr (text, "cost") == NULL, "%s",
        text);
    hostile = g_strdup_printf ("{\"cost\": %s, %s", bad[i], text + 1);
    fail_unless (g_file_set_contents (meta, hostile, -1, NULL));

    clips = apigo_cache_list_clips (cache);
    fail_unless_equals_int (clips->len, 1);
    fail_if (((ApigoKeptClip *) g_ptr_array_index (clips, 0))->has_cost,
        "%s taken for a cost", bad[i]);
    apigo_cache_sum_spend (clips, &spend);
    fail_unless (spend.total == 0.0);
    fail_unless_equals_int (spend.known, 0);
    fail_unless_equals_int (spend.unknown, 1);

    fail_unless (apigo_cache_open_clip (cache, "kh", dl, &opened),
        "%s: the clip no longer plays", bad[i]);
    fail_if (opened->has_cost, "%s taken for a cost", bad[i]);
    apigo_download_unref (dl);
    fail_unless (g_file_set_contents (meta, text, -1, NULL));
  }
  apigo_cache_free (cache);
}

GST_END_TEST;

/* Entries kept by older versions (KEY.mp4 whatever it holds, metadata with
 * the size, checksum and video id only) still play; keeping the clip
 * again names it right and leaves no old file. */
GST_START_TEST (test_old_clip_names)
{
  ApigoCache *cache = new_cache (1 << 20);
  ApigoKeptClip thumbnail = {.video_id = "video_k",.variant = "thumbnail" };
  g_autofree gchar *old = clip_path ("ko", ".mp4");
  g_autofree gchar *meta = clip_path ("ko", ".json");
  g_autofree gchar *jpg = clip_path ("ko", ".jpg");
  g_autofree gchar *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
      jpeg_head, sizeof (jpeg_head));
  g_autofree gchar *text = g_strdup_printf ("{\"size\": %" G_GSIZE_FORMAT
      ", \"sha256\": \"%s\", \"video_id\": \"video_k\"}",
      sizeof (jpeg_head), sum);
  g_autofree gchar *rewritten = NULL;
  g_autoptr (GPtrArray) clips = NULL;
  ApigoKeptClip *c;

  fail_unless (g_file_set_contents (old, (const gchar *) jpeg_head,
          sizeof (jpeg_head), NULL));
  fail_unless (g_file_set_contents (meta, text, -1, NULL));
  fail_unless_equals_int (open_size (cache, "ko"), sizeof (jpeg_head));
  /* Checked once by its SHA-256, then known by its identity. */
  fail_unless (g_file_get_contents (meta, &rewritten, NULL, NULL));
  fail_if (strstr (rewritten, "sha256") != NULL);
  fail_unless (strstr (rewritten, "\"inode\"") != NULL);
  fail_unless_equals_int (open_size (cache, "ko"), sizeof (jpeg_head));
  clips = apigo_cache_list_clips (cache);
  fail_unless_equals_int (clips->len, 1);
  c = g_ptr_array_index (clips, 0);
  fail_unless_equals_string (c->path, old);
  fail_unless (c->prompt == NULL && c->kept_at == 0);

  keep_bytes (cache, "ko", jpeg_head, sizeof (jpeg_head), 500, 0,
      &thumbnail);
  fail_unless (g_file_test (jpg, G_FILE_TEST_IS_REGULAR));
  fail_if (g_file_test (old, G_FILE_TEST_EXISTS));
  fail_unless_equals_int (open_size (cache, "ko"), 500);
  apigo_cache_free (cache);
}

GST_END_TEST;

/* Sets @member of the JSON object in @path to @value. */
static void
set_json_int (const gchar * path, const gchar * member, gint64 value)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  fail_unless (json_parser_load_from_file (parser, path, NULL));
  json_object_set_int_member (json_node_get_object (json_parser_get_root
          (parser)), member, value);
  json_generator_set_root (gen, json_parser_get_root (parser));
  fail_unless (json_generator_to_file (gen, path, NULL));
}

/* Pruned by age (when kept) and by size (least recently played first);
 * one clip removed by its key. */
GST_START_TEST (test_prune_and_remove)
{
  ApigoCache *cache = new_cache (1 << 20);
  g_autofree gchar *meta = clip_path ("p1", ".json");
  g_autofree gchar *p2 = clip_path ("p2", ".mp4");
  struct utimbuf long_ago = { 1000, 1000 };
  guint64 freed = 0;

  keep (cache, "p1", 1000, 1);
  keep (cache, "p2", 2000, 2);
  keep (cache, "p3", 3000, 3);
  keep (cache, "p4", 4000, 4);

  /* p1 was kept 10 days ago. */
  set_json_int (meta, "kept_at", g_get_real_time () / G_USEC_PER_SEC -
      10 * 24 * 3600);
  fail_unless_equals_int (apigo_cache_prune (cache, G_MAXUINT64,
          7 * 24 * 3600, &freed), 1);
  fail_unless_equals_uint64 (freed, 1000);
  fail_unless_equals_int (open_size (cache, "p1"), -1);
  fail_unless_equals_int (open_size (cache, "p2"), 2000);

  /* p2 was played long ago: the first to go to fit 8000 bytes. */
  fail_unless (utime (p2, &long_ago) == 0);
  fail_unless_equals_int (apigo_cache_prune (cache, 8000, 0, &freed), 1);
  fail_unless_equals_uint64 (freed, 2000);
  fail_unless_equals_int (open_size (cache, "p2"), -1);
  fail_unless_equals_int (open_size (cache, "p3"), 3000);

  fail_unless (apigo_cache_remove_clip (cache, "p3"));
  fail_if (apigo_cache_remove_clip (cache, "p3"));
  fail_unless_equals_int (open_size (cache, "p3"), -1);

  /* Everything. */
  fail_unless_equals_int (apigo_cache_prune (cache, 0, 0, NULL), 1);
  fail_unless_equals_int (open_size (cache, "p4"), -1);
  apigo_cache_free (cache);
}

GST_END_TEST;

/* A task deleted from the service: its clips say so, the journal lets it
 * go. */
GST_START_TEST (test_note_deleted)
{
  ApigoCache *cache = new_cache (1 << 20);
  ApigoTask task = {.id = "video_k",.expires_at = G_MAXINT32 };
  ApigoTask other = {.id = "video_other",.expires_at = G_MAXINT32 };
  ApigoDownload *dl = apigo_download_new (NULL, NULL);
  g_autoptr (ApigoKeptClip) clip = NULL;
  ApigoJournalEntry entry;

  keep (cache, "kd", 100, 1);
  fail_unless (apigo_cache_note_task (cache, "kd", &task, NULL));
  fail_unless (apigo_cache_note_task (cache, "ke", &other, NULL));
  apigo_cache_note_deleted (cache, "video_k");

  fail_unless (apigo_cache_open_clip (cache, "kd", dl, &clip));
  fail_unless (clip->remote_deleted);
  fail_if (apigo_cache_recall (cache, "kd", &entry));
  fail_unless (apigo_cache_recall (cache, "ke", &entry));
  apigo_journal_entry_clear (&entry);
  apigo_download_unref (dl);
  apigo_cache_free (cache);
}

GST_END_TEST;

/* A run killed after its partial download was made and before the first
 * byte leaves an empty KEY.part (with the journal's word for the clip, if
 * an earlier run began it); a crash at the wrong moment, a download
 * store's named file.  Nothing in them can be continued: the next start
 * removes them once surely abandoned, while a part with bytes the journal
 * can continue stays. */
GST_START_TEST (test_empty_parts_removed)
{
  ApigoCache *cache = new_cache (1 << 20);
  g_autofree gchar *empty = clip_path ("ke", ".part");
  g_autofree gchar *full = clip_path ("kf", ".part");
  g_autofree gchar *store = g_build_filename (dir, "clips", "apigo-Ab12Cd",
      NULL);
  g_autofree gchar *young = clip_path ("ky", ".part");
  struct utimbuf eleven_minutes_ago;

  eleven_minutes_ago.actime = eleven_minutes_ago.modtime =
      g_get_real_time () / G_USEC_PER_SEC - 11 * 60;
  fail_unless (apigo_cache_note_content (cache, "ke", "ke", 10, "\"v1\"",
          NULL, NULL));
  fail_unless (apigo_cache_note_content (cache, "kf", "kf", 10, "\"v1\"",
          NULL, NULL));
  fail_unless (g_file_set_contents (empty, "", 0, NULL));
  fail_unless (g_file_set_contents (full, "0123", 4, NULL));
  fail_unless (g_file_set_contents (store, "", 0, NULL));
  fail_unless (g_file_set_contents (young, "", 0, NULL));
  fail_unless (utime (empty, &eleven_minutes_ago) == 0);
  fail_unless (utime (full, &eleven_minutes_ago) == 0);
  fail_unless (utime (store, &eleven_minutes_ago) == 0);
  apigo_cache_free (cache);

  cache = new_cache (1 << 20);
  fail_if (g_file_test (empty, G_FILE_TEST_EXISTS), "an empty part stays");
  fail_if (g_file_test (store, G_FILE_TEST_EXISTS), "a store's file stays");
  fail_unless (g_file_test (full, G_FILE_TEST_EXISTS));
  /* Perhaps a run about to write to it. */
  fail_unless (g_file_test (young, G_FILE_TEST_EXISTS));
  apigo_cache_free (cache);
}

GST_END_TEST;

/* The clips of one task (the video, its thumbnail) each have what the
 * journal says of their partial download in the task's one entry; an
 * entry of an older version says it of the video only. */
GST_START_TEST (test_contents_per_clip)
{
  ApigoCache *cache = new_cache (1 << 20);
  g_autofree gchar *entry = g_build_filename (dir, "tasks", "kt.json", NULL);
  g_autofree gchar *thumb_part = clip_path ("kth", ".part");
  struct utimbuf eleven_minutes_ago;
  ApigoDownload *dl;
  guint64 total = 0;

  fail_unless (apigo_cache_note_content (cache, "kt", "kt", 10, "\"v\"",
          NULL, NULL));
  fail_unless (apigo_cache_note_content (cache, "kt", "kth", 20, "\"t\"",
          NULL, NULL));
  dl = apigo_cache_new_download (cache, "kth", NULL);
  fail_unless (apigo_cache_attach_part (cache, "kt", "kth", dl, NULL));
  fail_unless (apigo_download_append (dl, "0123", 4, NULL));
  fail_unless (apigo_download_get_total (dl, &total));
  fail_unless_equals_uint64 (total, 20);
  apigo_download_unref (dl);
  dl = apigo_cache_new_download (cache, "kt", NULL);
  fail_unless (apigo_cache_attach_part (cache, "kt", "kt", dl, NULL));
  fail_unless (apigo_download_get_total (dl, &total));
  fail_unless_equals_uint64 (total, 10);
  apigo_download_unref (dl);

  /* The thumbnail's part, named after its own key, is the journal's: it
   * stays. */
  eleven_minutes_ago.actime = eleven_minutes_ago.modtime =
      g_get_real_time () / G_USEC_PER_SEC - 11 * 60;
  fail_unless (utime (thumb_part, &eleven_minutes_ago) == 0);
  apigo_cache_free (cache);
  cache = new_cache (1 << 20);
  fail_unless (g_file_test (thumb_part, G_FILE_TEST_EXISTS));

  /* An older version's entry. */
  fail_unless (g_file_set_contents (entry, "{\"video_id\": \"video_o\", "
          "\"content\": {\"total\": 30, \"etag\": \"\\\"o\\\"\"}}", -1,
          NULL));
  dl = apigo_cache_new_download (cache, "kt", NULL);
  fail_unless (apigo_cache_attach_part (cache, "kt", "kt", dl, NULL));
  fail_unless (apigo_download_get_total (dl, &total));
  fail_unless_equals_uint64 (total, 30);
  apigo_download_unref (dl);
  dl = apigo_cache_new_download (cache, "kth", NULL);
  fail_unless (apigo_cache_attach_part (cache, "kt", "kth", dl, NULL));
  fail_if (apigo_download_get_total (dl, NULL), "the video's length taken "
      "for the thumbnail's");
  apigo_download_unref (dl);
  apigo_cache_free (cache);
}

GST_END_TEST;

GST_START_TEST (test_unusable_directory)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *file = g_build_filename (dir, "a-file", NULL);
  g_autofree gchar *under = g_build_filename (file, "cache", NULL);

  fail_unless (g_file_set_contents (file, "", 0, NULL));
  fail_unless (apigo_cache_new (under, 1 << 20, &error) == NULL);
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE);
  fail_unless (strstr (error->message, under) != NULL);
}

GST_END_TEST;

GST_START_TEST (test_keys)
{
  ApigoJobSettings a = {
    .base_url = "https://maas.apigo.ai/v1",.model = "sora-2",
    .prompt = "a fox",.size = "720x1280",.seconds = "4",
    .api_key = "sk-one",.poll_interval_ms = 100,
  };
  ApigoJobSettings b = a;
  g_autofree gchar *ka = apigo_job_settings_key (&a);
  g_autofree gchar *kb = NULL, *kc = NULL, *kd = NULL, *ke = NULL;
  g_autofree gchar *kf = NULL;
  g_autoptr (GBytes) ref = g_bytes_new_static ("png", 3);

  fail_unless_equals_int (strlen (ka), 64);

  /* How to get it does not change which clip it is. */
  b.api_key = "sk-two";
  b.poll_interval_ms = 5000;
  b.base_url = "https://maas.apigo.ai/v1/";
  kb = apigo_job_settings_key (&b);
  fail_unless_equals_string (ka, kb);

  b = a;
  b.prompt = "a fox ";
  kc = apigo_job_settings_key (&b);
  fail_if (g_str_equal (ka, kc));

  b = a;
  b.input_reference = ref;
  kd = apigo_job_settings_key (&b);
  fail_if (g_str_equal (ka, kd));

  /* Fields cannot run into each other. */
  b = a;
  b.model = "sora-2a";
  b.prompt = " fox";
  ke = apigo_job_settings_key (&b);
  fail_if (g_str_equal (ka, ke));
  b = a;
  b.video_id = "video_1";
  kf = apigo_job_settings_key (&b);
  fail_if (g_str_equal (ka, kf));
}

GST_END_TEST;

/* A video's thumbnail is another clip of the same task. */
GST_START_TEST (test_task_keys)
{
  ApigoJobSettings video = {
    .base_url = "https://maas.apigo.ai/v1",.model = "sora-2",
    .prompt = "a fox",.size = "720x1280",.seconds = "4",
  };
  ApigoJobSettings thumbnail = video;
  ApigoJobSettings other = video;
  g_autofree gchar *clip = apigo_job_settings_key (&video);
  g_autofree gchar *task = apigo_job_settings_task_key (&video);
  g_autofree gchar *thumb_clip = NULL, *thumb_task = NULL;
  g_autofree gchar *other_task = NULL;

  thumbnail.variant = "thumbnail";
  other.prompt = "a wolf";
  thumb_clip = apigo_job_settings_key (&thumbnail);
  thumb_task = apigo_job_settings_task_key (&thumbnail);
  other_task = apigo_job_settings_task_key (&other);

  /* The video's keys are those older versions used. */
  fail_unless_equals_string (task, clip);
  fail_unless_equals_string (thumb_task, task);
  fail_if (g_str_equal (thumb_clip, clip));
  fail_if (g_str_equal (other_task, task));
}

GST_END_TEST;

static Suite *
cache_suite (void)
{
  Suite *s = suite_create ("apigo-cache");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_journal);
  tcase_add_test (tc, test_journal_key);
  tcase_add_test (tc, test_journal_check);
  tcase_add_test (tc, test_expired_entries_pruned);
  tcase_add_test (tc, test_clip_round_trip);
  tcase_add_test (tc, test_damaged_clips);
  tcase_add_test (tc, test_replay_checks_identity);
  tcase_add_test (tc, test_eviction);
  tcase_add_test (tc, test_keeping_nothing);
  tcase_add_test (tc, test_partial_download_removed);
  tcase_add_test (tc, test_partial_download_continued);
  tcase_add_test (tc, test_empty_parts_removed);
  tcase_add_test (tc, test_contents_per_clip);
  tcase_add_test (tc, test_clip_metadata);
  tcase_add_test (tc, test_clip_cost);
  tcase_add_test (tc, test_clip_cost_hostile);
  tcase_add_test (tc, test_long_prompt_kept);
  tcase_add_test (tc, test_old_clip_names);
  tcase_add_test (tc, test_prune_and_remove);
  tcase_add_test (tc, test_note_deleted);
  tcase_add_test (tc, test_unusable_directory);
  tcase_add_test (tc, test_keys);
  tcase_add_test (tc, test_task_keys);
  return s;
}

GST_CHECK_MAIN (cache);
