/* gst-apigo: apigochannel airs clips back to back, never dead air
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"
#include "channel-check.h"

#include <libsoup/soup.h>

#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#define PIPELINE "apigochannel name=ch ! " \
  "fakesink name=sink sync=false signal-handoffs=true"
#define WIDTH 160
#define HEIGHT 96
/* The emulator's clips are 30 frames a second; so is the channel. */
#define CLIP_FRAMES 30

/* What the sink saw, frame by frame (the streaming thread writes, the
 * test reads once the pipeline is down). */
typedef struct
{
  GstElement *channel;
  guint64 frames;
  GstClockTime base;            /* the first frame's pts (live: not 0) */
  gint64 bad_frame;             /* the first frame not one frame on, or -1 */
  GstClockTime bad_pts;
  GPtrArray *sums;              /* a checksum per frame */
  gchar *add_prompt;            /* emitted at the first frame */
  gint clip0_frame;             /* where clip 0 starts, once posted */
  guint skip_at;                /* skip when clip 0 aired so many, or 0 */
  gboolean skipped;
} Frames;

static void
on_handoff (GstElement * sink, GstBuffer * buffer, GstPad * pad,
    gpointer user_data)
{
  Frames *f = user_data;
  GstClockTime expected;
  GstMapInfo map;

  if (f->frames == 0)
    f->base = GST_BUFFER_PTS (buffer);
  expected = f->base + gst_util_uint64_scale (f->frames, GST_SECOND, 30);
  if (f->bad_frame < 0 && (GST_BUFFER_PTS (buffer) != expected
          || GST_BUFFER_DURATION (buffer) != f->base +
          gst_util_uint64_scale (f->frames + 1, GST_SECOND, 30) - expected)) {
    f->bad_frame = f->frames;
    f->bad_pts = GST_BUFFER_PTS (buffer);
  }
  gst_buffer_map (buffer, &map, GST_MAP_READ);
  g_ptr_array_add (f->sums, g_compute_checksum_for_data (G_CHECKSUM_MD5,
          map.data, map.size));
  gst_buffer_unmap (buffer, &map);

  if (f->frames == 0 && f->add_prompt != NULL)
    g_signal_emit_by_name (f->channel, "add-prompt", f->add_prompt);
  if (f->skip_at > 0 && !f->skipped
      && g_atomic_int_get (&f->clip0_frame) >= 0
      && f->frames >= (guint64) g_atomic_int_get (&f->clip0_frame) +
      f->skip_at) {
    f->skipped = TRUE;
    g_signal_emit_by_name (f->channel, "skip");
  }
  f->frames++;
}

/* Where clip 0 starts, known before its first frame leaves. */
static GstBusSyncReply
on_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Frames *f = user_data;
  const GstStructure *s = gst_message_get_structure (msg);
  guint index;
  guint64 frame;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
      && gst_structure_has_name (s, "apigo-channel")
      && g_strcmp0 (gst_structure_get_string (s, "event"), "clip-start") == 0
      && gst_structure_get_uint (s, "index", &index) && index == 0
      && gst_structure_get_uint64 (s, "frame", &frame))
    g_atomic_int_set (&f->clip0_frame, (gint) frame);
  return GST_BUS_PASS;
}

static GstElement *
channel_pipeline_new (ApigoEmulator * emu, const gchar * prompts, Frames * f)
{
  GstElement *pipeline = gst_parse_launch (PIPELINE, NULL);
  GstElement *channel = test_pipeline_get (pipeline, "ch");
  g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));

  fail_unless (pipeline != NULL);
  test_source_configure (channel, emu, NULL);
  g_object_set (channel, "size", "160x96", "width", WIDTH, "height", HEIGHT,
      NULL);
  if (prompts != NULL)
    gst_util_set_object_arg (G_OBJECT (channel), "prompts", prompts);

  memset (f, 0, sizeof (*f));
  f->channel = channel;
  f->bad_frame = -1;
  f->clip0_frame = -1;
  f->sums = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (test_pipeline_get (pipeline, "sink"), "handoff",
      G_CALLBACK (on_handoff), f);
  gst_bus_set_sync_handler (bus, on_message, f, NULL);
  return pipeline;
}

static void
frames_clear (Frames * f)
{
  g_clear_pointer (&f->sums, g_ptr_array_unref);
  g_clear_pointer (&f->add_prompt, g_free);
}

/* Checks what every run must show: frames one frame apart from 0, every
 * fallback closed with its frames counted, and clips whose frame numbers
 * match what aired before them.  Returns the frames all fallbacks
 * aired. */
static guint64
assert_continuous (TestRun * run, Frames * f)
{
  g_autoptr (GPtrArray) ev = channel_events (run, NULL);
  guint64 fallback = 0, at = 0;
  gboolean open = FALSE;
  guint i;

  fail_unless (f->bad_frame < 0, "frame %" G_GINT64_FORMAT " has pts %"
      GST_TIME_FORMAT, f->bad_frame, GST_TIME_ARGS (f->bad_pts));
  fail_unless_equals_uint64 (f->base, 0);
  for (i = 0; i < ev->len; i++) {
    const GstStructure *s = g_ptr_array_index (ev, i);
    guint64 frame = channel_field_u64 (s, "frame");

    fail_unless (frame >= at, "event at frame %" G_GUINT64_FORMAT
        " after %" G_GUINT64_FORMAT, frame, at);
    at = frame;
    if (channel_is_event (s, "fallback-start")) {
      fail_if (open, "fallback started twice");
      open = TRUE;
    } else if (channel_is_event (s, "fallback-stop")) {
      fail_unless (open, "fallback stopped, never started");
      open = FALSE;
      fallback += channel_field_u64 (s, "frames");
    }
  }
  fail_if (open, "a fallback never stopped");
  return fallback;
}

static guint
count_clip_starts (TestRun * run)
{
  g_autoptr (GPtrArray) ev = channel_events (run, NULL);
  guint i, n = 0;

  for (i = 0; i < ev->len; i++)
    n += channel_is_event (g_ptr_array_index (ev, i), "clip-start");
  return n;
}

/* The clip-start of the @nth clip aired. */
static const GstStructure *
clip_start (TestRun * run, guint nth)
{
  g_autoptr (GPtrArray) ev = channel_events (run, NULL);
  guint i;

  for (i = 0; i < ev->len; i++)
    if (channel_is_event (g_ptr_array_index (ev, i), "clip-start")
        && nth-- == 0)
      return g_ptr_array_index (ev, i);
  fail ("no clip-start number %u", nth);
  return NULL;
}

static guint
clip_index (TestRun * run, guint nth)
{
  guint index = G_MAXUINT;

  gst_structure_get_uint (clip_start (run, nth), "index", &index);
  return index;
}

