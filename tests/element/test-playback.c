/* gst-apigo: generated clips play and arrive byte for byte
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#define DECODE_PIPELINE \
  "apigovideosrc name=src ! decodebin ! video/x-raw ! fakesink name=sink"

static GBytes *
served_content (ApigoEmulator * emu, GstElement * src)
{
  g_autofree gchar *id = NULL;
  GBytes *content;

  g_object_get (src, "video-id", &id, NULL);
  fail_unless (id != NULL, "the element does not tell the new video-id");
  content = apigo_emulator_get_content (emu, id);
  fail_unless (content != NULL, "the emulator has no clip for %s", id);
  return content;
}

/* Big-endian, byte by byte: MP4 boxes need not be aligned, and
 * GST_READ_UINT32_BE may load them as if they were. */
static guint64
read_be (const guint8 * p, guint bytes)
{
  guint64 v = 0;
  guint i;

  for (i = 0; i < bytes; i++)
    v = (v << 8) | p[i];
  return v;
}

/* Offset of the top-level MP4 box @type, or -1. */
static gint64
mp4_box_offset (GBytes * mp4, const gchar * type)
{
  gsize len;
  const guint8 *d = g_bytes_get_data (mp4, &len);
  guint64 off = 0;

  while (off + 8 <= len) {
    guint64 size = read_be (d + off, 4);

    if (memcmp (d + off + 4, type, 4) == 0)
      return off;
    if (size == 1 && off + 16 <= len)
      size = read_be (d + off + 8, 8);
    if (size < 8)
      break;
    off += size;
  }
  return -1;
}

static void
assert_decoded (TestCollector * c, gint width, gint height, guint seconds)
{
  GstStructure *s;
  gint w = 0, h = 0, fps_n = 0, fps_d = 1;

  fail_unless (c->caps != NULL, "no caps reached the sink");
  s = gst_caps_get_structure (c->caps, 0);
  fail_unless (gst_structure_get_int (s, "width", &w));
  fail_unless (gst_structure_get_int (s, "height", &h));
  fail_unless (gst_structure_get_fraction (s, "framerate", &fps_n, &fps_d));
  fail_unless_equals_int (w, width);
  fail_unless_equals_int (h, height);
  fail_unless (fps_n > 0 && fps_d > 0);
  fail_unless_equals_int (c->buffers, seconds * fps_n / fps_d);
}

GST_START_TEST (test_prompt_becomes_frames)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu,
      "a red fox in snow", DECODE_PIPELINE);
  g_autoptr (TestRun) run = NULL;
  TestCollector frames;

  test_collect (test_pipeline_get (pipeline, "sink"), &frames, FALSE);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);

  assert_decoded (&frames, 320, 180, 1);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 1);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CONTENT, NULL), 1);
  test_collector_clear (&frames);
}

GST_END_TEST;

/* The service's default shape, with an audio track as real clips have. */
GST_START_TEST (test_default_size_with_audio)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu,
      "a lighthouse at dusk", DECODE_PIPELINE);
  g_autoptr (TestRun) run = NULL;
  TestCollector frames;

  g_object_set (emu, "audio", TRUE, "any-size", FALSE, NULL);
  g_object_set (test_pipeline_get (pipeline, "src"), "size", "720x1280",
      "seconds", 4, NULL);
  test_collect (test_pipeline_get (pipeline, "sink"), &frames, FALSE);
  run = test_run (pipeline, 120);
  test_run_assert_eos (run);

  assert_decoded (&frames, 720, 1280, 4);
  test_collector_clear (&frames);
}

GST_END_TEST;

GST_START_TEST (test_bytes_identical)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu,
      "bytes for bytes", "apigovideosrc name=src ! fakesink name=sink");
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GBytes) content = NULL;
  TestCollector out;

  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);

  content = served_content (emu, test_pipeline_get (pipeline, "src"));
  test_assert_same_bytes (content, out.bytes->data, out.bytes->len);
  test_collector_clear (&out);

  /* The size became known while playing: applications are told. */
  {
    gboolean duration_changed = FALSE;
    guint i;

    for (i = 0; i < run->messages->len; i++)
      duration_changed |= GST_MESSAGE_TYPE (g_ptr_array_index (run->messages,
              i)) == GST_MESSAGE_DURATION_CHANGED;
    fail_unless (duration_changed);
  }
}

