/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstapigochannelclip.h"
#include "gstapigovideosrc.h"
#include "gstapigomessages.h"
#include "gstapigochannelaudio.h"

#include <gst/app/gstappsink.h>

GST_DEBUG_CATEGORY_EXTERN (gst_apigo_channel_debug);
#define GST_CAT_DEFAULT gst_apigo_channel_debug

/* Frames a playing clip decodes ahead of the channel. */
#define APPSINK_MAX_BUFFERS 4

struct _GstApigoChannelClip
{
  guint index;
  gchar *prompt;
  GstElement *pipeline;
  GstElement *src;
  GstAppSink *sink;
  GstApigoChannelAudioTrack *audio;     /* or NULL: no audio wanted */
  GstClockTime start;           /* it airs from there (0: from its start) */
  GstClockTime length;          /* asked, or GST_CLOCK_TIME_NONE */
  GstApigoChannelClipNotify notify;
  gpointer user_data;
  GstStructure *origin;
  GstApigoChannelGuard *guard;  /* told of 429s, or NULL */

  GMutex lock;
  GstApigoChannelClipState state;
  gchar *error;
  GstStructure *error_details;  /* the element's, or NULL */
};

static void
set_state_full (GstApigoChannelClip * clip, GstApigoChannelClipState state,
    const gchar * error, const GstStructure * details)
{
  gboolean changed;

  g_mutex_lock (&clip->lock);
  /* A failure is final; a late ASYNC_DONE does not undo it. */
  changed = clip->state != state
      && clip->state != GST_APIGO_CHANNEL_CLIP_FAILED;
  if (changed) {
    clip->state = state;
    if (error != NULL && clip->error == NULL)
      clip->error = g_strdup (error);
    if (details != NULL && clip->error_details == NULL)
      clip->error_details = gst_structure_copy (details);
  }
  g_mutex_unlock (&clip->lock);
  if (changed)
    clip->notify (clip->user_data);
}

static void
set_state (GstApigoChannelClip * clip, GstApigoChannelClipState state,
    const gchar * error)
{
  set_state_full (clip, state, error, NULL);
}

/* A request of the clip's met a 429 and waits: the whole channel waits. */
static void
on_retry (GstApigoChannelClip * clip, const GstStructure * s)
{
  guint status = 0;
  guint64 wait_ms = 0;

  if (clip->guard != NULL
      && gst_structure_get_uint (s, "http-status-code", &status)
      && status == 429 && gst_structure_get_uint64 (s, "wait-ms", &wait_ms)) {
    gst_apigo_channel_guard_rate_limited (clip->guard, (gint64) wait_ms);
    /* The channel tells it at once. */
    clip->notify (clip->user_data);
  }
}

/* Nobody reads the private bus: what matters is noted here, from the
 * thread that posts it, and every message dropped. */
static GstBusSyncReply
on_message (GstBus * bus, GstMessage * message, gpointer user_data)
{
  GstApigoChannelClip *clip = user_data;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ASYNC_DONE:
      if (GST_MESSAGE_SRC (message) == GST_OBJECT (clip->pipeline)) {
        if (clip->guard != NULL)
          gst_apigo_channel_guard_ready (clip->guard);
        set_state (clip, GST_APIGO_CHANNEL_CLIP_READY, NULL);
      }
      break;
    case GST_MESSAGE_ERROR:{
      g_autoptr (GError) error = NULL;
      g_autofree gchar *debug = NULL;
      const GstStructure *details = NULL;

      gst_message_parse_error (message, &error, &debug);
      gst_message_parse_error_details (message, &details);
      GST_DEBUG ("clip %u: %s (%s)", clip->index, error->message,
          GST_STR_NULL (debug));
      /* The guard knows before the clip's turn comes. */
      if (clip->guard != NULL)
        gst_apigo_channel_guard_failed (clip->guard, clip->prompt, details);
      set_state_full (clip, GST_APIGO_CHANNEL_CLIP_FAILED, error->message,
          details);
      break;
    }
    case GST_MESSAGE_ELEMENT:
      if (gst_message_has_name (message, GST_APIGO_RETRY_MESSAGE))
        on_retry (clip, gst_message_get_structure (message));
      break;
    case GST_MESSAGE_WARNING:{
      g_autoptr (GError) error = NULL;

      gst_message_parse_warning (message, &error, NULL);
      GST_WARNING ("clip %u: %s", clip->index, error->message);
      break;
    }
    default:
      break;
  }
  /* Dropped: a sync handler unrefs what it drops. */
  gst_message_unref (message);
  return GST_BUS_DROP;
}

