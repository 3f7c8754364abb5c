/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-apigovideosrc
 * @title: apigovideosrc
 *
 * Generates a video clip from a text prompt with an OpenAI-compatible
 * `/v1/videos` service (the apigo gateway by default) and outputs the MP4
 * bytes, like filesrc outputs a file's.
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 apigovideosrc prompt="a kitten in a garden" ! decodebin ! autovideosink
 * ]|
 *
 * Nothing is sent to the service in a state change: the video is created on
 * the first read, polled until done and downloaded while downstream already
 * reads it.  See docs/element.md for properties, messages and errors.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstapigovideosrc.h"
#include "gstapigomessages.h"
#include "gstapigoreport.h"
#include "apigo-cache.h"
#include "apigo-job.h"
#include "apigo-reference.h"
#include "apigo-proxy.h"
#include "apigo-uri.h"
#include "gstapigofit.h"
#include "gstapigotags.h"

#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_apigo_video_src_debug);
#define GST_CAT_DEFAULT gst_apigo_video_src_debug

#define DEFAULT_MODEL "sora-2"
#define DEFAULT_SIZE "720x1280"
#define DEFAULT_SECONDS 4
#define DEFAULT_BASE_URL "https://maas.apigo.ai/v1"
#define DEFAULT_POLL_INTERVAL 2000
#define DEFAULT_TIMEOUT 1200
#define DEFAULT_USER_AGENT "gst-apigo/" VERSION
#define DEFAULT_BLOCKSIZE (64 * 1024)
#define DEFAULT_RETRIES 2
#define DEFAULT_CACHE_MAX_SIZE 2048     /* MiB */
#define DEFAULT_REUSE TRUE


enum
{
  PROP_0,
  PROP_PROMPT,
  PROP_MODEL,
  PROP_SIZE,
  PROP_SECONDS,
  PROP_INPUT_REFERENCE,
  PROP_API_KEY,
  PROP_BASE_URL,
  PROP_VIDEO_ID,
  PROP_POLL_INTERVAL,
  PROP_TIMEOUT,
  PROP_USER_AGENT,
  PROP_STATUS,
  PROP_PROGRESS,
  PROP_RETRIES,
  PROP_CACHE_DIR,
  PROP_CACHE_MAX_SIZE,
  PROP_REUSE,
  PROP_SSL_CA_FILE,
  PROP_ALLOW_PLAIN_HTTP,
  PROP_REMIX,
  PROP_EXTEND,
  PROP_EDIT,
  PROP_VARIANT,
  PROP_DELETE_REMOTE,
  PROP_INPUT_REFERENCE_FIT,
};

GType
gst_apigo_variant_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_APIGO_VARIANT_VIDEO, "The video itself (MP4)", "video"},
    {GST_APIGO_VARIANT_THUMBNAIL, "A still image of it", "thumbnail"},
    {GST_APIGO_VARIANT_SPRITESHEET, "An image of frames side by side",
        "spritesheet"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstApigoVariant",
            values));
  return type;
}

GType
gst_apigo_fit_get_type (void)
{
  static GType type = 0;
  static const GEnumValue values[] = {
    {GST_APIGO_FIT_NONE, "Sent as it is", "none"},
    {GST_APIGO_FIT_SCALE, "Stretched to the clip's size", "scale"},
    {GST_APIGO_FIT_PAD, "Scaled to fit, black borders around", "pad"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("GstApigoFit",
            values));
  return type;
}

struct _GstApigoVideoSrc
{
  GstBaseSrc parent;

  /* Properties, under the object lock. */
  gchar *prompt;
  gchar *model;
  gchar *size;
  guint seconds;
  gchar *input_reference;
  gchar *api_key;
  gchar *base_url;              /* NULL: APIGO_BASE_URL or the default */
  gchar *video_id;              /* set by the user: attach */
  guint poll_interval;
  guint timeout;
  gchar *user_agent;
  guint retries;
  gchar *cache_dir;
  guint cache_max_size;         /* MiB */
  gboolean reuse;
  gchar *ssl_ca_file;
  gboolean allow_plain_http;
  gchar *remix;                 /* video ids to derive from */
  gchar *extend;
  gchar *edit;
  GstApigoVariant variant;
  gboolean delete_remote;
  GstApigoFit input_reference_fit;
  gchar *status;                /* last known, read-only */
  guint progress;

  /* The generation.  Kept across stop/start, so that a restart with the
   * same settings continues it instead of paying for a new one.  The
   * pointer changes only in start() under the object lock. */
  ApigoJob *job;
  ApigoJobSettings settings;    /* validated copy taken by start() */
  gboolean job_started;         /* streaming thread */
  GCancellable *read_cancellable;       /* object lock; unlock() cancels */

  GstApigoReport report;        /* what the bus hears of the generation */
  gboolean id_announced;        /* "video-id" notified for this job */
  gboolean tags_sent;           /* this run's tags (streaming thread) */
  gint active_phase;            /* ApigoJobPhase the job was last busy in */
};

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static void gst_apigo_video_src_uri_handler_init (gpointer g_iface,
    gpointer iface_data);

#define gst_apigo_video_src_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstApigoVideoSrc, gst_apigo_video_src,
    GST_TYPE_BASE_SRC, G_IMPLEMENT_INTERFACE (GST_TYPE_URI_HANDLER,
        gst_apigo_video_src_uri_handler_init));
/* Primary: the only element for apigo: URIs, so playbin and uridecodebin
 * pick it.  Its klass says "Network", like souphttpsrc's, not "Video":
 * autovideosrc takes any element of rank marginal or more whose klass has
 * "Source" and "Video", and this one needs a prompt, not a camera. */
