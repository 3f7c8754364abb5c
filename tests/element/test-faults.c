/* gst-apigo: faults of the network and the service never lose a
 * generation, never pay for one twice
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"

static guint
requests_on (ApigoEmulator * emu, ApigoEmulatorRoute route)
{
  return apigo_emulator_count_requests (emu, route, NULL);
}

/* Plays @pipeline to EOS and checks the bytes out are the clip served. */
static void
play_and_compare (ApigoEmulator * emu, GstElement * pipeline)
{
  g_autoptr (TestRun) run = NULL;
  g_autofree gchar *id = NULL;
  TestCollector out;

  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 120);
  test_run_assert_eos (run);

  g_object_get (test_pipeline_get (pipeline, "src"), "video-id", &id, NULL);
  test_assert_served (emu, id, out.bytes->data, out.bytes->len);
  test_collector_clear (&out);
}

static GstElement *
pipeline_for (ApigoEmulator * emu, const gchar * prompt)
{
  return test_pipeline_new (emu, prompt, FILE_PIPELINE);
}

static void
inject (ApigoEmulator * emu, ApigoEmulatorRoute route, guint status,
    ApigoEmulatorBody body, const gchar * retry_after,
    const gchar * retry_after_ms, const gchar * should_retry, guint count)
{
  ApigoEmulatorFault fault = { route, status, body, retry_after,
    retry_after_ms, should_retry, count
  };

  apigo_emulator_inject (emu, &fault);
}

/* Every create @emu saw carried one and the same Idempotency-Key. */
static void
assert_creates_share_key (ApigoEmulator * emu)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  const gchar *key = NULL;
  guint i;

  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route != APIGO_EMULATOR_ROUTE_CREATE)
      continue;
    fail_unless (r->idempotency_key != NULL);
    if (key == NULL)
      key = r->idempotency_key;
    fail_unless_equals_string (r->idempotency_key, key);
  }
}

GST_START_TEST (test_rate_limited_create)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, "rate limited");

  inject (emu, APIGO_EMULATOR_ROUTE_CREATE, 429, APIGO_EMULATOR_BODY_JSON,
      "1", "200", NULL, 1);
  play_and_compare (emu, pipeline);
  fail_unless_equals_int (requests_on (emu, APIGO_EMULATOR_ROUTE_CREATE), 2);
  fail_unless_equals_int (test_tasks_made (emu), 1);

  /* Both attempts carried the same Idempotency-Key. */
  assert_creates_share_key (emu);
}

GST_END_TEST;

/* A proxy's HTML page or an empty body is handled like a JSON error. */
GST_START_TEST (test_proxy_errors_retried)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, "behind a proxy");

  inject (emu, APIGO_EMULATOR_ROUTE_CREATE, 502, APIGO_EMULATOR_BODY_HTML,
      NULL, "10", NULL, 1);
  inject (emu, APIGO_EMULATOR_ROUTE_RETRIEVE, 503, APIGO_EMULATOR_BODY_EMPTY,
      NULL, "10", NULL, 2);
  inject (emu, APIGO_EMULATOR_ROUTE_CONTENT, 504, APIGO_EMULATOR_BODY_HTML,
      NULL, "10", NULL, 1);
  play_and_compare (emu, pipeline);
  fail_unless_equals_int (test_tasks_made (emu), 1);
}

GST_END_TEST;

GST_START_TEST (test_should_retry_false_is_final)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, "do not retry");
  g_autoptr (TestRun) run = NULL;

  inject (emu, APIGO_EMULATOR_ROUTE_CREATE, 503, APIGO_EMULATOR_BODY_JSON,
      NULL, NULL, "false", 1);
  run = test_run (pipeline, 60);
  test_run_assert_error (run, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ, "HTTP 503");
  fail_unless_equals_int (requests_on (emu, APIGO_EMULATOR_ROUTE_CREATE), 1);
}

GST_END_TEST;

