/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_POLL_H__
#define __APIGO_POLL_H__

#include <glib.h>

G_BEGIN_DECLS

/* When to ask about a generation again.  A fixed interval either asks
 * too often or notices the end late; the task's progress says when the end
 * is due, so the planner asks rarely while it is far and often once it is
 * near, and backs off again when the service runs late. */
typedef struct
{
  gint64 anchor_us;             /* first sample with progress > 0 */
  gint anchor_progress;
  gint last_progress;
  gint64 due_us;                /* predicted end, 0 while unknown */
  gint64 soonest_us;            /* the earliest it can be at that pace */
  gint64 overdue_wait_ms;       /* grows while past due_us */
  gint64 expected_end_us;       /* from past generations, 0: unknown */
  gint64 expected_margin_us;
} ApigoPollPlanner;

/* Closest together two polls get. */
#define APIGO_POLL_NEAR_MS 200
/* How late the planner may notice an end that comes as soon as the
 * progress allows. */
#define APIGO_POLL_LATE_MS 400
/* Longest wait while the end is predicted, if @interval_ms is shorter. */
#define APIGO_POLL_FAR_MS 5000
/* At most this many polls in the window around an expected end: a long
 * generation's wider window gets sparser polls, not more of them. */
#define APIGO_POLL_WINDOW_MAX 16

void apigo_poll_planner_init (ApigoPollPlanner * planner);

/* Generations like this one took @typical_ms from the create, which was
 * sent at @created_us (monotonic): while the progress says nothing (0, or
 * not moving yet), polls are few until shortly before that end, then
 * every APIGO_POLL_LATE_MS until shortly after it, then back off to the
 * interval. */
void apigo_poll_planner_expect (ApigoPollPlanner * planner,
    gint64 created_us, gint64 typical_ms);

/* The wait in ms before the next poll, given the @progress (0..100, -1
 * unknown) seen at @now_us (monotonic).  @interval_ms: the wait when no
 * end can be predicted, and the longest wait once past the prediction. */
gint64 apigo_poll_planner_next_ms (ApigoPollPlanner * planner, gint64 now_us,
    gint progress, guint interval_ms);

G_END_DECLS

#endif /* __APIGO_POLL_H__ */
