/* gst-apigo: plays a gst-launch-1.0 style pipeline to its end (test-spend)
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * play-pipeline DESCRIPTION...: exits 0 on EOS, 1 on an ERROR (its text on
 * stderr), 2 when the pipeline cannot be made.  Unlike gst-launch-1.0 1.22,
 * it cannot miss an ERROR posted before it waits: the bus keeps it. */

#include <gst/gst.h>

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  GstElement *pipeline;
  GstBus *bus;
  GstMessage *msg;
  gint status = 1;

  gst_init (&argc, &argv);
  pipeline = gst_parse_launchv ((const gchar **) argv + 1, &error);
  if (pipeline == NULL) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 300 * GST_SECOND,
      GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
  if (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS) {
    status = 0;
  } else if (msg != NULL) {
    g_autoptr (GError) err = NULL;

    gst_message_parse_error (msg, &err, NULL);
    g_printerr ("ERROR: %s\n", err->message);
  } else {
    g_printerr ("ERROR: neither EOS nor an error in 300 s\n");
  }
  g_clear_pointer (&msg, gst_message_unref);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  gst_object_unref (pipeline);
  return status;
}
