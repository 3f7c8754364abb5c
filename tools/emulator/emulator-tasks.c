/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "emulator-tasks.h"

#include "emulator-cache.h"
#include "emulator-clock.h"
#include "emulator-render.h"

/* Renders at once: enough to overlap two clips on a small machine. */
#define MAX_RENDERS 2
/* Share of generation-time spent "queued" before "in_progress". */
#define QUEUED_SHARE 0.1

struct _EmuTask
{
  gint ref_count;
  gchar *id;
  EmuTaskParams params;
  EmuClock *clock;              /* the timeline's */
  gint64 created_real;          /* g_get_real_time () */
  gint64 created_mono;          /* emu_clock_now () */
  GCancellable *cancellable;

  gint render_started;          /* atomic */
  gint frames_done;             /* atomic */

  GMutex lock;                  /* guards what follows */
  gboolean render_done;
  gint64 render_end_mono;
  EmuRenderOutput output;
  GError *render_error;
};

struct _EmuTaskTable
{
  gchar *cache_dir;
  EmuClock *clock;
  EmuRenderer *renderer;
  GThreadPool *renders;

  GMutex lock;                  /* guards what follows */
  GPtrArray *order;             /* EmuTask, oldest first */
  GHashTable *by_id;            /* id -> EmuTask */
  GHashTable *by_key;           /* idempotency key -> EmuTask */
  GPtrArray *all;               /* every task ever made, to cancel at free */
};

/* A snapshot of the timeline at one instant. */
typedef struct
{
  EmuTaskStatus status;
  const gchar *word;            /* a scripted word, or NULL */
  gint progress;
  gint64 completed_at;          /* Unix seconds, or -1 */
  gint64 completed_mono;        /* emu_clock_now () then, or -1 */
  const gchar *error_code;
  const gchar *error_message;
  const gchar *error_type;
} TaskState;

static const gchar *const status_names[] = {
  [EMU_TASK_QUEUED] = "queued",
  [EMU_TASK_PENDING] = "pending",
  [EMU_TASK_IN_PROGRESS] = "in_progress",
  [EMU_TASK_COMPLETED] = "completed",
  [EMU_TASK_FAILED] = "failed",
  [EMU_TASK_SCRIPTED] = "scripted",
};

/* Words of a script that end the task, as they end it on gateways. */
static const gchar *const final_words[] = {
  "failed", "expired", "cancelled", "canceled",
};

EmuTask *
emu_task_ref (EmuTask * task)
{
  g_atomic_int_inc (&task->ref_count);
  return task;
}

void
emu_task_unref (EmuTask * task)
{
  guint i;

  if (!g_atomic_int_dec_and_test (&task->ref_count))
    return;

  g_free (task->id);
  g_free (task->params.model);
  g_free (task->params.prompt);
  g_free (task->params.remixed_from);
  g_free (task->params.extended_from);
  g_free (task->params.edited_from);
  for (i = 0; i < task->params.n_parts; i++)
    g_free (task->params.parts[i].text);
  g_free (task->params.parts);
  g_strfreev (task->params.script);
  g_clear_pointer (&task->params.reference, g_bytes_unref);
  g_object_unref (task->cancellable);
  emu_clock_unref (task->clock);
  g_mutex_clear (&task->lock);
  emu_render_output_clear (&task->output);
  g_clear_error (&task->render_error);
  g_free (task);
}

/* The index of the first final word of the script, or -1: the words
 * before it are reported, then it sticks; those after it never show. */
static gint
script_final (const EmuTaskParams * params)
{
  guint i, j;

  for (i = 0; params->script && params->script[i]; i++) {
    for (j = 0; j < G_N_ELEMENTS (final_words); j++) {
      if (g_str_equal (params->script[i], final_words[j]))
        return i;
    }
  }
  return -1;
}

static gchar *
new_task_id (void)
{
  GString *id = g_string_new ("video_");
  guint i;

  for (i = 0; i < 4; i++)
    g_string_append_printf (id, "%08x", g_random_int ());
  return g_string_free (id, FALSE);
}