/* Frames a fallback aired from @frame on, 0 if none started there. */
static guint64
fallback_frames_at (TestRun * run, guint64 frame)
{
  g_autoptr (GPtrArray) ev = channel_events (run, NULL);
  guint i;

  for (i = 0; i < ev->len; i++) {
    const GstStructure *s = g_ptr_array_index (ev, i);

    if (channel_is_event (s, "fallback-stop")
        && channel_field_u64 (s, "frame") -
        channel_field_u64 (s, "frames") == frame)
      return channel_field_u64 (s, "frames");
  }
  return 0;
}

/* N prompts, not live: every frame one frame after the last, each clip
 * whole and in order, fallback counted, EOS after the last clip. */
GST_START_TEST (test_frames_continuous)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  GstElement *pipeline = channel_pipeline_new (emu,
      "<\"one\", \"two\", \"three\">", &f);
  g_autoptr (TestRun) run = test_run (pipeline, test_timeout (60));
  guint64 fallback;
  guint i;

  test_run_assert_eos (run);
  fallback = assert_continuous (run, &f);
  fail_unless_equals_int (count_clip_starts (run), 3);
  for (i = 0; i < 3; i++) {
    const GstStructure *s = clip_start (run, i);

    fail_unless_equals_int (clip_index (run, i), i);
    fail_unless (g_str_has_prefix (gst_structure_get_string (s, "video-id"),
            "video_"));
  }
  fail_unless_equals_string (gst_structure_get_string (clip_start (run, 1),
          "prompt"), "two");
  fail_unless_equals_uint64 (f.frames, 3 * CLIP_FRAMES + fallback);
  /* Generation takes time: the channel starts on the fallback, black. */
  fail_unless (fallback > 0);
  fail_unless_equals_uint64 (channel_field_u64 (clip_start (run, 0), "frame"),
      fallback_frames_at (run, 0));
  {
    guint8 black[WIDTH * HEIGHT * 3 / 2];
    g_autofree gchar *sum = NULL;

    memset (black, 16, WIDTH * HEIGHT);
    memset (black + WIDTH * HEIGHT, 128, WIDTH * HEIGHT / 2);
    sum = g_compute_checksum_for_data (G_CHECKSUM_MD5, black, sizeof black);
    fail_unless_equals_string (g_ptr_array_index (f.sums, 0), sum);
  }
  fail_unless_equals_int (test_tasks_made (emu), 3);
  frames_clear (&f);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A prompt the service refuses is skipped with a warning that says why;
 * the channel goes on with the next. */
GST_START_TEST (test_failed_clip_skipped)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  GstElement *pipeline = channel_pipeline_new (emu,
      "<\"one\", \"two [fail]\", \"three\">", &f);
  g_autoptr (TestRun) run = test_run (pipeline, test_timeout (60));
  guint64 fallback;

  test_run_assert_eos (run);
  fail_unless (test_run_saw (run, GST_MESSAGE_WARNING, "two [fail]"));
  fail_unless (test_run_saw (run, GST_MESSAGE_WARNING, "moderation_blocked"));
  fallback = assert_continuous (run, &f);
  fail_unless_equals_int (count_clip_starts (run), 2);
  fail_unless_equals_int (clip_index (run, 0), 0);
  fail_unless_equals_int (clip_index (run, 1), 2);
  /* Between them, the fallback covered for the failed one. */
  fail_unless (fallback_frames_at (run, channel_field_u64 (clip_start (run, 0),
              "frame") + CLIP_FRAMES) > 0);
  fail_unless_equals_uint64 (f.frames, 2 * CLIP_FRAMES + fallback);
  frames_clear (&f);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A generation slower than the clip on air: the fallback holds the last
 * frame until the next clip is ready, then it airs. */
GST_START_TEST (test_slow_generation_holds)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  GstElement *pipeline = channel_pipeline_new (emu, "<\"one\", \"two\">", &f);
  g_autoptr (TestRun) run = NULL;
  guint64 end0, held, i;

  g_object_set (emu, "generation-time", 2.0, NULL);
  g_object_set (f.channel, "lookahead", 1, NULL);
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  assert_continuous (run, &f);
  fail_unless_equals_int (count_clip_starts (run), 2);
  end0 = channel_field_u64 (clip_start (run, 0), "frame") + CLIP_FRAMES;
  held = fallback_frames_at (run, end0);
  fail_unless (held > 0, "no fallback after the first clip");
  fail_unless_equals_uint64 (channel_field_u64 (clip_start (run, 1), "frame"),
      end0 + held);
  for (i = end0; i < end0 + held; i++)
    fail_unless_equals_string (g_ptr_array_index (f.sums, i),
        g_ptr_array_index (f.sums, end0 - 1));
  frames_clear (&f);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* Where in @emu's log the content of the task @prompt made was first
 * asked for. */
static guint
content_asked_at (ApigoEmulator * emu, const gchar * prompt)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  const gchar *id = NULL;
  guint i;

  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CREATE && r->form != NULL
        && g_strcmp0 (g_hash_table_lookup (r->form, "prompt"), prompt) == 0)
      id = r->video_id;
    else if (r->route == APIGO_EMULATOR_ROUTE_CONTENT && id != NULL
        && g_strcmp0 (r->video_id, id) == 0)
      return i;
  }
  fail ("the content of \"%s\" was never asked for", prompt);
  return 0;
}

/* Generations that finish out of order air in the list's order: the
 * second clip, ready first, waits for the first. */
