/* gst-apigo: the journal and the cache: never pay twice, never lose one
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"

static guint
creates (ApigoEmulator * emu)
{
  return apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_CREATE,
      NULL);
}

/* Plays a fresh pipeline for @prompt to EOS; returns the bytes out and
 * (optionally) the task id. */
static GByteArray *
play (ApigoEmulator * emu, const gchar * prompt, gboolean reuse, gchar ** id)
{
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, prompt,
      FILE_PIPELINE);

  g_object_set (test_pipeline_get (pipeline, "src"), "reuse", reuse, NULL);
  return test_play (pipeline, id);
}

/* The same request plays again from the cache with zero requests. */
GST_START_TEST (test_replay_from_cache)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GByteArray) first = NULL;
  g_autoptr (GByteArray) again = NULL;
  g_autofree gchar *id = NULL;
  g_autofree gchar *id_again = NULL;

  first = play (emu, "kept", TRUE, &id);
  apigo_emulator_clear_requests (emu);
  again = play (emu, "kept", TRUE, &id_again);

  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
  fail_unless_equals_string (id_again, id);
  test_assert_served (emu, id, again->data, again->len);
}

GST_END_TEST;

GST_START_TEST (test_fresh_take)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GByteArray) first = NULL;
  g_autoptr (GByteArray) fresh = NULL;
  g_autoptr (GByteArray) replay = NULL;
  g_autofree gchar *id = NULL, *fresh_id = NULL, *replay_id = NULL;

  first = play (emu, "again please", TRUE, &id);
  fresh = play (emu, "again please", FALSE, &fresh_id);
  fail_unless_equals_int (creates (emu), 2);
  fail_if (g_str_equal (id, fresh_id));
  test_assert_served (emu, fresh_id, fresh->data, fresh->len);

  /* The fresh take is what is kept now. */
  replay = play (emu, "again please", TRUE, &replay_id);
  fail_unless_equals_string (replay_id, fresh_id);
  fail_unless_equals_int (creates (emu), 2);
}

GST_END_TEST;

/* Plays @pipeline (again) to EOS; returns the task id it played. */
static gchar *
replay (GstElement * pipeline)
{
  g_autoptr (TestRun) run = test_run (pipeline, 120);
  gchar *id = NULL;

  test_run_assert_eos (run);
  g_object_get (test_pipeline_get (pipeline, "src"), "video-id", &id, NULL);
  return id;
}

/* Settings of how clips are kept, changed on the same element after a
 * finished run, take effect: reuse=false makes a fresh take, another
 * cache-dir is made and used, cache-max-size=0 keeps nothing. */
GST_START_TEST (test_store_settings_change)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "change how",
      FILE_PIPELINE);
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autofree gchar *other = g_build_filename (test_tmp_dir (), "other",
      NULL);
  g_autofree gchar *other_clips = g_build_filename (other, "clips", NULL);
  g_autofree gchar *first = NULL, *fresh = NULL, *moved = NULL;
  g_autofree gchar *kept = NULL;
  g_autoptr (GDir) dir = NULL;
  const gchar *name;
  gboolean has_clip = FALSE;

  first = replay (pipeline);
  g_free (replay (pipeline));
  fail_unless_equals_int (creates (emu), 1);

  g_object_set (src, "reuse", FALSE, NULL);
  fresh = replay (pipeline);
  fail_unless_equals_int (creates (emu), 2);
  fail_if (g_str_equal (first, fresh));

  g_object_set (src, "reuse", TRUE, "cache-dir", other, NULL);
  moved = replay (pipeline);
  dir = g_dir_open (other_clips, 0, NULL);
  fail_unless (dir != NULL, "%s was never made", other_clips);
  while ((name = g_dir_read_name (dir)) != NULL)
    has_clip |= g_str_has_suffix (name, ".mp4");
  fail_unless (has_clip, "nothing kept in %s", other_clips);

  /* Nothing more is kept: what is kept already still saves paying. */
  g_object_set (src, "cache-max-size", 0, NULL);
  kept = replay (pipeline);
  fail_unless_equals_string (kept, moved);
  fail_unless_equals_int (creates (emu), 3);
}

