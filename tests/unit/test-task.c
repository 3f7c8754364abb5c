/* gst-apigo: the task parser
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>

#include "apigo-error.h"
#include "apigo-task.h"
#include "apigo-json.h"

static ApigoTask *
parse (const gchar * json)
{
  g_autoptr (GError) error = NULL;
  ApigoTask *task = apigo_task_new_from_json (json, strlen (json), &error);

  g_assert_no_error (error);
  fail_unless (task != NULL);
  return task;
}

static void
assert_protocol_error (const gchar * json, const gchar * words)
{
  g_autoptr (GError) error = NULL;
  ApigoTask *task = apigo_task_new_from_json (json, strlen (json), &error);

  fail_unless (task == NULL, "parsed %s", json);
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_PROTOCOL);
  fail_unless (strstr (error->message, words) != NULL, "'%s' lacks '%s'",
      error->message, words);
}

GST_START_TEST (test_openai_task)
{
  g_autoptr (ApigoTask) task = parse ("{\"id\": \"video_68d7\","
      "\"object\": \"video\", \"created_at\": 1758941485,"
      "\"status\": \"completed\", \"model\": \"sora-2\", \"progress\": 100,"
      "\"seconds\": \"8\", \"size\": \"1280x720\", \"completed_at\": 1758941600,"
      "\"expires_at\": 1758945200, \"prompt\": \"a fox\","
      "\"remixed_from_video_id\": null, \"error\": null}");

  fail_unless_equals_string (task->id, "video_68d7");
  fail_unless_equals_int (task->status, APIGO_TASK_STATUS_COMPLETED);
  fail_unless_equals_string (task->status_text, "completed");
  fail_unless_equals_int (task->progress, 100);
  fail_unless_equals_int64 (task->created_at, 1758941485);
  fail_unless_equals_int64 (task->completed_at, 1758941600);
  fail_unless_equals_int64 (task->expires_at, 1758945200);
  fail_unless_equals_string (task->model, "sora-2");
  fail_unless_equals_string (task->prompt, "a fox");
  fail_unless_equals_string (task->size, "1280x720");
  fail_unless_equals_string (task->seconds, "8");
  fail_unless (task->remixed_from_video_id == NULL);
  fail_unless (task->error_code == NULL && task->error_message == NULL);
}

GST_END_TEST;

/* The page the project started from: "pending" and an error placeholder. */
GST_START_TEST (test_seed_task)
{
  g_autoptr (ApigoTask) task = parse ("{\"id\": \"video_123456789\","
      "\"object\": \"video\", \"created_at\": 1741570283,"
      "\"model\": \"sora-2\", \"status\": \"pending\", \"progress\": 50,"
      "\"seconds\": \"4\", \"size\": \"720x1280\", \"error\": {"
      "\"code\": \"<string>\", \"message\": \"<string>\","
      "\"type\": \"<string>\"}}");

  fail_unless_equals_int (task->status, APIGO_TASK_STATUS_QUEUED);
  fail_unless_equals_int (task->progress, 50);
  fail_unless_equals_int64 (task->completed_at, 0);
  fail_unless_equals_string (task->error_code, "<string>");
}

GST_END_TEST;

GST_START_TEST (test_lenient_fields)
{
  g_autoptr (ApigoTask) task = parse ("{\"id\": \"v1\", \"status\": "
      "\"in_progress\", \"progress\": 42.7, \"seconds\": 12,"
      "\"created_at\": \"1700000000\", \"completed_at\": null,"
      "\"size\": null, \"unknown\": {\"nested\": [1, 2, 3]},"
      "\"model\": 5, \"error\": \"\"}");
  g_autoptr (ApigoTask) over = parse ("{\"id\": \"v2\", \"status\": "
      "\"in_progress\", \"progress\": 250}");
  g_autoptr (ApigoTask) under = parse ("{\"id\": \"v3\", \"status\": "
      "\"queued\", \"progress\": -4}");
  g_autoptr (ApigoTask) text = parse ("{\"id\": \"v4\", \"status\": "
      "\"queued\", \"progress\": \"12\"}");
  g_autoptr (ApigoTask) absent = parse ("{\"id\": \"v5\", \"status\": "
      "\"queued\", \"progress\": \"soon\"}");

  fail_unless_equals_int (task->progress, 42);
  fail_unless_equals_string (task->seconds, "12");
  fail_unless_equals_int64 (task->created_at, 1700000000);
  fail_unless_equals_int64 (task->completed_at, 0);
  fail_unless (task->size == NULL);
  fail_unless_equals_string (task->model, "5");
  fail_unless_equals_int (over->progress, 100);
  fail_unless_equals_int (under->progress, 0);
  fail_unless_equals_int (text->progress, 12);
  fail_unless_equals_int (absent->progress, -1);
}

