/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-budget.h"
#include "apigo-error.h"
#include "apigo-file.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define URI_GENERATION "uri-generation"
/* A budget file is a few lines; a bigger one is not one. */
#define FILE_MAX (64 * 1024)

/* Far beyond any real bill, and exact in a double. */
#define LIMIT_MAX 1e12

void
apigo_budget_init (ApigoBudget * budget)
{
  guint m, p;

  memset (budget, 0, sizeof (*budget));
  for (m = 0; m < APIGO_N_MEASURES; m++)
    for (p = 0; p < APIGO_N_PERIODS; p++)
      budget->limit[m][p] = -1;
}

const gchar *
apigo_measure_name (ApigoMeasure measure)
{
  static const gchar *names[] = { "generations", "seconds", "dollars" };

  g_return_val_if_fail (measure < APIGO_N_MEASURES, NULL);
  return names[measure];
}

const gchar *
apigo_period_name (ApigoPeriod period)
{
  static const gchar *names[] = { "day", "month" };

  g_return_val_if_fail (period < APIGO_N_PERIODS, NULL);
  return names[period];
}

gboolean
apigo_budget_has_limits (const ApigoBudget * budget)
{
  guint m, p;

  for (m = 0; m < APIGO_N_MEASURES; m++)
    for (p = 0; p < APIGO_N_PERIODS; p++)
      if (budget->limit[m][p] >= 0)
        return TRUE;
  return FALSE;
}

/* "seconds-per-month" → its measure and period. */
static gboolean
limit_for_name (const gchar * name, ApigoMeasure * measure,
    ApigoPeriod * period)
{
  guint m, p;

  for (m = 0; m < APIGO_N_MEASURES; m++)
    for (p = 0; p < APIGO_N_PERIODS; p++) {
      g_autofree gchar *known = g_strdup_printf ("%s-per-%s",
          apigo_measure_name (m), apigo_period_name (p));

      if (g_ascii_strcasecmp (name, known) == 0) {
        *measure = m;
        *period = p;
        return TRUE;
      }
    }
  return FALSE;
}

static gboolean
parse_switch (const gchar * value, gboolean * on)
{
  static const gchar *yes[] = { "on", "true", "yes", "1" };
  static const gchar *no[] = { "off", "false", "no", "0" };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (yes); i++) {
    if (g_ascii_strcasecmp (value, yes[i]) == 0) {
      *on = TRUE;
      return TRUE;
    }
    if (g_ascii_strcasecmp (value, no[i]) == 0) {
      *on = FALSE;
      return TRUE;
    }
  }
  return FALSE;
}

static gboolean
parse_limit (const gchar * value, ApigoMeasure measure, gdouble * limit)
{
  gchar *end = NULL;
  gdouble v;

  if (*value == '\0' || g_ascii_isspace (*value))
    return FALSE;
  errno = 0;
  v = g_ascii_strtod (value, &end);
  if (errno != 0 || end == value || *end != '\0' || !isfinite (v) || v < 0
      || v > LIMIT_MAX)
    return FALSE;
  if (measure == APIGO_MEASURE_GENERATIONS && v != floor (v))
    return FALSE;
  *limit = v;
  return TRUE;
}

/* An APIGO_ERROR_INVALID_SETTING error, after "@origin: " when given. */
static void
parse_error (GError ** error, const gchar * origin, const gchar * format,
    ...) G_GNUC_PRINTF (3, 4);

static void
parse_error (GError ** error, const gchar * origin, const gchar * format,
    ...)
{
  g_autofree gchar *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING, "%s%s%s",
      origin ? origin : "", origin ? ": " : "", text);
}

/* One "name=value" into @staged; errors name @origin, never more of the
 * text than the name (it is the user's, but keep messages short). */
