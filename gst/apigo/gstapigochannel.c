/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-apigochannel
 *
 * An endless channel of clips generated from prompts: each clip is made
 * by an apigovideosrc in a private pipeline (gstapigochannelclip.c), up
 * to #GstApigoChannel:lookahead of them ahead of the one on air, decoded
 * to one fixed format and aired back to back through an appsrc, with
 * timestamps that run on exactly one frame at a time.  While no clip is
 * ready, a fallback (gstapigochannelfallback.c) keeps it on air.
 *
 * |[
 * gst-launch-1.0 apigochannel \
 *     'prompts="<\"a red kite\", \"a blue boat\">"' \
 *     seconds=4 ! autovideosink
 * ]|
 *
 * Its sound is on the request pad "audio", raw S16LE at
 * #GstApigoChannel:audio-rate, each video frame's samples exactly
 * (gstapigochannelaudio.c); silence where a clip has none.
 *
 * |[
 * gst-launch-1.0 apigochannel name=c prompts='<"a red kite">' \
 *     c.video ! queue ! videoconvert ! autovideosink \
 *     c.audio ! queue ! audioconvert ! autoaudiosink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstapigochannel.h"
#include "gstapigochannelaudio.h"
#include "gstapigochannelclip.h"
#include "gstapigochannelfallback.h"
#include "gstapigochannelprompts.h"
#include "gstapigochannelguard.h"
#include "gstapigochannelcontinuity.h"
#include "gstapigovideosrc.h"
#include "apigo-options.h"

#include <gst/app/gstappsrc.h>

GST_DEBUG_CATEGORY (gst_apigo_channel_debug);
#define GST_CAT_DEFAULT gst_apigo_channel_debug

#define DEFAULT_WIDTH 1280
#define DEFAULT_HEIGHT 720
#define DEFAULT_FPS_N 30
#define DEFAULT_FPS_D 1
#define DEFAULT_LOOKAHEAD 2
#define MAX_LOOKAHEAD 16
#define DEFAULT_FALLBACK GST_APIGO_CHANNEL_FALLBACK_HOLD
#define DEFAULT_CONTINUITY GST_APIGO_CHANNEL_CONTINUITY_NONE
#define DEFAULT_AUDIO_RATE 48000
#define DEFAULT_AUDIO_CHANNELS 2
/* Frames queued in the appsrc: few, so that skip acts at once. */
#define QUEUED_FRAMES 2
/* Audio queued: as much as an encoder's latency on the video branch may
 * hold back a muxer (x264enc's, seconds), so that the one thread pushing
 * both does not wait on the audio while the muxer waits on the video. */
#define AUDIO_QUEUED_TIME (10 * GST_SECOND)
/* Not live: how long the clip on air may keep its next frame before the
 * fallback covers for it. */
#define STALL_TIMEOUT GST_SECOND

/* Options of apigovideosrc that the channel sets itself, per clip, or
 * that make no sense for a channel: not its properties. */
static const gchar *const own_options[] = {
  "prompt", "video-id", "remix", "extend", "edit", "variant",
  "ask-application", NULL
};

enum
{
  PROP_0,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_FRAMERATE,
  PROP_PROMPTS,
  PROP_LOOP,
  PROP_LOOKAHEAD,
  PROP_FALLBACK,
  PROP_SLATE_IMAGE,
  PROP_IS_LIVE,
  PROP_PROMPTS_FILE,
  PROP_CONTINUITY,
  PROP_AUDIO_RATE,
  PROP_AUDIO_CHANNELS,
  PROP_OPTION,                  /* then one per option handed on */
};

enum
{
  SIGNAL_ADD_PROMPT,
  SIGNAL_SKIP,
  N_SIGNALS
};

static guint signals[N_SIGNALS];
/* The options of the table handed on to each clip's apigovideosrc. */
static GPtrArray *forwarded_options;

struct _GstApigoChannel
{
  GstBin parent;

  GstElement *appsrc;
  GstApigoChannelPrompts *sources;      /* prompts-file, the text pad */

  /* Properties, under the object lock. */
  guint width, height;
  gint fps_n, fps_d;
  gboolean loop;
  guint lookahead;
  GstApigoChannelFallbackMode fallback_mode;
  gchar *slate_image;
  gboolean is_live;
  GstApigoChannelContinuityMode continuity_mode;
  guint audio_rate, audio_channels;
  GstStructure *clip_settings;  /* the options set, by property name */

  /* Shared with the worker, under lock. */
  GMutex lock;
  GCond cond;
  GPtrArray *prompts;           /* of gchar * */
  guint next_prompt;
  GQueue clips;                 /* started, in airing order */
  struct
  {
    gchar *prompt;
    guint index;
    GstStructure *origin;
  } held;                       /* taken, not started: the guard said wait */
  gboolean stopping;
  gboolean playing;
  gboolean skip;
  GstClockID clock_id;
  GThread *thread;
  GstApigoChannelGuard *guard;  /* 429s, the budget: outlives runs */
  GstElement *audiosrc;         /* the audio pad's appsrc, once requested */
  gint video_ended, audio_ended;        /* downstream ended them (atomic) */
  GstCaps *audio_caps;          /* from READY to PAUSED on */
  gboolean audio_discont;       /* its next buffer is its first */

  /* The worker's own. */
  GstCaps *caps;
  GstStructure *settings;
  GstApigoChannelClip *on_air;
  GstApigoChannelFallback *fallback;
  GstApigoChannelContinuity *continuity;
  guint64 frame;                /* frames aired */
  GstClockTime start;           /* running time of frame 0 */
  gboolean in_fallback;
  guint64 fallback_frames;
  const gchar *why;             /* why the next fallback */
  gint64 due;                   /* monotonic time of the next fallback frame */
};

G_DEFINE_TYPE (GstApigoChannel, gst_apigo_channel, GST_TYPE_BIN);
/* Rank none: autovideosrc must not take it for a camera. */
GST_ELEMENT_REGISTER_DEFINE (apigochannel, "apigochannel", GST_RANK_NONE,
    GST_TYPE_APIGO_CHANNEL);

static GstStaticPadTemplate video_template =
GST_STATIC_PAD_TEMPLATE ("video", GST_PAD_SRC, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("video/x-raw, format = (string) I420, "
        "width = (int) [ 16, 16384 ], height = (int) [ 16, 16384 ], "
        "framerate = (fraction) [ 1/MAX, MAX ], "
        "pixel-aspect-ratio = (fraction) 1/1"));

/* On request only: a channel whose audio nobody links makes none, and
 * posts no not-linked error (docs/channel.md). */
static GstStaticPadTemplate audio_template =
GST_STATIC_PAD_TEMPLATE ("audio", GST_PAD_SRC, GST_PAD_REQUEST,
    GST_STATIC_CAPS ("audio/x-raw, format = (string) S16LE, "
        "layout = (string) interleaved, rate = (int) [ 1, MAX ], "
        "channels = (int) [ 1, 8 ]"));

static void gst_apigo_channel_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_apigo_channel_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_apigo_channel_finalize (GObject * object);
static GstStateChangeReturn gst_apigo_channel_change_state (GstElement *
    element, GstStateChange transition);
static void gst_apigo_channel_add_prompt (GstApigoChannel * self,
    const gchar * prompt);
static void gst_apigo_channel_skip (GstApigoChannel * self);
static void on_clip_notify (gpointer user_data);
static GstPad *gst_apigo_channel_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps);
static void gst_apigo_channel_release_pad (GstElement * element,
    GstPad * pad);

