/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstapigoreport.h"
#include "gstapigomessages.h"

#include <string.h>

#define WAIT_TEXT "Waiting for another run of the same request to finish"

void
gst_apigo_report_init (GstApigoReport * report, GstElement * element)
{
  memset (report, 0, sizeof (*report));
  report->element = element;
  g_mutex_init (&report->lock);
}

void
gst_apigo_report_clear (GstApigoReport * report)
{
  g_free (report->status);
  g_free (report->told_status);
  g_free (report->posted);
  g_mutex_clear (&report->lock);
}

void
gst_apigo_report_restart (GstApigoReport * report)
{
  g_mutex_lock (&report->lock);
  report->code = NULL;
  report->phase = APIGO_JOB_PHASE_IDLE;
  report->worked = FALSE;
  report->replayed = FALSE;
  report->streaming = FALSE;
  report->done = FALSE;
  report->stopped = FALSE;
  report->interrupted = FALSE;
  g_clear_pointer (&report->told_status, g_free);
  g_clear_pointer (&report->posted, g_free);
  g_mutex_unlock (&report->lock);
}

void
gst_apigo_report_forget (GstApigoReport * report)
{
  g_mutex_lock (&report->lock);
  report->code = NULL;
  report->phase = APIGO_JOB_PHASE_IDLE;
  report->worked = FALSE;
  report->replayed = FALSE;
  report->streaming = FALSE;
  report->done = FALSE;
  report->interrupted = FALSE;
  g_clear_pointer (&report->told_status, g_free);
  g_clear_pointer (&report->posted, g_free);
  g_clear_pointer (&report->status, g_free);
  report->progress = 0;
  report->downloaded = 0;
  report->total = 0;
  g_mutex_unlock (&report->lock);
}

/* With the lock held. */
static void
post_status (GstApigoReport * report, ApigoJob * job, ApigoJobPhase phase)
{
  g_autofree gchar *id = apigo_job_dup_video_id (job);
  GstApigoStatus msg = {
    .phase = apigo_job_phase_to_string (phase),
    .video_id = id,
    .status = report->status,
    .progress = report->progress,
    .downloaded = report->downloaded,
    .total = report->total,
    .replay = report->replayed,
  };
  ApigoJobCost cost;
  gchar *posted;

  /* A cost is this run's only when it made or downloaded the clip from
   * its task; a replay's was spent before (a kept clip's, or the element's
   * own download, restarted). */
  apigo_job_get_cost (job, &cost);
  msg.has_cost = cost.known && (report->replayed || (report->worked
          && !cost.replayed));
  msg.cost = cost.usd;
  posted = g_strdup_printf ("%s|%s|%s|%u|%" G_GUINT64_FORMAT "|%"
      G_GUINT64_FORMAT "|%d|%d|%a", msg.phase, id ? id : "",
      msg.status ? msg.status : "", msg.progress, msg.downloaded, msg.total,
      msg.replay, msg.has_cost, msg.cost);

  /* Phases and polls can say the same twice: applications hear news only. */
  if (g_strcmp0 (posted, report->posted) == 0) {
    g_free (posted);
    return;
  }
  g_free (report->posted);
  report->posted = posted;
  gst_apigo_post_status (report->element, &msg);
}

/* Ends the open progress sequence, if any, with @type.  Lock held. */
static void
close_progress (GstApigoReport * report, GstProgressType type,
    const gchar * text)
{
  if (report->code == NULL)
    return;
  gst_apigo_post_progress (report->element, type, report->code, -1, "%s",
      text);
  report->code = NULL;
}

/* Lock held; takes @text. */
static void
open_progress (GstApigoReport * report, const gchar * code, gchar * text)
{
  close_progress (report, GST_PROGRESS_TYPE_COMPLETE, "Done");
  /* Streaming ended (EOS): applications wait on no sequence any more. */
  if (report->stopped) {
    g_free (text);
    return;
  }
  report->code = code;
  g_clear_pointer (&report->told_status, g_free);
  gst_apigo_post_progress (report->element, GST_PROGRESS_TYPE_START, code, 0,
      "%s", text);
  g_free (text);
}

/* The wait for another run is over (it left a clip, a task, or nothing).
 * Lock held. */
static void
end_wait (GstApigoReport * report)
{
  if (g_strcmp0 (report->code, "wait") == 0)
    close_progress (report, GST_PROGRESS_TYPE_COMPLETE, "Done waiting");
}

/* Lock held. */
static void
post_done (GstApigoReport * report, ApigoJob * job)
{
  g_autofree gchar *size = NULL;

  if (report->done)
    return;
  report->done = TRUE;
  /* Replayed from the cache, no task was seen: done is still all of it. */
  report->progress = 100;
  /* A wait for another run ends in a replay of what it made. */
  end_wait (report);
  size = g_format_size (report->downloaded);
  close_progress (report, GST_PROGRESS_TYPE_COMPLETE, size);
  post_status (report, job, APIGO_JOB_PHASE_DONE);
}