GST_ELEMENT_REGISTER_DEFINE_WITH_CODE (apigovideosrc, "apigovideosrc",
    GST_RANK_PRIMARY, GST_TYPE_APIGO_VIDEO_SRC, gst_apigo_tags_register ());

static void gst_apigo_video_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_apigo_video_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_apigo_video_src_finalize (GObject * object);
static gboolean gst_apigo_video_src_send_event (GstElement * element,
    GstEvent * event);
static gboolean gst_apigo_video_src_start (GstBaseSrc * basesrc);
static gboolean gst_apigo_video_src_stop (GstBaseSrc * basesrc);
static gboolean gst_apigo_video_src_is_seekable (GstBaseSrc * basesrc);
static gboolean gst_apigo_video_src_get_size (GstBaseSrc * basesrc,
    guint64 * size);
static gboolean gst_apigo_video_src_unlock (GstBaseSrc * basesrc);
static gboolean gst_apigo_video_src_unlock_stop (GstBaseSrc * basesrc);
static gboolean gst_apigo_video_src_query (GstBaseSrc * basesrc,
    GstQuery * query);
static GstFlowReturn gst_apigo_video_src_fill (GstBaseSrc * basesrc,
    guint64 offset, guint length, GstBuffer * buf);

#define SETTING_FLAGS (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | \
    GST_PARAM_MUTABLE_READY)