#define PROP_FLAGS (G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | \
    GST_PARAM_MUTABLE_READY)

/* Options whose words, as the element has them, speak of remix, extend
 * and edit, which a channel does not do; and size, whose default follows
 * the output's shape (a portrait clip in a landscape channel would air
 * between wide black borders). */
static const struct
{
  const gchar *name;
  const gchar *blurb;
} channel_blurbs[] = {
  {"model", "Video model, as the service names it (sora-2, sora-2-pro...)"},
  {"size", "Frame size asked of the service, WIDTHxHEIGHT (default: "
        "1280x720, or 720x1280 when the output is taller than wide); "
        "clips are scaled to width x height either way"},
  {"seconds", "Length of each clip in seconds (the service decides which "
        "it offers)"},
};

static GParamSpec *
channel_option_param_spec (const ApigoOptionSpec * spec)
{
  ApigoOptionSpec own = *spec;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (channel_blurbs); i++)
    if (g_str_equal (spec->name, channel_blurbs[i].name))
      own.blurb = channel_blurbs[i].blurb;
  if (g_str_equal (spec->name, "size"))
    own.default_string = NULL;
  return gst_apigo_option_param_spec (&own);
}

static void
install_option_properties (GObjectClass * gobject_class)
{
  guint i, n;
  const ApigoOptionSpec *specs = apigo_option_specs (&n);

  forwarded_options = g_ptr_array_new ();
  for (i = 0; i < n; i++) {
    if (g_strv_contains (own_options, specs[i].name))
      continue;
    g_object_class_install_property (gobject_class,
        PROP_OPTION + forwarded_options->len,
        channel_option_param_spec (&specs[i]));
    g_ptr_array_add (forwarded_options, (gpointer) & specs[i]);
  }
}

static void
gst_apigo_channel_class_init (GstApigoChannelClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

  gobject_class->set_property = gst_apigo_channel_set_property;
  gobject_class->get_property = gst_apigo_channel_get_property;
  gobject_class->finalize = gst_apigo_channel_finalize;

  g_object_class_install_property (gobject_class, PROP_WIDTH,
      g_param_spec_uint ("width", "Width",
          "Width of the output; clips are scaled to it (black borders "
          "keep their shape)", 16, 16384, DEFAULT_WIDTH, PROP_FLAGS));
  g_object_class_install_property (gobject_class, PROP_HEIGHT,
      g_param_spec_uint ("height", "Height",
          "Height of the output", 16, 16384, DEFAULT_HEIGHT, PROP_FLAGS));
  g_object_class_install_property (gobject_class, PROP_FRAMERATE,
      gst_param_spec_fraction ("framerate", "Frame rate",
          "Frame rate of the output; clips are brought to it", 1, 1,
          G_MAXINT, 1, DEFAULT_FPS_N, DEFAULT_FPS_D, PROP_FLAGS));
  g_object_class_install_property (gobject_class, PROP_PROMPTS,
      gst_param_spec_array ("prompts", "Prompts",
          "The clips to air, in order, e.g. <\"a red kite\", \"a boat\">; "
          "add-prompt appends to it",
          g_param_spec_string ("prompt", "Prompt", "What a clip shows",
              NULL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS),
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));
  g_object_class_install_property (gobject_class, PROP_LOOP,
      g_param_spec_boolean ("loop", "Loop",
          "Start the prompts again after the last one (else end of stream "
          "after it, when not live)", FALSE, PROP_FLAGS));
  g_object_class_install_property (gobject_class, PROP_LOOKAHEAD,
      g_param_spec_uint ("lookahead", "Lookahead",
          "Clips generated ahead of the one on air, at the same time",
          1, MAX_LOOKAHEAD, DEFAULT_LOOKAHEAD, PROP_FLAGS));
  g_object_class_install_property (gobject_class, PROP_FALLBACK,
      g_param_spec_enum ("fallback", "Fallback",
          "What airs while no clip is ready", 
          GST_TYPE_APIGO_CHANNEL_FALLBACK_MODE, DEFAULT_FALLBACK,
          PROP_FLAGS));
  g_object_class_install_property (gobject_class, PROP_SLATE_IMAGE,
      g_param_spec_string ("slate-image", "Slate image",
          "Path of an image (PNG, JPEG...) for fallback=slate (default: "
          "colour bars)", NULL, PROP_FLAGS));
  g_object_class_install_property (gobject_class, PROP_IS_LIVE,
      g_param_spec_boolean ("is-live", "Is live",
          "Pace the output on the clock (else as fast as downstream takes "
          "it; fallback is paced either way)", FALSE, PROP_FLAGS));
  g_object_class_install_property (gobject_class, PROP_PROMPTS_FILE,
      g_param_spec_string ("prompts-file", "Prompts file",
          "A text file of prompts, one a line ('#' starts a comment), aired "
          "after the prompts list and re-read when it changes", NULL,
          PROP_FLAGS));
  g_object_class_install_property (gobject_class, PROP_CONTINUITY,
      g_param_spec_enum ("continuity", "Continuity",
          "How each clip continues the one before it (one generation at a "
          "time then)", GST_TYPE_APIGO_CHANNEL_CONTINUITY_MODE,
          DEFAULT_CONTINUITY, PROP_FLAGS));
  g_object_class_install_property (gobject_class, PROP_AUDIO_RATE,
      g_param_spec_uint ("audio-rate", "Audio rate",
          "Sample rate of the audio pad's output; clips' audio is "
          "resampled to it", 1000, 384000, DEFAULT_AUDIO_RATE, PROP_FLAGS));
  g_object_class_install_property (gobject_class, PROP_AUDIO_CHANNELS,
      g_param_spec_uint ("audio-channels", "Audio channels",
          "Channels of the audio pad's output (S16LE, interleaved)", 1, 8,
          DEFAULT_AUDIO_CHANNELS, PROP_FLAGS));
  install_option_properties (gobject_class);

  signals[SIGNAL_ADD_PROMPT] = g_signal_new_class_handler ("add-prompt",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_apigo_channel_add_prompt), NULL, NULL, NULL,
      G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_SKIP] = g_signal_new_class_handler ("skip",
      G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_apigo_channel_skip), NULL, NULL, NULL, G_TYPE_NONE, 0);

  gst_type_mark_as_plugin_api (GST_TYPE_APIGO_CHANNEL_FALLBACK_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_APIGO_CHANNEL_CONTINUITY_MODE, 0);

  gst_element_class_add_static_pad_template (element_class, &video_template);
  gst_element_class_add_static_pad_template (element_class,
      gst_apigo_channel_prompts_text_template ());
  gst_element_class_add_static_pad_template (element_class, &audio_template);
  gst_element_class_set_static_metadata (element_class,
      "Prompt-to-video channel", "Source/Video/Network",
      "An endless video channel of clips generated from prompts, made "
      "ahead and aired back to back",
      "gst-apigo authors");
  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_apigo_channel_change_state);
  element_class->request_new_pad =
      GST_DEBUG_FUNCPTR (gst_apigo_channel_request_new_pad);
  element_class->release_pad =
      GST_DEBUG_FUNCPTR (gst_apigo_channel_release_pad);

  GST_DEBUG_CATEGORY_INIT (gst_apigo_channel_debug, "apigochannel", 0,
      "Prompt-to-video channel");
}

