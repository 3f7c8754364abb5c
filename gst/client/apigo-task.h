/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_TASK_H__
#define __APIGO_TASK_H__

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  APIGO_TASK_STATUS_UNKNOWN,    /* a word we do not know: keep waiting */
  APIGO_TASK_STATUS_QUEUED,     /* "queued" or "pending" */
  APIGO_TASK_STATUS_IN_PROGRESS,
  APIGO_TASK_STATUS_COMPLETED,
  APIGO_TASK_STATUS_FAILED,
  APIGO_TASK_STATUS_EXPIRED,
  APIGO_TASK_STATUS_CANCELLED,  /* "cancelled" or "canceled" */
} ApigoTaskStatus;

/* A video task as the service describes it (create, retrieve, remix).
 * Only id and status are required; absent or null fields are NULL, -1 for
 * progress, 0 for times.  What is shown (status_text, error_*) is tidied
 * as apigo_service_text() says; the id is checked; model, prompt, size and
 * seconds are as sent, to compare with a request, and never shown.  The
 * cost is OpenRouter's usage.cost, read from any service that imitates
 * it. */
typedef struct
{
  gchar *id;
  ApigoTaskStatus status;
  gchar *status_text;           /* the service's own word */
  gint progress;                /* 0..100, or -1 when not said */
  gint64 created_at;            /* Unix seconds, 0 when not said */
  gint64 completed_at;
  gint64 expires_at;
  gchar *model;
  gchar *prompt;
  gchar *size;
  gchar *seconds;               /* text, as the API sends it */
  gchar *remixed_from_video_id;
  gchar *extended_from_video_id;        /* where the service says them */
  gchar *edited_from_video_id;
  gboolean not_a_remix;         /* remixed_from_video_id said, as null */
  gchar *error_code;            /* set when the task failed (if said) */
  gchar *error_message;
  gchar *error_type;
  gchar *error_param;
  gboolean has_cost;            /* the service said what it cost */
  gdouble cost;                 /* usage.cost: US dollars, 0..APIGO_COST_MAX */
} ApigoTask;

#define APIGO_TYPE_TASK (apigo_task_get_type ())
GType apigo_task_get_type (void);

ApigoTask *apigo_task_new_from_json (const gchar * data, gsize len,
    GError ** error);
ApigoTask *apigo_task_new_from_node (JsonNode * node, GError ** error);
ApigoTask *apigo_task_copy (const ApigoTask * task);

/* A list answer, {"data": [task...], "has_more": bool}: its tasks in the
 * service's order (entries that are no usable task are skipped), in an
 * array that frees them. */
GPtrArray *apigo_task_list_new_from_json (const gchar * data, gsize len,
    gboolean * has_more, GError ** error);
void apigo_task_free (ApigoTask * task);

ApigoTaskStatus apigo_task_status_from_string (const gchar * word);
gboolean apigo_task_status_is_final (ApigoTaskStatus status);

/* Ids go into URL paths: letters, digits and "-_.:~", at most 256 bytes,
 * never "." or "..". */
gboolean apigo_task_id_is_valid (const gchar * id);

/* The most one generation is believed to cost, in US dollars: more is a
 * broken answer (or record), not a cost. */
#define APIGO_COST_MAX 1e6
/* A cost as a service (or a kept record) says it: a JSON number, finite,
 * 0 to APIGO_COST_MAX US dollars, into @cost.  FALSE, @cost untouched:
 * not a cost (null, a string, negative, huge...), never 0. */
gboolean apigo_cost_from_node (JsonNode * node, gdouble * cost);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApigoTask, apigo_task_free)

G_END_DECLS

#endif /* __APIGO_TASK_H__ */
