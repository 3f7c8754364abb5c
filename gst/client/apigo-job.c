/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "apigo-job"
#define APIGO_LOG_DOMAIN APIGO_LOG_JOB

#include "apigo-job.h"
#include "apigo-cache.h"
#include "apigo-lock.h"
#include "apigo-log.h"
#include "apigo-model-check.h"
#include "apigo-parameters.h"
#include "apigo-poll.h"
#include "apigo-retry.h"
#include "apigo-spend.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The service's poll hint is obeyed within these bounds. */
#define POLL_HINT_MIN_MS 50
#define POLL_HINT_MAX_MS (60 * 1000)
/* How long a stop waits for the steps after the download (keeping the
 * clip, delete-remote): Ctrl-C must end any phase within a second. */
#define FINISH_GRACE (1 * G_TIME_SPAN_SECOND)
/* delete-remote's DELETE, retries included: it holds the end of the
 * stream, so a slow service must not hold it long. */
#define DELETE_TIMEOUT (3 * G_TIME_SPAN_SECOND)

struct _ApigoJob
{
  gint refcount;                /* the owner's, and the thread's while it runs */
  ApigoJobSettings settings;
  ApigoJobCallbacks callbacks;
  gpointer user_data;
  gpointer log_owner;           /* lock; see apigo_job_set_log_owner() */
  ApigoDownload *download;
  ApigoCache *cache;            /* NULL: nothing is kept on disk */
  gchar *key;                   /* names the clip in the cache */
  gchar *task_key;              /* names its task: journal, lock */

  GMutex lock;
  GCond ended;                  /* signalled when running turns FALSE */
  GThread *thread;              /* running, or ended and not yet joined */
  gboolean running;
  GCancellable *cancellable;
  gchar *video_id;              /* created or attached task */
  ApigoJobCost cost;            /* what video_id cost, as the service said */
  gboolean task_dead;           /* it failed or vanished: make a new one */
  gchar *idempotency_key;       /* one per clip, kept across retries */
  gint64 create_since;          /* a create went out then, answer unknown */
  guint64 noted_total;          /* the clip identity last journaled */
  gchar *noted_etag;
};

const gchar *
apigo_job_phase_to_string (ApigoJobPhase phase)
{
  switch (phase) {
    case APIGO_JOB_PHASE_IDLE:
      return "idle";
    case APIGO_JOB_PHASE_WAITING:
      return "waiting";
    case APIGO_JOB_PHASE_CREATING:
      return "creating";
    case APIGO_JOB_PHASE_GENERATING:
      return "generating";
    case APIGO_JOB_PHASE_DOWNLOADING:
      return "downloading";
    case APIGO_JOB_PHASE_DONE:
      return "done";
    case APIGO_JOB_PHASE_FAILED:
      return "failed";
    case APIGO_JOB_PHASE_CANCELLED:
      return "cancelled";
  }
  return "unknown";
}

static void
report_phase (ApigoJob * job, ApigoJobPhase phase, const GError * error)
{
  APIGO_INFO ("Phase %s%s%s", apigo_job_phase_to_string (phase),
      error ? ": " : "", error ? error->message : "");
  if (job->callbacks.phase_changed != NULL)
    job->callbacks.phase_changed (job, phase, error, job->user_data);
}

/* Costs come with the answers about a task, often only with the last:
 * the latest said is kept, for the owner and the kept clip. */
static void
note_cost (ApigoJob * job, const ApigoTask * task)
{
  if (!task->has_cost)
    return;
  APIGO_INFO ("%s cost %g USD, the service says", task->id, task->cost);
  g_mutex_lock (&job->lock);
  job->cost.known = TRUE;
  job->cost.usd = task->cost;
  job->cost.replayed = FALSE;
  g_mutex_unlock (&job->lock);
}

static void
report_task (ApigoJob * job, const ApigoTask * task)
{
  APIGO_DEBUG ("%s is %s, %d%%", task->id, task->status_text,
      task->progress);
  note_cost (job, task);
  if (job->callbacks.task_changed != NULL)
    job->callbacks.task_changed (job, task, job->user_data);
}

/* Once the service said what the clip is (again, if it changed), the
 * journal learns it: a later run can continue this download. */
static void
journal_content (ApigoJob * job, guint64 total)
{
  g_autofree gchar *etag = NULL;
  g_autofree gchar *last_modified = NULL;
  GError *problem = NULL;

  if (job->cache == NULL || total == 0)
    return;
  apigo_download_get_validators (job->download, &etag, &last_modified);
  if (total == job->noted_total && g_strcmp0 (etag, job->noted_etag) == 0)
    return;
  job->noted_total = total;
  g_free (job->noted_etag);
  job->noted_etag = g_strdup (etag);
  if (!apigo_cache_note_content (job->cache, job->task_key, job->key, total,
          etag, last_modified, &problem)) {
    APIGO_WARNING ("%s", problem->message);
    g_error_free (problem);
  }
}

static void
report_download (guint64 stored, guint64 total, gpointer user_data)
{
  ApigoJob *job = user_data;

  journal_content (job, total);
  if (job->callbacks.download_progress != NULL)
    job->callbacks.download_progress (job, stored, total, job->user_data);
}

/* Takes @error. */
static void
report_warning (ApigoJob * job, GError * error)
{
  APIGO_WARNING ("%s", error->message);
  if (job->callbacks.warning != NULL)
    job->callbacks.warning (job, error, job->user_data);
  g_error_free (error);
}

