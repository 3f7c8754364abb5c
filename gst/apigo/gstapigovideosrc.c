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
#include "apigo-log.h"
#include "apigo-options.h"
#include "apigo-uri.h"
#include "gstapigofit.h"
#include "gstapigoapproval.h"
#include "gstapigotags.h"

#include <string.h>

GST_DEBUG_CATEGORY_STATIC (gst_apigo_video_src_debug);
#define GST_CAT_DEFAULT gst_apigo_video_src_debug

#define DEFAULT_BLOCKSIZE (64 * 1024)

/* The properties of the options table (apigo-options.c) come first, in its
 * order: PROP_OPTION + its index.  Then the element's own. */
enum
{
  PROP_0,
  PROP_OPTION,
};

static guint n_option_props;
#define PROP_STATUS (PROP_OPTION + n_option_props)
#define PROP_PROGRESS (PROP_STATUS + 1)

/* An enum type named after the table's choices: gst-inspect-1.0 lists
 * them, and gst-launch-1.0 takes their nicks. */
static GType
register_choices (const gchar * option)
{
  const ApigoOptionSpec *spec = apigo_option_spec_find (option);
  g_autofree gchar *name = g_strconcat ("Gst", spec->choice_type, NULL);
  GEnumValue *values;
  guint i, n = spec->max + 1;

  /* Kept for the type's lifetime: the process's. */
  values = g_new0 (GEnumValue, n + 1);
  for (i = 0; i < n; i++) {
    values[i].value = i;
    values[i].value_name = spec->choices[i].description;
    values[i].value_nick = spec->choices[i].nick;
  }
  return g_enum_register_static (g_intern_string (name), values);
}

GType
gst_apigo_variant_get_type (void)
{
  static GType type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_choices ("variant"));
  return type;
}

GType
gst_apigo_fit_get_type (void)
{
  static GType type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_choices ("input-reference-fit"));
  return type;
}

GType
gst_apigo_dialect_get_type (void)
{
  static GType type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_choices ("dialect"));
  return type;
}

GType
gst_apigo_model_check_get_type (void)
{
  static GType type = 0;

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, register_choices ("model-check"));
  return type;
}

struct _GstApigoVideoSrc
{
  GstBaseSrc parent;

  /* Properties, under the object lock. */
  ApigoOptions options;
  gboolean from_uri;            /* set through GstURIHandler */
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

GParamSpec *
gst_apigo_option_param_spec (const ApigoOptionSpec * spec)
{
  GParamFlags flags = (spec->secret ? G_PARAM_WRITABLE : G_PARAM_READWRITE)
      | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY;

  switch (spec->type) {
    case APIGO_OPTION_STRING:
      return g_param_spec_string (spec->name, spec->nick, spec->blurb,
          spec->default_string, flags);
    case APIGO_OPTION_UINT:
      return g_param_spec_uint (spec->name, spec->nick, spec->blurb,
          spec->min, spec->max, spec->default_uint, flags);
    case APIGO_OPTION_BOOLEAN:
      return g_param_spec_boolean (spec->name, spec->nick, spec->blurb,
          spec->default_uint, flags);
    case APIGO_OPTION_CHOICE:
      return g_param_spec_enum (spec->name, spec->nick, spec->blurb,
          g_str_equal (spec->name, "variant") ? GST_TYPE_APIGO_VARIANT :
          g_str_equal (spec->name, "dialect") ? GST_TYPE_APIGO_DIALECT :
          g_str_equal (spec->name, "model-check") ?
          GST_TYPE_APIGO_MODEL_CHECK :
          GST_TYPE_APIGO_FIT, spec->default_uint, flags);
  }
  g_return_val_if_reached (NULL);
}

static void
install_option_properties (GObjectClass * gobject_class)
{
  const ApigoOptionSpec *specs = apigo_option_specs (&n_option_props);
  guint i;

  for (i = 0; i < n_option_props; i++)
    g_object_class_install_property (gobject_class, PROP_OPTION + i,
        gst_apigo_option_param_spec (&specs[i]));
}

static void
gst_apigo_video_src_class_init (GstApigoVideoSrcClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseSrcClass *basesrc_class = GST_BASE_SRC_CLASS (klass);

  gobject_class->set_property = gst_apigo_video_src_set_property;
  gobject_class->get_property = gst_apigo_video_src_get_property;
  gobject_class->finalize = gst_apigo_video_src_finalize;

  install_option_properties (gobject_class);
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
  gst_type_mark_as_plugin_api (GST_TYPE_APIGO_DIALECT, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_APIGO_MODEL_CHECK, 0);

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
  apigo_options_init (&src->options);
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
    gpointer owner = apigo_log_set_owner (src);

    apigo_job_stop (src->job);
    /* Finalized on the job's thread, which then outlives us. */
    apigo_job_set_log_owner (src->job, NULL);
    g_clear_pointer (&src->job, apigo_job_unref);
    apigo_log_set_owner (owner);
  }
  apigo_job_settings_clear (&src->settings);
  g_clear_object (&src->read_cancellable);
  gst_apigo_report_clear (&src->report);