static GstCaps *
make_caps (GstApigoChannel * self)
{
  return gst_caps_new_simple ("video/x-raw",
      "format", G_TYPE_STRING, "I420",
      "width", G_TYPE_INT, (gint) self->width,
      "height", G_TYPE_INT, (gint) self->height,
      "framerate", GST_TYPE_FRACTION, self->fps_n, self->fps_d,
      "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
      "interlace-mode", G_TYPE_STRING, "progressive", NULL);
}

/* Downstream ended a pad's stream (a sink that had enough: identity
 * eos-after, a recording's length...): its appsrc's task stopped, and a
 * push into its full queue would wait for ever.  Noted, and the queue
 * left unbounded so that the push under way returns. */
static GstPadProbeReturn
on_src_eos (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstApigoChannel *self = user_data;
  GstElement *src = GST_ELEMENT (GST_PAD_PARENT (pad));

  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) != GST_EVENT_EOS)
    return GST_PAD_PROBE_OK;
  g_atomic_int_set (src == self->appsrc ? &self->video_ended :
      &self->audio_ended, TRUE);
  g_object_set (src, "max-buffers", (guint64) 0, "max-bytes", (guint64) 0,
      "max-time", (guint64) 0, NULL);
  return GST_PAD_PROBE_OK;
}

static void
watch_eos (GstApigoChannel * self, GstElement * src)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (src, "src");

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_src_eos,
      self, NULL);
}

static void
gst_apigo_channel_init (GstApigoChannel * self)
{
  GstPad *target, *ghost;

  self->width = DEFAULT_WIDTH;
  self->height = DEFAULT_HEIGHT;
  self->fps_n = DEFAULT_FPS_N;
  self->fps_d = DEFAULT_FPS_D;
  self->lookahead = DEFAULT_LOOKAHEAD;
  self->fallback_mode = DEFAULT_FALLBACK;
  self->audio_rate = DEFAULT_AUDIO_RATE;
  self->audio_channels = DEFAULT_AUDIO_CHANNELS;
  self->clip_settings = gst_structure_new_empty ("settings");
  self->prompts = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->clips);
  self->guard = gst_apigo_channel_guard_new ();

  /* From libgstapp itself: no registry lookup, no missing plugin. */
  self->appsrc = g_object_new (GST_TYPE_APP_SRC, "name", "video", NULL);
  g_object_set (self->appsrc, "format", GST_FORMAT_TIME, "block", TRUE,
      "max-buffers", (guint64) QUEUED_FRAMES, NULL);
  gst_bin_add (GST_BIN (self), self->appsrc);
  watch_eos (self, self->appsrc);
  target = gst_element_get_static_pad (self->appsrc, "src");
  ghost = gst_ghost_pad_new_from_template ("video", target,
      gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self),
          "video"));
  gst_object_unref (target);
  gst_element_add_pad (GST_ELEMENT (self), ghost);
  self->sources = gst_apigo_channel_prompts_new (GST_ELEMENT (self),
      (GstApigoChannelPromptsAdd) gst_apigo_channel_add_prompt,
      on_clip_notify, self);
  GST_OBJECT_FLAG_SET (self, GST_ELEMENT_FLAG_SOURCE);
}

static void
gst_apigo_channel_finalize (GObject * object)
{
  GstApigoChannel *self = GST_APIGO_CHANNEL (object);

  g_free (self->slate_image);
  gst_structure_free (self->clip_settings);
  g_ptr_array_unref (self->prompts);
  gst_apigo_channel_prompts_free (self->sources);
  gst_apigo_channel_guard_free (self->guard);
  gst_clear_object (&self->audiosrc);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (gst_apigo_channel_parent_class)->finalize (object);
}

/* Drops the prompt held for the guard; under lock. */
static void
drop_held_prompt (GstApigoChannel * self)
{
  g_clear_pointer (&self->held.prompt, g_free);
  g_clear_pointer (&self->held.origin, gst_structure_free);
}

