/* gst-apigo: every failure says what went wrong, in the right place
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#include <fcntl.h>
#include <sys/stat.h>

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"

static guint
all_requests (ApigoEmulator * emu)
{
  return apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_ANY, NULL);
}

/* The pipeline refuses to start, with a SETTINGS error naming @words, and
 * nothing reached the service.  No error repeats a "LEAK" the test put in a
 * setting (as a user may paste a key into the base URL). */
static void
assert_refusal (ApigoEmulator * emu, GstElement * pipeline,
    GstStateChangeReturn ret, const gchar * words, const gchar * more_words)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) msg = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *debug = NULL;

  fail_unless_equals_int (ret, GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, test_timeout (10) * GST_SECOND,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error message");
  gst_message_parse_error (msg, &error, &debug);
  fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS), "%s", error->message);
  fail_unless (strstr (error->message, words) != NULL,
      "'%s' does not name '%s'", error->message, words);
  fail_unless (more_words == NULL
      || strstr (error->message, more_words) != NULL,
      "'%s' does not say '%s'", error->message, more_words);
  fail_if (strstr (error->message, "LEAK") != NULL, "%s", error->message);
  fail_if (debug != NULL && strstr (debug, "LEAK") != NULL, "%s", debug);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  fail_unless_equals_int (all_requests (emu), 0);
}

static void
assert_refused_at_start (ApigoEmulator * emu, GstElement * pipeline,
    const gchar * words, const gchar * more_words)
{
  assert_refusal (emu, pipeline, gst_element_set_state (pipeline,
          GST_STATE_PAUSED), words, more_words);
}

static GstElement *
pipeline_with (ApigoEmulator * emu, const gchar * prompt,
    const gchar * property, const gchar * value)
{
  GstElement *pipeline = test_pipeline_new (emu, prompt, FILE_PIPELINE);

  if (property != NULL)
    gst_util_set_object_arg (G_OBJECT (test_pipeline_get (pipeline, "src")),
        property, value);
  return pipeline;
}

GST_START_TEST (test_missing_prompt)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_with (emu, NULL, NULL, NULL);

  assert_refused_at_start (emu, pipeline, "prompt", NULL);
}

GST_END_TEST;

GST_START_TEST (test_malformed_size)
{
  const gchar *bad[] = { "big", "1280x", "x720", "0x720", "1280x720x2",
    "1280*720", " 1280x720", "1280x-720", "99999x99999", "+1280x720"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (ApigoEmulator) emu = test_emulator_new ();
    g_autoptr (GstElement) pipeline = pipeline_with (emu, "size", "size",
        bad[i]);

    assert_refused_at_start (emu, pipeline, "size", bad[i]);
  }
}

GST_END_TEST;

/* Parameters that are not a JSON object of plain values, or that name a
 * field the element sends itself, or whose name no form header can hold,
 * are refused before anything is sent. */
GST_START_TEST (test_parameters_refused)
{
  g_autofree gchar *deep = g_strnfill (1000000, '[');
  const struct
  {
    const gchar *value;
    const gchar *why;
  } bad[] = {
    {"seed=42", "not JSON"},
    {"[1, 2]", "not a JSON object"},
    {"{\"model\": \"veo-3\"}", "\"model\" is set by its own property"},
    {"{\"size\": \"1x1\"}", "\"size\" is set by its own property"},
    {"{\"style\": {\"a\": 1}}", "\"style\" is not a string, a number"},
    {"{\"seed\": null}", "\"seed\" is not a string, a number"},
    /* A name is a form part's header: a line break would add headers. */
    {"{\"e\\r\\nContent-Type: text/evil\": 1}", "control character"},
    {"{\"e\\u0001\": 1}", "control character"},
    /* Nested deeper than any stack: refused, not a crash. */
    {deep, "not JSON"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (ApigoEmulator) emu = test_emulator_new ();
    g_autoptr (GstElement) pipeline = pipeline_with (emu, "parameters",
        "parameters", bad[i].value);

    assert_refused_at_start (emu, pipeline, "parameters property",
        bad[i].why);
  }
}

GST_END_TEST;

static gboolean
count_warning (const gchar * domain, GLogLevelFlags level,
    const gchar * message, gpointer user_data)
{
  g_atomic_int_inc ((gint *) user_data);
  return TRUE;
}

/* seconds=0 on a gst-launch-1.0 line was out of the property's range: GLib
 * warned and kept the default, and a 4 s clip nobody asked for was made and
 * paid for.  GLib takes any number now; 0, and what only a negative number
 * becomes ("-1" is 4294967295 to GStreamer), are refused at start. */
GST_START_TEST (test_seconds_refused)
{
  const gchar *bad[] = { "0", "-1", "4294967296" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (ApigoEmulator) emu = test_emulator_new ();
    g_autoptr (GstElement) pipeline = NULL;
    gint warnings = 0;
    GstCheckLogFilter *filter;

    /* Counted rather than fatal, so that the test says what follows. */
    filter = gst_check_add_log_filter ("GLib-GObject", G_LOG_LEVEL_WARNING,
        g_regex_new ("seconds", 0, 0, NULL), count_warning, &warnings, NULL);
    pipeline = pipeline_with (emu, "zero", "seconds", bad[i]);
    gst_check_remove_log_filter (filter);
    assert_refused_at_start (emu, pipeline, "seconds", NULL);
    fail_unless_equals_int (warnings, 0);
  }
}

GST_END_TEST;

GST_START_TEST (test_unreadable_input_reference)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_with (emu, "ref",
      "input-reference", "/nonexistent/frame.png");

  assert_refused_at_start (emu, pipeline, "input-reference",
      "/nonexistent/frame.png");
}

