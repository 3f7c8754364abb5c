/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_CHANNEL_GUARD_H__
#define __GST_APIGO_CHANNEL_GUARD_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* What apigochannel may start, given what the service and the budget said:
 * after a 429 no clip starts until the wait the service asked for has
 * passed (channel-wide, not per clip); after a budget refusal no clip that
 * would be paid for starts for a long while, while the clips the channel
 * aired (kept in the cache: replays cost nothing) still do.  Thread-safe:
 * clips report from their own threads, the worker asks. */
typedef struct _GstApigoChannelGuard GstApigoChannelGuard;

typedef enum
{
  GST_APIGO_CHANNEL_GUARD_START,        /* start a clip of it */
  GST_APIGO_CHANNEL_GUARD_SKIP, /* not now: go on with the next prompt */
  GST_APIGO_CHANNEL_GUARD_WAIT, /* not now: start nothing yet */
} GstApigoChannelGuardVerdict;

GstApigoChannelGuard *gst_apigo_channel_guard_new (void);
void gst_apigo_channel_guard_free (GstApigoChannelGuard * guard);

/* A clip's request met a 429; it is tried again in @wait_ms. */
void gst_apigo_channel_guard_rate_limited (GstApigoChannelGuard * guard,
    gint64 wait_ms);
/* A clip of @prompt aired: it is kept, replaying it costs nothing. */
void gst_apigo_channel_guard_aired (GstApigoChannelGuard * guard,
    const gchar * prompt);
/* A clip of @prompt failed with the element's error details @details
 * (may be NULL): a budget refusal, a 429 it gave up on, or the service
 * down or refusing our key (5xx, network errors, 401/403: waits doubling
 * from 5 s to 60 s) holds the next clips back; a prompt the service
 * refused (400, a failed task) is passed over for 10 minutes. */
void gst_apigo_channel_guard_failed (GstApigoChannelGuard * guard,
    const gchar * prompt, const GstStructure * details);
/* A clip is ready: the service answers again (the next outage's first
 * wait is the shortest). */
void gst_apigo_channel_guard_ready (GstApigoChannelGuard * guard);
/* Why the fallback airs after a clip failed so: "budget", "rate-limited",
 * "service-down", "auth", "refused" or "failed". */
const gchar *gst_apigo_channel_guard_why (const GstStructure * details);

/* Whether a clip of @prompt may start now. */
GstApigoChannelGuardVerdict gst_apigo_channel_guard_check
    (GstApigoChannelGuard * guard, const gchar * prompt);
/* A backoff that started and was not told yet: TRUE, with *@why
 * ("rate-limited", "budget", "service-down", "auth") and *@seconds (how
 * long it lasts from now), for the channel to post. */
gboolean gst_apigo_channel_guard_take_news (GstApigoChannelGuard * guard,
    const gchar ** why, gdouble * seconds);

G_END_DECLS

#endif /* __GST_APIGO_CHANNEL_GUARD_H__ */