GST_START_TEST (test_order_kept)
{
  static const gchar *const slow[] = { "queued", "in_progress",
    "in_progress", "in_progress", NULL
  };
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  GstElement *pipeline = channel_pipeline_new (emu, "<\"one\", \"two\">",
      &f);
  g_autoptr (TestRun) run = NULL;

  /* one takes seconds; two, created after it, is done at once. */
  apigo_emulator_script_next_task (emu, slow, 1.0);
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  assert_continuous (run, &f);
  fail_unless (content_asked_at (emu, "two") < content_asked_at (emu, "one"),
      "two was not ready first: the test shows nothing");
  fail_unless_equals_int (count_clip_starts (run), 2);
  fail_unless_equals_string (gst_structure_get_string (clip_start (run, 0),
          "prompt"), "one");
  fail_unless_equals_string (gst_structure_get_string (clip_start (run, 1),
          "prompt"), "two");
  frames_clear (&f);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A prompt added while the channel runs airs after the list's. */
GST_START_TEST (test_add_prompt)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  GstElement *pipeline = channel_pipeline_new (emu, "<\"one\">", &f);
  g_autoptr (TestRun) run = NULL;
  guint64 fallback;

  f.add_prompt = g_strdup ("added");
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  fallback = assert_continuous (run, &f);
  fail_unless_equals_int (count_clip_starts (run), 2);
  fail_unless_equals_string (gst_structure_get_string (clip_start (run, 1),
          "prompt"), "added");
  fail_unless_equals_int (clip_index (run, 1), 1);
  fail_unless_equals_uint64 (f.frames, 2 * CLIP_FRAMES + fallback);
  fail_unless_equals_int (test_tasks_made (emu), 2);
  frames_clear (&f);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* skip cuts the clip on air short; the next one follows. */
GST_START_TEST (test_skip)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  GstElement *pipeline = channel_pipeline_new (emu, "<\"one\", \"two\">", &f);
  g_autoptr (TestRun) run = NULL;
  guint64 fallback, start0, start1, aired0;

  f.skip_at = 3;
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  fail_unless (f.skipped);
  fallback = assert_continuous (run, &f);
  fail_unless_equals_int (count_clip_starts (run), 2);
  start0 = channel_field_u64 (clip_start (run, 0), "frame");
  start1 = channel_field_u64 (clip_start (run, 1), "frame");
  /* All but clip 1 and the fallbacks: what aired of clip 0. */
  aired0 = f.frames - CLIP_FRAMES - fallback;
  fail_unless (aired0 >= 3 && aired0 < CLIP_FRAMES,
      "clip 0 aired %" G_GUINT64_FORMAT " frames", aired0);
  fail_unless (start1 > start0);
  frames_clear (&f);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* Live: the pipeline does not preroll, frames follow the clock from the
 * running time of the first one, one frame apart, clips included. */
GST_START_TEST (test_live)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  GstElement *pipeline = channel_pipeline_new (emu, "<\"one\">", &f);
  GstElement *sink = test_pipeline_get (pipeline, "sink");

  g_object_set (f.channel, "is-live", TRUE, NULL);
  g_object_set (sink, "sync", TRUE, NULL);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_NO_PREROLL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  /* Read unlocked: only how far it got, to know when to stop. */
  test_wait_until (g_atomic_int_get (&f.clip0_frame) >= 0
      && f.frames > (guint64) g_atomic_int_get (&f.clip0_frame) + 5, 60);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  fail_unless (f.bad_frame < 0, "frame %" G_GINT64_FORMAT " has pts %"
      GST_TIME_FORMAT, f.bad_frame, GST_TIME_ARGS (f.bad_pts));
  frames_clear (&f);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A second run of the same prompts replays the journal and the kept
 * clips: nothing new is made (or paid for). */
GST_START_TEST (test_second_run_replays)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  GstElement *pipeline;
  g_autofree gchar *id0 = NULL, *id1 = NULL;
  guint round;

  for (round = 0; round < 2; round++) {
    g_autoptr (TestRun) run = NULL;
    guint64 fallback;

    pipeline = channel_pipeline_new (emu, "<\"one\", \"two\">", &f);
    run = test_run (pipeline, test_timeout (60));
    test_run_assert_eos (run);
    fallback = assert_continuous (run, &f);
    fail_unless_equals_int (count_clip_starts (run), 2);
    fail_unless_equals_uint64 (f.frames, 2 * CLIP_FRAMES + fallback);
    if (round == 0) {
      id0 = g_strdup (gst_structure_get_string (clip_start (run, 0),
              "video-id"));
      id1 = g_strdup (gst_structure_get_string (clip_start (run, 1),
              "video-id"));
    } else {
      fail_unless_equals_string (gst_structure_get_string (clip_start (run,
                  0), "video-id"), id0);
      fail_unless_equals_string (gst_structure_get_string (clip_start (run,
                  1), "video-id"), id1);
    }
    fail_unless_equals_int (test_tasks_made (emu), 2);
    frames_clear (&f);
    gst_object_unref (pipeline);
  }
}

GST_END_TEST;

/* What the bus said, seen from a sync handler (runs with no EOS: the loop
 * tests stop the pipeline themselves). */
typedef struct
{
  Frames *f;
  GMutex lock;
  GPtrArray *events;            /* copies of the apigo-channel structures */
  GPtrArray *warnings;          /* their texts */
  GPtrArray *warning_details;   /* and details (copies; empty: none) */
  guint errors;
  gint clip_starts;
  gchar *add_on_backoff;        /* added when the channel backs off */
} Watch;

static GstBusSyncReply
on_watch_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Watch *w = user_data;
  const GstStructure *s = gst_message_get_structure (msg);
  gchar *add = NULL;

  g_mutex_lock (&w->lock);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
      && gst_structure_has_name (s, "apigo-channel")) {
    g_ptr_array_add (w->events, gst_structure_copy (s));
    if (channel_is_event (s, "clip-start"))
      g_atomic_int_inc (&w->clip_starts);
    if (channel_is_event (s, "backoff"))
      add = g_steal_pointer (&w->add_on_backoff);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_WARNING) {
    g_autoptr (GError) error = NULL;

    const GstStructure *details = NULL;

    gst_message_parse_warning (msg, &error, NULL);
    gst_message_parse_warning_details (msg, &details);
    g_ptr_array_add (w->warnings, g_strdup (error->message));
    g_ptr_array_add (w->warning_details, details != NULL ?
        gst_structure_copy (details) : gst_structure_new_empty ("none"));
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
    w->errors++;
  }
  g_mutex_unlock (&w->lock);
  /* From the channel's worker, which holds no lock while it posts. */
  if (add != NULL)
    g_signal_emit_by_name (w->f->channel, "add-prompt", add);
  g_free (add);
  return on_message (bus, msg, w->f);
}

static void
watch_init (Watch * w, GstElement * pipeline, Frames * f)
{
  g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));

  memset (w, 0, sizeof (*w));
  w->f = f;
  g_mutex_init (&w->lock);
  w->events = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
  w->warnings = g_ptr_array_new_with_free_func (g_free);
  w->warning_details = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_structure_free);
  gst_bus_set_sync_handler (bus, on_watch_message, w, NULL);
}

static void
watch_clear (Watch * w)
{
  g_ptr_array_unref (w->events);
  g_ptr_array_unref (w->warnings);
  g_ptr_array_unref (w->warning_details);
  g_free (w->add_on_backoff);
  g_mutex_clear (&w->lock);
}

/* The @nth event @event the watch saw, or NULL. */
static const GstStructure *
watch_event (Watch * w, const gchar * event, guint nth)
{
  guint i;

  for (i = 0; i < w->events->len; i++)
    if (channel_is_event (g_ptr_array_index (w->events, i), event)
        && nth-- == 0)
      return g_ptr_array_index (w->events, i);
  return NULL;
}

