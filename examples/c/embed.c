/* gst-apigo example: apigovideosrc embedded in a C application.
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   apigo-embed [--size WxH] [--seconds N] [--model M] PROMPT [SINK]
 *
 * Builds  apigovideosrc ! decodebin ! videoconvert ! SINK  (SINK is a
 * gst-launch style description, autovideosink by default; "fakesink" runs
 * without a display), prints the generation's progress from the bus, plays
 * the clip, and prints the task's id at the end.  The service and the key
 * come from APIGO_BASE_URL and APIGO_API_KEY.
 *
 * Exit status: 0 played to the end, 1 error, 2 bad usage, 130 Ctrl-C.
 */

#include <gst/gst.h>
#include <glib-unix.h>
#include <locale.h>

typedef struct
{
  GMainLoop *loop;
  GstElement *pipeline;
  GstElement *video_sink;       /* a bin with a ghost "sink" pad */
  guint sigint_watch;
  int exit_code;
} App;

/* decodebin found a stream: video goes to the sink the user asked for. */
static void
on_pad_added (GstElement * decodebin, GstPad * pad, App * app)
{
  g_autoptr (GstCaps) caps = gst_pad_query_caps (pad, NULL);
  const gchar *kind = gst_structure_get_name (gst_caps_get_structure (caps,
          0));
  g_autoptr (GstPad) sinkpad = NULL;

  if (g_str_has_prefix (kind, "video/")) {
    sinkpad = gst_element_get_static_pad (app->video_sink, "sink");
  } else {
    /* Sound, if the clip has any, is dropped to keep this example short;
     * link "audioconvert ! audioresample ! autoaudiosink" here to hear it. */
    GstElement *drop = gst_element_factory_make ("fakesink", NULL);

    gst_bin_add (GST_BIN (app->pipeline), drop);
    gst_element_sync_state_with_parent (drop);
    sinkpad = gst_element_get_static_pad (drop, "sink");
  }
  if (!gst_pad_is_linked (sinkpad))
    gst_pad_link (pad, sinkpad);
}

