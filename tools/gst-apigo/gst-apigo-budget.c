/* gst-apigo: the command-line tool
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The budget: budget, budget set, budget unset, budget reset
 * (docs/spending.md).
 */

#include "gst-apigo.h"
#include "apigo-budget.h"
#include "apigo-error.h"
#include "apigo-spend.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

static gchar *
amount_text (ApigoMeasure m, gdouble v)
{
  if (m == APIGO_MEASURE_DOLLARS)
    return g_strdup_printf ("$%.2f", v);
  return g_strdup_printf ("%g", v);
}

static gdouble
total_of (const ApigoSpendTotal * t, ApigoMeasure m)
{
  switch (m) {
    case APIGO_MEASURE_GENERATIONS:
      return t->generations;
    case APIGO_MEASURE_SECONDS:
      return t->seconds;
    default:
      return t->dollars;
  }
}

static void
add_total (JsonBuilder * b, const ApigoSpendTotal * t)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "generations");
  json_builder_add_int_value (b, t->generations);
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, t->seconds);
  json_builder_set_member_name (b, "dollars");
  json_builder_add_double_value (b, t->dollars);
  json_builder_set_member_name (b, "costs_unknown");
  json_builder_add_int_value (b, t->costs_unknown);
  json_builder_end_object (b);
}

static gint
print_json (const ApigoBudget * budget, const ApigoSpendReport * r)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *text = NULL;
  GHashTableIter iter;
  const gchar *model;
  ApigoSpendTotal *t;
  guint p, m;

  json_builder_begin_object (b);
  for (p = 0; p < APIGO_N_PERIODS; p++) {
    json_builder_set_member_name (b, apigo_period_name (p));
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "spent");
    add_total (b, &r->total[p]);
    json_builder_set_member_name (b, "limits");
    json_builder_begin_object (b);
    for (m = 0; m < APIGO_N_MEASURES; m++) {
      if (budget->limit[m][p] < 0)
        continue;
      json_builder_set_member_name (b, apigo_measure_name (m));
      json_builder_add_double_value (b, budget->limit[m][p]);
    }
    json_builder_end_object (b);
    json_builder_set_member_name (b, "resets_at");
    json_builder_add_int_value (b, r->reset[p]);
    json_builder_end_object (b);
  }
  json_builder_set_member_name (b, "month_by_model");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, r->month_by_model);
  while (g_hash_table_iter_next (&iter, (gpointer *) & model,
          (gpointer *) & t)) {
    json_builder_set_member_name (b, model);
    add_total (b, t);
  }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "uri_generation");
  json_builder_add_boolean_value (b, !budget->no_uri_generation);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
  return TOOL_OK;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

static gint
print_table (const ApigoBudget * budget, const ApigoSpendReport * r)
{
  g_autofree const gchar **models = NULL;
  guint p, m, n, i;

  for (p = 0; p < APIGO_N_PERIODS; p++) {
    g_autoptr (GDateTime) reset = g_date_time_new_from_unix_utc (r->reset[p]);
    g_autofree gchar *when = g_date_time_format (reset, "%Y-%m-%d %H:%M UTC");
    const ApigoSpendTotal *t = &r->total[p];

    g_print ("This %s (UTC, resets %s):\n", apigo_period_name (p), when);
    for (m = 0; m < APIGO_N_MEASURES; m++) {
      g_autofree gchar *spent = amount_text (m, total_of (t, m));
      g_autofree gchar *limit = budget->limit[m][p] < 0 ? g_strdup ("no limit")
          : amount_text (m, budget->limit[m][p]);

      g_print ("  %-12s %10s of %s\n", apigo_measure_name (m), spent, limit);
    }
    if (t->costs_unknown > 0)
      g_print ("  (%u generation%s without a reported cost)\n",
          t->costs_unknown, t->costs_unknown == 1 ? "" : "s");
  }

  models = (const gchar **) g_hash_table_get_keys_as_array (r->month_by_model,
      &n);
  qsort (models, n, sizeof (*models), compare_names);
  if (n > 0)
    g_print ("This month by model:\n");
  for (i = 0; i < n; i++) {
    const ApigoSpendTotal *t = g_hash_table_lookup (r->month_by_model,
        models[i]);

    g_print ("  %-24s %4u generation%s %8g s  $%.2f%s\n",
        *models[i] ? models[i] : "(default)", t->generations,
        t->generations == 1 ? " " : "s", t->seconds, t->dollars,
        t->costs_unknown ? " + unreported" : "");
  }
  g_print ("Generation from apigo:// URIs: %s\n",
      budget->no_uri_generation ? "off" : "on");
  return TOOL_OK;
}

