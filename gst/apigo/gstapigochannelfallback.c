/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstapigochannelfallback.h"

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <string.h>

GST_DEBUG_CATEGORY_EXTERN (gst_apigo_channel_debug);
#define GST_CAT_DEFAULT gst_apigo_channel_debug

/* Reading a slate image takes a moment, never this long. */
#define SLATE_TIMEOUT (10 * GST_SECOND)

struct _GstApigoChannelFallback
{
  GstApigoChannelFallbackMode mode;
  GstBuffer *black;
  GstBuffer *slate;
  GstBuffer *last;
};

GType
gst_apigo_channel_fallback_mode_get_type (void)
{
  static GType type;
  static const GEnumValue values[] = {
    {GST_APIGO_CHANNEL_FALLBACK_HOLD,
        "The last frame aired (black before the first clip)", "hold"},
    {GST_APIGO_CHANNEL_FALLBACK_SLATE,
        "The slate-image, or colour bars without one", "slate"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstApigoChannelFallback", values));
  return type;
}

/* Black in YUV: luma 16, chroma 128 (I420 and other planar YUV). */
static GstBuffer *
make_black (GstCaps * caps)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buffer;
  guint c;

  if (!gst_video_info_from_caps (&info, caps))
    g_return_val_if_reached (NULL);
  buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  gst_video_frame_map (&frame, &info, buffer, GST_MAP_WRITE);
  for (c = 0; c < GST_VIDEO_FRAME_N_COMPONENTS (&frame); c++)
    memset (GST_VIDEO_FRAME_COMP_DATA (&frame, c), c == 0 ? 16 : 128,
        GST_VIDEO_FRAME_COMP_STRIDE (&frame, c) *
        GST_VIDEO_FRAME_COMP_HEIGHT (&frame, c));
  gst_video_frame_unmap (&frame);
  return buffer;
}

/* One frame of @image (colour bars when NULL), converted to @caps. */
static GstBuffer *
make_slate (GstCaps * caps, const gchar * image, GError ** error)
{
  g_autofree gchar *description = g_strdup_printf ("%s ! videoconvert ! "
      "videoscale ! capsfilter name=caps ! appsink name=sink", image != NULL ?
      "filesrc name=source ! decodebin" :
      "videotestsrc pattern=smpte num-buffers=1");
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) capsfilter = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstCaps) any_rate = gst_caps_copy (caps);
  g_autoptr (GstSample) sample = NULL;
  GstBuffer *buffer = NULL;

  /* filesrc would wait in open() for a FIFO's writer, where no timeout
   * reaches: the channel would never air, nor stop. */
  if (image != NULL && !g_file_test (image, G_FILE_TEST_IS_REGULAR)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
        "not a regular file");
    return NULL;
  }
  pipeline = gst_parse_launch_full (description, NULL,
      GST_PARSE_FLAG_FATAL_ERRORS, error);
  if (pipeline == NULL)
    return NULL;
  if (image != NULL) {
    g_autoptr (GstElement) source =
        gst_bin_get_by_name (GST_BIN (pipeline), "source");

    g_object_set (source, "location", image, NULL);
  }
  /* An image has no frame rate (0/1). */
  gst_structure_remove_field (gst_caps_get_structure (any_rate, 0),
      "framerate");
  capsfilter = gst_bin_get_by_name (GST_BIN (pipeline), "caps");
  g_object_set (capsfilter, "caps", any_rate, NULL);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");

  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  if (gst_element_get_state (pipeline, NULL, NULL, SLATE_TIMEOUT) ==
      GST_STATE_CHANGE_SUCCESS)
    sample = gst_app_sink_try_pull_preroll (GST_APP_SINK (sink), 0);
  if (sample != NULL) {
    buffer = gst_buffer_ref (gst_sample_get_buffer (sample));
  } else {
    g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
    g_autoptr (GstMessage) message =
        gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

    if (message != NULL)
      gst_message_parse_error (message, error, NULL);
    else
      g_set_error (error, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
          "No frame in time");
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return buffer;
}

GstApigoChannelFallback *
gst_apigo_channel_fallback_new (GstCaps * caps,
    GstApigoChannelFallbackMode mode, const gchar * slate_image,
    GError ** error)
{
  GstApigoChannelFallback *fallback = g_new0 (GstApigoChannelFallback, 1);

  fallback->mode = mode;
  fallback->black = make_black (caps);
  if (mode == GST_APIGO_CHANNEL_FALLBACK_SLATE) {
    if (slate_image != NULL)
      fallback->slate = make_slate (caps, slate_image, error);
    if (fallback->slate == NULL)
      fallback->slate = make_slate (caps, NULL, NULL);
  }
  return fallback;
}

void
gst_apigo_channel_fallback_free (GstApigoChannelFallback * fallback)
{
  if (fallback == NULL)
    return;
  gst_clear_buffer (&fallback->black);
  gst_clear_buffer (&fallback->slate);
  gst_clear_buffer (&fallback->last);
  g_free (fallback);
}

void
gst_apigo_channel_fallback_remember (GstApigoChannelFallback * fallback,
    GstBuffer * frame)
{
  gst_buffer_replace (&fallback->last, frame);
}

GstBuffer *
gst_apigo_channel_fallback_frame (GstApigoChannelFallback * fallback)
{
  GstBuffer *frame = fallback->mode == GST_APIGO_CHANNEL_FALLBACK_SLATE ?
      fallback->slate : fallback->last;

  if (frame == NULL)
    frame = fallback->black;
  return gst_buffer_copy (frame);
}

GstBuffer *
gst_apigo_channel_fallback_get_last (GstApigoChannelFallback * fallback)
{
  return fallback->last;
}