/* The element's structured status (docs/element.md, "apigo-status"). */
static void
print_status (const GstStructure * s)
{
  const gchar *phase = gst_structure_get_string (s, "phase");
  const gchar *id = gst_structure_get_string (s, "id");
  guint progress = 0;
  guint64 downloaded = 0, total = 0;

  gst_structure_get_uint (s, "progress", &progress);
  gst_structure_get_uint64 (s, "downloaded", &downloaded);
  gst_structure_get_uint64 (s, "total", &total);

  if (g_strcmp0 (phase, "downloading") == 0 && total > 0)
    g_print ("status: %s %s %" G_GUINT64_FORMAT "%%\n", phase, id,
        downloaded * 100 / total);
  else if (g_strcmp0 (phase, "generating") == 0)
    g_print ("status: %s %s %u%%\n", phase, id, progress);
  else                          /* creating, done, failed, cancelled */
    g_print ("status: %s %s\n", phase, id ? id : "-");
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * msg, gpointer data)
{
  App *app = data;

  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_PROGRESS:{
      /* Human-readable steps, as gst-launch-1.0 prints them. */
      GstProgressType type;
      g_autofree gchar *code = NULL;
      g_autofree gchar *text = NULL;

      gst_message_parse_progress (msg, &type, &code, &text);
      g_print ("progress: (%s) %s\n", code, text);
      break;
    }
    case GST_MESSAGE_ELEMENT:{
      const GstStructure *s = gst_message_get_structure (msg);

      if (gst_structure_has_name (s, "apigo-status"))
        print_status (s);
      break;
    }
    case GST_MESSAGE_ERROR:{
      g_autoptr (GError) error = NULL;
      g_autofree gchar *debug = NULL;
      const GstStructure *details = NULL;

      gst_message_parse_error (msg, &error, &debug);
      g_printerr ("Error from %s: %s\n", GST_OBJECT_NAME (msg->src),
          error->message);
      /* What an application can act on, e.g. retry later on a 429. */
      gst_message_parse_error_details (msg, &details);
      if (details != NULL && gst_structure_has_field (details, "service-code"))
        g_printerr ("  service-code: %s\n", gst_structure_get_string (details,
                "service-code"));
      app->exit_code = 1;
      g_main_loop_quit (app->loop);
      break;
    }
    case GST_MESSAGE_EOS:
      g_print ("Played to the end.\n");
      g_main_loop_quit (app->loop);
      break;
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

/* Ctrl-C: stopping returns at once whatever the element waits for. */
static gboolean
on_sigint (gpointer data)
{
  App *app = data;

  g_printerr ("Interrupted: stopping.\n");
  gst_element_set_state (app->pipeline, GST_STATE_NULL);
  app->exit_code = 130;
  app->sigint_watch = 0;
  g_main_loop_quit (app->loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  /* GOption replaces a string without freeing it: defaults come later. */
  g_autofree gchar *size = NULL;
  g_autofree gchar *model = NULL;
  gint seconds = 4;
  GOptionEntry entries[] = {
    {"size", 0, 0, G_OPTION_ARG_STRING, &size, "Frame size (1280x720)",
        "WxH"},
    {"seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "Length (4)", "N"},
    {"model", 0, 0, G_OPTION_ARG_STRING, &model, "Model name (sora-2)",
        "M"},
    {NULL}
  };
  g_autoptr (GOptionContext) ctx = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *video_id = NULL;
  g_autofree gchar *sink_desc = NULL;
  GstElement *src, *decode;
  GstBus *bus;
  guint bus_watch;
  App app = { 0 };

  /* The user's locale, so the element's texts print as they should. */
  setlocale (LC_ALL, "");
  ctx = g_option_context_new ("PROMPT [SINK] - generate a video and play it");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &error) || argc < 2
      || argc > 3 || seconds <= 0) {
    g_printerr ("%s\nUsage: %s [--size WxH] [--seconds N] [--model M] "
        "PROMPT [SINK]\n", error ? error->message : "", argv[0]);
    return 2;
  }

  /* The element: settings only, nothing is sent before the first read.
   * base-url and api-key default to APIGO_BASE_URL and APIGO_API_KEY. */
  src = gst_element_factory_make ("apigovideosrc", "src");
  decode = gst_element_factory_make ("decodebin", "decode");
  sink_desc = g_strdup_printf ("videoconvert ! %s",
      argc == 3 ? argv[2] : "autovideosink");
  app.video_sink = gst_parse_bin_from_description (sink_desc, TRUE, &error);
  if (src == NULL || decode == NULL || app.video_sink == NULL) {
    g_printerr ("%s\n", error ? error->message :
        "apigovideosrc or decodebin is missing: install the plugin, or "
        "point GST_PLUGIN_PATH at its build directory");
    gst_clear_object (&src);
    gst_clear_object (&decode);
    gst_clear_object (&app.video_sink);
    return 1;
  }
  g_object_set (src, "prompt", argv[1], "size", size ? size : "1280x720",
      "seconds", (guint) seconds, "model", model ? model : "sora-2", NULL);

  app.pipeline = gst_pipeline_new ("embed");
  gst_bin_add_many (GST_BIN (app.pipeline), src, decode, app.video_sink, NULL);
  /* decodebin right after the source: random access, any MP4 layout. */
  gst_element_link (src, decode);
  g_signal_connect (decode, "pad-added", G_CALLBACK (on_pad_added), &app);

  app.loop = g_main_loop_new (NULL, FALSE);
  bus = gst_element_get_bus (app.pipeline);
  bus_watch = gst_bus_add_watch (bus, on_bus_message, &app);
  gst_object_unref (bus);
  app.sigint_watch = g_unix_signal_add (SIGINT, on_sigint, &app);

  /* Returns at once: the generation runs while the main loop turns.  A
   * failure posts an ERROR on the bus, which ends the loop. */
  gst_element_set_state (app.pipeline, GST_STATE_PLAYING);
  g_main_loop_run (app.loop);
  gst_element_set_state (app.pipeline, GST_STATE_NULL);

  /* The task's id stays readable after the run: keep it to replay the clip
   * (apigo://video/ID or the video-id property) without paying again. */
  g_object_get (src, "video-id", &video_id, NULL);
  if (video_id != NULL)
    g_print ("video-id: %s\n", video_id);

  if (app.sigint_watch != 0)
    g_source_remove (app.sigint_watch);
  g_source_remove (bus_watch);
  g_main_loop_unref (app.loop);
  gst_object_unref (app.pipeline);
  return app.exit_code;
}
