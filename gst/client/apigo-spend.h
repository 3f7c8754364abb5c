/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_SPEND_H__
#define __APIGO_SPEND_H__

#include <gio/gio.h>

#include "apigo-budget.h"

G_BEGIN_DECLS

/* What every front end of one user has spent, counted against the budget
 * (apigo-budget.h) before each create goes out.  The ledger is DIR/spend.log
 * under DIR/locks/spend.lock: one JSON line per fact, appended whole, so
 * that processes racing for the last generation of a budget take turns and
 * exactly as many get it as the budget allows, and a crash mid-write costs
 * at most its own line.  Days and months are UTC. */

typedef struct
{
  guint generations;
  gdouble seconds;
  gdouble dollars;              /* what the services reported */
  guint costs_unknown;          /* generations whose cost no one reported */
} ApigoSpendTotal;

typedef struct
{
  gint64 now;                   /* Unix seconds */
  gint64 start[APIGO_N_PERIODS];        /* this day's, this month's */
  gint64 reset[APIGO_N_PERIODS];        /* when the next starts */
  ApigoSpendTotal total[APIGO_N_PERIODS];
  GHashTable *month_by_model;   /* model → ApigoSpendTotal, this month */
} ApigoSpendReport;

typedef struct
{
  const gchar *ref;             /* the create's Idempotency-Key: its retries
                                 * and reconciliations count once */
  const gchar *kind;            /* "generate", "remix", "extend", "edit" */
  const gchar *model;           /* NULL: not known */
  gdouble seconds;              /* what was asked, or the service's default */
} ApigoSpendRequest;

/* $XDG_STATE_HOME/gst-apigo: the ledger outlives a cleared cache. */
gchar *apigo_spend_default_dir (void);

/* Counts @request against @budget at @now (Unix seconds; 0: now), unless
 * the ledger has @request->ref already (a retry).  When it would go beyond
 * a limit it is not counted, and an APIGO_ERROR_BUDGET error names the
 * limit, where it was set, what was spent and when it resets. */
gboolean apigo_spend_reserve (const gchar * dir, const ApigoBudget * budget,
    const ApigoSpendRequest * request, gint64 now,
    GCancellable * cancellable, GError ** error);

/* Whether apigo_spend_reserve() would count @request now, counting
 * nothing: a refusal before anything else is asked of the service. */
gboolean apigo_spend_check (const gchar * dir, const ApigoBudget * budget,
    const ApigoSpendRequest * request, gint64 now,
    GCancellable * cancellable, GError ** error);

/* What became of @ref (NULL: not known), or else of the create that made
 * @video_id: that task, its length (@seconds < 0: not known), its cost
 * (@has_cost).  Nothing when the ledger has neither. */
gboolean apigo_spend_settle (const gchar * dir, const gchar * ref,
    const gchar * video_id, gdouble seconds, gboolean has_cost,
    gdouble cost, GError ** error);

/* @ref made nothing (the service refused the create): it counts no more. */
gboolean apigo_spend_release (const gchar * dir, const gchar * ref,
    GError ** error);

/* What was spent this day and month at @now (0: now). */
gboolean apigo_spend_report (const gchar * dir, gint64 now,
    ApigoSpendReport * report, GError ** error);
void apigo_spend_report_clear (ApigoSpendReport * report);

/* Forgets what was spent before @now (0: now). */
gboolean apigo_spend_reset (const gchar * dir, gint64 now, GError ** error);

G_END_DECLS

#endif /* __APIGO_SPEND_H__ */
