/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "apigo-job"

#include "apigo-job.h"

#include <string.h>

/* The service's poll hint is obeyed within these bounds. */
#define POLL_HINT_MIN_MS 50
#define POLL_HINT_MAX_MS (60 * 1000)

struct _ApigoJob
{
  gint refcount;                /* the owner's, and the thread's while it runs */
  ApigoJobSettings settings;
  ApigoJobCallbacks callbacks;
  gpointer user_data;
  ApigoDownload *download;

  GMutex lock;
  GThread *thread;              /* running, or ended and not yet joined */
  gboolean running;
  GCancellable *cancellable;
  gchar *video_id;              /* created or attached task */
  gboolean task_dead;           /* it failed or vanished: make a new one */
  gchar *idempotency_key;       /* one per clip, kept across retries */
};

void
apigo_job_settings_clear (ApigoJobSettings * s)
{
  g_clear_pointer (&s->base_url, g_free);
  if (s->api_key != NULL)
    memset (s->api_key, 0, strlen (s->api_key));
  g_clear_pointer (&s->api_key, g_free);
  g_clear_pointer (&s->user_agent, g_free);
  g_clear_pointer (&s->model, g_free);
  g_clear_pointer (&s->prompt, g_free);
  g_clear_pointer (&s->size, g_free);
  g_clear_pointer (&s->seconds, g_free);
  g_clear_pointer (&s->input_reference, g_bytes_unref);
  g_clear_pointer (&s->input_reference_name, g_free);
  g_clear_pointer (&s->input_reference_type, g_free);
  g_clear_pointer (&s->video_id, g_free);
  g_clear_pointer (&s->variant, g_free);
}

void
apigo_job_settings_copy (ApigoJobSettings * dest, const ApigoJobSettings * src)
{
  dest->base_url = g_strdup (src->base_url);
  dest->api_key = g_strdup (src->api_key);
  dest->user_agent = g_strdup (src->user_agent);
  dest->model = g_strdup (src->model);
  dest->prompt = g_strdup (src->prompt);
  dest->size = g_strdup (src->size);
  dest->seconds = g_strdup (src->seconds);
  dest->input_reference =
      src->input_reference ? g_bytes_ref (src->input_reference) : NULL;
  dest->input_reference_name = g_strdup (src->input_reference_name);
  dest->input_reference_type = g_strdup (src->input_reference_type);
  dest->video_id = g_strdup (src->video_id);
  dest->variant = g_strdup (src->variant);
  dest->poll_interval_ms = src->poll_interval_ms;
  dest->timeout_s = src->timeout_s;
}

static gboolean
same_bytes (GBytes * a, GBytes * b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_bytes_equal (a, b);
}

gboolean
apigo_job_settings_same_clip (const ApigoJobSettings * a,
    const ApigoJobSettings * b)
{
  return g_strcmp0 (a->base_url, b->base_url) == 0
      && g_strcmp0 (a->model, b->model) == 0
      && g_strcmp0 (a->prompt, b->prompt) == 0
      && g_strcmp0 (a->size, b->size) == 0
      && g_strcmp0 (a->seconds, b->seconds) == 0
      && same_bytes (a->input_reference, b->input_reference)
      && g_strcmp0 (a->video_id, b->video_id) == 0
      && g_strcmp0 (a->variant, b->variant) == 0;
}

