/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstapigofit.h"
#include "apigo-error.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

/* Decoding one still image: seconds are plenty even on a busy machine. */
#define FIT_TIMEOUT (30 * GST_SECOND)

GBytes *
gst_apigo_fit_image (GBytes * image, guint width, guint height, gboolean pad,
    gchar ** out_type, GError ** error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) appsrc = NULL;
  g_autoptr (GstElement) appsink = NULL;
  g_autoptr (GstSample) sample = NULL;
  g_autoptr (GError) parse_error = NULL;
  g_autofree gchar *description = NULL;
  GstBuffer *buffer;
  GstMapInfo map;
  GBytes *fitted;

  /* decodebin ends with one frame: pngenc gets exactly it. */
  description = g_strdup_printf ("appsrc name=in ! decodebin ! "
      "videoconvert ! videoscale add-borders=%s ! "
      "video/x-raw,width=%u,height=%u,pixel-aspect-ratio=1/1 ! "
      "videoconvert ! pngenc snapshot=true ! appsink name=out sync=false",
      pad ? "true" : "false", width, height);
  pipeline = gst_parse_launch (description, &parse_error);
  if (pipeline == NULL || parse_error != NULL) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "Cannot fit the input reference (GStreamer elements missing?): %s",
        parse_error ? parse_error->message : "?");
    return NULL;
  }
  appsrc = gst_bin_get_by_name (GST_BIN (pipeline), "in");
  appsink = gst_bin_get_by_name (GST_BIN (pipeline), "out");

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  gst_app_src_push_buffer (GST_APP_SRC (appsrc),
      gst_buffer_new_wrapped_bytes (image));
  gst_app_src_end_of_stream (GST_APP_SRC (appsrc));
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (appsink),
      FIT_TIMEOUT);
  if (sample == NULL) {
    g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
    g_autoptr (GstMessage) msg = gst_bus_pop_filtered (bus,
        GST_MESSAGE_ERROR);
    g_autoptr (GError) why = NULL;

    if (msg != NULL)
      gst_message_parse_error (msg, &why, NULL);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "Cannot fit the input reference to %ux%u: %s", width, height,
        why ? why->message : "no image came out");
    return NULL;
  }

  buffer = gst_sample_get_buffer (sample);
  gst_buffer_map (buffer, &map, GST_MAP_READ);
  fitted = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (buffer, &map);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  *out_type = g_strdup ("image/png");
  return fitted;
}
