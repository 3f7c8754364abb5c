/* gst-apigo: the spend guard (docs/spending.md): budgets every element of
 * every process respects, the switch for URIs, the application's word
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"
#include "apigo-spend.h"

#include <string.h>

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"

/* What the suite's environment had, put back after each test (under
 * valgrind, tests share one process). */
static const gchar *const env_names[] = { "XDG_STATE_HOME", "XDG_CONFIG_HOME",
  "APIGO_BUDGET"
};

static gchar *env_saved[G_N_ELEMENTS (env_names)];

static void
save_env (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (env_names); i++)
    env_saved[i] = g_strdup (g_getenv (env_names[i]));
}

static void
restore_env (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (env_names); i++) {
    if (env_saved[i] != NULL)
      g_setenv (env_names[i], env_saved[i], TRUE);
    else
      g_unsetenv (env_names[i]);
    g_clear_pointer (&env_saved[i], g_free);
  }
}

/* Each test counts in a ledger of its own. */
static void
use_own_ledger (void)
{
  g_autofree gchar *state = g_build_filename (test_tmp_dir (), "state", NULL);

  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("APIGO_BUDGET", "", TRUE);
}

static guint
creates (ApigoEmulator * emu)
{
  return apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_CREATE,
      NULL);
}

static ApigoSpendTotal
spent_today (void)
{
  g_autofree gchar *dir = apigo_spend_default_dir ();
  g_autoptr (GError) error = NULL;
  ApigoSpendReport r;
  ApigoSpendTotal today;

  fail_unless (apigo_spend_report (dir, 0, &r, &error));
  today = r.total[APIGO_PERIOD_DAY];
  apigo_spend_report_clear (&r);
  return today;
}

static TestRun *
run_prompt (ApigoEmulator * emu, const gchar * prompt, const gchar * budget)
{
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, prompt,
      FILE_PIPELINE);

  if (budget != NULL)
    g_object_set (test_pipeline_get (pipeline, "src"), "budget", budget,
        NULL);
  return test_run (pipeline, 60);
}

GST_START_TEST (test_generations_budget)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (TestRun) first = NULL, second = NULL, replay = NULL;
  g_autoptr (GstElement) attach = NULL;
  g_autoptr (GByteArray) attached = NULL;
  g_autofree gchar *id = NULL;

  use_own_ledger ();
  first = run_prompt (emu, "a budgeted kite", "generations-per-day=1");
  test_run_assert_eos (first);
  fail_unless_equals_int (creates (emu), 1);
  id = test_only_task (emu);

  second = run_prompt (emu, "one kite too many", "generations-per-day=1");
  test_run_assert_error (second, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "The budget allows 1 generation per day "
      "(generations-per-day, set in the budget property); 1 generation "
      "was spent this day");
  fail_unless (test_run_saw (second, GST_MESSAGE_ERROR, "Nothing was sent"));
  fail_unless_equals_int (creates (emu), 1);

  /* Replays and attaches cost nothing and are never refused. */
  replay = run_prompt (emu, "a budgeted kite", "generations-per-day=1");
  test_run_assert_eos (replay);
  attach = test_pipeline_new (emu, NULL, FILE_PIPELINE);
  g_object_set (test_pipeline_get (attach, "src"), "video-id", id, "reuse",
      FALSE, "budget", "generations-per-day=0", NULL);
  attached = test_play (attach, NULL);
  fail_unless (attached->len > 0);
  fail_unless_equals_int (creates (emu), 1);
  fail_unless_equals_int (spent_today ().generations, 1);
}

GST_END_TEST;

/* A 12 s clip counts as 12 against a budget in seconds, set in the
 * environment. */
GST_START_TEST (test_seconds_budget)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (TestRun) twelve = NULL, more = NULL;

  use_own_ledger ();
  g_setenv ("APIGO_BUDGET", "seconds-per-day=12", TRUE);
  pipeline = test_pipeline_new (emu, "twelve seconds of sea", FILE_PIPELINE);
  g_object_set (test_pipeline_get (pipeline, "src"), "seconds", 12, "size",
      "160x96", NULL);
  twelve = test_run (pipeline, 120);
  test_run_assert_eos (twelve);
  fail_unless_equals_float (spent_today ().seconds, 12);

  more = run_prompt (emu, "one more second", NULL);
  test_run_assert_error (more, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      "12 seconds of video were spent this day and this generate asks for "
      "1 more");
  fail_unless (test_run_saw (more, GST_MESSAGE_ERROR, "APIGO_BUDGET"));
  fail_unless_equals_int (creates (emu), 1);
}

