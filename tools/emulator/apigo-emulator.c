/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The emulator object: properties, the server thread and its lifetime, the
 * request log and the public face of the fault queues.  HTTP handling lives
 * in emulator-routes.c, tasks in emulator-tasks.c, faults in
 * emulator-faults.c.
 */

#include "apigo-emulator.h"

#include "apigo-emulator-private.h"
#include "emulator-cache.h"
#include "emulator-faults.h"
#include "emulator-routes.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <libsoup/soup.h>

struct _ApigoEmulator
{
  GObject parent;

  GMutex lock;                  /* guards everything below */
  GCond cond;
  EmuSettings settings;
  gchar *cache_dir;
  GTlsCertificate *tls_certificate;

  GPtrArray *requests;          /* ApigoEmulatorRequest */
  guint completed_downloads;

  /* Lifetime: set by start(), cleared by stop(). */
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  gboolean thread_ready;
  GError *start_error;
  guint requested_port;
  guint port;
  gchar *base_url;
  guint cdn_port;
  gchar *cdn_origin;
  EmuTaskTable *tasks;
  gchar *private_dir;

  EmuFaults *faults;            /* thread-safe on its own */
  EmuClock *clock;              /* the tasks' timelines; thread-safe too */
};

enum
{
  PROP_0,
  PROP_API_KEY,
  PROP_GENERATION_TIME,
  PROP_INITIAL_STATUS,
  PROP_POLL_AFTER_MS,
  PROP_PROGRESS_STUCK,
  PROP_ANY_SIZE,
  PROP_THROTTLE,
  PROP_CHUNKED,
  PROP_IGNORE_RANGE,
  PROP_CREATE_DELAY,
  PROP_FASTSTART,
  PROP_AUDIO,
  PROP_CACHE_DIR,
  PROP_PORT,
  PROP_BASE_URL,
  PROP_IGNORE_IDEMPOTENCY_KEY,
  PROP_EXPIRES_IN,
  PROP_CDN,
  PROP_CDN_PORT,
  PROP_TLS_CERTIFICATE,
  PROP_LIST_WITHOUT_PROMPT,
  PROP_REMIX,
  PROP_EXTENSIONS,
  PROP_EDITS,
  PROP_CONTENT_REDIRECT,
  PROP_CLOCK_HELD,
  PROP_DIALECT,
  PROP_MODELS,
  PROP_VIDEO_MODELS,
  PROP_COST_PER_SECOND,
  N_PROPS
};

enum
{
  SIGNAL_REQUEST_LOGGED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (ApigoEmulator, apigo_emulator, G_TYPE_OBJECT);
G_DEFINE_BOXED_TYPE (ApigoEmulatorRequest, apigo_emulator_request,
    apigo_emulator_request_copy, apigo_emulator_request_free);

#define DEFAULT_GENERATION_TIME 3.0
/* An hour, as on OpenAI's service. */
#define DEFAULT_EXPIRES_IN 3600.0
/* About a century. */
#define MAX_EXPIRES_IN 3.2e9

void
emu_settings_clear (EmuSettings * settings)
{
  g_clear_pointer (&settings->api_key, g_free);
  g_clear_pointer (&settings->content_redirect, g_free);
  g_clear_pointer (&settings->video_models, g_free);
}

static void
apigo_emulator_init (ApigoEmulator * emu)
{
  g_mutex_init (&emu->lock);
  g_cond_init (&emu->cond);
  emu->faults = emu_faults_new ();
  emu->clock = emu_clock_new ();
  emu->settings.generation_time = DEFAULT_GENERATION_TIME;
  emu->settings.expires_in = DEFAULT_EXPIRES_IN;
  emu->settings.faststart = TRUE;
  emu->settings.audio = TRUE;
  emu->settings.remix = TRUE;
  emu->settings.extensions = TRUE;
  emu->settings.edits = TRUE;
  emu->settings.models = TRUE;
  emu->requests = g_ptr_array_new_with_free_func ((GDestroyNotify)
      apigo_emulator_request_free);
}

static void
apigo_emulator_dispose (GObject * object)
{
  apigo_emulator_stop (APIGO_EMULATOR (object));

  G_OBJECT_CLASS (apigo_emulator_parent_class)->dispose (object);
}

static void
apigo_emulator_finalize (GObject * object)
{
  ApigoEmulator *emu = APIGO_EMULATOR (object);

  emu_settings_clear (&emu->settings);
  g_free (emu->cache_dir);
  g_clear_object (&emu->tls_certificate);
  emu_faults_free (emu->faults);
  emu_clock_unref (emu->clock);
  g_ptr_array_unref (emu->requests);
  g_mutex_clear (&emu->lock);
  g_cond_clear (&emu->cond);

  G_OBJECT_CLASS (apigo_emulator_parent_class)->finalize (object);
}

static void
apigo_emulator_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  ApigoEmulator *emu = APIGO_EMULATOR (object);
  EmuSettings *s = &emu->settings;

