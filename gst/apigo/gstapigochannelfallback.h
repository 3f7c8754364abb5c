/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_CHANNEL_FALLBACK_H__
#define __GST_APIGO_CHANNEL_FALLBACK_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* What apigochannel airs while no clip is ready. */
typedef enum
{
  GST_APIGO_CHANNEL_FALLBACK_HOLD,      /* the last frame; black before any */
  GST_APIGO_CHANNEL_FALLBACK_SLATE,     /* an image, or colour bars */
} GstApigoChannelFallbackMode;

#define GST_TYPE_APIGO_CHANNEL_FALLBACK_MODE \
  (gst_apigo_channel_fallback_mode_get_type ())
GType gst_apigo_channel_fallback_mode_get_type (void);

typedef struct _GstApigoChannelFallback GstApigoChannelFallback;

/* Frames of @caps (raw video, fixed).  A slate is @slate_image (a path,
 * any format decodebin reads) scaled to @caps, or colour bars when it is
 * NULL or cannot be read (then *@error says why, and the fallback is made
 * all the same). */
GstApigoChannelFallback *gst_apigo_channel_fallback_new (GstCaps * caps,
    GstApigoChannelFallbackMode mode, const gchar * slate_image,
    GError ** error);
void gst_apigo_channel_fallback_free (GstApigoChannelFallback * fallback);

/* The last frame aired, for hold. */
void gst_apigo_channel_fallback_remember (GstApigoChannelFallback * fallback,
    GstBuffer * frame);
/* The last frame remembered, or NULL (not a new reference). */
GstBuffer *gst_apigo_channel_fallback_get_last (GstApigoChannelFallback *
    fallback);
/* A new buffer (its own metadata; memory shared) to air now. */
GstBuffer *gst_apigo_channel_fallback_frame (GstApigoChannelFallback *
    fallback);

G_END_DECLS

#endif /* __GST_APIGO_CHANNEL_FALLBACK_H__ */
