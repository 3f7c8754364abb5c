/* gst-apigo: runs of one request at the same time pay for it once
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"

typedef struct
{
  GPid pid;
  gchar *out;                   /* what its filesink wrote */
  gchar *log;                   /* its stderr */
  gint status;
  gboolean exited;
} Launch;

/* gst-launch-1.0 playing @prompt from @emu into a file of its own, with
 * the test's cache directory, as a user would start it. */
static void
launch_start (Launch * l, ApigoEmulator * emu, const gchar * prompt,
    guint n)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) envp = g_get_environ ();
  g_autofree gchar *url = g_strdup_printf ("base-url=%s",
      apigo_emulator_get_base_url (emu));
  g_autofree gchar *cache = g_strdup_printf ("cache-dir=%s/cache",
      test_tmp_dir ());
  g_autofree gchar *prompt_arg = g_strdup_printf ("prompt=%s", prompt);
  g_autofree gchar *location = NULL;
  gchar *argv[] = { "gst-launch-1.0", "-q", "apigovideosrc", prompt_arg, url,
    cache, "size=320x180", "seconds=1", "poll-interval=100", "!", "filesink",
    NULL, NULL
  };
  gint log_fd;

  memset (l, 0, sizeof (*l));
  l->out = g_strdup_printf ("%s/out-%u.mp4", test_tmp_dir (), n);
  l->log = g_strdup_printf ("%s/launch-%u.log", test_tmp_dir (), n);
  location = g_strdup_printf ("location=%s", l->out);
  argv[11] = location;

  log_fd = g_open (l->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  fail_unless (log_fd >= 0);
  envp = g_environ_setenv (envp, "APIGO_API_KEY", TEST_API_KEY, TRUE);
  fail_unless (g_spawn_async_with_pipes_and_fds (NULL,
          (const gchar * const *) argv, (const gchar * const *) envp,
          G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD |
          G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, -1, -1, log_fd, NULL, NULL,
          0, &l->pid, NULL, NULL, NULL, &error), "%s",
      error ? error->message : "");
  g_close (log_fd, NULL);
}

/* Waits (bounded) for every one of @n to end. */
static void
launch_wait_all (Launch * ls, guint n, guint timeout_s)
{
  gint64 end = g_get_monotonic_time () + test_timeout (timeout_s) *
      G_TIME_SPAN_SECOND;
  guint left = n, i;

  while (left > 0) {
    for (i = 0; i < n; i++) {
      if (!ls[i].exited && waitpid (ls[i].pid, &ls[i].status, WNOHANG) > 0) {
        ls[i].exited = TRUE;
        g_spawn_close_pid (ls[i].pid);
        left--;
      }
    }
    if (left > 0 && g_get_monotonic_time () > end) {
      for (i = 0; i < n; i++)
        if (!ls[i].exited)
          kill (ls[i].pid, SIGKILL);
      fail ("%u of %u gst-launch-1.0 did not end", left, n);
    }
    g_usleep (20 * 1000);
  }
}

static void
launch_clear (Launch * l)
{
  if (l->pid != 0 && !l->exited) {
    kill (l->pid, SIGKILL);
    waitpid (l->pid, &l->status, 0);
    g_spawn_close_pid (l->pid);
  }
  g_free (l->out);
  g_free (l->log);
}

/* Runs started together overlap on @emu: its creates are answered after a
 * second, as real ones are, and its list leaves prompts out, as some
 * gateways' do.  Until the first answer comes, neither the journal nor the
 * list can tell another run that the task is made. */
static void
slow_gateway (ApigoEmulator * emu)
{
  g_object_set (emu, "generation-time", 1.5, "create-delay", 1.0,
      "list-without-prompt", TRUE, NULL);
}

/* @n processes started together with the same request and cache
 * directory: one task, and every one of them plays it. */
static void
processes_share_one_task (guint n)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *id = NULL;
  Launch ls[4];
  guint i;

  g_assert (n <= G_N_ELEMENTS (ls));
  slow_gateway (emu);
  for (i = 0; i < n; i++)
    launch_start (&ls[i], emu, "one for all", i);
  launch_wait_all (ls, n, 120);

  id = test_only_task (emu);
  for (i = 0; i < n; i++) {
    g_autofree gchar *log = NULL;
    g_autofree gchar *data = NULL;
    g_autoptr (GError) error = NULL;
    gsize len;

    g_file_get_contents (ls[i].log, &log, NULL, NULL);
    fail_unless (g_spawn_check_wait_status (ls[i].status, &error),
        "gst-launch-1.0 #%u: %s: %s", i, error ? error->message : "",
        log ? log : "");
    fail_unless (g_file_get_contents (ls[i].out, &data, &len, NULL));
    test_assert_served (emu, id, (const guint8 *) data, len);
    launch_clear (&ls[i]);
  }
}

GST_START_TEST (test_two_processes_one_task)
{
  processes_share_one_task (2);
}

GST_END_TEST;

GST_START_TEST (test_four_processes_one_task)
{
  processes_share_one_task (4);
}

GST_END_TEST;