/* The suite's environment, put back after a test that changes it (under
 * valgrind, tests share one process). */
static gchar *saved_state_home;

static void
use_own_ledger (void)
{
  g_autofree gchar *state = g_build_filename (test_tmp_dir (), "state", NULL);

  saved_state_home = g_strdup (g_getenv ("XDG_STATE_HOME"));
  g_setenv ("XDG_STATE_HOME", state, TRUE);
}

static void
restore_ledger (void)
{
  if (saved_state_home != NULL)
    g_setenv ("XDG_STATE_HOME", saved_state_home, TRUE);
  else
    g_unsetenv ("XDG_STATE_HOME");
  g_clear_pointer (&saved_state_home, g_free);
}

/* A 429 (with Retry-After) on one clip's create holds the whole channel
 * back: a prompt added then starts only once the wait is over, so the
 * create after the 429 is that clip's own retry, never another's. */
GST_START_TEST (test_rate_limit_backs_off)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  ApigoEmulatorFault fault = { APIGO_EMULATOR_ROUTE_CREATE, 429,
    APIGO_EMULATOR_BODY_JSON, "4", NULL, NULL, 1
  };
  Frames f;
  Watch w;
  GstElement *pipeline = channel_pipeline_new (emu, "<\"one\", \"two\">",
      &f);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) creates = NULL;
  const GstStructure *backoff;
  ApigoEmulatorRequest *limited = NULL;
  gboolean retried = FALSE;
  guint i;
  gdouble seconds = 0;

  watch_init (&w, pipeline, &f);
  w.add_on_backoff = g_strdup ("three");
  /* Room for the added prompt at once: only the backoff holds it. */
  g_object_set (f.channel, "lookahead", 3, NULL);
  apigo_emulator_inject (emu, &fault);
  run = test_run (pipeline, test_timeout (90));
  test_run_assert_eos (run);
  assert_continuous (run, &f);

  backoff = watch_event (&w, "backoff", 0);
  fail_unless (backoff != NULL, "the channel did not back off on a 429");
  fail_unless_equals_string (gst_structure_get_string (backoff, "why"),
      "rate-limited");
  fail_unless (gst_structure_get_double (backoff, "seconds", &seconds)
      && seconds > 0 && seconds <= 5.0);
  fail_unless_equals_int (count_clip_starts (run), 3);
  fail_unless_equals_string (gst_structure_get_string (clip_start (run, 2),
          "prompt"), "three");

  /* one, two (one of them 429 then its retry), three. */
  creates = test_requests_on (emu, APIGO_EMULATOR_ROUTE_CREATE);
  fail_unless_equals_int (creates->len, 4);
  for (i = 0; i < creates->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (creates, i);

    if (r->status == 429)
      limited = r;
    else if (limited != NULL
        && g_strcmp0 (r->idempotency_key, limited->idempotency_key) == 0)
      retried = TRUE;
    else if (g_strcmp0 (g_hash_table_lookup (r->form, "prompt"),
            "three") == 0)
      /* three was added during the backoff: it waited for it. */
      fail_unless (retried, "three was created before the rate-limited "
          "clip was tried again");
  }
  fail_unless (limited != NULL && retried);
  fail_unless_equals_int (test_tasks_made (emu), 3);

  frames_clear (&f);
  gst_object_unref (pipeline);
  watch_clear (&w);
}

GST_END_TEST;

/* The service down (503s, no retry left in the clips): the channel waits
 * before the next clip, 5 s then twice as long, rather than failing a
 * prompt a second; then it recovers and airs the rest. */
GST_START_TEST (test_service_down_backs_off)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  ApigoEmulatorFault fault = { APIGO_EMULATOR_ROUTE_CREATE, 503,
    APIGO_EMULATOR_BODY_JSON, NULL, NULL, NULL, 2
  };
  Frames f;
  Watch w;
  GstElement *pipeline = channel_pipeline_new (emu,
      "<\"one\", \"two\", \"three\">", &f);
  g_autoptr (TestRun) run = NULL;
  const GstStructure *wait1, *wait2;
  gdouble seconds = 0;

  watch_init (&w, pipeline, &f);
  g_object_set (f.channel, "lookahead", 1, "retries", 0, NULL);
  apigo_emulator_inject (emu, &fault);
  run = test_run (pipeline, test_timeout (90));
  test_run_assert_eos (run);
  assert_continuous (run, &f);

  wait1 = watch_event (&w, "backoff", 0);
  wait2 = watch_event (&w, "backoff", 1);
  fail_unless (wait1 != NULL && wait2 != NULL, "no backoff");
  fail_if (watch_event (&w, "backoff", 2) != NULL);
  fail_unless_equals_string (gst_structure_get_string (wait1, "why"),
      "service-down");
  fail_unless (gst_structure_get_double (wait1, "seconds", &seconds)
      && seconds > 0 && seconds <= 5.0, "first wait %g s", seconds);
  /* Twice as long; posted at once, it cannot have lost 5 s. */
  fail_unless (gst_structure_get_double (wait2, "seconds", &seconds)
      && seconds > 5.0 && seconds <= 10.0, "second wait %g s", seconds);
  /* No fallback-start need say why=service-down: on a slow machine the
   * fallback airs from frame 0, not-ready, before the first failure. */
  /* one and two failed, then the service came back for three. */
  fail_unless_equals_int (w.warnings->len, 2);
  fail_unless_equals_int (count_clip_starts (run), 1);
  fail_unless_equals_string (gst_structure_get_string (clip_start (run, 0),
          "prompt"), "three");
  fail_unless_equals_int (test_tasks_made (emu), 1);

  frames_clear (&f);
  gst_object_unref (pipeline);
  watch_clear (&w);
}

GST_END_TEST;

/* The channel's settings are checked once, at start: what every clip
 * would refuse (here a size that is not WIDTHxHEIGHT) is an error naming
 * the property, before any request. */
GST_START_TEST (test_bad_settings_fail_at_start)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  GstElement *pipeline = channel_pipeline_new (emu, "<\"one\">", &f);
  g_autoptr (TestRun) run = NULL;

  g_object_set (f.channel, "size", "big", NULL);
  run = test_run (pipeline, test_timeout (60));
  fail_unless (test_run_saw (run, GST_MESSAGE_ERROR, "size"));
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
  fail_unless_equals_uint64 (f.frames, 0);
  frames_clear (&f);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A key the service refuses (401) fails every clip: the channel waits 5 s,
 * then 10, rather than asking again at once, says why=auth, and each
 * skipped clip's WARNING carries the details an application needs. */