static gint
show (const ToolOptions * options, const gchar * file)
{
  g_autofree gchar *dir = apigo_spend_default_dir ();
  g_autoptr (GError) error = NULL;
  ApigoBudget budget;
  ApigoSpendReport r;
  gint status;

  if (!apigo_budget_load (&budget, file, NULL, NULL, &error)) {
    tool_error ("%s", error->message);
    return TOOL_FAILED;
  }
  if (!apigo_spend_report (dir, 0, &r, &error)) {
    tool_error ("%s", error->message);
    return TOOL_FAILED;
  }
  status = options->json ? print_json (&budget, &r) :
      print_table (&budget, &r);
  apigo_spend_report_clear (&r);
  return status;
}

/* Whether @name is a limit's name: a typo in an unset would otherwise
 * leave the limit in force and say nothing. */
static gboolean
known_name (const gchar * name, GError ** error)
{
  g_autofree gchar *item = NULL;
  ApigoBudget check;

  if (strchr (name, '=') != NULL) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "budget unset takes names only (\"%s\"): budget unset "
        "generations-per-day", name);
    return FALSE;
  }
  if (strcmp (name, "uri-generation") == 0)
    return TRUE;
  /* Parsed as the file is read: the same names, the same message. */
  item = g_strconcat (name, "=0", NULL);
  apigo_budget_init (&check);
  return apigo_budget_parse (&check, item, "the command line", error);
}

/* Writes NAME=VALUE (VALUE NULL: removes NAME) into the budget file, after
 * checking it as the element will read it. */
static gint
change (const gchar * file, gchar ** items, gboolean set)
{
  g_autoptr (GKeyFile) keys = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree gchar *dir = g_path_get_dirname (file);
  ApigoBudget check;
  guint i;

  if (items == NULL || items[0] == NULL) {
    tool_error ("budget %s: say which limits (see --help)", set ? "set" :
        "unset");
    return TOOL_USAGE;
  }
  if (!apigo_budget_read_key_file (keys, file, G_KEY_FILE_KEEP_COMMENTS,
          &error) && !g_error_matches (error, G_FILE_ERROR,
          G_FILE_ERROR_NOENT)) {
    tool_error ("Cannot read %s: %s", file, error->message);
    return TOOL_FAILED;
  }
  g_clear_error (&error);

  for (i = 0; items[i] != NULL; i++) {
    const gchar *eq = strchr (items[i], '=');
    g_autofree gchar *name = NULL;

    if (set) {
      apigo_budget_init (&check);
      if (!apigo_budget_parse (&check, items[i], "the command line", &error)) {
        tool_error ("%s", error->message);
        return TOOL_USAGE;
      }
      name = g_strndup (items[i], eq - items[i]);
      g_key_file_set_value (keys, "budget", name, eq + 1);
    } else {
      if (!known_name (items[i], &error)) {
        tool_error ("%s", error->message);
        return TOOL_USAGE;
      }
      g_key_file_remove_key (keys, "budget", items[i], NULL);
    }
  }

  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_key_file_save_to_file (keys, file, &error)) {
    tool_error ("Cannot write %s: %s", file, error ? error->message :
        g_strerror (errno));
    return TOOL_FAILED;
  }
  g_print ("%s\n", file);
  return TOOL_OK;
}

gint
tool_budget (const ToolOptions * options)
{
  g_autofree gchar *file = apigo_budget_default_file ();
  const gchar *what = options->args[0];

  if (what == NULL)
    return show (options, file);
  if (strcmp (what, "set") == 0)
    return change (file, options->args + 1, TRUE);
  if (strcmp (what, "unset") == 0)
    return change (file, options->args + 1, FALSE);
  if (strcmp (what, "reset") == 0) {
    g_autofree gchar *dir = apigo_spend_default_dir ();
    g_autoptr (GError) error = NULL;

    if (!apigo_spend_reset (dir, 0, &error)) {
      tool_error ("%s", error->message);
      return TOOL_FAILED;
    }
    g_print ("Spend so far forgotten; limits unchanged.\n");
    return TOOL_OK;
  }
  tool_error ("budget: no \"%s\"; budget, budget set NAME=VALUE..., "
      "budget unset NAME..., budget reset", what);
  return TOOL_USAGE;
}
