/* gst-apigo: apigochannel's continuity, each clip continuing the last
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"
#include "channel-check.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>
#include <stdlib.h>
#include <string.h>

#define PIPELINE "apigochannel name=ch ! " \
  "fakesink name=sink sync=false signal-handoffs=true"
#define WIDTH 160
#define HEIGHT 96
/* The emulator's clips are 30 frames a second, 1 s long; so is an
 * extension's new part. */
#define CLIP_FRAMES 30

/* Where this process's temporary files go (set in main()). */
static gchar *own_tmp;

/* Every frame the sink got, in order. */
typedef struct
{
  GPtrArray *frames;
} Frames;

static void
on_handoff (GstElement * sink, GstBuffer * buffer, GstPad * pad,
    gpointer user_data)
{
  Frames *f = user_data;

  g_ptr_array_add (f->frames, gst_buffer_ref (buffer));
}

static GstElement *
channel_pipeline_new (ApigoEmulator * emu, const gchar * prompts,
    const gchar * continuity, Frames * f)
{
  GstElement *pipeline = gst_parse_launch (PIPELINE, NULL);
  GstElement *channel = test_pipeline_get (pipeline, "ch");

  fail_unless (pipeline != NULL);
  test_source_configure (channel, emu, NULL);
  g_object_set (channel, "size", "160x96", "width", WIDTH, "height", HEIGHT,
      NULL);
  gst_util_set_object_arg (G_OBJECT (channel), "prompts", prompts);
  gst_util_set_object_arg (G_OBJECT (channel), "continuity", continuity);
  f->frames = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_buffer_unref);
  g_signal_connect (test_pipeline_get (pipeline, "sink"), "handoff",
      G_CALLBACK (on_handoff), f);
  return pipeline;
}

/* The frames the @nth clip aired: from its clip-start to the next one
 * (or the end), less what fallbacks aired in between (a stall). */
static guint64
clip_frames (TestRun * run, guint nth, guint64 total)
{
  g_autoptr (GPtrArray) ev = channel_events (run, NULL);
  g_autoptr (GPtrArray) starts = channel_events (run, "clip-start");
  guint64 from = channel_field_u64 (g_ptr_array_index (starts, nth), "frame");
  guint64 to = nth + 1 < starts->len ?
      channel_field_u64 (g_ptr_array_index (starts, nth + 1), "frame") : total;
  guint64 fallback = 0;
  guint i;

  for (i = 0; i < ev->len; i++) {
    const GstStructure *s = g_ptr_array_index (ev, i);

    if (channel_is_event (s, "fallback-stop")) {
      guint64 start = channel_field_u64 (s, "frame") -
          channel_field_u64 (s, "frames");

      if (start >= from && start < to)
        fallback += channel_field_u64 (s, "frames");
    }
  }
  return to - from - fallback;
}

static const gchar *
clip_video_id (TestRun * run, guint nth)
{
  g_autoptr (GPtrArray) starts = channel_events (run, "clip-start");

  return gst_structure_get_string (g_ptr_array_index (starts, nth),
      "video-id");
}

/* The source an extension named in its body. */
static const gchar *
extended_id (ApigoEmulatorRequest * r)
{
  const gchar *id = g_hash_table_lookup (r->form, "video_id");

  return id != NULL ? id : g_hash_table_lookup (r->form, "video[id]");
}

/* extend: each clip after the first is an extension of the one before,
 * asked of the extensions endpoint, and only its new part airs. */
GST_START_TEST (test_extend)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  GstElement *pipeline = channel_pipeline_new (emu,
      "<\"one\", \"two\", \"three\">", "extend", &f);
  g_autoptr (TestRun) run = test_run (pipeline, test_timeout (90));
  g_autoptr (GPtrArray) starts = NULL;
  g_autoptr (GPtrArray) creates = NULL;
  g_autoptr (GPtrArray) extensions = NULL;
  guint i;

  test_run_assert_eos (run);
  starts = channel_events (run, "clip-start");
  fail_unless_equals_int (starts->len, 3);

  /* One plain create, then extensions of the clip before. */
  creates = test_requests_on (emu, APIGO_EMULATOR_ROUTE_CREATE);
  extensions = test_requests_on (emu, APIGO_EMULATOR_ROUTE_EXTEND);
  fail_unless_equals_int (creates->len, 1);
  fail_unless_equals_string (g_hash_table_lookup (((ApigoEmulatorRequest *)
              g_ptr_array_index (creates, 0))->form, "prompt"), "one");
  fail_unless_equals_int (extensions->len, 2);
  for (i = 0; i < 2; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (extensions, i);

    fail_unless_equals_string (r->method, "POST");
    fail_unless_equals_string (r->path, "/v1/videos/extensions");
    fail_unless_equals_int (r->status, 200);
    fail_unless_equals_string (g_hash_table_lookup (r->form, "prompt"),
        i == 0 ? "two" : "three");
    fail_unless_equals_string (g_hash_table_lookup (r->form, "seconds"),
        "1");
    fail_unless_equals_string (extended_id (r), clip_video_id (run, i));
    fail_unless_equals_string (r->video_id, clip_video_id (run, i + 1));
  }

  /* The extensions are 2 and 3 s long: each airs its last second only. */
  for (i = 0; i < 3; i++)
    fail_unless_equals_uint64 (clip_frames (run, i, f.frames->len),
        CLIP_FRAMES);

  g_ptr_array_unref (f.frames);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* The tone of a frame's mono S16 audio, from its zero crossings (a sine
 * of f Hz crosses 2f times a second). */
