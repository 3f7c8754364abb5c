/* gst-apigo: what the suites against a hostile server share
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "hostile-server.h"
#include "test-util.h"

#include <string.h>

GBytes *
hostile_test_clip (const gchar * pattern, guint frames, const gchar * what)
{
  g_autoptr (GError) error = NULL;
  GBytes *clip = hostile_clip_render (pattern, frames, &error);

  fail_unless (clip != NULL, "%s: %s", what, error ? error->message : "?");
  return clip;
}

HostileServer *
hostile_test_server_new (GBytes * clip)
{
  g_autoptr (GError) error = NULL;
  HostileServer *server = hostile_server_new (TEST_API_KEY, &error);

  fail_unless (server != NULL, "hostile server: %s",
      error ? error->message : "?");
  hostile_server_set_clip (server, clip);
  return server;
}

gchar *
hostile_test_cache_dir (void)
{
  return g_build_filename (test_tmp_dir (), "cache", NULL);
}

GstElement *
hostile_test_pipeline_new (HostileServer * server, const gchar * description,
    const gchar * prompt)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *cache = hostile_test_cache_dir ();
  GstElement *pipeline = gst_parse_launch (description, &error);

  fail_unless (pipeline != NULL && error == NULL, "%s: %s", description,
      error ? error->message : "?");
  g_object_set (test_pipeline_get (pipeline, "src"),
      "base-url", hostile_server_get_base_url (server),
      "api-key", TEST_API_KEY, "prompt", prompt, "size", "320x180",
      "seconds", 1, "poll-interval", 100, "cache-dir", cache, NULL);
  return pipeline;
}

gboolean
hostile_test_same_bytes (const GByteArray * out, GBytes * clip)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (clip, &len);

  return out->len == len && memcmp (out->data, data, len) == 0;
}