GST_START_TEST (test_should_retry_true_overrides)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, "do retry");

  inject (emu, APIGO_EMULATOR_ROUTE_CREATE, 400, APIGO_EMULATOR_BODY_JSON,
      NULL, "10", "true", 1);
  play_and_compare (emu, pipeline);
  fail_unless_equals_int (requests_on (emu, APIGO_EMULATOR_ROUTE_CREATE), 2);
}

GST_END_TEST;

/* Retries per request are bounded: a service that keeps failing fails the
 * create after retries + 1 attempts. */
GST_START_TEST (test_retries_bounded)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, "always down");
  g_autoptr (TestRun) run = NULL;

  g_object_set (test_pipeline_get (pipeline, "src"), "retries", 3, NULL);
  inject (emu, APIGO_EMULATOR_ROUTE_CREATE, 500, APIGO_EMULATOR_BODY_JSON,
      NULL, "1", NULL, 100);
  /* 500 is a gateway-ish failure: before each new try the element looks
   * for the task it may have made. */
  run = test_run (pipeline, 60);
  test_run_assert_error (run, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ, "HTTP 500");
  fail_unless_equals_int (requests_on (emu, APIGO_EMULATOR_ROUTE_CREATE), 4);
  fail_unless (requests_on (emu, APIGO_EMULATOR_ROUTE_LIST) >= 4);
  fail_unless_equals_int (test_tasks_made (emu), 0);
}

GST_END_TEST;

/* A poll is not a request the user cares about: a long run of failing
 * polls, far beyond the retry count, never ends a running generation. */
GST_START_TEST (test_flaky_polls)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, "flaky polls");

  g_object_set (emu, "generation-time", 1.0, NULL);
  inject (emu, APIGO_EMULATOR_ROUTE_RETRIEVE, 503, APIGO_EMULATOR_BODY_JSON,
      NULL, "20", NULL, 12);
  play_and_compare (emu, pipeline);
  fail_unless (requests_on (emu, APIGO_EMULATOR_ROUTE_RETRIEVE) > 12);
  fail_unless_equals_int (test_tasks_made (emu), 1);
}

GST_END_TEST;

/* Polls whose connection drops are asked again, after a backoff. */
GST_START_TEST (test_dropped_polls)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, "dropped polls");

  apigo_emulator_drop_connections (emu, APIGO_EMULATOR_ROUTE_RETRIEVE, 2);
  play_and_compare (emu, pipeline);
  fail_unless_equals_int (test_tasks_made (emu), 1);
}

GST_END_TEST;

/* The answer to a create is lost after the service made the task, and the
 * service ignores Idempotency-Key (OpenAI's does): the element finds the
 * task among the recent ones instead of paying again. */
GST_START_TEST (test_lost_create_answer)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, "lost answer");

  g_object_set (emu, "ignore-idempotency-key", TRUE, NULL);
  apigo_emulator_drop_create_answers (emu, 1);
  play_and_compare (emu, pipeline);
  fail_unless_equals_int (requests_on (emu, APIGO_EMULATOR_ROUTE_CREATE), 1);
  fail_unless (requests_on (emu, APIGO_EMULATOR_ROUTE_LIST) >= 1);
  fail_unless_equals_int (test_tasks_made (emu), 1);
}

GST_END_TEST;

/* When no task can be looked for (the list fails too), the create is sent
 * again with the same Idempotency-Key, which this service honours. */
GST_START_TEST (test_lost_create_answer_idempotent)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, "lost, keyed");

  apigo_emulator_drop_create_answers (emu, 1);
  /* The lookup's first try and its two retries. */
  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_LIST, 503, 3);
  play_and_compare (emu, pipeline);
  fail_unless_equals_int (requests_on (emu, APIGO_EMULATOR_ROUTE_CREATE), 2);
  fail_unless_equals_int (test_tasks_made (emu), 1);

  assert_creates_share_key (emu);
}