GST_END_TEST;

GST_START_TEST (test_failed_task)
{
  g_autoptr (ApigoTask) task = parse ("{\"id\": \"video_9\", \"status\": "
      "\"failed\", \"error\": {\"code\": \"moderation_blocked\", "
      "\"message\": \"Blocked by moderation.\", \"type\": "
      "\"invalid_request_error\", \"param\": null}}");
  g_autoptr (ApigoTask) plain = parse ("{\"id\": \"video_10\", \"status\": "
      "\"failed\", \"error\": \"capacity exceeded\"}");

  fail_unless_equals_int (task->status, APIGO_TASK_STATUS_FAILED);
  fail_unless_equals_string (task->error_code, "moderation_blocked");
  fail_unless_equals_string (task->error_message, "Blocked by moderation.");
  fail_unless_equals_string (task->error_type, "invalid_request_error");
  fail_unless (task->error_param == NULL);
  fail_unless_equals_string (plain->error_message, "capacity exceeded");
}

GST_END_TEST;

/* What is shown of a task is tidied; what is compared with a request is
 * not. */
GST_START_TEST (test_shown_fields_tidied)
{
  g_autoptr (ApigoTask) task = parse ("{\"id\": \"video_11\", \"status\": "
      "\"fail\\u001b[2Jed\", \"prompt\": \"two\\nlines\", \"error\": "
      "{\"code\": \"blocked\\r\\n\", \"message\": \"No\\u001b]0;pwned\\u0007 "
      "\\u001b[31mway\\u001b[0m\\n\\nX-Forged: 1\", \"type\": \"t\\u0085t\", "
      "\"param\": \"\\u001b[2J\"}}");

  fail_unless_equals_string (task->status_text, "failed");
  fail_unless_equals_int (task->status, APIGO_TASK_STATUS_FAILED);
  fail_unless_equals_string (task->error_code, "blocked");
  fail_unless_equals_string (task->error_message, "No way X-Forged: 1");
  fail_unless_equals_string (task->error_type, "t t");
  fail_unless (task->error_param == NULL);
  fail_unless_equals_string (task->prompt, "two\nlines");
}

GST_END_TEST;

GST_START_TEST (test_status_words)
{
  fail_unless_equals_int (apigo_task_status_from_string ("queued"),
      APIGO_TASK_STATUS_QUEUED);
  fail_unless_equals_int (apigo_task_status_from_string ("pending"),
      APIGO_TASK_STATUS_QUEUED);
  fail_unless_equals_int (apigo_task_status_from_string ("IN_PROGRESS"),
      APIGO_TASK_STATUS_IN_PROGRESS);
  fail_unless_equals_int (apigo_task_status_from_string ("Completed"),
      APIGO_TASK_STATUS_COMPLETED);
  fail_unless_equals_int (apigo_task_status_from_string ("expired"),
      APIGO_TASK_STATUS_EXPIRED);
  fail_unless_equals_int (apigo_task_status_from_string ("cancelled"),
      APIGO_TASK_STATUS_CANCELLED);
  fail_unless_equals_int (apigo_task_status_from_string ("canceled"),
      APIGO_TASK_STATUS_CANCELLED);
  fail_unless_equals_int (apigo_task_status_from_string ("NOT_START"),
      APIGO_TASK_STATUS_UNKNOWN);
  fail_unless_equals_int (apigo_task_status_from_string (NULL),
      APIGO_TASK_STATUS_UNKNOWN);

  fail_unless (apigo_task_status_is_final (APIGO_TASK_STATUS_COMPLETED));
  fail_unless (apigo_task_status_is_final (APIGO_TASK_STATUS_CANCELLED));
  fail_if (apigo_task_status_is_final (APIGO_TASK_STATUS_UNKNOWN));
  fail_if (apigo_task_status_is_final (APIGO_TASK_STATUS_QUEUED));
}

GST_END_TEST;

GST_START_TEST (test_unusable_answers)
{
  assert_protocol_error ("<html>502</html>", "not valid JSON");
  assert_protocol_error ("", "empty answer");
  assert_protocol_error ("[1, 2]", "not a video task");
  assert_protocol_error ("{\"status\": \"queued\"}", "no usable video id");
  assert_protocol_error ("{\"id\": null, \"status\": \"queued\"}",
      "no usable video id");
  assert_protocol_error ("{\"id\": \"../../etc\", \"status\": \"queued\"}",
      "no usable video id");
  assert_protocol_error ("{\"id\": \"v/1\", \"status\": \"queued\"}",
      "no usable video id");
  assert_protocol_error ("{\"id\": \"video_1\"}", "no status");
  assert_protocol_error ("{\"id\": \"video_1\", \"status\": \"\"}",
      "no status");
}