GST_END_TEST;

/* Remixes and extensions are creates too: counted, and refused when the
 * budget is spent. */
GST_START_TEST (test_derived_creates_counted)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (TestRun) first = NULL, remixed = NULL, extended = NULL;
  g_autoptr (GstElement) remix = NULL, extend = NULL;
  g_autofree gchar *id = NULL;

  use_own_ledger ();
  first = run_prompt (emu, "a kite to remix", "generations-per-day=2");
  test_run_assert_eos (first);
  id = test_only_task (emu);

  remix = test_pipeline_new (emu, "the kite in red", FILE_PIPELINE);
  g_object_set (test_pipeline_get (remix, "src"), "remix", id, "budget",
      "generations-per-day=2", NULL);
  remixed = test_run (remix, 60);
  test_run_assert_eos (remixed);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_REMIX, NULL), 1);

  extend = test_pipeline_new (emu, "the kite flies on", FILE_PIPELINE);
  g_object_set (test_pipeline_get (extend, "src"), "extend", id, "budget",
      "generations-per-day=2", NULL);
  extended = test_run (extend, 60);
  test_run_assert_error (extended, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "The budget allows 2 generations per day");
  fail_unless (test_run_saw (extended, GST_MESSAGE_ERROR, "2 generations "
          "were spent this day"));
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_EXTEND, NULL), 0);
  fail_unless_equals_int (spent_today ().generations, 2);
}

GST_END_TEST;

/* Money limits go by the cost the service reported: the create that
 * reaches the limit is made, the next is refused. */
GST_START_TEST (test_dollars_budget)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (TestRun) first = NULL, second = NULL, third = NULL;
  ApigoSpendTotal today;

  use_own_ledger ();
  g_object_set (emu, "cost-per-second", 0.5, NULL);
  first = run_prompt (emu, "half a dollar", "dollars-per-day=0.75");
  test_run_assert_eos (first);
  second = run_prompt (emu, "another half", "dollars-per-day=0.75");
  test_run_assert_eos (second);
  today = spent_today ();
  fail_unless_equals_float (today.dollars, 1.0);
  fail_unless_equals_int (today.costs_unknown, 0);

  third = run_prompt (emu, "over the limit", "dollars-per-day=0.75");
  test_run_assert_error (third, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      "The budget allows $0.75 per day (dollars-per-day, set in the budget "
      "property); $1.00 was spent this day");
  fail_unless_equals_int (creates (emu), 2);
}

GST_END_TEST;

/* A create tried again after a 503 and after a lost answer is one
 * generation; one the service refused is none. */
GST_START_TEST (test_retries_count_once)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (TestRun) retried = NULL, refused = NULL, again = NULL;

  use_own_ledger ();
  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_CREATE, 503, 1);
  apigo_emulator_drop_create_answers (emu, 1);
  retried = run_prompt (emu, "tried thrice", "generations-per-day=2");
  test_run_assert_eos (retried);
  fail_unless_equals_int (test_tasks_made (emu), 1);
  fail_unless_equals_int (spent_today ().generations, 1);

  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_CREATE, 400, 1);
  refused = run_prompt (emu, "refused by the service",
      "generations-per-day=2");
  test_run_assert_error (refused, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, NULL);
  fail_unless_equals_int (spent_today ().generations, 1);

  again = run_prompt (emu, "refused by the service",
      "generations-per-day=2");
  test_run_assert_eos (again);
  fail_unless_equals_int (test_tasks_made (emu), 2);
  fail_unless_equals_int (spent_today ().generations, 2);
}

GST_END_TEST;

static void
on_source_setup (GstElement * bin, GstElement * source, gpointer user_data)
{
  g_autofree gchar *cache = g_build_filename (test_tmp_dir (), "cache",
      NULL);

  g_object_set (source, "cache-dir", cache, "poll-interval", 100, NULL);
}

static TestRun *
run_uri (ApigoEmulator * emu, const gchar * uri)
{
  g_autofree gchar *description = g_strdup_printf ("uridecodebin name=dec "
      "uri=%s ! fakesink", uri);
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GError) error = NULL;
  TestRun *run;

  g_setenv ("APIGO_BASE_URL", apigo_emulator_get_base_url (emu), TRUE);
  g_setenv ("APIGO_API_KEY", TEST_API_KEY, TRUE);
  pipeline = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  g_signal_connect (test_pipeline_get (pipeline, "dec"), "source-setup",
      G_CALLBACK (on_source_setup), NULL);
  run = test_run (pipeline, 60);
  g_unsetenv ("APIGO_BASE_URL");
  g_unsetenv ("APIGO_API_KEY");
  return run;
}

