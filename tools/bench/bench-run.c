/* gst-apigo: benchmark helpers
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-run: plays one pipeline description to EOS (or stops it) and prints
 * one JSON object of what a stopwatch outside the process cannot see:
 * when the first buffer reached the sink (a pad probe), when EOS came, the
 * bytes and buffers the sink got, when each apigo-status phase was first
 * posted, how long set_state(NULL) took, and the peak RSS.  Times are
 * g_get_monotonic_time() (CLOCK_MONOTONIC, microseconds): the emulator's
 * request log uses the same clock.
 *
 *   bench-run [--cancel-phase PHASE --cancel-after-ms N] [--first-buffer]
 *       [--timeout S] DESC
 *
 * --first-buffer stops at the first buffer: started as a fresh process
 * each time, its t_first_buffer against the moment the caller started it
 * is the time from process start to first buffer.
 *
 * The sink measured is the element named "sink", else the first sink.
 */

#include <gst/gst.h>
#include <stdio.h>
#include <string.h>

#define N_PHASES 4

static const gchar *const phases[N_PHASES] = {
  "creating", "generating", "downloading", "done",
};

typedef struct
{
  GMainLoop *loop;
  GstElement *pipeline;
  const gchar *result;
  gchar *error;
  gint64 t_play;
  gint64 t_first_buffer;        /* set once, from the streaming thread */
  gint64 t_eos;
  gint64 t_phase[N_PHASES];
  guint64 bytes;                /* atomic */
  guint64 buffers;              /* atomic */
  gint first;                   /* atomic: first buffer seen */
  const gchar *cancel_phase;
  guint cancel_after_ms;
  gint64 cancel_us;
  gboolean stopped;
  gboolean first_only;          /* done at the first buffer */
} Run;

static GstPadProbeReturn
on_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Run *run = data;
  gint64 now = g_get_monotonic_time ();
  guint64 size = 0, n = 0;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER) {
    size = gst_buffer_get_size (GST_PAD_PROBE_INFO_BUFFER (info));
    n = 1;
  } else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
    GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST (info);

    size = gst_buffer_list_calculate_size (list);
    n = gst_buffer_list_length (list);
  }
  if (g_atomic_int_compare_and_exchange (&run->first, 0, 1)) {
    run->t_first_buffer = now;
    /* Told on the bus, from the streaming thread: the main loop ends it. */
    if (run->first_only)
      gst_element_post_message (run->pipeline,
          gst_message_new_application (NULL,
              gst_structure_new_empty ("bench-first-buffer")));
  }
  /* One streaming thread per sink: no other writer. */
  run->bytes += size;
  run->buffers += n;
  return GST_PAD_PROBE_OK;
}

static GstElement *
find_sink (GstElement * pipeline)
{
  GstElement *sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  GstIterator *it;
  GValue item = G_VALUE_INIT;

  if (sink)
    return sink;
  it = gst_bin_iterate_sinks (GST_BIN (pipeline));
  if (gst_iterator_next (it, &item) == GST_ITERATOR_OK) {
    sink = g_value_dup_object (&item);
    g_value_unset (&item);
  }
  gst_iterator_free (it);
  return sink;
}

static gboolean
cancel_now (gpointer data)
{
  Run *run = data;
  gint64 t0 = g_get_monotonic_time ();

  gst_element_set_state (run->pipeline, GST_STATE_NULL);
  run->cancel_us = g_get_monotonic_time () - t0;
  run->stopped = TRUE;
  run->result = "cancelled";
  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
give_up (gpointer data)
{
  Run *run = data;

  run->result = "timeout";
  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static void
on_phase (Run * run, const gchar * phase)
{
  guint i;

  for (i = 0; i < N_PHASES; i++) {
    if (g_strcmp0 (phase, phases[i]) != 0 || run->t_phase[i] != 0)
      continue;
    run->t_phase[i] = g_get_monotonic_time ();
    if (g_strcmp0 (phase, run->cancel_phase) == 0)
      g_timeout_add (run->cancel_after_ms, cancel_now, run);
  }
}

static gboolean
on_message (GstBus * bus, GstMessage * msg, gpointer data)
{
  Run *run = data;

  if (run->stopped)
    return G_SOURCE_CONTINUE;
  switch (GST_MESSAGE_TYPE (msg)) {
    case GST_MESSAGE_APPLICATION:
      if (gst_message_has_name (msg, "bench-first-buffer")) {
        run->result = "first-buffer";
        g_main_loop_quit (run->loop);
      }
      break;
    case GST_MESSAGE_EOS:
      run->t_eos = g_get_monotonic_time ();
      run->result = "eos";
      g_main_loop_quit (run->loop);
      break;
    case GST_MESSAGE_ERROR:{
      g_autoptr (GError) error = NULL;

      gst_message_parse_error (msg, &error, NULL);
      run->result = "error";
      run->error = g_strdup (error->message);
      g_main_loop_quit (run->loop);
      break;
    }
    case GST_MESSAGE_ELEMENT:{
      const GstStructure *s = gst_message_get_structure (msg);

      if (gst_structure_has_name (s, "apigo-status"))
        on_phase (run, gst_structure_get_string (s, "phase"));
      break;
    }
    default:
      break;
  }
  return G_SOURCE_CONTINUE;
}

/* VmHWM from /proc/self/status, in KiB; 0 when unknown. */
static guint64
peak_rss_kib (void)
{
  g_autofree gchar *status = NULL;
  const gchar *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, "VmHWM:");
  return line ? g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10) : 0;
}