  g_mutex_lock (&emu->lock);
  switch (prop_id) {
    case PROP_API_KEY:
      g_free (s->api_key);
      s->api_key = g_value_dup_string (value);
      break;
    case PROP_GENERATION_TIME:
      s->generation_time = g_value_get_double (value);
      break;
    case PROP_INITIAL_STATUS:{
      const gchar *status = g_value_get_string (value);

      if (status && !g_str_equal (status, "queued")
          && !g_str_equal (status, "pending"))
        g_warning ("initial-status must be \"queued\" or \"pending\"");
      else
        s->initial_pending = g_strcmp0 (status, "pending") == 0;
      break;
    }
    case PROP_POLL_AFTER_MS:
      s->poll_after_ms = g_value_get_uint (value);
      break;
    case PROP_PROGRESS_STUCK:
      s->progress_stuck = g_value_get_boolean (value);
      break;
    case PROP_ANY_SIZE:
      s->any_size = g_value_get_boolean (value);
      break;
    case PROP_THROTTLE:
      s->throttle = g_value_get_uint64 (value);
      break;
    case PROP_CHUNKED:
      s->chunked = g_value_get_boolean (value);
      break;
    case PROP_IGNORE_RANGE:
      s->ignore_range = g_value_get_boolean (value);
      break;
    case PROP_CREATE_DELAY:
      s->create_delay = g_value_get_double (value);
      break;
    case PROP_FASTSTART:
      s->faststart = g_value_get_boolean (value);
      break;
    case PROP_AUDIO:
      s->audio = g_value_get_boolean (value);
      break;
    case PROP_COST_PER_SECOND:
      s->cost_per_second = g_value_get_double (value);
      break;
    case PROP_CACHE_DIR:
      /* Read at start(). */
      g_free (emu->cache_dir);
      emu->cache_dir = g_value_dup_string (value);
      break;
    case PROP_IGNORE_IDEMPOTENCY_KEY:
      s->ignore_idempotency_key = g_value_get_boolean (value);
      break;
    case PROP_EXPIRES_IN:
      s->expires_in = g_value_get_double (value);
      break;
    case PROP_CDN:
      s->cdn = g_value_get_boolean (value);
      break;
    case PROP_TLS_CERTIFICATE:
      /* Read at start(). */
      g_clear_object (&emu->tls_certificate);
      emu->tls_certificate = g_value_dup_object (value);
      break;
    case PROP_LIST_WITHOUT_PROMPT:
      s->list_without_prompt = g_value_get_boolean (value);
      break;
    case PROP_REMIX:
      s->remix = g_value_get_boolean (value);
      break;
    case PROP_EXTENSIONS:
      s->extensions = g_value_get_boolean (value);
      break;
    case PROP_EDITS:
      s->edits = g_value_get_boolean (value);
      break;
    case PROP_CONTENT_REDIRECT:
      g_free (s->content_redirect);
      s->content_redirect = g_value_dup_string (value);
      break;
    case PROP_CLOCK_HELD:
      emu_clock_set_held (emu->clock, g_value_get_boolean (value));
      break;
    case PROP_DIALECT:{
      const gchar *dialect = g_value_get_string (value);

      /* The base URL follows it at start(). */
      if (dialect && !g_str_equal (dialect, "openai")
          && !g_str_equal (dialect, "azure")
          && !g_str_equal (dialect, "openrouter")) {
        g_warning ("dialect must be \"openai\", \"azure\" or "
            "\"openrouter\"");
      } else {
        s->azure = g_strcmp0 (dialect, "azure") == 0;
        s->openrouter = g_strcmp0 (dialect, "openrouter") == 0;
      }
      break;
    }
    case PROP_MODELS:
      s->models = g_value_get_boolean (value);
      break;
    case PROP_VIDEO_MODELS:
      g_free (s->video_models);
      s->video_models = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&emu->lock);
}

