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

/* The application message a cancellation posts to wake the wait. */
#define CANCELLED_MESSAGE "apigo-fit-cancelled"

static void
on_cancelled (GCancellable * cancellable, GstBus * bus)
{
  gst_bus_post (bus, gst_message_new_application (NULL,
          gst_structure_new_empty (CANCELLED_MESSAGE)));
}

static void
stop_pipeline (GstElement * pipeline, gpointer user_data)
{
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

GBytes *
gst_apigo_fit_image (GBytes * image, guint width, guint height, gboolean pad,
    GCancellable * cancellable, gchar ** out_type, GError ** error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) appsrc = NULL;
  g_autoptr (GstElement) appsink = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) msg = NULL;
  g_autoptr (GstSample) sample = NULL;
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (GError) why = NULL;
  g_autofree gchar *description = NULL;
  gulong handler = 0;
  GstBuffer *buffer;
  GstMapInfo map;
  GBytes *fitted;

  /* decodebin ends with one frame: pngenc gets exactly it.  appsink lets
   * EOS through with the image still queued: EOS on the bus says it is
   * there. */
  description = g_strdup_printf ("appsrc name=in ! decodebin ! "
      "videoconvert ! videoscale add-borders=%s ! "
      "video/x-raw,width=%u,height=%u,pixel-aspect-ratio=1/1 ! "
      "videoconvert ! pngenc snapshot=true ! "
      "appsink name=out sync=false wait-on-eos=false",
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
  bus = gst_element_get_bus (pipeline);

  /* Decoding and scaling a large image take seconds that a stop must not
   * wait for: a cancellation wakes the wait below at once. */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
        gst_object_ref (bus), gst_object_unref);

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  gst_app_src_push_buffer (GST_APP_SRC (appsrc),
      gst_buffer_new_wrapped_bytes (image));
  gst_app_src_end_of_stream (GST_APP_SRC (appsrc));
  /* EOS once appsink holds the one image. */
  msg = gst_bus_timed_pop_filtered (bus, FIT_TIMEOUT, GST_MESSAGE_EOS |
      GST_MESSAGE_ERROR | GST_MESSAGE_APPLICATION);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);

  if (msg == NULL || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_APPLICATION) {
    /* The streaming thread may be deep in a decoder that cannot be
     * interrupted: GStreamer's own pool stops and frees the pipeline once
     * it comes back, and nothing here waits for it. */
    gst_element_call_async (pipeline, stop_pipeline, NULL, NULL);
    if (msg == NULL)
      g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
          "Cannot fit the input reference to %ux%u: it took more than %u s",
          width, height, (guint) (FIT_TIMEOUT / GST_SECOND));
    else
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
          "Fitting the input reference was cancelled");
    return NULL;
  }

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
    sample = gst_app_sink_try_pull_sample (GST_APP_SINK (appsink), 0);
  else
    gst_message_parse_error (msg, &why, NULL);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (sample == NULL) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "Cannot fit the input reference to %ux%u: %s", width, height,
        why ? why->message : "no image came out");
    return NULL;
  }

  buffer = gst_sample_get_buffer (sample);
  gst_buffer_map (buffer, &map, GST_MAP_READ);
  fitted = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (buffer, &map);

  *out_type = g_strdup ("image/png");
  return fitted;
}