GST_END_TEST;

GST_START_TEST (test_id_rules)
{
  g_autofree gchar *long_id = g_strnfill (257, 'a');

  fail_unless (apigo_task_id_is_valid ("video_68d7512d07848190"));
  fail_unless (apigo_task_id_is_valid ("task-1.2:3~x"));
  fail_if (apigo_task_id_is_valid (NULL));
  fail_if (apigo_task_id_is_valid (""));
  fail_if (apigo_task_id_is_valid ("."));
  fail_if (apigo_task_id_is_valid (".."));
  fail_if (apigo_task_id_is_valid ("a/b"));
  fail_if (apigo_task_id_is_valid ("a?b"));
  fail_if (apigo_task_id_is_valid ("a b"));
  fail_if (apigo_task_id_is_valid ("a%2Fb"));
  fail_if (apigo_task_id_is_valid (long_id));
}

GST_END_TEST;

/* OpenRouter's job: a string error, and what it cost once done. */
GST_START_TEST (test_openrouter_job)
{
  g_autoptr (ApigoTask) done = parse ("{\"id\": \"job-abc123\","
      "\"generation_id\": \"gen-xyz789\","
      "\"polling_url\": \"/api/v1/videos/job-abc123\","
      "\"status\": \"completed\", \"unsigned_urls\": [\"https://"
      "openrouter.ai/api/v1/videos/job-abc123/content?index=0\"],"
      "\"usage\": {\"cost\": 0.5, \"is_byok\": false}}");
  g_autoptr (ApigoTask) whole = parse ("{\"id\": \"j2\", \"status\": "
      "\"completed\", \"usage\": {\"cost\": 2}}");
  g_autoptr (ApigoTask) unknown = parse ("{\"id\": \"j3\", \"status\": "
      "\"pending\", \"usage\": {\"cost\": null}}");
  g_autoptr (ApigoTask) odd = parse ("{\"id\": \"j4\", \"status\": "
      "\"completed\", \"usage\": {\"cost\": -1}}");
  g_autoptr (ApigoTask) text = parse ("{\"id\": \"j5\", \"status\": "
      "\"completed\", \"usage\": {\"cost\": \"0.5\"}}");
  g_autoptr (ApigoTask) failed = parse ("{\"id\": \"j6\", \"status\": "
      "\"failed\", \"error\": \"Content policy violation\"}");

  fail_unless_equals_int (done->status, APIGO_TASK_STATUS_COMPLETED);
  fail_unless (done->has_cost);
  fail_unless (done->cost == 0.5);
  fail_unless (whole->has_cost);
  fail_unless (whole->cost == 2.0);
  fail_unless_equals_int (unknown->status, APIGO_TASK_STATUS_QUEUED);
  fail_if (unknown->has_cost);
  fail_if (odd->has_cost);
  fail_if (text->has_cost);
  fail_unless_equals_int (failed->status, APIGO_TASK_STATUS_FAILED);
  fail_unless_equals_string (failed->error_message,
      "Content policy violation");
}

GST_END_TEST;

/* What is no believable cost never shows as one (nor as 0): huge, out of
 * range, a word, an object; a cost of 0 is one. */
GST_START_TEST (test_cost_hostile)
{
  const gchar *not_costs[] = {
    "1e300", "1e999", "-1e999", "1000001", "9223372036854775807", "-0.01",
    "\"NaN\"", "\"Infinity\"", "true", "{\"usd\": 1}", "[1]", "null",
  };
  g_autoptr (ApigoTask) zero = parse ("{\"id\": \"j1\", \"status\": "
      "\"completed\", \"usage\": {\"cost\": 0}}");
  g_autoptr (ApigoTask) flat = parse ("{\"id\": \"j2\", \"status\": "
      "\"completed\", \"usage\": 0.5, \"cost\": 0.5}");
  guint i;

  fail_unless (zero->has_cost);
  fail_unless (zero->cost == 0.0);
  fail_if (flat->has_cost);
  for (i = 0; i < G_N_ELEMENTS (not_costs); i++) {
    g_autofree gchar *json = g_strdup_printf ("{\"id\": \"j3\", "
        "\"status\": \"completed\", \"usage\": {\"cost\": %s}}",
        not_costs[i]);
    g_autoptr (GError) error = NULL;
    g_autoptr (ApigoTask) task = apigo_task_new_from_json (json, strlen (json),
        &error);

    /* The task is good: only its cost is not. */
    fail_unless (task != NULL, "%s: %s", not_costs[i], error ?
        error->message : "");
    fail_if (task->has_cost, "%s taken for a cost (%g)", not_costs[i],
        task->cost);
  }
}