static gdouble
tone_of (GstBuffer * buffer, gint fps)
{
  GstMapInfo map;
  const gint16 *s;
  gsize i, n;
  guint crossings = 0;

  fail_unless (gst_buffer_map (buffer, &map, GST_MAP_READ));
  s = (const gint16 *) map.data;
  n = map.size / 2;
  for (i = 1; i < n; i++)
    crossings += (s[i - 1] < 0) != (s[i] < 0);
  gst_buffer_unmap (buffer, &map);
  return crossings * fps / 2.0;
}

/* The mean tone of the middle of the @nth clip aired (AAC smears its
 * edges). */
static gdouble
clip_tone (TestRun * run, GPtrArray * audio, guint nth)
{
  g_autoptr (GPtrArray) starts = channel_events (run, "clip-start");
  guint64 from = channel_field_u64 (g_ptr_array_index (starts, nth), "frame");
  gdouble sum = 0;
  guint64 i;

  fail_unless (from + CLIP_FRAMES <= audio->len, "clip %u from frame %"
      G_GUINT64_FORMAT ", %u audio buffers", nth, from, audio->len);
  for (i = from + 5; i < from + CLIP_FRAMES - 5; i++)
    sum += tone_of (g_ptr_array_index (audio, i), 30);
  return sum / (CLIP_FRAMES - 10);
}

static void
on_audio (GstElement * sink, GstBuffer * buffer, GstPad * pad,
    gpointer user_data)
{
  g_ptr_array_add (user_data, gst_buffer_ref (buffer));
}

/* extend with sound: an extension's audio starts where its picture airs,
 * to the sample.  The emulator's tone is the part's own (275 Hz for
 * "four", 495 Hz for "three"), so the source's second, left out, would
 * show as the wrong tone; and every frame's samples stay in step. */
GST_START_TEST (test_extend_audio)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  GstElement *pipeline = gst_parse_launch ("apigochannel name=ch "
      "ch.video ! fakesink name=sink sync=false signal-handoffs=true "
      "ch.audio ! fakesink name=asink sync=false signal-handoffs=true",
      NULL);
  GstElement *channel = test_pipeline_get (pipeline, "ch");
  g_autoptr (GPtrArray) audio = g_ptr_array_new_with_free_func
      ((GDestroyNotify) gst_buffer_unref);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) ev = NULL;
  g_autoptr (GPtrArray) extensions = NULL;
  ChannelCheck check;
  gdouble tone;

  g_object_set (emu, "audio", TRUE, NULL);
  test_source_configure (channel, emu, NULL);
  g_object_set (channel, "size", "160x96", "width", WIDTH, "height", HEIGHT,
      "audio-rate", 48000, "audio-channels", 1, NULL);
  gst_util_set_object_arg (G_OBJECT (channel), "prompts",
      "<\"four\", \"three\">");
  gst_util_set_object_arg (G_OBJECT (channel), "continuity", "extend");
  channel_check_init (&check, 30, 1, 48000, 1);
  channel_check_watch (&check, test_pipeline_get (pipeline, "sink"),
      test_pipeline_get (pipeline, "asink"));
  g_signal_connect (test_pipeline_get (pipeline, "asink"), "handoff",
      G_CALLBACK (on_audio), audio);

  run = test_run (pipeline, test_timeout (90));
  test_run_assert_eos (run);
  channel_check_assert (&check, TRUE);
  ev = channel_events (run, NULL);
  channel_check_assert_sound (&check, ev);
  extensions = test_requests_on (emu, APIGO_EMULATOR_ROUTE_EXTEND);
  fail_unless_equals_int (extensions->len, 1);
  tone = clip_tone (run, audio, 0);
  fail_unless (tone > 250 && tone < 300, "clip 0 sounds %g Hz", tone);
  tone = clip_tone (run, audio, 1);
  fail_unless (tone > 470 && tone < 520, "clip 1 sounds %g Hz, not its "
      "own 495 Hz", tone);

  channel_check_clear (&check);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* extend, run again: the same chain is the same requests, replayed from
 * the cache; nothing is made again. */
