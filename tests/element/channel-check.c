/* gst-apigo: what apigochannel's output must be, checked buffer by buffer
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "channel-check.h"

#include <gst/check/gstcheck.h>

void
channel_check_init (ChannelCheck * check, gint fps_n, gint fps_d,
    guint rate, guint channels)
{
  memset (check, 0, sizeof (*check));
  check->fps_n = fps_n;
  check->fps_d = fps_d;
  check->rate = rate;
  check->channels = channels;
  check->bad_frame = -1;
  check->bad_audio = -1;
  check->loud = g_byte_array_new ();
}

void
channel_check_clear (ChannelCheck * check)
{
  g_clear_pointer (&check->loud, g_byte_array_unref);
  g_clear_pointer (&check->bad_audio_why, g_free);
}

guint64
channel_check_sample (ChannelCheck * check, guint64 n)
{
  /* Written out, not the element's helper: the test states the promise. */
  return gst_util_uint64_scale (n, (guint64) check->rate * check->fps_d,
      check->fps_n);
}

static GstClockTime
frame_pts (ChannelCheck * check, guint64 n)
{
  return check->base + gst_util_uint64_scale (n, GST_SECOND * check->fps_d,
      check->fps_n);
}

static void
on_video (GstElement * sink, GstBuffer * buffer, GstPad * pad,
    gpointer user_data)
{
  ChannelCheck *check = user_data;
  guint64 n = check->frames;

  if (n == 0)
    check->base = GST_BUFFER_PTS (buffer);
  if (check->bad_frame < 0 && (GST_BUFFER_PTS (buffer) != frame_pts (check,
              n) || GST_BUFFER_DURATION (buffer) != frame_pts (check,
              n + 1) - frame_pts (check, n))) {
    check->bad_frame = n;
    check->bad_pts = GST_BUFFER_PTS (buffer);
  }
  check->frames++;
}

static void
bad_audio (ChannelCheck * check, guint64 n, const gchar * format, ...)
{
  va_list args;

  if (check->bad_audio >= 0)
    return;
  check->bad_audio = n;
  va_start (args, format);
  check->bad_audio_why = g_strdup_vprintf (format, args);
  va_end (args);
}

static void
on_audio (GstElement * sink, GstBuffer * buffer, GstPad * pad,
    gpointer user_data)
{
  ChannelCheck *check = user_data;
  guint64 n = check->audio_buffers;
  guint64 first = channel_check_sample (check, n);
  guint64 end = channel_check_sample (check, n + 1);
  guint bpf = 2 * check->channels;
  GstClockTime pts, frame_time;
  guint8 loud = 0;
  GstMapInfo map;
  gsize i;

  if (n == 0)
    check->audio_base = GST_BUFFER_PTS (buffer);
  pts = check->audio_base + gst_util_uint64_scale (first, GST_SECOND,
      check->rate);
  /* Where its video frame is, on the audio's own timeline. */
  frame_time = check->audio_base + gst_util_uint64_scale (n,
      GST_SECOND * check->fps_d, check->fps_n);
  if (GST_BUFFER_OFFSET (buffer) != first
      || GST_BUFFER_OFFSET_END (buffer) != end)
    bad_audio (check, n, "offsets %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT
        ", not %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT,
        GST_BUFFER_OFFSET (buffer), GST_BUFFER_OFFSET_END (buffer), first,
        end);
  if (gst_buffer_get_size (buffer) != (end - first) * bpf)
    bad_audio (check, n, "%" G_GSIZE_FORMAT " bytes, not %" G_GUINT64_FORMAT,
        gst_buffer_get_size (buffer), (end - first) * bpf);
  if (GST_BUFFER_PTS (buffer) != pts || GST_BUFFER_DURATION (buffer) !=
      check->audio_base + gst_util_uint64_scale (end, GST_SECOND,
          check->rate) - pts)
    bad_audio (check, n, "pts %" GST_TIME_FORMAT " duration %"
        GST_TIME_FORMAT ", not %" GST_TIME_FORMAT,
        GST_TIME_ARGS (GST_BUFFER_PTS (buffer)),
        GST_TIME_ARGS (GST_BUFFER_DURATION (buffer)), GST_TIME_ARGS (pts));
  /* In step: it starts less than a sample before its frame. */
  if (pts > frame_time || frame_time - pts >= gst_util_uint64_scale_ceil (1,
          GST_SECOND, check->rate))
    bad_audio (check, n, "starts at %" GST_TIME_FORMAT ", its frame at %"
        GST_TIME_FORMAT, GST_TIME_ARGS (pts), GST_TIME_ARGS (frame_time));

  gst_buffer_map (buffer, &map, GST_MAP_READ);
  for (i = 0; i < map.size && !loud; i++)
    loud = map.data[i] != 0;
  gst_buffer_unmap (buffer, &map);
  g_byte_array_append (check->loud, &loud, 1);
  check->audio_buffers++;
}