GST_START_TEST (test_auth_backs_off)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  Watch w;
  GstElement *pipeline = channel_pipeline_new (emu, "<\"one\", \"two\">",
      &f);
  g_autoptr (TestRun) run = NULL;
  const GstStructure *backoff, *details;
  guint status = 0, index = G_MAXUINT;

  watch_init (&w, pipeline, &f);
  g_object_set (f.channel, "api-key", "not-the-key", "lookahead", 1, NULL);
  run = test_run (pipeline, test_timeout (90));
  test_run_assert_eos (run);

  backoff = watch_event (&w, "backoff", 0);
  fail_unless (backoff != NULL, "no backoff on a refused key");
  fail_unless_equals_string (gst_structure_get_string (backoff, "why"),
      "auth");
  /* one, then two after the wait: two creates, no more. */
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 2);
  fail_unless_equals_int (w.warnings->len, 2);
  details = g_ptr_array_index (w.warning_details, 0);
  fail_unless_equals_string (gst_structure_get_string (details, "cause"),
      "auth");
  fail_unless (gst_structure_get_uint (details, "http-status-code", &status));
  fail_unless_equals_int (status, 401);
  fail_unless (gst_structure_get_uint (details, "index", &index));
  fail_unless_equals_int (index, 0);
  fail_unless_equals_string (gst_structure_get_string (details, "prompt"),
      "one");
  fail_if (strstr (g_ptr_array_index (w.warnings, 0), "not-the-key"));
  fail_unless (f.frames > 0, "the fallback did not air");

  frames_clear (&f);
  gst_object_unref (pipeline);
  watch_clear (&w);
}

GST_END_TEST;

/* In a loop, a prompt the service refused (a failed task) is not asked
 * again every round: the others air, round after round. */
GST_START_TEST (test_refused_prompt_passed_over)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  Watch w;
  GstElement *pipeline = channel_pipeline_new (emu,
      "<\"bad [fail]\", \"good\">", &f);
  guint i;

  watch_init (&w, pipeline, &f);
  g_object_set (f.channel, "loop", TRUE, "lookahead", 1, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  test_wait_until (g_atomic_int_get (&w.clip_starts) >= 4, 120);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  fail_unless_equals_int (w.errors, 0);
  for (i = 0; i < 4; i++)
    fail_unless_equals_string (gst_structure_get_string (watch_event (&w,
                "clip-start", i), "prompt"), "good");
  fail_unless_equals_int (w.warnings->len, 1);
  /* Once for bad, once for good (replayed since). */
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 2);

  frames_clear (&f);
  gst_object_unref (pipeline);
  watch_clear (&w);
}

GST_END_TEST;

/* Downstream ends the picture (identity eos-after): the channel stops
 * and its sound ends too, so that the pipeline ends, rather than the
 * channel waiting for ever on its full queue. */
GST_START_TEST (test_downstream_eos_ends_both)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  GstElement *pipeline = gst_parse_launch ("apigochannel name=ch "
      "ch.video ! identity eos-after=40 ! fakesink sync=false "
      "ch.audio ! fakesink sync=false", NULL);
  GstElement *channel = test_pipeline_get (pipeline, "ch");
  g_autoptr (TestRun) run = NULL;

  g_object_set (emu, "audio", TRUE, NULL);
  test_source_configure (channel, emu, NULL);
  g_object_set (channel, "size", "160x96", "width", WIDTH, "height", HEIGHT,
      NULL);
  gst_util_set_object_arg (G_OBJECT (channel), "prompts",
      "<\"one\", \"two\", \"three\">");
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A slate-image that is a FIFO would block in open() where no timeout
 * reaches: refused (a warning naming it, colour bars), the channel airs
 * and ends. */
GST_START_TEST (test_slate_fifo_refused)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *fifo = g_build_filename (test_tmp_dir (), "slate.fifo",
      NULL);
  Frames f;
  GstElement *pipeline = channel_pipeline_new (emu, "<\"one\">", &f);
  g_autoptr (TestRun) run = NULL;

  fail_unless_equals_int (mkfifo (fifo, 0600), 0);
  gst_util_set_object_arg (G_OBJECT (f.channel), "fallback", "slate");
  g_object_set (f.channel, "slate-image", fifo, NULL);
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  fail_unless (test_run_saw (run, GST_MESSAGE_WARNING, "not a regular file"));
  fail_unless (test_run_saw (run, GST_MESSAGE_WARNING, "slate.fifo"));
  fail_unless_equals_int (count_clip_starts (run), 1);
  g_unlink (fifo);
  frames_clear (&f);
  gst_object_unref (pipeline);
}

GST_END_TEST;

static guint
count_warnings (Watch * w, const gchar * words)
{
  guint i, n = 0;

  for (i = 0; i < w->warnings->len; i++)
    n += strstr (g_ptr_array_index (w->warnings, i), words) != NULL;
  return n;
}

/* A budget of 2 generations, 4 prompts in a loop: the first 2 air, the
 * third is refused (a warning naming the limit, the fallback says
 * why=budget), and from then on the channel airs the 2 it has again and
 * again (replays, free) without starting the refused ones in a loop; the
 * service saw exactly 2 creates. */
GST_START_TEST (test_budget_spent_keeps_airing)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  Watch w;
  GstElement *pipeline;
  const GstStructure *s;
  guint i;
  gint refused;
  gboolean budget_fallback = FALSE;

  use_own_ledger ();
  pipeline = channel_pipeline_new (emu,
      "<\"p0\", \"p1\", \"p2\", \"p3\">", &f);
  watch_init (&w, pipeline, &f);
  /* One ahead: the refused clip leaves a gap the fallback covers. */
  g_object_set (f.channel, "loop", TRUE, "budget", "generations-per-day=2",
      "lookahead", 1, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  /* Three rounds of the two it has. */
  test_wait_until (g_atomic_int_get (&w.clip_starts) >= 6, 120);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  restore_ledger ();

  fail_unless_equals_int (w.errors, 0);
  fail_unless (f.bad_frame < 0);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 2);
  for (i = 0; i < 6; i++) {
    guint index = G_MAXUINT;

    s = watch_event (&w, "clip-start", i);
    fail_unless (gst_structure_get_uint (s, "index", &index));
    fail_unless_equals_int (index, i % 2);
  }
  /* The refusal says which limit, as the element does. */
  refused = count_warnings (&w, "generations-per-day");
  fail_unless_equals_int (refused, 1);
  for (i = 0; (s = watch_event (&w, "fallback-start", i)) != NULL; i++)
    budget_fallback |= g_strcmp0 (gst_structure_get_string (s, "why"),
        "budget") == 0;
  fail_unless (budget_fallback, "no fallback said why=budget");
  s = watch_event (&w, "backoff", 0);
  fail_unless (s != NULL);
  fail_unless_equals_string (gst_structure_get_string (s, "why"), "budget");
  /* Still on air after the refusal: five whole clips before the sixth,
   * three of them replays. */
  fail_unless (f.frames >= 5 * CLIP_FRAMES);

  frames_clear (&f);
  gst_object_unref (pipeline);
  watch_clear (&w);
}

