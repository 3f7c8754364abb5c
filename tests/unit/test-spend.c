/* gst-apigo: the budget and the spend ledger
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>

#include "apigo-budget.h"
#include "apigo-error.h"
#include "apigo-spend.h"
#include "test-tree.h"

/* 2026-12-01 18:30:00 UTC, a Tuesday. */
#define NOW G_GINT64_CONSTANT (1796149800)
#define HOUR 3600
#define DAY (24 * HOUR)

static gchar *dir;

static void
setup (void)
{
  dir = g_dir_make_tmp ("apigo-spend-test-XXXXXX", NULL);
  fail_unless (dir != NULL);
  g_unsetenv (APIGO_BUDGET_ENV);
}

static void
teardown (void)
{
  test_remove_tree (dir);
  g_clear_pointer (&dir, g_free);
}

static ApigoBudget
budget_of (const gchar * text)
{
  g_autoptr (GError) error = NULL;
  ApigoBudget b;

  apigo_budget_init (&b);
  fail_unless (apigo_budget_parse (&b, text, "the test", &error));
  g_assert_no_error (error);
  return b;
}

static gboolean
reserve (const ApigoBudget * b, const gchar * ref, gdouble seconds,
    gint64 now, GError ** error)
{
  ApigoSpendRequest r = { ref, "generate", "sora-2", seconds };

  return apigo_spend_reserve (dir, b, &r, now, NULL, error);
}

static void
assert_contains (const gchar * text, const gchar * part)
{
  fail_unless (strstr (text, part) != NULL, "'%s' lacks '%s'", text, part);
}

GST_START_TEST (test_budget_text)
{
  g_autoptr (GError) error = NULL;
  ApigoBudget b = budget_of ("generations-per-day=5, dollars-per-month=20.5;"
      " seconds-per-month=600  uri-generation=off");

  fail_unless_equals_float (b.limit[APIGO_MEASURE_GENERATIONS]
      [APIGO_PERIOD_DAY], 5);
  fail_unless_equals_float (b.limit[APIGO_MEASURE_DOLLARS]
      [APIGO_PERIOD_MONTH], 20.5);
  fail_unless_equals_float (b.limit[APIGO_MEASURE_SECONDS]
      [APIGO_PERIOD_MONTH], 600);
  fail_unless (b.limit[APIGO_MEASURE_SECONDS][APIGO_PERIOD_DAY] < 0);
  fail_unless (b.no_uri_generation);
  fail_unless_equals_string (b.origin[APIGO_MEASURE_GENERATIONS]
      [APIGO_PERIOD_DAY], "the test");

  /* The smallest holds, whoever set it. */
  fail_unless (apigo_budget_parse (&b, "generations-per-day=9,"
          "seconds-per-month=60", "the budget property", &error));
  fail_unless_equals_float (b.limit[APIGO_MEASURE_GENERATIONS]
      [APIGO_PERIOD_DAY], 5);
  fail_unless_equals_string (b.origin[APIGO_MEASURE_SECONDS]
      [APIGO_PERIOD_MONTH], "the budget property");

  /* Refusals name where and what, and change nothing. */
  fail_if (apigo_budget_parse (&b, "generations-per-day=1, "
          "generations-per-week=3", "APIGO_BUDGET", &error));
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING);
  assert_contains (error->message, "APIGO_BUDGET");
  assert_contains (error->message, "generations-per-week");
  fail_unless_equals_float (b.limit[APIGO_MEASURE_GENERATIONS]
      [APIGO_PERIOD_DAY], 5);
  g_clear_error (&error);

  fail_if (apigo_budget_parse (&b, "generations-per-day=2.5", "X", &error));
  assert_contains (error->message, "whole number");
  g_clear_error (&error);
  fail_if (apigo_budget_parse (&b, "dollars-per-day=-1", "X", &error));
  g_clear_error (&error);
  fail_if (apigo_budget_parse (&b, "dollars-per-day=nan", "X", &error));
  g_clear_error (&error);
  fail_if (apigo_budget_parse (&b, "dollars-per-day=", "X", &error));
  g_clear_error (&error);
  fail_if (apigo_budget_parse (&b, "dollars-per-day", "X", &error));
  g_clear_error (&error);
  fail_if (apigo_budget_parse (&b, "uri-generation=maybe", "X", &error));
  g_clear_error (&error);
  fail_unless (apigo_budget_parse (&b, "", "X", &error));
  fail_unless (apigo_budget_parse (&b, NULL, "X", &error));
}