static void
set_properties (GstElement * src, const GstStructure * settings)
{
  guint i, n = gst_structure_n_fields (settings);

  for (i = 0; i < n; i++) {
    const gchar *name = gst_structure_nth_field_name (settings, i);

    g_object_set_property (G_OBJECT (src), name,
        gst_structure_get_value (settings, name));
  }
}

gboolean
gst_apigo_channel_clip_check_settings (const GstStructure * settings,
    GError ** error)
{
  GstElement *src = gst_object_ref_sink (g_object_new
      (GST_TYPE_APIGO_VIDEO_SRC, NULL));
  gboolean ok;

  set_properties (src, settings);
  /* Any prompt: the clips have theirs. */
  g_object_set (src, "prompt", "a prompt", NULL);
  ok = gst_apigo_video_src_check_properties (GST_APIGO_VIDEO_SRC (src),
      error);
  gst_object_unref (src);
  return ok;
}

/* Streaming thread of decodebin, once it exposed all it can decode: with
 * no picture among it, the clip fails.  Alone its sound, linked to the
 * audio track, keeps decodebin from failing (not-linked): the clip would
 * never preroll, and the channel would wait for it for ever. */
static void
on_no_more_pads (GstElement * decodebin, gpointer user_data)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (user_data, "sink");

  if (!gst_pad_is_linked (pad))
    GST_ELEMENT_ERROR (decodebin, STREAM, WRONG_TYPE,
        ("The clip has no video that can be decoded"), (NULL));
}

GstApigoChannelClip *
gst_apigo_channel_clip_new (guint index, const gchar * prompt,
    const GstStructure * settings, GstCaps * caps,
    GstApigoChannelClipNotify notify, gpointer user_data, GError ** error)
{
  GstApigoChannelClip *clip;
  GstElement *pipeline;
  g_autoptr (GstElement) capsfilter = NULL;
  g_autoptr (GstElement) decodebin = NULL;
  g_autoptr (GstElement) convert = NULL;
  g_autoptr (GstBus) bus = NULL;

  pipeline = gst_parse_launch_full ("apigovideosrc name=src ! "
      "decodebin name=decode ! "
      "videoconvert name=convert ! videoscale ! videorate ! "
      "capsfilter name=caps ! "
      "appsink name=sink sync=false enable-last-sample=false", NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, error);
  if (pipeline == NULL)
    return NULL;

  clip = g_new0 (GstApigoChannelClip, 1);
  g_mutex_init (&clip->lock);
  clip->index = index;
  clip->length = GST_CLOCK_TIME_NONE;
  clip->prompt = g_strdup (prompt);
  clip->pipeline = pipeline;
  clip->notify = notify;
  clip->user_data = user_data;
  clip->src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  clip->sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (pipeline), "sink"));
  capsfilter = gst_bin_get_by_name (GST_BIN (pipeline), "caps");
  decodebin = gst_bin_get_by_name (GST_BIN (pipeline), "decode");
  convert = gst_bin_get_by_name (GST_BIN (pipeline), "convert");
  /* The pipeline holds convert as long as decodebin. */
  g_signal_connect (decodebin, "no-more-pads", G_CALLBACK (on_no_more_pads),
      convert);

  set_properties (clip->src, settings);
  g_object_set (clip->src, "prompt", prompt, NULL);
  g_object_set (capsfilter, "caps", caps, NULL);
  gst_app_sink_set_max_buffers (clip->sink, APPSINK_MAX_BUFFERS);

  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  gst_bus_set_sync_handler (bus, on_message, clip, NULL);
  return clip;
}

void
gst_apigo_channel_clip_free (GstApigoChannelClip * clip)
{
  g_autoptr (GstBus) bus = NULL;

  if (clip == NULL)
    return;
  gst_element_set_state (clip->pipeline, GST_STATE_NULL);
  bus = gst_pipeline_get_bus (GST_PIPELINE (clip->pipeline));
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  gst_apigo_channel_audio_track_free (clip->audio);
  gst_object_unref (clip->src);
  gst_object_unref (clip->sink);
  gst_object_unref (clip->pipeline);
  g_mutex_clear (&clip->lock);
  g_free (clip->prompt);
  g_free (clip->error);
  if (clip->origin != NULL)
    gst_structure_free (clip->origin);
  if (clip->error_details != NULL)
    gst_structure_free (clip->error_details);
  g_free (clip);
}

/* Drops the frames before @user_data (a GstClockTime). */
static GstPadProbeReturn
drop_before (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstClockTime cut = *(GstClockTime *) user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

  if (GST_BUFFER_PTS_IS_VALID (buffer) && GST_BUFFER_PTS (buffer) < cut)
    return GST_PAD_PROBE_DROP;
  return GST_PAD_PROBE_OK;
}

