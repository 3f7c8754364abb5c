/* gst-apigo: an hour of apigochannel, faults included, faster than real time
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One hour of channel time (is-live=false) from the bundled emulator: small
 * clips with audio, played again from the cache after their first
 * generation, so that the hour is mostly decoding.  Along the way a
 * generation fails, the service answers 503 for a while, and a generation
 * takes longer than the clip on air; each time the fallback covers and the
 * channel goes on.  Every video frame is one frame after the last, every
 * audio buffer the samples of its frame exactly, from the first to the
 * last.
 */

#include "test-util.h"
#include "channel-check.h"

#include <string.h>

/* Rates whose frames hold no whole number of nanoseconds' worth of
 * samples (44100 Hz at 10000/1001 is 4414.41 samples a frame): an hour of
 * them drifts if the arithmetic is off anywhere. */
#define FPS_N 10000
#define FPS_D 1001
#define RATE 44100
#define SECONDS 12
#define CLIP_FRAMES (SECONDS * FPS_N / FPS_D)
#define HOUR_FRAMES (3600 * FPS_N / FPS_D)
/* Prompts the test keeps listed ahead of the one on air (lookahead 2). */
#define AHEAD 4
/* Generations take this long (wall time): far longer than the two clips
 * ahead of a new one take to air (a fraction of a second each), so that a
 * new clip is always late and the fallback covers for it; the slow one
 * longer than a clip lasts. */
#define GENERATION_TIME 3.0
#define SLOW_GENERATION_TIME (SECONDS + 2.0)
/* 503s in a row: the client's two retries get through the third time. */
#define DOWN_REQUESTS 2

/* Which prompt of the list is a fault (by index). */
#define FAILED_AT 40
#define DOWN_AT 120
#define SLOW_AT 200

static const gchar *const cycle[] = { "soak one", "soak two", "soak three" };

#define FAILED_PROMPT "soak failed [fail]"
#define DOWN_PROMPT "soak while the service is down"
#define SLOW_PROMPT "soak slow"

typedef struct
{
  ApigoEmulator *emu;
  GstElement *channel;
  guint added;                  /* prompts added so far */
  gboolean hour_listed;         /* enough listed: no more */
} Soak;

static const gchar *
prompt_at (guint index)
{
  switch (index) {
    case FAILED_AT:
      return FAILED_PROMPT;
    case DOWN_AT:
      return DOWN_PROMPT;
    case SLOW_AT:
      return SLOW_PROMPT;
    default:
      return cycle[index % G_N_ELEMENTS (cycle)];
  }
}

/* Lists prompts up to @until; a fault is set up as its prompt is listed
 * (nothing else then asks the service anything: the others replay). */
static void
add_prompts (Soak * soak, guint until)
{
  while (soak->added < until) {
    if (soak->added == DOWN_AT)
      apigo_emulator_fail_status (soak->emu, APIGO_EMULATOR_ROUTE_ANY, 503,
          DOWN_REQUESTS);
    if (soak->added == SLOW_AT)
      g_object_set (soak->emu, "generation-time", SLOW_GENERATION_TIME,
          NULL);
    g_signal_emit_by_name (soak->channel, "add-prompt",
        prompt_at (soak->added));
    soak->added++;
  }
}

/* The worker posts clip-start: list more, until an hour is listed. */
static GstBusSyncReply
on_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Soak *soak = user_data;
  const GstStructure *s = gst_message_get_structure (msg);
  guint index;
  guint64 frame;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT
      || !gst_structure_has_name (s, "apigo-channel")
      || g_strcmp0 (gst_structure_get_string (s, "event"), "clip-start") != 0
      || !gst_structure_get_uint (s, "index", &index)
      || !gst_structure_get_uint64 (s, "frame", &frame))
    return GST_BUS_PASS;
  if (index == SLOW_AT)
    g_object_set (soak->emu, "generation-time", GENERATION_TIME, NULL);
  if (frame >= HOUR_FRAMES)
    soak->hour_listed = TRUE;
  if (!soak->hour_listed)
    add_prompts (soak, index + 1 + AHEAD);
  return GST_BUS_PASS;
}

/* Asserts the clip of prompt @index aired right after a fallback:
 * fallback-start, fallback-stop, clip-start, at the frames that join
 * them; returns the fallback's frames. */
static guint64
assert_recovered_at (GPtrArray * ev, guint index)
{
  guint i, at;

  for (i = 0; i < ev->len; i++) {
    const GstStructure *s = g_ptr_array_index (ev, i);

    if (channel_is_event (s, "clip-start")
        && gst_structure_get_uint (s, "index", &at) && at == index)
      break;
  }
  fail_unless (i < ev->len, "prompt %u never aired", index);
  fail_unless (i >= 2, "prompt %u aired first", index);
  {
    const GstStructure *clip = g_ptr_array_index (ev, i);
    const GstStructure *stop = g_ptr_array_index (ev, i - 1);
    const GstStructure *start = g_ptr_array_index (ev, i - 2);

    fail_unless (channel_is_event (stop, "fallback-stop")
        && channel_is_event (start, "fallback-start"),
        "prompt %u aired without a fallback before it", index);
    fail_unless_equals_uint64 (channel_field_u64 (stop, "frame"),
        channel_field_u64 (clip, "frame"));
    fail_unless_equals_uint64 (channel_field_u64 (start, "frame") +
        channel_field_u64 (stop, "frames"), channel_field_u64 (stop, "frame"));
    fail_unless (channel_field_u64 (stop, "frames") > 0);
    return channel_field_u64 (stop, "frames");
  }
}