GST_END_TEST;

/* Whether @emu made 2 tasks and was asked about each (so their runs
 * journaled them). */
static gboolean
both_pending (ApigoEmulator * emu)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  g_autoptr (GHashTable) made = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) polled = g_hash_table_new (g_str_hash, g_str_equal);
  guint i;

  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CREATE && r->status == 200)
      g_hash_table_add (made, r->video_id);
    else if (r->route == APIGO_EMULATOR_ROUTE_RETRIEVE && r->video_id
        && g_hash_table_contains (made, r->video_id))
      g_hash_table_add (polled, r->video_id);
  }
  return g_hash_table_size (made) == 2 && g_hash_table_size (polled) == 2;
}

/* A channel stopped (NULL) while its clips are being generated, then
 * started again with the same prompts: it resumes the tasks the journal
 * names and airs them, without a second create. */
GST_START_TEST (test_restart_resumes)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  GstElement *pipeline;
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) creates = NULL;
  guint i;

  /* The tasks stay in progress until the test moves their clock. */
  g_object_set (emu, "clock-held", TRUE, NULL);
  pipeline = channel_pipeline_new (emu, "<\"one\", \"two\">", &f);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  test_wait_until (both_pending (emu), 60);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 2);

  apigo_emulator_advance_clock (emu, 3600);
  frames_clear (&f);
  f.frames = 0;
  f.bad_frame = -1;
  f.clip0_frame = -1;
  f.sums = g_ptr_array_new_with_free_func (g_free);
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  assert_continuous (run, &f);
  fail_unless_equals_int (count_clip_starts (run), 2);

  /* No create after the restart; the clips are the tasks made before. */
  creates = test_requests_on (emu, APIGO_EMULATOR_ROUTE_CREATE);
  fail_unless_equals_int (creates->len, 2);
  for (i = 0; i < 2; i++) {
    const gchar *id = gst_structure_get_string (clip_start (run, i),
        "video-id");
    ApigoEmulatorRequest *a = g_ptr_array_index (creates, 0);
    ApigoEmulatorRequest *b = g_ptr_array_index (creates, 1);

    fail_unless (g_strcmp0 (id, a->video_id) == 0
        || g_strcmp0 (id, b->video_id) == 0, "clip %u is %s, not made "
        "before the restart", i, id);
  }
  frames_clear (&f);
  gst_object_unref (pipeline);
}

GST_END_TEST;

#define AV_PIPELINE "apigochannel name=ch " \
  "ch.video ! fakesink name=sink sync=false signal-handoffs=true " \
  "ch.audio ! fakesink name=asink sync=false signal-handoffs=true"
/* Rates whose frames do not hold a whole number of samples: 44100 Hz at
 * 30000/1001 is 1471.47 samples a frame. */
#define AV_RATE 44100
#define AV_FPS_N 30000
#define AV_FPS_D 1001

/* A channel with its audio pad linked, checked by @check. */
static GstElement *
av_pipeline_new (ApigoEmulator * emu, const gchar * prompts, guint channels,
    ChannelCheck * check)
{
  GstElement *pipeline = gst_parse_launch (AV_PIPELINE, NULL);
  GstElement *channel;

  fail_unless (pipeline != NULL);
  channel = test_pipeline_get (pipeline, "ch");
  test_source_configure (channel, emu, NULL);
  g_object_set (channel, "size", "160x96", "width", WIDTH, "height", HEIGHT,
      "audio-rate", AV_RATE, "audio-channels", channels, NULL);
  gst_util_set_object_arg (G_OBJECT (channel), "framerate", "30000/1001");
  gst_util_set_object_arg (G_OBJECT (channel), "prompts", prompts);
  channel_check_init (check, AV_FPS_N, AV_FPS_D, AV_RATE, channels);
  channel_check_watch (check, test_pipeline_get (pipeline, "sink"),
      test_pipeline_get (pipeline, "asink"));
  return pipeline;
}

/* Clips with audio: each video frame's samples exactly, no gap, no
 * overlap, the clips' sound where they air and silence in the fallback,
 * converted to the channel's rate and channels; EOS on both pads. */
GST_START_TEST (test_audio_in_step)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  ChannelCheck check;
  GstElement *pipeline;
  g_autoptr (TestRun) run = NULL;

  g_object_set (emu, "audio", TRUE, NULL);
  pipeline = av_pipeline_new (emu, "<\"one\", \"two\">", 1, &check);
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  fail_unless (check.video_eos && check.audio_eos);
  channel_check_assert (&check, TRUE);
  fail_unless_equals_int (count_clip_starts (run), 2);
  fail_unless (check.frames > 2 * CLIP_FRAMES - 2);
  {
    g_autoptr (GPtrArray) ev = channel_events (run, NULL);

    channel_check_assert_sound (&check, ev);
  }
  channel_check_clear (&check);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* Stopping while a generation is in flight (as Ctrl-C in gst-launch-1.0
 * does) ends the channel at once, live or not, rather than when the
 * generation would finish (an hour here). */
typedef struct
{
  GstElement *pipeline;
  gint stopped;
} Stop;

static gpointer
set_null (gpointer data)
{
  Stop *stop = data;

  gst_element_set_state (stop->pipeline, GST_STATE_NULL);
  g_atomic_int_set (&stop->stopped, 1);
  return NULL;
}

GST_START_TEST (test_stop_while_generating)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  guint live;

  g_object_set (emu, "generation-time", 3600.0, NULL);
  for (live = 0; live < 2; live++) {
    Frames f;
    Stop stop = { channel_pipeline_new (emu, "<\"one\">", &f), 0 };
    GThread *thread;

    g_object_set (f.channel, "is-live", (gboolean) live, NULL);
    gst_element_set_state (stop.pipeline, GST_STATE_PLAYING);
    /* On air with the fallback while the clip generates. */
    test_wait_until (f.frames > 3, 30);
    fail_unless_equals_int (g_atomic_int_get (&f.clip0_frame), -1);
    thread = g_thread_new ("set-null", set_null, &stop);
    /* Well under the hour the generation takes: or it never stopped. */
    test_wait_until (g_atomic_int_get (&stop.stopped), 30);
    g_thread_join (thread);
    frames_clear (&f);
    gst_object_unref (stop.pipeline);
  }
}

GST_END_TEST;

