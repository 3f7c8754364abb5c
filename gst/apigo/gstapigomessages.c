/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstapigomessages.h"
#include "apigo-error.h"

void
gst_apigo_post_status (GstElement * element, const GstApigoStatus * status)
{
  GstStructure *s;

  s = gst_structure_new (GST_APIGO_STATUS_MESSAGE,
      "phase", G_TYPE_STRING, status->phase,
      "id", G_TYPE_STRING, status->video_id,
      "status", G_TYPE_STRING, status->status,
      "progress", G_TYPE_UINT, status->progress,
      "downloaded", G_TYPE_UINT64, status->downloaded,
      "total", G_TYPE_UINT64, status->total, NULL);
  /* A spend figure sums "cost": a replay spends nothing, and says what it
   * cost once under another name.  No cost known, no field: never 0. */
  if (status->replay)
    gst_structure_set (s, "replay", G_TYPE_BOOLEAN, TRUE, NULL);
  if (status->has_cost)
    gst_structure_set (s, status->replay ? "original-cost" : "cost",
        G_TYPE_DOUBLE, status->cost, NULL);

  gst_element_post_message (element,
      gst_message_new_element (GST_OBJECT (element), s));
}

void
gst_apigo_post_progress (GstElement * element, GstProgressType type,
    const gchar * code, gint percent, const gchar * format, ...)
{
  g_autofree gchar *text = NULL;
  GstMessage *msg;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  msg = gst_message_new_progress (GST_OBJECT (element), type, code, text);
  /* A field GStreamer defines and progress bars read. */
  if (percent >= 0)
    gst_structure_set (gst_message_writable_structure (msg), "percent",
        G_TYPE_INT, MIN (percent, 100), NULL);
  gst_element_post_message (element, msg);
}

static gint
resource_code_for (const GError * error, gboolean downloading)
{
  if (error->domain != APIGO_ERROR)
    return downloading ? GST_RESOURCE_ERROR_READ :
        GST_RESOURCE_ERROR_OPEN_READ;

  switch ((ApigoErrorCode) error->code) {
    case APIGO_ERROR_INVALID_SETTING:
      return GST_RESOURCE_ERROR_SETTINGS;
    case APIGO_ERROR_AUTH:
      return GST_RESOURCE_ERROR_NOT_AUTHORIZED;
    case APIGO_ERROR_NOT_FOUND:
    case APIGO_ERROR_TASK_ENDED:
      return GST_RESOURCE_ERROR_NOT_FOUND;
    case APIGO_ERROR_STORAGE:
      return GST_RESOURCE_ERROR_WRITE;
    case APIGO_ERROR_NO_SPACE:
      return GST_RESOURCE_ERROR_NO_SPACE_LEFT;
    case APIGO_ERROR_TRANSIENT:
    case APIGO_ERROR_NETWORK:
    case APIGO_ERROR_PROTOCOL:
      return downloading ? GST_RESOURCE_ERROR_READ :
          GST_RESOURCE_ERROR_OPEN_READ;
    case APIGO_ERROR_BAD_REQUEST:
    case APIGO_ERROR_TASK_FAILED:
    case APIGO_ERROR_TIMEOUT:
    case APIGO_ERROR_UNCONFIRMED:
    case APIGO_ERROR_BUDGET:
      return GST_RESOURCE_ERROR_FAILED;
  }
  return GST_RESOURCE_ERROR_FAILED;
}

/* The kind of error, for applications to act on without reading its text
 * (docs/element.md, "cause"). */
