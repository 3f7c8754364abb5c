/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_BUDGET_H__
#define __APIGO_BUDGET_H__

#include <glib.h>

G_BEGIN_DECLS

/* What a user allows gst-apigo to spend (docs/spending.md): limits on
 * generations, seconds of video and US dollars, per day and per month (UTC),
 * any of them.  Limits come from the user's config file, the APIGO_BUDGET
 * environment variable and an element's budget property; where several set
 * the same limit the smallest holds, so no front end can loosen what the
 * user set for all of them. */
typedef enum
{
  APIGO_MEASURE_GENERATIONS,
  APIGO_MEASURE_SECONDS,
  APIGO_MEASURE_DOLLARS,
  APIGO_N_MEASURES,
} ApigoMeasure;

typedef enum
{
  APIGO_PERIOD_DAY,
  APIGO_PERIOD_MONTH,
  APIGO_N_PERIODS,
} ApigoPeriod;

typedef struct
{
  gdouble limit[APIGO_N_MEASURES][APIGO_N_PERIODS];     /* < 0: none */
  const gchar *origin[APIGO_N_MEASURES][APIGO_N_PERIODS];       /* interned */
  gboolean no_uri_generation;   /* URIs may only replay or attach */
  const gchar *no_uri_generation_origin;
} ApigoBudget;

/* The environment variable, in the text form apigo_budget_parse() reads. */
#define APIGO_BUDGET_ENV "APIGO_BUDGET"

/* No limits, URIs may generate. */
void apigo_budget_init (ApigoBudget * budget);

/* "generations", "seconds", "dollars"; "day", "month". */
const gchar *apigo_measure_name (ApigoMeasure measure);
const gchar *apigo_period_name (ApigoPeriod period);

/* Whether any limit is set. */
gboolean apigo_budget_has_limits (const ApigoBudget * budget);

/* Adds the limits of @text, "generations-per-day=5, dollars-per-month=20"
 * (commas, semicolons or spaces between; also "uri-generation=off"), to
 * @budget.  @origin names where the text came from, in errors and in the
 * refusals the limits cause ("APIGO_BUDGET"; NULL: errors name none).  An unknown name or a value
 * that is not a number >= 0 (a whole one for generations) is an
 * APIGO_ERROR_INVALID_SETTING error naming @origin and the limit, and
 * changes nothing. */
gboolean apigo_budget_parse (ApigoBudget * budget, const gchar * text,
    const gchar * origin, GError ** error);

/* Loads the key file @path into @file, as g_key_file_load_from_file()
 * but never blocking: a FIFO, a device, a directory, a symbolic link or a
 * file of more than 64 KiB is refused (G_FILE_ERROR; G_FILE_ERROR_NOENT
 * when it does not exist). */
gboolean apigo_budget_read_key_file (GKeyFile * file, const gchar * path,
    GKeyFileFlags flags, GError ** error);

/* Adds the [budget] group of the key file @path, with the same names.  A
 * file that does not exist sets nothing. */
gboolean apigo_budget_load_file (ApigoBudget * budget, const gchar * path,
    GError ** error);

/* $XDG_CONFIG_HOME/gst-apigo/budget.conf */
gchar *apigo_budget_default_file (void);

/* The user's budget: @file (NULL: the default), then APIGO_BUDGET, then
 * @extra (an element's budget property; NULL: none), from @origin. */
gboolean apigo_budget_load (ApigoBudget * budget, const gchar * file,
    const gchar * extra, const gchar * extra_origin, GError ** error);

G_END_DECLS

#endif /* __APIGO_BUDGET_H__ */
