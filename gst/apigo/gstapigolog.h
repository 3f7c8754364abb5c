/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_LOG_H__
#define __GST_APIGO_LOG_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* Sends what the client layer logs (apigo-log.h) to the GStreamer debug
 * categories apigoclient, apigojob, apigocache and apigolock, so that
 * GST_DEBUG=apigo*:6 tells the whole story.  Called once, by plugin_init. */
void gst_apigo_log_init (void);

G_END_DECLS

#endif /* __GST_APIGO_LOG_H__ */