ApigoJob *
apigo_job_new (const ApigoJobSettings * settings,
    const ApigoJobCallbacks * callbacks, gpointer user_data, GError ** error)
{
  g_autoptr (ApigoJob) job = g_new0 (ApigoJob, 1);
  g_autofree gchar *default_dir = apigo_cache_default_dir ();
  GError *problem = NULL;

  job->refcount = 1;
  apigo_job_settings_copy (&job->settings, settings);
  if (callbacks != NULL)
    job->callbacks = *callbacks;
  job->user_data = user_data;
  job->key = apigo_job_settings_key (settings);
  job->task_key = apigo_job_settings_task_key (settings);
  g_mutex_init (&job->lock);
  g_cond_init (&job->ended);

  job->cache = apigo_cache_new (settings->cache_dir ? settings->cache_dir :
      default_dir, settings->cache_max_bytes, &problem);
  if (job->cache == NULL) {
    /* Documented fallback: the clip plays, nothing is kept. */
    g_prefix_error (&problem, "Nothing will be kept: ");
    report_warning (job, problem);
    problem = NULL;
  }

  job->download = apigo_cache_new_download (job->cache, job->key, &problem);
  if (job->download == NULL && job->cache != NULL) {
    g_prefix_error (&problem, "The clip will not be kept: ");
    report_warning (job, problem);
    problem = NULL;
    job->download = apigo_download_new (NULL, &problem);
  }
  if (job->download == NULL) {
    g_propagate_error (error, problem);
    return NULL;
  }

  return g_steal_pointer (&job);
}

ApigoJob *
apigo_job_ref (ApigoJob * job)
{
  g_atomic_int_inc (&job->refcount);
  return job;
}

void
apigo_job_unref (ApigoJob * job)
{
  if (job == NULL || !g_atomic_int_dec_and_test (&job->refcount))
    return;

  /* No thread runs any more (it held a reference): drop its handle. */
  if (job->thread != NULL)
    g_thread_unref (job->thread);
  apigo_job_settings_clear (&job->settings);
  if (job->download != NULL)
    apigo_download_unref (job->download);
  apigo_cache_free (job->cache);
  g_free (job->key);
  g_free (job->task_key);
  g_clear_object (&job->cancellable);
  g_free (job->video_id);
  g_free (job->idempotency_key);
  g_free (job->noted_etag);
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->ended);
  g_free (job);
}

void
apigo_job_set_log_owner (ApigoJob * job, gpointer owner)
{
  g_mutex_lock (&job->lock);
  job->log_owner = owner;
  /* From one of its callbacks: the rest of this run is told for @owner
   * (NULL: an owner letting go of the job there, which its thread may
   * outlive). */
  if (job->thread == g_thread_self ())
    apigo_log_set_owner (owner);
  g_mutex_unlock (&job->lock);
}

const ApigoJobSettings *
apigo_job_get_settings (ApigoJob * job)
{
  return &job->settings;
}

ApigoDownload *
apigo_job_get_download (ApigoJob * job)
{
  return job->download;
}

gchar *
apigo_job_dup_video_id (ApigoJob * job)
{
  gchar *id;

  g_mutex_lock (&job->lock);
  id = g_strdup (job->video_id);
  g_mutex_unlock (&job->lock);

  return id;
}

void
apigo_job_get_cost (ApigoJob * job, ApigoJobCost * cost)
{
  g_mutex_lock (&job->lock);
  *cost = job->cost;
  g_mutex_unlock (&job->lock);
}

static void
set_video_id (ApigoJob * job, const gchar * id)
{
  g_mutex_lock (&job->lock);
  /* A cost is its task's. */
  if (g_strcmp0 (job->video_id, id) != 0)
    memset (&job->cost, 0, sizeof (job->cost));
  g_free (job->video_id);
  job->video_id = g_strdup (id);
  g_mutex_unlock (&job->lock);
}

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* The error for a task that reached an end other than completed. */
static GError *
error_for_ended_task (const ApigoTask * task)
{
  GError *error;

  if (task->status == APIGO_TASK_STATUS_FAILED) {
    error = g_error_new (APIGO_ERROR, APIGO_ERROR_TASK_FAILED,
        "The service could not generate %s (%s): %s", task->id,
        task->error_code ? task->error_code : "no error code",
        task->error_message ? task->error_message : "no reason given");
    apigo_error_set_service (error, task->error_code, task->error_type,
        task->error_param);
  } else {
    error = g_error_new (APIGO_ERROR, APIGO_ERROR_TASK_ENDED,
        "Video %s ended as \"%s\" and cannot be downloaded", task->id,
        task->status_text);
  }
  apigo_error_set_video_id (error, task->id);
  return error;
}

/* Whether @error means the task is gone for good: it must be made anew
 * rather than asked for again. */
static gboolean
task_is_dead (const GError * error)
{
  return g_error_matches (error, APIGO_ERROR, APIGO_ERROR_TASK_FAILED)
      || g_error_matches (error, APIGO_ERROR, APIGO_ERROR_TASK_ENDED)
      || g_error_matches (error, APIGO_ERROR, APIGO_ERROR_NOT_FOUND);
}

/* The settings' images as a request carries them: a new array (g_free()
 * it) that points into @s. */
static ApigoCreateImage *
request_images (const ApigoJobSettings * s)
{
  ApigoCreateImage *images = g_new0 (ApigoCreateImage, MAX (s->n_images, 1));
  guint i;

  for (i = 0; i < s->n_images; i++) {
    images[i].name = s->images[i].name;
    images[i].data = s->images[i].data;
    images[i].filename = s->images[i].filename;
    images[i].content_type = s->images[i].content_type;
  }
  return images;
}

static void
fill_request (ApigoCreateRequest * request, const ApigoJobSettings * s,
    const gchar * idempotency_key, const ApigoCreateImage * images)
{
  /* Fields added later start as none. */
  memset (request, 0, sizeof (*request));
  request->kind = s->create_kind;
  request->source_id = s->source_id;
  request->model = s->model;
  request->prompt = s->prompt;
  request->size = s->size;
  request->seconds = s->seconds;
  request->input_reference = s->input_reference;
  request->input_reference_name = s->input_reference_name;
  request->input_reference_type = s->input_reference_type;
  request->parameters = s->parameters;
  request->images = images;
  request->n_images = s->n_images;
  request->idempotency_key = idempotency_key;
}

static void
journal_task (ApigoJob * job, const ApigoTask * task)
{
  GError *problem = NULL;

  if (job->cache != NULL
      && !apigo_cache_note_task (job->cache, job->task_key, task, &problem))
    report_warning (job, problem);
}

static void
journal_forget (ApigoJob * job)
{
  if (job->cache != NULL)
    apigo_cache_forget (job->cache, job->task_key);
}