GST_END_TEST;

/* A new element (a new process, after a stop) with the same settings
 * resumes the task an earlier one created. */
GST_START_TEST (test_resume_in_new_element)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "resume me",
      FILE_PIPELINE);
  g_autoptr (GByteArray) bytes = NULL;
  g_autofree gchar *id = NULL, *resumed_id = NULL;

  g_object_set (emu, "generation-time", 2.0, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  test_wait_until (creates (emu) == 1, 30);
  test_wait_until (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_RETRIEVE, NULL) >= 1, 30);
  g_object_get (test_pipeline_get (pipeline, "src"), "video-id", &id, NULL);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_clear_object (&pipeline);

  bytes = play (emu, "resume me", TRUE, &resumed_id);
  fail_unless_equals_string (resumed_id, id);
  fail_unless_equals_int (creates (emu), 1);
  test_assert_served (emu, id, bytes->data, bytes->len);
}

GST_END_TEST;

static GPid
spawn_launch (ApigoEmulator * emu, const gchar * prompt)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) envp = g_get_environ ();
  g_autofree gchar *url = g_strdup_printf ("base-url=%s",
      apigo_emulator_get_base_url (emu));
  g_autofree gchar *cache = g_strdup_printf ("cache-dir=%s/cache",
      test_tmp_dir ());
  g_autofree gchar *prompt_arg = g_strdup_printf ("prompt=%s", prompt);
  gchar *argv[] = { "gst-launch-1.0", "-q", "apigovideosrc", prompt_arg, url,
    cache, "size=320x180", "seconds=1", "poll-interval=100", "!", "fakesink",
    NULL
  };
  GPid pid;

  envp = g_environ_setenv (envp, "APIGO_API_KEY", TEST_API_KEY, TRUE);
  fail_unless (g_spawn_async (NULL, argv, envp, G_SPAWN_SEARCH_PATH |
          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
          G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error), "%s",
      error ? error->message : "");
  return pid;
}

static void
kill_hard (GPid pid)
{
  gint status;

  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
}

/* Starts gst-launch-1.0 for @prompt and kills it (SIGKILL) once @cond
 * holds. */
#define spawn_and_kill_when(emu, prompt, cond) G_STMT_START {             \
  GPid _pid = spawn_launch (emu, prompt);                                  \
  test_wait_until (cond, 60);                                              \
  kill_hard (_pid);                                                        \
} G_STMT_END

/* The process dies (SIGKILL) while the task is being generated: the next
 * run resumes it. */
GST_START_TEST (test_resume_after_crash)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GByteArray) bytes = NULL;
  g_autofree gchar *id = NULL;
  GPid pid;

  g_object_set (emu, "generation-time", 3.0, NULL);
  pid = spawn_launch (emu, "crash while generating");
  test_wait_until (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_RETRIEVE, NULL) >= 1, 30);
  kill_hard (pid);

  bytes = play (emu, "crash while generating", TRUE, &id);
  fail_unless_equals_int (creates (emu), 1);
  test_assert_served (emu, id, bytes->data, bytes->len);
}

GST_END_TEST;

/* Whether a journal entry exists in the test's cache. */
static gboolean
journal_written (void)
{
  g_autofree gchar *tasks = g_build_filename (test_tmp_dir (), "cache",
      "tasks", NULL);
  g_autoptr (GDir) dir = g_dir_open (tasks, 0, NULL);

  return dir != NULL && g_dir_read_name (dir) != NULL;
}

/* The process dies while its create is in flight, before any answer: the
 * service made the task (and ignores Idempotency-Key).  The next run finds
 * it rather than paying again. */