  apigo_options_clear (&src->options);
  g_free (src->status);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_apigo_video_src_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (object);
  const ApigoOptionSpec *spec;
  guint n;

  if (prop_id < PROP_OPTION || prop_id >= PROP_STATUS) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }
  spec = &apigo_option_specs (&n)[prop_id - PROP_OPTION];

  GST_OBJECT_LOCK (src);
  switch (spec->type) {
    case APIGO_OPTION_STRING:
      apigo_options_set_string (&src->options, spec,
          g_value_get_string (value));
      break;
    case APIGO_OPTION_UINT:
      *APIGO_OPTION_FIELD (&src->options, spec, guint) =
          g_value_get_uint (value);
      break;
    case APIGO_OPTION_BOOLEAN:
      *APIGO_OPTION_FIELD (&src->options, spec, gboolean) =
          g_value_get_boolean (value);
      break;
    case APIGO_OPTION_CHOICE:
      *APIGO_OPTION_FIELD (&src->options, spec, guint) =
          g_value_get_enum (value);
      break;
  }
  GST_OBJECT_UNLOCK (src);
}

/* What an option reads back when it is unset: what is in effect. */
static gboolean
get_effective (GstApigoVideoSrc * src, const ApigoOptionSpec * spec,
    GValue * value)
{
  if (g_str_equal (spec->name, "base-url")) {
    g_value_set_string (value, apigo_options_base_url (&src->options));
  } else if (g_str_equal (spec->name, "video-id")
      && src->options.video_id == NULL) {
    /* After a create, the task the element works on. */
    g_value_take_string (value, src->job != NULL ?
        apigo_job_dup_video_id (src->job) : NULL);
  } else if (g_str_equal (spec->name, "cache-dir")
      && src->options.cache_dir == NULL) {
    g_value_take_string (value, apigo_cache_default_dir ());
  } else {
    return FALSE;
  }
  return TRUE;
}

static void
gst_apigo_video_src_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (object);
  const ApigoOptionSpec *spec;
  guint n;

  GST_OBJECT_LOCK (src);
  if (prop_id == PROP_STATUS) {
    g_value_set_string (value, src->status);
  } else if (prop_id == PROP_PROGRESS) {
    g_value_set_uint (value, src->progress);
  } else if (prop_id < PROP_OPTION || prop_id > PROP_PROGRESS) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
  } else if (!get_effective (src, spec = &apigo_option_specs (&n)[prop_id -
              PROP_OPTION], value)) {
    switch (spec->type) {
      case APIGO_OPTION_STRING:
        g_value_set_string (value, *APIGO_OPTION_FIELD (&src->options, spec,
                gchar *));
        break;
      case APIGO_OPTION_UINT:
        g_value_set_uint (value, *APIGO_OPTION_FIELD (&src->options, spec,
                guint));
        break;
      case APIGO_OPTION_BOOLEAN:
        g_value_set_boolean (value, *APIGO_OPTION_FIELD (&src->options, spec,
                gboolean));
        break;
      case APIGO_OPTION_CHOICE:
        g_value_set_enum (value, *APIGO_OPTION_FIELD (&src->options, spec,
                guint));
        break;
    }
  }
  GST_OBJECT_UNLOCK (src);
}

/* Checks the properties and fills @s (apigo-options.c); FALSE with a
 * message naming the property otherwise.  Reads the input reference file,
 * nothing else: no network here. */
static gboolean
take_settings (GstApigoVideoSrc * src, ApigoJobSettings * s, GError ** error)
{
  ApigoOptions options;
  gboolean ok;

  gboolean from_uri;

  GST_OBJECT_LOCK (src);
  apigo_options_copy (&options, &src->options);
  from_uri = src->from_uri;
  GST_OBJECT_UNLOCK (src);
  ok = apigo_options_to_job_settings (&options,
      APIGO_OPTIONS_FROM_PROPERTIES, s, error);
  s->from_uri = from_uri;
  apigo_options_clear (&options);
  return ok;
}