static void
apigo_emulator_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  ApigoEmulator *emu = APIGO_EMULATOR (object);
  EmuSettings *s = &emu->settings;

  g_mutex_lock (&emu->lock);
  switch (prop_id) {
    case PROP_API_KEY:
      g_value_set_string (value, s->api_key);
      break;
    case PROP_GENERATION_TIME:
      g_value_set_double (value, s->generation_time);
      break;
    case PROP_INITIAL_STATUS:
      g_value_set_string (value, s->initial_pending ? "pending" : "queued");
      break;
    case PROP_POLL_AFTER_MS:
      g_value_set_uint (value, s->poll_after_ms);
      break;
    case PROP_PROGRESS_STUCK:
      g_value_set_boolean (value, s->progress_stuck);
      break;
    case PROP_ANY_SIZE:
      g_value_set_boolean (value, s->any_size);
      break;
    case PROP_THROTTLE:
      g_value_set_uint64 (value, s->throttle);
      break;
    case PROP_CHUNKED:
      g_value_set_boolean (value, s->chunked);
      break;
    case PROP_IGNORE_RANGE:
      g_value_set_boolean (value, s->ignore_range);
      break;
    case PROP_CREATE_DELAY:
      g_value_set_double (value, s->create_delay);
      break;
    case PROP_FASTSTART:
      g_value_set_boolean (value, s->faststart);
      break;
    case PROP_AUDIO:
      g_value_set_boolean (value, s->audio);
      break;
    case PROP_COST_PER_SECOND:
      g_value_set_double (value, s->cost_per_second);
      break;
    case PROP_CACHE_DIR:
      g_value_set_string (value, emu->cache_dir);
      break;
    case PROP_PORT:
      g_value_set_uint (value, emu->port);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, emu->base_url);
      break;
    case PROP_IGNORE_IDEMPOTENCY_KEY:
      g_value_set_boolean (value, s->ignore_idempotency_key);
      break;
    case PROP_EXPIRES_IN:
      g_value_set_double (value, s->expires_in);
      break;
    case PROP_CDN:
      g_value_set_boolean (value, s->cdn);
      break;
    case PROP_CDN_PORT:
      g_value_set_uint (value, emu->cdn_port);
      break;
    case PROP_TLS_CERTIFICATE:
      g_value_set_object (value, emu->tls_certificate);
      break;
    case PROP_LIST_WITHOUT_PROMPT:
      g_value_set_boolean (value, s->list_without_prompt);
      break;
    case PROP_REMIX:
      g_value_set_boolean (value, s->remix);
      break;
    case PROP_EXTENSIONS:
      g_value_set_boolean (value, s->extensions);
      break;
    case PROP_EDITS:
      g_value_set_boolean (value, s->edits);
      break;
    case PROP_CONTENT_REDIRECT:
      g_value_set_string (value, s->content_redirect);
      break;
    case PROP_CLOCK_HELD:
      g_value_set_boolean (value, emu_clock_get_held (emu->clock));
      break;
    case PROP_DIALECT:
      g_value_set_string (value, s->azure ? "azure" : s->openrouter ?
          "openrouter" : "openai");
      break;
    case PROP_MODELS:
      g_value_set_boolean (value, s->models);
      break;
    case PROP_VIDEO_MODELS:
      g_value_set_string (value, s->video_models);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  g_mutex_unlock (&emu->lock);
}