static EmuTask *
task_new (const EmuTaskParams * params, EmuClock * clock)
{
  EmuTask *task = g_new0 (EmuTask, 1);
  guint i;

  task->ref_count = 1;
  task->id = new_task_id ();
  task->params = *params;
  task->params.model = g_strdup (params->model);
  task->params.prompt = g_strdup (params->prompt);
  task->params.remixed_from = g_strdup (params->remixed_from);
  task->params.extended_from = g_strdup (params->extended_from);
  task->params.edited_from = g_strdup (params->edited_from);
  task->params.parts = g_new0 (EmuRenderPart, params->n_parts);
  for (i = 0; i < params->n_parts; i++) {
    task->params.parts[i].text = g_strdup (params->parts[i].text);
    task->params.parts[i].seconds = params->parts[i].seconds;
  }
  task->params.script = g_strdupv (params->script);
  if (params->reference)
    task->params.reference = g_bytes_ref (params->reference);
  task->clock = emu_clock_ref (clock);
  task->created_real = g_get_real_time ();
  task->created_mono = emu_clock_now (clock);
  task->cancellable = g_cancellable_new ();
  g_mutex_init (&task->lock);
  return task;
}

/* Worker thread: reuse a cached rendering or make one. */
static void
render_job (gpointer data, gpointer user_data)
{
  EmuTask *task = data;
  EmuTaskTable *table = user_data;
  EmuRenderPart whole = { task->params.prompt, task->params.seconds };
  EmuRenderSpec spec = {
    .parts = task->params.n_parts ? task->params.parts : &whole,
    .n_parts = MAX (task->params.n_parts, 1),
    .width = task->params.width,
    .height = task->params.height,
    .reference = task->params.reference,
    .faststart = task->params.faststart,
    .audio = task->params.audio,
  };
  EmuRenderOutput output = { NULL, };
  g_autofree gchar *key = emu_cache_key (&spec);
  GError *error = NULL;

  g_atomic_int_set (&task->render_started, 1);

  if (emu_cache_load (table->cache_dir, key, &output)) {
    g_atomic_int_set (&task->frames_done,
        emu_render_spec_seconds (&spec) * EMU_RENDER_FPS);
  } else if (emu_render_clip (table->renderer, &spec, table->cache_dir,
          task->cancellable, &task->frames_done, &output, &error)) {
    emu_cache_store (table->cache_dir, key, &output);
  }

  g_mutex_lock (&task->lock);
  task->output = output;
  task->render_error = error;
  task->render_end_mono = emu_clock_now (task->clock);
  task->render_done = TRUE;
  g_mutex_unlock (&task->lock);

  emu_task_unref (task);
}

EmuTaskTable *
emu_task_table_new (const gchar * cache_dir, EmuClock * clock)
{
  EmuTaskTable *table = g_new0 (EmuTaskTable, 1);

  table->cache_dir = g_strdup (cache_dir);
  table->clock = emu_clock_ref (clock);
  table->renderer = emu_renderer_new ();
  table->renders = g_thread_pool_new_full (render_job, table,
      (GDestroyNotify) emu_task_unref, MAX_RENDERS, FALSE, NULL);
  g_mutex_init (&table->lock);
  table->order = g_ptr_array_new_with_free_func ((GDestroyNotify)
      emu_task_unref);
  table->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  table->by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) emu_task_unref);
  table->all = g_ptr_array_new_with_free_func ((GDestroyNotify)
      emu_task_unref);
  return table;
}

void
emu_task_table_free (EmuTaskTable * table)
{
  guint i;

  g_mutex_lock (&table->lock);
  for (i = 0; i < table->all->len; i++)
    g_cancellable_cancel (((EmuTask *) table->all->pdata[i])->cancellable);
  g_mutex_unlock (&table->lock);

  /* Drops the renders not started, waits for the running ones. */
  g_thread_pool_free (table->renders, TRUE, TRUE);
  emu_renderer_free (table->renderer);

  g_hash_table_unref (table->by_key);
  g_hash_table_unref (table->by_id);
  g_ptr_array_unref (table->order);
  g_ptr_array_unref (table->all);
  g_mutex_clear (&table->lock);
  emu_clock_unref (table->clock);
  g_free (table->cache_dir);
  g_free (table);
}