static gboolean
parse_item (ApigoBudget * staged, const gchar * name, const gchar * value,
    const gchar * origin, GError ** error)
{
  ApigoMeasure m;
  ApigoPeriod p;
  gdouble limit;

  if (g_ascii_strcasecmp (name, URI_GENERATION) == 0) {
    gboolean on;

    if (!parse_switch (value, &on)) {
      parse_error (error, origin, "%s must be on or off", URI_GENERATION);
      return FALSE;
    }
    if (!on) {
      staged->no_uri_generation = TRUE;
      staged->no_uri_generation_origin = g_intern_string (origin);
    }
    return TRUE;
  }

  if (!limit_for_name (name, &m, &p)) {
    parse_error (error, origin, "unknown budget limit \"%s\" (known: "
        "generations-per-day, generations-per-month, seconds-per-day, "
        "seconds-per-month, dollars-per-day, dollars-per-month, "
        URI_GENERATION ")", name);
    return FALSE;
  }
  if (!parse_limit (value, m, &limit)) {
    parse_error (error, origin, "%s-per-%s must be %s",
        apigo_measure_name (m), apigo_period_name (p),
        m == APIGO_MEASURE_GENERATIONS ? "a whole number >= 0" :
        "a number >= 0");
    return FALSE;
  }
  /* The smallest holds: nothing loosens a limit set elsewhere. */
  if (staged->limit[m][p] < 0 || limit < staged->limit[m][p]) {
    staged->limit[m][p] = limit;
    staged->origin[m][p] = g_intern_string (origin);
  }
  return TRUE;
}

gboolean
apigo_budget_parse (ApigoBudget * budget, const gchar * text,
    const gchar * origin, GError ** error)
{
  g_auto (GStrv) items = NULL;
  ApigoBudget staged = *budget;
  guint i;

  if (text == NULL)
    return TRUE;
  items = g_regex_split_simple ("[,;\\s]+", text, 0, 0);
  for (i = 0; items[i] != NULL; i++) {
    g_autofree gchar *name = NULL;
    const gchar *eq;

    if (items[i][0] == '\0')
      continue;
    eq = strchr (items[i], '=');
    if (eq == NULL) {
      parse_error (error, origin, "\"%s\" is not name=value", items[i]);
      return FALSE;
    }
    name = g_strndup (items[i], eq - items[i]);
    if (!parse_item (&staged, name, eq + 1, origin, error))
      return FALSE;
  }
  *budget = staged;
  return TRUE;
}

gboolean
apigo_budget_read_key_file (GKeyFile * file, const gchar * path,
    GKeyFileFlags flags, GError ** error)
{
  g_autofree gchar *contents = NULL;
  g_autofree gchar *real = NULL;
  gsize len = 0;

  /* A link is followed (dotfiles are often links) to a file read as the
   * cache reads its own: never g_key_file_load_from_file(), as a FIFO
   * there would block the element's thread (and the stop that joins it)
   * until written to. */
  real = realpath (path, NULL);
  if (real == NULL) {
    int err = errno;

    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (err), "%s: %s",
        path, g_strerror (err));
    return FALSE;
  }
  return apigo_file_read_small (real, FILE_MAX, &contents, &len, error)
      && g_key_file_load_from_data (file, contents, len, flags, error);
}

gboolean
apigo_budget_load_file (ApigoBudget * budget, const gchar * path,
    GError ** error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GError) err = NULL;
  g_auto (GStrv) keys = NULL;
  ApigoBudget staged = *budget;
  guint i;

  if (!apigo_budget_read_key_file (file, path, G_KEY_FILE_NONE, &err)) {
    if (g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      return TRUE;
    /* The reader's message starts with the path. */
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "Cannot read the budget file %s", err->message);
    return FALSE;
  }
  keys = g_key_file_get_keys (file, "budget", NULL, NULL);
  for (i = 0; keys != NULL && keys[i] != NULL; i++) {
    g_autofree gchar *value = g_key_file_get_value (file, "budget", keys[i],
        NULL);

    if (value == NULL)
      continue;
    g_strstrip (value);
    if (!parse_item (&staged, keys[i], value, path, error))
      return FALSE;
  }
  *budget = staged;
  return TRUE;
}

gchar *
apigo_budget_default_file (void)
{
  /* Read each time, as apigo_spend_default_dir() does. */
  const gchar *config = g_getenv ("XDG_CONFIG_HOME");

  if (config != NULL && g_path_is_absolute (config))
    return g_build_filename (config, "gst-apigo", "budget.conf", NULL);
  return g_build_filename (g_get_home_dir (), ".config", "gst-apigo",
      "budget.conf", NULL);
}

gboolean
apigo_budget_load (ApigoBudget * budget, const gchar * file,
    const gchar * extra, const gchar * extra_origin, GError ** error)
{
  g_autofree gchar *default_file = NULL;

  apigo_budget_init (budget);
  if (file == NULL)
    file = default_file = apigo_budget_default_file ();
  if (!apigo_budget_load_file (budget, file, error))
    return FALSE;
  if (!apigo_budget_parse (budget, g_getenv (APIGO_BUDGET_ENV),
          APIGO_BUDGET_ENV, error))
    return FALSE;
  return apigo_budget_parse (budget, extra, extra_origin, error);
}
