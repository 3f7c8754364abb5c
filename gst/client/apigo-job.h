/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_JOB_H__
#define __APIGO_JOB_H__

#include "apigo-client.h"
#include "apigo-job-settings.h"

G_BEGIN_DECLS

/* One generation, end to end: play a kept clip, or resume the task a
 * journal remembers, or create one; poll it until it is completed; download
 * the clip into a download store, resuming after cuts; keep it.  It runs on
 * a thread of its own so that readers take bytes from the store while they
 * arrive.  Stopped and started again, it picks up its task instead of
 * paying for another.  Runs of the same request with the same cache
 * directory, in any process, take turns (see apigo-lock.h): the later ones
 * play what the first one made. */
typedef struct _ApigoJob ApigoJob;

typedef enum
{
  APIGO_JOB_PHASE_IDLE,
  APIGO_JOB_PHASE_WAITING,      /* for another run of the same request */
  APIGO_JOB_PHASE_CREATING,
  APIGO_JOB_PHASE_GENERATING,
  APIGO_JOB_PHASE_DOWNLOADING,
  APIGO_JOB_PHASE_DONE,
  APIGO_JOB_PHASE_FAILED,
  APIGO_JOB_PHASE_CANCELLED,
} ApigoJobPhase;

const gchar *apigo_job_phase_to_string (ApigoJobPhase phase);

/* Called from the job's thread (warning also from apigo_job_new()). */
typedef struct
{
  /* @error is set for FAILED and CANCELLED. */
  void (*phase_changed) (ApigoJob * job, ApigoJobPhase phase,
      const GError * error, gpointer user_data);
  /* The task as last reported by the service (status, progress). */
  void (*task_changed) (ApigoJob * job, const ApigoTask * task,
      gpointer user_data);
  /* Bytes stored so far; total 0 while unknown. */
  void (*download_progress) (ApigoJob * job, guint64 stored, guint64 total,
      gpointer user_data);
  /* Something did not work that the generation can do without (the cache
   * directory, the journal). */
  void (*warning) (ApigoJob * job, const GError * error, gpointer user_data);
  /* The input reference as it is to be sent, fitted to @width x @height
   * as settings->reference_fit says; NULL with @error when it cannot be.
   * It returns at once (G_IO_ERROR_CANCELLED) when @cancellable, the
   * job's, is cancelled: a stop does not wait for it. */
  GBytes *(*fit_reference) (ApigoJob * job, GBytes * image,
      const gchar * mime_type, guint width, guint height,
      GCancellable * cancellable, gchar ** out_type, GError ** error,
      gpointer user_data);
  /* settings->ask_application: whether @request may go out; FALSE with
   * @error (APIGO_ERROR_BUDGET: refused) when not.  Returns at once when
   * @cancellable is cancelled. */
  gboolean (*approve_create) (ApigoJob * job,
      const ApigoCreateRequest * request, GCancellable * cancellable,
      GError ** error, gpointer user_data);
  /* A request failed with @error and is tried again in @wait_ms (any
   * request of the job: create, poll, download). */
  void (*retrying) (ApigoJob * job, const GError * error, gint64 wait_ms,
      gpointer user_data);
} ApigoJobCallbacks;

/* Fails only when no download store can be made at all. */
ApigoJob *apigo_job_new (const ApigoJobSettings * settings,
    const ApigoJobCallbacks * callbacks, gpointer user_data,
    GError ** error);
ApigoJob *apigo_job_ref (ApigoJob * job);
/* Owners call apigo_job_stop() first: the running thread holds a
 * reference of its own. */
void apigo_job_unref (ApigoJob * job);

/* Starts (or resumes) the work on its thread with @settings, which must ask
 * for the same clip as the job's; how to get it may differ.  Nothing
 * happens while it runs or once the clip is complete. */
void apigo_job_start (ApigoJob * job, const ApigoJobSettings * settings);
/* Cancels the work and waits for its thread: returns at once whatever the
 * job was doing.  The created task id and the stored bytes are kept, unless
 * the task failed, expired or vanished: the next start then makes a new one.
 * Called from one of the job's own callbacks, it cancels without waiting. */
void apigo_job_stop (ApigoJob * job);
/* Waits until the work has ended, what comes after the download too (the
 * clip kept, the task deleted): TRUE then, FALSE if @cancellable was
 * cancelled first. */
gboolean apigo_job_wait (ApigoJob * job, GCancellable * cancellable);

/* What the job's thread logs is told on behalf of @owner (opaque; see
 * apigo_log_set_owner()), from the next start on.  The owner outlives the
 * lines: apigo_job_stop() from another thread waits for the thread; from
 * the job's own thread (a callback) it does not, so an owner letting go
 * of the job there sets NULL first. */
void apigo_job_set_log_owner (ApigoJob * job, gpointer owner);

const ApigoJobSettings *apigo_job_get_settings (ApigoJob * job);
ApigoDownload *apigo_job_get_download (ApigoJob * job);
/* The task the job works on (created or attached), or NULL before. */
gchar *apigo_job_dup_video_id (ApigoJob * job);

/* What the service said the task of the job's clip cost (usage.cost): the
 * latest it said, from the answers about that task (often only the one
 * that says it is completed). */
typedef struct
{
  gboolean known;               /* the service said it (else usd is 0) */
  gdouble usd;                  /* US dollars, 0 to APIGO_COST_MAX */
  gboolean replayed;            /* the clip is a kept one, made by an earlier
                                 * run: usd was spent then, not by this job */
} ApigoJobCost;

void apigo_job_get_cost (ApigoJob * job, ApigoJobCost * cost);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApigoJob, apigo_job_unref)

G_END_DECLS

#endif /* __APIGO_JOB_H__ */
