/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-retry.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <libsoup/soup.h>

gboolean
apigo_retry_status_is_transient (guint status)
{
  return status == 408 || status == 409 || status == 429
      || (status >= 500 && status <= 599);
}

gint
apigo_retry_parse_should_retry (const gchar * value)
{
  if (value == NULL)
    return -1;
  if (g_ascii_strcasecmp (value, "true") == 0)
    return 1;
  if (g_ascii_strcasecmp (value, "false") == 0)
    return 0;
  return -1;
}

/* A finite, non-negative decimal number; FALSE for anything else. */
static gboolean
parse_number (const gchar * text, gdouble * out)
{
  gchar *end = NULL;
  gdouble v;

  while (g_ascii_isspace (*text))
    text++;
  if (*text == '\0' || *text == '-' || *text == '+')
    return FALSE;
  errno = 0;
  v = g_ascii_strtod (text, &end);
  if (errno != 0 || end == text || !isfinite (v) || v < 0)
    return FALSE;
  while (g_ascii_isspace (*end))
    end++;
  if (*end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

/* Waits past a day are no hint we follow; it also keeps the sums small. */
#define HINT_CAP_MS (24.0 * 3600 * 1000)

gint64
apigo_retry_parse_hint (const gchar * retry_after_ms,
    const gchar * retry_after, gint64 now_unix_ms)
{
  gdouble v;

  if (retry_after_ms != NULL && parse_number (retry_after_ms, &v))
    return (gint64) MIN (v, HINT_CAP_MS);

  if (retry_after == NULL)
    return -1;
  if (parse_number (retry_after, &v))
    return (gint64) MIN (v * 1000.0, HINT_CAP_MS);

  {
    g_autoptr (GDateTime) when = soup_date_time_new_from_http_string
        (retry_after);
    gint64 at_ms;

    if (when == NULL)
      return -1;
    at_ms = g_date_time_to_unix (when) * 1000;
    if (at_ms <= now_unix_ms)
      return 0;
    return (gint64) MIN ((gdouble) (at_ms - now_unix_ms), HINT_CAP_MS);
  }
}

gint64
apigo_retry_delay_ms (const ApigoRetryPolicy * policy, guint attempt,
    gint64 hint_ms, gdouble random01)
{
  gint64 delay = policy->initial_delay_ms;
  guint i;

  if (hint_ms >= 0 && hint_ms < policy->max_hint_ms)
    return hint_ms;

  for (i = 0; i < attempt && delay < policy->max_delay_ms; i++)
    delay *= 2;
  delay = MIN (delay, policy->max_delay_ms);
  return (gint64) (delay * (1.0 - 0.25 * CLAMP (random01, 0.0, 1.0)));
}

gboolean
apigo_retry_sleep (GCancellable * cancellable, gint64 ms)
{
  GPollFD pfd;

  if (ms > 0 && g_cancellable_make_pollfd (cancellable, &pfd)) {
    gint64 end = g_get_monotonic_time () + ms * 1000;
    gint64 left;

    /* g_poll() may wake early (signals): sleep the whole time. */
    while (!g_cancellable_is_cancelled (cancellable)
        && (left = (end - g_get_monotonic_time ()) / 1000) > 0)
      g_poll (&pfd, 1, (gint) MIN (left, G_MAXINT));
    g_cancellable_release_fd (cancellable);
  } else if (ms > 0) {
    g_usleep (ms * 1000);
  }
  return !g_cancellable_is_cancelled (cancellable);
}