EmuTask *
emu_task_table_create (EmuTaskTable * table, const EmuTaskParams * params,
    const gchar * idempotency_key)
{
  EmuTask *task = task_new (params, table->clock);

  g_mutex_lock (&table->lock);
  g_ptr_array_add (table->order, emu_task_ref (task));
  g_hash_table_insert (table->by_id, task->id, task);
  g_ptr_array_add (table->all, emu_task_ref (task));
  if (idempotency_key)
    g_hash_table_insert (table->by_key, g_strdup (idempotency_key),
        emu_task_ref (task));
  g_mutex_unlock (&table->lock);

  /* A task bound to fail (or stuck on a final word) has nothing to
   * render. */
  if (!params->fail && script_final (params) < 0)
    g_thread_pool_push (table->renders, emu_task_ref (task), NULL);

  return task;
}

EmuTask *
emu_task_table_find_idempotent (EmuTaskTable * table,
    const gchar * idempotency_key)
{
  EmuTask *task;

  g_mutex_lock (&table->lock);
  task = g_hash_table_lookup (table->by_key, idempotency_key);
  if (task)
    emu_task_ref (task);
  g_mutex_unlock (&table->lock);
  return task;
}

EmuTask *
emu_task_table_lookup (EmuTaskTable * table, const gchar * id)
{
  EmuTask *task;

  g_mutex_lock (&table->lock);
  task = g_hash_table_lookup (table->by_id, id);
  if (task)
    emu_task_ref (task);
  g_mutex_unlock (&table->lock);
  return task;
}

gboolean
emu_task_table_remove (EmuTaskTable * table, const gchar * id)
{
  EmuTask *task;

  g_mutex_lock (&table->lock);
  task = g_hash_table_lookup (table->by_id, id);
  if (task) {
    /* Nobody will ever read its render. */
    g_cancellable_cancel (task->cancellable);
    g_hash_table_remove (table->by_id, id);
    g_ptr_array_remove (table->order, task);
  }
  g_mutex_unlock (&table->lock);
  return task != NULL;
}

/* The task at @pos when walking the table in the requested order. */
static EmuTask *
task_at (EmuTaskTable * table, gboolean ascending, guint pos)
{
  guint n = table->order->len;

  return table->order->pdata[ascending ? pos : n - 1 - pos];
}

GPtrArray *
emu_task_table_list (EmuTaskTable * table, gboolean ascending,
    const gchar * after, guint limit, gboolean * has_more)
{
  GPtrArray *result = NULL;
  guint n, i, start = 0;

  g_mutex_lock (&table->lock);
  n = table->order->len;

  if (after) {
    while (start < n && !g_str_equal (task_at (table, ascending,
                start)->id, after))
      start++;
    if (start == n)
      goto out;
    start++;
  }

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) emu_task_unref);
  for (i = start; i < n && result->len < limit; i++)
    g_ptr_array_add (result, emu_task_ref (task_at (table, ascending, i)));
  *has_more = i < n;

out:
  g_mutex_unlock (&table->lock);
  return result;
}

const gchar *
emu_task_get_id (EmuTask * task)
{
  return task->id;
}

const EmuTaskParams *
emu_task_get_params (EmuTask * task)
{
  return &task->params;
}

/* The script, when there is one: its words one after the other, each for
 * script_step, then a final word for ever or the normal course.  Returns
 * FALSE, and when the normal course starts in @course_start, once the
 * words are over. */
static gboolean
script_state (EmuTask * task, gint64 now, TaskState * st, gint64 * course_start)
{
  const EmuTaskParams *params = &task->params;
  gint64 step_us = (gint64) (params->script_step * G_USEC_PER_SEC);
  gint64 into = now - task->created_mono;
  gint final = script_final (params);
  guint lead = final >= 0 ? (guint) final : g_strv_length (params->script);

  if (step_us > 0 && into < lead * step_us) {
    st->status = EMU_TASK_SCRIPTED;
    st->word = params->script[into / step_us];
    return TRUE;
  }
  if (final >= 0) {
    st->word = params->script[final];
    st->status = EMU_TASK_SCRIPTED;
    if (g_str_equal (st->word, "failed")) {
      st->status = EMU_TASK_FAILED;
      st->error_code = "video_generation_failed";
      st->error_message = "The emulator's script made the task fail.";
      st->error_type = "server_error";
    }
    return TRUE;
  }
  *course_start = task->created_mono + lead * step_us;
  return FALSE;
}

