/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstapigochannelcontinuity.h"
#include "gstapigovideosrc.h"
#include "apigo-client.h"
#include "apigo-options.h"

#include <gst/video/video.h>
#include <glib/gstdio.h>

GST_DEBUG_CATEGORY_EXTERN (gst_apigo_channel_debug);
#define GST_CAT_DEFAULT gst_apigo_channel_debug

/* Each extension carries its whole chain (downloaded, and decoded to be
 * left out): a source this long starts a new chain instead. */
#define MAX_CHAIN (60 * GST_SECOND)
/* Writing a small PNG takes a moment, never this long. */
#define PNG_TIMEOUT (30 * GST_SECOND)

struct _GstApigoChannelContinuity
{
  GstApigoChannelContinuityMode mode;
  GstCaps *caps;
  gint fps_n, fps_d;

  /* The last clip that left the air, when nothing newer is started:
   * extend: its id and length; last-frame: its last frame's PNG. */
  gchar *last_id;
  GstClockTime last_duration;
  gboolean have_frame;
  gchar *dir;                   /* last-frame: ours, removed at the end */
  gchar *png;

  /* Decided for the clip being made: its source's length, and its own
   * length as asked. */
  GstClockTime cut;
  GstClockTime length;
};

GType
gst_apigo_channel_continuity_mode_get_type (void)
{
  static GType type;
  static const GEnumValue values[] = {
    {GST_APIGO_CHANNEL_CONTINUITY_NONE,
        "Each clip from its prompt alone", "none"},
    {GST_APIGO_CHANNEL_CONTINUITY_EXTEND,
          "An extension of the clip before (the service's extend); only "
          "the new part airs", "extend"},
    {GST_APIGO_CHANNEL_CONTINUITY_LAST_FRAME,
          "The last frame the clip before aired as the input reference",
        "last-frame"},
    {0, NULL, NULL},
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type,
        g_enum_register_static ("GstApigoChannelContinuity", values));
  return type;
}

gboolean
gst_apigo_channel_continuity_check (GstApigoChannelContinuityMode mode,
    const GstStructure * settings, GError ** error)
{
  const GValue *value = gst_structure_get_value (settings, "dialect");
  const gchar *base_url = gst_structure_get_string (settings, "base-url");
  g_autofree gchar *resolved = NULL;
  ApigoDialect dialect;

  if (mode != GST_APIGO_CHANNEL_CONTINUITY_EXTEND)
    return TRUE;
  if (base_url == NULL)
    base_url = g_getenv ("APIGO_BASE_URL");
  if (base_url == NULL || *base_url == '\0')
    base_url = APIGO_CLIENT_DEFAULT_BASE_URL;
  /* A bad base-url is the clip's error to tell. */
  if (!apigo_dialect_resolve (value != NULL ? (guint) g_value_get_enum (value)
          : APIGO_OPTION_DIALECT_AUTO, base_url, &dialect, &resolved, NULL)
      || dialect != APIGO_DIALECT_OPENROUTER)
    return TRUE;
  g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
      "The continuity property is extend, which dialect openrouter does not "
      "offer (OpenRouter's video API only generates new videos): set "
      "continuity=last-frame");
  return FALSE;
}

GstApigoChannelContinuity *
gst_apigo_channel_continuity_new (GstApigoChannelContinuityMode mode,
    GstCaps * caps)
{
  GstApigoChannelContinuity *cont = g_new0 (GstApigoChannelContinuity, 1);
  const GstStructure *s = gst_caps_get_structure (caps, 0);

  cont->mode = mode;
  cont->caps = gst_caps_ref (caps);
  cont->last_duration = GST_CLOCK_TIME_NONE;
  gst_structure_get_fraction (s, "framerate", &cont->fps_n, &cont->fps_d);
  return cont;
}

void
gst_apigo_channel_continuity_free (GstApigoChannelContinuity * cont)
{
  if (cont == NULL)
    return;
  if (cont->png != NULL)
    g_unlink (cont->png);
  if (cont->dir != NULL)
    g_rmdir (cont->dir);
  g_free (cont->png);
  g_free (cont->dir);
  g_free (cont->last_id);
  gst_caps_unref (cont->caps);
  g_free (cont);
}

