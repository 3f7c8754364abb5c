/* gst-apigo: the retry policy
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>

#include "apigo-retry.h"

/* Tue, 01 Dec 2026 10:00:00 GMT, in ms. */
#define NOW_MS (G_GINT64_CONSTANT (1796119200) * 1000)

GST_START_TEST (test_transient_statuses)
{
  guint yes[] = { 408, 409, 429, 500, 502, 503, 504, 599 };
  guint no[] = { 200, 301, 400, 401, 403, 404, 410, 422, 600 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (yes); i++)
    fail_unless (apigo_retry_status_is_transient (yes[i]), "%u", yes[i]);
  for (i = 0; i < G_N_ELEMENTS (no); i++)
    fail_if (apigo_retry_status_is_transient (no[i]), "%u", no[i]);
}

GST_END_TEST;

GST_START_TEST (test_should_retry_header)
{
  fail_unless_equals_int (apigo_retry_parse_should_retry ("true"), 1);
  fail_unless_equals_int (apigo_retry_parse_should_retry ("TRUE"), 1);
  fail_unless_equals_int (apigo_retry_parse_should_retry ("false"), 0);
  fail_unless_equals_int (apigo_retry_parse_should_retry ("1"), -1);
  fail_unless_equals_int (apigo_retry_parse_should_retry (""), -1);
  fail_unless_equals_int (apigo_retry_parse_should_retry (NULL), -1);
}

GST_END_TEST;

GST_START_TEST (test_hints)
{
  /* retry-after-ms wins, as in the SDKs. */
  fail_unless_equals_int64 (apigo_retry_parse_hint ("250", "9", NOW_MS), 250);
  fail_unless_equals_int64 (apigo_retry_parse_hint ("1.5", NULL, NOW_MS), 1);
  fail_unless_equals_int64 (apigo_retry_parse_hint (NULL, "2", NOW_MS), 2000);
  fail_unless_equals_int64 (apigo_retry_parse_hint (NULL, " 0.5 ", NOW_MS),
      500);
  fail_unless_equals_int64 (apigo_retry_parse_hint ("soon", "3", NOW_MS),
      3000);
  /* An HTTP date, relative to now; one in the past means now. */
  fail_unless_equals_int64 (apigo_retry_parse_hint (NULL,
          "Tue, 01 Dec 2026 10:00:07 GMT", NOW_MS), 7000);
  fail_unless_equals_int64 (apigo_retry_parse_hint (NULL,
          "Tue, 01 Dec 2026 09:00:00 GMT", NOW_MS), 0);
  /* Nothing usable. */
  fail_unless_equals_int64 (apigo_retry_parse_hint (NULL, NULL, NOW_MS), -1);
  fail_unless_equals_int64 (apigo_retry_parse_hint ("-5", "-1", NOW_MS), -1);
  fail_unless_equals_int64 (apigo_retry_parse_hint ("nan", "inf", NOW_MS),
      -1);
  fail_unless_equals_int64 (apigo_retry_parse_hint ("", "tomorrow", NOW_MS),
      -1);
  fail_unless_equals_int64 (apigo_retry_parse_hint ("5 s", "5 s", NOW_MS),
      -1);
  /* Found by fuzzing: a sign behind a vertical tab. */
  fail_unless_equals_int64 (apigo_retry_parse_hint ("\v-5", "\v-970",
          NOW_MS), -1);
  /* Absurd waits are capped, never overflowed. */
  fail_unless (apigo_retry_parse_hint ("1e300", NULL, NOW_MS) > 0);
  fail_unless (apigo_retry_parse_hint (NULL, "99999999999999", NOW_MS) > 0);
}

GST_END_TEST;

GST_START_TEST (test_delays)
{
  ApigoRetryPolicy policy = APIGO_RETRY_POLICY_INIT;

  /* A hint under a minute is what we wait. */
  fail_unless_equals_int64 (apigo_retry_delay_ms (&policy, 0, 1200, 0.9),
      1200);
  fail_unless_equals_int64 (apigo_retry_delay_ms (&policy, 5, 0, 0.9), 0);
  /* Longer, or none: 0.5 s doubling up to 8 s, less up to a quarter. */
  fail_unless_equals_int64 (apigo_retry_delay_ms (&policy, 0, 60000, 0.0),
      500);
  fail_unless_equals_int64 (apigo_retry_delay_ms (&policy, 0, -1, 0.0), 500);
  fail_unless_equals_int64 (apigo_retry_delay_ms (&policy, 1, -1, 0.0),
      1000);
  fail_unless_equals_int64 (apigo_retry_delay_ms (&policy, 4, -1, 0.0),
      8000);
  fail_unless_equals_int64 (apigo_retry_delay_ms (&policy, 40, -1, 0.0),
      8000);
  fail_unless_equals_int64 (apigo_retry_delay_ms (&policy, 0, -1, 1.0), 375);
  fail_unless_equals_int64 (apigo_retry_delay_ms (&policy, 4, -1, 0.5),
      7000);
}

GST_END_TEST;

GST_START_TEST (test_sleep_is_cancellable)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();

  fail_unless (apigo_retry_sleep (cancellable, 1));
  g_cancellable_cancel (cancellable);
  /* Cancelled: returns at once, whatever the wait. */
  fail_if (apigo_retry_sleep (cancellable, 3600 * 1000));
  fail_unless (apigo_retry_sleep (NULL, 0));
}

GST_END_TEST;

static Suite *
retry_suite (void)
{
  Suite *s = suite_create ("apigo-retry");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_transient_statuses);
  tcase_add_test (tc, test_should_retry_header);
  tcase_add_test (tc, test_hints);
  tcase_add_test (tc, test_delays);
  tcase_add_test (tc, test_sleep_is_cancellable);
  return s;
}

GST_CHECK_MAIN (retry);
