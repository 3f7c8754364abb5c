/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_CHANNEL_CLIP_H__
#define __GST_APIGO_CHANNEL_CLIP_H__

#include <gst/gst.h>

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
guint gst_apigo_channel_clip_get_index (GstApigoChannelClip * clip);
const gchar *gst_apigo_channel_clip_get_prompt (GstApigoChannelClip * clip);
/* The task it plays, once known. */
gchar *gst_apigo_channel_clip_dup_video_id (GstApigoChannelClip * clip);

/* The next frame of a playing clip, waiting at most @timeout; NULL when
 * there is none yet, and then *@ended says whether there will be none
 * (its end, or an error). */
GstSample *gst_apigo_channel_clip_pull (GstApigoChannelClip * clip,
    GstClockTime timeout, gboolean * ended);

G_END_DECLS

#endif /* __GST_APIGO_CHANNEL_CLIP_H__ */
