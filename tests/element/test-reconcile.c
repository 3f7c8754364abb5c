/* gst-apigo: what the journal keeps, and what a lost create is taken to
 * have made: never pay twice, never guess
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#include <signal.h>
#include <sys/wait.h>

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"

static guint
creates (ApigoEmulator * emu)
{
  return apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_CREATE,
      NULL);
}

/* The one journal entry in the test's cache. */
static gchar *
journal_path (void)
{
  g_autofree gchar *tasks = g_build_filename (test_tmp_dir (), "cache",
      "tasks", NULL);
  g_autoptr (GDir) dir = g_dir_open (tasks, 0, NULL);
  const gchar *name = dir ? g_dir_read_name (dir) : NULL;

  return name ? g_build_filename (tasks, name, NULL) : NULL;
}

static GByteArray *
play (ApigoEmulator * emu, const gchar * prompt, gchar ** id)
{
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, prompt,
      FILE_PIPELINE);

  return test_play (pipeline, id);
}

/* The Idempotency-Keys of the creates @emu saw, in order. */
static GPtrArray *
create_keys (ApigoEmulator * emu)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  GPtrArray *keys = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CREATE)
      g_ptr_array_add (keys, g_strdup (r->idempotency_key));
  }
  return keys;
}

/* The process dies with its create in flight (the service has made the
 * task, its answer is held back), and no list can be read to find the
 * task by: the next run sends the create again with the key the journal
 * kept, and a service that honours it makes no second task. */
GST_START_TEST (test_rerun_resends_journaled_key)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *cache = g_strdup_printf ("cache-dir=%s/cache",
      test_tmp_dir ());
  gchar *argv[] = { "gst-launch-1.0", "-q", "apigovideosrc",
    "prompt=keyed rerun", NULL, cache, "size=320x180", "seconds=1",
    "poll-interval=100", "!", "fakesink", NULL
  };
  g_autofree gchar *url = g_strdup_printf ("base-url=%s",
      apigo_emulator_get_base_url (emu));
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (),
      "APIGO_API_KEY", TEST_API_KEY, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GByteArray) bytes = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  g_autofree gchar *id = NULL;
  gint status;
  GPid pid;

  argv[4] = url;
  g_object_set (emu, "create-delay", 60.0, NULL);
  fail_unless (g_spawn_async (NULL, argv, envp, G_SPAWN_SEARCH_PATH |
          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
          G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &pid, &error), "%s",
      error ? error->message : "");
  test_wait_until (creates (emu) == 1, 30);
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);

  g_object_set (emu, "create-delay", 0.0, NULL);
  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_LIST, 500, 100);
  bytes = play (emu, "keyed rerun", &id);

  keys = create_keys (emu);
  fail_unless_equals_int (keys->len, 2);
  fail_unless (g_ptr_array_index (keys, 0) != NULL);
  fail_unless_equals_string (g_ptr_array_index (keys, 1),
      g_ptr_array_index (keys, 0));
  fail_unless_equals_int (test_tasks_made (emu), 1);
  test_assert_served (emu, id, bytes->data, bytes->len);
}

GST_END_TEST;

/* A create with an input reference loses its answer: the list cannot show
 * which image a task came from, so the task it lists is not taken on
 * trust, nor is the create sent again (this service ignores the key).  The
 * error names the task and how to attach it, which then plays it. */
GST_START_TEST (test_reference_create_unconfirmed)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "from an image",
      FILE_PIPELINE);
  g_autoptr (GstElement) attach = test_pipeline_new (emu, NULL,
      FILE_PIPELINE);
  g_autofree gchar *ref = test_make_png (320, 180);
  g_autofree gchar *made = NULL;
  g_autofree gchar *advice = NULL;
  g_autofree gchar *id = NULL;
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GByteArray) bytes = NULL;

  g_object_set (emu, "ignore-idempotency-key", TRUE, NULL);
  apigo_emulator_drop_create_answers (emu, 1);
  g_object_set (test_pipeline_get (pipeline, "src"), "input-reference", ref,
      NULL);
  run = test_run (pipeline, 60);
  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      "cannot confirm");

  made = test_only_task (emu);
  fail_unless_equals_int (creates (emu), 1);
  gst_message_parse_error (run->last, &error, NULL);
  advice = g_strdup_printf ("video-id=%s", made);
  fail_unless (strstr (error->message, advice) != NULL, "%s",
      error->message);

  g_object_set (test_pipeline_get (attach, "src"), "video-id", made, NULL);
  bytes = test_play (attach, &id);
  fail_unless_equals_string (id, made);
  test_assert_served (emu, made, bytes->data, bytes->len);
  fail_unless_equals_int (creates (emu), 1);
}