static void
set_prompts (GstApigoChannel * self, const GValue * value)
{
  guint i, n = gst_value_array_get_size (value);

  g_mutex_lock (&self->lock);
  g_ptr_array_set_size (self->prompts, 0);
  for (i = 0; i < n; i++) {
    const gchar *prompt =
        g_value_get_string (gst_value_array_get_value (value, i));

    if (prompt != NULL && *prompt != '\0')
      g_ptr_array_add (self->prompts, g_strdup (prompt));
  }
  /* Clips already started air; the new list starts after them. */
  self->next_prompt = 0;
  drop_held_prompt (self);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

static void
get_prompts (GstApigoChannel * self, GValue * value)
{
  guint i;

  g_mutex_lock (&self->lock);
  for (i = 0; i < self->prompts->len; i++) {
    GValue prompt = G_VALUE_INIT;

    g_value_init (&prompt, G_TYPE_STRING);
    g_value_set_string (&prompt, g_ptr_array_index (self->prompts, i));
    gst_value_array_append_and_take_value (value, &prompt);
  }
  g_mutex_unlock (&self->lock);
}

static void
gst_apigo_channel_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstApigoChannel *self = GST_APIGO_CHANNEL (object);

  if (prop_id == PROP_PROMPTS) {
    set_prompts (self, value);
    return;
  }
  if (prop_id == PROP_PROMPTS_FILE) {
    gst_apigo_channel_prompts_set_file (self->sources,
        g_value_get_string (value));
    return;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_WIDTH:
      self->width = g_value_get_uint (value);
      break;
    case PROP_HEIGHT:
      self->height = g_value_get_uint (value);
      break;
    case PROP_FRAMERATE:
      self->fps_n = gst_value_get_fraction_numerator (value);
      self->fps_d = gst_value_get_fraction_denominator (value);
      break;
    case PROP_LOOP:
      self->loop = g_value_get_boolean (value);
      break;
    case PROP_LOOKAHEAD:
      self->lookahead = g_value_get_uint (value);
      break;
    case PROP_FALLBACK:
      self->fallback_mode = g_value_get_enum (value);
      break;
    case PROP_SLATE_IMAGE:
      g_free (self->slate_image);
      self->slate_image = g_value_dup_string (value);
      break;
    case PROP_IS_LIVE:
      self->is_live = g_value_get_boolean (value);
      break;
    case PROP_CONTINUITY:
      self->continuity_mode = g_value_get_enum (value);
      break;
    case PROP_AUDIO_RATE:
      self->audio_rate = g_value_get_uint (value);
      break;
    case PROP_AUDIO_CHANNELS:
      self->audio_channels = g_value_get_uint (value);
      break;
    default:
      if (prop_id >= PROP_OPTION
          && prop_id < PROP_OPTION + forwarded_options->len)
        /* Handed on as it is: the clips' properties are the same. */
        gst_structure_set_value (self->clip_settings, pspec->name, value);
      else
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_apigo_channel_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstApigoChannel *self = GST_APIGO_CHANNEL (object);

  if (prop_id == PROP_PROMPTS) {
    get_prompts (self, value);
    return;
  }
  if (prop_id == PROP_PROMPTS_FILE) {
    g_value_take_string (value,
        gst_apigo_channel_prompts_dup_file (self->sources));
    return;
  }
  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_WIDTH:
      g_value_set_uint (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_uint (value, self->height);
      break;
    case PROP_FRAMERATE:
      gst_value_set_fraction (value, self->fps_n, self->fps_d);
      break;
    case PROP_LOOP:
      g_value_set_boolean (value, self->loop);
      break;
    case PROP_LOOKAHEAD:
      g_value_set_uint (value, self->lookahead);
      break;
    case PROP_FALLBACK:
      g_value_set_enum (value, self->fallback_mode);
      break;
    case PROP_SLATE_IMAGE:
      g_value_set_string (value, self->slate_image);
      break;
    case PROP_IS_LIVE:
      g_value_set_boolean (value, self->is_live);
      break;
    case PROP_CONTINUITY:
      g_value_set_enum (value, self->continuity_mode);
      break;
    case PROP_AUDIO_RATE:
      g_value_set_uint (value, self->audio_rate);
      break;
    case PROP_AUDIO_CHANNELS:
      g_value_set_uint (value, self->audio_channels);
      break;
    default:
      if (prop_id >= PROP_OPTION
          && prop_id < PROP_OPTION + forwarded_options->len) {
        const GValue *set =
            gst_structure_get_value (self->clip_settings, pspec->name);

        if (set != NULL)
          g_value_copy (set, value);
        else
          g_param_value_set_default (pspec, value);
      } else {
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      }
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_apigo_channel_add_prompt (GstApigoChannel * self, const gchar * prompt)
{
  if (prompt == NULL || *prompt == '\0')
    return;
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->prompts, g_strdup (prompt));
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

static void
gst_apigo_channel_skip (GstApigoChannel * self)
{
  g_mutex_lock (&self->lock);
  self->skip = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

/* A clip's state changed (any thread). */
static void
on_clip_notify (gpointer user_data)
{
  GstApigoChannel *self = user_data;

  g_mutex_lock (&self->lock);
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

static gboolean
copy_field (GQuark field, const GValue * value, gpointer user_data)
{
  gst_structure_id_set_value (user_data, field, value);
  return TRUE;
}

/* With the fields of @more too, if not NULL. */
static void
post_event_more (GstApigoChannel * self, const GstStructure * more,
    const gchar * event, const gchar * first_field, ...)
{
  GstStructure *s = gst_structure_new (GST_APIGO_CHANNEL_MESSAGE,
      "event", G_TYPE_STRING, event, "frame", G_TYPE_UINT64, self->frame,
      NULL);
  va_list args;

  va_start (args, first_field);
  gst_structure_set_valist (s, first_field, args);
  va_end (args);
  if (more != NULL)
    gst_structure_foreach (more, copy_field, s);
  GST_DEBUG_OBJECT (self, "%" GST_PTR_FORMAT, s);
  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

#define post_event(self, ...) post_event_more (self, NULL, __VA_ARGS__)

/* The next prompt to start, if any: the list's (what add-prompt and
 * untimed text added included), then the prompts file's; under lock. */
static gchar *
take_prompt (GstApigoChannel * self, gboolean loop, guint * index,
    GstStructure ** origin)
{
  gboolean rewound = FALSE;
  gchar *line;

  for (;;) {
    if (self->next_prompt < self->prompts->len) {
      *index = self->next_prompt++;
      *origin = gst_structure_new ("origin", "source", G_TYPE_STRING, "list",
          NULL);
      return g_strdup (g_ptr_array_index (self->prompts, *index));
    }
    line = gst_apigo_channel_prompts_next_line (self->sources, index, origin);
    if (line != NULL || !loop || rewound)
      return line;
    rewound = TRUE;
    self->next_prompt = 0;
    gst_apigo_channel_prompts_rewind (self->sources);
  }
}

/* The next prompt the guard lets start, if any; under lock.  Prompts it
 * skips (the budget is spent, and they were never aired) are passed over,
 * a round of the list at most per call; while it says wait, the prompt
 * taken is held and comes first next time, wherever it came from. */
static gchar *
take_allowed_prompt (GstApigoChannel * self, gboolean loop, guint * index,
    GstStructure ** origin)
{
  guint round;

  for (round = 0; round <= self->prompts->len; round++) {
    GstApigoChannelGuardVerdict verdict;
    gchar *prompt;

    if (self->held.prompt != NULL) {
      prompt = g_steal_pointer (&self->held.prompt);
      *index = self->held.index;
      *origin = g_steal_pointer (&self->held.origin);
    } else {
      *origin = NULL;
      prompt = take_prompt (self, loop, index, origin);
    }
    if (prompt == NULL)
      return NULL;
    verdict = gst_apigo_channel_guard_check (self->guard, prompt);
    if (verdict == GST_APIGO_CHANNEL_GUARD_START)
      return prompt;
    GST_LOG_OBJECT (self, "not starting prompt %u (\"%s\") now: %s", *index,
        prompt, verdict == GST_APIGO_CHANNEL_GUARD_WAIT ? "waiting" :
        "skipped");
    if (verdict == GST_APIGO_CHANNEL_GUARD_WAIT) {
      self->held.prompt = prompt;
      self->held.index = *index;
      self->held.origin = g_steal_pointer (origin);
      return NULL;
    }
    g_free (prompt);
    g_clear_pointer (origin, gst_structure_free);
  }
  return NULL;
}

/* Posts the backoff the guard started, if any (unlocked). */
static void
post_backoff (GstApigoChannel * self)
{
  const gchar *why;
  gdouble seconds;

  if (!gst_apigo_channel_guard_take_news (self->guard, &why, &seconds))
    return;
  GST_INFO_OBJECT (self, "%s: no new paid clip for %.1f s", why, seconds);
  post_event (self, "backoff", "why", G_TYPE_STRING, why,
      "seconds", G_TYPE_DOUBLE, seconds, NULL);
}

/* With an audio pad, @clip decodes its audio too. */
static void
add_audio (GstApigoChannel * self, GstApigoChannelClip * clip)
{
  g_autoptr (GstCaps) caps = NULL;

  g_mutex_lock (&self->lock);
  if (self->audiosrc != NULL && self->audio_caps != NULL)
    caps = gst_caps_ref (self->audio_caps);
  g_mutex_unlock (&self->lock);
  if (caps != NULL)
    gst_apigo_channel_clip_add_audio (clip, caps);
}

/* A clip of @prompt, watched by the guard, with @origin (taken) for its
 * clip-start; NULL, after an ERROR, when its pipeline cannot be made (a
 * missing plugin).  Its audio and continuity are the caller's. */
static GstApigoChannelClip *
make_clip (GstApigoChannel * self, guint index, const gchar * prompt,
    const GstStructure * settings, GstStructure * origin)
{
  g_autoptr (GError) error = NULL;
  GstApigoChannelClip *clip;

  clip = gst_apigo_channel_clip_new (index, prompt, settings != NULL ?
      settings : self->settings, self->caps, on_clip_notify, self, &error);
  if (clip == NULL) {
    GST_ELEMENT_ERROR (self, CORE, MISSING_PLUGIN,
        ("Could not make the pipeline of a clip: %s", error->message),
        (NULL));
    gst_structure_free (origin);
    return NULL;
  }
  gst_apigo_channel_clip_set_origin (clip, origin);
  gst_apigo_channel_clip_set_guard (clip, self->guard);
  return clip;
}

/* Starts clips until lookahead of them are on their way; FALSE when a
 * clip's pipeline cannot even be made (a missing plugin). */
static gboolean
top_up (GstApigoChannel * self, gboolean loop, guint lookahead)
{
  gboolean room;

  /* A prompt is wanted: has the prompts file changed (a stat)? */
  g_mutex_lock (&self->lock);
  room = self->clips.length < lookahead;
  g_mutex_unlock (&self->lock);
  if (room)
    gst_apigo_channel_prompts_refresh (self->sources);

  for (;;) {
    g_autoptr (GError) error = NULL;
    g_autofree gchar *prompt = NULL;
    GstStructure *origin = NULL, *settings;
    GstApigoChannelClip *clip, *newest;
    guint index = 0;

    g_mutex_lock (&self->lock);
    /* The one the next continues: only the worker frees it. */
    newest = g_queue_peek_tail (&self->clips);
    if (newest == NULL)
      newest = self->on_air;
    if (!self->stopping && self->clips.length < lookahead
        && gst_apigo_channel_continuity_may_start (self->continuity, newest))
      prompt = take_allowed_prompt (self, loop, &index, &origin);
    g_mutex_unlock (&self->lock);
    /* Before the clip: told when no clip starts too. */
    post_backoff (self);
    if (prompt == NULL)
      return TRUE;

    settings = gst_apigo_channel_continuity_settings (self->continuity,
        newest, self->settings, index);
    clip = make_clip (self, index, prompt, settings, origin);
    if (settings != NULL)
      gst_structure_free (settings);
    if (clip == NULL)
      return FALSE;
    gst_apigo_channel_continuity_prepare (self->continuity, clip);
    add_audio (self, clip);
    g_mutex_lock (&self->lock);
    g_queue_push_tail (&self->clips, clip);
    g_mutex_unlock (&self->lock);
    /* Unlocked: its bus handler takes the lock. */
    gst_apigo_channel_clip_start (clip);
  }
}

static void
warn_failed (GstApigoChannel * self, GstApigoChannelClip * clip)
{
  g_autofree gchar *error = gst_apigo_channel_clip_dup_error (clip);
  g_autofree gchar *video_id = gst_apigo_channel_clip_dup_video_id (clip);
  GstStructure *details = gst_apigo_channel_clip_dup_error_details (clip);
  GstStructure *told = details != NULL ? gst_structure_copy (details) :
      gst_structure_new_empty ("details");

  /* For applications: which clip, and the element's details (cause,
   * HTTP status, the service's code...), not only words. */
  gst_structure_set (told, "index", G_TYPE_UINT,
      gst_apigo_channel_clip_get_index (clip), "prompt", G_TYPE_STRING,
      gst_apigo_channel_clip_get_prompt (clip), NULL);
  if (video_id != NULL)
    gst_structure_set (told, "video-id", G_TYPE_STRING, video_id, NULL);
  gst_element_message_full_with_details (GST_ELEMENT (self),
      GST_MESSAGE_WARNING, GST_STREAM_ERROR, GST_STREAM_ERROR_FAILED,
      g_strdup_printf ("Clip %u (\"%s\") failed and is skipped: %s",
          gst_apigo_channel_clip_get_index (clip),
          gst_apigo_channel_clip_get_prompt (clip), GST_STR_NULL (error)),
      NULL, __FILE__, GST_FUNCTION, __LINE__, told);
  /* "budget", "rate-limited": the guard holds the next paid clips back. */
  self->why = gst_apigo_channel_guard_why (details);
  gst_apigo_channel_continuity_broken (self->continuity);
  if (details != NULL)
    gst_structure_free (details);
}

/* The clip to air next if it is ready, else NULL; failed ones are
 * skipped. */
static GstApigoChannelClip *
take_ready_clip (GstApigoChannel * self)
{
  for (;;) {
    GstApigoChannelClip *clip;
    GstApigoChannelClipState state = GST_APIGO_CHANNEL_CLIP_PENDING;

    g_mutex_lock (&self->lock);
    clip = g_queue_peek_head (&self->clips);
    if (clip != NULL)
      state = gst_apigo_channel_clip_get_state (clip);
    if (state != GST_APIGO_CHANNEL_CLIP_PENDING)
      g_queue_pop_head (&self->clips);
    g_mutex_unlock (&self->lock);

    if (state == GST_APIGO_CHANNEL_CLIP_READY)
      return clip;
    if (state == GST_APIGO_CHANNEL_CLIP_PENDING)
      return NULL;
    warn_failed (self, clip);
    gst_apigo_channel_clip_free (clip);
  }
}

static GstClockTime
frame_time (GstApigoChannel * self, guint64 frame)
{
  return self->start + gst_util_uint64_scale (frame,
      GST_SECOND * self->fps_d, self->fps_n);
}

/* Live: waits until the clock reaches the running time of the next
 * frame (frame 0 airs at once, at the running time it is then); FALSE
 * when stopping. */
static gboolean
wait_clock (GstApigoChannel * self)
{
  for (;;) {
    GstClock *clock = NULL;
    GstClockTime base_time, now;
    GstClockReturn ret;

    g_mutex_lock (&self->lock);
    while (!self->stopping && !self->playing)
      g_cond_wait (&self->cond, &self->lock);
    if (!self->stopping)
      clock = gst_element_get_clock (GST_ELEMENT (self));
    if (clock != NULL) {
      base_time = gst_element_get_base_time (GST_ELEMENT (self));
      if (!GST_CLOCK_TIME_IS_VALID (self->start)) {
        now = gst_clock_get_time (clock);
        self->start = now > base_time ? now - base_time : 0;
      }
      self->clock_id = gst_clock_new_single_shot_id (clock,
          base_time + frame_time (self, self->frame));
    }
    g_mutex_unlock (&self->lock);
    if (clock == NULL)
      return FALSE;
    ret = gst_clock_id_wait (self->clock_id, NULL);
    g_mutex_lock (&self->lock);
    gst_clock_id_unref (self->clock_id);
    self->clock_id = NULL;
    g_mutex_unlock (&self->lock);
    gst_object_unref (clock);
    /* Unscheduled: paused or stopping; then wait again. */
    if (ret != GST_CLOCK_UNSCHEDULED)
      return TRUE;
  }
}

/* The samples of the next frame: the clip's on air, else silence (and
 * the appsrc they go to); NULL without an audio pad.  Taken before the
 * clock wait: the clip's audio may take a moment to decode. */
static GstBuffer *
take_audio (GstApigoChannel * self, gboolean is_clip, GstElement ** src)
{
  guint64 first = gst_apigo_channel_audio_sample (self->frame,
      self->audio_rate, self->fps_n, self->fps_d);
  guint n = gst_apigo_channel_audio_sample (self->frame + 1,
      self->audio_rate, self->fps_n, self->fps_d) - first;
  GstBuffer *audio = NULL;

  g_mutex_lock (&self->lock);
  *src = self->audiosrc != NULL && self->audio_caps != NULL ?
      gst_object_ref (self->audiosrc) : NULL;
  g_mutex_unlock (&self->lock);
  if (*src == NULL)
    return NULL;
  if (is_clip)
    audio = gst_apigo_channel_clip_take_audio (self->on_air, n,
        self->is_live ? gst_util_uint64_scale (GST_SECOND, self->fps_d,
            self->fps_n) : STALL_TIMEOUT);
  if (audio == NULL)
    audio = gst_apigo_channel_audio_silence (self->audio_caps, n);
  return audio;
}

/* Airs @audio as the samples of @frame, right after its video. */
static gboolean
push_audio (GstApigoChannel * self, GstElement * src, GstBuffer * audio,
    guint64 frame)
{
  guint64 first = gst_apigo_channel_audio_sample (frame, self->audio_rate,
      self->fps_n, self->fps_d);
  guint64 end = gst_apigo_channel_audio_sample (frame + 1, self->audio_rate,
      self->fps_n, self->fps_d);
  GstClockTime pts = self->start + gst_util_uint64_scale (first, GST_SECOND,
      self->audio_rate);
  gboolean released;
  GstFlowReturn ret;

  /* Downstream ended the sound: the picture goes on. */
  if (g_atomic_int_get (&self->audio_ended)) {
    gst_buffer_unref (audio);
    gst_object_unref (src);
    return TRUE;
  }
  audio = gst_buffer_make_writable (audio);
  GST_BUFFER_PTS (audio) = pts;
  GST_BUFFER_DTS (audio) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (audio) = self->start + gst_util_uint64_scale (end,
      GST_SECOND, self->audio_rate) - pts;
  GST_BUFFER_OFFSET (audio) = first;
  GST_BUFFER_OFFSET_END (audio) = end;
  GST_BUFFER_FLAG_UNSET (audio, GST_BUFFER_FLAG_DISCONT |
      GST_BUFFER_FLAG_GAP);
  g_mutex_lock (&self->lock);
  if (self->audio_discont)
    GST_BUFFER_FLAG_SET (audio, GST_BUFFER_FLAG_DISCONT);
  self->audio_discont = FALSE;
  g_mutex_unlock (&self->lock);
  ret = gst_app_src_push_buffer (GST_APP_SRC (src), audio);
  g_mutex_lock (&self->lock);
  released = self->audiosrc != src;
  g_mutex_unlock (&self->lock);
  gst_object_unref (src);
  /* A pad released meanwhile does not stop the channel. */
  return ret == GST_FLOW_OK || released;
}

static void
end_audio (GstApigoChannel * self)
{
  g_autoptr (GstElement) src = NULL;

  g_mutex_lock (&self->lock);
  if (self->audiosrc != NULL)
    src = gst_object_ref (self->audiosrc);
  g_mutex_unlock (&self->lock);
  if (src != NULL)
    gst_app_src_end_of_stream (GST_APP_SRC (src));
}

/* Airs @buffer as the next frame, and its audio; FALSE when the channel
 * stops. */
static gboolean
push_frame (GstApigoChannel * self, GstBuffer * buffer, gboolean is_clip)
{
  GstElement *audiosrc = NULL;
  GstBuffer *audio = take_audio (self, is_clip, &audiosrc);
  GstClockTime pts;

  if (self->is_live && !wait_clock (self)) {
    gst_buffer_unref (buffer);
    gst_clear_buffer (&audio);
    gst_clear_object (&audiosrc);
    return FALSE;
  }
  pts = frame_time (self, self->frame);
  GST_BUFFER_PTS (buffer) = pts;
  GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DURATION (buffer) = frame_time (self, self->frame + 1) - pts;
  GST_BUFFER_OFFSET (buffer) = self->frame;
  GST_BUFFER_OFFSET_END (buffer) = self->frame + 1;
  GST_BUFFER_FLAG_UNSET (buffer, GST_BUFFER_FLAG_DISCONT |
      GST_BUFFER_FLAG_GAP);
  if (self->frame == 0)
    GST_BUFFER_FLAG_SET (buffer, GST_BUFFER_FLAG_DISCONT);
  if (is_clip)
    gst_apigo_channel_fallback_remember (self->fallback, buffer);
  self->frame++;
  /* Downstream ended the picture: the channel ends (its sound too). */
  if (gst_app_src_push_buffer (GST_APP_SRC (self->appsrc), buffer) !=
      GST_FLOW_OK || g_atomic_int_get (&self->video_ended)) {
    gst_clear_buffer (&audio);
    gst_clear_object (&audiosrc);
    return FALSE;
  }
  return audio == NULL || push_audio (self, audiosrc, audio, self->frame - 1);
}

static gboolean
push_fallback (GstApigoChannel * self)
{
  if (!self->in_fallback) {
    self->in_fallback = TRUE;
    self->fallback_frames = 0;
    post_event (self, "fallback-start", "why", G_TYPE_STRING, self->why,
        NULL);
  }
  self->fallback_frames++;
  return push_frame (self,
      gst_apigo_channel_fallback_frame (self->fallback), FALSE);
}

static void
stop_fallback (GstApigoChannel * self)
{
  if (!self->in_fallback)
    return;
  self->in_fallback = FALSE;
  post_event (self, "fallback-stop", "frames", G_TYPE_UINT64,
      self->fallback_frames, NULL);
}

static gint64
frame_duration_us (GstApigoChannel * self)
{
  return gst_util_uint64_scale (G_USEC_PER_SEC, self->fps_d, self->fps_n);
}

/* Nothing to air: waits until a fallback frame is due (TRUE) or something
 * changed (FALSE).  Fallback frames follow the wall clock even when not
 * live, so that waiting for a clip does not make hours of them. */
static gboolean
wait_for_clip (GstApigoChannel * self)
{
  gint64 now = g_get_monotonic_time ();
  gboolean due;

  if (self->due == 0 || self->due < now - frame_duration_us (self))
    self->due = now + frame_duration_us (self);
  g_mutex_lock (&self->lock);
  due = !self->stopping && !g_cond_wait_until (&self->cond, &self->lock,
      self->due);
  g_mutex_unlock (&self->lock);
  if (due)
    self->due += frame_duration_us (self);
  return due;
}

/* Whether all there is to air has aired: EOS then (not live, no loop). */
static gboolean
finished (GstApigoChannel * self, gboolean loop)
{
  gboolean done;

  if (self->is_live || loop || self->on_air != NULL)
    return FALSE;
  /* First: the text pad adds to the list before its EOS. */
  if (!gst_apigo_channel_prompts_done (self->sources))
    return FALSE;
  g_mutex_lock (&self->lock);
  done = self->next_prompt >= self->prompts->len && self->clips.length == 0
      && self->held.prompt == NULL;
  g_mutex_unlock (&self->lock);
  return done;
}

static gboolean
take_skip (GstApigoChannel * self)
{
  gboolean skip;

  g_mutex_lock (&self->lock);
  skip = self->skip;
  self->skip = FALSE;
  g_mutex_unlock (&self->lock);
  return skip;
}

/* The clip on air leaves it: the next may continue it. */
static void
leave_air (GstApigoChannel * self)
{
  gst_apigo_channel_continuity_left (self->continuity, self->on_air,
      gst_apigo_channel_fallback_get_last (self->fallback));
  g_clear_pointer (&self->on_air, gst_apigo_channel_clip_free);
}

static void
air_clip (GstApigoChannel * self, GstApigoChannelClip * clip)
{
  g_autofree gchar *video_id = gst_apigo_channel_clip_dup_video_id (clip);

  self->on_air = clip;
  self->why = "not-ready";
  self->due = 0;
  stop_fallback (self);
  gst_apigo_channel_guard_aired (self->guard,
      gst_apigo_channel_clip_get_prompt (clip));
  post_event_more (self, gst_apigo_channel_clip_get_origin (clip),
      "clip-start",
      "index", G_TYPE_UINT, gst_apigo_channel_clip_get_index (clip),
      "prompt", G_TYPE_STRING, gst_apigo_channel_clip_get_prompt (clip),
      "video-id", G_TYPE_STRING, video_id, NULL);
  gst_apigo_channel_clip_play (clip);
}

/* Starts the clips of the timed prompts the text pad got. */
static gboolean
start_timed (GstApigoChannel * self)
{
  for (;;) {
    GstApigoChannelClip *clip;
    g_autofree gchar *prompt = NULL;
    GstClockTime time = 0;
    guint index = 0;

    prompt = gst_apigo_channel_prompts_next_unstarted (self->sources,
        &index, &time);
    /* A 429's wait holds them too; a spent budget refuses them for free:
     * tried once, each fails. */
    if (prompt == NULL || gst_apigo_channel_guard_check (self->guard,
            prompt) == GST_APIGO_CHANNEL_GUARD_WAIT)
      return TRUE;
    clip = make_clip (self, index, prompt, NULL, gst_structure_new ("origin",
            "source", G_TYPE_STRING, "text", "time", G_TYPE_UINT64, time,
            NULL));
    if (clip == NULL)
      return FALSE;
    add_audio (self, clip);
    gst_apigo_channel_prompts_attach (self->sources, index, clip);
    gst_apigo_channel_clip_start (clip);
  }
}

/* A timed prompt whose running time has come takes the air at this frame
 * once its clip is ready, cutting the clip on air; not live, the output
 * waits for it there.  TRUE when it took this step (*@go_on: FALSE to
 * stop). */
static gboolean
air_timed (GstApigoChannel * self, gboolean * go_on)
{
  GstApigoChannelClip *clip;
  GstClockTime time = 0;
  gboolean waiting;
  guint64 due;

  *go_on = TRUE;
  /* Live, before the first frame: no time yet. */
  if (!GST_CLOCK_TIME_IS_VALID (self->start))
    return FALSE;
  clip = gst_apigo_channel_prompts_take_due (self->sources,
      frame_time (self, self->frame), &waiting);
  if (clip == NULL && waiting && !self->is_live) {
    g_mutex_lock (&self->lock);
    if (!self->stopping)
      g_cond_wait_until (&self->cond, &self->lock, g_get_monotonic_time () +
          frame_duration_us (self));
    *go_on = !self->stopping;
    g_mutex_unlock (&self->lock);
    return TRUE;
  }
  if (clip == NULL)
    return FALSE;
  if (gst_apigo_channel_clip_get_state (clip) ==
      GST_APIGO_CHANNEL_CLIP_FAILED) {
    warn_failed (self, clip);
    gst_apigo_channel_clip_free (clip);
    return TRUE;
  }
  /* How late: frames since the first one at or after its time. */
  gst_structure_get_uint64 (gst_apigo_channel_clip_get_origin (clip), "time",
      &time);
  due = time > self->start ? gst_util_uint64_scale_ceil (time - self->start,
      self->fps_n, GST_SECOND * self->fps_d) : 0;
  gst_structure_set (gst_apigo_channel_clip_get_origin (clip), "late",
      G_TYPE_UINT64, self->frame > due ? self->frame - due : 0, NULL);
  if (self->on_air != NULL)
    leave_air (self);
  air_clip (self, clip);
  return TRUE;
}

/* One step of the worker: a frame aired, or a clip changed; FALSE to
 * stop. */
static gboolean
step (GstApigoChannel * self, gboolean loop, guint lookahead)
{
  g_autoptr (GstSample) sample = NULL;
  GstApigoChannelClip *clip;
  gboolean ended, skip, go_on;

  if (!top_up (self, loop, lookahead) || !start_timed (self))
    return FALSE;
  if (air_timed (self, &go_on))
    return go_on;
  skip = take_skip (self);
  if (self->on_air == NULL) {
    if ((clip = take_ready_clip (self)) != NULL) {
      air_clip (self, clip);
      return TRUE;
    }
    if (finished (self, loop)) {
      stop_fallback (self);
      gst_app_src_end_of_stream (GST_APP_SRC (self->appsrc));
      end_audio (self);
      return FALSE;
    }
    return !wait_for_clip (self) || push_fallback (self);
  }

  /* Not live, nobody sees a stall: it takes longer to call one. */
  sample = gst_apigo_channel_clip_pull (self->on_air, self->is_live ?
      gst_util_uint64_scale (GST_SECOND, self->fps_d, self->fps_n) :
      STALL_TIMEOUT, &ended);
  if (sample != NULL && !skip) {
    stop_fallback (self);
    return push_frame (self,
        gst_buffer_copy (gst_sample_get_buffer (sample)), TRUE);
  }
  if (ended || skip) {
    if (gst_apigo_channel_clip_get_state (self->on_air) ==
        GST_APIGO_CHANNEL_CLIP_FAILED)
      warn_failed (self, self->on_air);
    leave_air (self);
    return TRUE;
  }
  /* Stalled mid-clip (a slow download): a frame's time has passed. */
  return push_fallback (self);
}

/* Whether the channel is stopping: step() goes on while a wait is merely
 * woken up, and would spin until the next clip is ready. */
static gboolean
is_stopping (GstApigoChannel * self)
{
  gboolean stopping;

  g_mutex_lock (&self->lock);
  stopping = self->stopping;
  g_mutex_unlock (&self->lock);
  return stopping;
}

static gpointer
worker (gpointer data)
{
  GstApigoChannel *self = data;
  g_autoptr (GError) error = NULL;
  GstApigoChannelFallbackMode mode;
  GstApigoChannelContinuityMode continuity;
  g_autofree gchar *slate_image = NULL;
  gboolean loop;
  guint lookahead;

  GST_OBJECT_LOCK (self);
  mode = self->fallback_mode;
  slate_image = g_strdup (self->slate_image);
  loop = self->loop;
  lookahead = self->lookahead;
  continuity = self->continuity_mode;
  GST_OBJECT_UNLOCK (self);

  self->continuity = gst_apigo_channel_continuity_new (continuity,
      self->caps);
  self->fallback = gst_apigo_channel_fallback_new (self->caps, mode,
      slate_image, &error);
  if (error != NULL)
    GST_ELEMENT_WARNING (self, RESOURCE, OPEN_READ,
        ("Could not read the slate image \"%s\", colour bars instead: %s",
            slate_image, error->message), (NULL));

  while (!is_stopping (self) && step (self, loop, lookahead));

  if (g_atomic_int_get (&self->video_ended))
    end_audio (self);
  stop_fallback (self);
  g_clear_pointer (&self->on_air, gst_apigo_channel_clip_free);
  g_clear_pointer (&self->fallback, gst_apigo_channel_fallback_free);
  /* Its files with it. */
  g_clear_pointer (&self->continuity, gst_apigo_channel_continuity_free);
  return NULL;
}

/* The audio appsrc as the video's: live or not, one frame of latency. */
static void
configure_audio (GstApigoChannel * self, GstElement * src, GstCaps * caps)
{
  g_object_set (src, "caps", caps, "is-live", self->is_live,
      "min-latency", (gint64) gst_util_uint64_scale (GST_SECOND, self->fps_d,
          self->fps_n), "max-buffers", (guint64) 0, "max-bytes", (guint64) 0,
      "max-time", (guint64) AUDIO_QUEUED_TIME, NULL);
}

/* The settings of each clip's apigovideosrc: the options set, and size,
 * unset, in the output's shape.  Object lock held. */
static GstStructure *
clip_settings (GstApigoChannel * self)
{
  GstStructure *settings = gst_structure_copy (self->clip_settings);

  if (gst_structure_get_string (settings, "size") == NULL)
    gst_structure_set (settings, "size", G_TYPE_STRING,
        self->height > self->width ? "720x1280" : "1280x720", NULL);
  return settings;
}

/* Before the appsrcs start: they must know whether they are live then. */
static void
configure (GstApigoChannel * self)
{
  g_autoptr (GstElement) audiosrc = NULL;
  g_autoptr (GstCaps) audio_caps = NULL;

  GST_OBJECT_LOCK (self);
  self->caps = make_caps (self);
  self->settings = clip_settings (self);
  audio_caps = gst_apigo_channel_audio_caps (self->audio_rate,
      self->audio_channels);
  GST_OBJECT_UNLOCK (self);
  g_mutex_lock (&self->lock);
  gst_caps_replace (&self->audio_caps, audio_caps);
  if (self->audiosrc != NULL)
    audiosrc = gst_object_ref (self->audiosrc);
  g_mutex_unlock (&self->lock);
  if (audiosrc != NULL)
    configure_audio (self, audiosrc, audio_caps);
  /* A run before may have ended them downstream (on_src_eos). */
  g_atomic_int_set (&self->video_ended, FALSE);
  g_atomic_int_set (&self->audio_ended, FALSE);
  /* Unlocked: the appsrc posts a message, which the bin takes locked. */
  g_object_set (self->appsrc, "max-buffers", (guint64) QUEUED_FRAMES,
      "max-bytes", (guint64) 0, "max-time", (guint64) 0, NULL);
  g_object_set (self->appsrc, "caps", self->caps, "is-live", self->is_live,
      "min-latency", (gint64) gst_util_uint64_scale (GST_SECOND, self->fps_d,
          self->fps_n), NULL);
}

static void
start (GstApigoChannel * self)
{
  self->frame = 0;
  /* Live: the running time of the first frame, when it airs. */
  self->start = self->is_live ? GST_CLOCK_TIME_NONE : 0;
  self->in_fallback = FALSE;
  self->why = "not-ready";
  self->due = 0;
  self->stopping = FALSE;
  self->skip = FALSE;
  self->next_prompt = 0;
  self->audio_discont = TRUE;
  self->thread = g_thread_new ("apigochannel", worker, self);
}

/* Before the appsrc stops: wakes the worker wherever it waits. */
static void
unblock (GstApigoChannel * self, gboolean stopping)
{
  if (stopping)
    gst_apigo_channel_prompts_unblock (self->sources);
  g_mutex_lock (&self->lock);
  if (stopping)
    self->stopping = TRUE;
  self->playing = FALSE;
  if (self->clock_id != NULL)
    gst_clock_id_unschedule (self->clock_id);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

static void
stop (GstApigoChannel * self)
{
  GstApigoChannelClip *clip;

  if (self->thread != NULL)
    g_thread_join (self->thread);
  self->thread = NULL;
  while ((clip = g_queue_pop_head (&self->clips)) != NULL)
    gst_apigo_channel_clip_free (clip);
  gst_apigo_channel_prompts_stop (self->sources);
  g_mutex_lock (&self->lock);
  drop_held_prompt (self);
  g_mutex_unlock (&self->lock);
  gst_clear_caps (&self->caps);
  g_clear_pointer (&self->settings, gst_structure_free);
  g_mutex_lock (&self->lock);
  gst_clear_caps (&self->audio_caps);
  g_mutex_unlock (&self->lock);
}

static GstPad *
gst_apigo_channel_request_new_pad (GstElement * element,
    GstPadTemplate * templ, const gchar * name, const GstCaps * caps)
{
  GstApigoChannel *self = GST_APIGO_CHANNEL (element);
  g_autoptr (GstCaps) audio_caps = NULL;
  GstElement *src;
  GstPad *target, *ghost;

  g_mutex_lock (&self->lock);
  if (self->audiosrc != NULL) {
    g_mutex_unlock (&self->lock);
    GST_WARNING_OBJECT (self, "the audio pad is requested already");
    return NULL;
  }
  if (self->audio_caps != NULL)
    audio_caps = gst_caps_ref (self->audio_caps);
  g_mutex_unlock (&self->lock);

  src = g_object_new (GST_TYPE_APP_SRC, "name", "audio", NULL);
  g_object_set (src, "format", GST_FORMAT_TIME, "block", TRUE,
      "max-buffers", (guint64) 0, "max-bytes", (guint64) 0,
      "max-time", (guint64) AUDIO_QUEUED_TIME, NULL);
  /* Requested while running: set up now, as configure() does. */
  if (audio_caps != NULL)
    configure_audio (self, src, audio_caps);
  gst_bin_add (GST_BIN (self), src);
  watch_eos (self, src);
  target = gst_element_get_static_pad (src, "src");
  ghost = gst_ghost_pad_new_from_template ("audio", target, templ);
  gst_object_unref (target);
  if (GST_STATE (self) > GST_STATE_READY
      || GST_STATE_PENDING (self) > GST_STATE_READY)
    gst_pad_set_active (ghost, TRUE);
  gst_element_add_pad (element, ghost);
  gst_element_sync_state_with_parent (src);

  /* From now on the worker airs audio, from its next frame. */
  g_mutex_lock (&self->lock);
  self->audiosrc = gst_object_ref (src);
  self->audio_discont = TRUE;
  g_mutex_unlock (&self->lock);
  return ghost;
}

static void
gst_apigo_channel_release_pad (GstElement * element, GstPad * pad)
{
  GstApigoChannel *self = GST_APIGO_CHANNEL (element);
  GstElement *src;

  g_mutex_lock (&self->lock);
  src = g_steal_pointer (&self->audiosrc);
  g_mutex_unlock (&self->lock);
  gst_element_remove_pad (element, pad);
  if (src == NULL)
    return;
  /* Unblocks the worker if it is pushing to it. */
  gst_element_set_state (src, GST_STATE_NULL);
  gst_bin_remove (GST_BIN (self), src);
  gst_object_unref (src);
}

/* Reads the prompts file: a bad one stops the channel before it starts;
 * so does a continuity the service cannot give. */
static gboolean
start_sources (GstApigoChannel * self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstStructure) settings = NULL;
  guint lookahead;
  gboolean can_continue;

  GST_OBJECT_LOCK (self);
  lookahead = self->lookahead;
  settings = clip_settings (self);
  can_continue = gst_apigo_channel_continuity_check (self->continuity_mode,
      self->clip_settings, &error);
  GST_OBJECT_UNLOCK (self);
  /* What every clip would refuse at its start (no API key, a bad URL or
   * size...): the channel's own settings, told once, before any clip. */
  if (can_continue)
    can_continue = gst_apigo_channel_clip_check_settings (settings, &error);
  if (!can_continue) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("%s", error->message),
        (NULL));
    return FALSE;
  }
  if (gst_apigo_channel_prompts_start (self->sources, lookahead, &error))
    return TRUE;
  GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("%s", error->message),
      (NULL));
  return FALSE;
}

static GstStateChangeReturn
gst_apigo_channel_change_state (GstElement * element,
    GstStateChange transition)
{
  GstApigoChannel *self = GST_APIGO_CHANNEL (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_PLAYING_TO_PAUSED:
      unblock (self, FALSE);
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!start_sources (self))
        return GST_STATE_CHANGE_FAILURE;
      configure (self);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      unblock (self, TRUE);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (gst_apigo_channel_parent_class)->change_state
      (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
      stop (self);
    return ret;
  }

  switch (transition) {
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      start (self);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_PLAYING:
      g_mutex_lock (&self->lock);
      self->playing = TRUE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->lock);
      break;
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      stop (self);
      break;
    default:
      break;
  }
  return ret;
}