GST_END_TEST;

GST_START_TEST (test_input_reference_not_an_image)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = NULL;
  g_autofree gchar *path = NULL;
  gint fd = g_file_open_tmp ("apigo-notimage-XXXXXX.png", &path, NULL);

  fail_unless (fd >= 0);
  fail_unless (write (fd, "just text, named .png", 21) == 21);
  close (fd);
  pipeline = pipeline_with (emu, "ref", "input-reference", path);
  assert_refused_at_start (emu, pipeline, "input-reference", "not a JPEG");
  g_unlink (path);
}

GST_END_TEST;

typedef struct
{
  GstElement *pipeline;
  GstStateChangeReturn ret;
  gint done;
} StateChange;

static gpointer
change_state (gpointer data)
{
  StateChange *c = data;

  c->ret = gst_element_set_state (c->pipeline, GST_STATE_PAUSED);
  g_atomic_int_set (&c->done, 1);
  return NULL;
}

/* A FIFO nobody writes to would block the state change for ever (and any
 * set_state() waiting for it), a device give bytes without end: only a
 * regular file is read, and anything else is refused at once.  The state
 * change runs on a thread of its own, so that a hang fails the test instead
 * of hanging it. */
GST_START_TEST (test_input_reference_not_a_file)
{
  g_autofree gchar *fifo = g_build_filename (test_tmp_dir (), "frame.png",
      NULL);
  g_autofree gchar *dir = g_build_filename (test_tmp_dir (), "dir.png",
      NULL);
  const gchar *paths[] = { fifo, "/dev/null", dir };
  const gchar *kinds[] = { "a FIFO", "a character device", "a directory" };
  guint i;

  fail_unless (mkfifo (fifo, 0600) == 0);
  fail_unless (g_mkdir (dir, 0700) == 0);
  for (i = 0; i < G_N_ELEMENTS (paths); i++) {
    g_autoptr (ApigoEmulator) emu = test_emulator_new ();
    g_autoptr (GstElement) pipeline = pipeline_with (emu, "ref",
        "input-reference", paths[i]);
    StateChange change = { pipeline, GST_STATE_CHANGE_FAILURE, 0 };
    gint64 end = g_get_monotonic_time () + test_timeout (10) *
        G_TIME_SPAN_SECOND;
    GThread *thread = g_thread_new ("set-state", change_state, &change);

    while (!g_atomic_int_get (&change.done) && g_get_monotonic_time () < end)
      g_usleep (10 * 1000);
    if (!g_atomic_int_get (&change.done)) {
      /* A writer lets the blocked open() return, so that the thread ends. */
      gint fd = open (fifo, O_WRONLY | O_NONBLOCK);

      g_thread_join (thread);
      if (fd >= 0)
        close (fd);
      fail ("the state change blocked on %s", paths[i]);
    }
    g_thread_join (thread);
    assert_refusal (emu, pipeline, change.ret, "input-reference", kinds[i]);
  }
}

GST_END_TEST;

GST_START_TEST (test_no_api_key)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_with (emu, "keyless",
      "api-key", "");

  g_unsetenv ("APIGO_API_KEY");
  assert_refused_at_start (emu, pipeline, "api-key", "APIGO_API_KEY");
}

GST_END_TEST;

GST_START_TEST (test_api_key_from_environment)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_with (emu, "env key",
      "api-key", "");
  g_autoptr (TestRun) run = NULL;

  g_setenv ("APIGO_API_KEY", TEST_API_KEY, TRUE);
  run = test_run (pipeline, 60);
  g_unsetenv ("APIGO_API_KEY");
  test_run_assert_eos (run);
}