const gchar *
apigo_job_phase_to_string (ApigoJobPhase phase)
{
  switch (phase) {
    case APIGO_JOB_PHASE_IDLE:
      return "idle";
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

ApigoJob *
apigo_job_new (const ApigoJobSettings * settings,
    const ApigoJobCallbacks * callbacks, gpointer user_data, GError ** error)
{
  ApigoDownload *download = apigo_download_new (NULL, error);
  ApigoJob *job;

  if (download == NULL)
    return NULL;

  job = g_new0 (ApigoJob, 1);
  job->refcount = 1;
  apigo_job_settings_copy (&job->settings, settings);
  if (callbacks != NULL)
    job->callbacks = *callbacks;
  job->user_data = user_data;
  job->download = download;
  g_mutex_init (&job->lock);

  return job;
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
  apigo_download_unref (job->download);
  g_clear_object (&job->cancellable);
  g_free (job->video_id);
  g_free (job->idempotency_key);
  g_mutex_clear (&job->lock);
  g_free (job);
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

static void
report_phase (ApigoJob * job, ApigoJobPhase phase, const GError * error)
{
  if (job->callbacks.phase_changed != NULL)
    job->callbacks.phase_changed (job, phase, error, job->user_data);
}

static void
report_task (ApigoJob * job, const ApigoTask * task)
{
  if (job->callbacks.task_changed != NULL)
    job->callbacks.task_changed (job, task, job->user_data);
}

static void
report_download (guint64 stored, guint64 total, gpointer user_data)
{
  ApigoJob *job = user_data;

  if (job->callbacks.download_progress != NULL)
    job->callbacks.download_progress (job, stored, total, job->user_data);
}

/* Sleeps @ms unless cancelled first; FALSE when cancelled. */
static gboolean
sleep_cancellable (GCancellable * cancellable, gint64 ms)
{
  GPollFD pfd;

  if (ms <= 0)
    return !g_cancellable_is_cancelled (cancellable);

  if (g_cancellable_make_pollfd (cancellable, &pfd)) {
    g_poll (&pfd, 1, (gint) MIN (ms, G_MAXINT));
    g_cancellable_release_fd (cancellable);
  } else {
    g_usleep (ms * 1000);
  }
  return !g_cancellable_is_cancelled (cancellable);
}

static gboolean
is_passing_fault (const GError * error)
{
  return g_error_matches (error, APIGO_ERROR, APIGO_ERROR_TRANSIENT)
      || g_error_matches (error, APIGO_ERROR, APIGO_ERROR_NETWORK);
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

static ApigoTask *
create_task (ApigoJob * job, ApigoClient * client, const ApigoJobSettings * s,
    GError ** error)
{
  ApigoCreateRequest request = {
    .model = s->model,
    .prompt = s->prompt,
    .size = s->size,
    .seconds = s->seconds,
    .input_reference = s->input_reference,
    .input_reference_name = s->input_reference_name,
    .input_reference_type = s->input_reference_type,
    .idempotency_key = job->idempotency_key,
  };
  ApigoTask *task;

  report_phase (job, APIGO_JOB_PHASE_CREATING, NULL);
  task = apigo_client_create (client, &request, job->cancellable, error);
  if (task == NULL)
    return NULL;

  g_mutex_lock (&job->lock);
  g_free (job->video_id);
  job->video_id = g_strdup (task->id);
  g_mutex_unlock (&job->lock);

  return task;
}

/* Polls @id until the task is completed, or @deadline (monotonic) passes;
 * FALSE with @error otherwise. */
static gboolean
wait_for_completion (ApigoJob * job, ApigoClient * client, const gchar * id,
    ApigoTask * first, const ApigoJobSettings * s, gint64 deadline,
    GError ** error)
{
  g_autoptr (ApigoTask) task = first;
  g_autofree gchar *unknown_word = NULL;
  gboolean last_poll = FALSE;
  gint64 wait_ms = 0;

  report_phase (job, APIGO_JOB_PHASE_GENERATING, NULL);

  for (;;) {
    g_autoptr (GError) poll_error = NULL;
    ApigoTask *latest;
    gint64 hint_ms = -1;
    gint64 left_ms;

    if (task != NULL) {
      if (task->status == APIGO_TASK_STATUS_COMPLETED)
        return TRUE;
      if (apigo_task_status_is_final (task->status)) {
        g_propagate_error (error, error_for_ended_task (task));
        return FALSE;
      }
      /* Gateways have words of their own: wait them out, say so once. */
      if (task->status == APIGO_TASK_STATUS_UNKNOWN
          && g_strcmp0 (unknown_word, task->status_text) != 0) {
        g_debug ("%s has a status we do not know (\"%s\"): still waiting",
            id, task->status_text);
        g_free (unknown_word);
        unknown_word = g_strdup (task->status_text);
      }
    }

    if (last_poll) {
      apigo_set_video_error (error, APIGO_ERROR_TIMEOUT, id,
          "Gave up waiting for %s after %u s (last status: %s). The service "
          "may still finish it: set video-id=%s to pick it up later", id,
          s->timeout_s, task ? task->status_text : "unknown", id);
      return FALSE;
    }

    left_ms = (deadline - g_get_monotonic_time ()) / 1000;
    if (!sleep_cancellable (job->cancellable, CLAMP (wait_ms, 0, left_ms)))
      break;
    /* Once the deadline has come, one last look, then give up. */
    last_poll = g_get_monotonic_time () >= deadline;

    latest = apigo_client_retrieve (client, id, &hint_ms, job->cancellable,
        &poll_error);
    if (latest == NULL) {
      if (!is_passing_fault (poll_error)) {
        g_propagate_error (error, g_steal_pointer (&poll_error));
        return FALSE;
      }
      /* A poll is not worth failing a generation for: ask again later. */
      g_debug ("Asking for %s failed, will ask again: %s", id,
          poll_error->message);
      wait_ms = MAX (s->poll_interval_ms, 1000);
      continue;
    }

    if (task == NULL || task->status != latest->status
        || task->progress != latest->progress
        || g_strcmp0 (task->status_text, latest->status_text) != 0)
      report_task (job, latest);
    g_clear_pointer (&task, apigo_task_free);
    task = latest;

    wait_ms = hint_ms >= 0 ? CLAMP (hint_ms, POLL_HINT_MIN_MS,
        POLL_HINT_MAX_MS) : (gint64) s->poll_interval_ms;
  }

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  return FALSE;
}

static gboolean
run (ApigoJob * job, const ApigoJobSettings * s, GError ** error)
{
  g_autoptr (ApigoClient) client = NULL;
  g_autoptr (ApigoTask) created = NULL;
  g_autofree gchar *id = NULL;
  /* The timeout counts from the first request: the create is included. */
  gint64 deadline = s->timeout_s ?
      g_get_monotonic_time () + s->timeout_s * G_TIME_SPAN_SECOND : G_MAXINT64;

  client = apigo_client_new (s->base_url, s->api_key, s->user_agent, error);
  if (client == NULL)
    return FALSE;

  id = g_strdup (s->video_id);
  if (id == NULL)
    id = apigo_job_dup_video_id (job);

  if (id == NULL) {
    created = create_task (job, client, s, error);
    if (created == NULL)
      return FALSE;
    id = g_strdup (created->id);
    report_task (job, created);
  } else {
    g_mutex_lock (&job->lock);
    if (job->video_id == NULL)
      job->video_id = g_strdup (id);
    g_mutex_unlock (&job->lock);
  }

  if (!wait_for_completion (job, client, id, g_steal_pointer (&created), s,
          deadline, error))
    return FALSE;

  report_phase (job, APIGO_JOB_PHASE_DOWNLOADING, NULL);
  return apigo_client_download (client, id, s->variant, job->download,
      report_download, job, job->cancellable, error);
}

/* Whether @error means the task we made is gone for good: the next start
 * must make a new one rather than ask for this one again. */
static gboolean
task_is_dead (const GError * error)
{
  return g_error_matches (error, APIGO_ERROR, APIGO_ERROR_TASK_FAILED)
      || g_error_matches (error, APIGO_ERROR, APIGO_ERROR_TASK_ENDED)
      || g_error_matches (error, APIGO_ERROR, APIGO_ERROR_NOT_FOUND);
}

static gpointer
job_thread (gpointer data)
{
  ApigoJob *job = data;
  ApigoJobSettings settings = { 0 };
  g_autoptr (GError) error = NULL;

  g_mutex_lock (&job->lock);
  apigo_job_settings_copy (&settings, &job->settings);
  g_mutex_unlock (&job->lock);

  if (run (job, &settings, &error)) {
    report_phase (job, APIGO_JOB_PHASE_DONE, NULL);
  } else {
    /* The id stays readable (it names the task that failed); the next
     * start replaces it. */
    if (settings.video_id == NULL && task_is_dead (error)) {
      g_mutex_lock (&job->lock);
      job->task_dead = TRUE;
      g_mutex_unlock (&job->lock);
    }
    /* Readers waiting for bytes learn why they will not come. */
    apigo_download_fail (job->download, error);
    report_phase (job, g_error_matches (error, G_IO_ERROR,
            G_IO_ERROR_CANCELLED) ? APIGO_JOB_PHASE_CANCELLED :
        APIGO_JOB_PHASE_FAILED, error);
  }

  apigo_job_settings_clear (&settings);
  g_mutex_lock (&job->lock);
  job->running = FALSE;
  g_mutex_unlock (&job->lock);
  apigo_job_unref (job);
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
    g_clear_pointer (&job->idempotency_key, g_free);
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
  g_mutex_unlock (&job->lock);

  /* Outside the lock: cancelling runs libsoup's handlers. */
  if (cancellable != NULL)
    g_cancellable_cancel (cancellable);
  if (thread != NULL)
    g_thread_join (thread);
}