/* Two elements of one process, playing at the same time: one task. */
GST_START_TEST (test_two_elements_one_task)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) a = test_pipeline_new (emu, "side by side",
      FILE_PIPELINE);
  g_autoptr (GstElement) b = test_pipeline_new (emu, "side by side",
      FILE_PIPELINE);
  g_autoptr (GstBus) bus_a = gst_element_get_bus (a);
  g_autoptr (GstBus) bus_b = gst_element_get_bus (b);
  g_autofree gchar *id = NULL;
  gint64 end = g_get_monotonic_time () + test_timeout (120) *
      G_TIME_SPAN_SECOND;
  gboolean a_done = FALSE, b_done = FALSE;
  TestCollector out_a, out_b;

  slow_gateway (emu);
  test_collect (test_pipeline_get (a, "sink"), &out_a, TRUE);
  test_collect (test_pipeline_get (b, "sink"), &out_b, TRUE);
  gst_element_set_state (a, GST_STATE_PLAYING);
  gst_element_set_state (b, GST_STATE_PLAYING);

  while (!a_done || !b_done) {
    GstBus *buses[] = { bus_a, bus_b };
    gboolean *done[] = { &a_done, &b_done };
    guint i;

    fail_unless (g_get_monotonic_time () < end, "the pipelines never ended");
    for (i = 0; i < 2; i++) {
      g_autoptr (GstMessage) msg = gst_bus_timed_pop_filtered (buses[i],
          20 * GST_MSECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

      if (msg == NULL)
        continue;
      if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
        g_autoptr (GError) error = NULL;

        gst_message_parse_error (msg, &error, NULL);
        fail ("pipeline %u failed: %s", i, error->message);
      }
      *done[i] = TRUE;
    }
  }
  gst_element_set_state (a, GST_STATE_NULL);
  gst_element_set_state (b, GST_STATE_NULL);

  id = test_only_task (emu);
  test_assert_served (emu, id, out_a.bytes->data, out_a.bytes->len);
  test_assert_served (emu, id, out_b.bytes->data, out_b.bytes->len);
  test_collector_clear (&out_a);
  test_collector_clear (&out_b);
}

GST_END_TEST;

/* Pops @pipeline's messages until the element says it waits for another
 * run; fails on an error or EOS before. */
static void
wait_until_waiting (GstElement * pipeline)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  gint64 end = g_get_monotonic_time () + test_timeout (60) *
      G_TIME_SPAN_SECOND;

  for (;;) {
    g_autoptr (GstMessage) msg = NULL;
    const GstStructure *s;

    fail_unless (g_get_monotonic_time () < end,
        "the element never said that it waits for the other run");
    msg = gst_bus_timed_pop (bus, 100 * GST_MSECOND);
    if (msg == NULL)
      continue;
    fail_if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR
        || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS,
        "the pipeline ended without waiting");
    s = gst_message_get_structure (msg);
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
        && gst_structure_has_name (s, "apigo-status")
        && g_strcmp0 (gst_structure_get_string (s, "phase"), "waiting") == 0)
      return;
  }
}

static gboolean
wait_completed (TestRun * run)
{
  guint i;

  for (i = 0; i < run->messages->len; i++) {
    GstMessage *msg = g_ptr_array_index (run->messages, i);
    g_autofree gchar *code = NULL;
    g_autofree gchar *text = NULL;
    GstProgressType type;

    if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_PROGRESS)
      continue;
    gst_message_parse_progress (msg, &type, &code, &text);
    if (type == GST_PROGRESS_TYPE_COMPLETE && g_str_equal (code, "wait"))
      return TRUE;
  }
  return FALSE;
}

/* A process killed (SIGKILL) while it holds the lock blocks nobody: the
 * kernel releases it, and the run that waited resumes the task the dead
 * one created. */
GST_START_TEST (test_killed_holder_releases)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "killed first",
      FILE_PIPELINE);
  g_autoptr (TestRun) run = NULL;
  g_autofree gchar *id = NULL;
  TestCollector out;
  Launch first;

  g_object_set (emu, "generation-time", 3.0, NULL);
  launch_start (&first, emu, "killed first", 0);
  /* It holds the lock from before its create until its clip is kept. */
  test_wait_until (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_RETRIEVE, NULL) >= 1, 60);

  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  wait_until_waiting (pipeline);
  kill (first.pid, SIGKILL);

  run = test_run (pipeline, 120);
  test_run_assert_eos (run);
  /* gst-launch-1.0 stays in PAUSED while a progress sequence is open. */
  fail_unless (wait_completed (run), "the \"wait\" progress never ended");
  g_object_get (test_pipeline_get (pipeline, "src"), "video-id", &id, NULL);
  fail_unless_equals_int (test_tasks_made (emu), 1);
  test_assert_served (emu, id, out.bytes->data, out.bytes->len);
  test_collector_clear (&out);
  launch_clear (&first);
}

GST_END_TEST;

/* Waiting for another run never holds up a state change. */
GST_START_TEST (test_stop_while_waiting)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) first = test_pipeline_new (emu, "long wait",
      FILE_PIPELINE);
  g_autoptr (GstElement) second = test_pipeline_new (emu, "long wait",
      FILE_PIPELINE);
  gint64 t0;

  g_object_set (emu, "generation-time", 600.0, NULL);
  gst_element_set_state (first, GST_STATE_PLAYING);
  test_wait_until (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_RETRIEVE, NULL) >= 1, 60);
  gst_element_set_state (second, GST_STATE_PLAYING);
  wait_until_waiting (second);

  /* Far below the 10 minutes the other run holds the lock. */
  t0 = g_get_monotonic_time ();
  fail_unless_equals_int (gst_element_set_state (second, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless (g_get_monotonic_time () - t0 <
      test_timeout (5) * G_TIME_SPAN_SECOND);
  gst_element_set_state (first, GST_STATE_NULL);
  fail_unless_equals_int (test_tasks_made (emu), 1);
}

GST_END_TEST;

static Suite *
lock_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-lock");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 180);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_two_processes_one_task);
  tcase_add_test (tc, test_four_processes_one_task);
  tcase_add_test (tc, test_two_elements_one_task);
  tcase_add_test (tc, test_killed_holder_releases);
  tcase_add_test (tc, test_stop_while_waiting);
  return s;
}

GST_CHECK_MAIN (lock);
