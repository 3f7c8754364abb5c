/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_MESSAGES_H__
#define __GST_APIGO_MESSAGES_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* Name of the element message that tells applications how a generation
 * goes (see docs/element.md). */
#define GST_APIGO_STATUS_MESSAGE "apigo-status"

typedef struct
{
  const gchar *phase;           /* "creating", "generating", ... */
  const gchar *video_id;        /* NULL before the task exists */
  const gchar *status;          /* the service's word, NULL before */
  guint progress;               /* the task's 0..100 */
  guint64 downloaded;           /* bytes stored */
  guint64 total;                /* 0 while unknown */
  gboolean replay;              /* nothing made or downloaded in this run */
  gboolean has_cost;            /* the service said what the task cost */
  gdouble cost;                 /* US dollars: spent in this run, or, on a
                                 * replay, when the clip was made */
} GstApigoStatus;

void gst_apigo_post_status (GstElement * element,
    const GstApigoStatus * status);

/* Name of the element message posted before a failed request is tried
 * again (a 429, a 503...; see docs/element.md). */
#define GST_APIGO_RETRY_MESSAGE "apigo-retry"

void gst_apigo_post_retry (GstElement * element, const GError * error,
    gint64 wait_ms);

/* @percent: 0..100 in the message's "percent" field, or -1 for
 * GStreamer's default (0 while under way, 100 at the end). */
void gst_apigo_post_progress (GstElement * element, GstProgressType type,
    const gchar * code, gint percent, const gchar * format, ...)
    G_GNUC_PRINTF (5, 6);

/* Posts @error (an APIGO_ERROR or GIO error) as an ERROR message in the
 * right GStreamer domain, with the service's details attached, from the
 * caller's source location. */
#define gst_apigo_post_error(element, error, downloading) \
  gst_apigo_post_error_full (element, error, downloading, __FILE__, \
      GST_FUNCTION, __LINE__)
void gst_apigo_post_error_full (GstElement * element, const GError * error,
    gboolean downloading, const gchar * file, const gchar * function,
    gint line);

G_END_DECLS

#endif /* __GST_APIGO_MESSAGES_H__ */