GST_END_TEST;

static GstBuffer *
get_range (GstPad * pad, guint64 offset, guint size, GstFlowReturn expect)
{
  GstBuffer *buf = NULL;
  GstFlowReturn ret = gst_pad_get_range (pad, offset, size, &buf);

  fail_unless_equals_int (ret, expect);
  return buf;
}

/* Pull mode, as qtdemux uses it: reads at any offset, in any order, before
 * and after the download completes. */
GST_START_TEST (test_random_access)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) src = test_source_new (emu, "random access");
  g_autoptr (GstPad) pad = gst_element_get_static_pad (src, "src");
  g_autoptr (GBytes) content = NULL;
  g_autoptr (GByteArray) whole = g_byte_array_new ();
  GstBuffer *buf;
  const guint8 *want;
  gsize len;
  guint64 offset = 0;
  gint64 duration = 0;

  fail_unless_equals_int (gst_element_set_state (src, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless (gst_pad_activate_mode (pad, GST_PAD_MODE_PULL, TRUE));

  /* First read in the middle: it waits for the generation and the bytes. */
  buf = get_range (pad, 1000, 3000, GST_FLOW_OK);
  content = served_content (emu, src);
  want = g_bytes_get_data (content, &len);
  fail_unless (len > 4000);
  fail_unless (gst_buffer_memcmp (buf, 0, want + 1000, 3000) == 0);
  gst_buffer_unref (buf);

  /* The whole clip in odd pieces. */
  for (;;) {
    GstMapInfo map;

    buf = NULL;
    if (gst_pad_get_range (pad, offset, 7777, &buf) == GST_FLOW_EOS)
      break;
    fail_unless (buf != NULL);
    gst_buffer_map (buf, &map, GST_MAP_READ);
    g_byte_array_append (whole, map.data, map.size);
    gst_buffer_unmap (buf, &map);
    offset += gst_buffer_get_size (buf);
    gst_buffer_unref (buf);
  }
  test_assert_same_bytes (content, whole->data, whole->len);

  /* The end, then the start again; past the end is EOS. */
  buf = get_range (pad, len - 10, 100, GST_FLOW_OK);
  fail_unless_equals_int (gst_buffer_get_size (buf), 10);
  fail_unless (gst_buffer_memcmp (buf, 0, want + len - 10, 10) == 0);
  gst_buffer_unref (buf);
  buf = get_range (pad, 0, 16, GST_FLOW_OK);
  fail_unless (gst_buffer_memcmp (buf, 0, want, 16) == 0);
  gst_buffer_unref (buf);
  fail_unless (get_range (pad, len + 5, 10, GST_FLOW_EOS) == NULL);

  /* The byte length is known to queries once downloaded. */
  fail_unless (gst_pad_query_duration (pad, GST_FORMAT_BYTES, &duration));
  fail_unless_equals_int64 (duration, len);

  fail_unless (gst_pad_activate_mode (pad, GST_PAD_MODE_PULL, FALSE));
  gst_element_set_state (src, GST_STATE_NULL);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 1);
}

GST_END_TEST;

/* moov after mdat: qtdemux must read the end first (pull) or seek to it
 * (push); both must work. */
static void
play_moov_at_end (const gchar * description)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GBytes) content = NULL;
  TestCollector frames;

  g_object_set (emu, "faststart", FALSE, NULL);
  pipeline = test_pipeline_new (emu, "moov at the end", description);
  test_collect (test_pipeline_get (pipeline, "sink"), &frames, FALSE);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);
  assert_decoded (&frames, 320, 180, 1);

  content = served_content (emu, test_pipeline_get (pipeline, "src"));
  fail_unless (mp4_box_offset (content, "moov") > mp4_box_offset (content,
          "mdat"), "the emulator put moov first: this test tests nothing");
  test_collector_clear (&frames);
}