/* uri-generation=off: a URI replays or attaches, never creates. */
GST_START_TEST (test_uri_switch)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (TestRun) refused = NULL, made = NULL, replayed = NULL;
  g_autoptr (TestRun) attached = NULL;
  g_autofree gchar *id = NULL, *video_uri = NULL;
  g_autofree gchar *config = g_build_filename (test_tmp_dir (), "config",
      NULL);
  g_autofree gchar *file = g_build_filename (config, "gst-apigo",
      "budget.conf", NULL);
  g_autofree gchar *dirname = g_path_get_dirname (file);
  const gchar *uri = "apigo://generate?prompt=switched&size=320x180&seconds=1";

  use_own_ledger ();
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  fail_unless (g_mkdir_with_parents (dirname, 0700) == 0);
  fail_unless (g_file_set_contents (file, "[budget]\nuri-generation = off\n",
          -1, NULL));

  refused = run_uri (emu, uri);
  test_run_assert_error (refused, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "Generation from apigo:// URIs is off");
  fail_unless (test_run_saw (refused, GST_MESSAGE_ERROR, file));
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);

  /* The application itself may still generate it... */
  made = run_prompt (emu, "switched", NULL);
  test_run_assert_eos (made);
  id = test_only_task (emu);
  /* ...and then the URI plays the kept clip, or the task by its id. */
  replayed = run_uri (emu, uri);
  test_run_assert_eos (replayed);
  video_uri = g_strdup_printf ("apigo://video/%s", id);
  attached = run_uri (emu, video_uri);
  test_run_assert_eos (attached);
  fail_unless_equals_int (creates (emu), 1);
}

GST_END_TEST;

typedef struct
{
  gboolean allow;               /* the answer */
  gboolean answer;              /* FALSE: never answer */
  guint asked;
  gchar *prompt, *kind, *model;
} Asked;

static GstBusSyncReply
on_sync_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Asked *asked = user_data;
  const GstStructure *s = gst_message_get_structure (msg);
  GstPromise *promise = NULL;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT
      || !gst_structure_has_name (s, "apigo-create-request"))
    return GST_BUS_PASS;
  g_atomic_int_inc (&asked->asked);
  g_free (asked->prompt);
  asked->prompt = g_strdup (gst_structure_get_string (s, "prompt"));
  g_free (asked->kind);
  asked->kind = g_strdup (gst_structure_get_string (s, "kind"));
  g_free (asked->model);
  asked->model = g_strdup (gst_structure_get_string (s, "model"));
  fail_if (gst_structure_has_field (s, "api-key"));
  fail_unless (gst_structure_get (s, "promise", GST_TYPE_PROMISE, &promise,
          NULL));
  if (asked->answer)
    gst_promise_reply (promise, gst_structure_new ("apigo-create-answer",
            "allow", G_TYPE_BOOLEAN, asked->allow, "reason", G_TYPE_STRING,
            "the show's budget is spent", NULL));
  gst_promise_unref (promise);
  return GST_BUS_PASS;
}

static TestRun *
run_asking (ApigoEmulator * emu, const gchar * prompt, Asked * asked)
{
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, prompt,
      FILE_PIPELINE);
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);

  g_object_set (test_pipeline_get (pipeline, "src"), "ask-application",
      TRUE, NULL);
  gst_bus_set_sync_handler (bus, on_sync_message, asked, NULL);
  return test_run (pipeline, 60);
}

GST_START_TEST (test_application_decides)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (TestRun) denied = NULL, allowed = NULL;
  Asked asked = { FALSE, TRUE, 0 };

  use_own_ledger ();
  denied = run_asking (emu, "a vetoed fireworks show", &asked);
  test_run_assert_error (denied, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "The application did not allow this "
      "generate: the show's budget is spent");
  fail_unless_equals_int (asked.asked, 1);
  fail_unless_equals_string (asked.prompt, "a vetoed fireworks show");
  fail_unless_equals_string (asked.kind, "generate");
  fail_unless_equals_string (asked.model, "sora-2");
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
  fail_unless_equals_int (spent_today ().generations, 0);

  asked.allow = TRUE;
  allowed = run_asking (emu, "a vetoed fireworks show", &asked);
  test_run_assert_eos (allowed);
  fail_unless_equals_int (asked.asked, 2);
  fail_unless_equals_int (creates (emu), 1);
  fail_unless_equals_int (spent_today ().generations, 1);
  g_free (asked.prompt);
  g_free (asked.kind);
  g_free (asked.model);
}