/* Says so when the journal has an entry for this request that cannot be
 * read: what it remembered is lost, and a new task will be paid for. */
static void
check_journal (ApigoJob * job)
{
  g_autoptr (GError) problem = NULL;

  if (!apigo_cache_check_entry (job->cache, job->task_key, &problem))
    report_warning (job, g_error_new (problem->domain, problem->code,
            "%s. Ignoring it: a new video is created, instead of resuming "
            "a task it may name", problem->message));
}

/* A task this request already made, that the journal (or our memory of a
 * create whose answer never came) points to.  NULL: none; or with @error
 * when tasks that may be it cannot be told apart. */
static gchar *
recall_task (ApigoJob * job, ApigoClient * client, const ApigoJobSettings * s,
    GError ** error)
{
  ApigoJournalEntry entry;
  ApigoCreateRequest request = { 0, };
  g_autofree ApigoCreateImage *images = NULL;
  g_autoptr (ApigoTask) found = NULL;
  g_autoptr (GError) lookup_error = NULL;
  gint64 since;

  g_mutex_lock (&job->lock);
  since = job->create_since;
  g_mutex_unlock (&job->lock);

  if (job->cache != NULL
      && apigo_cache_recall (job->cache, job->task_key, &entry)) {
    if (entry.video_id != NULL
        && (entry.expires_at == 0 || now_unix () < entry.expires_at)) {
      gchar *id = g_steal_pointer (&entry.video_id);

      APIGO_INFO ("Resuming %s, which an earlier run created (journal)",
          id);
      apigo_journal_entry_clear (&entry);
      return id;
    }
    if (entry.creating_since > 0 && (since == 0
            || entry.creating_since < since))
      since = entry.creating_since;
    /* Should the create be sent again, it is the same request: a service
     * that honours the key makes no second task. */
    if (entry.video_id == NULL && entry.idempotency_key != NULL) {
      g_mutex_lock (&job->lock);
      g_free (job->idempotency_key);
      job->idempotency_key = g_steal_pointer (&entry.idempotency_key);
      job->create_since = since;
      g_mutex_unlock (&job->lock);
    }
    apigo_journal_entry_clear (&entry);
  } else if (job->cache != NULL) {
    APIGO_DEBUG ("No journal entry for this request");
    check_journal (job);
  }

  if (since == 0)
    return NULL;
  APIGO_INFO ("A create went out at %" G_GINT64_FORMAT " and its answer "
      "never came: looking for the task it may have made", since);

  /* A create went out and its answer never came back: the service may
   * have made (and billed) the task. */
  images = request_images (s);
  fill_request (&request, s, NULL, images);
  found = apigo_client_find_created (client, &request, since,
      job->cancellable, &lookup_error);
  if (found == NULL) {
    if (g_error_matches (lookup_error, APIGO_ERROR, APIGO_ERROR_UNCONFIRMED)
        || g_error_matches (lookup_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      g_propagate_error (error, g_steal_pointer (&lookup_error));
      return NULL;
    }
    /* None may be it (or no list to tell): the create goes again, with the
     * key it had. */
    if (lookup_error != NULL)
      APIGO_INFO ("No list of tasks to look in: %s", lookup_error->message);
    APIGO_INFO ("No task made by the create whose answer was lost: it is "
        "sent again%s", job->idempotency_key ? ", with the same "
        "Idempotency-Key" : "");
    return NULL;
  }
  APIGO_INFO ("Found %s, made by a create whose answer was lost: "
      "resuming it", found->id);
  g_mutex_lock (&job->lock);
  job->create_since = 0;
  g_mutex_unlock (&job->lock);
  journal_task (job, found);
  return g_strdup (found->id);
}

/* Points @request at the input reference fitted to the clip's size, when
 * the settings ask for that. */
static gboolean
fit_reference (ApigoJob * job, const ApigoJobSettings * s,
    ApigoCreateRequest * request, GBytes ** fitted, gchar ** fitted_type,
    GError ** error)
{
  guint width = 0, height = 0;

  if (s->reference_fit == NULL || s->input_reference == NULL
      || job->callbacks.fit_reference == NULL)
    return TRUE;
  if (s->size == NULL || sscanf (s->size, "%ux%u", &width, &height) != 2) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The input reference can only be fitted to a WIDTHxHEIGHT size");
    return FALSE;
  }
  *fitted = job->callbacks.fit_reference (job, s->input_reference,
      s->input_reference_type, width, height, job->cancellable, fitted_type,
      error, job->user_data);
  if (*fitted == NULL)
    return FALSE;
  request->input_reference = *fitted;
  request->input_reference_type = *fitted_type;
  return TRUE;
}

/* A "duration" among the parameters (OpenRouter's and other gateways'
 * length, which wins over the seconds setting): a number or its text. */
static void
find_duration (JsonObject * object, const gchar * name, JsonNode * value,
    gpointer user_data)
{
  g_autofree gchar *text = NULL;
  gdouble *duration = user_data;
  gdouble d;

  if (g_strcmp0 (name, "duration") != 0)
    return;
  text = apigo_parameters_value_text (value);
  d = g_ascii_strtod (text, NULL);
  if (isfinite (d) && d > 0)
    *duration = d;
}

/* What a create will count in seconds before the service says: what was
 * asked (the longer of the seconds setting and a duration parameter),
 * else the API's default length. */
static gdouble
seconds_asked (const ApigoJobSettings * s)
{
  gdouble seconds = s->seconds ? g_ascii_strtod (s->seconds, NULL) : 0;
  gdouble duration = 0;

  apigo_parameters_foreach (s->parameters, find_duration, &duration);
  if (!isfinite (seconds) || seconds < 0)
    seconds = 0;
  seconds = MAX (seconds, duration);
  return seconds > 0 ? seconds : 4;
}

/* The spend guard (docs/spending.md), before anything is paid: the switch
 * for URIs, the application's word, then the budget, counted under its
 * lock with the create's Idempotency-Key, so that a retry or a lost answer
 * looked for later counts once.  A ledger that cannot be written stops the
 * create only when a limit depends on it.  With @early, before anything
 * else is asked of the service (the model list): the switch and the
 * budget, counting nothing. */