GST_START_TEST (test_extend_replays)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  gchar *ids[2] = { NULL, NULL };
  guint round;

  for (round = 0; round < 2; round++) {
    Frames f;
    GstElement *pipeline = channel_pipeline_new (emu, "<\"one\", \"two\">",
        "extend", &f);
    g_autoptr (TestRun) run = test_run (pipeline, test_timeout (90));

    test_run_assert_eos (run);
    if (round == 0) {
      ids[0] = g_strdup (clip_video_id (run, 0));
      ids[1] = g_strdup (clip_video_id (run, 1));
    } else {
      fail_unless_equals_string (clip_video_id (run, 0), ids[0]);
      fail_unless_equals_string (clip_video_id (run, 1), ids[1]);
    }
    fail_unless_equals_uint64 (clip_frames (run, 1, f.frames->len),
        CLIP_FRAMES);
    fail_unless_equals_int (apigo_emulator_count_requests (emu,
            APIGO_EMULATOR_ROUTE_CREATE, "POST"), 1);
    fail_unless_equals_int (apigo_emulator_count_requests (emu,
            APIGO_EMULATOR_ROUTE_EXTEND, "POST"), 1);
    g_ptr_array_unref (f.frames);
    gst_object_unref (pipeline);
  }
  g_free (ids[0]);
  g_free (ids[1]);
}

GST_END_TEST;

/* A clip that fails breaks the chain: the next is a plain create. */
GST_START_TEST (test_extend_failed_restarts)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  GstElement *pipeline = channel_pipeline_new (emu,
      "<\"one\", \"two [fail]\", \"three\">", "extend", &f);
  g_autoptr (TestRun) run = test_run (pipeline, test_timeout (90));
  g_autoptr (GPtrArray) creates = NULL;
  g_autoptr (GPtrArray) extensions = NULL;

  test_run_assert_eos (run);
  fail_unless (test_run_saw (run, GST_MESSAGE_WARNING, "two [fail]"));
  extensions = test_requests_on (emu, APIGO_EMULATOR_ROUTE_EXTEND);
  creates = test_requests_on (emu, APIGO_EMULATOR_ROUTE_CREATE);
  fail_unless_equals_int (extensions->len, 1);
  fail_unless_equals_string (g_hash_table_lookup (((ApigoEmulatorRequest *)
              g_ptr_array_index (extensions, 0))->form, "prompt"),
      "two [fail]");
  fail_unless_equals_int (creates->len, 2);
  fail_unless_equals_string (g_hash_table_lookup (((ApigoEmulatorRequest *)
              g_ptr_array_index (creates, 1))->form, "prompt"), "three");
  g_ptr_array_unref (f.frames);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A 429 on an extension: the channel backs off, the extension is tried
 * again and the chain holds (each clip still airs its new part only). */
GST_START_TEST (test_extend_rate_limited)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  ApigoEmulatorFault fault = { APIGO_EMULATOR_ROUTE_EXTEND, 429,
    APIGO_EMULATOR_BODY_JSON, "1", NULL, NULL, 1
  };
  Frames f;
  GstElement *pipeline = channel_pipeline_new (emu,
      "<\"one\", \"two\", \"three\">", "extend", &f);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) extensions = NULL;
  g_autoptr (GPtrArray) ev = NULL;
  gboolean backoff = FALSE;
  guint i;

  apigo_emulator_inject (emu, &fault);
  run = test_run (pipeline, test_timeout (90));
  test_run_assert_eos (run);
  ev = channel_events (run, NULL);
  for (i = 0; i < ev->len; i++)
    backoff |= channel_is_event (g_ptr_array_index (ev, i), "backoff");
  fail_unless (backoff, "the channel did not back off on a 429");
  extensions = test_requests_on (emu, APIGO_EMULATOR_ROUTE_EXTEND);
  fail_unless_equals_int (extensions->len, 3);
  fail_unless_equals_int (((ApigoEmulatorRequest *)
          g_ptr_array_index (extensions, 0))->status, 429);
  /* Refused before its body was read; then its retry, then the next. */
  for (i = 1; i < 3; i++)
    fail_unless_equals_string (extended_id (g_ptr_array_index (extensions,
                i)), clip_video_id (run, i - 1));
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, "POST"), 1);
  for (i = 0; i < 3; i++)
    fail_unless_equals_uint64 (clip_frames (run, i, f.frames->len),
        CLIP_FRAMES);
  g_ptr_array_unref (f.frames);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* The openrouter dialect has no extensions: refused at start, naming the
 * property, before any request. */