static guint
count_status (ApigoEmulator * emu, guint status)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  guint i, n = 0;

  for (i = 0; i < requests->len; i++)
    n += ((ApigoEmulatorRequest *) g_ptr_array_index (requests,
            i))->status == status;
  return n;
}

GST_START_TEST (test_hour)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) ev = NULL;
  GstElement *pipeline;
  ChannelCheck check;
  Soak soak = { emu, NULL, 0, FALSE };
  gint64 began = g_get_monotonic_time ();
  guint i, last_index = 0, clips = 0;
  guint64 slow_fallback;

  g_object_set (emu, "audio", TRUE, "generation-time", GENERATION_TIME,
      NULL);
  pipeline = gst_parse_launch ("apigochannel name=ch lookahead=2 "
      "ch.video ! fakesink name=sink sync=false signal-handoffs=true "
      "ch.audio ! fakesink name=asink sync=false signal-handoffs=true", NULL);
  fail_unless (pipeline != NULL);
  soak.channel = test_pipeline_get (pipeline, "ch");
  test_source_configure (soak.channel, emu, NULL);
  g_object_set (soak.channel, "size", "160x90", "seconds", SECONDS,
      "width", 160, "height", 90, NULL);
  gst_util_set_object_arg (G_OBJECT (soak.channel), "framerate",
      G_STRINGIFY (FPS_N) "/" G_STRINGIFY (FPS_D));
  g_object_set (soak.channel, "audio-rate", RATE, NULL);
  channel_check_init (&check, FPS_N, FPS_D, RATE, 2);
  channel_check_watch (&check, test_pipeline_get (pipeline, "sink"),
      test_pipeline_get (pipeline, "asink"));
  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  gst_bus_set_sync_handler (bus, on_message, &soak, NULL);
  add_prompts (&soak, AHEAD);

  run = test_run (pipeline, test_timeout (900));
  g_print ("soak: an hour of channel time (%" G_GUINT64_FORMAT " frames) "
      "in %.1f s\n", check.frames,
      (g_get_monotonic_time () - began) / (gdouble) G_USEC_PER_SEC);
  test_run_assert_eos (run);

  /* The hour, whole: no gap, no overlap, audio in step, both ended. */
  fail_unless (check.frames >= HOUR_FRAMES, "%" G_GUINT64_FORMAT " frames",
      check.frames);
  fail_unless (check.video_eos && check.audio_eos);
  channel_check_assert (&check, TRUE);
  fail_unless_equals_uint64 (check.base, 0);
  ev = channel_events (run, NULL);
  channel_check_assert_sound (&check, ev);

  /* Clips in the order listed, the failed one skipped with a warning. */
  for (i = 0; i < ev->len; i++) {
    const GstStructure *s = g_ptr_array_index (ev, i);
    guint index;

    if (!channel_is_event (s, "clip-start"))
      continue;
    fail_unless (gst_structure_get_uint (s, "index", &index));
    fail_unless (clips == 0 || index > last_index);
    fail_if (index == FAILED_AT, "the failed prompt aired");
    fail_unless_equals_string (gst_structure_get_string (s, "prompt"),
        prompt_at (index));
    last_index = index;
    clips++;
  }
  fail_unless (clips > HOUR_FRAMES / CLIP_FRAMES - 1);
  fail_unless (test_run_saw (run, GST_MESSAGE_WARNING, FAILED_PROMPT));
  fail_unless (test_run_saw (run, GST_MESSAGE_WARNING, "moderation_blocked"));

  /* Each fault: the fallback, then the next clip. */
  assert_recovered_at (ev, FAILED_AT + 1);
  assert_recovered_at (ev, DOWN_AT);
  fail_unless_equals_int (count_status (emu, 503), DOWN_REQUESTS);
  slow_fallback = assert_recovered_at (ev, SLOW_AT);
  g_print ("soak: %u clips, fallback of %" G_GUINT64_FORMAT
      " frames for the slow one\n", clips, slow_fallback);

  /* Replays were free: a task for each prompt, once. */
  fail_unless_equals_int (test_tasks_made (emu), G_N_ELEMENTS (cycle) + 3);

  channel_check_clear (&check);
  gst_object_unref (pipeline);
}

GST_END_TEST;

static Suite *
soak_suite (void)
{
  Suite *s = suite_create ("apigochannel-soak");
  TCase *tc = tcase_create ("soak");

  test_add_fixtures (tc);
  tcase_set_timeout (tc, test_timeout (900));
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_hour);
  return s;
}

GST_CHECK_MAIN (soak);
