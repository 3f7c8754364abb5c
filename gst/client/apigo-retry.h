/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_RETRY_H__
#define __APIGO_RETRY_H__

#include <gio/gio.h>

G_BEGIN_DECLS

/* The retry policy of the official OpenAI SDKs: transient answers (408,
 * 409, 429, 5xx) and connection errors are tried again, after what the
 * service asks (retry-after-ms, Retry-After) when that is under a minute,
 * else after an exponential backoff with jitter; x-should-retry overrides
 * the status. */
typedef struct
{
  guint max_retries;            /* per request */
  gint64 initial_delay_ms;
  gint64 max_delay_ms;
  gint64 max_hint_ms;           /* longer asks fall back to the backoff */
} ApigoRetryPolicy;

#define APIGO_RETRY_DEFAULT_RETRIES 2
#define APIGO_RETRY_POLICY_INIT { APIGO_RETRY_DEFAULT_RETRIES, 500, 8000, \
    60000 }

/* Whether a status is worth another try when the service gives no
 * x-should-retry. */
gboolean apigo_retry_status_is_transient (guint status);

/* x-should-retry: 1 for "true", 0 for "false", -1 when absent or neither. */
gint apigo_retry_parse_should_retry (const gchar * value);

/* The wait the service asks for, in ms: retry-after-ms (a number of ms),
 * else Retry-After (seconds, possibly fractional, or an HTTP date, relative
 * to @now_unix_ms).  -1 when neither is there or usable. */
gint64 apigo_retry_parse_hint (const gchar * retry_after_ms,
    const gchar * retry_after, gint64 now_unix_ms);

/* The wait before retry number @attempt (0 for the first): the service's
 * @hint_ms when 0 <= hint < max_hint_ms, else min(initial * 2^attempt, max)
 * less up to 25 % (@random01 in [0, 1)). */
gint64 apigo_retry_delay_ms (const ApigoRetryPolicy * policy, guint attempt,
    gint64 hint_ms, gdouble random01);

/* Sleeps @ms unless @cancellable fires first; FALSE when cancelled. */
gboolean apigo_retry_sleep (GCancellable * cancellable, gint64 ms);

G_END_DECLS

#endif /* __APIGO_RETRY_H__ */
