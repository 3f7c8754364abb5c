/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_REPORT_H__
#define __GST_APIGO_REPORT_H__

#include <gst/gst.h>

#include "apigo-job.h"

G_BEGIN_DECLS

/* What the element tells the bus about one generation: the
 * GST_MESSAGE_PROGRESS sequences and the apigo-status element messages.
 * gst-launch-1.0, like other applications, stays in PAUSED while a progress
 * sequence is open, so sequences cover only what comes before the first
 * bytes can flow ("wait", "generate", the start of the "download", a replay
 * from the cache); how far the download is, apigo-status says.  The job's
 * thread, the streaming thread and the application's (EOS, flushes, state
 * changes) all report; a lock keeps the messages in order. */
typedef struct
{
  GstElement *element;
  GMutex lock;
  const gchar *code;            /* open progress sequence, or NULL */
  ApigoJobPhase phase;          /* the job's last phase in this run */
  gboolean worked;              /* it generated or downloaded in this run */
  gboolean replayed;            /* it played a clip there before this run */
  gchar *status;                /* the task's last status word */
  guint progress;
  guint64 downloaded;
  guint64 total;
  guint download_step;          /* last percent (or MiB) reported */
  gchar *told_status;           /* status and tens of percent that the */
  guint told_step;              /* last "generate" CONTINUE said */
  gboolean streaming;           /* bytes flow: no sequence until the end */
  gboolean done;                /* "done" posted for this run */
  gboolean stopped;             /* streaming ended: no more sequences */
  gboolean interrupted;         /* a flush cancelled the open sequence */
  gchar *posted;                /* the last apigo-status, as text */
} GstApigoReport;

void gst_apigo_report_init (GstApigoReport * report, GstElement * element);
void gst_apigo_report_clear (GstApigoReport * report);

/* A new run of the same job (status and progress are kept). */
void gst_apigo_report_restart (GstApigoReport * report);
/* A new job: forget the task too. */
void gst_apigo_report_forget (GstApigoReport * report);

void gst_apigo_report_phase (GstApigoReport * report, ApigoJob * job,
    ApigoJobPhase phase, const GError * error);
void gst_apigo_report_task (GstApigoReport * report, ApigoJob * job,
    const ApigoTask * task);
void gst_apigo_report_download (GstApigoReport * report, ApigoJob * job,
    guint64 stored, guint64 total);
/* Bytes are about to leave the element (the streaming thread calls it
 * before each): the sequence of the download's start ends, or, when the
 * clip was there before this run, one says that it is replayed. */
void gst_apigo_report_flowing (GstApigoReport * report, ApigoJob * job);
/* All bytes are stored: posts the end of the download, once per run.  The
 * streaming thread calls it before it hands out the last bytes, so that
 * applications see "done" before EOS. */
void gst_apigo_report_done (GstApigoReport * report, ApigoJob * job);

/* Streaming ends before the generation (EOS sent to the element, a
 * stop): the open progress sequence is cancelled, and no other is opened
 * until the next run. */
void gst_apigo_report_stop (GstApigoReport * report, const gchar * why);

/* Streaming is interrupted (a flush, the state change down before the
 * stop): the open progress sequence is cancelled at once.  When streaming
 * resumes, gst_apigo_report_resume() (called before each read) opens one
 * again for the phase still under way. */
void gst_apigo_report_interrupt (GstApigoReport * report);
void gst_apigo_report_resume (GstApigoReport * report, ApigoJob * job);

G_END_DECLS

#endif /* __GST_APIGO_REPORT_H__ */
