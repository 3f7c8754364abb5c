/* gst-apigo: when to ask about a generation again
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>

#include "apigo-poll.h"

#define S(x) ((gint64) ((x) * G_USEC_PER_SEC))

/* A service that queues for @queued_s, then reports progress rounded down,
 * linear up to 99, and flips to completed at @generation_s + @stall_s (it
 * sits at 99 for @stall_s).  Polls it with the planner from the create (at
 * 0, answered with progress 0) until completed; returns the polls made
 * and, in @late_us, how long after completion the last one came. */
static guint
simulate (gdouble generation_s, gdouble queued_s, gdouble stall_s,
    guint interval_ms, gint64 * late_us)
{
  ApigoPollPlanner planner;
  gint64 now = 0, end = S (generation_s + stall_s);
  guint polls = 0;

  apigo_poll_planner_init (&planner);
  for (;;) {
    gint progress = 0;

    if (now >= end) {
      *late_us = now - end;
      return polls;
    }
    if (now >= S (queued_s))
      progress = CLAMP ((gint) ((gdouble) (now - S (queued_s)) /
              (S (generation_s) - S (queued_s)) * 100), 1, 99);
    now += apigo_poll_planner_next_ms (&planner, now, progress,
        interval_ms) * 1000;
    polls++;
  }
}

/* Over a 60 s generation, a fixed 1 s loop polls 60 times and notices the
 * end 0.5 s late on average: the planner must beat both. */
GST_START_TEST (test_sixty_seconds)
{
  gdouble queued[] = { 0, 1, 3, 7 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (queued); i++) {
    gint64 late;
    guint polls = simulate (60, queued[i], 0, 2000, &late);

    GST_INFO ("queued %.0f s: %u polls, %" G_GINT64_FORMAT " ms late",
        queued[i], polls, late / 1000);
    fail_unless (polls <= 30, "%u polls (queued %.0f s)", polls, queued[i]);
    fail_unless (late <= S (0.5), "%" G_GINT64_FORMAT " ms late", late / 1000);
  }
}

GST_END_TEST;

/* Short and long generations: the end noticed within half a second, with
 * never more polls than a 1 s loop, half as many from 30 s on. */
GST_START_TEST (test_other_lengths)
{
  gdouble lengths[] = { 10, 30, 120, 300 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (lengths); i++) {
    gint64 late;
    guint polls = simulate (lengths[i], 1, 0, 2000, &late);

    fail_unless (polls <= (lengths[i] < 30 ? lengths[i] : lengths[i] / 2),
        "%.0f s: %u polls", lengths[i], polls);
    fail_unless (late <= S (0.5), "%.0f s: %" G_GINT64_FORMAT " ms late",
        lengths[i], late / 1000);
  }
}

GST_END_TEST;

/* The emulator's shape: queued (progress 0) for the first tenth, then
 * the share of the generation time elapsed since the create, rounded down.
 * Polled from the create, as the element does; returns the polls made. */
static guint
simulate_emulator (gdouble generation_s, guint interval_ms, gint64 * late_us)
{
  ApigoPollPlanner planner;
  gint64 now = 0, end = S (generation_s);
  guint polls = 0;

  apigo_poll_planner_init (&planner);
  for (;;) {
    gint progress = 0;

    if (now >= end) {
      *late_us = now - end;
      return polls;
    }
    if (now >= end / 10)
      progress = CLAMP ((gint) ((gdouble) now / end * 100), 1, 99);
    now += apigo_poll_planner_next_ms (&planner, now, progress,
        interval_ms) * 1000;
    polls++;
  }
}

/* 20 s and 60 s generations with the element's default interval (2 s):
 * at most half the polls of a 1 s loop, the end noticed within 0.5 s. */
GST_START_TEST (test_emulator_generations)
{
  gdouble lengths[] = { 20, 60, 21.7, 59.3 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (lengths); i++) {
    gint64 late;
    guint polls = simulate_emulator (lengths[i], 2000, &late);

    GST_INFO ("%.1f s: %u polls, %" G_GINT64_FORMAT " ms late",
        lengths[i], polls, late / 1000);
    fail_unless (polls <= lengths[i] / 2, "%.1f s: %u polls", lengths[i],
        polls);
    fail_unless (late <= S (0.5), "%.1f s: %" G_GINT64_FORMAT " ms late",
        lengths[i], late / 1000);
  }
}

