/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_CHANNEL_H__
#define __GST_APIGO_CHANNEL_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* Name of the element message that tells applications what the channel
 * airs (see docs/channel.md). */
#define GST_APIGO_CHANNEL_MESSAGE "apigo-channel"

#define GST_TYPE_APIGO_CHANNEL (gst_apigo_channel_get_type ())
G_DECLARE_FINAL_TYPE (GstApigoChannel, gst_apigo_channel, GST,
    APIGO_CHANNEL, GstBin)

GST_ELEMENT_REGISTER_DECLARE (apigochannel);

G_END_DECLS

#endif /* __GST_APIGO_CHANNEL_H__ */
