/* gst-apigo: fuzz target for the retry headers
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: two header values split at the first NUL byte, retry-after-ms
 * then Retry-After (an empty first one, or no NUL, means that header is
 * absent).  Each is also read as x-should-retry.
 */

#include "fuzz-common.h"

#include <string.h>

#include "apigo-retry.h"

/* A fixed "now" (2025-09-27 02:51:25 UTC) keeps every run reproducible. */
#define NOW_MS G_GINT64_CONSTANT (1758941485000)
#define DAY_MS G_GINT64_CONSTANT (86400000)

static gint
should_retry_reference (const gchar * value)
{
  if (value == NULL)
    return -1;
  if (g_ascii_strcasecmp (value, "true") == 0)
    return 1;
  if (g_ascii_strcasecmp (value, "false") == 0)
    return 0;
  return -1;
}

/* A macro, so that a failure names the line of the call. */
#define check_hint(hint) \
  fuzz_check ((hint) == -1 || ((hint) >= 0 && (hint) <= DAY_MS))

/* The backoff honours a short hint as it is, else stays within the policy
 * (its jitter takes off at most a quarter). */
static void
check_delays (gint64 hint)
{
  const ApigoRetryPolicy policy = APIGO_RETRY_POLICY_INIT;
  guint attempt;

  for (attempt = 0; attempt < 6; attempt++) {
    gint64 base = MIN (policy.initial_delay_ms << attempt,
        policy.max_delay_ms);
    gint64 slow = apigo_retry_delay_ms (&policy, attempt, hint, 0.0);
    gint64 fast = apigo_retry_delay_ms (&policy, attempt, hint, 0.999);

    if (hint >= 0 && hint < policy.max_hint_ms) {
      fuzz_check (slow == hint && fast == hint);
    } else {
      fuzz_check (slow == base);
      fuzz_check (fast <= slow && fast >= base * 3 / 4);
    }
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  const gchar *nul = memchr (data, '\0', size);
  gchar *first, *second = NULL;
  const gchar *ms;
  gint64 hint, hint_ms, hint_after, hint_later;

  if (nul != NULL) {
    first = g_strndup ((const gchar *) data, nul - (const gchar *) data);
    second = g_strndup (nul + 1, size - (nul + 1 - (const gchar *) data));
  } else {
    first = g_strndup ((const gchar *) data, size);
  }
  ms = first[0] != '\0' ? first : NULL;

  hint = apigo_retry_parse_hint (ms, second, NOW_MS);
  check_hint (hint);
  check_delays (hint);

  /* retry-after-ms, when usable, wins over Retry-After. */
  hint_ms = apigo_retry_parse_hint (ms, NULL, NOW_MS);
  check_hint (hint_ms);
  if (hint_ms >= 0)
    fuzz_check (hint == hint_ms);

  /* An HTTP date is a moment: asked a second later, the wait is no longer
   * and no more than a second shorter.  Seconds are the same either way. */
  hint_after = apigo_retry_parse_hint (NULL, second, NOW_MS);
  hint_later = apigo_retry_parse_hint (NULL, second, NOW_MS + 1000);
  check_hint (hint_after);
  check_hint (hint_later);
  fuzz_check ((hint_after == -1) == (hint_later == -1));
  fuzz_check (hint_later <= hint_after);
  fuzz_check (hint_later >= hint_after - 1000);
  if (hint_ms < 0)
    fuzz_check (hint == hint_after);

  fuzz_check (apigo_retry_parse_should_retry (ms) ==
      should_retry_reference (ms));
  fuzz_check (apigo_retry_parse_should_retry (second) ==
      should_retry_reference (second));

  g_free (first);
  g_free (second);

  return 0;
}