GST_END_TEST;

/* The list cannot confirm it (no prompts in it), yet lists a task that
 * may be it: sending the create again could pay twice (not every service
 * honours Idempotency-Key), taking the task could be someone else's clip.
 * The element fails, naming the task and how to attach it. */
GST_START_TEST (test_lost_create_answer_unconfirmed)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, "lost, unlisted");
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (TestRun) run = NULL;
  g_autofree gchar *advice = NULL;
  const gchar *made = NULL;
  guint i;

  g_object_set (emu, "list-without-prompt", TRUE, NULL);
  apigo_emulator_drop_create_answers (emu, 1);
  run = test_run (pipeline, 60);
  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      "cannot confirm");
  fail_unless_equals_int (requests_on (emu, APIGO_EMULATOR_ROUTE_CREATE), 1);
  fail_unless_equals_int (test_tasks_made (emu), 1);

  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CREATE)
      made = r->video_id;
  }
  advice = g_strdup_printf ("video-id=%s", made);
  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      advice);
}

GST_END_TEST;

/* A connection refused or reset before the create was read: sent again. */
GST_START_TEST (test_dropped_connection_before_create)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, "dropped");

  g_object_set (emu, "ignore-idempotency-key", TRUE, NULL);
  apigo_emulator_drop_connections (emu, APIGO_EMULATOR_ROUTE_CREATE, 1);
  play_and_compare (emu, pipeline);
  fail_unless_equals_int (test_tasks_made (emu), 1);
}

GST_END_TEST;

/* A gateway word we do not know is waited out; nothing is downloaded
 * before "completed". */
GST_START_TEST (test_unknown_status_waits)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, "not started");
  const gchar *words[] = { "NOT_START", "submitted", NULL };
  g_autoptr (GPtrArray) requests = NULL;
  gboolean seen_word = FALSE;
  guint i;

  apigo_emulator_script_next_task (emu, words, 0.5);
  play_and_compare (emu, pipeline);

  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    seen_word |= r->route == APIGO_EMULATOR_ROUTE_RETRIEVE;
    fail_if (r->route == APIGO_EMULATOR_ROUTE_CONTENT && !seen_word);
  }
  fail_unless_equals_int (requests_on (emu, APIGO_EMULATOR_ROUTE_CONTENT), 1);
}

GST_END_TEST;

static void
assert_ends_with (const gchar * const *words, const gchar * says)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, says);
  g_autoptr (TestRun) run = NULL;

  apigo_emulator_script_next_task (emu, words, 0.3);
  run = test_run (pipeline, 60);
  test_run_assert_error (run, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND, says);
  fail_unless_equals_int (requests_on (emu, APIGO_EMULATOR_ROUTE_CONTENT), 0);
}

GST_START_TEST (test_expired_and_cancelled_end)
{
  const gchar *expired[] = { "queued", "expired", NULL };
  const gchar *cancelled[] = { "cancelled", NULL };
  const gchar *canceled[] = { "in_progress", "canceled", NULL };

  assert_ends_with (expired, "\"expired\"");
  assert_ends_with (cancelled, "\"cancelled\"");
  assert_ends_with (canceled, "\"canceled\"");
}

GST_END_TEST;

/* Downloads cut in the middle resume with Range from the last byte. */
static void
cut_and_resume (gboolean ignore_range, gboolean chunked)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, "cut twice");
  g_autoptr (GPtrArray) requests = NULL;
  guint i, ranged = 0;

  g_object_set (emu, "ignore-range", ignore_range, "chunked", chunked, NULL);
  apigo_emulator_cut_download (emu, 2000, 2);
  play_and_compare (emu, pipeline);
  fail_unless_equals_int (requests_on (emu, APIGO_EMULATOR_ROUTE_CONTENT), 3);

  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CONTENT && r->range != NULL) {
      fail_unless (g_str_has_prefix (r->range, "bytes="));
      fail_unless (strcmp (r->range, "bytes=0-") != 0);
      ranged++;
    }
  }
  fail_unless_equals_int (ranged, 2);
  fail_unless_equals_int (test_tasks_made (emu), 1);
}

