/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstapigochannelclip.h"
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
  GstApigoChannelClipNotify notify;
  gpointer user_data;

  GMutex lock;
  GstApigoChannelClipState state;
  gchar *error;
};

static void
set_state (GstApigoChannelClip * clip, GstApigoChannelClipState state,
    const gchar * error)
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
  }
  g_mutex_unlock (&clip->lock);
  if (changed)
    clip->notify (clip->user_data);
}

/* Nobody reads the private bus: what matters is noted here, from the
 * thread that posts it, and every message dropped. */
static GstBusSyncReply
on_message (GstBus * bus, GstMessage * message, gpointer user_data)
{
  GstApigoChannelClip *clip = user_data;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_ASYNC_DONE:
      if (GST_MESSAGE_SRC (message) == GST_OBJECT (clip->pipeline))
        set_state (clip, GST_APIGO_CHANNEL_CLIP_READY, NULL);
      break;
    case GST_MESSAGE_ERROR:{
      g_autoptr (GError) error = NULL;
      g_autofree gchar *debug = NULL;

      gst_message_parse_error (message, &error, &debug);
      GST_DEBUG ("clip %u: %s (%s)", clip->index, error->message,
          GST_STR_NULL (debug));
      set_state (clip, GST_APIGO_CHANNEL_CLIP_FAILED, error->message);
      break;
    }
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

GstApigoChannelClip *
gst_apigo_channel_clip_new (guint index, const gchar * prompt,
    const GstStructure * settings, GstCaps * caps,
    GstApigoChannelClipNotify notify, gpointer user_data, GError ** error)
{
  GstApigoChannelClip *clip;
  GstElement *pipeline;
  g_autoptr (GstElement) capsfilter = NULL;
  g_autoptr (GstBus) bus = NULL;

  pipeline = gst_parse_launch_full ("apigovideosrc name=src ! decodebin name=decode ! "
      "videoconvert ! videoscale ! videorate ! capsfilter name=caps ! "
      "appsink name=sink sync=false enable-last-sample=false", NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, error);
  if (pipeline == NULL)
    return NULL;

  clip = g_new0 (GstApigoChannelClip, 1);
  g_mutex_init (&clip->lock);
  clip->index = index;
  clip->prompt = g_strdup (prompt);
  clip->pipeline = pipeline;
  clip->notify = notify;
  clip->user_data = user_data;
  clip->src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  clip->sink = GST_APP_SINK (gst_bin_get_by_name (GST_BIN (pipeline), "sink"));
  capsfilter = gst_bin_get_by_name (GST_BIN (pipeline), "caps");

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
  g_free (clip);
}

void
gst_apigo_channel_clip_add_audio (GstApigoChannelClip * clip, GstCaps * caps)
{
  g_autoptr (GstElement) decodebin =
      gst_bin_get_by_name (GST_BIN (clip->pipeline), "decode");

  g_return_if_fail (clip->audio == NULL);
  clip->audio = gst_apigo_channel_audio_track_new (clip->pipeline, decodebin,
      caps);
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