void
gst_apigo_channel_clip_set_length (GstApigoChannelClip * clip,
    GstClockTime length)
{
  clip->length = length;
}

GstClockTime
gst_apigo_channel_clip_get_length (GstApigoChannelClip * clip)
{
  return clip->length;
}

void
gst_apigo_channel_clip_start_at (GstApigoChannelClip * clip,
    GstClockTime start, GstClockTime slack)
{
  g_autoptr (GstPad) pad =
      gst_element_get_static_pad (GST_ELEMENT (clip->sink), "sink");
  GstClockTime cut = start - MIN (start, slack);

  g_return_if_fail (clip->audio == NULL);
  clip->start = start;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, drop_before,
      g_memdup2 (&cut, sizeof cut), g_free);
}

void
gst_apigo_channel_clip_add_audio (GstApigoChannelClip * clip, GstCaps * caps)
{
  g_autoptr (GstElement) decodebin =
      gst_bin_get_by_name (GST_BIN (clip->pipeline), "decode");

  g_return_if_fail (clip->audio == NULL);
  clip->audio = gst_apigo_channel_audio_track_new (clip->pipeline, decodebin,
      caps, clip->start);
}

GstBuffer *
gst_apigo_channel_clip_take_audio (GstApigoChannelClip * clip,
    guint n_samples, GstClockTime timeout)
{
  if (clip->audio == NULL)
    return NULL;
  return gst_apigo_channel_audio_track_take (clip->audio, n_samples, timeout);
}

static void
change_state (GstApigoChannelClip * clip, GstState state)
{
  if (gst_element_set_state (clip->pipeline, state) ==
      GST_STATE_CHANGE_FAILURE)
    set_state (clip, GST_APIGO_CHANNEL_CLIP_FAILED,
        "Could not start the clip's pipeline");
}

void
gst_apigo_channel_clip_start (GstApigoChannelClip * clip)
{
  change_state (clip, GST_STATE_PAUSED);
}

void
gst_apigo_channel_clip_play (GstApigoChannelClip * clip)
{
  change_state (clip, GST_STATE_PLAYING);
}

GstApigoChannelClipState
gst_apigo_channel_clip_get_state (GstApigoChannelClip * clip)
{
  GstApigoChannelClipState state;

  g_mutex_lock (&clip->lock);
  state = clip->state;
  g_mutex_unlock (&clip->lock);
  return state;
}

gchar *
gst_apigo_channel_clip_dup_error (GstApigoChannelClip * clip)
{
  gchar *error;

  g_mutex_lock (&clip->lock);
  error = g_strdup (clip->error);
  g_mutex_unlock (&clip->lock);
  return error;
}

GstStructure *
gst_apigo_channel_clip_dup_error_details (GstApigoChannelClip * clip)
{
  GstStructure *details = NULL;

  g_mutex_lock (&clip->lock);
  if (clip->error_details != NULL)
    details = gst_structure_copy (clip->error_details);
  g_mutex_unlock (&clip->lock);
  return details;
}

void
gst_apigo_channel_clip_set_guard (GstApigoChannelClip * clip,
    GstApigoChannelGuard * guard)
{
  clip->guard = guard;
}

guint
gst_apigo_channel_clip_get_index (GstApigoChannelClip * clip)
{
  return clip->index;
}

const gchar *
gst_apigo_channel_clip_get_prompt (GstApigoChannelClip * clip)
{
  return clip->prompt;
}

void
gst_apigo_channel_clip_set_origin (GstApigoChannelClip * clip,
    GstStructure * origin)
{
  if (clip->origin != NULL)
    gst_structure_free (clip->origin);
  clip->origin = origin;
}

GstStructure *
gst_apigo_channel_clip_get_origin (GstApigoChannelClip * clip)
{
  return clip->origin;
}

gchar *
gst_apigo_channel_clip_dup_video_id (GstApigoChannelClip * clip)
{
  gchar *id = NULL;

  g_object_get (clip->src, "video-id", &id, NULL);
  return id;
}

GstSample *
gst_apigo_channel_clip_pull (GstApigoChannelClip * clip,
    GstClockTime timeout, gboolean * ended)
{
  GstSample *sample = gst_app_sink_try_pull_sample (clip->sink, timeout);

  *ended = sample == NULL && (gst_app_sink_is_eos (clip->sink)
      || gst_apigo_channel_clip_get_state (clip) ==
      GST_APIGO_CHANNEL_CLIP_FAILED);
  return sample;
}

GstElement *
gst_apigo_channel_clip_get_pipeline (GstApigoChannelClip * clip)
{
  return clip->pipeline;
}
