/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstapigoreport.h"
#include "gstapigomessages.h"

#include <string.h>

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
  g_free (report->posted);
  g_mutex_clear (&report->lock);
}

void
gst_apigo_report_restart (GstApigoReport * report)
{
  g_mutex_lock (&report->lock);
  report->code = NULL;
  report->done = FALSE;
  report->stopped = FALSE;
  g_clear_pointer (&report->posted, g_free);
  g_mutex_unlock (&report->lock);
}

void
gst_apigo_report_forget (GstApigoReport * report)
{
  g_mutex_lock (&report->lock);
  report->code = NULL;
  report->done = FALSE;
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
  };
  gchar *posted = g_strdup_printf ("%s|%s|%s|%u|%" G_GUINT64_FORMAT "|%"
      G_GUINT64_FORMAT, msg.phase, id ? id : "", msg.status ? msg.status : "",
      msg.progress, msg.downloaded, msg.total);

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
  /* A failure while waiting ends the wait as failed (below). */
  if (phase != APIGO_JOB_PHASE_FAILED && phase != APIGO_JOB_PHASE_CANCELLED)
    end_wait (report);
  switch (phase) {
    case APIGO_JOB_PHASE_WAITING:
      open_progress (report, "wait", g_strdup ("Waiting for another run of "
              "the same request to finish"));
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
      open_progress (report, "download",
          g_strdup_printf ("Downloading %s", id));
      break;
    case APIGO_JOB_PHASE_DONE:
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
  g_mutex_lock (&report->lock);
  end_wait (report);
  g_free (report->status);
  report->status = g_strdup (task->status_text);
  if (task->progress >= 0)
    report->progress = task->progress;
  else if (task->status == APIGO_TASK_STATUS_COMPLETED)
    report->progress = 100;

  if (report->code != NULL)
    gst_apigo_post_progress (report->element, GST_PROGRESS_TYPE_CONTINUE,
        report->code, report->progress, "%s: %s, %u%%", task->id,
        task->status_text, report->progress);
  post_status (report, job, APIGO_JOB_PHASE_GENERATING);
  g_mutex_unlock (&report->lock);
}

void
gst_apigo_report_download (GstApigoReport * report, ApigoJob * job,
    guint64 stored, guint64 total)
{
  g_autofree gchar *id = NULL;
  g_autofree gchar *have = NULL;
  g_autofree gchar *all = NULL;
  guint step;

  /* One message per percent, or per MiB while the size is unknown. */
  step = total > 0 ? (guint) (stored * 100 / total) : (guint) (stored >> 20);

  g_mutex_lock (&report->lock);
  end_wait (report);
  report->downloaded = stored;
  report->total = total;
  if (step == report->download_step || report->done) {
    g_mutex_unlock (&report->lock);
    return;
  }
  report->download_step = step;

  id = apigo_job_dup_video_id (job);
  have = g_format_size (stored);
  /* A kept clip replayed opens no sequence: a lone CONTINUE would leave
   * gst-launch-1.0 waiting in PAUSED for an end that never comes. */
  if (report->code != NULL && total > 0) {
    all = g_format_size (total);
    gst_apigo_post_progress (report->element, GST_PROGRESS_TYPE_CONTINUE,
        "download", step, "Downloading %s: %u%% (%s of %s)", id, step, have,
        all);
  } else if (report->code != NULL) {
    gst_apigo_post_progress (report->element, GST_PROGRESS_TYPE_CONTINUE,
        "download", -1, "Downloading %s: %s", id, have);
  }
  post_status (report, job, APIGO_JOB_PHASE_DOWNLOADING);
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