static void
apigo_emulator_class_init (ApigoEmulatorClass * klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = apigo_emulator_dispose;
  object_class->finalize = apigo_emulator_finalize;
  object_class->set_property = apigo_emulator_set_property;
  object_class->get_property = apigo_emulator_get_property;

  props[PROP_API_KEY] = g_param_spec_string ("api-key", "API key",
      "The bearer token to accept (NULL: any non-empty one)", NULL, rw);
  props[PROP_GENERATION_TIME] = g_param_spec_double ("generation-time",
      "Generation time", "Seconds from created to completed (at least)",
      0.0, 3600.0, DEFAULT_GENERATION_TIME, rw);
  props[PROP_INITIAL_STATUS] = g_param_spec_string ("initial-status",
      "Initial status", "Status of a new task: \"queued\" or \"pending\"",
      "queued", rw);
  props[PROP_POLL_AFTER_MS] = g_param_spec_uint ("poll-after-ms",
      "Poll after", "openai-poll-after-ms header on task answers (0: none)",
      0, G_MAXUINT, 0, rw);
  props[PROP_PROGRESS_STUCK] = g_param_spec_boolean ("progress-stuck",
      "Progress stuck", "Report progress 0 until the task is completed, "
      "like a service that never says", FALSE, rw);
  props[PROP_ANY_SIZE] = g_param_spec_boolean ("any-size", "Any size",
      "Accept any even size 16..4096 and seconds 1..60", FALSE, rw);
  props[PROP_THROTTLE] = g_param_spec_uint64 ("throttle", "Throttle",
      "Content bytes per second (0: unlimited)", 0, G_MAXUINT64, 0, rw);
  props[PROP_CHUNKED] = g_param_spec_boolean ("chunked", "Chunked",
      "Send content with chunked transfer encoding", FALSE, rw);
  props[PROP_IGNORE_RANGE] = g_param_spec_boolean ("ignore-range",
      "Ignore range", "Answer 200 with the whole content despite Range",
      FALSE, rw);
  props[PROP_CREATE_DELAY] = g_param_spec_double ("create-delay",
      "Create delay", "Seconds to hold the answer to a create", 0.0, 3600.0,
      0.0, rw);
  props[PROP_FASTSTART] = g_param_spec_boolean ("faststart", "Faststart",
      "Put the moov atom before mdat", TRUE, rw);
  props[PROP_AUDIO] = g_param_spec_boolean ("audio", "Audio",
      "Add an AAC audio track", TRUE, rw);
  /* Negative, huge: a broken gateway's word, for tests. */
  props[PROP_COST_PER_SECOND] = g_param_spec_double ("cost-per-second",
      "Cost per second", "Completed tasks report \"usage\": {\"cost\": "
      "seconds * this} (US dollars, as OpenRouter does) in any dialect; "
      "0: no usage member", -G_MAXDOUBLE, G_MAXDOUBLE, 0.0, rw);
  props[PROP_CACHE_DIR] = g_param_spec_string ("cache-dir", "Cache dir",
      "Where renderings are kept and reused (NULL: a private temporary "
      "directory removed at stop)", NULL, rw);
  props[PROP_PORT] = g_param_spec_uint ("port", "Port",
      "The bound port, 0 when stopped", 0, G_MAXUINT16, 0,
      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_BASE_URL] = g_param_spec_string ("base-url", "Base URL",
      "http://127.0.0.1:PORT/v1 (https with a certificate) once started",
      NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_IGNORE_IDEMPOTENCY_KEY] =
      g_param_spec_boolean ("ignore-idempotency-key",
      "Ignore idempotency key", "Make a new task on every create, even one "
      "with an Idempotency-Key seen before (as OpenAI does)", FALSE, rw);
  props[PROP_EXPIRES_IN] = g_param_spec_double ("expires-in", "Expires in",
      "Seconds from completed_at to expires_at (rounded up), after which "
      "content answers 404 video_expired; applies to every task at once",
      0.0, MAX_EXPIRES_IN, DEFAULT_EXPIRES_IN, rw);
  props[PROP_CDN] = g_param_spec_boolean ("cdn", "CDN",
      "Answer content requests with a 302 to a signed URL on the CDN "
      "origin (another port, no Authorization needed)", FALSE, rw);
  props[PROP_CDN_PORT] = g_param_spec_uint ("cdn-port", "CDN port",
      "The CDN origin's port (it listens whenever started), 0 when stopped",
      0, G_MAXUINT16, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_TLS_CERTIFICATE] = g_param_spec_object ("tls-certificate",
      "TLS certificate", "Serve the API over HTTPS with this certificate "
      "and its private key (read at start)", G_TYPE_TLS_CERTIFICATE, rw);
  props[PROP_LIST_WITHOUT_PROMPT] = g_param_spec_boolean
      ("list-without-prompt", "List without prompt",
      "Leave the prompt out of the tasks in list answers (as some gateways "
      "do)", FALSE, rw);
  props[PROP_REMIX] = g_param_spec_boolean ("remix", "Remix",
      "Offer POST /videos/{id}/remix (else it answers 404 unknown_url, as "
      "on a gateway without it)", TRUE, rw);
  props[PROP_EXTENSIONS] = g_param_spec_boolean ("extensions", "Extensions",
      "Offer POST /videos/extensions (else it answers 404 unknown_url)",
      TRUE, rw);
  props[PROP_EDITS] = g_param_spec_boolean ("edits", "Edits",
      "Offer POST /videos/edits (else it answers 404 unknown_url)", TRUE, rw);
  props[PROP_CONTENT_REDIRECT] = g_param_spec_string ("content-redirect",
      "Content redirect", "Answer the video downloads of completed tasks "
      "with a 302 to this URL, e.g. a file on another server (NULL: serve "
      "the rendered clip)", NULL, rw);
  props[PROP_CLOCK_HELD] = g_param_spec_boolean ("clock-held", "Clock held",
      "Stop the clock the tasks' statuses follow: they stay as they are "
      "(a new task stays queued) until it runs again, or is moved on with "
      "apigo_emulator_advance_clock()", FALSE, rw);
  props[PROP_DIALECT] = g_param_spec_string ("dialect", "Dialect",
      "\"openai\"; \"azure\": Azure OpenAI's api-key header and "
      "api-version query, under /openai/v1; \"openrouter\": OpenRouter's "
      "JSON creates, under /api/v1 (set before start)", "openai", rw);

  props[PROP_MODELS] = g_param_spec_boolean ("models", "Models",
      "Offer GET /models (OpenAI's shape) and GET /videos/models "
      "(OpenRouter's, with what each model takes; no key needed); else "
      "they answer 404 unknown_url", TRUE, rw);
  props[PROP_VIDEO_MODELS] = g_param_spec_string ("video-models",
      "Video models", "The body GET /videos/models answers, as it is "
      "(NULL: sora-2, sora-2-pro and veo-3); /models lists its ids",
      NULL, rw);

  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_REQUEST_LOGGED] = g_signal_new ("request-logged",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
      G_TYPE_NONE, 1, APIGO_TYPE_EMULATOR_REQUEST | G_SIGNAL_TYPE_STATIC_SCOPE);
}

ApigoEmulator *
apigo_emulator_new (void)
{
  return g_object_new (APIGO_TYPE_EMULATOR, NULL);
}