/* Bytes flow, or the job is done, and nothing was generated or downloaded
 * in this run: the clip was there already, kept by an earlier run (or,
 * restarted, the element's own).  One sequence says so, once, and ends at
 * once.  Lock held. */
static void
post_replay (GstApigoReport * report, ApigoJob * job)
{
  const ApigoJobSettings *s = apigo_job_get_settings (job);
  g_autofree gchar *size = NULL;
  guint64 total = 0;

  report->streaming = TRUE;
  report->replayed = TRUE;
  /* Only the clips of completed tasks are kept. */
  if (report->status == NULL)
    report->status = g_strdup ("completed");
  apigo_download_get_total (apigo_job_get_download (job), &total);
  size = g_format_size (total);
  end_wait (report);
  open_progress (report, "cache", s->reuse && s->cache_max_bytes > 0 ?
      g_strdup_printf ("Replaying a kept clip from the cache (%s)", size) :
      g_strdup_printf ("Replaying the clip downloaded before (%s)", size));
  /* Ended at once: nothing holds a pipeline in PAUSED.  A START and its
   * COMPLETE, as every sequence (applications pair them). */
  close_progress (report, GST_PROGRESS_TYPE_COMPLETE, "Nothing to generate");
}

/* What is being asked for: a remix, extension or edit keeps its source's
 * model and size, so only what is sent is named. */
static gchar *
creating_text (const ApigoJobSettings * s)
{
  switch (s->create_kind) {
    case APIGO_CREATE_REMIX:
      return g_strdup_printf ("Remixing %s", s->source_id);
    case APIGO_CREATE_EXTEND:
      return g_strdup_printf ("Extending %s by %s s", s->source_id,
          s->seconds);
    case APIGO_CREATE_EDIT:
      return g_strdup_printf ("Editing %s", s->source_id);
    case APIGO_CREATE_GENERATE:
    default:
      return g_strdup_printf ("Creating a %s s %s video with %s", s->seconds,
          s->size, s->model);
  }
}

void
gst_apigo_report_phase (GstApigoReport * report, ApigoJob * job,
    ApigoJobPhase phase, const GError * error)
{
  const ApigoJobSettings *s = apigo_job_get_settings (job);
  g_autofree gchar *id = apigo_job_dup_video_id (job);

  g_mutex_lock (&report->lock);
  report->phase = phase;
  if (phase == APIGO_JOB_PHASE_CREATING || phase == APIGO_JOB_PHASE_GENERATING
      || phase == APIGO_JOB_PHASE_DOWNLOADING)
    report->worked = TRUE;
  /* A failure while waiting ends the wait as failed (below). */
  if (phase != APIGO_JOB_PHASE_FAILED && phase != APIGO_JOB_PHASE_CANCELLED)
    end_wait (report);
  switch (phase) {
    case APIGO_JOB_PHASE_WAITING:
      open_progress (report, "wait", g_strdup (WAIT_TEXT));
      break;
    case APIGO_JOB_PHASE_CREATING:
      open_progress (report, "generate", creating_text (s));
      break;
    case APIGO_JOB_PHASE_GENERATING:
      if (report->code == NULL)
        open_progress (report, "generate",
            g_strdup_printf ("Waiting for %s", id));
      break;
    case APIGO_JOB_PHASE_DOWNLOADING:
      close_progress (report, GST_PROGRESS_TYPE_COMPLETE, "Generated");
      report->download_step = G_MAXUINT;
      report->streaming = FALSE;
      /* Open until the first bytes are stored (see below). */
      open_progress (report, "download",
          g_strdup_printf ("Downloading %s", id));
      break;
    case APIGO_JOB_PHASE_DONE:
      /* Perhaps before the streaming thread saw the bytes. */
      if (!report->worked && !report->streaming)
        post_replay (report, job);
      post_done (report, job);
      g_mutex_unlock (&report->lock);
      return;
    case APIGO_JOB_PHASE_FAILED:
      close_progress (report, GST_PROGRESS_TYPE_ERROR, error->message);
      break;
    case APIGO_JOB_PHASE_CANCELLED:
      close_progress (report, GST_PROGRESS_TYPE_CANCELED, "Stopped");
      break;
    case APIGO_JOB_PHASE_IDLE:
      break;
  }
  post_status (report, job, phase);
  g_mutex_unlock (&report->lock);
}

void
gst_apigo_report_task (GstApigoReport * report, ApigoJob * job,
    const ApigoTask * task)
{
  guint step;

  g_mutex_lock (&report->lock);
  end_wait (report);
  g_free (report->status);
  report->status = g_strdup (task->status_text);
  if (task->progress >= 0)
    report->progress = task->progress;
  else if (task->status == APIGO_TASK_STATUS_COMPLETED)
    report->progress = 100;

  /* gst-launch-1.0 prints each: one for a new status or ten percent more
   * (apigo-status has every poll's news). */
  step = report->progress / 10;
  if (report->code != NULL && (report->told_status == NULL
          || step != report->told_step
          || !g_str_equal (report->told_status, task->status_text))) {
    g_free (report->told_status);
    report->told_status = g_strdup (task->status_text);
    report->told_step = step;
    gst_apigo_post_progress (report->element, GST_PROGRESS_TYPE_CONTINUE,
        report->code, report->progress, "%s: %s, %u%%", task->id,
        task->status_text, report->progress);
  }
  post_status (report, job, APIGO_JOB_PHASE_GENERATING);
  g_mutex_unlock (&report->lock);
}