/* The size of the partial download left in the cache, or 0. */
static guint64
part_size (void)
{
  g_autofree gchar *clips = g_build_filename (test_tmp_dir (), "cache",
      "clips", NULL);
  g_autoptr (GDir) dir = g_dir_open (clips, 0, NULL);
  const gchar *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *path = g_build_filename (clips, name, NULL);
    GStatBuf st;

    if (g_str_has_suffix (name, ".part") && g_stat (path, &st) == 0)
      return st.st_size;
  }
  return 0;
}

/* The process dies (SIGKILL) in the middle of the download: the next run
 * continues from the bytes it stored, asking for the same clip (If-Range
 * with its ETag), and nothing is left over. */
GST_START_TEST (test_crash_during_download)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GByteArray) bytes = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autofree gchar *id = NULL;
  g_autofree gchar *clips = NULL;
  g_autoptr (GDir) dir = NULL;
  const ApigoEmulatorRequest *last = NULL;
  guint64 stored;
  const gchar *name;
  guint i;

  /* Slow enough that the process is killed while the bytes come. */
  g_object_set (emu, "throttle", (guint64) 8000, NULL);
  spawn_and_kill_when (emu, "crash while downloading", part_size () >= 8000);
  stored = part_size ();

  g_object_set (emu, "throttle", (guint64) 0, NULL);
  bytes = play (emu, "crash while downloading", TRUE, &id);
  test_assert_served (emu, id, bytes->data, bytes->len);
  fail_unless_equals_int (creates (emu), 1);

  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    const ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CONTENT)
      last = r;
  }
  fail_unless (last != NULL && last->range != NULL, "not resumed");
  {
    g_autofree gchar *want = g_strdup_printf ("bytes=%" G_GUINT64_FORMAT
        "-", stored);

    /* The process may have stored a little more after the size was read. */
    fail_unless (g_str_has_prefix (last->range, "bytes=")
        && strcmp (last->range, "bytes=0-") != 0, "%s", last->range);
    fail_unless (g_ascii_strtoull (last->range + 6, NULL, 10) >= stored,
        "resumed at %s, %s were stored", last->range, want);
  }
  fail_unless (last->if_range != NULL && last->if_range[0] == '"',
      "resumed without If-Range");

  /* The part became the kept clip. */
  clips = g_build_filename (test_tmp_dir (), "cache", "clips", NULL);
  dir = g_dir_open (clips, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    fail_if (strstr (name, ".part") != NULL, "%s left over", name);
}

GST_END_TEST;

GST_START_TEST (test_crash_during_create)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GByteArray) bytes = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree gchar *id = NULL;
  GPid pid;

  g_object_set (emu, "create-delay", 30.0, "ignore-idempotency-key", TRUE,
      NULL);
  pid = spawn_launch (emu, "crash while creating");
  test_wait_until (journal_written (), 30);
  /* The request is on its way: give the service the moment it needs. */
  g_usleep (500 * 1000);
  kill_hard (pid);

  g_object_set (emu, "create-delay", 0.0, NULL);
  bytes = play (emu, "crash while creating", TRUE, &id);
  test_assert_served (emu, id, bytes->data, bytes->len);
  /* One create, the one that was lost; the second run only looked. */
  fail_unless_equals_int (creates (emu), 1);
  fail_unless (apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_LIST,
          NULL) >= 1);
}

GST_END_TEST;

/* A damaged clip in the cache is never played: the task it came from is
 * downloaded again, without paying again. */
