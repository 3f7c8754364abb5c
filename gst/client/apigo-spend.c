/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "apigo-spend"
#define APIGO_LOG_DOMAIN APIGO_LOG_SPEND

#include "apigo-spend.h"
#include "apigo-error.h"
#include "apigo-file.h"
#include "apigo-json.h"
#include "apigo-lock.h"
#include "apigo-log.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define LEDGER_NAME "spend.log"
#define LOCK_KEY "spend"
/* A year of heavy use is far less; a bigger file is not ours to read. */
#define LEDGER_MAX (64 << 20)
/* Beyond this the ledger is rewritten with this month's and last month's
 * entries only. */
#define COMPACT_AT (1 << 20)

typedef struct
{
  gint64 at;
  gchar *kind;
  gchar *model;
  gchar *video_id;
  gdouble seconds;
  gboolean has_cost;
  gdouble cost;
  gboolean released;
} Entry;

typedef struct
{
  GHashTable *entries;          /* ref → Entry, since the last reset */
  GHashTable *by_video;         /* video id → its entry's ref */
  gsize size;                   /* of the file, in bytes */
} Ledger;

static void
entry_free (Entry * e)
{
  g_free (e->kind);
  g_free (e->model);
  g_free (e->video_id);
  g_free (e);
}

static void
ledger_clear (Ledger * l)
{
  g_clear_pointer (&l->entries, g_hash_table_unref);
  g_clear_pointer (&l->by_video, g_hash_table_unref);
}

gchar *
apigo_spend_default_dir (void)
{
  /* Read each time, not g_get_user_state_dir()'s first answer: a test or
   * an application may point it elsewhere later. */
  const gchar *state = g_getenv ("XDG_STATE_HOME");

  if (state != NULL && g_path_is_absolute (state))
    return g_build_filename (state, "gst-apigo", NULL);
  return g_build_filename (g_get_home_dir (), ".local", "state",
      "gst-apigo", NULL);
}

static gint64
now_or (gint64 now)
{
  return now > 0 ? now : g_get_real_time () / G_USEC_PER_SEC;
}

/* One line: a reservation (it has "kind") starts its entry afresh; any line
 * may then say what became of it, by its ref or, for a task another run
 * created, by its video id (lines are written without reading the ledger:
 * they are matched here).  Lines about entries we do not have (never
 * counted, or compacted away) and lines we cannot read (the end a crash
 * cut) are skipped. */
static void
ledger_apply_line (Ledger * l, const gchar * line, gsize len)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autofree gchar *ref = NULL;
  g_autofree gchar *video = NULL;
  g_autofree gchar *kind = NULL;
  JsonObject *obj;
  JsonNode *root, *node;
  Entry *e;
  gint64 at = 0;

  if (!apigo_json_load (parser, line, len, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  obj = json_node_get_object (root);

  /* What came before a reset is forgotten, whatever its time says. */
  if (apigo_json_get_int64 (obj, "reset", &at)) {
    g_hash_table_remove_all (l->entries);
    g_hash_table_remove_all (l->by_video);
    return;
  }
  ref = apigo_json_dup_string (obj, "ref");
  video = apigo_json_dup_string (obj, "video");
  kind = apigo_json_dup_string (obj, "kind");
  if (ref != NULL && kind != NULL) {
    e = g_new0 (Entry, 1);
    e->kind = g_steal_pointer (&kind);
    apigo_json_get_int64 (obj, "at", &e->at);
    e->model = apigo_json_dup_string (obj, "model");
    g_hash_table_replace (l->entries, g_strdup (ref), e);
  }
  e = ref ? g_hash_table_lookup (l->entries, ref) : NULL;
  if (e == NULL && video != NULL) {
    const gchar *owner = g_hash_table_lookup (l->by_video, video);

    if (owner != NULL) {
      g_free (ref);
      ref = g_strdup (owner);
      e = g_hash_table_lookup (l->entries, ref);
    }
  }
  if (e == NULL)
    return;

  if (video != NULL) {
    g_free (e->video_id);
    e->video_id = g_strdup (video);
    g_hash_table_replace (l->by_video, g_steal_pointer (&video),
        g_strdup (ref));
  }
  node = json_object_get_member (obj, "seconds");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) != G_TYPE_STRING
      && json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    e->seconds = MAX (json_node_get_double (node), 0);
  node = json_object_get_member (obj, "cost");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) != G_TYPE_STRING
      && json_node_get_value_type (node) != G_TYPE_BOOLEAN
      && isfinite (json_node_get_double (node))
      && json_node_get_double (node) >= 0) {
    e->has_cost = TRUE;
    e->cost = json_node_get_double (node);
  }
  node = json_object_get_member (obj, "released");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    e->released = json_node_get_boolean (node);
}

