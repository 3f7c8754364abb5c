/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_CHANNEL_CONTINUITY_H__
#define __GST_APIGO_CHANNEL_CONTINUITY_H__

#include <gst/gst.h>

#include "gstapigochannelclip.h"

G_BEGIN_DECLS

/* How apigochannel makes each clip continue the one before it. */
typedef enum
{
  GST_APIGO_CHANNEL_CONTINUITY_NONE,    /* each clip from its prompt alone */
  GST_APIGO_CHANNEL_CONTINUITY_EXTEND,  /* an extension of the one before */
  GST_APIGO_CHANNEL_CONTINUITY_LAST_FRAME,      /* its last frame as input */
} GstApigoChannelContinuityMode;

#define GST_TYPE_APIGO_CHANNEL_CONTINUITY_MODE \
  (gst_apigo_channel_continuity_mode_get_type ())
GType gst_apigo_channel_continuity_mode_get_type (void);

/* The chain of clips, for the channel's worker alone: which clip the next
 * one continues, and what it needs to (the source's video id and length,
 * or its last frame written as a PNG in a directory of its own). */
typedef struct _GstApigoChannelContinuity GstApigoChannelContinuity;

/* Whether @mode can be had with the clips' @settings (the dialect must
 * offer extensions); FALSE with a settings error naming the property. */
gboolean gst_apigo_channel_continuity_check (GstApigoChannelContinuityMode
    mode, const GstStructure * settings, GError ** error);

/* For clips decoded to @caps (fixed raw video). */
GstApigoChannelContinuity *gst_apigo_channel_continuity_new
    (GstApigoChannelContinuityMode mode, GstCaps * caps);
/* Removes its files. */
void gst_apigo_channel_continuity_free (GstApigoChannelContinuity * cont);

/* Whether the next clip may start, @newest being the newest clip started
 * (the last queued, else the one on air; NULL if none is left): not while
 * the clip it would continue is not known yet. */
gboolean gst_apigo_channel_continuity_may_start (GstApigoChannelContinuity *
    cont, GstApigoChannelClip * newest);
/* The settings of the next clip (the @index-th prompt of its source: 0
 * starts a new chain), @settings plus what continues @newest or the last
 * clip aired; NULL when it is @settings alone. */
GstStructure *gst_apigo_channel_continuity_settings (GstApigoChannelContinuity
    * cont, GstApigoChannelClip * newest, const GstStructure * settings,
    guint index);
/* @clip, made with those settings, is about to start: an extension is
 * made to leave out the frames of its source. */
void gst_apigo_channel_continuity_prepare (GstApigoChannelContinuity * cont,
    GstApigoChannelClip * clip);
/* The clip on air leaves it (its end, skip, a timed prompt); @last is the
 * last frame it aired (or NULL). */
void gst_apigo_channel_continuity_left (GstApigoChannelContinuity * cont,
    GstApigoChannelClip * clip, GstBuffer * last);
/* A clip failed: the chain starts again from a plain prompt. */
void gst_apigo_channel_continuity_broken (GstApigoChannelContinuity * cont);

G_END_DECLS

#endif /* __GST_APIGO_CHANNEL_CONTINUITY_H__ */
