/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstapigochannelaudio.h"

#include <gst/app/gstappsink.h>
#include <gst/audio/audio.h>
#include <gst/base/gstadapter.h>

GST_DEBUG_CATEGORY_EXTERN (gst_apigo_channel_debug);
#define GST_CAT_DEFAULT gst_apigo_channel_debug

/* audiorate fills from the clip's start: its audio is contiguous from
 * sample 0, as its video is from frame 0 (videorate). */
#define BRANCH "audioconvert ! audioresample ! audiorate ! " \
  "capsfilter name=caps ! appsink name=sink sync=false " \
  "enable-last-sample=false max-buffers=0"

struct _GstApigoChannelAudioTrack
{
  GstCaps *caps;
  GstAudioInfo info;
  GstElement *pipeline;         /* borrowed: the clip's */
  GstElement *decodebin;
  gulong pad_added;
  GstClockTime start;           /* what comes before is left out */

  GMutex lock;
  GstAppSink *sink;             /* once decodebin exposed audio */

  /* The worker's own. */
  GstAdapter *adapter;
  guint64 debt;                 /* samples aired as silence, not yet come */
};

GstCaps *
gst_apigo_channel_audio_caps (guint rate, guint channels)
{
  GstAudioInfo info;

  gst_audio_info_set_format (&info, GST_AUDIO_FORMAT_S16LE, rate, channels,
      NULL);
  return gst_audio_info_to_caps (&info);
}

guint64
gst_apigo_channel_audio_sample (guint64 frame, guint rate, gint fps_n,
    gint fps_d)
{
  return gst_util_uint64_scale (frame, (guint64) rate * fps_d, fps_n);
}

static void
fill_silence (const GstAudioInfo * info, GstBuffer * buffer, gsize offset)
{
  GstMapInfo map;

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  if (offset < map.size)
    gst_audio_format_info_fill_silence (info->finfo, map.data + offset,
        map.size - offset);
  gst_buffer_unmap (buffer, &map);
}

GstBuffer *
gst_apigo_channel_audio_silence (GstCaps * caps, guint n_samples)
{
  GstAudioInfo info;
  GstBuffer *buffer;

  if (!gst_audio_info_from_caps (&info, caps))
    g_return_val_if_reached (NULL);
  buffer = gst_buffer_new_allocate (NULL, (gsize) n_samples *
      GST_AUDIO_INFO_BPF (&info), NULL);
  fill_silence (&info, buffer, 0);
  return buffer;
}

/* Leaves out what comes before the track's start: whole buffers, and the
 * first samples of the one across it, so that its sound starts with the
 * frame the clip airs from. */
static GstPadProbeReturn
trim_before_start (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstApigoChannelAudioTrack *track = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  guint bpf = GST_AUDIO_INFO_BPF (&track->info);
  guint rate = GST_AUDIO_INFO_RATE (&track->info);
  guint64 samples = gst_buffer_get_size (buffer) / bpf, skip;
  GstBuffer *rest;

  if (!GST_BUFFER_PTS_IS_VALID (buffer)
      || GST_BUFFER_PTS (buffer) >= track->start)
    return GST_PAD_PROBE_OK;
  skip = gst_util_uint64_scale_round (track->start - GST_BUFFER_PTS (buffer),
      rate, GST_SECOND);
  if (skip >= samples)
    return GST_PAD_PROBE_DROP;
  rest = gst_buffer_copy_region (buffer, GST_BUFFER_COPY_ALL, skip * bpf,
      (samples - skip) * bpf);
  GST_BUFFER_PTS (rest) = track->start;
  GST_BUFFER_DURATION (rest) = gst_util_uint64_scale (samples - skip,
      GST_SECOND, rate);
  gst_buffer_unref (buffer);
  GST_PAD_PROBE_INFO_DATA (info) = rest;
  return GST_PAD_PROBE_OK;
}

/* Streaming thread of decodebin: the clip has audio; its branch is made
 * then, so that a clip without audio has no sink that waits to preroll. */
static void
on_pad_added (GstElement * decodebin, GstPad * pad, gpointer user_data)
{
  GstApigoChannelAudioTrack *track = user_data;
  g_autoptr (GstCaps) caps = gst_pad_query_caps (pad, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) capsfilter = NULL;
  g_autoptr (GstPad) sinkpad = NULL;
  GstElement *branch;

  if (gst_caps_is_empty (caps) || !g_str_has_prefix (gst_structure_get_name
          (gst_caps_get_structure (caps, 0)), "audio/"))
    return;
  g_mutex_lock (&track->lock);
  if (track->sink != NULL) {
    /* One track is enough: a second stays unlinked. */
    g_mutex_unlock (&track->lock);
    return;
  }
  branch = gst_parse_bin_from_description (BRANCH, TRUE, &error);
  if (branch == NULL) {
    g_mutex_unlock (&track->lock);
    GST_WARNING ("no audio branch: %s", error->message);
    return;
  }
  capsfilter = gst_bin_get_by_name (GST_BIN (branch), "caps");
  g_object_set (capsfilter, "caps", track->caps, NULL);
  track->sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (branch),
          "sink"));
  if (track->start > 0) {
    g_autoptr (GstPad) appsink_pad =
        gst_element_get_static_pad (GST_ELEMENT (track->sink), "sink");

    gst_pad_add_probe (appsink_pad, GST_PAD_PROBE_TYPE_BUFFER,
        trim_before_start, track, NULL);
  }
  g_mutex_unlock (&track->lock);

  gst_bin_add (GST_BIN (track->pipeline), branch);
  /* Paused before linked: data must not meet a flushing pad. */
  gst_element_sync_state_with_parent (branch);
  sinkpad = gst_element_get_static_pad (branch, "sink");
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    GST_WARNING ("could not link the audio of the clip");
}