static const gchar *
cause_of (const GError * error)
{
  static const gchar *const causes[] = {
    [APIGO_ERROR_INVALID_SETTING] = "invalid-setting",
    [APIGO_ERROR_AUTH] = "auth",
    [APIGO_ERROR_BAD_REQUEST] = "bad-request",
    [APIGO_ERROR_NOT_FOUND] = "not-found",
    [APIGO_ERROR_TRANSIENT] = "transient",
    [APIGO_ERROR_NETWORK] = "network",
    [APIGO_ERROR_PROTOCOL] = "protocol",
    [APIGO_ERROR_TASK_FAILED] = "task-failed",
    [APIGO_ERROR_TASK_ENDED] = "task-ended",
    [APIGO_ERROR_TIMEOUT] = "timeout",
    [APIGO_ERROR_STORAGE] = "storage",
    [APIGO_ERROR_NO_SPACE] = "no-space",
    [APIGO_ERROR_UNCONFIRMED] = "unconfirmed",
    [APIGO_ERROR_BUDGET] = "budget",
  };

  if (error->domain != APIGO_ERROR || error->code < 0
      || (gsize) error->code >= G_N_ELEMENTS (causes))
    return NULL;
  return causes[error->code];
}

void
gst_apigo_post_retry (GstElement * element, const GError * error,
    gint64 wait_ms)
{
  GstStructure *s = gst_structure_new (GST_APIGO_RETRY_MESSAGE,
      "wait-ms", G_TYPE_UINT64, (guint64) MAX (wait_ms, 0),
      "message", G_TYPE_STRING, error->message, NULL);

  if (cause_of (error) != NULL)
    gst_structure_set (s, "cause", G_TYPE_STRING, cause_of (error), NULL);
  if (error->domain == APIGO_ERROR) {
    const ApigoErrorDetails *d = apigo_error_get_details (error);

    if (d->http_status != 0)
      gst_structure_set (s, "http-status-code", G_TYPE_UINT, d->http_status,
          NULL);
    if (d->video_id != NULL)
      gst_structure_set (s, "video-id", G_TYPE_STRING, d->video_id, NULL);
  }
  gst_element_post_message (element,
      gst_message_new_element (GST_OBJECT (element), s));
}

static void
append_detail (GString * debug, GstStructure * details, const gchar * field,
    const gchar * label, const gchar * value)
{
  if (value == NULL)
    return;
  gst_structure_set (details, field, G_TYPE_STRING, value, NULL);
  g_string_append_printf (debug, "%s%s: %s", debug->len ? ", " : "", label,
      value);
}

void
gst_apigo_post_error_full (GstElement * element, const GError * error,
    gboolean downloading, const gchar * file, const gchar * function,
    gint line)
{
  GstStructure *details = gst_structure_new_empty ("details");
  GString *debug = g_string_new (NULL);
  gchar *text;

  if (cause_of (error) != NULL)
    gst_structure_set (details, "cause", G_TYPE_STRING, cause_of (error),
        NULL);
  if (error->domain == APIGO_ERROR) {
    const ApigoErrorDetails *d = apigo_error_get_details (error);

    if (d->http_status != 0) {
      /* The field souphttpsrc uses, so applications can share code. */
      gst_structure_set (details, "http-status-code", G_TYPE_UINT,
          d->http_status, NULL);
      g_string_append_printf (debug, "HTTP status: %u", d->http_status);
    }
    append_detail (debug, details, "service-code", "service code",
        d->service_code);
    append_detail (debug, details, "service-type", "service type",
        d->service_type);
    append_detail (debug, details, "service-param", "service param",
        d->service_param);
    append_detail (debug, details, "video-id", "video", d->video_id);
  }

  if (g_error_matches (error, APIGO_ERROR, APIGO_ERROR_AUTH))
    text = g_strdup_printf ("%s%s Check the api-key property or the "
        "APIGO_API_KEY environment variable.", error->message,
        g_str_has_suffix (error->message, ".") ? "" : ".");
  else
    text = g_strdup (error->message);

  /* The message takes both strings (an empty debug string becomes NULL). */
  gst_element_message_full_with_details (element, GST_MESSAGE_ERROR,
      GST_RESOURCE_ERROR, resource_code_for (error, downloading), text,
      g_string_free (debug, debug->len == 0), file, function, line, details);
}