GST_END_TEST;

/* A service whose progress stays 0 until it completes at @generation_s,
 * with generations like it having taken @typical_s before (0: none
 * seen).  Polled from the create at 0; returns the polls made. */
static guint
simulate_stuck (gdouble generation_s, gdouble typical_s, guint interval_ms,
    gint64 * late_us)
{
  ApigoPollPlanner planner;
  gint64 now = 0, end = S (generation_s);
  guint polls = 0;

  apigo_poll_planner_init (&planner);
  apigo_poll_planner_expect (&planner, 0, typical_s * 1000);
  for (;;) {
    if (now >= end) {
      *late_us = now - end;
      return polls;
    }
    now += apigo_poll_planner_next_ms (&planner, now, 0, interval_ms) * 1000;
    polls++;
  }
}

/* Progress that says nothing: with the time past generations took, at most
 * half the polls of a 1 s loop, the end noticed within 0.5 s, when the
 * generation takes what they took, or up to a twentieth more or less. */
GST_START_TEST (test_progress_stuck)
{
  gdouble lengths[] = { 20, 60 };
  gdouble shares[] = { 1.0, 0.951, 1.049, 0.97, 1.013 };
  guint i, j;

  for (i = 0; i < G_N_ELEMENTS (lengths); i++) {
    for (j = 0; j < G_N_ELEMENTS (shares); j++) {
      gdouble took = lengths[i] * shares[j];
      gint64 late;
      guint polls = simulate_stuck (took, lengths[i], 2000, &late);

      GST_INFO ("%.1f s, %.1f s expected: %u polls, %" G_GINT64_FORMAT
          " ms late", took, lengths[i], polls, late / 1000);
      fail_unless (polls <= took / 2, "%.1f s: %u polls", took, polls);
      fail_unless (late <= S (0.5), "%.1f s: %" G_GINT64_FORMAT " ms late",
          took, late / 1000);
    }
  }
}

GST_END_TEST;

/* A long generation's window is wider, its polls sparser: never more than
 * APIGO_POLL_WINDOW_MAX in it, however long (a 40 minute kind would
 * otherwise get 600 polls in 4 minutes). */
GST_START_TEST (test_long_window_bounded)
{
  gdouble lengths[] = { 600, 2400 };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (lengths); i++) {
    gint64 late;
    /* Ending at the window's end: every poll of the window is made. */
    guint polls = simulate_stuck (lengths[i] * 1.049, lengths[i], 60000,
        &late);

    GST_INFO ("%.0f s: %u polls, %" G_GINT64_FORMAT " ms late", lengths[i],
        polls, late / 1000);
    /* The way to the window, then the window. */
    fail_unless (polls <= lengths[i] / 10 + APIGO_POLL_WINDOW_MAX + 2,
        "%.0f s: %u polls", lengths[i], polls);
  }
}

GST_END_TEST;

/* Without past times, the interval; far off them, backing off to it. */
GST_START_TEST (test_progress_stuck_unexpected)
{
  gint64 late;
  guint polls;

  /* Nothing to go by: every 2 s, up to 2 s late. */
  fail_unless_equals_int (simulate_stuck (20, 0, 2000, &late), 10);
  fail_unless_equals_int64 (late, 0);
  fail_unless_equals_int (simulate_stuck (21, 0, 2000, &late), 11);
  fail_unless_equals_int64 (late, S (1));
  /* Twice as long as before: 2 polls to the window (19 s), 5 in it (to
   * 21 s), 6 backing off (to 25 s), then every 2 s (8): no more than a
   * few over the interval's 20, never later than it. */
  polls = simulate_stuck (40, 20, 2000, &late);
  GST_INFO ("40 s, 20 s expected: %u polls, %" G_GINT64_FORMAT " ms late",
      polls, late / 1000);
  fail_unless (polls <= 22, "%u polls", polls);
  fail_unless (late <= S (2));
}

GST_END_TEST;

/* A service that sits at 99 % for 20 s past the prediction: the planner
 * backs off to the interval instead of asking every 200 ms. */