GST_START_TEST (test_extend_openrouter_refused)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("openrouter");
  Frames f;
  GstElement *pipeline = channel_pipeline_new (emu, "<\"one\", \"two\">",
      "extend", &f);
  g_autoptr (TestRun) run = NULL;

  gst_util_set_object_arg (G_OBJECT (test_pipeline_get (pipeline, "ch")),
      "dialect", "openrouter");
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_error (run, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "continuity");
  fail_unless (test_run_saw (run, GST_MESSAGE_ERROR, "dialect openrouter"));
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
  fail_unless_equals_int (f.frames->len, 0);
  g_ptr_array_unref (f.frames);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* @png decoded to RGB (a new buffer), its size in *@width, *@height. */
static GstBuffer *
decode_png (GBytes * png, gint * width, gint * height)
{
  g_autoptr (GstElement) pipeline = gst_parse_launch ("appsrc name=in "
      "caps=image/png ! pngdec ! videoconvert ! video/x-raw,format=RGB ! "
      "appsink name=out", NULL);
  GstElement *in = test_pipeline_get (pipeline, "in");
  GstElement *out = test_pipeline_get (pipeline, "out");
  g_autoptr (GstSample) sample = NULL;
  GstStructure *s;
  GstBuffer *buffer;

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  gst_app_src_push_buffer (GST_APP_SRC (in), gst_buffer_new_wrapped_bytes
      (png));
  gst_app_src_end_of_stream (GST_APP_SRC (in));
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (out),
      test_timeout (30) * GST_SECOND);
  fail_unless (sample != NULL, "the input reference is no PNG");
  s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  gst_structure_get_int (s, "width", width);
  gst_structure_get_int (s, "height", height);
  buffer = gst_buffer_ref (gst_sample_get_buffer (sample));
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return buffer;
}

/* @frame, a frame the channel aired, in RGB (a new buffer). */
static GstBuffer *
frame_to_rgb (GstBuffer * frame)
{
  g_autoptr (GstCaps) caps = gst_caps_new_simple ("video/x-raw",
      "format", G_TYPE_STRING, "I420", "width", G_TYPE_INT, WIDTH,
      "height", G_TYPE_INT, HEIGHT, "framerate", GST_TYPE_FRACTION, 30, 1,
      NULL);
  g_autoptr (GstCaps) rgb = gst_caps_new_simple ("video/x-raw",
      "format", G_TYPE_STRING, "RGB", "width", G_TYPE_INT, WIDTH,
      "height", G_TYPE_INT, HEIGHT, NULL);
  g_autoptr (GstSample) in = gst_sample_new (frame, caps, NULL, NULL);
  g_autoptr (GstSample) out = NULL;
  g_autoptr (GError) error = NULL;

  out = gst_video_convert_sample (in, rgb, test_timeout (30) * GST_SECOND,
      &error);
  fail_unless (out != NULL, "%s", error ? error->message : "no frame");
  return gst_buffer_ref (gst_sample_get_buffer (out));
}

/* The mean difference of two RGB frames of WIDTH x HEIGHT (packed, no
 * padding: rows of 480 bytes). */
static gdouble
rgb_difference (GstBuffer * a, GstBuffer * b)
{
  GstMapInfo ma, mb;
  guint64 sum = 0;
  guint i;

  gst_buffer_map (a, &ma, GST_MAP_READ);
  gst_buffer_map (b, &mb, GST_MAP_READ);
  fail_unless_equals_int (ma.size, WIDTH * HEIGHT * 3);
  fail_unless_equals_int (mb.size, WIDTH * HEIGHT * 3);
  for (i = 0; i < ma.size; i++)
    sum += ABS ((gint) ma.data[i] - (gint) mb.data[i]);
  gst_buffer_unmap (a, &ma);
  gst_buffer_unmap (b, &mb);
  return (gdouble) sum / ma.size;
}

/* The channel's directories in our temporary directory. */
static guint
channel_dirs (void)
{
  g_autoptr (GDir) dir = g_dir_open (own_tmp, 0, NULL);
  const gchar *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_prefix (name, "apigochannel-");
  return n;
}