gboolean
gst_apigo_video_src_check_properties (GstApigoVideoSrc * src,
    GError ** error)
{
  ApigoJobSettings settings;
  gboolean ok = take_settings (src, &settings, error);

  apigo_job_settings_clear (&settings);
  return ok;
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
  announce_id = !src->id_announced && src->options.video_id == NULL;
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

static gboolean
on_approve_create (ApigoJob * job, const ApigoCreateRequest * request,
    GCancellable * cancellable, GError ** error, gpointer user_data)
{
  return gst_apigo_ask_application (GST_ELEMENT (user_data), request,
      cancellable, error);
}

static void
on_retrying (ApigoJob * job, const GError * error, gint64 wait_ms,
    gpointer user_data)
{
  gst_apigo_post_retry (GST_ELEMENT (user_data), error, wait_ms);
}

static const ApigoJobCallbacks job_callbacks = {
  on_phase_changed,
  on_task_changed,
  on_download_progress,
  on_warning,
  on_fit_reference,
  on_approve_create,
  on_retrying,
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
  /* What the client logs here (the cache looked at) is told for us. */
  gpointer owner = apigo_log_set_owner (src);

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
    apigo_job_set_log_owner (old, NULL);
    apigo_job_unref (old);
    reset_task_state (src);
  }

  if (src->job == NULL) {
    ApigoJob *job = apigo_job_new (&settings, &job_callbacks, src, &error);

    if (job == NULL)
      goto failed;
    apigo_job_set_log_owner (job, src);
    GST_OBJECT_LOCK (src);
    src->job = job;
    GST_OBJECT_UNLOCK (src);
  }

  apigo_job_settings_clear (&src->settings);
  src->settings = settings;
  src->job_started = FALSE;
  apigo_log_set_owner (owner);
  return TRUE;

failed:
  apigo_log_set_owner (owner);
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
  if (src->job != NULL) {
    gpointer owner = apigo_log_set_owner (src);

    apigo_job_stop (src->job);
    apigo_log_set_owner (owner);
  }
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
fill (GstBaseSrc * basesrc, guint64 offset, guint length, GstBuffer * buf)
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

/* What the client logs in a read (the job started, the download read) is
 * told for us; the thread may be downstream's (pull mode) or a pooled
 * one: it is ours only for the call. */
static GstFlowReturn
gst_apigo_video_src_fill (GstBaseSrc * basesrc, guint64 offset,
    guint length, GstBuffer * buf)
{
  gpointer owner = apigo_log_set_owner (basesrc);
  GstFlowReturn ret = fill (basesrc, offset, length, buf);

  apigo_log_set_owner (owner);
  return ret;
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
  gchar *text;

  GST_OBJECT_LOCK (src);
  text = apigo_uri_to_string (&src->options);
  GST_OBJECT_UNLOCK (src);
  return text;
}

static gboolean
gst_apigo_video_src_uri_set_uri (GstURIHandler * handler, const gchar * text,
    GError ** error)
{
  GstApigoVideoSrc *src = GST_APIGO_VIDEO_SRC (handler);
  g_autoptr (GError) parse_error = NULL;
  ApigoOptions parsed;
  const ApigoOptionSpec *specs;
  GstState state;
  guint n, i;

  GST_OBJECT_LOCK (src);
  state = GST_STATE (src);
  apigo_options_copy (&parsed, &src->options);
  GST_OBJECT_UNLOCK (src);
  if (state > GST_STATE_READY) {
    apigo_options_clear (&parsed);
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_STATE,
        "The URI can only be changed in the NULL or READY state");
    return FALSE;
  }

  if (!apigo_uri_parse (text, &parsed, &parse_error)) {
    apigo_options_clear (&parsed);
    g_set_error (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI, "%s",
        parse_error->message);
    return FALSE;
  }

  /* Set as properties, so that each change is notified. */
  specs = apigo_option_specs (&n);
  for (i = 0; i < n; i++) {
    g_autofree gchar *value = NULL;

    if (!apigo_uri_names (&specs[i]))
      continue;
    value = apigo_options_value_to_string (&parsed, &specs[i]);
    if (value == NULL)
      g_object_set (src, specs[i].name, NULL, NULL);
    else
      gst_util_set_object_arg (G_OBJECT (src), specs[i].name, value);
  }
  apigo_options_clear (&parsed);
  /* What a URI asks for may be refused by uri-generation=off. */
  GST_OBJECT_LOCK (src);
  src->from_uri = TRUE;
  GST_OBJECT_UNLOCK (src);
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
