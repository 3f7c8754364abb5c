/* gst-apigo: what a generation cost, as the service says it, on the bus
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#define PIPELINE "apigovideosrc name=src ! decodebin ! fakesink name=sink"

/* The apigo-status structure of @msg, or NULL. */
static const GstStructure *
status_of (GstMessage * msg)
{
  const GstStructure *s;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT)
    return NULL;
  s = gst_message_get_structure (msg);
  return gst_structure_has_name (s, "apigo-status") ? s : NULL;
}

/* The last apigo-status of @run, which must be "done". */
static const GstStructure *
done_status (TestRun * run)
{
  const GstStructure *last = NULL;
  guint i;

  for (i = 0; i < run->messages->len; i++) {
    const GstStructure *s = status_of (g_ptr_array_index (run->messages, i));

    if (s != NULL)
      last = s;
  }
  fail_unless (last != NULL, "no apigo-status");
  fail_unless_equals_string (gst_structure_get_string (last, "phase"),
      "done");
  return last;
}

/* How many apigo-status messages of @run have @field. */
static guint
count_with (TestRun * run, const gchar * field)
{
  guint i, n = 0;

  for (i = 0; i < run->messages->len; i++) {
    const GstStructure *s = status_of (g_ptr_array_index (run->messages, i));

    n += s != NULL && gst_structure_has_field (s, field);
  }
  return n;
}

/* Plays the clip of @prompt through decodebin to EOS: the video decoded. */
static TestRun *
play (ApigoEmulator * emu, const gchar * prompt)
{
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, prompt,
      PIPELINE);
  TestCollector frames;
  TestRun *run;

  test_collect (test_pipeline_get (pipeline, "sink"), &frames, FALSE);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);
  fail_unless (frames.buffers > 0, "nothing decoded");
  fail_unless (frames.caps != NULL);
  fail_unless (g_str_has_prefix (gst_structure_get_name
          (gst_caps_get_structure (frames.caps, 0)), "video/x-raw"),
      "%" GST_PTR_FORMAT, frames.caps);
  test_collector_clear (&frames);
  return run;
}

/* The service says what the generation cost once it is completed: from
 * then on apigo-status has it as "cost" (US dollars), before never.  The
 * same request again plays the kept clip: nothing is spent, no "cost"
 * says so; "replay" and "original-cost" say what it was. */
GST_START_TEST (test_cost_on_bus_then_replay)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (TestRun) made = NULL;
  g_autoptr (TestRun) replay_run = NULL;
  g_autofree gchar *id = NULL;
  const GstStructure *done;
  gboolean replay = FALSE;
  gdouble cost = -1;
  guint i;

  /* A 1 s clip at 0.75 USD a second. */
  g_object_set (emu, "cost-per-second", 0.75, NULL);
  made = play (emu, "a clip that costs");
  id = test_only_task (emu);

  done = done_status (made);
  fail_unless (gst_structure_get_double (done, "cost", &cost), "%"
      GST_PTR_FORMAT, done);
  fail_unless (cost == 0.75, "cost %g", cost);
  fail_unless_equals_string (gst_structure_get_string (done, "id"), id);
  fail_if (gst_structure_has_field (done, "replay"));
  fail_if (gst_structure_has_field (done, "original-cost"));
  /* Only with the task completed: not while it was made. */
  for (i = 0; i < made->messages->len; i++) {
    const GstStructure *s = status_of (g_ptr_array_index (made->messages,
            i));

    if (s != NULL && gst_structure_has_field (s, "cost"))
      fail_unless_equals_string (gst_structure_get_string (s, "status"),
          "completed");
  }
  fail_unless (count_with (made, "cost") < count_with (made, "phase"));

  replay_run = play (emu, "a clip that costs");
  fail_unless_equals_int (test_tasks_made (emu), 1);
  done = done_status (replay_run);
  fail_unless (gst_structure_get_boolean (done, "replay", &replay) && replay,
      "%" GST_PTR_FORMAT, done);
  fail_unless (gst_structure_get_double (done, "original-cost", &cost));
  fail_unless (cost == 0.75, "original cost %g", cost);
  fail_unless_equals_string (gst_structure_get_string (done, "id"), id);
  /* No new spend anywhere in the replay. */
  fail_unless_equals_int (count_with (replay_run, "cost"), 0);
}

GST_END_TEST;

/* A service that says nothing of cost (OpenAI's): no cost field at all,
 * never a 0, in a generation or a replay. */
GST_START_TEST (test_cost_unknown)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (TestRun) made = play (emu, "a clip of no known cost");
  g_autoptr (TestRun) replay_run = play (emu, "a clip of no known cost");
  gboolean replay = FALSE;

  fail_unless_equals_int (test_tasks_made (emu), 1);
  fail_unless_equals_int (count_with (made, "cost"), 0);
  fail_unless_equals_int (count_with (made, "original-cost"), 0);
  fail_unless_equals_int (count_with (made, "replay"), 0);
  fail_unless_equals_int (count_with (replay_run, "cost"), 0);
  fail_unless_equals_int (count_with (replay_run, "original-cost"), 0);
  fail_unless (gst_structure_get_boolean (done_status (replay_run), "replay",
          &replay) && replay);
}

GST_END_TEST;

/* What no service could mean as a cost (negative, beyond belief) is none:
 * not on the bus, not in the kept clip's replay. */
GST_START_TEST (test_cost_hostile)
{
  const gdouble rates[] = { -0.5, 1e300 };
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (rates); i++) {
    g_autofree gchar *prompt = g_strdup_printf ("a hostile cost %u", i);
    g_autoptr (TestRun) made = NULL;
    g_autoptr (TestRun) replay_run = NULL;

    g_object_set (emu, "cost-per-second", rates[i], NULL);
    made = play (emu, prompt);
    replay_run = play (emu, prompt);
    fail_unless_equals_int (count_with (made, "cost"), 0);
    fail_unless_equals_int (count_with (replay_run, "cost"), 0);
    fail_unless_equals_int (count_with (replay_run, "original-cost"), 0);
  }
  fail_unless_equals_int (test_tasks_made (emu), 2);
}

GST_END_TEST;

static Suite *
cost_suite (void)
{
  Suite *s = suite_create ("apigo-cost");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, test_timeout (120));
  test_add_fixtures (tc);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_cost_on_bus_then_replay);
  tcase_add_test (tc, test_cost_unknown);
  tcase_add_test (tc, test_cost_hostile);
  return s;
}

GST_CHECK_MAIN (cost);