GST_END_TEST;

GST_START_TEST (test_copy)
{
  g_autoptr (ApigoTask) task = parse ("{\"id\": \"v1\", \"status\": "
      "\"failed\", \"prompt\": \"p\", \"error\": {\"code\": \"c\"}}");
  g_autoptr (ApigoTask) copy = apigo_task_copy (task);

  fail_unless (copy->id != task->id);
  fail_unless_equals_string (copy->id, "v1");
  fail_unless_equals_string (copy->prompt, "p");
  fail_unless_equals_string (copy->error_code, "c");
  fail_unless_equals_int (copy->status, APIGO_TASK_STATUS_FAILED);
}

GST_END_TEST;

/* What json-glib must not be given (found by fuzzing): each would crash
 * it, overflow its stack or leak. */
GST_START_TEST (test_hostile_json)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *deep = g_strnfill (200000, '[');
  g_autofree gchar *just_deep = NULL;
  GString *many = g_string_new (NULL);
  guint i;

  fail_if (apigo_task_new_from_json (NULL, 0, &error));
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_PROTOCOL);
  g_clear_error (&error);

  fail_if (apigo_task_new_from_json (deep, strlen (deep), &error));
  fail_unless (strstr (error->message, "nested too deep") != NULL);
  g_clear_error (&error);

  /* 64 levels are fine, 65 are not. */
  just_deep = g_strnfill (130, '[');
  memset (just_deep + 64, ']', 64);
  just_deep[128] = '\0';
  fail_unless (apigo_json_precheck (just_deep, 128, NULL));
  memset (just_deep + 65, ']', 65);
  just_deep[130] = '\0';
  fail_if (apigo_json_precheck (just_deep, 130, NULL));

  for (i = 0; i < 100; i++)
    g_string_append (many, "{\"id\": \"video_1\", \"status\": \"queued\"}");
  fail_if (apigo_task_new_from_json (many->str, many->len, &error));
  fail_unless (strstr (error->message, "more than one") != NULL);
  g_clear_error (&error);
  g_string_free (many, TRUE);

  assert_protocol_error ("{\"id\": \"v\", \"status\": \"\\ud800\\u0041\"}",
      "lone surrogate");
  assert_protocol_error ("{\"id\": \"v\", \"status\": \"\\udc00\"}",
      "broken");
  assert_protocol_error ("{\"id\": \"v\", \"status\": \"\\u12\"}",
      "broken");
  assert_protocol_error ("{\"id\": \"v\", \"status\": \"queued\"} x",
      "more than one");
  assert_protocol_error ("{\"id\": \"v\", \"status\": \"queued\"",
      "unfinished");
  assert_protocol_error ("{\"id\": \"v\\\", \"status\": 1}", "unfinished");
  assert_protocol_error ("{\"id\": \"v\xff\", \"status\": \"q\"}",
      "not UTF-8");
  assert_protocol_error ("1{\"id\": \"v\", \"status\": \"q\"}",
      "not a JSON object");

  /* A well-formed pair is fine. */
  {
    const gchar *ok = "{\"id\": \"v\", \"status\": \"\\ud83d\\ude00\"}";
    g_autoptr (ApigoTask) task = parse (ok);

    fail_unless (g_utf8_validate (task->status_text, -1, NULL));
  }
}

GST_END_TEST;

static Suite *
task_suite (void)
{
  Suite *s = suite_create ("apigo-task");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_openai_task);
  tcase_add_test (tc, test_seed_task);
  tcase_add_test (tc, test_lenient_fields);
  tcase_add_test (tc, test_failed_task);
  tcase_add_test (tc, test_shown_fields_tidied);
  tcase_add_test (tc, test_status_words);
  tcase_add_test (tc, test_unusable_answers);
  tcase_add_test (tc, test_id_rules);
  tcase_add_test (tc, test_openrouter_job);
  tcase_add_test (tc, test_cost_hostile);
  tcase_add_test (tc, test_copy);
  tcase_add_test (tc, test_hostile_json);
  return s;
}

GST_CHECK_MAIN (task);