GST_END_TEST;

/* An application that never answers does not hold a stop. */
GST_START_TEST (test_unanswered_stop)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "never answered",
      FILE_PIPELINE);
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  Asked asked = { FALSE, FALSE, 0 };

  use_own_ledger ();
  g_object_set (test_pipeline_get (pipeline, "src"), "ask-application",
      TRUE, NULL);
  gst_bus_set_sync_handler (bus, on_sync_message, &asked, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  test_wait_until (g_atomic_int_get (&asked.asked) == 1, 30);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
  g_free (asked.prompt);
  g_free (asked.kind);
  g_free (asked.model);
}

GST_END_TEST;

/* Processes racing against a budget of fewer generations: exactly that
 * many creates, and clear errors for the others.  Each plays its pipeline
 * with play-pipeline, not gst-launch-1.0: gst-launch-1.0 1.22 misses an
 * error posted before its main loop runs, as a refusal that sends nothing
 * can be on a busy machine, and then waits for ever (docs/spending.md). */
GST_START_TEST (test_processes_race)
{
  const guint n = 4, allowed = 2;
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
      G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GPtrArray) procs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree gchar *cache = g_build_filename (test_tmp_dir (), "cache", NULL);
  g_autofree gchar *limit = g_strdup_printf ("%u", test_timeout (60));
  g_autoptr (GError) error = NULL;
  guint i, ok = 0, refused = 0;

  use_own_ledger ();
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME",
      g_getenv ("XDG_STATE_HOME"), TRUE);
  g_subprocess_launcher_setenv (launcher, "APIGO_API_KEY", TEST_API_KEY,
      TRUE);
  g_subprocess_launcher_setenv (launcher, "APIGO_BUDGET",
      "generations-per-month=2", TRUE);
  for (i = 0; i < n; i++) {
    g_autofree gchar *prompt = g_strdup_printf ("prompt=racer %u", i);
    g_autofree gchar *base = g_strdup_printf ("base-url=%s",
        apigo_emulator_get_base_url (emu));
    g_autofree gchar *dir = g_strdup_printf ("cache-dir=%s", cache);
    /* Bounded, and not quiet: a run that never ends shows where it was. */
    GSubprocess *p = g_subprocess_launcher_spawn (launcher, &error,
        "timeout", limit, PLAY_PIPELINE, "apigovideosrc", prompt, base,
        dir, "size=160x96", "seconds=1", "poll-interval=100", "!",
        "fakesink", NULL);

    g_assert_no_error (error);
    g_ptr_array_add (procs, p);
  }
  for (i = 0; i < n; i++) {
    GSubprocess *p = g_ptr_array_index (procs, i);
    g_autofree gchar *out = NULL;

    fail_unless (g_subprocess_communicate_utf8 (p, NULL, NULL, &out, NULL,
            &error));
    g_assert_no_error (error);
    fail_unless (g_subprocess_get_exit_status (p) != 124,
        "the pipeline did not end:\n%s", out);
    if (g_subprocess_get_exit_status (p) == 0) {
      ok++;
    } else {
      fail_unless (strstr (out, "The budget allows 2 generations per month")
          != NULL, "%s", out);
      refused++;
    }
  }
  fail_unless_equals_int (ok, allowed);
  fail_unless_equals_int (refused, n - allowed);
  fail_unless_equals_int (creates (emu), allowed);
  fail_unless_equals_int (spent_today ().generations, allowed);
}

GST_END_TEST;

static Suite *
spend_suite (void)
{
  Suite *s = suite_create ("spend");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, save_env, restore_env);
  test_add_fixtures (tc);
  tcase_set_timeout (tc, test_timeout (180));
  tcase_add_test (tc, test_generations_budget);
  tcase_add_test (tc, test_seconds_budget);
  tcase_add_test (tc, test_dollars_budget);
  tcase_add_test (tc, test_derived_creates_counted);
  tcase_add_test (tc, test_retries_count_once);
  tcase_add_test (tc, test_uri_switch);
  tcase_add_test (tc, test_application_decides);
  tcase_add_test (tc, test_unanswered_stop);
  tcase_add_test (tc, test_processes_race);
  return s;
}

GST_CHECK_MAIN (spend);