GST_START_TEST (test_moov_at_end_pull)
{
  play_moov_at_end (DECODE_PIPELINE);
}

GST_END_TEST;

/* valve only pushes: the element runs in push mode, and with small blocks
 * qtdemux has to seek to the moov and back.  (Not a queue: with one,
 * GStreamer 1.22's qtdemux can stall at the end of any clip, from filesrc
 * too, when its EOS overtakes the queue's.) */
GST_START_TEST (test_moov_at_end_push)
{
  play_moov_at_end ("apigovideosrc name=src blocksize=4096 ! valve ! "
      "decodebin ! video/x-raw ! fakesink name=sink");
}

GST_END_TEST;

typedef struct
{
  ApigoEmulator *emu;
  gint downloads_done_at_first_buffer;
} FirstBuffer;

static GstPadProbeReturn
on_first_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  FirstBuffer *fb = user_data;

  fb->downloads_done_at_first_buffer =
      apigo_emulator_count_completed_downloads (fb->emu);
  return GST_PAD_PROBE_REMOVE;
}

/* Bytes leave the element while the service is still sending the clip. */
GST_START_TEST (test_progressive)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstPad) pad = NULL;
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GBytes) content = NULL;
  FirstBuffer fb = { emu, -1 };
  TestCollector out;

  pipeline = test_pipeline_new (emu, "slow link",
      "apigovideosrc name=src blocksize=1024 ! fakesink name=sink");
  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  pad = gst_element_get_static_pad (test_pipeline_get (pipeline, "src"),
      "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_first_buffer, &fb,
      NULL);
  /* 2 KiB/s: the download of this clip takes seconds. */
  g_object_set (emu, "throttle", (guint64) 2048, NULL);

  run = test_run (pipeline, 120);
  test_run_assert_eos (run);

  content = served_content (emu, test_pipeline_get (pipeline, "src"));
  fail_unless (g_bytes_get_size (content) > 4 * 1024,
      "the clip is too small to show anything");
  fail_unless_equals_int (fb.downloads_done_at_first_buffer, 0);
  fail_unless_equals_int (apigo_emulator_count_completed_downloads (emu), 1);
  test_assert_same_bytes (content, out.bytes->data, out.bytes->len);
  test_collector_clear (&out);
}

GST_END_TEST;

/* A flushing seek in time after preroll plays from there. */
GST_START_TEST (test_seek)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "seekable",
      DECODE_PIPELINE);
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) msg = NULL;
  TestCollector frames;

  g_object_set (test_pipeline_get (pipeline, "src"), "seconds", 2, NULL);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PAUSED) !=
      GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_int (gst_element_get_state (pipeline, NULL, NULL,
          test_timeout (60) * GST_SECOND), GST_STATE_CHANGE_SUCCESS);

  test_collect (test_pipeline_get (pipeline, "sink"), &frames, FALSE);
  fail_unless (gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE, GST_SECOND));
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, test_timeout (60) * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  /* Two seconds from the one-second mark: the second half only. */
  fail_unless (frames.buffers > 0);
  fail_unless (frames.buffers <= 31, "%u frames after the seek",
      frames.buffers);
  test_collector_clear (&frames);
}

GST_END_TEST;

static Suite *
playback_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-playback");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 180);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_prompt_becomes_frames);
  tcase_add_test (tc, test_default_size_with_audio);
  tcase_add_test (tc, test_bytes_identical);
  tcase_add_test (tc, test_random_access);
  tcase_add_test (tc, test_moov_at_end_pull);
  tcase_add_test (tc, test_moov_at_end_push);
  tcase_add_test (tc, test_progressive);
  tcase_add_test (tc, test_seek);
  return s;
}

GST_CHECK_MAIN (playback);