/* Loopback only, IPv4 only: one port, one URL. */
static gboolean
listen_loopback (SoupServer * server, guint port, gboolean https,
    guint * bound, GError ** error)
{
  GSList *uris;

  if (!soup_server_listen_local (server, port, SOUP_SERVER_LISTEN_IPV4_ONLY |
          (https ? SOUP_SERVER_LISTEN_HTTPS : 0), error))
    return FALSE;
  uris = soup_server_get_uris (server);
  *bound = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

/* The server thread: owns the context, the SoupServers and the routes. */
static gpointer
server_thread (gpointer data)
{
  ApigoEmulator *emu = data;
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (SoupServer) cdn_server = NULL;
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (GError) error = NULL;
  EmuRoutes *routes = NULL;
  guint port = 0, cdn_port = 0;
  gboolean ok;

  g_main_context_push_thread_default (emu->context);

  g_mutex_lock (&emu->lock);
  if (emu->tls_certificate)
    certificate = g_object_ref (emu->tls_certificate);
  g_mutex_unlock (&emu->lock);

  server = soup_server_new ("server-header", "apigo-emulator ",
      "tls-certificate", certificate, NULL);
  /* The CDN origin: another port, hence another origin; plain HTTP, as
   * get_cdn_origin() promises, whatever the API port speaks. */
  cdn_server = soup_server_new ("server-header", "apigo-emulator-cdn ", NULL);
  ok = listen_loopback (server, emu->requested_port, certificate != NULL,
      &port, &error) && listen_loopback (cdn_server, 0, FALSE, &cdn_port,
      &error);

  g_mutex_lock (&emu->lock);
  if (ok) {
    emu->port = port;
    emu->base_url = g_strdup_printf ("%s://127.0.0.1:%u%s/v1",
        certificate ? "https" : "http", port,
        emu->settings.azure ? "/openai" : emu->settings.openrouter ?
        "/api" : "");
    emu->cdn_port = cdn_port;
    emu->cdn_origin = g_strdup_printf ("http://127.0.0.1:%u", cdn_port);
    /* No request is handled before the loop runs. */
    routes = emu_routes_new (emu, server, cdn_server, emu->cdn_origin);
  } else {
    emu->start_error = g_steal_pointer (&error);
  }
  emu->thread_ready = TRUE;
  g_cond_broadcast (&emu->cond);
  g_mutex_unlock (&emu->lock);

  if (ok)
    g_main_loop_run (emu->loop);

  if (routes)
    emu_routes_free (routes);
  soup_server_disconnect (cdn_server);
  soup_server_disconnect (server);
  g_clear_object (&cdn_server);
  g_clear_object (&server);
  /* Let libsoup's pending sources run their cleanups. */
  while (g_main_context_iteration (emu->context, FALSE));

  g_main_context_pop_thread_default (emu->context);
  return NULL;
}

static void
release_resources (ApigoEmulator * emu)
{
  EmuTaskTable *tasks;

  g_mutex_lock (&emu->lock);
  tasks = g_steal_pointer (&emu->tasks);
  g_mutex_unlock (&emu->lock);

  if (tasks)
    emu_task_table_free (tasks);
  if (emu->private_dir) {
    emu_cache_remove_dir (emu->private_dir);
    g_clear_pointer (&emu->private_dir, g_free);
  }
  g_clear_pointer (&emu->loop, g_main_loop_unref);
  g_clear_pointer (&emu->context, g_main_context_unref);

  g_mutex_lock (&emu->lock);
  emu->port = 0;
  g_clear_pointer (&emu->base_url, g_free);
  emu->cdn_port = 0;
  g_clear_pointer (&emu->cdn_origin, g_free);
  g_mutex_unlock (&emu->lock);
}

gboolean
apigo_emulator_start (ApigoEmulator * emu, guint port, GError ** error)
{
  g_autofree gchar *cache_dir = NULL;

  g_return_val_if_fail (APIGO_IS_EMULATOR (emu), FALSE);
  g_return_val_if_fail (emu->thread == NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);

  if (!gst_init_check (NULL, NULL, error))
    return FALSE;

  g_mutex_lock (&emu->lock);
  cache_dir = g_strdup (emu->cache_dir);
  g_mutex_unlock (&emu->lock);

  if (cache_dir == NULL) {
    emu->private_dir = emu_cache_make_private_dir (error);
    if (emu->private_dir == NULL)
      return FALSE;
    cache_dir = g_strdup (emu->private_dir);
  } else if (g_mkdir_with_parents (cache_dir, 0700) != 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
        "Cannot create %s: %s", cache_dir, g_strerror (errno));
    return FALSE;
  }

  emu->tasks = emu_task_table_new (cache_dir, emu->clock);
  emu->context = g_main_context_new ();
  emu->loop = g_main_loop_new (emu->context, FALSE);
  emu->requested_port = port;
  emu->thread_ready = FALSE;
  emu->thread = g_thread_new ("apigo-emulator", server_thread, emu);

  g_mutex_lock (&emu->lock);
  while (!emu->thread_ready)
    g_cond_wait (&emu->cond, &emu->lock);
  g_mutex_unlock (&emu->lock);

  if (emu->start_error) {
    g_thread_join (g_steal_pointer (&emu->thread));
    release_resources (emu);
    g_propagate_error (error, g_steal_pointer (&emu->start_error));
    return FALSE;
  }
  return TRUE;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
apigo_emulator_stop (ApigoEmulator * emu)
{
  g_autoptr (GSource) quit = NULL;

  g_return_if_fail (APIGO_IS_EMULATOR (emu));

  if (emu->thread == NULL)
    return;

  /* Quit from inside the loop: a quit before g_main_loop_run() would be
   * lost. */
  quit = g_idle_source_new ();
  g_source_set_callback (quit, quit_loop, g_main_loop_ref (emu->loop),
      (GDestroyNotify) g_main_loop_unref);
  g_source_attach (quit, emu->context);
  g_thread_join (g_steal_pointer (&emu->thread));

  release_resources (emu);
}

const gchar *
apigo_emulator_get_base_url (ApigoEmulator * emu)
{
  g_return_val_if_fail (APIGO_IS_EMULATOR (emu), NULL);

  /* Written once before start() returns, cleared by stop(). */
  return emu->base_url;
}

guint
apigo_emulator_get_port (ApigoEmulator * emu)
{
  g_return_val_if_fail (APIGO_IS_EMULATOR (emu), 0);

  return emu->port;
}

const gchar *
apigo_emulator_get_cdn_origin (ApigoEmulator * emu)
{
  const gchar *origin;

  g_return_val_if_fail (APIGO_IS_EMULATOR (emu), NULL);

  /* The string lives from start() to stop(), like the base URL. */
  g_mutex_lock (&emu->lock);
  origin = emu->settings.cdn ? emu->cdn_origin : NULL;
  g_mutex_unlock (&emu->lock);
  return origin;
}

/* Request log */

static void
file_free (ApigoEmulatorFile * file)
{
  g_free (file->name);
  g_free (file->filename);
  g_free (file->content_type);
  g_bytes_unref (file->data);
  g_free (file);
}

GPtrArray *
apigo_emulator_files_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) file_free);
}