static void
gst_apigo_video_src_class_init (GstApigoVideoSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);

  gobject_class->set_property = gst_apigo_video_src_set_property;
  gobject_class->get_property = gst_apigo_video_src_get_property;
  gobject_class->finalize = gst_apigo_video_src_finalize;

  g_object_class_install_property (gobject_class, PROP_PROMPT,
      g_param_spec_string ("prompt", "Prompt",
          "What the video shows; with remix, extend or edit, what to change "
          "(required unless video-id is set)",
          NULL, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_MODEL,
      g_param_spec_string ("model", "Model",
          "Video model, as the service names it (sora-2, sora-2-pro...); "
          "remix, extend and edit keep the source's",
          DEFAULT_MODEL, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_SIZE,
      g_param_spec_string ("size", "Size",
          "Frame size WIDTHxHEIGHT, e.g. 720x1280 or 1280x720; remix, extend "
          "and edit keep the source's",
          DEFAULT_SIZE, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_SECONDS,
      g_param_spec_uint ("seconds", "Seconds",
          "Length of the clip in seconds (the service decides which it "
          "offers); with extend, the seconds to add",
          0, G_MAXUINT, DEFAULT_SECONDS, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_INPUT_REFERENCE,
      g_param_spec_string ("input-reference", "Input reference",
          "Path of a JPEG, PNG or WebP image to use as the first frame "
          "(best at the clip's size)", NULL,
          SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_API_KEY,
      g_param_spec_string ("api-key", "API key",
          "Secret key for the service (write-only; default: the "
          "APIGO_API_KEY environment variable)", NULL,
          G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  g_object_class_install_property (gobject_class, PROP_BASE_URL,
      g_param_spec_string ("base-url", "Base URL",
          "API base URL with its version (default: $APIGO_BASE_URL, else "
          DEFAULT_BASE_URL ")",
          DEFAULT_BASE_URL, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_VIDEO_ID,
      g_param_spec_string ("video-id", "Video ID",
          "Existing video task to poll and download instead of creating "
          "one; after a create, the id of the new task", NULL,
          SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_POLL_INTERVAL,
      g_param_spec_uint ("poll-interval", "Poll interval",
          "Milliseconds between status requests while the progress does not "
          "tell when the video will be done",
          100, 600000, DEFAULT_POLL_INTERVAL, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_TIMEOUT,
      g_param_spec_uint ("timeout", "Timeout",
          "Seconds the whole run may take: create, generation, download "
          "(0 = no limit)", 0, 7 * 24 * 3600, DEFAULT_TIMEOUT,
          SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_USER_AGENT,
      g_param_spec_string ("user-agent", "User-Agent",
          "Value of the User-Agent HTTP request header field",
          DEFAULT_USER_AGENT, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_RETRIES,
      g_param_spec_uint ("retries", "Retries",
          "Further tries of a request after a transient failure (408, 409, "
          "429, 5xx, connection errors)", 0, 10, DEFAULT_RETRIES,
          SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_CACHE_DIR,
      g_param_spec_string ("cache-dir", "Cache directory",
          "Where finished clips and the tasks of unfinished generations are "
          "kept (default: $XDG_CACHE_HOME/gst-apigo)", NULL, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_CACHE_MAX_SIZE,
      g_param_spec_uint ("cache-max-size", "Cache size",
          "MiB of finished clips to keep; the least recently played go first "
          "(0 = keep none)", 0, G_MAXINT, DEFAULT_CACHE_MAX_SIZE,
          SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_REUSE,
      g_param_spec_boolean ("reuse", "Reuse",
          "Replay a kept clip or resume an unfinished task of the same "
          "request (false: a fresh take)",
          DEFAULT_REUSE, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_SSL_CA_FILE,
      g_param_spec_string ("ssl-ca-file", "SSL CA file",
          "PEM file of certificate authorities to trust instead of the "
          "system's", NULL, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_ALLOW_PLAIN_HTTP,
      g_param_spec_boolean ("allow-plain-http", "Allow plain HTTP",
          "Send the API key over plain http:// beyond this machine, where it "
          "can be read on the way", FALSE, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_REMIX,
      g_param_spec_string ("remix", "Remix",
          "Id of a finished video to remix as the prompt says "
          "(POST /videos/{id}/remix)", NULL,
          SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_EXTEND,
      g_param_spec_string ("extend", "Extend",
          "Id of a finished video to continue for seconds more, as the "
          "prompt says (POST /videos/extensions)", NULL, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_EDIT,
      g_param_spec_string ("edit", "Edit",
          "Id of a finished video to edit as the prompt says "
          "(POST /videos/edits)", NULL, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_VARIANT,
      g_param_spec_enum ("variant", "Variant",
          "Which asset to output: the video (MP4), its thumbnail or its "
          "sprite sheet (images)", GST_TYPE_APIGO_VARIANT,
          GST_APIGO_VARIANT_VIDEO, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_DELETE_REMOTE,
      g_param_spec_boolean ("delete-remote", "Delete remote",
          "Delete the task and its assets from the service once the clip is "
          "downloaded and kept", FALSE, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_INPUT_REFERENCE_FIT,
      g_param_spec_enum ("input-reference-fit", "Input reference fit",
          "How the input reference is brought to the clip's size before it "
          "is sent", GST_TYPE_APIGO_FIT,
          GST_APIGO_FIT_NONE, SETTING_FLAGS));
  g_object_class_install_property (gobject_class, PROP_STATUS,
      g_param_spec_string ("status", "Status",
          "Last known status of the video task as the service said it "
          "(queued, in_progress, completed, failed...)", NULL,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_class_install_property (gobject_class, PROP_PROGRESS,
      g_param_spec_uint ("progress", "Progress",
          "Last known progress of the video task in percent", 0, 100, 0,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /* Documented with the element, as enums of properties are. */
  gst_type_mark_as_plugin_api (GST_TYPE_APIGO_VARIANT, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_APIGO_FIT, 0);

  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Prompt-to-video source", "Source/Network",
      "Generates a video from a text prompt with an OpenAI-compatible "
      "/v1/videos service and outputs the MP4",
      "gst-apigo authors");

  element_class->send_event =
      GST_DEBUG_FUNCPTR (gst_apigo_video_src_send_event);
  basesrc_class->start = GST_DEBUG_FUNCPTR (gst_apigo_video_src_start);
  basesrc_class->stop = GST_DEBUG_FUNCPTR (gst_apigo_video_src_stop);
  basesrc_class->is_seekable =
      GST_DEBUG_FUNCPTR (gst_apigo_video_src_is_seekable);
  basesrc_class->get_size = GST_DEBUG_FUNCPTR (gst_apigo_video_src_get_size);
  basesrc_class->unlock = GST_DEBUG_FUNCPTR (gst_apigo_video_src_unlock);
  basesrc_class->unlock_stop =
      GST_DEBUG_FUNCPTR (gst_apigo_video_src_unlock_stop);
  basesrc_class->query = GST_DEBUG_FUNCPTR (gst_apigo_video_src_query);
  basesrc_class->fill = GST_DEBUG_FUNCPTR (gst_apigo_video_src_fill);

  GST_DEBUG_CATEGORY_INIT (gst_apigo_video_src_debug, "apigovideosrc", 0,
      "Prompt-to-video source");
}

static void
gst_apigo_video_src_init (GstApigoVideoSrc * src)
{
  src->model = g_strdup (DEFAULT_MODEL);
  src->size = g_strdup (DEFAULT_SIZE);
  src->seconds = DEFAULT_SECONDS;
  src->poll_interval = DEFAULT_POLL_INTERVAL;
  src->timeout = DEFAULT_TIMEOUT;
  src->user_agent = g_strdup (DEFAULT_USER_AGENT);
  src->retries = DEFAULT_RETRIES;
  src->cache_max_size = DEFAULT_CACHE_MAX_SIZE;
  src->reuse = DEFAULT_REUSE;
  src->read_cancellable = g_cancellable_new ();
  gst_apigo_report_init (&src->report, GST_ELEMENT (src));

  gst_base_src_set_format (GST_BASE_SRC (src), GST_FORMAT_BYTES);
  /* The size is known once the download starts, not at start(). */
  gst_base_src_set_dynamic_size (GST_BASE_SRC (src), TRUE);
  gst_base_src_set_blocksize (GST_BASE_SRC (src), DEFAULT_BLOCKSIZE);
}

static void
gst_apigo_video_src_finalize (GObject * object)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (object);

  if (src->job != NULL) {
    apigo_job_stop (src->job);
    g_clear_pointer (&src->job, apigo_job_unref);
  }
  apigo_job_settings_clear (&src->settings);
  g_clear_object (&src->read_cancellable);
  gst_apigo_report_clear (&src->report);

  g_free (src->prompt);
  g_free (src->model);
  g_free (src->size);
  g_free (src->input_reference);
  if (src->api_key != NULL)
    memset (src->api_key, 0, strlen (src->api_key));
  g_free (src->api_key);
  g_free (src->base_url);
  g_free (src->video_id);
  g_free (src->user_agent);
  g_free (src->cache_dir);
  g_free (src->ssl_ca_file);
  g_free (src->remix);
  g_free (src->extend);
  g_free (src->edit);
  g_free (src->status);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
replace_string (gchar ** field, const GValue * value)
{
  g_free (*field);
  *field = g_value_dup_string (value);
  /* An empty string means "not set", as for most GStreamer elements. */
  if (*field != NULL && **field == '\0')
    g_clear_pointer (field, g_free);
}

static void
gst_apigo_video_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (object);

  GST_OBJECT_LOCK (src);
  switch (prop_id) {
    case PROP_PROMPT:
      replace_string (&src->prompt, value);
      break;
    case PROP_MODEL:
      replace_string (&src->model, value);
      break;
    case PROP_SIZE:
      replace_string (&src->size, value);
      break;
    case PROP_SECONDS:
      src->seconds = g_value_get_uint (value);
      break;
    case PROP_INPUT_REFERENCE:
      replace_string (&src->input_reference, value);
      break;
    case PROP_API_KEY:
      if (src->api_key != NULL)
        memset (src->api_key, 0, strlen (src->api_key));
      replace_string (&src->api_key, value);
      break;
    case PROP_BASE_URL:
      replace_string (&src->base_url, value);
      break;
    case PROP_VIDEO_ID:
      replace_string (&src->video_id, value);
      break;
    case PROP_POLL_INTERVAL:
      src->poll_interval = g_value_get_uint (value);
      break;
    case PROP_TIMEOUT:
      src->timeout = g_value_get_uint (value);
      break;
    case PROP_USER_AGENT:
      replace_string (&src->user_agent, value);
      break;
    case PROP_RETRIES:
      src->retries = g_value_get_uint (value);
      break;
    case PROP_CACHE_DIR:
      replace_string (&src->cache_dir, value);
      break;
    case PROP_CACHE_MAX_SIZE:
      src->cache_max_size = g_value_get_uint (value);
      break;
    case PROP_REUSE:
      src->reuse = g_value_get_boolean (value);
      break;
    case PROP_SSL_CA_FILE:
      replace_string (&src->ssl_ca_file, value);
      break;
    case PROP_ALLOW_PLAIN_HTTP:
      src->allow_plain_http = g_value_get_boolean (value);
      break;
    case PROP_REMIX:
      replace_string (&src->remix, value);
      break;
    case PROP_EXTEND:
      replace_string (&src->extend, value);
      break;
    case PROP_EDIT:
      replace_string (&src->edit, value);
      break;
    case PROP_VARIANT:
      src->variant = g_value_get_enum (value);
      break;
    case PROP_DELETE_REMOTE:
      src->delete_remote = g_value_get_boolean (value);
      break;
    case PROP_INPUT_REFERENCE_FIT:
      src->input_reference_fit = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (src);
}

/* The base URL in effect: the property, else the environment, else the
 * apigo gateway. */
static const gchar *
effective_base_url (GstApigoVideoSrc * src)
{
  const gchar *env = g_getenv ("APIGO_BASE_URL");

  if (src->base_url != NULL)
    return src->base_url;
  return env != NULL && *env != '\0' ? env : DEFAULT_BASE_URL;
}

static void
gst_apigo_video_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (object);

  GST_OBJECT_LOCK (src);
  switch (prop_id) {
    case PROP_PROMPT:
      g_value_set_string (value, src->prompt);
      break;
    case PROP_MODEL:
      g_value_set_string (value, src->model);
      break;
    case PROP_SIZE:
      g_value_set_string (value, src->size);
      break;
    case PROP_SECONDS:
      g_value_set_uint (value, src->seconds);
      break;
    case PROP_INPUT_REFERENCE:
      g_value_set_string (value, src->input_reference);
      break;
    case PROP_BASE_URL:
      g_value_set_string (value, effective_base_url (src));
      break;
    case PROP_VIDEO_ID:
      if (src->video_id != NULL)
        g_value_set_string (value, src->video_id);
      else if (src->job != NULL)
        g_value_take_string (value, apigo_job_dup_video_id (src->job));
      else
        g_value_set_string (value, NULL);
      break;
    case PROP_POLL_INTERVAL:
      g_value_set_uint (value, src->poll_interval);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, src->timeout);
      break;
    case PROP_USER_AGENT:
      g_value_set_string (value, src->user_agent);
      break;
    case PROP_RETRIES:
      g_value_set_uint (value, src->retries);
      break;
    case PROP_CACHE_DIR:
      if (src->cache_dir != NULL)
        g_value_set_string (value, src->cache_dir);
      else
        g_value_take_string (value, apigo_cache_default_dir ());
      break;
    case PROP_CACHE_MAX_SIZE:
      g_value_set_uint (value, src->cache_max_size);
      break;
    case PROP_REUSE:
      g_value_set_boolean (value, src->reuse);
      break;
    case PROP_SSL_CA_FILE:
      g_value_set_string (value, src->ssl_ca_file);
      break;
    case PROP_ALLOW_PLAIN_HTTP:
      g_value_set_boolean (value, src->allow_plain_http);
      break;
    case PROP_REMIX:
      g_value_set_string (value, src->remix);
      break;
    case PROP_EXTEND:
      g_value_set_string (value, src->extend);
      break;
    case PROP_EDIT:
      g_value_set_string (value, src->edit);
      break;
    case PROP_VARIANT:
      g_value_set_enum (value, src->variant);
      break;
    case PROP_DELETE_REMOTE:
      g_value_set_boolean (value, src->delete_remote);
      break;
    case PROP_INPUT_REFERENCE_FIT:
      g_value_set_enum (value, src->input_reference_fit);
      break;
    case PROP_STATUS:
      g_value_set_string (value, src->status);
      break;
    case PROP_PROGRESS:
      g_value_set_uint (value, src->progress);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (src);
}

/* Checks the properties and fills @s; FALSE with a message naming the
 * property otherwise.  Reads the input reference file, nothing else: no
 * network here. */
static gboolean
take_settings (GstApigoVideoSrc * src, ApigoJobSettings * s, GError ** error)
{
  g_autofree gchar *reference_path = NULL;
  const gchar *env_key = g_getenv ("APIGO_API_KEY");
  gboolean allow_plain_http;
  gboolean key_from_property;
  guint seconds;
  g_autoptr (GPtrArray) sources = g_ptr_array_new ();
  const gchar *source_property = NULL;  /* remix, extend or edit */

  GST_OBJECT_LOCK (src);
  s->base_url = g_strdup (effective_base_url (src));
  s->api_key = g_strdup (src->api_key ? src->api_key : env_key);
  key_from_property = src->api_key != NULL;
  s->user_agent = g_strdup (src->user_agent ? src->user_agent :
      DEFAULT_USER_AGENT);
  s->model = g_strdup (src->model);
  s->prompt = g_strdup (src->prompt);
  s->size = g_strdup (src->size);
  s->seconds = g_strdup_printf ("%u", src->seconds);
  seconds = src->seconds;
  s->video_id = g_strdup (src->video_id);
  s->poll_interval_ms = src->poll_interval;
  s->timeout_s = src->timeout;
  s->retries = src->retries;
  s->cache_dir = g_strdup (src->cache_dir);
  s->cache_max_bytes = (guint64) src->cache_max_size << 20;
  s->reuse = src->reuse;
  s->delete_remote = src->delete_remote;
  s->ca_file = g_strdup (src->ssl_ca_file);
  /* "video" is the service's default: only other variants are named. */
  if (src->variant != GST_APIGO_VARIANT_VIDEO)
    s->variant = g_strdup (g_enum_get_value (g_type_class_peek
            (GST_TYPE_APIGO_VARIANT), src->variant)->value_nick);
  if (src->input_reference_fit != GST_APIGO_FIT_NONE)
    s->reference_fit = g_strdup (src->input_reference_fit ==
        GST_APIGO_FIT_PAD ? "pad" : "scale");
  {
    const struct
    {
      ApigoCreateKind kind;
      const gchar *property;
      const gchar *id;
    } derive[] = {
      {APIGO_CREATE_REMIX, "remix", src->remix},
      {APIGO_CREATE_EXTEND, "extend", src->extend},
      {APIGO_CREATE_EDIT, "edit", src->edit},
    };
    guint i;

    for (i = 0; i < G_N_ELEMENTS (derive); i++) {
      if (derive[i].id == NULL)
        continue;
      s->create_kind = derive[i].kind;
      g_free (s->source_id);
      s->source_id = g_strdup (derive[i].id);
      source_property = derive[i].property;
      g_ptr_array_add (sources, (gpointer) source_property);
    }
  }
  allow_plain_http = src->allow_plain_http;
  reference_path = g_strdup (src->input_reference);
  GST_OBJECT_UNLOCK (src);

  /* The property takes any number, so that GLib never keeps the default
   * in place of one it refuses (a clip nobody asked for, paid for): 0 is
   * refused here, and what only a negative number can be ("-1" becomes
   * 4294967295 on a gst-launch-1.0 line); the service decides how long is
   * too long. */
  if (seconds == 0 || seconds > G_MAXINT) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The seconds property is %u%s: set the length of the clip in "
        "seconds, e.g. 4", seconds, seconds == 0 ? "" :
        " (a negative number?)");
    return FALSE;
  }

  if (s->video_id != NULL)
    g_ptr_array_insert (sources, 0, (gpointer) "video-id");
  if (sources->len > 1) {
    g_autofree gchar *both = NULL;

    g_ptr_array_add (sources, NULL);
    both = g_strjoinv (" and ", (gchar **) sources->pdata);
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The %s properties are set: set at most one of video-id, remix, "
        "extend and edit", both);
    return FALSE;
  }
  if (s->source_id != NULL && !apigo_task_id_is_valid (s->source_id)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The %s property \"%s\" is not a video id (letters, digits and "
        "-_.:~ only)", source_property, s->source_id);
    return FALSE;
  }

  if (s->video_id != NULL) {
    if (!apigo_task_id_is_valid (s->video_id)) {
      g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
          "The video-id property \"%s\" is not a video id (letters, digits "
          "and -_.:~ only)", s->video_id);
      return FALSE;
    }
    /* Attaching: what to generate is the task's business, not ours. */
  } else if (s->prompt == NULL) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "No prompt: set the prompt property to what the video should "
        "show (or video-id to download an existing video)");
    return FALSE;
  } else if (s->create_kind == APIGO_CREATE_GENERATE) {
    if (s->model == NULL) {
      g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
          "The model property is empty: name a model, e.g. " DEFAULT_MODEL);
      return FALSE;
    }
    if (!apigo_size_is_valid (s->size)) {
      g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
          "The size property \"%s\" is not WIDTHxHEIGHT, e.g. 720x1280 or "
          "1280x720", s->size ? s->size : "");
      return FALSE;
    }
    if (reference_path != NULL) {
      const gchar *type = NULL;
      g_autoptr (GError) ref_error = NULL;

      s->input_reference = apigo_reference_load (reference_path, &type,
          &ref_error);
      if (s->input_reference == NULL) {
        g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
            "Bad input-reference property: %s", ref_error->message);
        return FALSE;
      }
      s->input_reference_name = g_path_get_basename (reference_path);
      s->input_reference_type = g_strdup (type);
    }
  }

  if (s->api_key == NULL || *s->api_key == '\0') {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "No API key: set the api-key property or the APIGO_API_KEY "
        "environment variable");
    return FALSE;
  }
  /* Here, not at the first request: every front end gets the same check,
   * and a bad key fails the start. */
  if (!apigo_client_check_api_key (s->api_key, error)) {
    g_prefix_error (error, "Bad %s: ", key_from_property ?
        "api-key property" : "APIGO_API_KEY environment variable");
    return FALSE;
  }
  if (strpbrk (s->user_agent, "\r\n") != NULL) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The user-agent property has a line break: it is one header line");
    return FALSE;
  }

  if (!apigo_client_check_base_url (s->base_url, error)) {
    g_prefix_error (error, "Bad base-url property: ");
    return FALSE;
  }
  /* Decided here, before any connection: the key must not travel in the
   * clear beyond this machine (to the host or to a proxy) unless the user
   * says so.  The job's client decides the same again. */
  s->allow_plain_http = allow_plain_http;
  if (!apigo_proxy_check_plain_http (NULL, s->base_url, allow_plain_http,
          error))
    return FALSE;

  return TRUE;
}

/* Job callbacks: they run on the job's thread. */

static void
on_phase_changed (ApigoJob * job, ApigoJobPhase phase, const GError * error,
    gpointer user_data)
{
  GstApigoVideoSrc *src = user_data;

  GST_DEBUG_OBJECT (src, "phase %s", apigo_job_phase_to_string (phase));
  if (phase == APIGO_JOB_PHASE_CREATING || phase == APIGO_JOB_PHASE_GENERATING
      || phase == APIGO_JOB_PHASE_DOWNLOADING)
    g_atomic_int_set (&src->active_phase, phase);
  gst_apigo_report_phase (&src->report, job, phase, error);
}

static void
on_task_changed (ApigoJob * job, const ApigoTask * task, gpointer user_data)
{
  GstApigoVideoSrc *src = user_data;
  gboolean announce_id;

  GST_DEBUG_OBJECT (src, "%s: %s, %d%%", task->id, task->status_text,
      task->progress);

  GST_OBJECT_LOCK (src);
  g_free (src->status);
  src->status = g_strdup (task->status_text);
  if (task->progress >= 0)
    src->progress = task->progress;
  else if (task->status == APIGO_TASK_STATUS_COMPLETED)
    src->progress = 100;
  /* video-id reads back the task the element works on. */
  announce_id = !src->id_announced && src->video_id == NULL;
  src->id_announced = TRUE;
  GST_OBJECT_UNLOCK (src);

  g_object_notify (G_OBJECT (src), "status");
  g_object_notify (G_OBJECT (src), "progress");
  if (announce_id)
    g_object_notify (G_OBJECT (src), "video-id");

  gst_apigo_report_task (&src->report, job, task);
}

static void
on_download_progress (ApigoJob * job, guint64 stored, guint64 total,
    gpointer user_data)
{
  GstApigoVideoSrc *src = user_data;

  gst_apigo_report_download (&src->report, job, stored, total);
}

static void
on_warning (ApigoJob * job, const GError * error, gpointer user_data)
{
  GstApigoVideoSrc *src = user_data;

  GST_ELEMENT_WARNING (src, RESOURCE, WRITE, ("%s", error->message),
      (NULL));
}

static GBytes *
on_fit_reference (ApigoJob * job, GBytes * image, const gchar * mime_type,
    guint width, guint height, GCancellable * cancellable, gchar ** out_type,
    GError ** error, gpointer user_data)
{
  const ApigoJobSettings *s = apigo_job_get_settings (job);

  return gst_apigo_fit_image (image, width, height,
      g_strcmp0 (s->reference_fit, "pad") == 0, cancellable, out_type,
      error);
}

static const ApigoJobCallbacks job_callbacks = {
  on_phase_changed,
  on_task_changed,
  on_download_progress,
  on_warning,
  on_fit_reference,
};

/* GstBaseSrc */

static void
reset_task_state (GstApigoVideoSrc * src)
{
  GST_OBJECT_LOCK (src);
  g_clear_pointer (&src->status, g_free);
  src->progress = 0;
  src->id_announced = FALSE;
  GST_OBJECT_UNLOCK (src);
  gst_apigo_report_forget (&src->report);
}

static gboolean
gst_apigo_video_src_start (GstBaseSrc * basesrc)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (basesrc);
  ApigoJobSettings settings = { 0 };
  g_autoptr (GError) error = NULL;
  ApigoJob *old = NULL;

  if (!take_settings (src, &settings, &error))
    goto failed;

  /* Same clip as before: keep the job, and with it the task it created
   * and the bytes it stored. */
  GST_OBJECT_LOCK (src);
  /* Another cache (or none, or reuse=false) is another place to keep and
   * find takes: a new job too. */
  if (src->job != NULL
      && (!apigo_job_settings_same_clip (apigo_job_get_settings (src->job),
              &settings)
          || !apigo_job_settings_same_store (apigo_job_get_settings
              (src->job), &settings)))
    old = g_steal_pointer (&src->job);
  GST_OBJECT_UNLOCK (src);

  if (old != NULL) {
    GST_DEBUG_OBJECT (src, "settings changed: a new clip");
    apigo_job_stop (old);
    apigo_job_unref (old);
    reset_task_state (src);
  }

  if (src->job == NULL) {
    ApigoJob *job = apigo_job_new (&settings, &job_callbacks, src, &error);

    if (job == NULL)
      goto failed;
    GST_OBJECT_LOCK (src);
    src->job = job;
    GST_OBJECT_UNLOCK (src);
  }

  apigo_job_settings_clear (&src->settings);
  src->settings = settings;
  src->job_started = FALSE;
  return TRUE;

failed:
  apigo_job_settings_clear (&settings);
  gst_apigo_post_error (GST_ELEMENT (src), error, FALSE);
  return FALSE;
}

/* An EOS sent to the element (gst-launch-1.0 -e on Ctrl-C, an application
 * ending a recording) ends streaming at once, whatever phase the
 * generation is in; GstBaseSrc unblocks fill() for it. */
static gboolean
gst_apigo_video_src_send_event (GstElement * element, GstEvent * event)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (element);

  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS)
    gst_apigo_report_stop (&src->report, "Stopped");
  return GST_ELEMENT_CLASS (parent_class)->send_event (element, event);
}

static gboolean
gst_apigo_video_src_stop (GstBaseSrc * basesrc)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (basesrc);

  gst_apigo_report_stop (&src->report, "Stopped");
  if (src->job != NULL)
    apigo_job_stop (src->job);
  src->job_started = FALSE;
  return TRUE;
}

static gboolean
gst_apigo_video_src_is_seekable (GstBaseSrc * basesrc)
{
  return TRUE;
}

static gboolean
gst_apigo_video_src_get_size (GstBaseSrc * basesrc, guint64 * size)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (basesrc);
  gboolean known = FALSE;

  GST_OBJECT_LOCK (src);
  if (src->job != NULL)
    known = apigo_download_get_total (apigo_job_get_download (src->job), size);
  GST_OBJECT_UNLOCK (src);

  return known;
}

/* GstBaseSrc asks get_size() only while it knows a size, and it does not
 * know one when start() (which sends nothing) cannot tell.  Answer the
 * duration once the download knows it.
 *
 * Scheduling: seekable, pull and push, in every state, and never
 * BANDWIDTH_LIMITED.  Reads are served from the downloaded file, which
 * holds the whole clip: the element is its own download buffer, so the
 * queue2 or downloadbuffer urisourcebin and uridecodebin add for
 * bandwidth-limited sources would only store the clip a second time and
 * keep the demuxer from pulling.  Answered here because GStreamer's
 * default starts and stops an unstarted source to find out, and start()
 * checks the settings (and posts an error) for a mere query. */
static gboolean
gst_apigo_video_src_query (GstBaseSrc * basesrc, GstQuery * query)
{
  if (GST_QUERY_TYPE (query) == GST_QUERY_SCHEDULING) {
    gst_query_set_scheduling (query, GST_SCHEDULING_FLAG_SEEKABLE, 1, -1, 0);
    gst_query_add_scheduling_mode (query, GST_PAD_MODE_PULL);
    gst_query_add_scheduling_mode (query, GST_PAD_MODE_PUSH);
    return TRUE;
  }
  if (GST_QUERY_TYPE (query) == GST_QUERY_DURATION) {
    GstFormat format;
    guint64 size;

    gst_query_parse_duration (query, &format, NULL);
    if (format == GST_FORMAT_BYTES
        && gst_apigo_video_src_get_size (basesrc, &size)) {
      gst_query_set_duration (query, GST_FORMAT_BYTES, size);
      return TRUE;
    }
  }

  return GST_BASE_SRC_CLASS (parent_class)->query (basesrc, query);
}

/* A flush or the state change down: no progress sequence stays open while
 * streaming is stopped (fill() opens it again if streaming resumes). */
static gboolean
gst_apigo_video_src_unlock (GstBaseSrc * basesrc)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (basesrc);

  gst_apigo_report_interrupt (&src->report);
  GST_OBJECT_LOCK (src);
  g_cancellable_cancel (src->read_cancellable);
  GST_OBJECT_UNLOCK (src);
  return TRUE;
}

static gboolean
gst_apigo_video_src_unlock_stop (GstBaseSrc * basesrc)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (basesrc);

  GST_OBJECT_LOCK (src);
  g_object_unref (src->read_cancellable);
  src->read_cancellable = g_cancellable_new ();
  GST_OBJECT_UNLOCK (src);
  return TRUE;
}

/* GstBaseSrc asks get_size() only while it knows a size.  When start()
 * could not tell one, give it the size as soon as the download knows it, so
 * that seeks from the end and the SEEKING query work, and tell the
 * application. */
static void
update_duration (GstApigoVideoSrc * src, ApigoDownload * dl)
{
  GstBaseSrc *basesrc = GST_BASE_SRC (src);
  guint64 total;
  gboolean changed = FALSE;

  if (!apigo_download_get_total (dl, &total))
    return;

  GST_OBJECT_LOCK (src);
  if (basesrc->segment.format == GST_FORMAT_BYTES
      && basesrc->segment.duration != total) {
    basesrc->segment.duration = total;
    changed = TRUE;
  }
  GST_OBJECT_UNLOCK (src);

  if (changed)
    gst_element_post_message (GST_ELEMENT (src),
        gst_message_new_duration_changed (GST_OBJECT (src)));
}

/* Title, model and task id, for muxers (downstream, in push mode) and
 * applications (on the bus, in any mode). */
static void
send_tags (GstApigoVideoSrc * src)
{
  g_autofree gchar *id = apigo_job_dup_video_id (src->job);
  GstTagList *tags = gst_apigo_tags_new (src->settings.prompt,
      src->settings.create_kind == APIGO_CREATE_GENERATE ?
      src->settings.model : NULL, id);

  src->tags_sent = TRUE;
  gst_element_post_message (GST_ELEMENT (src),
      gst_message_new_tag (GST_OBJECT (src), gst_tag_list_ref (tags)));
  /* GstBaseSrc queues it and pushes it after the segment.  Not through
   * gst_element_send_event(): that takes the state lock, which a state
   * change holds while it waits for this streaming thread. */
  GST_ELEMENT_CLASS (parent_class)->send_event (GST_ELEMENT (src),
      gst_event_new_tag (tags));
}

static GstFlowReturn
gst_apigo_video_src_fill (GstBaseSrc * basesrc, guint64 offset,
    guint length, GstBuffer * buf)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (basesrc);
  g_autoptr (GCancellable) cancellable = NULL;
  g_autoptr (GError) error = NULL;
  ApigoDownload *dl = apigo_job_get_download (src->job);
  GstMapInfo map;
  guint64 total;
  gssize n;

  /* The paid part starts here, on the first read, never in a state
   * change. */
  if (!src->job_started) {
    GST_OBJECT_LOCK (src);
    src->id_announced = FALSE;
    GST_OBJECT_UNLOCK (src);
    src->tags_sent = FALSE;
    gst_apigo_report_restart (&src->report);
    apigo_job_start (src->job, &src->settings);
    src->job_started = TRUE;
  }
  gst_apigo_report_resume (&src->report, src->job);

  GST_OBJECT_LOCK (src);
  cancellable = g_object_ref (src->read_cancellable);
  GST_OBJECT_UNLOCK (src);

  if (!gst_buffer_map (buf, &map, GST_MAP_WRITE))
    return GST_FLOW_ERROR;
  n = apigo_download_read (dl, offset, map.data, length, cancellable, &error);
  gst_buffer_unmap (buf, &map);

  if (n < 0) {
    if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      return GST_FLOW_FLUSHING;
    /* A failure while downloading is a read error, before an open one. */
    gst_apigo_post_error (GST_ELEMENT (src), error,
        g_atomic_int_get (&src->active_phase) == APIGO_JOB_PHASE_DOWNLOADING);
    return GST_FLOW_ERROR;
  }
  if (n == 0)
    return GST_FLOW_EOS;

  update_duration (src, dl);
  if (!src->tags_sent)
    send_tags (src);
  /* delete-remote: the last bytes leave once the task is deleted, so that
   * a delete that failed is told before EOS (an application stopping at
   * EOS would not hear it), in pull mode too. */
  if (src->settings.delete_remote && apigo_download_get_total (dl, &total)
      && offset + n >= total && !apigo_job_wait (src->job, cancellable))
    return GST_FLOW_FLUSHING;
  /* Before the bytes leave: no progress sequence holds a pipeline that
   * can preroll, and "done" always precedes EOS. */
  gst_apigo_report_flowing (&src->report, src->job);
  gst_apigo_report_done (&src->report, src->job);

  gst_buffer_set_size (buf, n);
  GST_BUFFER_OFFSET (buf) = offset;
  GST_BUFFER_OFFSET_END (buf) = offset + n;
  return GST_FLOW_OK;
}

/* GstURIHandler: apigo:// URIs (docs/uri.md). */

static GstURIType
gst_apigo_video_src_uri_get_type (GType type)
{
  return GST_URI_SRC;
}

static const gchar *const *
gst_apigo_video_src_uri_get_protocols (GType type)
{
  static const gchar *protocols[] = { "apigo", NULL };

  return protocols;
}

static gchar *
gst_apigo_video_src_uri_get_uri (GstURIHandler * handler)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (handler);
  ApigoUri uri = { 0 };
  gchar *text = NULL;

  GST_OBJECT_LOCK (src);
  if (src->variant != GST_APIGO_VARIANT_VIDEO)
    uri.variant = g_strdup (g_enum_get_value (g_type_class_peek
            (GST_TYPE_APIGO_VARIANT), src->variant)->value_nick);
  uri.prompt = g_strdup (src->prompt);
  if (src->remix || src->extend || src->edit) {
    uri.form = src->remix ? APIGO_URI_REMIX : src->extend ? APIGO_URI_EXTEND
        : APIGO_URI_EDIT;
    uri.video_id = g_strdup (src->remix ? src->remix : src->extend ?
        src->extend : src->edit);
    if (src->extend)
      uri.seconds = src->seconds;
  } else if (src->video_id != NULL) {
    uri.form = APIGO_URI_VIDEO;
    uri.video_id = g_strdup (src->video_id);
  } else {
    uri.form = APIGO_URI_GENERATE;
    uri.model = g_strdup (src->model);
    uri.size = g_strdup (src->size);
    uri.seconds = src->seconds;
  }
  /* Every form but "video" needs a prompt to be a URI at all. */
  if (uri.form == APIGO_URI_VIDEO || uri.prompt != NULL)
    text = apigo_uri_to_string (&uri);
  GST_OBJECT_UNLOCK (src);

  apigo_uri_clear (&uri);
  return text;
}

static gboolean
gst_apigo_video_src_uri_set_uri (GstURIHandler * handler, const gchar * text,
    GError ** error)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (handler);
  g_autoptr (GError) parse_error = NULL;
  ApigoUri uri;
  GstState state;

  GST_OBJECT_LOCK (src);
  state = GST_STATE (src);
  GST_OBJECT_UNLOCK (src);
  if (state > GST_STATE_READY) {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_STATE,
        "The URI can only be changed in the NULL or READY state");
    return FALSE;
  }

  if (!apigo_uri_parse (text, &uri, &parse_error)) {
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI, "%s",
        parse_error->message);
    return FALSE;
  }

  /* The URI says everything about the clip: what it leaves out is the
   * default, not what was set before. */
  g_object_set (src, "prompt", uri.prompt, "video-id",
      uri.form == APIGO_URI_VIDEO ? uri.video_id : NULL,
      "remix", uri.form == APIGO_URI_REMIX ? uri.video_id : NULL,
      "extend", uri.form == APIGO_URI_EXTEND ? uri.video_id : NULL,
      "edit", uri.form == APIGO_URI_EDIT ? uri.video_id : NULL,
      "model", uri.model ? uri.model : DEFAULT_MODEL,
      "size", uri.size ? uri.size : DEFAULT_SIZE,
      "seconds", uri.seconds ? uri.seconds : DEFAULT_SECONDS, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "variant",
      uri.variant ? uri.variant : "video");
  apigo_uri_clear (&uri);
  return TRUE;
}

static void
gst_apigo_video_src_uri_handler_init (gpointer g_iface, gpointer iface_data)
{
  GstURIHandlerInterface *iface = (GstURIHandlerInterface *) g_iface;

  iface->get_type = gst_apigo_video_src_uri_get_type;
  iface->get_protocols = gst_apigo_video_src_uri_get_protocols;
  iface->get_uri = gst_apigo_video_src_uri_get_uri;
  iface->set_uri = gst_apigo_video_src_uri_set_uri;
}