GST_END_TEST;

GST_START_TEST (test_budget_sources)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *file = g_build_filename (dir, "budget.conf", NULL);
  g_autofree gchar *missing = g_build_filename (dir, "none.conf", NULL);
  ApigoBudget b;

  fail_unless (g_file_set_contents (file, "# mine\n[budget]\n"
          "generations-per-month = 40\ndollars-per-day = 3\n", -1, NULL));
  g_setenv (APIGO_BUDGET_ENV, "dollars-per-day=2", TRUE);
  fail_unless (apigo_budget_load (&b, file, "generations-per-month=50",
          "the budget property", &error));
  g_assert_no_error (error);
  fail_unless_equals_float (b.limit[APIGO_MEASURE_GENERATIONS]
      [APIGO_PERIOD_MONTH], 40);
  fail_unless_equals_string (b.origin[APIGO_MEASURE_GENERATIONS]
      [APIGO_PERIOD_MONTH], file);
  fail_unless_equals_float (b.limit[APIGO_MEASURE_DOLLARS]
      [APIGO_PERIOD_DAY], 2);
  fail_unless_equals_string (b.origin[APIGO_MEASURE_DOLLARS]
      [APIGO_PERIOD_DAY], APIGO_BUDGET_ENV);

  /* No file: no limits from it. */
  g_unsetenv (APIGO_BUDGET_ENV);
  fail_unless (apigo_budget_load (&b, missing, NULL, NULL, &error));
  fail_if (apigo_budget_has_limits (&b));

  /* A link to the file (dotfiles) is followed; a FIFO is refused at once,
   * never waited on. */
  {
    g_autofree gchar *link = g_build_filename (dir, "link.conf", NULL);
    g_autofree gchar *fifo = g_build_filename (dir, "fifo.conf", NULL);

    fail_unless (symlink (file, link) == 0);
    fail_unless (apigo_budget_load (&b, link, NULL, NULL, &error));
    fail_unless_equals_float (b.limit[APIGO_MEASURE_GENERATIONS]
        [APIGO_PERIOD_MONTH], 40);
    fail_unless (mkfifo (fifo, 0600) == 0);
    fail_if (apigo_budget_load (&b, fifo, NULL, NULL, &error));
    assert_contains (error->message, "not a regular file");
    g_clear_error (&error);
  }

  /* A file with a slip is an error naming the file. */
  fail_unless (g_file_set_contents (file, "[budget]\nseconds-per-dya=3\n",
          -1, NULL));
  fail_if (apigo_budget_load (&b, file, NULL, NULL, &error));
  assert_contains (error->message, file);
  assert_contains (error->message, "seconds-per-dya");
}

GST_END_TEST;

GST_START_TEST (test_generations_limit)
{
  g_autoptr (GError) error = NULL;
  ApigoBudget b = budget_of ("generations-per-day=2");
  ApigoSpendReport r;

  fail_unless (reserve (&b, "a", 4, NOW, &error));
  fail_unless (reserve (&b, "b", 4, NOW + 1, &error));
  /* A retry of the same create is not counted again. */
  fail_unless (reserve (&b, "b", 4, NOW + 2, &error));
  fail_if (reserve (&b, "c", 4, NOW + 3, &error));
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_BUDGET);
  assert_contains (error->message, "2 generations per day");
  assert_contains (error->message, "generations-per-day, set in the test");
  assert_contains (error->message, "2 generations were spent this day");
  assert_contains (error->message, "2026-12-02 00:00 UTC");
  assert_contains (error->message, "Nothing was sent");
  g_clear_error (&error);

  /* A create the service refused made nothing: it counts no more. */
  fail_unless (apigo_spend_release (dir, "a", &error));
  fail_unless (reserve (&b, "c", 4, NOW + 4, &error));
  fail_if (reserve (&b, "d", 4, NOW + 5, &error));
  g_clear_error (&error);

  /* The next day starts afresh; the month remembers. */
  fail_unless (reserve (&b, "d", 4, NOW + 6 * HOUR, &error));
  g_assert_no_error (error);
  fail_unless (apigo_spend_report (dir, NOW + 6 * HOUR, &r, &error));
  fail_unless_equals_int (r.total[APIGO_PERIOD_DAY].generations, 1);
  fail_unless_equals_int (r.total[APIGO_PERIOD_MONTH].generations, 3);
  apigo_spend_report_clear (&r);
}