/* The first bytes are stored: they can flow, and nothing may hold
 * applications in PAUSED any more.  Lock held. */
static void
end_download_start (GstApigoReport * report, ApigoJob * job)
{
  ApigoDownload *dl = apigo_job_get_download (job);
  g_autofree gchar *id = apigo_job_dup_video_id (job);
  g_autofree gchar *size = NULL;
  g_autofree gchar *text = NULL;
  guint64 total = 0;

  report->streaming = TRUE;
  /* From the store: the streaming thread may be first to see the bytes. */
  if (apigo_download_get_total (dl, &total)) {
    size = g_format_size (total);
    if (apigo_download_get_stored (dl) >= total)
      text = g_strdup_printf ("Downloaded %s", size);
    else
      text = g_strdup_printf ("Streaming %s while it downloads (%s)", id,
          size);
  } else {
    text = g_strdup_printf ("Streaming %s while it downloads", id);
  }
  close_progress (report, GST_PROGRESS_TYPE_COMPLETE, text);
}

void
gst_apigo_report_download (GstApigoReport * report, ApigoJob * job,
    guint64 stored, guint64 total)
{
  guint step;

  /* One message per percent, or per MiB while the size is unknown. */
  step = total > 0 ? (guint) (stored * 100 / total) : (guint) (stored >> 20);

  g_mutex_lock (&report->lock);
  end_wait (report);
  report->downloaded = stored;
  report->total = total;
  if (g_strcmp0 (report->code, "download") == 0 && stored > 0)
    end_download_start (report, job);
  /* Only apigo-status tells how far the download is: a progress message
   * would hold gst-launch-1.0 in PAUSED again. */
  if (step != report->download_step && !report->done) {
    report->download_step = step;
    post_status (report, job, APIGO_JOB_PHASE_DOWNLOADING);
  }
  g_mutex_unlock (&report->lock);
}

void
gst_apigo_report_flowing (GstApigoReport * report, ApigoJob * job)
{
  g_mutex_lock (&report->lock);
  if (report->streaming) {
    g_mutex_unlock (&report->lock);
    return;
  }
  if (!report->worked
      && apigo_download_is_complete (apigo_job_get_download (job)))
    post_replay (report, job);
  else if (g_strcmp0 (report->code, "download") == 0)
    end_download_start (report, job);
  g_mutex_unlock (&report->lock);
}

void
gst_apigo_report_done (GstApigoReport * report, ApigoJob * job)
{
  ApigoDownload *dl = apigo_job_get_download (job);
  guint64 total = 0;

  g_mutex_lock (&report->lock);
  if (!report->done && apigo_download_get_total (dl, &total)
      && apigo_download_get_stored (dl) == total) {
    report->downloaded = report->total = total;
    post_done (report, job);
  }
  g_mutex_unlock (&report->lock);
}

void
gst_apigo_report_stop (GstApigoReport * report, const gchar * why)
{
  g_mutex_lock (&report->lock);
  close_progress (report, GST_PROGRESS_TYPE_CANCELED, why);
  report->stopped = TRUE;
  g_mutex_unlock (&report->lock);
}

void
gst_apigo_report_interrupt (GstApigoReport * report)
{
  g_mutex_lock (&report->lock);
  if (report->code != NULL) {
    close_progress (report, GST_PROGRESS_TYPE_CANCELED, "Stopped");
    report->interrupted = TRUE;
  }
  g_mutex_unlock (&report->lock);
}

void
gst_apigo_report_resume (GstApigoReport * report, ApigoJob * job)
{
  const ApigoJobSettings *s = apigo_job_get_settings (job);
  g_autofree gchar *id = NULL;

  g_mutex_lock (&report->lock);
  if (!report->interrupted || report->code != NULL || report->stopped) {
    report->interrupted = FALSE;
    g_mutex_unlock (&report->lock);
    return;
  }
  report->interrupted = FALSE;
  /* Streaming waits for the phase again, so applications wait with it. */
  id = apigo_job_dup_video_id (job);
  switch (report->phase) {
    case APIGO_JOB_PHASE_WAITING:
      open_progress (report, "wait", g_strdup (WAIT_TEXT));
      break;
    case APIGO_JOB_PHASE_CREATING:
    case APIGO_JOB_PHASE_GENERATING:
      open_progress (report, "generate", id != NULL ?
          g_strdup_printf ("Waiting for %s", id) : creating_text (s));
      break;
    case APIGO_JOB_PHASE_DOWNLOADING:
      if (!report->streaming)
        open_progress (report, "download",
            g_strdup_printf ("Downloading %s", id));
      break;
    default:
      break;
  }
  g_mutex_unlock (&report->lock);
}
