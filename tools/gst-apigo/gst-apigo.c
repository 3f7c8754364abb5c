/* gst-apigo: the command-line tool
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * gst-apigo [OPTION...] COMMAND [ARG...]: see and manage the clips the
 * plugin keeps, and the tasks at the service.  docs/gst-apigo.md.
 */

#include "gst-apigo.h"
#include "apigo-client.h"
#include "apigo-error.h"
#include "apigo-log.h"

#include <locale.h>
#include <string.h>

typedef struct
{
  const gchar *name;
  gint (*run) (const ToolOptions * options);
  const gchar *usage;
} Command;

static const Command commands[] = {
  {"clips", tool_clips, "clips [--json]: the kept clips, most recently "
        "played first"},
  {"show", tool_show, "show CLIP...: everything about kept clips (CLIP: "
        "its key, the start of it, or a video id)"},
  {"remove", tool_remove, "remove CLIP...: remove kept clips"},
  {"prune", tool_prune, "prune [--older-than DAYS] [--max-size MIB]: "
        "remove clips kept more than DAYS ago, then the least recently "
        "played ones until MIB are left"},
  {"clear", tool_clear, "clear: remove every kept clip and partial "
        "download"},
  {"spend", tool_spend, "spend [--json]: what the kept clips cost when "
        "they were made, as the service said (each task once; clips of "
        "an unknown cost are counted apart)"},
  {"tasks", tool_tasks, "tasks [--limit N] [--json]: the newest tasks at "
        "the service"},
  {"delete", tool_delete, "delete VIDEO_ID...: delete tasks and their "
        "files at the service"},
  {"models", tool_models, "models [--json]: the models the service lists, "
        "and what each takes"},
  {"generate", tool_generate, "generate URI...: make the clips of apigo:// "
        "URIs now, keep them as the element does, print apigo://video/ID "
        "for each"},
  {"budget", tool_budget, "budget [--json] | budget set NAME=VALUE... | "
        "budget unset NAME... | budget reset: spend today, this month and "
        "by model against the budget; change its limits; forget the spend "
        "so far"},
};

/* What the client layer logs: warnings always, more with -v. */
static ApigoLogLevel log_threshold = APIGO_LOG_LEVEL_WARNING;

static gboolean
log_enabled (ApigoLogDomain domain, ApigoLogLevel level)
{
  return level <= log_threshold;
}

static void
log_write (ApigoLogDomain domain, ApigoLogLevel level, const gchar * file,
    const gchar * function, gint line, const gchar * message)
{
  g_printerr ("%s: %s\n", apigo_log_domain_name (domain), message);
}

static const ApigoLogSink log_sink = { log_enabled, log_write };

static gboolean
on_verbose (const gchar * name, const gchar * value, gpointer data,
    GError ** error)
{
  log_threshold = log_threshold < APIGO_LOG_LEVEL_INFO ?
      APIGO_LOG_LEVEL_INFO : APIGO_LOG_LEVEL_TRACE;
  return TRUE;
}

void
tool_error (const gchar * format, ...)
{
  g_autofree gchar *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("gst-apigo: %s\n", text);
}

gchar *
tool_text (const gchar * text, guint max)
{
  g_autofree gchar *clean = text ? apigo_service_text (text, -1,
      G_MAXINT) : NULL;

  if (clean == NULL)
    return g_strdup ("-");
  if (g_utf8_strlen (clean, -1) <= max)
    return g_steal_pointer (&clean);
  {
    g_autofree gchar *cut = g_utf8_substring (clean, 0, max - 3);

    return g_strconcat (cut, "...", NULL);
  }
}

gchar *
tool_age (gint64 unix_time)
{
  gint64 s = g_get_real_time () / G_USEC_PER_SEC - unix_time;

  if (unix_time <= 0)
    return g_strdup ("-");
  if (s < 0)
    s = 0;
  if (s < 120)
    return g_strdup_printf ("%" G_GINT64_FORMAT " s", s);
  if (s < 2 * 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT " min", s / 60);
  if (s < 2 * 86400)
    return g_strdup_printf ("%" G_GINT64_FORMAT " h", s / 3600);
  return g_strdup_printf ("%" G_GINT64_FORMAT " d", s / 86400);
}