GST_END_TEST;

/* A key with a line break in it would inject a header: libsoup drops the
 * header instead (with a warning that quotes it) and the service answers a
 * misleading 401.  Such a key, or one with spaces, control or non-ASCII
 * characters, is refused at start, naming where it came from and saying
 * where it is wrong, never what it holds; nothing is sent. */
GST_START_TEST (test_api_key_not_a_header)
{
  const struct
  {
    const gchar *key;
    const gchar *why;
  } bad[] = {
    {"sk-abc\r\nX-Evil: 1 LEAK", "line break"},
    {"sk-abc\nLEAK", "line break"},
    {"sk-abc LEAK", "space"},
    {"sk-abc\x1b[2JLEAK", "control character"},
    {"sk-abc\xc3\xa9LEAK", "non-ASCII"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (ApigoEmulator) emu = test_emulator_new ();
    g_autoptr (GstElement) by_property = pipeline_with (emu, "key", NULL,
        NULL);
    g_autoptr (GstElement) by_env = pipeline_with (emu, "key", "api-key", "");

    g_object_set (test_pipeline_get (by_property, "src"), "api-key",
        bad[i].key, NULL);
    assert_refused_at_start (emu, by_property, "api-key property",
        bad[i].why);
    g_setenv ("APIGO_API_KEY", bad[i].key, TRUE);
    assert_refused_at_start (emu, by_env, "APIGO_API_KEY", bad[i].why);
    g_unsetenv ("APIGO_API_KEY");
  }
}

GST_END_TEST;

/* The same for the other header the user writes. */
GST_START_TEST (test_user_agent_not_a_header)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_with (emu, "ua", NULL, NULL);

  g_object_set (test_pipeline_get (pipeline, "src"), "user-agent",
      "gst-apigo\r\nX-Evil: 1", NULL);
  assert_refused_at_start (emu, pipeline, "user-agent", "line break");
}

GST_END_TEST;

/* A key read from a file often ends with a newline (CRLF from some
 * editors), or was pasted with a space: what is around it is left out. */
GST_START_TEST (test_api_key_trimmed)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_with (emu, "trimmed key",
      "api-key", "");
  g_autoptr (GstElement) again = pipeline_with (emu, "trimmed env key",
      "api-key", "");
  g_autoptr (TestRun) run = NULL;
  g_autoptr (TestRun) run_env = NULL;

  g_object_set (test_pipeline_get (pipeline, "src"), "api-key",
      " " TEST_API_KEY "\r\n", NULL);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);

  g_setenv ("APIGO_API_KEY", TEST_API_KEY "\n", TRUE);
  run_env = test_run (again, 60);
  g_unsetenv ("APIGO_API_KEY");
  test_run_assert_eos (run_env);
}

GST_END_TEST;

GST_START_TEST (test_bad_base_url)
{
  const gchar *bad[] = { "ftp://127.0.0.1/v1", "not a url", "http:///v1",
    "http://user:sk-LEAK1@127.0.0.1/v1", "htps://me:sk-LEAK2@host/v1",
    "ftp://host/v1?key=sk-LEAK3", "https://host/v1#sk-LEAK4",
    "ht tp://sk-LEAK5/v1"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (bad); i++) {
    g_autoptr (ApigoEmulator) emu = test_emulator_new ();
    g_autoptr (GstElement) pipeline = pipeline_with (emu, "url", "base-url",
        bad[i]);

    assert_refused_at_start (emu, pipeline, "base-url", NULL);
  }
}

GST_END_TEST;

GST_START_TEST (test_bad_video_id)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_with (emu, NULL, "video-id",
      "../../admin");

  assert_refused_at_start (emu, pipeline, "video-id", NULL);
}

GST_END_TEST;

static const GstStructure *
error_details (GstMessage * msg)
{
  const GstStructure *details = NULL;

  gst_message_parse_error_details (msg, &details);
  fail_unless (details != NULL, "the error carries no details");
  return details;
}