GstApigoChannelAudioTrack *
gst_apigo_channel_audio_track_new (GstElement * pipeline,
    GstElement * decodebin, GstCaps * caps, GstClockTime start)
{
  GstApigoChannelAudioTrack *track = g_new0 (GstApigoChannelAudioTrack, 1);

  track->start = start;

  track->caps = gst_caps_ref (caps);
  if (!gst_audio_info_from_caps (&track->info, caps))
    g_warn_if_reached ();
  track->pipeline = pipeline;
  track->decodebin = gst_object_ref (decodebin);
  track->adapter = gst_adapter_new ();
  g_mutex_init (&track->lock);
  track->pad_added = g_signal_connect (decodebin, "pad-added",
      G_CALLBACK (on_pad_added), track);
  return track;
}

/* Once the clip's pipeline is down: no pad-added is under way. */
void
gst_apigo_channel_audio_track_free (GstApigoChannelAudioTrack * track)
{
  if (track == NULL)
    return;
  g_signal_handler_disconnect (track->decodebin, track->pad_added);
  gst_object_unref (track->decodebin);
  gst_clear_object (&track->sink);
  g_object_unref (track->adapter);
  gst_caps_unref (track->caps);
  g_mutex_clear (&track->lock);
  g_free (track);
}

static GstAppSink *
dup_sink (GstApigoChannelAudioTrack * track)
{
  GstAppSink *sink;

  g_mutex_lock (&track->lock);
  sink = track->sink != NULL ? gst_object_ref (track->sink) : NULL;
  g_mutex_unlock (&track->lock);
  return sink;
}

/* What came late was aired as silence already: drop as much of it. */
static void
pay_debt (GstApigoChannelAudioTrack * track)
{
  guint bpf = GST_AUDIO_INFO_BPF (&track->info);
  guint64 samples = MIN (track->debt, gst_adapter_available (track->adapter)
      / bpf);

  gst_adapter_flush (track->adapter, samples * bpf);
  track->debt -= samples;
}

GstBuffer *
gst_apigo_channel_audio_track_take (GstApigoChannelAudioTrack * track,
    guint n_samples, GstClockTime timeout)
{
  guint bpf = GST_AUDIO_INFO_BPF (&track->info);
  gsize need = (gsize) n_samples * bpf, have;
  g_autoptr (GstAppSink) sink = dup_sink (track);
  gint64 end = g_get_monotonic_time () + timeout / GST_USECOND;
  gboolean late = FALSE;
  GstBuffer *buffer;

  /* No sink once prerolled: the clip has no audio. */
  while (sink != NULL && gst_adapter_available (track->adapter) < need) {
    gint64 left = end - g_get_monotonic_time ();
    GstSample *sample;

    if (gst_app_sink_is_eos (sink))
      break;
    sample = left > 0 ? gst_app_sink_try_pull_sample (sink,
        left * GST_USECOND) : NULL;
    if (sample == NULL) {
      late = !gst_app_sink_is_eos (sink);
      break;
    }
    gst_adapter_push (track->adapter,
        gst_buffer_ref (gst_sample_get_buffer (sample)));
    gst_sample_unref (sample);
    pay_debt (track);
  }

  have = MIN (need, gst_adapter_available (track->adapter) / bpf * bpf);
  if (have == need)
    return gst_adapter_take_buffer (track->adapter, need);
  /* Short: what there is, then silence. */
  buffer = gst_buffer_new_allocate (NULL, need, NULL);
  if (have > 0) {
    GstMapInfo map;

    gst_buffer_map (buffer, &map, GST_MAP_WRITE);
    gst_adapter_copy (track->adapter, map.data, 0, have);
    gst_buffer_unmap (buffer, &map);
    gst_adapter_flush (track->adapter, have);
  }
  fill_silence (&track->info, buffer, have);
  if (late) {
    track->debt += (need - have) / bpf;
    GST_DEBUG ("audio late: %" G_GSIZE_FORMAT " samples of silence",
        (need - have) / bpf);
  }
  return buffer;
}