static gboolean
guard_create (ApigoJob * job, const ApigoJobSettings * s,
    const ApigoCreateRequest * request, gboolean early, GError ** error)
{
  g_autofree gchar *dir = apigo_spend_default_dir ();
  ApigoSpendRequest spend = {
    .ref = job->idempotency_key,
    .kind = apigo_create_kind_name (s->create_kind),
    .model = s->create_kind == APIGO_CREATE_GENERATE ? s->model : NULL,
    .seconds = seconds_asked (s),
  };
  ApigoBudget budget;
  GError *err = NULL;

  if (!apigo_budget_load (&budget, NULL, s->budget, "the budget property",
          error))
    return FALSE;
  if (s->from_uri && budget.no_uri_generation) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_BUDGET,
        "Generation from apigo:// URIs is off (uri-generation=off in %s): "
        "a URI only plays a kept clip or a task that exists. Nothing was "
        "sent to the service.", budget.no_uri_generation_origin);
    return FALSE;
  }
  if (early) {
    if (apigo_spend_check (dir, &budget, &spend, 0, job->cancellable, &err))
      return TRUE;
    /* A ledger that cannot be read is told about by the count. */
    if (g_error_matches (err, APIGO_ERROR, APIGO_ERROR_BUDGET)
        || g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
      g_propagate_error (error, err);
      return FALSE;
    }
    g_error_free (err);
    return TRUE;
  }
  if (s->ask_application && job->callbacks.approve_create != NULL
      && !job->callbacks.approve_create (job, request, job->cancellable,
          error, job->user_data))
    return FALSE;

  if (apigo_spend_reserve (dir, &budget, &spend, 0, job->cancellable, &err))
    return TRUE;
  if (g_error_matches (err, APIGO_ERROR, APIGO_ERROR_BUDGET)
      || g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || apigo_budget_has_limits (&budget)) {
    g_propagate_error (error, err);
    return FALSE;
  }
  g_prefix_error (&err, "This create is not counted in the spend: ");
  report_warning (job, err);
  return TRUE;
}

/* Tells the ledger what the create @ref became (apigo-spend.h); a failure
 * is only a warning: the clip is made. */
static void
settle_spend (ApigoJob * job, const gchar * ref, const ApigoTask * task,
    const ApigoJobSettings * s)
{
  g_autofree gchar *dir = apigo_spend_default_dir ();
  gdouble seconds = -1;
  GError *problem = NULL;

  /* An extension's seconds are the whole stitched clip's. */
  if (task->seconds != NULL && s->create_kind != APIGO_CREATE_EXTEND)
    seconds = g_ascii_strtod (task->seconds, NULL);
  if (!apigo_spend_settle (dir, ref, task->id, seconds > 0 ? seconds : -1,
          task->has_cost, task->cost, &problem))
    report_warning (job, problem);
}

/* The same for each of the images: one fit for all.  @kept_data and
 * @kept_types hold what @images then points to. */
static gboolean
fit_images (ApigoJob * job, const ApigoJobSettings * s,
    ApigoCreateImage * images, GPtrArray * kept_data, GPtrArray * kept_types,
    GError ** error)
{
  guint width = 0, height = 0, i;

  if (s->reference_fit == NULL || s->n_images == 0
      || job->callbacks.fit_reference == NULL)
    return TRUE;
  if (s->size == NULL || sscanf (s->size, "%ux%u", &width, &height) != 2) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The images can only be fitted to a WIDTHxHEIGHT size");
    return FALSE;
  }
  for (i = 0; i < s->n_images; i++) {
    gchar *type = NULL;
    GBytes *fitted = job->callbacks.fit_reference (job, s->images[i].data,
        s->images[i].content_type, width, height, job->cancellable, &type,
        error, job->user_data);

    if (fitted == NULL) {
      g_prefix_error (error, "The %s image: ", s->images[i].name);
      return FALSE;
    }
    g_ptr_array_add (kept_data, fitted);
    g_ptr_array_add (kept_types, type);
    images[i].data = fitted;
    images[i].content_type = type;
  }
  return TRUE;
}

static ApigoTask *
create_task (ApigoJob * job, ApigoClient * client, const ApigoJobSettings * s,
    GError ** error)
{
  ApigoCreateRequest request = { 0, };
  g_autoptr (GBytes) fitted = NULL;
  g_autofree gchar *fitted_type = NULL;
  g_autofree ApigoCreateImage *images = request_images (s);
  g_autoptr (GPtrArray) fitted_data =
      g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr (GPtrArray) fitted_types =
      g_ptr_array_new_with_free_func (g_free);
  GError *problem = NULL;
  GError *err = NULL;
  gint64 since;
  ApigoTask *task;

  fill_request (&request, s, job->idempotency_key, images);
  /* What the budget or the URI switch refuses asks nothing of the
   * service; what the model does not take is refused before it is paid
   * for.  Neither says "Creating" first. */
  if (!guard_create (job, s, &request, TRUE, error)
      || !apigo_model_check_request (client, s->model_check, s->dialect,
          &request, job->cancellable, error))
    return NULL;
  report_phase (job, APIGO_JOB_PHASE_CREATING, NULL);
  /* A fit that fails or is stopped has sent nothing: no trace to leave. */
  if (!fit_reference (job, s, &request, &fitted, &fitted_type, &err)
      || !fit_images (job, s, images, fitted_data, fitted_types, &err)
      || !guard_create (job, s, &request, FALSE, &err)) {
    g_propagate_error (error, err);
    return NULL;
  }

  /* Written before the request goes: a crash in the middle still leaves a
   * trace to look for the task by, and the key to send it again with.  A
   * create sent again is the same request: it was sent first back then. */
  since = now_unix ();
  g_mutex_lock (&job->lock);
  if (job->create_since > 0 && job->create_since < since)
    since = job->create_since;
  job->create_since = since;
  g_mutex_unlock (&job->lock);
  if (job->cache != NULL
      && !apigo_cache_note_creating (job->cache, job->task_key, since,
          job->idempotency_key, &problem))
    report_warning (job, problem);

  task = apigo_client_create (client, &request, job->cancellable, &err);

  if (task != NULL) {
    g_mutex_lock (&job->lock);
    job->create_since = 0;
    g_mutex_unlock (&job->lock);
    APIGO_INFO ("Created %s", task->id);
    set_video_id (job, task->id);
    journal_task (job, task);
    settle_spend (job, job->idempotency_key, task, s);
    return task;
  }

  /* Refused outright: nothing to look for next time.  Cancelled, lost or
   * unconfirmed: the next run looks for it before creating again. */
  if (!g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && !g_error_matches (err, APIGO_ERROR, APIGO_ERROR_UNCONFIRMED)
      && !apigo_error_is_retryable (err)) {
    g_autofree gchar *dir = apigo_spend_default_dir ();
    GError *problem = NULL;

    g_mutex_lock (&job->lock);
    job->create_since = 0;
    g_mutex_unlock (&job->lock);
    journal_forget (job);
    /* The service made nothing: nothing to count. */
    if (!apigo_spend_release (dir, job->idempotency_key, &problem))
      report_warning (job, problem);
  }
  g_propagate_error (error, err);
  return NULL;
}