GST_START_TEST (test_wrong_key)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_with (emu, "wrong key",
      "api-key", "sk-wrong-key-987654321");
  g_autoptr (TestRun) run = test_run (pipeline, 60);
  GstMessage *msg;
  const GstStructure *details;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *debug = NULL;
  guint status = 0;

  msg = test_run_assert_error (run, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_AUTHORIZED, "API key");
  details = error_details (msg);
  fail_unless (gst_structure_get_uint (details, "http-status-code", &status));
  fail_unless_equals_int (status, 401);
  fail_unless_equals_string (gst_structure_get_string (details,
          "service-code"), "invalid_api_key");

  gst_message_parse_error (msg, &error, &debug);
  fail_unless (strstr (error->message, "APIGO_API_KEY") != NULL);
  fail_if (strstr (error->message, "987654321") != NULL);
  fail_if (debug != NULL && strstr (debug, "987654321") != NULL);
  /* At once: one refused create, nothing retried. */
  fail_unless_equals_int (all_requests (emu), 1);
}

GST_END_TEST;

GST_START_TEST (test_task_failed)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_with (emu, "blocked", NULL,
      NULL);
  g_autoptr (TestRun) run = NULL;
  g_autofree gchar *id = NULL;
  GstMessage *msg;
  const GstStructure *details;

  apigo_emulator_fail_next_tasks (emu, 1);
  run = test_run (pipeline, 60);
  msg = test_run_assert_error (run, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "moderation_blocked");
  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      "The prompt was blocked by the emulator's moderation.");
  g_object_get (test_pipeline_get (pipeline, "src"), "video-id", &id, NULL);
  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      id);

  details = error_details (msg);
  fail_unless_equals_string (gst_structure_get_string (details,
          "service-code"), "moderation_blocked");
  fail_unless_equals_string (gst_structure_get_string (details, "video-id"),
      id);
  /* A failed task is never downloaded. */
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CONTENT, NULL), 0);
}

GST_END_TEST;

/* The service's own words for a request it refuses. */
GST_START_TEST (test_service_refuses)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_with (emu, "odd size", "size",
      "640x480");
  g_autoptr (TestRun) run = NULL;
  const GstStructure *details;
  GstMessage *msg;
  guint status = 0;

  g_object_set (emu, "any-size", FALSE, NULL);
  run = test_run (pipeline, 60);
  msg = test_run_assert_error (run, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "HTTP 400");
  details = error_details (msg);
  fail_unless (gst_structure_get_uint (details, "http-status-code", &status));
  fail_unless_equals_int (status, 400);
  fail_unless_equals_string (gst_structure_get_string (details,
          "service-param"), "size");
  fail_unless (gst_structure_get_string (details, "service-code") != NULL);
  /* Refused requests are not sent again. */
  fail_unless_equals_int (all_requests (emu), 1);
}

GST_END_TEST;

GST_START_TEST (test_unknown_video_id)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_with (emu, NULL, "video-id",
      "video_doesnotexist");
  g_autoptr (TestRun) run = test_run (pipeline, 60);
  GstMessage *msg;
  guint status = 0;

  msg = test_run_assert_error (run, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND, "video_doesnotexist");
  fail_unless (gst_structure_get_uint (error_details (msg),
          "http-status-code", &status));
  fail_unless_equals_int (status, 404);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 0);
}

GST_END_TEST;

GST_START_TEST (test_generation_timeout)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_with (emu, "too slow",
      "timeout", "1");
  g_autoptr (TestRun) run = NULL;
  g_autofree gchar *id = NULL;

  g_object_set (emu, "generation-time", 600.0, NULL);
  run = test_run (pipeline, 60);
  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      "Gave up waiting");
  g_object_get (test_pipeline_get (pipeline, "src"), "video-id", &id, NULL);
  /* It says which task to pick up later. */
  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      id);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 1);
}

GST_END_TEST;

static Suite *
errors_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-errors");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_missing_prompt);
  tcase_add_test (tc, test_malformed_size);
  tcase_add_test (tc, test_parameters_refused);
  tcase_add_test (tc, test_seconds_refused);
  tcase_add_test (tc, test_unreadable_input_reference);
  tcase_add_test (tc, test_input_reference_not_an_image);
  tcase_add_test (tc, test_input_reference_not_a_file);
  tcase_add_test (tc, test_no_api_key);
  tcase_add_test (tc, test_api_key_from_environment);
  tcase_add_test (tc, test_api_key_not_a_header);
  tcase_add_test (tc, test_user_agent_not_a_header);
  tcase_add_test (tc, test_api_key_trimmed);
  tcase_add_test (tc, test_bad_base_url);
  tcase_add_test (tc, test_bad_video_id);
  tcase_add_test (tc, test_wrong_key);
  tcase_add_test (tc, test_task_failed);
  tcase_add_test (tc, test_service_refuses);
  tcase_add_test (tc, test_unknown_video_id);
  tcase_add_test (tc, test_generation_timeout);
  return s;
}

GST_CHECK_MAIN (errors);