void
apigo_emulator_files_add (GPtrArray * files, const gchar * name,
    const gchar * filename, const gchar * content_type, GBytes * data)
{
  ApigoEmulatorFile *file = g_new0 (ApigoEmulatorFile, 1);

  file->name = g_strdup (name);
  file->filename = g_strdup (filename);
  file->content_type = g_strdup (content_type);
  file->data = g_bytes_ref (data);
  g_ptr_array_add (files, file);
}

static GPtrArray *
files_copy (GPtrArray * files)
{
  GPtrArray *copy = apigo_emulator_files_new ();
  guint i;

  for (i = 0; i < files->len; i++) {
    ApigoEmulatorFile *f = g_ptr_array_index (files, i);

    apigo_emulator_files_add (copy, f->name, f->filename, f->content_type,
        f->data);
  }
  return copy;
}

ApigoEmulatorRequest *
apigo_emulator_request_copy (const ApigoEmulatorRequest * req)
{
  ApigoEmulatorRequest *copy = g_new0 (ApigoEmulatorRequest, 1);

  *copy = *req;
  copy->method = g_strdup (req->method);
  copy->path = g_strdup (req->path);
  copy->query = g_strdup (req->query);
  copy->user_agent = g_strdup (req->user_agent);
  copy->idempotency_key = g_strdup (req->idempotency_key);
  copy->range = g_strdup (req->range);
  copy->if_range = g_strdup (req->if_range);
  copy->content_type = g_strdup (req->content_type);
  copy->file_name = g_strdup (req->file_name);
  copy->file_content_type = g_strdup (req->file_content_type);
  copy->video_id = g_strdup (req->video_id);
  copy->api_version = g_strdup (req->api_version);
  copy->files = req->files ? files_copy (req->files) : NULL;
  copy->json_body = g_strdup (req->json_body);
  copy->form = NULL;
  if (req->form) {
    GHashTableIter iter;
    gpointer key, value;

    copy->form = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
        g_free);
    g_hash_table_iter_init (&iter, req->form);
    while (g_hash_table_iter_next (&iter, &key, &value))
      g_hash_table_insert (copy->form, g_strdup (key), g_strdup (value));
  }
  return copy;
}

void
apigo_emulator_request_free (ApigoEmulatorRequest * req)
{
  if (req == NULL)
    return;

  g_free (req->method);
  g_free (req->path);
  g_free (req->query);
  g_free (req->user_agent);
  g_free (req->idempotency_key);
  g_free (req->range);
  g_free (req->if_range);
  g_free (req->content_type);
  g_clear_pointer (&req->form, g_hash_table_unref);
  g_free (req->file_name);
  g_free (req->file_content_type);
  g_free (req->video_id);
  g_free (req->api_version);
  g_clear_pointer (&req->files, g_ptr_array_unref);
  g_free (req->json_body);
  g_free (req);
}

const gchar *
apigo_emulator_route_to_string (ApigoEmulatorRoute route)
{
  switch (route) {
    case APIGO_EMULATOR_ROUTE_CREATE:
      return "create";
    case APIGO_EMULATOR_ROUTE_RETRIEVE:
      return "retrieve";
    case APIGO_EMULATOR_ROUTE_CONTENT:
      return "content";
    case APIGO_EMULATOR_ROUTE_LIST:
      return "list";
    case APIGO_EMULATOR_ROUTE_CDN:
      return "cdn";
    case APIGO_EMULATOR_ROUTE_REMIX:
      return "remix";
    case APIGO_EMULATOR_ROUTE_EXTEND:
      return "extend";
    case APIGO_EMULATOR_ROUTE_EDIT:
      return "edit";
    case APIGO_EMULATOR_ROUTE_DELETE:
      return "delete";
    case APIGO_EMULATOR_ROUTE_MODELS:
      return "models";
    case APIGO_EMULATOR_ROUTE_ANY:
    default:
      return "other";
  }
}

static void
add_string (JsonBuilder * b, const gchar * name, const gchar * value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar **) a, *(const gchar **) b);
}

/* "files": [{"name", "filename", "content_type", "size", "sha256"}]: what
 * was sent, not the bytes. */