/* What generations alike in how long they take share: the service, what
 * is made and how. */
static gchar *
generation_kind (const ApigoJobSettings * s)
{
  return g_strdup_printf ("%s\n%s\n%s\n%s\n%d", s->base_url, s->model ?
      s->model : "", s->size ? s->size : "", s->seconds ? s->seconds : "",
      s->create_kind);
}

/* Polls @id until the task is completed, or @deadline (monotonic) passes.
 * @created_us: when this run sent the create (0: it did not), from which
 * the times of past generations tell when to look.  Returns the completed
 * task, or NULL with @error. */
static ApigoTask *
wait_for_completion (ApigoJob * job, ApigoClient * client, const gchar * id,
    ApigoTask * first, const ApigoJobSettings * s, gint64 created_us,
    gint64 deadline, GError ** error)
{
  g_autoptr (ApigoTask) task = first;
  g_autofree gchar *unknown_word = NULL;
  g_autofree gchar *kind = generation_kind (s);
  ApigoPollPlanner planner;
  gint64 wait_ms = 0;
  /* When the last two answers came (the create's, for the first). */
  gint64 asked_us = created_us, before_us = 0;

  apigo_poll_planner_init (&planner);
  if (job->cache != NULL && created_us > 0)
    apigo_poll_planner_expect (&planner, created_us,
        apigo_cache_typical_generation_ms (job->cache, kind));
  /* The create's answer was the first look: no poll right after it. */
  if (task != NULL)
    wait_ms = apigo_poll_planner_next_ms (&planner, g_get_monotonic_time (),
        task->progress, s->poll_interval_ms);
  report_phase (job, APIGO_JOB_PHASE_GENERATING, NULL);

  for (;;) {
    g_autoptr (GError) poll_error = NULL;
    ApigoTask *latest;
    gint64 hint_ms = -1;
    gint64 left_ms;

    if (task != NULL) {
      /* It ended between the last two answers: the middle, for the next
       * generations of its kind. */
      if (task->status == APIGO_TASK_STATUS_COMPLETED && job->cache != NULL
          && created_us > 0 && before_us > 0)
        apigo_cache_note_generation (job->cache, kind,
            ((before_us + asked_us) / 2 - created_us) / 1000);
      if (task->status == APIGO_TASK_STATUS_COMPLETED)
        return g_steal_pointer (&task);
      if (apigo_task_status_is_final (task->status)) {
        g_propagate_error (error, error_for_ended_task (task));
        return NULL;
      }
      /* Gateways have words of their own: wait them out, say so once. */
      if (task->status == APIGO_TASK_STATUS_UNKNOWN
          && g_strcmp0 (unknown_word, task->status_text) != 0) {
        APIGO_INFO ("%s has a status we do not know (\"%s\"): still "
            "waiting", id, task->status_text);
        g_free (unknown_word);
        unknown_word = g_strdup (task->status_text);
      }
    }

    left_ms = (deadline - g_get_monotonic_time ()) / 1000;
    if (left_ms <= 0 || !apigo_retry_sleep (job->cancellable,
            MIN (wait_ms, left_ms)))
      break;

    /* The client asks again after failed or garbled answers, until the
     * deadline: only a dead task ends the wait. */
    latest = apigo_client_poll (client, id, &hint_ms, job->cancellable,
        &poll_error);
    if (latest == NULL) {
      if (g_error_matches (poll_error, APIGO_ERROR, APIGO_ERROR_TIMEOUT))
        break;
      g_propagate_error (error, g_steal_pointer (&poll_error));
      return NULL;
    }

    before_us = asked_us;
    asked_us = g_get_monotonic_time ();
    if (task == NULL || task->status != latest->status
        || task->progress != latest->progress
        || g_strcmp0 (task->status_text, latest->status_text) != 0
        || (latest->has_cost && (!task->has_cost
                || task->cost != latest->cost)))
      report_task (job, latest);
    g_clear_pointer (&task, apigo_task_free);
    task = latest;

    /* The service's own hint wins over our guess. */
    wait_ms = apigo_poll_planner_next_ms (&planner, g_get_monotonic_time (),
        task->progress, s->poll_interval_ms);
    if (hint_ms >= 0)
      wait_ms = CLAMP (hint_ms, POLL_HINT_MIN_MS, POLL_HINT_MAX_MS);
  }

  if (g_cancellable_is_cancelled (job->cancellable)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
    return NULL;
  }
  apigo_set_video_error (error, APIGO_ERROR_TIMEOUT, id,
      "Gave up waiting for %s after %u s (last status: %s). The service "
      "may still finish it: set video-id=%s to pick it up later", id,
      s->timeout_s, task ? task->status_text : "unknown", id);
  return NULL;
}