static gchar *
ledger_path (const gchar * dir)
{
  return g_build_filename (dir, LEDGER_NAME, NULL);
}

static gboolean
ledger_read (const gchar * dir, Ledger * l, GError ** error)
{
  g_autofree gchar *path = ledger_path (dir);
  g_autofree gchar *contents = NULL;
  g_autoptr (GError) err = NULL;
  const gchar *p, *end;
  gsize len = 0;

  memset (l, 0, sizeof (*l));
  l->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) entry_free);
  l->by_video = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);

  if (!apigo_file_read_small (path, LEDGER_MAX, &contents, &len, &err)) {
    if (g_error_matches (err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      return TRUE;
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
        "Cannot read the spend ledger: %s", err->message);
    ledger_clear (l);
    return FALSE;
  }
  l->size = len;

  for (p = contents, end = contents + len; p < end;) {
    const gchar *nl = memchr (p, '\n', end - p);
    const gchar *line_end = nl != NULL ? nl : end;

    if (line_end > p)
      ledger_apply_line (l, p, line_end - p);
    p = line_end + 1;
  }
  return TRUE;
}

static gchar *
line_for (JsonBuilder * b)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree gchar *text = NULL;

  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  return g_strconcat (text, "\n", NULL);
}

/* Appends @line whole (one write(2) on an O_APPEND file), after a line end
 * when the last line was cut by a crash.  The ledger's lock is held. */
static gboolean
ledger_append (const gchar * dir, const gchar * line, GError ** error)
{
  g_autofree gchar *path = ledger_path (dir);
  g_autofree gchar *text = NULL;
  g_autoptr (GError) err = NULL;
  gsize len, done = 0;
  GStatBuf st;
  gchar last = '\n';
  gint fd;

  fd = apigo_file_open_regular (path, O_RDWR | O_APPEND | O_CREAT, 0600,
      &err);
  if (fd < 0) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
        "Cannot write the spend ledger: %s", err->message);
    return FALSE;
  }
  if (fstat (fd, &st) == 0 && st.st_size > 0
      && pread (fd, &last, 1, st.st_size - 1) != 1)
    last = '\n';
  text = g_strconcat (last != '\n' ? "\n" : "", line, NULL);
  len = strlen (text);
  while (done < len) {
    gssize n = write (fd, text + done, len - done);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      int e = errno;

      g_close (fd, NULL);
      g_set_error (error, APIGO_ERROR, e == ENOSPC ? APIGO_ERROR_NO_SPACE :
          APIGO_ERROR_STORAGE, "Cannot write the spend ledger %s: %s", path,
          g_strerror (e));
      return FALSE;
    }
    done += n;
  }
  g_close (fd, NULL);
  return TRUE;
}

static void
add_entry_members (JsonBuilder * b, const gchar * ref, const Entry * e)
{
  json_builder_set_member_name (b, "ref");
  json_builder_add_string_value (b, ref);
  json_builder_set_member_name (b, "at");
  json_builder_add_int_value (b, e->at);
  json_builder_set_member_name (b, "kind");
  json_builder_add_string_value (b, e->kind);
  if (e->model != NULL) {
    json_builder_set_member_name (b, "model");
    json_builder_add_string_value (b, e->model);
  }
  json_builder_set_member_name (b, "seconds");
  json_builder_add_double_value (b, e->seconds);
  if (e->video_id != NULL) {
    json_builder_set_member_name (b, "video");
    json_builder_add_string_value (b, e->video_id);
  }
  if (e->has_cost) {
    json_builder_set_member_name (b, "cost");
    json_builder_add_double_value (b, e->cost);
  }
  if (e->released) {
    json_builder_set_member_name (b, "released");
    json_builder_add_boolean_value (b, TRUE);
  }
}

