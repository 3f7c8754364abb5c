/* gst-apigo: the command-line tool
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * generate: make the clips of apigo:// URIs ahead of time, with the
 * element's own job, cache, journal and lock, and print the
 * apigo://video/ID URI of each.  Tools that give up on a URI after a fixed
 * time (GES's discovery, gst-discoverer-1.0) then open a clip that is
 * already there; the same generate URI replays it from the cache too.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gst-apigo.h"
#include "apigo-client.h"
#include "apigo-job.h"
#include "apigo-options.h"
#include "apigo-uri.h"

/* One URI of the command line, generated on its job's thread while the
 * others are. */
typedef struct
{
  guint position;               /* 1-based: what stderr lines start with */
  const gchar *uri;
  ApigoJobSettings settings;
  ApigoJob *job;
  GMutex lock;                  /* what follows: set on the job's thread */
  ApigoJobPhase phase;
  GError *error;
  gint shown_tens;              /* the progress last shown, in tens of % */
} Generation;

static void
on_phase_changed (ApigoJob * job, ApigoJobPhase phase, const GError * error,
    gpointer user_data)
{
  Generation *g = user_data;

  g_mutex_lock (&g->lock);
  g->phase = phase;
  g_clear_error (&g->error);
  if (error != NULL)
    g->error = g_error_copy (error);
  g_mutex_unlock (&g->lock);
  if (phase != APIGO_JOB_PHASE_DONE && phase != APIGO_JOB_PHASE_FAILED
      && phase != APIGO_JOB_PHASE_CANCELLED)
    g_printerr ("[%u] %s\n", g->position, apigo_job_phase_to_string (phase));
}

/* The progress, one line per 10 % at most: polls come every few seconds
 * for minutes. */
static void
on_task_changed (ApigoJob * job, const ApigoTask * task, gpointer user_data)
{
  Generation *g = user_data;
  gint tens = task->progress / 10;
  gboolean show;

  if (task->progress < 0)
    return;
  g_mutex_lock (&g->lock);
  show = tens > g->shown_tens;
  if (show)
    g->shown_tens = tens;
  g_mutex_unlock (&g->lock);
  if (show)
    g_printerr ("[%u] generating: %d %%\n", g->position, task->progress);
}

static void
on_warning (ApigoJob * job, const GError * error, gpointer user_data)
{
  Generation *g = user_data;

  tool_error ("[%u] %s: %s", g->position, g->uri, error->message);
}

static const ApigoJobCallbacks callbacks = {
  .phase_changed = on_phase_changed,
  .task_changed = on_task_changed,
  .warning = on_warning,
};

/* The settings apigovideosrc takes from @text with its other properties at
 * their defaults (one table, apigo-options.c): the same clip key, so the
 * element replays what this command made. */
static gboolean
settings_from_uri (const ToolOptions * tool, const gchar * text,
    ApigoJobSettings * s, GError ** error)
{
  ApigoOptions options;
  gboolean ok;

  apigo_options_init (&options);
  /* The command's own options, where the element has properties. */
  apigo_options_set_string (&options, apigo_option_spec_find ("base-url"),
      tool->base_url);
  apigo_options_set_string (&options, apigo_option_spec_find ("ssl-ca-file"),
      tool->ca_file);
  apigo_options_set_string (&options, apigo_option_spec_find ("cache-dir"),
      tool->cache_dir);
  apigo_options_set_string (&options, apigo_option_spec_find ("user-agent"),
      "gst-apigo/" VERSION " (command line)");
  options.allow_plain_http = tool->allow_plain_http;
  ok = apigo_uri_parse (text, &options, error)
      && apigo_options_to_job_settings (&options, APIGO_OPTIONS_FROM_URI, s,
      error);
  apigo_options_clear (&options);
  return ok;
}

/* The apigo://video/ID URI of what @g made, or NULL, having said why. */
static gchar *
finish (Generation * g)
{
  g_autofree gchar *id = NULL;
  gchar *out = NULL;

  apigo_job_wait (g->job, NULL);
  id = apigo_job_dup_video_id (g->job);
  apigo_job_stop (g->job);

  g_mutex_lock (&g->lock);
  if (g->phase != APIGO_JOB_PHASE_DONE || id == NULL) {
    tool_error ("[%u] %s: %s", g->position, g->uri, g->error ?
        g->error->message : "no clip");
  } else {
    ApigoOptions video;

    apigo_options_init (&video);
    apigo_options_parse_value (&video, apigo_option_spec_find ("video-id"),
        id, APIGO_OPTIONS_FROM_URI, NULL);
    if (g->settings.variant != NULL)
      apigo_options_parse_value (&video, apigo_option_spec_find ("variant"),
          g->settings.variant, APIGO_OPTIONS_FROM_URI, NULL);
    out = apigo_uri_to_string (&video);
    apigo_options_clear (&video);
  }
  g_mutex_unlock (&g->lock);
  return out;
}

gint
tool_generate (const ToolOptions * options)
{
  guint n = g_strv_length (options->args);
  Generation *gens;
  gint status = TOOL_OK;
  guint i;

  if (n == 0) {
    tool_error ("generate takes apigo:// URIs (see --help)");
    return TOOL_USAGE;
  }
  gens = g_new0 (Generation, n);
  for (i = 0; i < n; i++) {
    gens[i].position = i + 1;
    gens[i].uri = options->args[i];
    g_mutex_init (&gens[i].lock);
  }

  /* Every URI is checked before any is paid for. */
  for (i = 0; i < n; i++) {
    g_autoptr (GError) error = NULL;

    if (!settings_from_uri (options, gens[i].uri, &gens[i].settings,
            &error)) {
      tool_error ("%s: %s", gens[i].uri, error->message);
      status = TOOL_USAGE;
    }
  }
  if (status != TOOL_OK) {
    tool_error ("Nothing was generated");
    goto out;
  }

  /* All at once: each job runs on its thread.  The same clip twice takes
   * turns on the job's lock, and the second plays what the first made. */
  for (i = 0; i < n; i++) {
    g_autoptr (GError) error = NULL;

    g_printerr ("[%u] %s\n", gens[i].position, gens[i].uri);
    gens[i].job = apigo_job_new (&gens[i].settings, &callbacks, &gens[i],
        &error);
    if (gens[i].job == NULL)
      tool_error ("[%u] %s: %s", gens[i].position, gens[i].uri,
          error->message);
    else
      apigo_job_start (gens[i].job, &gens[i].settings);
  }

  /* In the order of the arguments: a script pairs the lines with its URIs
   * by position, so one that failed gets an empty line. */
  for (i = 0; i < n; i++) {
    g_autofree gchar *out = gens[i].job ? finish (&gens[i]) : NULL;

    if (out == NULL)
      status = TOOL_FAILED;
    g_print ("%s\n", out ? out : "");
  }

out:
  for (i = 0; i < n; i++) {
    if (gens[i].job != NULL)
      apigo_job_unref (gens[i].job);
    g_clear_error (&gens[i].error);
    g_mutex_clear (&gens[i].lock);
    apigo_job_settings_clear (&gens[i].settings);
  }
  g_free (gens);
  return status;
}