static void
build_files (JsonBuilder * b, GPtrArray * files)
{
  guint i;

  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (i = 0; i < files->len; i++) {
    ApigoEmulatorFile *f = g_ptr_array_index (files, i);
    g_autofree gchar *digest = g_compute_checksum_for_bytes
        (G_CHECKSUM_SHA256, f->data);

    json_builder_begin_object (b);
    add_string (b, "name", f->name);
    add_string (b, "filename", f->filename);
    add_string (b, "content_type", f->content_type);
    json_builder_set_member_name (b, "size");
    json_builder_add_int_value (b, g_bytes_get_size (f->data));
    add_string (b, "sha256", digest);
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
}

static void
build_request (JsonBuilder * b, const ApigoEmulatorRequest * req)
{
  json_builder_begin_object (b);
  add_string (b, "method", req->method);
  add_string (b, "path", req->path);
  add_string (b, "query", req->query);
  add_string (b, "route", apigo_emulator_route_to_string (req->route));
  json_builder_set_member_name (b, "status");
  json_builder_add_int_value (b, req->status);
  json_builder_set_member_name (b, "authorized");
  json_builder_add_boolean_value (b, req->authorized);
  json_builder_set_member_name (b, "authorization_present");
  json_builder_add_boolean_value (b, req->authorization_present);
  add_string (b, "user_agent", req->user_agent);
  add_string (b, "idempotency_key", req->idempotency_key);
  add_string (b, "range", req->range);
  add_string (b, "if_range", req->if_range);
  add_string (b, "content_type", req->content_type);

  json_builder_set_member_name (b, "form");
  if (req->form) {
    g_autofree gpointer *keys = NULL;
    guint n, i;

    /* Sorted, so that log lines are stable. */
    keys = g_hash_table_get_keys_as_array (req->form, &n);
    qsort (keys, n, sizeof (gpointer), compare_strings);
    json_builder_begin_object (b);
    for (i = 0; i < n; i++)
      add_string (b, keys[i], g_hash_table_lookup (req->form, keys[i]));
    json_builder_end_object (b);
  } else {
    json_builder_add_null_value (b);
  }

  add_string (b, "file_name", req->file_name);
  add_string (b, "file_content_type", req->file_content_type);
  json_builder_set_member_name (b, "file_size");
  json_builder_add_int_value (b, req->file_size);
  add_string (b, "video_id", req->video_id);
  json_builder_set_member_name (b, "monotonic_time");
  json_builder_add_int_value (b, req->monotonic_time);
  json_builder_set_member_name (b, "api_key_present");
  json_builder_add_boolean_value (b, req->api_key_present);
  add_string (b, "api_version", req->api_version);
  if (req->files != NULL)
    build_files (b, req->files);
  add_string (b, "json_body", req->json_body);
  json_builder_end_object (b);
}

gchar *
apigo_emulator_request_to_json (const ApigoEmulatorRequest * req)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  g_return_val_if_fail (req != NULL, NULL);

  build_request (b, req);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

JsonNode *
apigo_emulator_requests_to_json (ApigoEmulator * emu)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  guint i;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "list");
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  g_mutex_lock (&emu->lock);
  for (i = 0; i < emu->requests->len; i++)
    build_request (b, emu->requests->pdata[i]);
  g_mutex_unlock (&emu->lock);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

void
apigo_emulator_log_request (ApigoEmulator * emu, ApigoEmulatorRequest * req)
{
  g_autoptr (ApigoEmulatorRequest) copy = NULL;

  /* Listeners get their own copy: clear_requests() may free @req from
   * another thread as soon as the lock is released. */
  if (g_signal_has_handler_pending (emu, signals[SIGNAL_REQUEST_LOGGED], 0,
          FALSE))
    copy = apigo_emulator_request_copy (req);

  g_mutex_lock (&emu->lock);
  g_ptr_array_add (emu->requests, req);
  g_mutex_unlock (&emu->lock);

  if (copy)
    g_signal_emit (emu, signals[SIGNAL_REQUEST_LOGGED], 0, copy);
}

GPtrArray *
apigo_emulator_get_requests (ApigoEmulator * emu)
{
  GPtrArray *copies;
  guint i;

  g_return_val_if_fail (APIGO_IS_EMULATOR (emu), NULL);

  copies = g_ptr_array_new_with_free_func ((GDestroyNotify)
      apigo_emulator_request_free);
  g_mutex_lock (&emu->lock);
  for (i = 0; i < emu->requests->len; i++)
    g_ptr_array_add (copies,
        apigo_emulator_request_copy (emu->requests->pdata[i]));
  g_mutex_unlock (&emu->lock);
  return copies;
}

guint
apigo_emulator_count_requests (ApigoEmulator * emu, ApigoEmulatorRoute route,
    const gchar * method)
{
  guint i, n = 0;

  g_return_val_if_fail (APIGO_IS_EMULATOR (emu), 0);

  g_mutex_lock (&emu->lock);
  for (i = 0; i < emu->requests->len; i++) {
    ApigoEmulatorRequest *req = emu->requests->pdata[i];

    if ((route == APIGO_EMULATOR_ROUTE_ANY || req->route == route) &&
        (method == NULL || g_ascii_strcasecmp (method, req->method) == 0))
      n++;
  }
  g_mutex_unlock (&emu->lock);
  return n;
}

void
apigo_emulator_clear_requests (ApigoEmulator * emu)
{
  g_return_if_fail (APIGO_IS_EMULATOR (emu));

  g_mutex_lock (&emu->lock);
  g_ptr_array_set_size (emu->requests, 0);
  g_mutex_unlock (&emu->lock);
}