/* Downloads the clip: the client continues cuts and checks every answer. */
static gboolean
download_clip (ApigoJob * job, ApigoClient * client, const ApigoTask * task,
    const ApigoJobSettings * s, GError ** error)
{
  GError *err = NULL;

  report_phase (job, APIGO_JOB_PHASE_DOWNLOADING, NULL);
  /* Continue what an earlier run (perhaps killed) stored. */
  if (job->cache != NULL
      && !apigo_cache_attach_part (job->cache, job->task_key, job->key,
          job->download, &err))
    report_warning (job, g_steal_pointer (&err));
  if (apigo_client_download (client, task->id, s->variant, job->download,
          report_download, job, job->cancellable, &err))
    return TRUE;

  /* A 404 once the clip's time is up says more than "not found". */
  if (g_error_matches (err, APIGO_ERROR, APIGO_ERROR_NOT_FOUND)
      && task->expires_at > 0 && now_unix () >= task->expires_at) {
    g_autoptr (GDateTime) at = g_date_time_new_from_unix_utc
        (task->expires_at);
    g_autofree gchar *when = g_date_time_format_iso8601 (at);

    g_clear_error (&err);
    apigo_set_video_error (&err, APIGO_ERROR_TASK_ENDED, task->id,
        "The clip of %s expired at %s and can no longer be downloaded",
        task->id, when);
  }
  g_propagate_error (error, err);
  return FALSE;
}

static ApigoClient *
new_client (const ApigoJobSettings * s, GError ** error)
{
  ApigoClientOptions options = {
    .base_url = s->base_url,
    .api_key = s->api_key,
    .dialect = s->dialect,
    .api_version = s->api_version,
    .user_agent = s->user_agent,
    .ca_file = s->ca_file,
    .retries = s->retries,
    .allow_plain_http = s->allow_plain_http,
  };

  if (s->dialect != APIGO_DIALECT_OPENAI)
    APIGO_INFO ("Speaking dialect %s (api-version=%s) to %s",
        apigo_dialect_name (s->dialect), s->api_version, s->base_url);
  return apigo_client_new_full (&options, error);
}

static void
on_client_notice (GError * message, gpointer user_data)
{
  report_warning (user_data, message);
}

static void
on_client_retry (const GError * error, gint64 wait_ms, gpointer user_data)
{
  ApigoJob *job = user_data;

  if (job->callbacks.retrying != NULL)
    job->callbacks.retrying (job, error, wait_ms, job->user_data);
}

/* delete-remote: the service forgets task @id, and the cache learns it (the
 * clips of that task are not deleted again, the journal lets it go).  A
 * task already gone (404) is as good as deleted. */
static void
delete_task (ApigoJob * job, ApigoClient * client, const gchar * id,
    gint64 deadline)
{
  GError *problem = NULL;

  apigo_client_set_deadline (client, MIN (deadline,
          g_get_monotonic_time () + DELETE_TIMEOUT));
  if (apigo_client_delete (client, id, job->cancellable, &problem)) {
    APIGO_INFO ("Deleted %s from the service (delete-remote)", id);
  } else if (g_error_matches (problem, APIGO_ERROR, APIGO_ERROR_NOT_FOUND)) {
    APIGO_INFO ("%s is gone from the service already: %s", id,
        problem->message);
    g_clear_error (&problem);
  } else {
    g_prefix_error (&problem, "The video stays on the service: ");
    report_warning (job, problem);
    return;
  }
  journal_forget (job);
  if (job->cache != NULL)
    apigo_cache_note_deleted (job->cache, id);
}

/* A kept clip played: with delete-remote, its task is deleted from the
 * service once, if no run did it before. */
static void
delete_replayed_task (ApigoJob * job, const ApigoJobSettings * s,
    const ApigoKeptClip * kept, gint64 deadline)
{
  g_autoptr (ApigoClient) client = NULL;
  GError *problem = NULL;

  if (!s->delete_remote || kept->video_id == NULL)
    return;
  if (kept->remote_deleted) {
    APIGO_DEBUG ("%s was deleted from the service before", kept->video_id);
    return;
  }
  client = new_client (s, &problem);
  if (client == NULL) {
    g_prefix_error (&problem, "The video stays on the service: ");
    report_warning (job, problem);
    return;
  }
  delete_task (job, client, kept->video_id, deadline);
}

/* Before its bytes can be read: the reader that reaches its end tells
 * what it played (video id, cost) at once. */
static void
take_kept_clip (const ApigoKeptClip * kept, gpointer user_data)
{
  ApigoJob *job = user_data;

  if (kept->video_id != NULL)
    set_video_id (job, kept->video_id);
  /* Spent by the run that kept it: nothing is spent now. */
  g_mutex_lock (&job->lock);
  job->cost.known = kept->has_cost;
  job->cost.usd = kept->has_cost ? kept->cost : 0;
  job->cost.replayed = TRUE;
  g_mutex_unlock (&job->lock);
}

static gboolean
open_clip_of_task (ApigoJob * job, const ApigoJobSettings * s,
    ApigoKeptClip ** kept)
{
  g_autofree gchar *key = NULL;

  if (s->video_id == NULL)
    return FALSE;
  key = apigo_cache_find_clip_of_task (job->cache, s->base_url, s->video_id,
      s->variant);
  if (key == NULL)
    return FALSE;
  APIGO_INFO ("%s was kept by the request that made it", s->video_id);
  return apigo_cache_open_clip_full (job->cache, key, job->download,
      take_kept_clip, job, kept);
}

/* @clip_missing: set when the task is completed but its content answers
 * 404 before it expires: the task is not gone for that. */
