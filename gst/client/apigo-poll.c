/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-poll.h"

void
apigo_poll_planner_init (ApigoPollPlanner * planner)
{
  planner->anchor_us = 0;
  planner->anchor_progress = -1;
  planner->last_progress = -1;
  planner->due_us = 0;
  planner->soonest_us = 0;
  planner->overdue_wait_ms = 0;
  planner->expected_end_us = 0;
  planner->expected_margin_us = 0;
}

void
apigo_poll_planner_expect (ApigoPollPlanner * planner, gint64 created_us,
    gint64 typical_ms)
{
  /* Longer than a day is no generation's time but a damaged file's, and
   * in microseconds might not even fit. */
  if (typical_ms <= 0 || typical_ms > 24 * 3600 * 1000)
    return;
  planner->expected_end_us = created_us + typical_ms * 1000;
  /* Generation times vary: a twentieth either side, a second at least.
   * Each second of that costs 2.5 polls. */
  planner->expected_margin_us = MAX (typical_ms * 50, G_USEC_PER_SEC);
}

/* Backing off while late: often at first, then less and less, up to the
 * interval. */
static gint64
overdue_wait (ApigoPollPlanner * planner, guint interval_ms)
{
  if (planner->overdue_wait_ms == 0)
    planner->overdue_wait_ms = APIGO_POLL_NEAR_MS;
  else
    planner->overdue_wait_ms = MIN (planner->overdue_wait_ms * 3 / 2,
        MAX ((gint64) interval_ms, APIGO_POLL_NEAR_MS));
  return planner->overdue_wait_ms;
}

/* No end predicted from the progress: around the one expected from past
 * generations, if any, else every @interval_ms. */
static gint64
unpredicted_wait (ApigoPollPlanner * planner, gint64 now_us,
    guint interval_ms)
{
  gint64 start_us = planner->expected_end_us - planner->expected_margin_us;
  gint64 stop_us = planner->expected_end_us + planner->expected_margin_us;

  if (planner->expected_end_us == 0)
    return interval_ms;
  /* Far: straight to the start of the window, in steps of at most twice
   * the far bound (a service much faster this time is noticed that late). */
  if (now_us < start_us - APIGO_POLL_NEAR_MS * 1000)
    return MIN ((start_us - now_us) / 1000,
        MAX ((gint64) interval_ms, 2 * APIGO_POLL_FAR_MS));
  if (now_us < stop_us)
    return MAX (APIGO_POLL_LATE_MS, 2 * planner->expected_margin_us / 1000 /
        APIGO_POLL_WINDOW_MAX);
  return overdue_wait (planner, interval_ms);
}

gint64
apigo_poll_planner_next_ms (ApigoPollPlanner * planner, gint64 now_us,
    gint progress, guint interval_ms)
{
  gboolean moved;

  /* No progress to go by (queued, or a service that never says). */
  if (progress <= 0 || progress > 100)
    return unpredicted_wait (planner, now_us, interval_ms);

  /* Progress is measured from its first move, not from the create: time
   * spent queued says nothing of the render's speed. */
  if (planner->anchor_progress < 0 || progress < planner->anchor_progress) {
    planner->anchor_us = now_us;
    planner->anchor_progress = planner->last_progress = progress;
    planner->due_us = planner->soonest_us = 0;
    planner->overdue_wait_ms = 0;
    return unpredicted_wait (planner, now_us, interval_ms);
  }
  if (progress == planner->anchor_progress || now_us <= planner->anchor_us)
    return unpredicted_wait (planner, now_us, interval_ms);

  moved = progress != planner->last_progress;
  planner->last_progress = progress;

  /* A new prediction whenever progress moves, linear from the anchor.
   * Services round progress down: the truth is up to a percent further, at
   * both ends of the measure. */
  if (moved || planner->due_us == 0) {
    gdouble span = now_us - planner->anchor_us;
    gdouble done = progress - planner->anchor_progress;

    planner->due_us = now_us + (gint64) (span * (99.5 - progress) / done);
    /* The soonest the end can be at that pace: the most progress made,
     * the least left. */
    planner->soonest_us = now_us + (gint64) (span * (99 - progress) /
        (done + 1));
  }

  if ((planner->due_us - now_us) / 1000 > APIGO_POLL_NEAR_MS) {
    /* Aim just past the soonest end: if the service is done by then, it is
     * noticed at most LATE_MS after; if not, the new sample, taken over a
     * longer span, predicts the end better.  Never more than 3/4 of the
     * time left, for a service whose pace changes. */
    gint64 wait_ms = MIN ((planner->soonest_us - now_us) / 1000 +
        APIGO_POLL_LATE_MS, (planner->due_us - now_us) * 3 / 4000);

    planner->overdue_wait_ms = 0;
    return CLAMP (wait_ms, APIGO_POLL_NEAR_MS,
        MAX ((gint64) interval_ms, APIGO_POLL_FAR_MS));
  }

  /* Due, or late without moving (the last percent often takes longest). */
  return overdue_wait (planner, interval_ms);
}