static GstPadProbeReturn
on_event (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS)
    *(gboolean *) user_data = TRUE;
  return GST_PAD_PROBE_OK;
}

static void
watch_eos (GstElement * sink, gboolean * eos)
{
  GstPad *pad = gst_element_get_static_pad (sink, "sink");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_event, eos,
      NULL);
  gst_object_unref (pad);
}

void
channel_check_watch (ChannelCheck * check, GstElement * video,
    GstElement * audio)
{
  g_signal_connect (video, "handoff", G_CALLBACK (on_video), check);
  watch_eos (video, &check->video_eos);
  if (audio != NULL) {
    g_signal_connect (audio, "handoff", G_CALLBACK (on_audio), check);
    watch_eos (audio, &check->audio_eos);
  }
}

void
channel_check_assert (ChannelCheck * check, gboolean with_audio)
{
  fail_unless (check->bad_frame < 0, "frame %" G_GINT64_FORMAT " has pts %"
      GST_TIME_FORMAT, check->bad_frame, GST_TIME_ARGS (check->bad_pts));
  if (!with_audio)
    return;
  fail_unless (check->bad_audio < 0, "audio buffer %" G_GINT64_FORMAT ": %s",
      check->bad_audio, check->bad_audio_why);
  /* Stopped mid-way, either may have a frame or two more queued. */
  if (check->video_eos) {
    fail_unless_equals_uint64 (check->audio_buffers, check->frames);
  } else {
    fail_unless (check->audio_buffers + 4 > check->frames
        && check->frames + 4 > check->audio_buffers, "%" G_GUINT64_FORMAT
        " frames, %" G_GUINT64_FORMAT " audio buffers", check->frames,
        check->audio_buffers);
  }
  fail_unless (check->audio_buffers > 0, "no audio");
  fail_unless_equals_uint64 (check->audio_base, check->base);
  fail_unless (check->audio_eos == check->video_eos,
      "EOS on video %d, on audio %d", check->video_eos, check->audio_eos);
}

static guint64
event_frame (const GstStructure * s)
{
  guint64 frame = 0;

  fail_unless (gst_structure_get_uint64 (s, "frame", &frame));
  return frame;
}

void
channel_check_assert_sound (ChannelCheck * check, GPtrArray * events)
{
  guint i;

  for (i = 0; i < events->len; i++) {
    const GstStructure *s = g_ptr_array_index (events, i);
    const gchar *event = gst_structure_get_string (s, "event");
    guint64 from = event_frame (s), to = check->loud->len, n, loud = 0;

    if (i + 1 < events->len)
      to = event_frame (g_ptr_array_index (events, i + 1));
    fail_unless (to <= check->loud->len);
    if (g_strcmp0 (event, "fallback-start") == 0) {
      for (n = from; n < to; n++)
        fail_if (check->loud->data[n], "sound in fallback frame %"
            G_GUINT64_FORMAT, n);
    } else if (g_strcmp0 (event, "clip-start") == 0) {
      for (n = from; n < to; n++)
        loud += check->loud->data[n];
      fail_unless (to - from > 4 && loud + 2 >= to - from,
          "clip from frame %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
          " has sound in %" G_GUINT64_FORMAT " frames", from, to, loud);
    }
  }
}

GPtrArray *
channel_events (TestRun * run, const gchar * event)
{
  GPtrArray *out = g_ptr_array_new ();
  guint i;

  for (i = 0; i < run->messages->len; i++) {
    GstMessage *msg = g_ptr_array_index (run->messages, i);
    const GstStructure *s = gst_message_get_structure (msg);

    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
        && gst_structure_has_name (s, "apigo-channel")
        && (event == NULL || g_strcmp0 (gst_structure_get_string (s,
                    "event"), event) == 0))
      g_ptr_array_add (out, (gpointer) s);
  }
  return out;
}

gboolean
channel_is_event (const GstStructure * s, const gchar * event)
{
  return g_strcmp0 (gst_structure_get_string (s, "event"), event) == 0;
}

guint64
channel_field_u64 (const GstStructure * s, const gchar * name)
{
  guint64 v = 0;

  if (!gst_structure_get_uint64 (s, name, &v)) {
    gchar *text = gst_structure_to_string (s);

    fail ("no %s in %s", name, text);
  }
  return v;
}
