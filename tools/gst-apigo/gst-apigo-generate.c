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

typedef struct
{
  GMutex lock;
  ApigoJobPhase phase;
  GError *error;
  gchar *status;                /* the task's last status, for -v */
} Outcome;

static void
on_phase_changed (ApigoJob * job, ApigoJobPhase phase, const GError * error,
    gpointer user_data)
{
  Outcome *o = user_data;

  g_mutex_lock (&o->lock);
  o->phase = phase;
  g_clear_error (&o->error);
  if (error != NULL)
    o->error = g_error_copy (error);
  g_mutex_unlock (&o->lock);
  if (phase != APIGO_JOB_PHASE_DONE && phase != APIGO_JOB_PHASE_FAILED
      && phase != APIGO_JOB_PHASE_CANCELLED)
    g_printerr ("  %s\n", apigo_job_phase_to_string (phase));
}

static void
on_warning (ApigoJob * job, const GError * error, gpointer user_data)
{
  tool_error ("%s", error->message);
}

static const ApigoJobCallbacks callbacks = {
  .phase_changed = on_phase_changed,
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

/* Generates (or resumes, or replays) one clip and prints its
 * apigo://video/ID URI. */
static gboolean
generate_one (const ToolOptions * options, const gchar * text)
{
  ApigoJobSettings settings = { 0 };
  Outcome outcome = {.phase = APIGO_JOB_PHASE_IDLE };
  g_autoptr (GError) error = NULL;
  g_autofree gchar *id = NULL;
  ApigoJob *job = NULL;
  gboolean ok = FALSE;

  g_mutex_init (&outcome.lock);
  if (!settings_from_uri (options, text, &settings, &error)
      || (job = apigo_job_new (&settings, &callbacks, &outcome,
              &error)) == NULL) {
    tool_error ("%s: %s", text, error->message);
    goto out;
  }

  g_printerr ("%s\n", text);
  apigo_job_start (job, &settings);
  apigo_job_wait (job, NULL);
  id = apigo_job_dup_video_id (job);
  apigo_job_stop (job);

  g_mutex_lock (&outcome.lock);
  if (outcome.phase != APIGO_JOB_PHASE_DONE || id == NULL) {
    tool_error ("%s: %s", text, outcome.error ? outcome.error->message :
        "no clip");
  } else {
    g_autofree gchar *out = NULL;
    ApigoOptions video;

    apigo_options_init (&video);
    apigo_options_parse_value (&video, apigo_option_spec_find ("video-id"),
        id, APIGO_OPTIONS_FROM_URI, NULL);
    if (settings.variant != NULL)
      apigo_options_parse_value (&video, apigo_option_spec_find ("variant"),
          settings.variant, APIGO_OPTIONS_FROM_URI, NULL);
    out = apigo_uri_to_string (&video);
    apigo_options_clear (&video);

    g_print ("%s\n", out);
    ok = TRUE;
  }
  g_mutex_unlock (&outcome.lock);

out:
  if (job != NULL)
    apigo_job_unref (job);
  g_clear_error (&outcome.error);
  g_mutex_clear (&outcome.lock);
  apigo_job_settings_clear (&settings);
  return ok;
}

gint
tool_generate (const ToolOptions * options)
{
  gint status = TOOL_OK;
  guint i;

  if (options->args[0] == NULL) {
    tool_error ("generate takes apigo:// URIs (see --help)");
    return TOOL_USAGE;
  }
  for (i = 0; options->args[i] != NULL; i++)
    if (!generate_one (options, options->args[i]))
      status = TOOL_FAILED;
  return status;
}