GST_START_TEST (test_late_end)
{
  gint64 late;
  guint polls = simulate (60, 1, 20, 2000, &late);

  fail_unless (polls <= 19 + 20, "%u polls", polls);
  fail_unless (late <= S (2.0), "%" G_GINT64_FORMAT " ms late", late / 1000);
}

GST_END_TEST;

/* Times no generation takes (a damaged generation-times.json: 31 years,
 * or enough to overflow the microseconds) say nothing: the interval, as
 * without them, and no arithmetic overflows. */
GST_START_TEST (test_absurd_typical_time)
{
  const gint64 absurd[] = { G_MAXINT64, G_MAXINT64 / 1000 + 1,
    G_GINT64_CONSTANT (1000000000000), 7524329818486790896
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (absurd); i++) {
    ApigoPollPlanner planner;
    gint64 now = S (1000), end = S (1000 + 21);
    guint polls = 0;

    apigo_poll_planner_init (&planner);
    apigo_poll_planner_expect (&planner, now, absurd[i]);
    while (now < end) {
      now += apigo_poll_planner_next_ms (&planner, now, 0, 2000) * 1000;
      polls++;
    }
    fail_unless_equals_int (polls, 11);
    fail_unless_equals_int64 (now - end, S (1));
  }
}

GST_END_TEST;

/* Nothing to predict from: the interval, as set. */
GST_START_TEST (test_no_progress)
{
  ApigoPollPlanner planner;

  apigo_poll_planner_init (&planner);
  fail_unless_equals_int64 (apigo_poll_planner_next_ms (&planner, S (1), 0,
          1500), 1500);
  fail_unless_equals_int64 (apigo_poll_planner_next_ms (&planner, S (2), -1,
          1500), 1500);
  /* One sample is no speed yet, nor is a second at the same progress. */
  fail_unless_equals_int64 (apigo_poll_planner_next_ms (&planner, S (3), 10,
          1500), 1500);
  fail_unless_equals_int64 (apigo_poll_planner_next_ms (&planner, S (4), 10,
          1500), 1500);
  /* 40 % in 2 s: 2.475 s left, at the soonest 2.45 s at 41 % in 2 s:
   * 3/4 of what is left. */
  fail_unless_equals_int64 (apigo_poll_planner_next_ms (&planner, S (5), 50,
          1500), 1856);
  /* 45 % in 4 s: 3.96 s left, at the soonest 3.83 s (46 % in 4 s): 3/4
   * of the time left is sooner than 0.4 s past the soonest. */
  fail_unless_equals_int64 (apigo_poll_planner_next_ms (&planner, S (7), 55,
          1500), 2966);
  /* 85 % in 40 s: 2.12 s left, at the soonest 1.86 s: 3/4 of 2.12 s. */
  fail_unless_equals_int64 (apigo_poll_planner_next_ms (&planner, S (43), 95,
          1500), 1588);
  /* 89 % in 42 s, 0.24 s left: at the soonest 0 s, 0.4 s after that
   * would be later than 3/4 of the time left, 0.18 s: the floor. */
  fail_unless_equals_int64 (apigo_poll_planner_next_ms (&planner, S (45), 99,
          1500), APIGO_POLL_NEAR_MS);
  /* Far from the end: never longer than the far bound (or the interval). */
  fail_unless_equals_int64 (apigo_poll_planner_next_ms (&planner, S (25), 51,
          1500), APIGO_POLL_FAR_MS);
  /* Progress going back (a task restarted): start over. */
  fail_unless_equals_int64 (apigo_poll_planner_next_ms (&planner, S (6), 5,
          1500), 1500);
}

GST_END_TEST;

static Suite *
poll_suite (void)
{
  Suite *s = suite_create ("apigo-poll");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_sixty_seconds);
  tcase_add_test (tc, test_other_lengths);
  tcase_add_test (tc, test_emulator_generations);
  tcase_add_test (tc, test_late_end);
  tcase_add_test (tc, test_progress_stuck);
  tcase_add_test (tc, test_progress_stuck_unexpected);
  tcase_add_test (tc, test_long_window_bounded);
  tcase_add_test (tc, test_no_progress);
  tcase_add_test (tc, test_absurd_typical_time);
  return s;
}

GST_CHECK_MAIN (poll);
