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
#include "apigo-proxy.h"
#include "apigo-task.h"
#include "apigo-uri.h"

/* What apigovideosrc uses when the URI and its properties say nothing:
 * the same values make the same clip key, so the element replays what
 * this command made (docs/element.md). */
#define ELEMENT_MODEL "sora-2"
#define ELEMENT_SIZE "720x1280"
#define ELEMENT_SECONDS 4
#define ELEMENT_POLL_INTERVAL_MS 2000
#define ELEMENT_TIMEOUT_S 1200
#define ELEMENT_RETRIES 2
#define ELEMENT_CACHE_MAX_MIB 2048

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

/* The settings apigovideosrc takes from @uri with its other properties at
 * their defaults. */
static gboolean
settings_from_uri (const ToolOptions * options, const ApigoUri * uri,
    ApigoJobSettings * s, GError ** error)
{
  const gchar *env_url = g_getenv ("APIGO_BASE_URL");

  s->base_url = g_strdup (options->base_url ? options->base_url :
      env_url && *env_url ? env_url : APIGO_CLIENT_DEFAULT_BASE_URL);
  s->api_key = g_strdup (g_getenv ("APIGO_API_KEY"));
  s->user_agent = g_strdup ("gst-apigo/" VERSION " (command line)");
  s->model = g_strdup (uri->model ? uri->model : ELEMENT_MODEL);
  s->prompt = g_strdup (uri->prompt);
  s->size = g_strdup (uri->size ? uri->size : ELEMENT_SIZE);
  s->seconds = g_strdup_printf ("%u", uri->seconds ? uri->seconds :
      ELEMENT_SECONDS);
  /* "video" is the service's default: only other variants are named. */
  if (uri->variant != NULL && g_strcmp0 (uri->variant, "video") != 0)
    s->variant = g_strdup (uri->variant);
  switch (uri->form) {
    case APIGO_URI_VIDEO:
      s->video_id = g_strdup (uri->video_id);
      break;
    case APIGO_URI_REMIX:
      s->create_kind = APIGO_CREATE_REMIX;
      break;
    case APIGO_URI_EXTEND:
      s->create_kind = APIGO_CREATE_EXTEND;
      break;
    case APIGO_URI_EDIT:
      s->create_kind = APIGO_CREATE_EDIT;
      break;
    case APIGO_URI_GENERATE:
      break;
  }
  if (uri->form != APIGO_URI_GENERATE && uri->form != APIGO_URI_VIDEO)
    s->source_id = g_strdup (uri->video_id);
  s->ca_file = g_strdup (options->ca_file);
  s->allow_plain_http = options->allow_plain_http;
  s->retries = ELEMENT_RETRIES;
  s->poll_interval_ms = ELEMENT_POLL_INTERVAL_MS;
  s->timeout_s = ELEMENT_TIMEOUT_S;
  s->cache_dir = g_strdup (options->cache_dir);
  s->cache_max_bytes = (guint64) ELEMENT_CACHE_MAX_MIB << 20;
  s->reuse = TRUE;

  if (s->api_key == NULL || *s->api_key == '\0') {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "No API key: set the APIGO_API_KEY environment variable");
    return FALSE;
  }
  return apigo_client_check_api_key (s->api_key, error)
      && apigo_client_check_base_url (s->base_url, error)
      && apigo_proxy_check_plain_http (NULL, s->base_url,
      s->allow_plain_http, error);
}

/* Generates (or resumes, or replays) one clip and prints its
 * apigo://video/ID URI. */
static gboolean
generate_one (const ToolOptions * options, const gchar * text)
{
  ApigoUri uri = { 0 };
  ApigoJobSettings settings = { 0 };
  Outcome outcome = {.phase = APIGO_JOB_PHASE_IDLE };
  g_autoptr (GError) error = NULL;
  g_autofree gchar *id = NULL;
  ApigoJob *job = NULL;
  gboolean ok = FALSE;

  g_mutex_init (&outcome.lock);
  if (!apigo_uri_parse (text, &uri, &error)
      || !settings_from_uri (options, &uri, &settings, &error)
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
    ApigoUri video = {.form = APIGO_URI_VIDEO,.video_id = id,
      .variant = settings.variant
    };
    g_autofree gchar *out = apigo_uri_to_string (&video);

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
  apigo_uri_clear (&uri);
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