/* The timeline: waiting for the first QUEUED_SHARE of generation-time (and
 * until a render thread picks the task up), then in progress, done when
 * both the time is up and the render has finished.  Progress is the lesser
 * of elapsed time and rendered frames, so it only rises.  A script, if
 * any, comes first and delays all of it. */
static void
task_state (EmuTask * task, gint64 now, TaskState * st)
{
  gint64 gen_us = (gint64) (task->params.generation_time * G_USEC_PER_SEC);
  gint64 start = task->created_mono;
  gint64 elapsed, done_mono = -1;
  gdouble time_share, render_share;
  guint total = task->params.seconds * EMU_RENDER_FPS;

  memset (st, 0, sizeof (*st));
  st->completed_at = -1;
  st->completed_mono = -1;

  if (task->params.script && script_state (task, now, st, &start))
    return;
  elapsed = now - start;

  g_mutex_lock (&task->lock);
  if (task->params.fail) {
    done_mono = start + gen_us;
    st->error_code = "moderation_blocked";
    st->error_message = "The prompt was blocked by the emulator's moderation.";
    st->error_type = "invalid_request_error";
  } else if (task->render_done) {
    done_mono = MAX (start + gen_us, task->render_end_mono);
    if (task->render_error) {
      gboolean bad_reference = g_error_matches (task->render_error,
          EMU_RENDER_ERROR, EMU_RENDER_ERROR_REFERENCE);

      st->error_code = bad_reference ? "invalid_input_reference" :
          "internal_error";
      st->error_message = task->render_error->message;
      st->error_type = bad_reference ? "invalid_request_error" : "server_error";
    }
  }

  if (done_mono >= 0 && now >= done_mono) {
    st->status = st->error_code ? EMU_TASK_FAILED : EMU_TASK_COMPLETED;
    st->progress = st->error_code ? 0 : 100;
    st->completed_at = (task->created_real + (done_mono -
            task->created_mono)) / G_USEC_PER_SEC;
    st->completed_mono = done_mono;
    /* render_error never changes once set: its message outlives the lock. */
    g_mutex_unlock (&task->lock);
    return;
  }
  g_mutex_unlock (&task->lock);

  st->error_code = st->error_message = st->error_type = NULL;
  time_share = gen_us > 0 ? (gdouble) elapsed / gen_us : 1.0;
  render_share = task->params.fail ? 1.0 :
      (gdouble) g_atomic_int_get (&task->frames_done) / total;

  if (time_share < QUEUED_SHARE || (!task->params.fail &&
          !g_atomic_int_get (&task->render_started))) {
    st->status = task->params.pending ? EMU_TASK_PENDING : EMU_TASK_QUEUED;
    st->progress = 0;
  } else {
    st->status = EMU_TASK_IN_PROGRESS;
    st->progress = task->params.progress_stuck ? 0 :
        CLAMP ((gint) (MIN (time_share, render_share) * 100), 1, 99);
  }
}

static const gchar *
state_word (const TaskState * st)
{
  return st->word ? st->word : status_names[st->status];
}

/* expires_at in Unix seconds, or -1 when not completed. */
static gint64
state_expires_at (const TaskState * st, gdouble expires_in)
{
  gint64 seconds = (gint64) expires_in;

  if (st->status != EMU_TASK_COMPLETED)
    return -1;
  /* Rounded up: never earlier than asked. */
  if (seconds < expires_in)
    seconds++;
  return st->completed_at + seconds;
}

EmuTaskStatus
emu_task_get_status (EmuTask * task)
{
  TaskState st;

  task_state (task, emu_clock_now (task->clock), &st);
  return st.status;
}

const gchar *
emu_task_get_status_word (EmuTask * task)
{
  TaskState st;

  /* Scripted words belong to the task's params: they outlive the state. */
  task_state (task, emu_clock_now (task->clock), &st);
  return state_word (&st);
}

gboolean
emu_task_is_expired (EmuTask * task, gdouble expires_in)
{
  TaskState st;
  gint64 expires_at;

  task_state (task, emu_clock_now (task->clock), &st);
  expires_at = state_expires_at (&st, expires_in);
  return expires_at >= 0 && g_get_real_time () > expires_at * G_USEC_PER_SEC;
}

