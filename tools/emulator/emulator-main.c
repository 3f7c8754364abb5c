/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * apigo-emulator: serve the emulator on a loopback port until SIGINT or
 * SIGTERM.  The first line on stdout is the base URL, so that scripts can
 * start it on port 0 and read where it went.
 */

#include "apigo-emulator.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <gst/gst.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct
{
  gboolean quiet;
  FILE *log;
  GMutex lock;                  /* the log file, written from the server thread */
} Output;

static gboolean
quit (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Runs on the emulator's thread. */
static void
on_request (ApigoEmulator * emu, ApigoEmulatorRequest * req, Output * out)
{
  if (!out->quiet) {
    g_autoptr (GDateTime) now = g_date_time_new_now_local ();
    g_autofree gchar *time = g_date_time_format (now, "%H:%M:%S");
    g_autofree gchar *status = req->status ? g_strdup_printf ("%u",
        req->status) : g_strdup ("closed");

    g_printerr ("%s %s %s%s%s -> %s%s%s\n", time, req->method, req->path,
        req->query ? "?" : "", req->query ? req->query : "", status,
        req->video_id ? " " : "", req->video_id ? req->video_id : "");
  }

  if (out->log) {
    g_autofree gchar *line = apigo_emulator_request_to_json (req);

    g_mutex_lock (&out->lock);
    fprintf (out->log, "%s\n", line);
    fflush (out->log);
    g_mutex_unlock (&out->lock);
  }
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ApigoEmulator) emu = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree gchar *api_key = NULL;
  g_autofree gchar *initial_status = NULL;
  g_autofree gchar *cache_dir = NULL;
  g_autofree gchar *log_path = NULL;
  g_autofree gchar *tls_cert = NULL;
  g_autofree gchar *tls_key = NULL;
  g_autofree gchar *content_redirect = NULL;
  g_autofree gchar *dialect = NULL;
  g_autoptr (GTlsCertificate) certificate = NULL;
  gint port = 0;
  gdouble generation_time = 3.0;
  gdouble create_delay = 0.0;
  gdouble expires_in = 3600.0;
  gdouble cost_per_second = 0.0;
  gint64 throttle = 0;
  gint poll_after_ms = 0;
  gboolean progress_stuck = FALSE;
  gboolean no_faststart = FALSE, no_audio = FALSE, any_size = FALSE;
  gboolean chunked = FALSE, ignore_range = FALSE;
  gboolean ignore_idempotency_key = FALSE, cdn = FALSE;
  gboolean list_without_prompt = FALSE;
  gboolean no_remix = FALSE, no_extensions = FALSE, no_edits = FALSE;
  gboolean no_models = FALSE;
  Output out = { FALSE, NULL, };
  GOptionEntry entries[] = {
    {"port", 'p', 0, G_OPTION_ARG_INT, &port,
        "Port on 127.0.0.1 (0: any free port)", "N"},
    {"api-key", 'k', 0, G_OPTION_ARG_STRING, &api_key,
        "The only bearer token accepted (default: $APIGO_EMULATOR_API_KEY, "
          "else any non-empty one)", "KEY"},
    {"generation-time", 'g', 0, G_OPTION_ARG_DOUBLE, &generation_time,
        "Seconds from created to completed (default 3)", "S"},
    {"initial-status", 0, 0, G_OPTION_ARG_STRING, &initial_status,
        "Status of a new task: queued (default) or pending", "STATUS"},
    {"no-faststart", 0, 0, G_OPTION_ARG_NONE, &no_faststart,
        "Write the moov atom after mdat", NULL},
    {"no-audio", 0, 0, G_OPTION_ARG_NONE, &no_audio,
        "Render clips without an audio track", NULL},
    {"any-size", 0, 0, G_OPTION_ARG_NONE, &any_size,
        "Accept any even size 16..4096 and seconds 1..60", NULL},
    {"throttle", 0, 0, G_OPTION_ARG_INT64, &throttle,
        "Send content at most this fast (0: unlimited)", "BYTES_PER_SEC"},
    {"chunked", 0, 0, G_OPTION_ARG_NONE, &chunked,
        "Send content with chunked transfer encoding", NULL},
    {"ignore-range", 0, 0, G_OPTION_ARG_NONE, &ignore_range,
        "Answer 200 with the whole content even when a Range is asked", NULL},
    {"poll-after-ms", 0, 0, G_OPTION_ARG_INT, &poll_after_ms,
        "Send openai-poll-after-ms: N with task answers", "N"},
    {"progress-stuck", 0, 0, G_OPTION_ARG_NONE, &progress_stuck,
        "Report progress 0 until the end, like a service that never says",
          NULL},
    {"create-delay", 0, 0, G_OPTION_ARG_DOUBLE, &create_delay,
        "Hold each create answer back this long", "S"},
    {"ignore-idempotency-key", 0, 0, G_OPTION_ARG_NONE,
          &ignore_idempotency_key,
        "Make a new task on every create, whatever its Idempotency-Key (as "
          "OpenAI does)", NULL},
    {"expires-in", 0, 0, G_OPTION_ARG_DOUBLE, &expires_in,
          "Content expires this long after completion (default 3600)",
        "S"},
    {"cdn", 0, 0, G_OPTION_ARG_NONE, &cdn,
          "Redirect content requests to signed URLs on a second port",
        NULL},
    {"list-without-prompt", 0, 0, G_OPTION_ARG_NONE, &list_without_prompt,
        "Leave the prompt out of list answers", NULL},
    {"no-remix", 0, 0, G_OPTION_ARG_NONE, &no_remix,
        "Answer 404 to POST /videos/{id}/remix, like a gateway without it",
        NULL},
    {"no-extensions", 0, 0, G_OPTION_ARG_NONE, &no_extensions,
        "Answer 404 to POST /videos/extensions", NULL},
    {"no-edits", 0, 0, G_OPTION_ARG_NONE, &no_edits,
        "Answer 404 to POST /videos/edits", NULL},
    {"no-models", 0, 0, G_OPTION_ARG_NONE, &no_models,
        "Answer 404 to GET /models and GET /videos/models", NULL},
    {"content-redirect", 0, 0, G_OPTION_ARG_STRING, &content_redirect,
          "Answer video downloads with a 302 to URL (e.g. a big file on "
          "another server)", "URL"},
    {"dialect", 0, 0, G_OPTION_ARG_STRING, &dialect,
          "openai (default); azure: Azure OpenAI's api-key header and "
          "api-version query, under /openai/v1; openrouter: OpenRouter's "
          "JSON creates, under /api/v1", "DIALECT"},
    {"cost-per-second", 0, 0, G_OPTION_ARG_DOUBLE, &cost_per_second,
          "Completed tasks say \"usage\": {\"cost\": SECONDS * USD} as "
          "OpenRouter does, in any dialect (default 0: no usage)", "USD"},
    {"tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert,
        "Serve HTTPS with this PEM certificate (with --tls-key)", "FILE"},
    {"tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key,
        "The PEM private key of --tls-cert", "FILE"},
    {"cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &cache_dir,
          "Keep and reuse renderings here (default: a temporary directory)",
        "DIR"},
    {"log", 0, 0, G_OPTION_ARG_FILENAME, &log_path,
        "Append each request to FILE as a JSON line (no secrets)", "FILE"},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &out.quiet,
        "Do not print a line per request on stderr", NULL},
    {NULL}
  };

  context = g_option_context_new ("- emulate the OpenAI-compatible Videos "
      "API on 127.0.0.1");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }
  if (port < 0 || port > G_MAXUINT16 || throttle < 0 || poll_after_ms < 0 ||
      generation_time < 0 || create_delay < 0 || expires_in < 0) {
    g_printerr ("Negative or out-of-range option value\n");
    return 2;
  }
  if (initial_status && g_strcmp0 (initial_status, "queued") != 0 &&
      g_strcmp0 (initial_status, "pending") != 0) {
    g_printerr ("--initial-status must be queued or pending\n");
    return 2;
  }
  if (dialect && g_strcmp0 (dialect, "openai") != 0 &&
      g_strcmp0 (dialect, "azure") != 0 &&
      g_strcmp0 (dialect, "openrouter") != 0) {
    g_printerr ("--dialect must be openai, azure or openrouter\n");
    return 2;
  }
  if (api_key == NULL)
    api_key = g_strdup (g_getenv ("APIGO_EMULATOR_API_KEY"));
  if ((tls_cert == NULL) != (tls_key == NULL)) {
    g_printerr ("--tls-cert and --tls-key go together\n");
    return 2;
  }
  if (tls_cert) {
    certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &error);
    if (certificate == NULL) {
      g_printerr ("Cannot load the TLS certificate: %s\n", error->message);
      return 1;
    }
  }

  if (log_path) {
    out.log = fopen (log_path, "a");
    if (out.log == NULL) {
      g_printerr ("Cannot open %s: %s\n", log_path, g_strerror (errno));
      return 1;
    }
  }
  g_mutex_init (&out.lock);

  emu = apigo_emulator_new ();
  g_object_set (emu, "api-key", api_key, "generation-time", generation_time,
      "initial-status", initial_status ? initial_status : "queued",
      "faststart", !no_faststart, "audio", !no_audio, "any-size", any_size,
      "throttle", (guint64) throttle, "chunked", chunked,
      "ignore-range", ignore_range, "poll-after-ms", (guint) poll_after_ms,
      "progress-stuck", progress_stuck,
      "create-delay", create_delay, "cache-dir", cache_dir,
      "ignore-idempotency-key", ignore_idempotency_key,
      "expires-in", expires_in, "cdn", cdn,
      "list-without-prompt", list_without_prompt, "remix", !no_remix,
      "extensions", !no_extensions, "edits", !no_edits, "models", !no_models,
      "tls-certificate", certificate, "content-redirect", content_redirect,
      "dialect", dialect ? dialect : "openai",
      "cost-per-second", cost_per_second, NULL);
  g_signal_connect (emu, "request-logged", G_CALLBACK (on_request), &out);

  if (!apigo_emulator_start (emu, port, &error)) {
    g_printerr ("Cannot start the emulator: %s\n", error->message);
    return 1;
  }

  /* Scripts wait for this line. */
  printf ("%s\n", apigo_emulator_get_base_url (emu));
  fflush (stdout);
  if (cdn && !out.quiet)
    g_printerr ("CDN origin: %s\n", apigo_emulator_get_cdn_origin (emu));

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit, loop);
  g_unix_signal_add (SIGTERM, quit, loop);
  g_main_loop_run (loop);

  apigo_emulator_stop (emu);
  g_signal_handlers_disconnect_by_data (emu, &out);
  if (out.log)
    fclose (out.log);
  g_mutex_clear (&out.lock);
  return 0;
}