GST_START_TEST (test_damaged_cache_entry)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GByteArray) first = NULL;
  g_autoptr (GByteArray) again = NULL;
  g_autofree gchar *id = NULL, *id_again = NULL;
  g_autofree gchar *clips = g_build_filename (test_tmp_dir (), "cache",
      "clips", NULL);
  g_autoptr (GDir) dir = NULL;
  const gchar *name;
  guint damaged = 0;

  first = play (emu, "to be damaged", TRUE, &id);

  dir = g_dir_open (clips, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *path = g_build_filename (clips, name, NULL);
    g_autofree gchar *data = NULL;
    gsize len;

    if (!g_str_has_suffix (name, ".mp4"))
      continue;
    fail_unless (g_file_get_contents (path, &data, &len, NULL));
    data[len / 2] ^= 0x5a;
    fail_unless (g_file_set_contents (path, data, len, NULL));
    damaged++;
  }
  fail_unless_equals_int (damaged, 1);

  again = play (emu, "to be damaged", TRUE, &id_again);
  fail_unless_equals_string (id_again, id);
  test_assert_served (emu, id, again->data, again->len);
  fail_unless_equals_int (creates (emu), 1);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CONTENT, NULL), 2);
}

GST_END_TEST;

/* A cache directory that cannot be used: a warning, and the clip plays. */
GST_START_TEST (test_unusable_cache_dir)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "nowhere to keep",
      FILE_PIPELINE);
  g_autoptr (TestRun) run = NULL;
  g_autofree gchar *file = g_build_filename (test_tmp_dir (), "a-file", NULL);
  g_autofree gchar *under = g_build_filename (file, "cache", NULL);
  gboolean warned = FALSE;
  guint i;

  fail_unless (g_file_set_contents (file, "", 0, NULL));
  g_object_set (test_pipeline_get (pipeline, "src"), "cache-dir", under,
      NULL);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);
  for (i = 0; i < run->messages->len; i++) {
    GstMessage *msg = g_ptr_array_index (run->messages, i);

    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
      g_autoptr (GError) error = NULL;

      gst_message_parse_warning (msg, &error, NULL);
      warned |= strstr (error->message, under) != NULL;
    }
  }
  fail_unless (warned, "no warning about the cache directory");
}

GST_END_TEST;

/* A disk that fills up: a clear error, never a truncated clip. */
GST_START_TEST (test_disk_full)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GByteArray) rendered = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (TestRun) run = NULL;
  struct rlimit small = { 3000, RLIM_INFINITY }, saved;
  guint i;

  /* The emulator renders (and writes) its clip first, unconstrained. */
  rendered = play (emu, "no room", FALSE, NULL);

  /* Writes past 3000 bytes now fail (EFBIG), as on a full disk. */
  signal (SIGXFSZ, SIG_IGN);
  fail_unless (getrlimit (RLIMIT_FSIZE, &saved) == 0);
  small.rlim_max = saved.rlim_max;
  fail_unless (setrlimit (RLIMIT_FSIZE, &small) == 0);
  pipeline = test_pipeline_new (emu, "no room", FILE_PIPELINE);
  g_object_set (test_pipeline_get (pipeline, "src"), "reuse", FALSE, NULL);
  run = test_run (pipeline, 60);
  setrlimit (RLIMIT_FSIZE, &saved);

  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_WRITE,
      "Cannot store the downloaded video");
  for (i = 0; i < run->messages->len; i++)
    fail_if (GST_MESSAGE_TYPE (g_ptr_array_index (run->messages, i)) ==
        GST_MESSAGE_EOS);
}

GST_END_TEST;

/* Asserts the cache's clips directory holds no empty file, nor anything but
 * kept clips, their metadata and @parts partial downloads. */
