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
 * GST_MESSAGE_PROGRESS sequences ("generate", then "download") and the
 * apigo-status element messages.  The job's thread and the streaming thread
 * both report; a lock keeps the messages in order. */
typedef struct
{
  GstElement *element;
  GMutex lock;
  const gchar *code;            /* open progress sequence, or NULL */
  gchar *status;                /* the task's last status word */
  guint progress;
  guint64 downloaded;
  guint64 total;
  guint download_step;          /* last percent (or MiB) reported */
  gboolean done;                /* "done" posted for this run */
  gboolean stopped;             /* streaming ended: no more sequences */
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
/* All bytes are stored: posts the end of the download, once per run.  The
 * streaming thread calls it before it hands out the last bytes, so that
 * applications see "done" before EOS. */
void gst_apigo_report_done (GstApigoReport * report, ApigoJob * job);

/* Streaming ends before the generation (EOS sent to the element, a
 * stop): the open progress sequence is cancelled, and no other is opened
 * until the next run.  gst-launch-1.0 waits in PAUSED for an open one. */
void gst_apigo_report_stop (GstApigoReport * report, const gchar * why);

G_END_DECLS

#endif /* __GST_APIGO_REPORT_H__ */