gchar *
tool_time (gint64 unix_time)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autoptr (GDateTime) local = NULL;

  if (unix_time <= 0 || (utc = g_date_time_new_from_unix_utc (unix_time))
      == NULL)
    return g_strdup ("-");
  local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

static gchar *
commands_text (void)
{
  GString *text = g_string_new ("Commands:\n");
  guint i;

  for (i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %s\n", commands[i].usage);
  g_string_append (text, "\nKept clips are in --cache-dir, by default "
      "$XDG_CACHE_HOME/gst-apigo\n(~/.cache/gst-apigo). tasks, delete, "
      "models and generate use the key in\nAPIGO_API_KEY and the service at "
      "--base-url, else APIGO_BASE_URL, else " APIGO_CLIENT_DEFAULT_BASE_URL ".");
  return g_string_free (text, FALSE);
}

int
main (int argc, char **argv)
{
  ToolOptions options = {.limit = 20,.max_size_mib = -1,.older_than_days =
        -1
  };
  const GOptionEntry entries[] = {
    {"cache-dir", 'd', 0, G_OPTION_ARG_FILENAME, &options.cache_dir,
        "Where clips are kept (default: $XDG_CACHE_HOME/gst-apigo)", "DIR"},
    {"base-url", 'u', 0, G_OPTION_ARG_STRING, &options.base_url,
        "The service (default: $APIGO_BASE_URL, else "
          APIGO_CLIENT_DEFAULT_BASE_URL ")", "URL"},
    {"ca-file", 0, 0, G_OPTION_ARG_FILENAME, &options.ca_file,
        "Trust these PEM CAs instead of the system's", "FILE"},
    {"allow-plain-http", 0, 0, G_OPTION_ARG_NONE, &options.allow_plain_http,
        "Send the key over plain http beyond this machine", NULL},
    {"json", 'j', 0, G_OPTION_ARG_NONE, &options.json,
        "clips, tasks, models: one JSON array; spend, budget: one JSON "
        "object", NULL},
    {"limit", 'n', 0, G_OPTION_ARG_INT, &options.limit,
        "tasks: how many (1-100, default 20)", "N"},
    {"max-size", 0, 0, G_OPTION_ARG_DOUBLE, &options.max_size_mib,
        "prune: keep at most this much", "MIB"},
    {"older-than", 0, 0, G_OPTION_ARG_DOUBLE, &options.older_than_days,
        "prune: remove clips kept more than this long ago", "DAYS"},
    {"verbose", 'v', G_OPTION_FLAG_NO_ARG, G_OPTION_ARG_CALLBACK, on_verbose,
        "Say what is done (twice: every request)", NULL},
    {NULL}
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *description = commands_text ();
  g_auto (GStrv) args = g_strdupv (argv);
  gint status = TOOL_USAGE;
  guint i;

  setlocale (LC_ALL, "");
  apigo_log_set_sink (&log_sink);

  context = g_option_context_new ("COMMAND [ARG...]");
  g_option_context_set_summary (context, "See and manage the clips "
      "apigovideosrc keeps, and the tasks at the service.");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse_strv (context, &args, &error)) {
    tool_error ("%s (see --help)", error->message);
    goto out;
  }
  if (args[1] == NULL) {
    tool_error ("No command: one of clips, show, remove, prune, clear, "
        "tasks, delete, models, generate, spend, budget (see --help)");
    goto out;
  }

  for (i = 0; i < G_N_ELEMENTS (commands); i++) {
    if (strcmp (args[1], commands[i].name) == 0) {
      options.args = args + 2;
      status = commands[i].run (&options);
      goto out;
    }
  }
  tool_error ("No command \"%s\" (see --help)", args[1]);

out:
  g_free (options.cache_dir);
  g_free (options.base_url);
  g_free (options.ca_file);
  return status;
}