GST_END_TEST;

/* A check says what a reservation would, and counts nothing. */
GST_START_TEST (test_check_counts_nothing)
{
  g_autoptr (GError) error = NULL;
  ApigoBudget b = budget_of ("generations-per-day=1");
  ApigoSpendRequest request = { "a", "generate", "sora-2", 4 };
  ApigoSpendReport r;

  fail_unless (apigo_spend_check (dir, &b, &request, NOW, NULL, &error));
  fail_unless (apigo_spend_check (dir, &b, &request, NOW, NULL, &error));
  fail_unless (apigo_spend_report (dir, NOW, &r, &error));
  fail_unless_equals_int (r.total[APIGO_PERIOD_DAY].generations, 0);
  apigo_spend_report_clear (&r);

  fail_unless (reserve (&b, "a", 4, NOW, &error));
  request.ref = "b";
  fail_if (apigo_spend_check (dir, &b, &request, NOW, NULL, &error));
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_BUDGET);
}

GST_END_TEST;

GST_START_TEST (test_seconds_limit)
{
  g_autoptr (GError) error = NULL;
  ApigoBudget b = budget_of ("seconds-per-month=20");
  ApigoSpendReport r;

  fail_unless (reserve (&b, "a", 12, NOW, &error));
  fail_if (reserve (&b, "b", 12, NOW, &error));
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_BUDGET);
  assert_contains (error->message, "20 seconds of video per month");
  assert_contains (error->message, "12 seconds of video were spent");
  assert_contains (error->message, "asks for 12 more");
  assert_contains (error->message, "2027-01-01 00:00 UTC");
  g_clear_error (&error);
  fail_unless (reserve (&b, "b", 8, NOW, &error));

  /* What the service made is what counts: a 4 s clip asked as 8. */
  fail_unless (apigo_spend_settle (dir, "b", "video_1", 4, FALSE, 0, &error));
  /* Another run that attached to video_1 saw it done, and its cost. */
  fail_unless (apigo_spend_settle (dir, NULL, "video_1", -1, TRUE, 0.3,
          &error));
  /* Nothing of a task the ledger never counted. */
  fail_unless (apigo_spend_settle (dir, NULL, "video_2", 8, TRUE, 9, &error));
  fail_unless (apigo_spend_report (dir, NOW, &r, &error));
  fail_unless_equals_float (r.total[APIGO_PERIOD_MONTH].seconds, 16);
  fail_unless_equals_float (r.total[APIGO_PERIOD_MONTH].dollars, 0.3);
  fail_unless_equals_int (r.total[APIGO_PERIOD_MONTH].generations, 2);
  apigo_spend_report_clear (&r);
  fail_unless (reserve (&b, "c", 4, NOW, &error));
}

GST_END_TEST;

GST_START_TEST (test_dollars_limit)
{
  g_autoptr (GError) error = NULL;
  ApigoBudget b = budget_of ("dollars-per-day=1");
  ApigoSpendReport r;
  ApigoSpendTotal *sora;

  /* Unknown costs are not guessed: only reported ones count. */
  fail_unless (reserve (&b, "a", 8, NOW, &error));
  fail_unless (reserve (&b, "b", 8, NOW, &error));
  fail_unless (apigo_spend_settle (dir, "a", "video_a", -1, TRUE, 0.75,
          &error));
  fail_unless (reserve (&b, "c", 8, NOW, &error));
  fail_unless (apigo_spend_settle (dir, "c", NULL, -1, TRUE, 0.5, &error));
  fail_if (reserve (&b, "d", 8, NOW, &error));
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_BUDGET);
  assert_contains (error->message, "$1.00 per day");
  assert_contains (error->message, "$1.25 was spent this day");
  assert_contains (error->message, "1 generation whose cost");
  g_clear_error (&error);

  fail_unless (apigo_spend_report (dir, NOW, &r, &error));
  fail_unless_equals_int (r.total[APIGO_PERIOD_DAY].generations, 3);
  fail_unless_equals_float (r.total[APIGO_PERIOD_DAY].dollars, 1.25);
  fail_unless_equals_int (r.total[APIGO_PERIOD_DAY].costs_unknown, 1);
  sora = g_hash_table_lookup (r.month_by_model, "sora-2");
  fail_unless (sora != NULL);
  fail_unless_equals_int (sora->generations, 3);
  apigo_spend_report_clear (&r);
}