GST_END_TEST;

/* The content of a completed task answers 404 (a gateway's storage lags):
 * the task is not gone for that.  The next run downloads it again instead
 * of paying for another: in the same element started again, or in a new
 * one (another process), as the journal still names it. */
static void
assert_content_404_keeps_task (gboolean same_element)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) first = test_pipeline_new (emu, "not there yet",
      FILE_PIPELINE);
  g_autoptr (GByteArray) bytes = NULL;
  g_autoptr (TestRun) run = NULL;
  g_autofree gchar *made = NULL;
  g_autofree gchar *id = NULL;

  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_CONTENT, 404, 1);
  run = test_run (first, 60);
  test_run_assert_error (run, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND, NULL);
  made = test_only_task (emu);

  if (same_element)
    bytes = test_play (first, &id);
  else
    bytes = play (emu, "not there yet", &id);
  fail_unless_equals_string (id, made);
  test_assert_served (emu, made, bytes->data, bytes->len);
  fail_unless_equals_int (creates (emu), 1);
}

GST_START_TEST (test_content_404_keeps_journal)
{
  assert_content_404_keeps_task (FALSE);
}

GST_END_TEST;

GST_START_TEST (test_content_404_same_element)
{
  assert_content_404_keeps_task (TRUE);
}

GST_END_TEST;

/* The index in @run of the first warning naming @path, or -1. */
static gint
first_warning_naming (TestRun * run, const gchar * path)
{
  guint i;

  for (i = 0; i < run->messages->len; i++) {
    GstMessage *msg = g_ptr_array_index (run->messages, i);
    g_autoptr (GError) error = NULL;

    if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_WARNING)
      continue;
    gst_message_parse_warning (msg, &error, NULL);
    if (strstr (error->message, path) != NULL)
      return i;
  }
  return -1;
}

static gint
first_phase (TestRun * run, const gchar * phase)
{
  guint i;

  for (i = 0; i < run->messages->len; i++) {
    GstMessage *msg = g_ptr_array_index (run->messages, i);
    const GstStructure *s = gst_message_get_structure (msg);

    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
        && gst_structure_has_name (s, "apigo-status")
        && g_strcmp0 (gst_structure_get_string (s, "phase"), phase) == 0)
      return i;
  }
  return -1;
}

/* Damages the journal entry at @path as @how says. */
static void
damage (const gchar * path, const gchar * how)
{
  if (g_str_equal (how, "corrupt")) {
    fail_unless (g_file_set_contents (path, "{\"video_id\": \"vid", -1,
            NULL));
  } else if (g_str_equal (how, "too big")) {
    g_autofree gchar *big = g_strnfill (100 * 1024, ' ');

    big[0] = '{';
    big[100 * 1024 - 1] = '}';
    fail_unless (g_file_set_contents (path, big, -1, NULL));
  } else {
    fail_unless (g_chmod (path, 0) == 0);
  }
}

/* A journal entry that cannot be read is not ignored in silence: a
 * warning names the file before the new task is paid for. */
GST_START_TEST (test_unreadable_journal_warns)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  const gchar *hows[] = { "corrupt", "too big", "unreadable" };
  guint i, n = G_N_ELEMENTS (hows);

  /* Root reads any file, whatever its mode. */
  if (geteuid () == 0)
    n--;

  for (i = 0; i <= n; i++) {
    g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "journaled",
        FILE_PIPELINE);
    g_autoptr (TestRun) run = NULL;
    g_autofree gchar *path = journal_path ();
    gint warned, created;

    /* Nothing kept but the journal: the next run would resume the task. */
    g_object_set (test_pipeline_get (pipeline, "src"), "cache-max-size", 0,
        NULL);
    if (i > 0)
      damage (path, hows[i - 1]);
    run = test_run (pipeline, 60);
    test_run_assert_eos (run);
    fail_unless_equals_int (creates (emu), i + 1);
    if (i == 0)
      continue;

    warned = first_warning_naming (run, path);
    created = first_phase (run, "creating");
    fail_unless (warned >= 0, "%s: no warning names %s", hows[i - 1], path);
    fail_unless (created > warned, "%s: the warning came after the create",
        hows[i - 1]);
  }
}

GST_END_TEST;

static Suite *
reconcile_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-reconcile");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_rerun_resends_journaled_key);
  tcase_add_test (tc, test_reference_create_unconfirmed);
  tcase_add_test (tc, test_content_404_keeps_journal);
  tcase_add_test (tc, test_content_404_same_element);
  tcase_add_test (tc, test_unreadable_journal_warns);
  return s;
}

GST_CHECK_MAIN (reconcile);