static void
assert_no_empty_files_at (guint parts, gint line)
{
  g_autofree gchar *clips = g_build_filename (test_tmp_dir (), "cache",
      "clips", NULL);
  g_autoptr (GDir) dir = g_dir_open (clips, 0, NULL);
  const gchar *name;
  guint seen = 0;

  fail_unless (dir != NULL);
  while ((name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *path = g_build_filename (clips, name, NULL);
    GStatBuf st;

    fail_unless (g_stat (path, &st) == 0);
    fail_if (st.st_size == 0, "%s is empty (line %d)", name, line);
    if (g_str_has_suffix (name, ".part"))
      seen++;
    else
      fail_unless (g_str_has_suffix (name, ".mp4")
          || g_str_has_suffix (name, ".json"), "%s left over", name);
  }
  fail_unless_equals_int (seen, parts);
}

#define assert_no_empty_files(parts) \
  assert_no_empty_files_at (parts, __LINE__)

/* Runs that play, replay, stop while generating, stop while the download
 * starts, or fail on the download leave no empty partial download behind:
 * the store is anonymous until the download starts, and a partial download
 * without a byte is removed when its run ends. */
GST_START_TEST (test_no_empty_files_left)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GByteArray) bytes = NULL;
  g_autoptr (GByteArray) again = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (TestRun) run = NULL;

  bytes = play (emu, "nothing empty", TRUE, NULL);
  again = play (emu, "nothing empty", TRUE, NULL);
  assert_no_empty_files (0);

  /* Stopped while generating. */
  g_object_set (emu, "generation-time", 30.0, NULL);
  pipeline = test_pipeline_new (emu, "stopped early", FILE_PIPELINE);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  test_wait_until (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_RETRIEVE, NULL) >= 1, 30);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_clear_object (&pipeline);
  assert_no_empty_files (0);

  /* Stopped as the download starts: a first byte or none. */
  g_object_set (emu, "generation-time", 0.3, "throttle", (guint64) 1000,
      NULL);
  pipeline = test_pipeline_new (emu, "stopped at the start", FILE_PIPELINE);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  test_wait_until (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CONTENT, NULL) >= 1, 30);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_clear_object (&pipeline);
  g_object_set (emu, "throttle", (guint64) 0, NULL);
  assert_no_empty_files (part_size () > 0 ? 1 : 0);

  /* The download refused. */
  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_CONTENT, 403, 1);
  pipeline = test_pipeline_new (emu, "refused", FILE_PIPELINE);
  run = test_run (pipeline, 60);
  test_run_assert_error (run, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_AUTHORIZED, NULL);
  g_clear_object (&pipeline);
  assert_no_empty_files (part_size () > 0 ? 1 : 0);
}

GST_END_TEST;

/* A service whose progress stays 0 until the end: how long a generation
 * took is kept with the cache, and the next one of its kind is looked at
 * around then, whatever poll-interval says.  Here 10 minutes: the one
 * poll it would wait for comes long after the test's bound. */
GST_START_TEST (test_generation_time_learned)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) first = NULL;
  g_autoptr (GstElement) second = NULL;
  g_autoptr (TestRun) run = NULL;
  guint polls;

  g_object_set (emu, "generation-time", 2.0, "progress-stuck", TRUE, NULL);
  first = test_pipeline_new (emu, "learn once", FILE_PIPELINE);
  g_free (replay (first));
  apigo_emulator_clear_requests (emu);

  second = test_pipeline_new (emu, "then know", FILE_PIPELINE);
  g_object_set (test_pipeline_get (second, "src"), "poll-interval", 600000,
      NULL);
  run = test_run (second, test_timeout (60));
  test_run_assert_eos (run);
  fail_unless_equals_int (creates (emu), 1);
  /* One right after the create, one to the window a second before the
   * end, five in it; a few more backing off if this one took longer. */
  polls = apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_RETRIEVE,
      NULL);
  fail_unless (polls >= 1 && polls <= 16, "%u polls", polls);
}

GST_END_TEST;

static Suite *
journal_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-journal");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_replay_from_cache);
  tcase_add_test (tc, test_fresh_take);
  tcase_add_test (tc, test_store_settings_change);
  tcase_add_test (tc, test_resume_in_new_element);
  tcase_add_test (tc, test_resume_after_crash);
  tcase_add_test (tc, test_crash_during_create);
  tcase_add_test (tc, test_crash_during_download);
  tcase_add_test (tc, test_damaged_cache_entry);
  tcase_add_test (tc, test_unusable_cache_dir);
  tcase_add_test (tc, test_disk_full);
  tcase_add_test (tc, test_no_empty_files_left);
  tcase_add_test (tc, test_generation_time_learned);
  return s;
}

GST_CHECK_MAIN (journal);