GST_END_TEST;

GST_START_TEST (test_reset_and_damage)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *ledger = g_build_filename (dir, "spend.log", NULL);
  g_autofree gchar *text = NULL;
  ApigoBudget b = budget_of ("generations-per-month=2");
  ApigoSpendReport r;
  FILE *f;

  fail_unless (reserve (&b, "a", 4, NOW, &error));
  /* A crash cut the last line; the ledger goes on after it. */
  f = fopen (ledger, "a");
  fputs ("{\"ref\":\"x\",\"at\":17961", f);
  fclose (f);
  fail_unless (reserve (&b, "b", 4, NOW, &error));
  g_assert_no_error (error);
  fail_if (reserve (&b, "c", 4, NOW, &error));
  g_clear_error (&error);
  fail_unless (g_file_get_contents (ledger, &text, NULL, NULL));
  assert_contains (text, "17961\n{\"ref\":\"b\"");

  fail_unless (apigo_spend_reset (dir, NOW, &error));
  fail_unless (apigo_spend_report (dir, NOW, &r, &error));
  fail_unless_equals_int (r.total[APIGO_PERIOD_MONTH].generations, 0);
  apigo_spend_report_clear (&r);
  fail_unless (reserve (&b, "c", 4, NOW, &error));
}

GST_END_TEST;

/* Without limits nothing is read at a create, yet a retry of it is still
 * one generation, and what it made is still settled. */
GST_START_TEST (test_no_limits_counts_once)
{
  g_autoptr (GError) error = NULL;
  ApigoBudget none = budget_of ("");
  ApigoSpendReport r;

  fail_unless (reserve (&none, "a", 4, NOW, &error));
  fail_unless (reserve (&none, "a", 4, NOW, &error));
  fail_unless (apigo_spend_settle (dir, "a", "video_a", 8, TRUE, 0.2,
          &error));
  fail_unless (apigo_spend_settle (dir, "another run's key", "video_a", -1,
          TRUE, 0.3, &error));
  fail_unless (apigo_spend_report (dir, NOW, &r, &error));
  fail_unless_equals_int (r.total[APIGO_PERIOD_DAY].generations, 1);
  fail_unless_equals_float (r.total[APIGO_PERIOD_DAY].seconds, 8);
  fail_unless_equals_float (r.total[APIGO_PERIOD_DAY].dollars, 0.3);
  apigo_spend_report_clear (&r);
}

GST_END_TEST;

/* A create counted by a clock ahead of ours (or before ours was set back)
 * counts as now: it never vanishes from today's spend. */
GST_START_TEST (test_clock_ahead)
{
  g_autoptr (GError) error = NULL;
  ApigoBudget b = budget_of ("generations-per-day=1");
  ApigoSpendReport r;

  fail_unless (reserve (&b, "ahead", 4, NOW + 3 * DAY, &error));
  fail_unless (apigo_spend_report (dir, NOW, &r, &error));
  fail_unless_equals_int (r.total[APIGO_PERIOD_DAY].generations, 1);
  fail_unless_equals_int (r.total[APIGO_PERIOD_MONTH].generations, 1);
  apigo_spend_report_clear (&r);
  fail_if (reserve (&b, "now", 4, NOW, &error));
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_BUDGET);
}

GST_END_TEST;