/* last-frame: the second clip is made from the last frame the first
 * aired, sent as its input reference: a PNG of the channel's size. */
GST_START_TEST (test_last_frame)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Frames f;
  GstElement *pipeline = channel_pipeline_new (emu, "<\"one\", \"two\">",
      "last-frame", &f);
  g_autoptr (TestRun) run = test_run (pipeline, test_timeout (90));
  g_autoptr (GPtrArray) starts = NULL;
  g_autoptr (GPtrArray) creates = NULL;
  g_autoptr (GstBuffer) reference = NULL;
  ApigoEmulatorRequest *r;
  ApigoEmulatorFile *file;
  g_autoptr (GstBuffer) last = NULL;
  g_autoptr (GstBuffer) other = NULL;
  guint64 start0, start1, k;
  gint width = 0, height = 0;
  gdouble to_last, to_other;

  test_run_assert_eos (run);
  starts = channel_events (run, "clip-start");
  fail_unless_equals_int (starts->len, 2);
  creates = test_requests_on (emu, APIGO_EMULATOR_ROUTE_CREATE);
  fail_unless_equals_int (creates->len, 2);
  r = g_ptr_array_index (creates, 0);
  fail_unless (r->files == NULL || r->files->len == 0,
      "the first clip had an input reference");
  r = g_ptr_array_index (creates, 1);
  fail_unless_equals_string (g_hash_table_lookup (r->form, "prompt"), "two");
  fail_unless (r->files != NULL && r->files->len == 1);
  file = g_ptr_array_index (r->files, 0);
  fail_unless_equals_string (file->name, "input_reference");
  fail_unless_equals_string (file->content_type, "image/png");

  reference = decode_png (file->data, &width, &height);
  fail_unless_equals_int (width, WIDTH);
  fail_unless_equals_int (height, HEIGHT);
  /* The frame before the second clip: the first one's last (or the hold
   * of it). */
  start0 = channel_field_u64 (g_ptr_array_index (starts, 0), "frame");
  start1 = channel_field_u64 (g_ptr_array_index (starts, 1), "frame");
  last = frame_to_rgb (g_ptr_array_index (f.frames, start1 - 1));
  other = frame_to_rgb (g_ptr_array_index (f.frames, f.frames->len - 1));
  to_last = rgb_difference (reference, last);
  to_other = rgb_difference (reference, other);
  fail_unless (to_last < 0.5, "the reference is %.2f off the last frame",
      to_last);
  /* The clip barely moves (H.264 noise): the last frame is the nearest of
   * its frames. */
  for (k = start0; k < start1 - 1; k++) {
    g_autoptr (GstBuffer) other =
        frame_to_rgb (g_ptr_array_index (f.frames, k));

    fail_unless (rgb_difference (reference, other) >= to_last,
        "frame %" G_GUINT64_FORMAT " is nearer the reference than the "
        "last one", k);
  }
  /* And another clip's picture is far from it. */
  fail_unless (to_other > 10.0, "the reference is only %.2f off the "
      "second clip's last frame", to_other);
  /* The PNG was the channel's, and went with it. */
  fail_unless_equals_int (channel_dirs (), 0);

  g_ptr_array_unref (f.frames);
  gst_object_unref (pipeline);
}

GST_END_TEST;

static Suite *
continuity_suite (void)
{
  Suite *s = suite_create ("apigochannel-continuity");
  TCase *tc = tcase_create ("continuity");

  test_add_fixtures (tc);
  tcase_set_timeout (tc, test_timeout (180));
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_extend);
  tcase_add_test (tc, test_extend_audio);
  tcase_add_test (tc, test_extend_replays);
  tcase_add_test (tc, test_extend_failed_restarts);
  tcase_add_test (tc, test_extend_rate_limited);
  tcase_add_test (tc, test_extend_openrouter_refused);
  tcase_add_test (tc, test_last_frame);
  return s;
}

int
main (int argc, char **argv)
{
  const gchar *tmp = g_getenv ("TMPDIR");
  gint ret;

  /* A temporary directory of our own, before GLib reads TMPDIR: what the
   * channel leaves there is ours alone to see. */
  own_tmp = g_strdup_printf ("%s/apigo-continuity-XXXXXX",
      tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
  g_assert_nonnull (g_mkdtemp (own_tmp));
  g_setenv ("TMPDIR", own_tmp, TRUE);
  gst_check_init (&argc, &argv);
  ret = gst_check_run_suite (continuity_suite (), "apigochannel-continuity",
      __FILE__);
  g_rmdir (own_tmp);
  g_free (own_tmp);
  return ret;
}