/* The instants this day and month (UTC) of @now began and end. */
static void
periods_of (gint64 now, gint64 start[APIGO_N_PERIODS],
    gint64 reset[APIGO_N_PERIODS])
{
  g_autoptr (GDateTime) t = g_date_time_new_from_unix_utc (now);
  g_autoptr (GDateTime) day = g_date_time_new_utc (g_date_time_get_year (t),
      g_date_time_get_month (t), g_date_time_get_day_of_month (t), 0, 0, 0);
  g_autoptr (GDateTime) month = g_date_time_new_utc (g_date_time_get_year (t),
      g_date_time_get_month (t), 1, 0, 0, 0);
  g_autoptr (GDateTime) next_day = g_date_time_add_days (day, 1);
  g_autoptr (GDateTime) next_month = g_date_time_add_months (month, 1);

  start[APIGO_PERIOD_DAY] = g_date_time_to_unix (day);
  reset[APIGO_PERIOD_DAY] = g_date_time_to_unix (next_day);
  start[APIGO_PERIOD_MONTH] = g_date_time_to_unix (month);
  reset[APIGO_PERIOD_MONTH] = g_date_time_to_unix (next_month);
}

static void
total_add (ApigoSpendTotal * t, const Entry * e)
{
  t->generations++;
  t->seconds += e->seconds;
  if (e->has_cost)
    t->dollars += e->cost;
  else
    t->costs_unknown++;
}

static void
ledger_totals (const Ledger * l, ApigoSpendReport * r)
{
  GHashTableIter iter;
  Entry *e;
  guint p;

  g_hash_table_iter_init (&iter, l->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & e)) {
    gint64 at;

    if (e->released)
      continue;
    /* A time ahead of ours (a clock set back since, another process's
     * clock) counts as now: spend never vanishes from today. */
    at = MIN (e->at, r->now);
    for (p = 0; p < APIGO_N_PERIODS; p++)
      if (at >= r->start[p])
        total_add (&r->total[p], e);
    if (r->month_by_model != NULL && at >= r->start[APIGO_PERIOD_MONTH]) {
      const gchar *model = e->model ? e->model : "";
      ApigoSpendTotal *t = g_hash_table_lookup (r->month_by_model, model);

      if (t == NULL) {
        t = g_new0 (ApigoSpendTotal, 1);
        g_hash_table_insert (r->month_by_model, g_strdup (model), t);
      }
      total_add (t, e);
    }
  }
}

static void
report_init (ApigoSpendReport * r, gint64 now, gboolean by_model)
{
  memset (r, 0, sizeof (*r));
  r->now = now;
  periods_of (now, r->start, r->reset);
  if (by_model)
    r->month_by_model = g_hash_table_new_full (g_str_hash, g_str_equal,
        g_free, g_free);
}

void
apigo_spend_report_clear (ApigoSpendReport * report)
{
  g_clear_pointer (&report->month_by_model, g_hash_table_unref);
}

static ApigoLock *
take_lock (const gchar * dir, GCancellable * cancellable, GError ** error)
{
  return apigo_lock_acquire (dir, LOCK_KEY, NULL, NULL, cancellable, error);
}

static gchar *
format_reset (gint64 t)
{
  g_autoptr (GDateTime) d = g_date_time_new_from_unix_utc (t);

  return g_date_time_format (d, "%Y-%m-%d %H:%M UTC");
}

static gchar *
format_amount (ApigoMeasure m, gdouble v)
{
  switch (m) {
    case APIGO_MEASURE_DOLLARS:
      return g_strdup_printf ("$%.2f", v);
    case APIGO_MEASURE_GENERATIONS:
      return g_strdup_printf ("%.0f generation%s", v, v == 1 ? "" : "s");
    default:
      return g_strdup_printf ("%g second%s of video", v, v == 1 ? "" : "s");
  }
}