static void
print_time (GString * out, const gchar * name, gint64 t)
{
  if (t > 0)
    g_string_append_printf (out, ", \"%s\": %" G_GINT64_FORMAT, name, t);
  else
    g_string_append_printf (out, ", \"%s\": null", name);
}

static void
print_result (Run * run)
{
  GString *out = g_string_new (NULL);
  g_autofree gchar *error = NULL;
  guint i;

  g_string_append_printf (out, "{\"result\": \"%s\"", run->result);
  if (run->error) {
    error = g_strescape (run->error, NULL);
    g_string_append_printf (out, ", \"error\": \"%s\"", error);
  }
  print_time (out, "t_play", run->t_play);
  print_time (out, "t_first_buffer", g_atomic_int_get (&run->first) ?
      run->t_first_buffer : 0);
  print_time (out, "t_eos", run->t_eos);
  for (i = 0; i < N_PHASES; i++) {
    g_autofree gchar *name = g_strconcat ("t_", phases[i], NULL);

    print_time (out, name, run->t_phase[i]);
  }
  g_string_append_printf (out, ", \"bytes\": %" G_GUINT64_FORMAT
      ", \"buffers\": %" G_GUINT64_FORMAT, run->bytes, run->buffers);
  if (run->stopped)
    g_string_append_printf (out, ", \"cancel_us\": %" G_GINT64_FORMAT,
        run->cancel_us);
  g_string_append_printf (out, ", \"peak_rss_kib\": %" G_GUINT64_FORMAT "}",
      peak_rss_kib ());
  printf ("%s\n", out->str);
  g_string_free (out, TRUE);
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *cancel_phase = NULL;
  g_autofree gchar *desc = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstPad) pad = NULL;
  g_autoptr (GstBus) bus = NULL;
  gint cancel_after_ms = 0, timeout = 600;
  gboolean first_only = FALSE;
  Run run = { NULL, };
  GOptionEntry entries[] = {
    {"cancel-phase", 0, 0, G_OPTION_ARG_STRING, &cancel_phase,
        "Stop the pipeline once the element posts this phase", "PHASE"},
    {"cancel-after-ms", 0, 0, G_OPTION_ARG_INT, &cancel_after_ms,
        "... this long after it", "MS"},
    {"first-buffer", 0, 0, G_OPTION_ARG_NONE, &first_only,
        "Stop at the first buffer at the sink (result \"first-buffer\")",
          NULL},
    {"timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
        "Give up after this many seconds (default 600)", "S"},
    {NULL}
  };

  context = g_option_context_new ("PIPELINE-DESCRIPTION - time one run");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 2 ||
      cancel_after_ms < 0 || timeout <= 0) {
    g_printerr ("%s\n", error ? error->message : "usage: bench-run "
        "[--cancel-phase PHASE --cancel-after-ms MS] [--timeout S] DESC");
    return 2;
  }

  desc = g_strjoinv (" ", argv + 1);
  run.pipeline = gst_parse_launch (desc, &error);
  if (run.pipeline == NULL || error) {
    g_printerr ("Bad pipeline: %s\n", error ? error->message : desc);
    g_clear_object (&run.pipeline);
    return 2;
  }
  sink = find_sink (run.pipeline);
  if (sink == NULL) {
    g_printerr ("No sink in the pipeline\n");
    gst_object_unref (run.pipeline);
    return 2;
  }
  pad = gst_element_get_static_pad (sink, "sink");
  if (pad)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER |
        GST_PAD_PROBE_TYPE_BUFFER_LIST, on_buffer, &run, NULL);

  run.first_only = first_only;
  run.cancel_phase = cancel_phase;
  run.cancel_after_ms = cancel_after_ms;
  run.result = "none";
  run.loop = g_main_loop_new (NULL, FALSE);
  bus = gst_element_get_bus (run.pipeline);
  gst_bus_add_watch (bus, on_message, &run);
  g_timeout_add_seconds (timeout, give_up, &run);

  run.t_play = g_get_monotonic_time ();
  if (gst_element_set_state (run.pipeline, GST_STATE_PLAYING) ==
      GST_STATE_CHANGE_FAILURE) {
    run.result = "error";
    run.error = g_strdup ("could not start the pipeline");
  } else {
    g_main_loop_run (run.loop);
  }

  gst_element_set_state (run.pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  print_result (&run);
  gst_object_unref (run.pipeline);
  g_main_loop_unref (run.loop);
  g_free (run.error);
  return g_str_equal (run.result, "eos") ||
      g_str_equal (run.result, "cancelled") ||
      g_str_equal (run.result, "first-buffer") ? 0 : 1;
}