GST_START_TEST (test_cut_download_resumes)
{
  cut_and_resume (FALSE, FALSE);
}

GST_END_TEST;

GST_START_TEST (test_cut_download_range_ignored)
{
  cut_and_resume (TRUE, FALSE);
}

GST_END_TEST;

GST_START_TEST (test_cut_chunked_download)
{
  cut_and_resume (FALSE, TRUE);
}

GST_END_TEST;

/* A body that keeps coming short is an error: never EOS, never a clip
 * passed downstream as complete. */
GST_START_TEST (test_short_body_never_complete)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_for (emu, "always short");
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GBytes) served = NULL;
  g_autofree gchar *id = NULL;
  TestCollector out;
  guint i;

  g_object_set (test_pipeline_get (pipeline, "src"), "retries", 1, NULL);
  /* Every body cut before its first byte: no progress, ever. */
  apigo_emulator_cut_download (emu, 0, 100);
  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);
  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
      NULL);
  for (i = 0; i < run->messages->len; i++)
    fail_if (GST_MESSAGE_TYPE (g_ptr_array_index (run->messages, i)) ==
        GST_MESSAGE_EOS);

  g_object_get (test_pipeline_get (pipeline, "src"), "video-id", &id, NULL);
  served = apigo_emulator_get_content (emu, id);
  fail_unless (out.bytes->len < g_bytes_get_size (served));
  test_collector_clear (&out);
}

GST_END_TEST;

/* After the clip's expires_at, a 404 says that it expired, and when. */
GST_START_TEST (test_expired_content)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) first = pipeline_for (emu, "short lived");
  g_autoptr (GstElement) later = pipeline_for (emu, NULL);
  g_autoptr (TestRun) run1 = NULL;
  g_autoptr (TestRun) run2 = NULL;
  g_autofree gchar *id = NULL;

  run1 = test_run (first, 60);
  test_run_assert_eos (run1);
  g_object_get (test_pipeline_get (first, "src"), "video-id", &id, NULL);

  /* Only now a short life (set before the run, a slow machine such as
   * valgrind's could see it expire before the first download), then past
   * its end (expires_at is in whole seconds). */
  g_object_set (emu, "expires-in", 1.0, NULL);
  g_usleep (2500 * 1000);
  g_object_set (test_pipeline_get (later, "src"), "video-id", id, "reuse",
      FALSE, NULL);
  run2 = test_run (later, 60);
  test_run_assert_error (run2, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_FOUND, "expired at");
}

GST_END_TEST;

static Suite *
faults_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-faults");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_rate_limited_create);
  tcase_add_test (tc, test_proxy_errors_retried);
  tcase_add_test (tc, test_should_retry_false_is_final);
  tcase_add_test (tc, test_should_retry_true_overrides);
  tcase_add_test (tc, test_retries_bounded);
  tcase_add_test (tc, test_flaky_polls);
  tcase_add_test (tc, test_dropped_polls);
  tcase_add_test (tc, test_lost_create_answer);
  tcase_add_test (tc, test_lost_create_answer_idempotent);
  tcase_add_test (tc, test_lost_create_answer_unconfirmed);
  tcase_add_test (tc, test_dropped_connection_before_create);
  tcase_add_test (tc, test_unknown_status_waits);
  tcase_add_test (tc, test_expired_and_cancelled_end);
  tcase_add_test (tc, test_cut_download_resumes);
  tcase_add_test (tc, test_cut_download_range_ignored);
  tcase_add_test (tc, test_cut_chunked_download);
  tcase_add_test (tc, test_short_body_never_complete);
  tcase_add_test (tc, test_expired_content);
  return s;
}

GST_CHECK_MAIN (faults);