/* A big ledger keeps this month and the last, and its totals. */
GST_START_TEST (test_compaction)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *ledger = g_build_filename (dir, "spend.log", NULL);
  g_autoptr (GString) text = g_string_new (NULL);
  ApigoBudget b = budget_of ("generations-per-month=100");
  ApigoSpendReport r;
  GStatBuf st;
  guint i;

  /* 2026-09: long gone; 2026-11: last month; 2026-12: this one. */
  for (i = 0; text->len < (1 << 20); i++)
    g_string_append_printf (text, "{\"ref\":\"old%u\",\"at\":%"
        G_GINT64_FORMAT ",\"kind\":\"generate\",\"seconds\":4}\n", i,
        NOW - 80 * (gint64) DAY);
  g_string_append_printf (text, "{\"ref\":\"nov\",\"at\":%" G_GINT64_FORMAT
      ",\"kind\":\"generate\",\"seconds\":4}\n", NOW - 10 * (gint64) DAY);
  g_string_append_printf (text, "{\"ref\":\"dec\",\"at\":%" G_GINT64_FORMAT
      ",\"kind\":\"generate\",\"seconds\":4,\"cost\":0.4}\n", NOW - HOUR);
  fail_unless (g_file_set_contents (ledger, text->str, text->len, NULL));

  fail_unless (reserve (&b, "new", 4, NOW, &error));
  g_assert_no_error (error);
  fail_unless (g_stat (ledger, &st) == 0);
  fail_unless (st.st_size < 1000, "%" G_GINT64_FORMAT " bytes",
      (gint64) st.st_size);
  fail_unless (apigo_spend_report (dir, NOW, &r, &error));
  fail_unless_equals_int (r.total[APIGO_PERIOD_MONTH].generations, 2);
  fail_unless_equals_float (r.total[APIGO_PERIOD_MONTH].dollars, 0.4);
  apigo_spend_report_clear (&r);
  /* "nov" is kept: a retry of it is still known. */
  fail_unless (reserve (&b, "nov", 4, NOW, &error));
  fail_unless (apigo_spend_report (dir, NOW, &r, &error));
  fail_unless_equals_int (r.total[APIGO_PERIOD_MONTH].generations, 2);
  apigo_spend_report_clear (&r);
}

GST_END_TEST;

/* Processes racing for the last generations of a budget: exactly as many
 * are counted as it allows, however their turns interleave. */
GST_START_TEST (test_processes_race)
{
  const guint n = 6, tries = 40, allowed = 100;
  g_autoptr (GPtrArray) procs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree gchar *go = g_build_filename (dir, "go", NULL);
  g_autoptr (GError) error = NULL;
  ApigoSpendReport r;
  guint i, counted = 0;

  for (i = 0; i < n; i++) {
    g_autofree gchar *name = g_strdup_printf ("racer%u", i);
    g_autofree gchar *count = g_strdup_printf ("%u", tries);
    GSubprocess *p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE,
        &error, SPEND_RACER, dir, "generations-per-day=100", name, count, go,
        NULL);

    g_assert_no_error (error);
    g_ptr_array_add (procs, p);
  }
  fail_unless (g_file_set_contents (go, "", 0, NULL));
  for (i = 0; i < n; i++) {
    GSubprocess *p = g_ptr_array_index (procs, i);
    g_autofree gchar *out = NULL;

    fail_unless (g_subprocess_communicate_utf8 (p, NULL, NULL, &out, NULL,
            &error));
    g_assert_no_error (error);
    fail_unless (g_subprocess_get_if_exited (p));
    fail_unless_equals_int (g_subprocess_get_exit_status (p), 0);
    counted += atoi (out);
  }
  fail_unless_equals_int (counted, allowed);
  fail_unless (apigo_spend_report (dir, 0, &r, &error));
  fail_unless_equals_int (r.total[APIGO_PERIOD_DAY].generations, allowed);
  apigo_spend_report_clear (&r);
}

GST_END_TEST;

static Suite *
spend_suite (void)
{
  Suite *s = suite_create ("spend");
  TCase *tc = tcase_create ("general");

  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_budget_text);
  tcase_add_test (tc, test_budget_sources);
  tcase_add_test (tc, test_generations_limit);
  tcase_add_test (tc, test_check_counts_nothing);
  tcase_add_test (tc, test_seconds_limit);
  tcase_add_test (tc, test_dollars_limit);
  tcase_add_test (tc, test_reset_and_damage);
  tcase_add_test (tc, test_clock_ahead);
  tcase_add_test (tc, test_no_limits_counts_once);
  tcase_add_test (tc, test_compaction);
  tcase_add_test (tc, test_processes_race);
  return s;
}

GST_CHECK_MAIN (spend);
