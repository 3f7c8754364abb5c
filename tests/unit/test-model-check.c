/* gst-apigo: model-check in a job, per dialect, against the emulator
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Dialect openrouter is set in the job's settings directly: auto reads
 * the list there (GET {base}/videos/models) and nowhere else.  Only the
 * requests before and at the create are looked at.
 */

#include <gst/check/gstcheck.h>

#include "apigo-emulator.h"
#include "apigo-job.h"
#include "apigo-models.h"
#include "test-tree.h"

#define KEY "sk-model-check-test-never-shown"

static ApigoEmulator *emu;
static gchar *dir;

static void
setup (void)
{
  g_autoptr (GError) error = NULL;

  dir = g_dir_make_tmp ("apigo-model-check-XXXXXX", &error);
  g_assert_no_error (error);
  emu = apigo_emulator_new ();
  g_object_set (emu, "api-key", KEY, "any-size", TRUE, "audio", FALSE,
      "generation-time", 0.3, NULL);
  fail_unless (apigo_emulator_start (emu, 0, &error), "%s",
      error ? error->message : "");
}

static void
teardown (void)
{
  apigo_emulator_stop (emu);
  g_clear_object (&emu);
  test_remove_tree (dir);
  g_clear_pointer (&dir, g_free);
}

static void
on_phase (ApigoJob * job, ApigoJobPhase phase, const GError * error,
    gpointer user_data)
{
  GError **out = user_data;

  if (phase == APIGO_JOB_PHASE_FAILED && *out == NULL)
    *out = g_error_copy (error);
}

/* Runs a job for @model, @seconds in @dialect with @check; the error it
 * ended with, or NULL. */
static GError *
run_job (ApigoDialect dialect, ApigoModelCheck check, const gchar * model,
    const gchar * seconds)
{
  ApigoJobSettings s = {
    .base_url = (gchar *) apigo_emulator_get_base_url (emu),
    .model = (gchar *) model,.prompt = "a lighthouse",.size = "320x180",
    .seconds = (gchar *) seconds,.dialect = dialect,.api_key = KEY,
    .user_agent = "test",.retries = 0,.poll_interval_ms = 100,
    .timeout_s = 60,.cache_dir = dir,.reuse = FALSE,.model_check = check,
  };
  ApigoJobCallbacks callbacks = {.phase_changed = on_phase };
  g_autoptr (GError) error = NULL;
  GError *failed = NULL;
  ApigoJob *job = apigo_job_new (&s, &callbacks, &failed, &error);

  g_assert_no_error (error);
  apigo_job_start (job, &s);
  fail_unless (apigo_job_wait (job, NULL));
  apigo_job_stop (job);
  apigo_job_unref (job);
  return failed;
}

static guint
count (ApigoEmulatorRoute route)
{
  return apigo_emulator_count_requests (emu, route, NULL);
}

/* openrouter, auto: the list is read, and what it refuses is not sent. */
GST_START_TEST (test_openrouter_auto_refuses)
{
  g_autoptr (GError) error = run_job (APIGO_DIALECT_OPENROUTER,
      APIGO_MODEL_CHECK_AUTO, "veo-3", "5");
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  const ApigoEmulatorRequest *r;

  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING);
  fail_unless (strstr (error->message, "seconds=5") != NULL
      && strstr (error->message, "4, 6 or 8") != NULL, "%s", error->message);
  fail_unless_equals_int (count (APIGO_EMULATOR_ROUTE_CREATE), 0);
  fail_unless_equals_int (requests->len, 1);
  r = g_ptr_array_index (requests, 0);
  fail_unless_equals_string (r->path, "/v1/videos/models");
}

GST_END_TEST;

/* openrouter, auto, no list to read: the service decides (the create is
 * sent). */
GST_START_TEST (test_openrouter_auto_without_list)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  const ApigoEmulatorRequest *r;

  g_object_set (emu, "models", FALSE, NULL);
  error = run_job (APIGO_DIALECT_OPENROUTER, APIGO_MODEL_CHECK_AUTO,
      "veo-3", "5");
  requests = apigo_emulator_get_requests (emu);
  fail_unless (requests->len >= 2);
  r = g_ptr_array_index (requests, 0);
  fail_unless_equals_string (r->path, "/v1/videos/models");
  fail_unless_equals_int (r->status, 404);
  r = g_ptr_array_index (requests, 1);
  fail_unless_equals_int (r->route, APIGO_EMULATOR_ROUTE_CREATE);
  fail_unless_equals_int (count (APIGO_EMULATOR_ROUTE_MODELS), 1);
}

GST_END_TEST;

/* never, and auto in the dialects whose /models states nothing: no list
 * is asked for. */
GST_START_TEST (test_no_list_asked)
{
  g_autoptr (GError) never = run_job (APIGO_DIALECT_OPENROUTER,
      APIGO_MODEL_CHECK_NEVER, "veo-3", "5");
  g_autoptr (GError) openai = run_job (APIGO_DIALECT_OPENAI,
      APIGO_MODEL_CHECK_AUTO, "veo-3", "5");

  fail_unless_equals_int (count (APIGO_EMULATOR_ROUTE_MODELS), 0);
  fail_unless_equals_int (count (APIGO_EMULATOR_ROUTE_CREATE), 2);
  g_assert_no_error (openai);
}

GST_END_TEST;

static Suite *
model_check_suite (void)
{
  Suite *s = suite_create ("apigo-model-check");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, setup, teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_openrouter_auto_refuses);
  tcase_add_test (tc, test_openrouter_auto_without_list);
  tcase_add_test (tc, test_no_list_asked);
  return s;
}

GST_CHECK_MAIN (model_check);