/* Serves @user_data (a GBytes) as video/mp4, whatever the path. */
static void
serve_clip (SoupServer * server, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer user_data)
{
  GBytes *clip = user_data;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "video/mp4", SOUP_MEMORY_COPY,
      g_bytes_get_data (clip, NULL), g_bytes_get_size (clip));
}

/* Serves @clip from its own thread: the test's runs no main loop. */
typedef struct
{
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  GThread *thread;
} ClipServer;

static gpointer
clip_server_run (gpointer data)
{
  ClipServer *cs = data;

  g_main_context_push_thread_default (cs->context);
  g_main_loop_run (cs->loop);
  g_main_context_pop_thread_default (cs->context);
  return NULL;
}

/* Its URL of the clip. */
static gchar *
clip_server_start (ClipServer * cs, GBytes * clip)
{
  GSList *uris;
  gchar *uri;

  cs->context = g_main_context_new ();
  cs->loop = g_main_loop_new (cs->context, FALSE);
  g_main_context_push_thread_default (cs->context);
  cs->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (cs->server, NULL, serve_clip, clip, NULL);
  fail_unless (soup_server_listen_local (cs->server, 0,
          SOUP_SERVER_LISTEN_IPV4_ONLY, NULL));
  g_main_context_pop_thread_default (cs->context);
  uris = soup_server_get_uris (cs->server);
  uri = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  cs->thread = g_thread_new ("clip-server", clip_server_run, cs);
  return uri;
}

static void
clip_server_stop (ClipServer * cs)
{
  g_main_loop_quit (cs->loop);
  g_thread_join (cs->thread);
  g_object_unref (cs->server);
  g_main_loop_unref (cs->loop);
  g_main_context_unref (cs->context);
}

/* A clip with sound but no picture (the service's, or one whose video
 * this machine cannot decode), its sound wanted: skipped with a warning
 * as any clip that cannot air, never waited for (it never prerolls, and
 * the channel aired the fallback for ever). */
GST_START_TEST (test_audio_only_clip_skipped)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *path = g_build_filename (test_tmp_dir (),
      "audio-only.mp4", NULL);
  g_autofree gchar *launch = g_strdup_printf ("audiotestsrc num-buffers=50 "
      "! avenc_aac ! mp4mux ! filesink location=\"%s\"", path);
  g_autoptr (GstElement) render = gst_parse_launch (launch, NULL);
  g_autoptr (TestRun) rendered = NULL;
  ClipServer server;
  g_autoptr (GBytes) clip = NULL;
  g_autoptr (GMappedFile) file = NULL;
  g_autoptr (TestRun) run = NULL;
  g_autofree gchar *uri = NULL;
  g_autofree gchar *redirect = NULL;
  ChannelCheck check;
  GstElement *pipeline;
  guint i, skipped = 0;

  fail_unless (render != NULL);
  rendered = test_run (render, test_timeout (60));
  test_run_assert_eos (rendered);
  file = g_mapped_file_new (path, FALSE, NULL);
  fail_unless (file != NULL);
  clip = g_mapped_file_get_bytes (file);
  uri = clip_server_start (&server, clip);
  redirect = g_strdup_printf ("%sclip.mp4", uri);
  g_object_set (emu, "content-redirect", redirect, NULL);

  pipeline = av_pipeline_new (emu, "<\"one\", \"two\">", 2, &check);
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  fail_unless (check.video_eos && check.audio_eos);
  channel_check_assert (&check, TRUE);
  fail_unless_equals_int (count_clip_starts (run), 0);
  for (i = 0; i < run->messages->len; i++) {
    GstMessage *msg = g_ptr_array_index (run->messages, i);
    g_autoptr (GError) error = NULL;

    if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_WARNING)
      continue;
    gst_message_parse_warning (msg, &error, NULL);
    fail_unless (strstr (error->message, "no video") != NULL, "%s",
        error->message);
    skipped++;
  }
  fail_unless_equals_int (skipped, 2);
  channel_check_clear (&check);
  gst_object_unref (pipeline);
  clip_server_stop (&server);
}

GST_END_TEST;

/* Clips without audio: silence, as exactly in step. */
GST_START_TEST (test_audio_silence_without_track)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  ChannelCheck check;
  GstElement *pipeline = av_pipeline_new (emu, "<\"one\", \"two\">", 2,
      &check);
  g_autoptr (TestRun) run = test_run (pipeline, test_timeout (60));
  guint64 n;

  test_run_assert_eos (run);
  fail_unless (check.video_eos && check.audio_eos);
  channel_check_assert (&check, TRUE);
  fail_unless_equals_int (count_clip_starts (run), 2);
  for (n = 0; n < check.audio_buffers; n++)
    fail_if (check.loud->data[n], "sound in frame %" G_GUINT64_FORMAT, n);
  channel_check_clear (&check);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* The size asked of the service, unset, has the output's shape: a
 * portrait clip in a landscape channel would air between black bars. */
GST_START_TEST (test_size_follows_output)
{
  static const struct
  {
    gint width, height;
    const gchar *size;
  } shapes[] = {
    {WIDTH, HEIGHT, "1280x720"},
    {HEIGHT, WIDTH, "720x1280"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (shapes); i++) {
    g_autoptr (ApigoEmulator) emu = test_emulator_new ();
    g_autoptr (TestRun) run = NULL;
    g_autoptr (GPtrArray) creates = NULL;
    g_autofree gchar *size = NULL;
    Frames f;
    GstElement *pipeline = channel_pipeline_new (emu, "<\"one\">", &f);

    g_object_set (f.channel, "size", NULL, "width", shapes[i].width,
        "height", shapes[i].height, NULL);
    g_object_get (f.channel, "size", &size, NULL);
    fail_unless (size == NULL, "size reads %s", size);
    run = test_run (pipeline, test_timeout (60));
    test_run_assert_eos (run);
    creates = test_requests_on (emu, APIGO_EMULATOR_ROUTE_CREATE);
    fail_unless_equals_int (creates->len, 1);
    fail_unless_equals_string (g_hash_table_lookup (((ApigoEmulatorRequest *)
                g_ptr_array_index (creates, 0))->form, "size"),
        shapes[i].size);
    frames_clear (&f);
    gst_object_unref (pipeline);
  }
}

GST_END_TEST;

/* Skips clip 0 once it aired a few frames. */
typedef struct
{
  GstElement *channel;
  gint clip0;                   /* its first frame, once posted */
  gboolean skipped;
} Skipper;

static void
skip_handoff (GstElement * sink, GstBuffer * buffer, GstPad * pad,
    gpointer user_data)
{
  Skipper *k = user_data;
  gint clip0 = g_atomic_int_get (&k->clip0);

  if (!k->skipped && clip0 >= 0
      && GST_BUFFER_OFFSET (buffer) >= (guint64) clip0 + 5) {
    k->skipped = TRUE;
    g_signal_emit_by_name (k->channel, "skip");
  }
}

static GstBusSyncReply
skip_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Skipper *k = user_data;
  const GstStructure *s = gst_message_get_structure (msg);
  guint64 frame;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
      && gst_structure_has_name (s, "apigo-channel")
      && channel_is_event (s, "clip-start")
      && gst_structure_get_uint64 (s, "frame", &frame))
    g_atomic_int_compare_and_exchange (&k->clip0, -1, (gint) frame);
  return GST_BUS_PASS;
}