/* The refusal, when @request goes beyond a limit of @budget. */
static gboolean
check_limits (const ApigoBudget * budget, const ApigoSpendReport * r,
    const ApigoSpendRequest * request, GError ** error)
{
  guint m, p;

  for (p = 0; p < APIGO_N_PERIODS; p++)
    for (m = 0; m < APIGO_N_MEASURES; m++) {
      gdouble limit = budget->limit[m][p];
      const ApigoSpendTotal *t = &r->total[p];
      g_autofree gchar *allowed = NULL, *spent = NULL, *reset = NULL;
      g_autofree gchar *extra = NULL;
      gboolean over;
      gdouble used;

      if (limit < 0)
        continue;
      switch (m) {
        case APIGO_MEASURE_GENERATIONS:
          used = t->generations;
          over = used + 1 > limit;
          spent = format_amount (m, used);
          break;
        case APIGO_MEASURE_SECONDS:
          used = t->seconds;
          over = used + request->seconds > limit;
          spent = format_amount (m, used);
          extra = g_strdup_printf (" and this %s asks for %g more",
              request->kind, request->seconds);
          break;
        default:
          /* What a generation costs is known only once it is made: the
           * last one may go past the limit, none after it. */
          used = 1;
          over = t->dollars >= limit;
          spent = format_amount (m, t->dollars);
          if (t->costs_unknown > 0)
            extra = g_strdup_printf (" (and %u generation%s whose cost the "
                "service did not report)", t->costs_unknown,
                t->costs_unknown == 1 ? "" : "s");
          break;
      }
      if (!over)
        continue;
      allowed = format_amount (m, limit);
      reset = format_reset (r->reset[p]);
      g_set_error (error, APIGO_ERROR, APIGO_ERROR_BUDGET,
          "The budget allows %s per %s (%s-per-%s, set in %s); %s %s "
          "spent this %s%s. It resets at %s. Nothing was sent to the "
          "service.", allowed, apigo_period_name (p), apigo_measure_name (m),
          apigo_period_name (p), budget->origin[m][p], spent,
          used == 1 ? "was" : "were",
          apigo_period_name (p), extra ? extra : "", reset);
      return FALSE;
    }
  return TRUE;
}

static void
maybe_compact (const gchar * dir, Ledger * l, const ApigoSpendReport * r)
{
  g_autoptr (GString) text = NULL;
  g_autofree gchar *path = NULL;
  g_autoptr (GError) err = NULL;
  gint64 keep_from;
  GHashTableIter iter;
  const gchar *ref;
  Entry *e;

  if (l->size < COMPACT_AT)
    return;
  {
    g_autoptr (GDateTime) month =
        g_date_time_new_from_unix_utc (r->start[APIGO_PERIOD_MONTH]);
    g_autoptr (GDateTime) last = g_date_time_add_months (month, -1);

    keep_from = g_date_time_to_unix (last);
  }
  text = g_string_new (NULL);
  g_hash_table_iter_init (&iter, l->entries);
  while (g_hash_table_iter_next (&iter, (gpointer *) & ref, (gpointer *) & e)) {
    g_autoptr (JsonBuilder) b = NULL;
    g_autofree gchar *line = NULL;

    if (e->at < keep_from)
      continue;
    b = json_builder_new ();
    json_builder_begin_object (b);
    add_entry_members (b, ref, e);
    json_builder_end_object (b);
    line = line_for (b);
    g_string_append (text, line);
  }
  path = ledger_path (dir);
  /* Atomic: a reader sees the old ledger or the new one. */
  if (!g_file_set_contents_full (path, text->str, text->len,
          G_FILE_SET_CONTENTS_CONSISTENT, 0600, &err))
    APIGO_WARNING ("Could not compact the spend ledger: %s", err->message);
}

/* Whether the ledger has grown to be compacted. */
static gboolean
ledger_is_big (const gchar * dir)
{
  g_autofree gchar *path = ledger_path (dir);
  GStatBuf st;

  return g_lstat (path, &st) == 0 && st.st_size >= COMPACT_AT;
}

/* apigo_spend_reserve(), or with @count FALSE apigo_spend_check(). */
static gboolean
reserve (const gchar * dir, const ApigoBudget * budget,
    const ApigoSpendRequest * request, gint64 now, gboolean count,
    GCancellable * cancellable, GError ** error)
{
  g_autoptr (ApigoLock) lock = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  g_autofree gchar *line = NULL;
  ApigoSpendReport r;
  Ledger l;
  Entry e = { 0 };
  Entry *known;
  gboolean ok;

  g_return_val_if_fail (request->ref != NULL && request->kind != NULL, FALSE);

  now = now_or (now);
  /* Without limits nothing needs reading: the line is appended, and a
   * create counted twice (a retry) is one entry when read. */
  if (!apigo_budget_has_limits (budget) && !count)
    return TRUE;
  lock = take_lock (dir, cancellable, error);
  if (lock == NULL)
    return FALSE;
  if (!apigo_budget_has_limits (budget) && !ledger_is_big (dir)) {
    e.at = now;
    e.kind = (gchar *) request->kind;
    e.model = (gchar *) request->model;
    e.seconds = MAX (request->seconds, 0);
    b = json_builder_new ();
    json_builder_begin_object (b);
    add_entry_members (b, request->ref, &e);
    json_builder_end_object (b);
    line = line_for (b);
    return ledger_append (dir, line, error);
  }
  if (!ledger_read (dir, &l, error))
    return FALSE;

  known = g_hash_table_lookup (l.entries, request->ref);
  if (known != NULL && !known->released) {
    APIGO_DEBUG ("%s %s is counted already", request->kind, request->ref);
    ledger_clear (&l);
    return TRUE;
  }

  report_init (&r, now, FALSE);
  ledger_totals (&l, &r);
  if (!check_limits (budget, &r, request, error)) {
    APIGO_INFO ("Refused by the budget: %s", (*error)->message);
    ledger_clear (&l);
    return FALSE;
  }
  if (!count) {
    ledger_clear (&l);
    return TRUE;
  }
  maybe_compact (dir, &l, &r);

  e.at = now;
  e.kind = (gchar *) request->kind;
  e.model = (gchar *) request->model;
  e.seconds = MAX (request->seconds, 0);
  b = json_builder_new ();
  json_builder_begin_object (b);
  add_entry_members (b, request->ref, &e);
  json_builder_end_object (b);
  line = line_for (b);
  ok = ledger_append (dir, line, error);
  if (ok)
    APIGO_DEBUG ("Counted %s of %s (%g s): %u generations today",
        request->kind, request->model ? request->model : "the default model",
        e.seconds, r.total[APIGO_PERIOD_DAY].generations + 1);
  ledger_clear (&l);
  return ok;
}