GBytes *
apigo_emulator_get_content (ApigoEmulator * emu, const gchar * video_id)
{
  g_autoptr (EmuTask) task = NULL;

  g_return_val_if_fail (APIGO_IS_EMULATOR (emu), NULL);
  g_return_val_if_fail (video_id != NULL, NULL);

  g_mutex_lock (&emu->lock);
  if (emu->tasks)
    task = emu_task_table_lookup (emu->tasks, video_id);
  g_mutex_unlock (&emu->lock);

  return task ? emu_task_get_asset (task, EMU_ASSET_VIDEO) : NULL;
}

guint
apigo_emulator_count_completed_downloads (ApigoEmulator * emu)
{
  guint n;

  g_return_val_if_fail (APIGO_IS_EMULATOR (emu), 0);

  g_mutex_lock (&emu->lock);
  n = emu->completed_downloads;
  g_mutex_unlock (&emu->lock);
  return n;
}

void
apigo_emulator_download_completed (ApigoEmulator * emu)
{
  g_mutex_lock (&emu->lock);
  emu->completed_downloads++;
  g_mutex_unlock (&emu->lock);
}

/* Faults */

void
apigo_emulator_inject (ApigoEmulator * emu, const ApigoEmulatorFault * fault)
{
  g_return_if_fail (APIGO_IS_EMULATOR (emu));
  g_return_if_fail (fault != NULL);
  g_return_if_fail (fault->http_status >= 100 && fault->http_status <= 599);
  g_return_if_fail (fault->body <= APIGO_EMULATOR_BODY_EMPTY);

  emu_faults_push (emu->faults, EMU_FAULT_ANSWER, fault);
}

/* The first contract's faults: inject() with the retry hints a rate limit
 * always carried. */
static void
add_fault (ApigoEmulator * emu, ApigoEmulatorRoute route, guint http_status,
    ApigoEmulatorBody body, guint count)
{
  ApigoEmulatorFault fault = { route, http_status, body, NULL, NULL, NULL,
    count
  };

  if (http_status == 429) {
    /* Both spellings the SDKs read: whole seconds and milliseconds. */
    fault.retry_after = "1";
    fault.retry_after_ms = "200";
  }
  apigo_emulator_inject (emu, &fault);
}

void
apigo_emulator_fail_status (ApigoEmulator * emu, ApigoEmulatorRoute route,
    guint http_status, guint count)
{
  add_fault (emu, route, http_status, APIGO_EMULATOR_BODY_JSON, count);
}

void
apigo_emulator_fail_html (ApigoEmulator * emu, ApigoEmulatorRoute route,
    guint http_status, guint count)
{
  add_fault (emu, route, http_status, APIGO_EMULATOR_BODY_HTML, count);
}

void
apigo_emulator_drop_connections (ApigoEmulator * emu,
    ApigoEmulatorRoute route, guint count)
{
  ApigoEmulatorFault fault = { route, 0, 0, NULL, NULL, NULL, count };

  g_return_if_fail (APIGO_IS_EMULATOR (emu));

  emu_faults_push (emu->faults, EMU_FAULT_DROP, &fault);
}

void
apigo_emulator_drop_create_answers (ApigoEmulator * emu, guint count)
{
  ApigoEmulatorFault fault = { APIGO_EMULATOR_ROUTE_CREATE, 0, 0, NULL, NULL,
    NULL, count
  };

  g_return_if_fail (APIGO_IS_EMULATOR (emu));

  emu_faults_push (emu->faults, EMU_FAULT_DROP_ANSWER, &fault);
}

void
apigo_emulator_cut_download (ApigoEmulator * emu, gsize after_bytes,
    guint count)
{
  g_return_if_fail (APIGO_IS_EMULATOR (emu));

  emu_faults_set_cut (emu->faults, after_bytes, count);
}

void
apigo_emulator_fail_next_tasks (ApigoEmulator * emu, guint count)
{
  g_return_if_fail (APIGO_IS_EMULATOR (emu));

  emu_faults_set_task_failures (emu->faults, count);
}

void
apigo_emulator_script_next_task (ApigoEmulator * emu,
    const gchar * const *words, gdouble step_seconds)
{
  g_return_if_fail (APIGO_IS_EMULATOR (emu));
  g_return_if_fail (step_seconds >= 0.0);

  emu_faults_set_script (emu->faults, words, step_seconds);
}

void
apigo_emulator_advance_clock (ApigoEmulator * emu, gdouble seconds)
{
  g_return_if_fail (APIGO_IS_EMULATOR (emu));
  g_return_if_fail (seconds >= 0.0);

  emu_clock_advance (emu->clock, (gint64) (seconds * G_USEC_PER_SEC));
}

EmuFaults *
apigo_emulator_get_faults (ApigoEmulator * emu)
{
  return emu->faults;
}

void
apigo_emulator_get_settings (ApigoEmulator * emu, EmuSettings * out)
{
  g_mutex_lock (&emu->lock);
  *out = emu->settings;
  out->api_key = g_strdup (emu->settings.api_key);
  out->content_redirect = g_strdup (emu->settings.content_redirect);
  out->video_models = g_strdup (emu->settings.video_models);
  g_mutex_unlock (&emu->lock);
}

EmuTaskTable *
apigo_emulator_get_tasks (ApigoEmulator * emu)
{
  /* Only called from the server thread, which the table outlives. */
  return emu->tasks;
}