/* skip cuts the clip's video and audio at the same frame: the next clip's
 * sound follows in step. */
GST_START_TEST (test_audio_skip)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  ChannelCheck check;
  Skipper k = { NULL, -1, FALSE };
  GstElement *pipeline;
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GstBus) bus = NULL;

  g_object_set (emu, "audio", TRUE, NULL);
  pipeline = av_pipeline_new (emu, "<\"one\", \"two\">", 2, &check);
  k.channel = test_pipeline_get (pipeline, "ch");
  g_signal_connect (test_pipeline_get (pipeline, "sink"), "handoff",
      G_CALLBACK (skip_handoff), &k);
  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  gst_bus_set_sync_handler (bus, skip_message, &k, NULL);
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  fail_unless (k.skipped);
  channel_check_assert (&check, TRUE);
  fail_unless_equals_int (count_clip_starts (run), 2);
  /* Clip 0 aired only some of its frames. */
  fail_unless (channel_field_u64 (clip_start (run, 1), "frame") <
      channel_field_u64 (clip_start (run, 0), "frame") + CLIP_FRAMES - 2);
  {
    g_autoptr (GPtrArray) ev = channel_events (run, NULL);

    channel_check_assert_sound (&check, ev);
  }
  channel_check_clear (&check);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* Live, with audio: each frame's samples follow it on the clock, one
 * frame after the other. */
GST_START_TEST (test_audio_live)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  ChannelCheck check;
  GstElement *pipeline;
  GstElement *channel;

  g_object_set (emu, "audio", TRUE, NULL);
  pipeline = av_pipeline_new (emu, "<\"one\">", 2, &check);
  channel = test_pipeline_get (pipeline, "ch");
  g_object_set (channel, "is-live", TRUE, NULL);
  g_object_set (test_pipeline_get (pipeline, "sink"), "sync", TRUE, NULL);
  g_object_set (test_pipeline_get (pipeline, "asink"), "sync", TRUE, NULL);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_NO_PREROLL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  /* Read unlocked: only how far it got, to know when to stop. */
  test_wait_until (check.audio_buffers > 40, 60);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  channel_check_assert (&check, TRUE);
  fail_if (check.video_eos || check.audio_eos);
  channel_check_clear (&check);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* The audio pad is asked for by name (what "ch.audio" does); released,
 * the channel has its video pad alone. */
GST_START_TEST (test_audio_pad_request)
{
  GstElement *channel = gst_element_factory_make ("apigochannel", NULL);
  GstPad *audio;

  fail_unless (channel != NULL);
  fail_if (gst_element_get_static_pad (channel, "audio") != NULL);
  audio = gst_element_request_pad_simple (channel, "audio");
  fail_unless (audio != NULL);
  fail_unless_equals_string (GST_PAD_NAME (audio), "audio");
  gst_element_release_request_pad (channel, audio);
  gst_object_unref (audio);
  fail_unless (channel->numsrcpads == 1);
  gst_object_unref (channel);
}

GST_END_TEST;

/* Into a muxer through an encoder that holds frames back (x264enc's
 * lookahead): the one thread that pushes both pads must not wait on the
 * audio while the muxer waits on the video.  It used to hang. */
GST_START_TEST (test_audio_into_muxer)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GError) error = NULL;
  GstElement *pipeline, *channel;
  g_autoptr (TestRun) run = NULL;

  g_object_set (emu, "audio", TRUE, NULL);
  pipeline = gst_parse_launch ("apigochannel name=ch "
      "ch.video ! queue ! videoconvert ! x264enc ! mux. "
      "ch.audio ! queue ! audioconvert ! avenc_aac ! mux. "
      "mp4mux name=mux ! fakesink", &error);
  fail_unless (pipeline != NULL && error == NULL, "%s",
      error ? error->message : "?");
  channel = test_pipeline_get (pipeline, "ch");
  test_source_configure (channel, emu, NULL);
  g_object_set (channel, "size", "160x96", "width", WIDTH, "height", HEIGHT,
      NULL);
  gst_util_set_object_arg (G_OBJECT (channel), "prompts",
      "<\"one\", \"two\", \"three\">");
  run = test_run (pipeline, test_timeout (60));
  fail_if (run->timed_out, "the channel and its muxer hung");
  test_run_assert_eos (run);
  gst_object_unref (pipeline);
}

GST_END_TEST;

static Suite *
channel_suite (void)
{
  Suite *s = suite_create ("apigochannel");
  TCase *tc = tcase_create ("channel");

  test_add_fixtures (tc);
  tcase_set_timeout (tc, test_timeout (120));
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_frames_continuous);
  tcase_add_test (tc, test_failed_clip_skipped);
  tcase_add_test (tc, test_slow_generation_holds);
  tcase_add_test (tc, test_order_kept);
  tcase_add_test (tc, test_add_prompt);
  tcase_add_test (tc, test_size_follows_output);
  tcase_add_test (tc, test_skip);
  tcase_add_test (tc, test_second_run_replays);
  tcase_add_test (tc, test_live);
  tcase_add_test (tc, test_rate_limit_backs_off);
  tcase_add_test (tc, test_service_down_backs_off);
  tcase_add_test (tc, test_bad_settings_fail_at_start);
  tcase_add_test (tc, test_auth_backs_off);
  tcase_add_test (tc, test_refused_prompt_passed_over);
  tcase_add_test (tc, test_downstream_eos_ends_both);
  tcase_add_test (tc, test_slate_fifo_refused);
  tcase_add_test (tc, test_budget_spent_keeps_airing);
  tcase_add_test (tc, test_restart_resumes);
  tcase_add_test (tc, test_stop_while_generating);
  tcase_add_test (tc, test_audio_in_step);
  tcase_add_test (tc, test_audio_silence_without_track);
  tcase_add_test (tc, test_audio_only_clip_skipped);
  tcase_add_test (tc, test_audio_skip);
  tcase_add_test (tc, test_audio_live);
  tcase_add_test (tc, test_audio_pad_request);
  tcase_add_test (tc, test_audio_into_muxer);
  return s;
}

GST_CHECK_MAIN (channel);