gboolean
gst_apigo_channel_continuity_may_start (GstApigoChannelContinuity * cont,
    GstApigoChannelClip * newest)
{
  GstApigoChannelClipState state;

  if (cont->mode == GST_APIGO_CHANNEL_CONTINUITY_NONE || newest == NULL)
    return TRUE;
  state = gst_apigo_channel_clip_get_state (newest);
  /* Failed: a new chain starts. */
  if (state == GST_APIGO_CHANNEL_CLIP_FAILED)
    return TRUE;
  /* Extend: a completed task (prerolled: made and downloaded).  Last
   * frame: one that aired to the end, i.e. none is left. */
  return cont->mode == GST_APIGO_CHANNEL_CONTINUITY_EXTEND
      && state == GST_APIGO_CHANNEL_CLIP_READY;
}

/* The length of @clip's whole video: what its container says, but no
 * more than what was asked of it (the container's is its longest track's,
 * and AAC audio runs on a few tens of milliseconds past the picture). */
static GstClockTime
clip_duration (GstApigoChannelClip * clip)
{
  GstClockTime asked = gst_apigo_channel_clip_get_length (clip);
  gint64 duration = -1;

  if (!gst_element_query_duration (gst_apigo_channel_clip_get_pipeline
          (clip), GST_FORMAT_TIME, &duration) || duration < 0)
    return GST_CLOCK_TIME_NONE;
  return MIN ((GstClockTime) duration, asked);
}

/* The seconds a clip made with @settings is asked to last. */
static GstClockTime
seconds_asked (const GstStructure * settings)
{
  guint seconds;

  if (!gst_structure_get_uint (settings, "seconds", &seconds)) {
    GObjectClass *klass = g_type_class_ref (GST_TYPE_APIGO_VIDEO_SRC);

    seconds = G_PARAM_SPEC_UINT (g_object_class_find_property (klass,
            "seconds"))->default_value;
    g_type_class_unref (klass);
  }
  return seconds * GST_SECOND;
}

/* input-reference-fit=pad: scaled keeping its shape. */
static void
set_fit_pad (GstStructure * s)
{
  GEnumClass *klass = g_type_class_ref (GST_TYPE_APIGO_FIT);
  GValue value = G_VALUE_INIT;

  g_value_init (&value, GST_TYPE_APIGO_FIT);
  g_value_set_enum (&value, g_enum_get_value_by_nick (klass, "pad")->value);
  gst_structure_take_value (s, "input-reference-fit", &value);
  g_type_class_unref (klass);
}

static GstStructure *
extend_settings (GstApigoChannelContinuity * cont,
    GstApigoChannelClip * newest, const GstStructure * settings)
{
  g_autofree gchar *id = NULL;
  GstClockTime duration;
  GstStructure *s;

  if (newest != NULL) {
    if (gst_apigo_channel_clip_get_state (newest) !=
        GST_APIGO_CHANNEL_CLIP_READY)
      return NULL;
    id = gst_apigo_channel_clip_dup_video_id (newest);
    duration = clip_duration (newest);
  } else {
    id = g_strdup (cont->last_id);
    duration = cont->last_duration;
  }
  if (id == NULL || !GST_CLOCK_TIME_IS_VALID (duration)) {
    GST_INFO ("No source to extend: a new chain");
    return NULL;
  }
  if (duration >= MAX_CHAIN) {
    GST_INFO ("%s is %" GST_TIME_FORMAT " long: a new chain", id,
        GST_TIME_ARGS (duration));
    return NULL;
  }
  s = gst_structure_copy (settings);
  gst_structure_set (s, "extend", G_TYPE_STRING, id, NULL);
  cont->cut = duration;
  GST_DEBUG ("Extending %s, leaving out its %" GST_TIME_FORMAT, id,
      GST_TIME_ARGS (duration));
  return s;
}

static GstStructure *
last_frame_settings (GstApigoChannelContinuity * cont,
    GstApigoChannelClip * newest, const GstStructure * settings)
{
  GstStructure *s;

  if (newest != NULL || !cont->have_frame)
    return NULL;
  s = gst_structure_copy (settings);
  gst_structure_set (s, "input-reference", G_TYPE_STRING, cont->png, NULL);
  /* Our frame has the channel's size: fitted to the clip's, unless the
   * application said how. */
  if (!gst_structure_has_field (s, "input-reference-fit"))
    set_fit_pad (s);
  return s;
}