GBytes *
emu_task_get_asset (EmuTask * task, EmuAsset asset)
{
  GBytes *bytes = NULL;

  if (emu_task_get_status (task) != EMU_TASK_COMPLETED)
    return NULL;

  g_mutex_lock (&task->lock);
  switch (asset) {
    case EMU_ASSET_VIDEO:
      bytes = task->output.video;
      break;
    case EMU_ASSET_THUMBNAIL:
      bytes = task->output.thumbnail;
      break;
    case EMU_ASSET_SPRITESHEET:
      bytes = task->output.spritesheet;
      break;
  }
  if (bytes)
    g_bytes_ref (bytes);
  g_mutex_unlock (&task->lock);
  return bytes;
}

static void
add_int_or_null (JsonBuilder * b, const gchar * name, gint64 value)
{
  json_builder_set_member_name (b, name);
  if (value < 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_int_value (b, value);
}

static void
add_string_or_null (JsonBuilder * b, const gchar * name, const gchar * value)
{
  json_builder_set_member_name (b, name);
  if (value == NULL)
    json_builder_add_null_value (b);
  else
    json_builder_add_string_value (b, value);
}

JsonNode *
emu_task_to_json (EmuTask * task, gdouble expires_in)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree gchar *size = NULL;
  g_autofree gchar *seconds = NULL;
  TaskState st;

  task_state (task, emu_clock_now (task->clock), &st);
  size = g_strdup_printf ("%ux%u", task->params.width, task->params.height);
  seconds = g_strdup_printf ("%u", task->params.seconds);

  json_builder_begin_object (b);
  add_string_or_null (b, "id", task->id);
  add_string_or_null (b, "object", "video");
  add_string_or_null (b, "status", state_word (&st));
  json_builder_set_member_name (b, "progress");
  json_builder_add_int_value (b, st.progress);
  add_int_or_null (b, "created_at", task->created_real / G_USEC_PER_SEC);
  add_int_or_null (b, "completed_at", st.completed_at);
  add_int_or_null (b, "expires_at", state_expires_at (&st, expires_in));
  add_string_or_null (b, "model", task->params.model);
  add_string_or_null (b, "prompt", task->params.prompt);
  add_string_or_null (b, "size", size);
  add_string_or_null (b, "seconds", seconds);
  add_string_or_null (b, "remixed_from_video_id", task->params.remixed_from);
  /* Newer fields, only where they apply. */
  if (task->params.extended_from)
    add_string_or_null (b, "extended_from_video_id",
        task->params.extended_from);
  if (task->params.edited_from)
    add_string_or_null (b, "edited_from_video_id", task->params.edited_from);

  /* What it cost, OpenRouter's way: known once completed, in any dialect
   * (gateways imitate it). */
  if (task->params.cost_per_second != 0 && st.status == EMU_TASK_COMPLETED) {
    json_builder_set_member_name (b, "usage");
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "cost");
    json_builder_add_double_value (b, task->params.seconds *
        task->params.cost_per_second);
    json_builder_set_member_name (b, "is_byok");
    json_builder_add_boolean_value (b, FALSE);
    json_builder_end_object (b);
  }

  json_builder_set_member_name (b, "error");
  if (st.status == EMU_TASK_FAILED) {
    json_builder_begin_object (b);
    add_string_or_null (b, "code", st.error_code);
    add_string_or_null (b, "message", st.error_message);
    add_string_or_null (b, "type", st.error_type);
    json_builder_end_object (b);
  } else {
    json_builder_add_null_value (b);
  }

  /* A field no client knows: they must skip it. */
  json_builder_set_member_name (b, "x_emulator");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "frames");
  json_builder_add_int_value (b, task->params.seconds * EMU_RENDER_FPS);
  json_builder_set_member_name (b, "fps");
  json_builder_add_int_value (b, EMU_RENDER_FPS);
  /* The exact instants, on the clock of the request log's monotonic_time
   * (CLOCK_MONOTONIC, microseconds): how soon clients notice.  (The tasks'
   * clock: the same unless a test held it or moved it on.) */
  add_int_or_null (b, "created_monotonic", task->created_mono);
  add_int_or_null (b, "completed_monotonic", st.completed_mono);
  json_builder_end_object (b);

  json_builder_end_object (b);
  return json_builder_get_root (b);
}