gboolean
apigo_spend_reserve (const gchar * dir, const ApigoBudget * budget,
    const ApigoSpendRequest * request, gint64 now,
    GCancellable * cancellable, GError ** error)
{
  return reserve (dir, budget, request, now, TRUE, cancellable, error);
}

gboolean
apigo_spend_check (const gchar * dir, const ApigoBudget * budget,
    const ApigoSpendRequest * request, gint64 now,
    GCancellable * cancellable, GError ** error)
{
  return reserve (dir, budget, request, now, FALSE, cancellable, error);
}

/* Appends what @b says of the entry of @ref, or else of the one that made
 * @video_id: matched when the ledger is read (ledger_apply_line()), so
 * that nothing needs reading now. */
static gboolean
append_about (const gchar * dir, JsonBuilder * b, GError ** error)
{
  g_autoptr (ApigoLock) lock = NULL;
  g_autofree gchar *line = NULL;

  json_builder_end_object (b);
  line = line_for (b);
  lock = take_lock (dir, NULL, error);
  return lock != NULL && ledger_append (dir, line, error);
}

gboolean
apigo_spend_settle (const gchar * dir, const gchar * ref,
    const gchar * video_id, gdouble seconds, gboolean has_cost,
    gdouble cost, GError ** error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  if (ref == NULL && video_id == NULL)
    return TRUE;
  json_builder_begin_object (b);
  if (ref != NULL) {
    json_builder_set_member_name (b, "ref");
    json_builder_add_string_value (b, ref);
  }
  if (video_id != NULL) {
    json_builder_set_member_name (b, "video");
    json_builder_add_string_value (b, video_id);
  }
  if (seconds >= 0 && isfinite (seconds)) {
    json_builder_set_member_name (b, "seconds");
    json_builder_add_double_value (b, seconds);
  }
  if (has_cost && isfinite (cost) && cost >= 0) {
    json_builder_set_member_name (b, "cost");
    json_builder_add_double_value (b, cost);
  }
  return append_about (dir, b, error);
}

gboolean
apigo_spend_release (const gchar * dir, const gchar * ref, GError ** error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ref");
  json_builder_add_string_value (b, ref);
  json_builder_set_member_name (b, "released");
  json_builder_add_boolean_value (b, TRUE);
  return append_about (dir, b, error);
}

gboolean
apigo_spend_report (const gchar * dir, gint64 now, ApigoSpendReport * report,
    GError ** error)
{
  g_autoptr (ApigoLock) lock = NULL;
  Ledger l;

  report_init (report, now_or (now), TRUE);
  lock = take_lock (dir, NULL, error);
  if (lock == NULL || !ledger_read (dir, &l, error)) {
    apigo_spend_report_clear (report);
    return FALSE;
  }
  ledger_totals (&l, report);
  ledger_clear (&l);
  return TRUE;
}

gboolean
apigo_spend_reset (const gchar * dir, gint64 now, GError ** error)
{
  g_autoptr (ApigoLock) lock = NULL;
  g_autofree gchar *line = NULL;

  line = g_strdup_printf ("{\"reset\":%" G_GINT64_FORMAT "}\n",
      now_or (now));
  lock = take_lock (dir, NULL, error);
  return lock != NULL && ledger_append (dir, line, error);
}
