/* gst-apigo: a programmable, misbehaving /v1/videos service for tests
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The clips it serves: real H.264 MP4s rendered by GStreamer.
 */

#include "hostile-server.h"

#include <gst/gst.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define RENDER_TIMEOUT (120 * GST_SECOND)

static gboolean
render (const gchar * pattern, guint frames, const gchar * path,
    GError ** error)
{
  g_autofree gchar *description = g_strdup_printf ("videotestsrc "
      "num-buffers=%u pattern=%s ! video/x-raw,width=320,height=180,"
      "framerate=30/1 ! x264enc speed-preset=ultrafast ! "
      "mp4mux faststart=true ! filesink name=sink", frames, pattern);
  g_autoptr (GstElement) pipeline = gst_parse_launch (description, error);
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) msg = NULL;

  if (pipeline == NULL)
    return FALSE;
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (sink, "location", path, NULL);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, RENDER_TIMEOUT,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  if (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS)
    return TRUE;
  if (msg != NULL)
    gst_message_parse_error (msg, error, NULL);
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
        "Rendering %s took too long", path);
  return FALSE;
}

GBytes *
hostile_clip_render (const gchar * pattern, guint frames, GError ** error)
{
  const gchar *cache = g_getenv ("APIGO_TEST_CLIP_CACHE");
  g_autofree gchar *name = g_strdup_printf ("hostile-%s-%u.mp4", pattern,
      frames);
  g_autofree gchar *dir = cache ? g_strdup (cache) :
      g_dir_make_tmp ("hostile-XXXXXX", error);
  g_autofree gchar *path = NULL;
  g_autofree gchar *part = NULL;
  gchar *data;
  gsize len;

  if (dir == NULL || g_mkdir_with_parents (dir, 0700) != 0)
    return NULL;
  path = g_build_filename (dir, name, NULL);
  if (g_file_get_contents (path, &data, &len, NULL))
    return g_bytes_new_take (data, len);

  /* Another run may render the same clip: each writes its own, and the
   * rename is atomic. */
  part = g_strdup_printf ("%s.%u.part", path, (guint) getpid ());
  if (!render (pattern, frames, part, error)
      || g_rename (part, path) != 0
      || !g_file_get_contents (path, &data, &len, error)) {
    g_unlink (part);
    return NULL;
  }
  if (cache == NULL) {
    g_unlink (path);
    g_rmdir (dir);
  }
  return g_bytes_new_take (data, len);
}

GBytes *
hostile_clip_pad (GBytes * clip, gsize size)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (clip, &len);
  guint8 *padded;
  guint32 box;

  g_return_val_if_fail (size >= len + 8 && size - len <= G_MAXUINT32, NULL);

  padded = g_malloc0 (size);
  memcpy (padded, data, len);
  box = GUINT32_TO_BE ((guint32) (size - len));
  memcpy (padded + len, &box, 4);
  memcpy (padded + len + 4, "free", 4);
  return g_bytes_new_take (padded, size);
}