GstStructure *
gst_apigo_channel_continuity_settings (GstApigoChannelContinuity * cont,
    GstApigoChannelClip * newest, const GstStructure * settings,
    guint index)
{
  GstStructure *extension;

  cont->cut = 0;
  cont->length = seconds_asked (settings);
  /* A source's first prompt starts a chain: a looped list replays the
   * same clips. */
  if (index == 0)
    return NULL;
  switch (cont->mode) {
    case GST_APIGO_CHANNEL_CONTINUITY_EXTEND:
      /* Its source's, then its own seconds. */
      extension = extend_settings (cont, newest, settings);
      if (extension != NULL)
        cont->length += cont->cut;
      return extension;
    case GST_APIGO_CHANNEL_CONTINUITY_LAST_FRAME:
      return last_frame_settings (cont, newest, settings);
    default:
      return NULL;
  }
}

void
gst_apigo_channel_continuity_prepare (GstApigoChannelContinuity * cont,
    GstApigoChannelClip * clip)
{
  guint64 frames;

  gst_apigo_channel_clip_set_length (clip, cont->length);
  if (cont->cut == 0)
    return;
  /* The source's length in frames of the channel (its output frames
   * have a pts of n frames from 0); half a frame of slack, so that a
   * frame whose pts is a rounding off it is kept. */
  frames = gst_util_uint64_scale_round (cont->cut, cont->fps_n,
      GST_SECOND * cont->fps_d);
  GST_DEBUG ("Clip %u: leaving out %" G_GUINT64_FORMAT " frames",
      gst_apigo_channel_clip_get_index (clip), frames);
  /* Left out as it is decoded: it prerolls on the first new frame, so
   * that the clip is ready to air its new part at once. */
  gst_apigo_channel_clip_start_at (clip, gst_util_uint64_scale (frames,
          GST_SECOND * cont->fps_d, cont->fps_n),
      gst_util_uint64_scale (GST_SECOND / 2, cont->fps_d, cont->fps_n));
  cont->cut = 0;
}

/* @frame as a PNG of the channel's size in our file. */
static gboolean
write_png (GstApigoChannelContinuity * cont, GstBuffer * frame,
    GError ** error)
{
  const GstStructure *s = gst_caps_get_structure (cont->caps, 0);
  g_autoptr (GstSample) sample = gst_sample_new (frame, cont->caps, NULL,
      NULL);
  g_autoptr (GstSample) png = NULL;
  g_autoptr (GstCaps) caps = gst_caps_new_empty_simple ("image/png");
  GstMapInfo map;
  gboolean ok;

  gst_caps_set_value (caps, "width", gst_structure_get_value (s, "width"));
  gst_caps_set_value (caps, "height", gst_structure_get_value (s, "height"));
  if (cont->dir == NULL) {
    cont->dir = g_dir_make_tmp ("apigochannel-XXXXXX", error);
    if (cont->dir == NULL)
      return FALSE;
    cont->png = g_build_filename (cont->dir, "last-frame.png", NULL);
  }
  png = gst_video_convert_sample (sample, caps, PNG_TIMEOUT, error);
  if (png == NULL)
    return FALSE;
  gst_buffer_map (gst_sample_get_buffer (png), &map, GST_MAP_READ);
  /* Replaced whole: the clip that read the last one read it at its
   * start. */
  ok = g_file_set_contents (cont->png, (const gchar *) map.data, map.size,
      error);
  gst_buffer_unmap (gst_sample_get_buffer (png), &map);
  return ok;
}

void
gst_apigo_channel_continuity_left (GstApigoChannelContinuity * cont,
    GstApigoChannelClip * clip, GstBuffer * last)
{
  g_autoptr (GError) error = NULL;

  if (cont->mode == GST_APIGO_CHANNEL_CONTINUITY_NONE)
    return;
  gst_apigo_channel_continuity_broken (cont);
  if (gst_apigo_channel_clip_get_state (clip) ==
      GST_APIGO_CHANNEL_CLIP_FAILED)
    return;
  if (cont->mode == GST_APIGO_CHANNEL_CONTINUITY_EXTEND) {
    cont->last_id = gst_apigo_channel_clip_dup_video_id (clip);
    cont->last_duration = clip_duration (clip);
    return;
  }
  if (last == NULL)
    return;
  cont->have_frame = write_png (cont, last, &error);
  if (!cont->have_frame)
    GST_WARNING ("Could not keep the last frame of clip %u, the next clip "
        "starts a new chain: %s", gst_apigo_channel_clip_get_index (clip),
        error->message);
}

void
gst_apigo_channel_continuity_broken (GstApigoChannelContinuity * cont)
{
  g_clear_pointer (&cont->last_id, g_free);
  cont->last_duration = GST_CLOCK_TIME_NONE;
  cont->have_frame = FALSE;
}