static gboolean
run (ApigoJob * job, const ApigoJobSettings * s, ApigoLock * lock,
    gboolean * clip_missing, GError ** error)
{
  g_autoptr (ApigoClient) client = NULL;
  g_autoptr (ApigoTask) task = NULL;
  g_autoptr (ApigoKeptClip) kept = NULL;
  g_autofree gchar *id = NULL;
  gboolean remembered;
  gboolean clip_kept = FALSE;
  /* The timeout counts from the first request: the create is included. */
  gint64 deadline = s->timeout_s ?
      g_get_monotonic_time () + s->timeout_s * G_TIME_SPAN_SECOND : G_MAXINT64;

  /* A clip kept from before: not a single request (but delete-remote's,
   * once the clip plays).  Attaching to a task, the clip its own request
   * kept will do (apigo://video/ID after gst-apigo generate): the
   * service's content may have expired since. */
  if (job->cache != NULL && s->reuse
      && (apigo_cache_open_clip_full (job->cache, job->key, job->download,
              take_kept_clip, job, &kept)
          || open_clip_of_task (job, s, &kept))) {
    guint64 size = apigo_download_get_stored (job->download);

    APIGO_INFO ("Playing the kept clip of %s",
        kept->video_id ? kept->video_id : "an earlier run");
    report_download (size, size, job);
    delete_replayed_task (job, s, kept, deadline);
    return TRUE;
  }

  client = new_client (s, error);
  if (client == NULL)
    return FALSE;
  /* Every request, every retry's wait, every phase ends by then. */
  apigo_client_set_deadline (client, deadline);
  apigo_client_set_notice_func (client, on_client_notice, job);
  apigo_client_set_retry_func (client, on_client_retry, job);

  id = g_strdup (s->video_id);
  if (id != NULL) {
    APIGO_INFO ("Attaching to %s (video-id)", id);
  } else if ((id = apigo_job_dup_video_id (job)) != NULL) {
    APIGO_INFO ("Going on with %s, which this job created", id);
  } else if (!s->reuse) {
    APIGO_INFO ("reuse=false: a new video, whatever is kept");
  }
  if (id == NULL && s->reuse) {
    GError *err = NULL;

    id = recall_task (job, client, s, &err);
    if (err != NULL) {
      g_propagate_error (error, err);
      return FALSE;
    }
  }
  remembered = id != NULL && s->video_id == NULL;

  for (;;) {
    GError *err = NULL;
    gint64 created_us = 0;

    if (id == NULL) {
      task = create_task (job, client, s, error);
      if (task == NULL)
        return FALSE;
      created_us = g_get_monotonic_time ();
      id = g_strdup (task->id);
      report_task (job, task);
    } else {
      set_video_id (job, id);
    }

    task = wait_for_completion (job, client, id, g_steal_pointer (&task), s,
        created_us, deadline, &err);
    if (task != NULL)
      break;
    /* A remembered task that is gone: make the clip anew, once. */
    if (remembered && task_is_dead (err)) {
      APIGO_INFO ("%s is no more (%s): creating the clip anew", id,
          err->message);
      journal_forget (job);
      g_clear_pointer (&id, g_free);
      remembered = FALSE;
      /* A new create, paid anew: the dead task's key would bring it back
       * (or, where the key is ignored, go uncounted in the ledger). */
      g_mutex_lock (&job->lock);
      g_free (job->idempotency_key);
      job->idempotency_key = g_uuid_string_random ();
      g_mutex_unlock (&job->lock);
      g_error_free (err);
      continue;
    }
    g_propagate_error (error, err);
    return FALSE;
  }

  settle_spend (job, job->idempotency_key, task, s);

  if (!download_clip (job, client, task, s, error)) {
    /* A gateway may serve it later: the journal keeps the task until the
     * clip is kept or the task is gone (a 404 for the task itself, failed,
     * expired: download_clip() tells the clip's expiry from a 404). */
    *clip_missing = g_error_matches (*error, APIGO_ERROR,
        APIGO_ERROR_NOT_FOUND);
    return FALSE;
  }

  if (job->cache != NULL) {
    GError *problem = NULL;
    ApigoJobCost cost;
    /* What was asked; what the task says where we left it to the service
     * (a remix keeps its source's model and size). */
    ApigoKeptClip about = {
      .video_id = id,
      .prompt = s->prompt ? s->prompt : task->prompt,
      .model = task->model ? task->model : s->model,
      .size = task->size ? task->size : s->size,
      .seconds = task->seconds ? task->seconds : s->seconds,
      .variant = s->variant,
      .base_url = s->base_url,
    };

    apigo_job_get_cost (job, &cost);
    about.has_cost = cost.known && !cost.replayed;
    about.cost = cost.usd;
    clip_kept = apigo_cache_keep_clip (job->cache, job->key, job->download,
        &about, &problem) && s->cache_max_bytes > 0;
    if (problem != NULL)
      report_warning (job, problem);
  }

  /* Runs waiting their turn for this request replay the kept clip; with
   * none kept they need the task: the last of them deletes it. */
  if (s->delete_remote && !clip_kept && apigo_lock_has_waiters (lock)) {
    APIGO_INFO ("Other runs wait for %s: leaving its deletion to them", id);
  } else if (s->delete_remote) {
    /* The clip is safe here: the service may forget it. */
    delete_task (job, client, id, deadline);
  }
  return TRUE;
}

static void
on_lock_busy (const gchar * path, gpointer user_data)
{
  ApigoJob *job = user_data;

  APIGO_DEBUG ("Waiting for the run that holds %s, then playing what it "
      "made", path);
  report_phase (job, APIGO_JOB_PHASE_WAITING, NULL);
}

/* Runs of one request (same key) with one cache directory, in any
 * process, take turns: the lock is held from before the kept clip and the
 * journal are looked at until the clip is kept, so that a later run finds
 * the clip (or the task) instead of paying again.  The variants of one
 * request (video, thumbnail, sprite sheet) share a task, and so the lock:
 * a thumbnail asked for while its video generates waits for it, then takes
 * its image from the same task.  FALSE only when cancelled while waiting. */
static gboolean
lock_request (ApigoJob * job, ApigoLock ** lock, GError ** error)
{
  GError *err = NULL;

  /* Nothing kept, nothing to share. */
  if (job->cache == NULL)
    return TRUE;

  *lock = apigo_lock_acquire (apigo_cache_get_dir (job->cache),
      job->task_key, on_lock_busy, job, job->cancellable, &err);
  if (*lock != NULL)
    return TRUE;
  if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    g_propagate_error (error, err);
    return FALSE;
  }
  g_prefix_error (&err, "Runs of the same request elsewhere may pay for it "
      "again: ");
  report_warning (job, err);
  return TRUE;
}

