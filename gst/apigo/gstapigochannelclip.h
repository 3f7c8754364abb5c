/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_CHANNEL_CLIP_H__
#define __GST_APIGO_CHANNEL_CLIP_H__

#include <gst/gst.h>

#include "gstapigochannelguard.h"

G_BEGIN_DECLS

/* One clip of apigochannel: a private pipeline
 *   apigovideosrc ! decodebin ! videoconvert ! videoscale ! videorate !
 *   capsfilter ! appsink
 * that generates, downloads and decodes it to the channel's caps.  Paused,
 * it generates ahead (the element's job starts on its first read, so its
 * preroll is generation + download + first frame); playing, it hands out
 * its frames as fast as they are pulled. */
typedef enum
{
  GST_APIGO_CHANNEL_CLIP_PENDING,       /* generating, downloading */
  GST_APIGO_CHANNEL_CLIP_READY, /* prerolled: its first frame is there */
  GST_APIGO_CHANNEL_CLIP_FAILED,        /* an ERROR on its bus */
} GstApigoChannelClipState;

typedef struct _GstApigoChannelClip GstApigoChannelClip;

/* Called, from any thread and with no lock of the clip held, when the
 * clip's state changes. */
typedef void (*GstApigoChannelClipNotify) (gpointer user_data);

/* A clip of @prompt (the @index-th of the channel's list) whose
 * apigovideosrc gets the properties in @settings (field name = property
 * name), decoded to @caps.  Not started. */
GstApigoChannelClip *gst_apigo_channel_clip_new (guint index,
    const gchar * prompt, const GstStructure * settings, GstCaps * caps,
    GstApigoChannelClipNotify notify, gpointer user_data, GError ** error);
void gst_apigo_channel_clip_free (GstApigoChannelClip * clip);

/* Whether a clip's apigovideosrc would take @settings, as its start
 * checks them (the API key, the URL, sizes...); FALSE with a message
 * naming the property.  No network. */
gboolean gst_apigo_channel_clip_check_settings (const GstStructure *
    settings, GError ** error);

/* Airs from @start on (an extension: after its source's part): its
 * frames before @start - @slack and its audio before @start are left out
 * as they are decoded, so that it prerolls on what airs.  Before it
 * starts, and before add_audio(). */
void gst_apigo_channel_clip_start_at (GstApigoChannelClip * clip,
    GstClockTime start, GstClockTime slack);
/* How long it was asked to last (an extension: with its source), or
 * GST_CLOCK_TIME_NONE when not known. */
void gst_apigo_channel_clip_set_length (GstApigoChannelClip * clip,
    GstClockTime length);
GstClockTime gst_apigo_channel_clip_get_length (GstApigoChannelClip * clip);
/* Decodes its audio too, to @caps (raw audio, fixed), if it has any;
 * before it starts. */
void gst_apigo_channel_clip_add_audio (GstApigoChannelClip * clip,
    GstCaps * caps);
/* The audio of its next @n_samples (silence where it has none), waiting
 * at most @timeout for it; NULL without add_audio(). */
GstBuffer *gst_apigo_channel_clip_take_audio (GstApigoChannelClip * clip,
    guint n_samples, GstClockTime timeout);

/* Pauses it: generation starts. */
void gst_apigo_channel_clip_start (GstApigoChannelClip * clip);
/* Plays it: frames flow into its appsink. */
void gst_apigo_channel_clip_play (GstApigoChannelClip * clip);

GstApigoChannelClipState gst_apigo_channel_clip_get_state (GstApigoChannelClip
    * clip);
/* The error text of a failed clip, else NULL. */
gchar *gst_apigo_channel_clip_dup_error (GstApigoChannelClip * clip);
/* The details of its error (the element's: "cause", "http-status-code"...),
 * else NULL. */
GstStructure *gst_apigo_channel_clip_dup_error_details (GstApigoChannelClip *
    clip);
/* Tells @guard (which outlives the clip) of the 429s its requests meet;
 * before it starts. */
void gst_apigo_channel_clip_set_guard (GstApigoChannelClip * clip,
    GstApigoChannelGuard * guard);
guint gst_apigo_channel_clip_get_index (GstApigoChannelClip * clip);
const gchar *gst_apigo_channel_clip_get_prompt (GstApigoChannelClip * clip);
/* Fields its clip-start message adds (where its prompt came from); takes
 * @origin. */
void gst_apigo_channel_clip_set_origin (GstApigoChannelClip * clip,
    GstStructure * origin);
GstStructure *gst_apigo_channel_clip_get_origin (GstApigoChannelClip * clip);
/* The task it plays, once known. */
gchar *gst_apigo_channel_clip_dup_video_id (GstApigoChannelClip * clip);

/* The next frame of a playing clip, waiting at most @timeout; NULL when
 * there is none yet, and then *@ended says whether there will be none
 * (its end, or an error). */
GstSample *gst_apigo_channel_clip_pull (GstApigoChannelClip * clip,
    GstClockTime timeout, gboolean * ended);

/* Its private pipeline (for the channel to look into, never to change
 * state). */
GstElement *gst_apigo_channel_clip_get_pipeline (GstApigoChannelClip * clip);

G_END_DECLS

#endif /* __GST_APIGO_CHANNEL_CLIP_H__ */