static gpointer
job_thread (gpointer data)
{
  ApigoJob *job = data;
  ApigoJobSettings settings = { 0 };
  g_autoptr (GError) error = NULL;
  ApigoLock *lock = NULL;
  gboolean clip_missing = FALSE;

  g_mutex_lock (&job->lock);
  apigo_job_settings_copy (&settings, &job->settings);
  apigo_log_set_owner (job->log_owner);
  g_mutex_unlock (&job->lock);

  if (lock_request (job, &lock, &error)
      && run (job, &settings, lock, &clip_missing, &error)) {
    report_phase (job, APIGO_JOB_PHASE_DONE, NULL);
  } else {
    /* The id stays readable (it names the task that failed); the next
     * start replaces it. */
    if (settings.video_id == NULL && task_is_dead (error) && !clip_missing) {
      g_mutex_lock (&job->lock);
      job->task_dead = TRUE;
      g_mutex_unlock (&job->lock);
      journal_forget (job);
    }
    /* Name the setting that ended it, and what a rerun saves. */
    if (g_error_matches (error, APIGO_ERROR, APIGO_ERROR_TIMEOUT)
        && strstr (error->message, "timeout=") == NULL) {
      gchar *text = g_strdup_printf ("%s (timeout=%u s; a rerun with the "
          "same settings continues from there)", error->message,
          settings.timeout_s);

      g_free (error->message);
      error->message = text;
    }
    /* Readers waiting for bytes learn why they will not come.  An empty
     * partial download is nothing to continue: it goes now, not when the
     * element does. */
    apigo_download_fail (job->download, error);
    apigo_download_drop_empty_file (job->download);
    report_phase (job, g_error_matches (error, G_IO_ERROR,
            G_IO_ERROR_CANCELLED) ? APIGO_JOB_PHASE_CANCELLED :
        APIGO_JOB_PHASE_FAILED, error);
  }
  /* Once the journal says how this run ended. */
  apigo_lock_release (lock);

  apigo_job_settings_clear (&settings);
  g_mutex_lock (&job->lock);
  job->running = FALSE;
  g_cond_broadcast (&job->ended);
  g_mutex_unlock (&job->lock);
  apigo_job_unref (job);
  apigo_log_set_owner (NULL);
  return NULL;
}

void
apigo_job_start (ApigoJob * job, const ApigoJobSettings * settings)
{
  GThread *ended = NULL;

  g_return_if_fail (apigo_job_settings_same_clip (&job->settings, settings));

  g_mutex_lock (&job->lock);
  /* A thread told to stop (perhaps by itself, from a callback) is about to
   * end: wait for it rather than take it for a running one. */
  if (job->thread != NULL && job->thread != g_thread_self ()
      && (!job->running || g_cancellable_is_cancelled (job->cancellable))) {
    ended = g_steal_pointer (&job->thread);
    g_mutex_unlock (&job->lock);
    g_thread_join (ended);
    g_mutex_lock (&job->lock);
  }

  if (job->running || apigo_download_is_complete (job->download)) {
    g_mutex_unlock (&job->lock);
    return;
  }

  if (job->task_dead) {
    g_clear_pointer (&job->video_id, g_free);
    memset (&job->cost, 0, sizeof (job->cost));
    g_clear_pointer (&job->idempotency_key, g_free);
    job->create_since = 0;
    apigo_download_reset (job->download);
    job->task_dead = FALSE;
  }
  apigo_job_settings_clear (&job->settings);
  apigo_job_settings_copy (&job->settings, settings);
  if (job->idempotency_key == NULL)
    job->idempotency_key = g_uuid_string_random ();
  g_clear_object (&job->cancellable);
  job->cancellable = g_cancellable_new ();
  /* A previous run may have failed; what it stored stays good. */
  apigo_download_clear_error (job->download);
  if (job->thread != NULL)
    g_thread_unref (job->thread);
  job->running = TRUE;
  job->thread = g_thread_new ("apigo-job", job_thread, apigo_job_ref (job));
  g_mutex_unlock (&job->lock);
}

void
apigo_job_stop (ApigoJob * job)
{
  g_autoptr (GCancellable) cancellable = NULL;
  GThread *thread = NULL;

  g_mutex_lock (&job->lock);
  if (job->cancellable != NULL)
    cancellable = g_object_ref (job->cancellable);
  /* From the job's own thread (a callback that stops the pipeline) there
   * is nothing to wait for: the thread ends once the callback returns. */
  if (job->thread != NULL && job->thread != g_thread_self ())
    thread = g_steal_pointer (&job->thread);
  /* Once every byte is in, what is left (keeping the clip, delete-remote)
   * is quick and asked for: a pipeline stopping at EOS must not cancel it.
   * A few seconds at most, though: stopping must not hang on a network. */
  if (thread != NULL && apigo_download_is_complete (job->download)) {
    gint64 until = g_get_monotonic_time () + FINISH_GRACE;

    while (job->running)
      if (!g_cond_wait_until (&job->ended, &job->lock, until))
        break;
  }
  g_mutex_unlock (&job->lock);

  /* Outside the lock: cancelling runs libsoup's handlers. */
  if (cancellable != NULL)
    g_cancellable_cancel (cancellable);
  if (thread != NULL)
    g_thread_join (thread);
}

static void
wake_waiters (GCancellable * cancellable, ApigoJob * job)
{
  g_mutex_lock (&job->lock);
  g_cond_broadcast (&job->ended);
  g_mutex_unlock (&job->lock);
}

gboolean
apigo_job_wait (ApigoJob * job, GCancellable * cancellable)
{
  gulong handler = 0;
  gboolean ended;

  /* Connected before locking: it runs at once if already cancelled. */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (wake_waiters),
        job, NULL);
  g_mutex_lock (&job->lock);
  while (job->running && !g_cancellable_is_cancelled (cancellable))
    g_cond_wait (&job->ended, &job->lock);
  ended = !job->running;
  g_mutex_unlock (&job->lock);
  if (cancellable != NULL)
    g_cancellable_disconnect (cancellable, handler);
  return ended;
}
