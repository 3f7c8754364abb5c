/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_ERROR_H__
#define __APIGO_ERROR_H__

#include <glib.h>

G_BEGIN_DECLS

/* Errors of the Videos API client.  Each one carries the details the service
 * gave (HTTP status, its own error code...) so that the element can show them
 * and applications can act on them. */
#define APIGO_ERROR (apigo_error_quark ())
GQuark apigo_error_quark (void);

typedef enum
{
  APIGO_ERROR_INVALID_SETTING,  /* a setting is unusable; nothing was sent */
  APIGO_ERROR_AUTH,             /* 401 / 403: the key or its access */
  APIGO_ERROR_BAD_REQUEST,      /* 400 and other 4xx the service refused */
  APIGO_ERROR_NOT_FOUND,        /* 404: unknown id, content not there */
  APIGO_ERROR_TRANSIENT,        /* 408, 409, 429, 5xx */
  APIGO_ERROR_NETWORK,          /* could not talk to the service */
  APIGO_ERROR_PROTOCOL,         /* an answer we cannot use */
  APIGO_ERROR_TASK_FAILED,      /* the task ended failed */
  APIGO_ERROR_TASK_ENDED,       /* the task expired or was cancelled */
  APIGO_ERROR_TIMEOUT,          /* gave up waiting for the task */
  APIGO_ERROR_STORAGE,          /* could not keep the downloaded bytes */
  APIGO_ERROR_NO_SPACE,         /* ... because the disk is full */
  APIGO_ERROR_UNCONFIRMED,      /* a create's answer was lost and the tasks
                                 * that may be its own cannot be told apart */
  APIGO_ERROR_BUDGET,           /* the user's budget refused it; nothing
                                 * was sent (apigo-budget.h) */
} ApigoErrorCode;

typedef struct
{
  guint http_status;            /* 0 when no HTTP answer was involved */
  gchar *service_code;          /* error.code from the service, or NULL */
  gchar *service_type;          /* error.type, or NULL */
  gchar *service_param;         /* error.param, or NULL */
  gchar *video_id;              /* the task concerned, or NULL */
  gint64 retry_after_ms;        /* the wait the service asked for, or -1 */
  gint should_retry;            /* its x-should-retry: 1, 0, or -1 */
} ApigoErrorDetails;

/* The details of an APIGO_ERROR error (never NULL for one). */
const ApigoErrorDetails *apigo_error_get_details (const GError * error);

/* g_set_error() for an error about the task @video_id (may be NULL). */
void apigo_set_video_error (GError ** error, ApigoErrorCode code,
    const gchar * video_id, const gchar * format, ...) G_GNUC_PRINTF (4, 5);

/* Sets an APIGO_ERROR_INVALID_SETTING error and returns FALSE, for
 * "return apigo_bad_setting (...)" in checks of settings. */
gboolean apigo_bad_setting (GError ** error, const gchar * format, ...)
    G_GNUC_PRINTF (2, 3);

void apigo_error_set_http_status (GError * error, guint http_status);
void apigo_error_set_service (GError * error, const gchar * code,
    const gchar * type, const gchar * param);
void apigo_error_set_video_id (GError * error, const gchar * video_id);
void apigo_error_set_retry (GError * error, gint64 retry_after_ms,
    gint should_retry);

/* Whether trying the same request again may succeed: passing faults
 * (APIGO_ERROR_TRANSIENT, APIGO_ERROR_NETWORK), unless the service said
 * x-should-retry: false; or anything it said x-should-retry: true for. */
gboolean apigo_error_is_retryable (const GError * error);

/* Text from the service (or anyone on the way) made fit to show in
 * messages, logs and terminals: valid UTF-8; terminal escape sequences
 * removed; other control characters (line breaks, C0, DEL, C1) and runs of
 * spaces made one space, none at either end; longer than @max_chars
 * characters, cut and ended with "... (N more characters)".  NULL for NULL
 * or when nothing is left. */
gchar *apigo_service_text (const gchar * text, gssize len, guint max_chars);

/* Bounds for what the service says: a message, and a word (a status, an
 * error code, type or parameter name). */
#define APIGO_SERVICE_MESSAGE_MAX 1000
#define APIGO_SERVICE_WORD_MAX 100

/* The service's own words from a non-2xx answer: the OpenAI-style
 * {"error": {"message", "code", "type", "param"}} body, its common variants,
 * or the title / text of an HTML or plain-text page from a proxy.  Fields not
 * found are left NULL. */
typedef struct
{
  gchar *message;
  gchar *code;
  gchar *type;
  gchar *param;
} ApigoServiceError;

/* Every field is tidied as apigo_service_text() says: the message cut at
 * APIGO_SERVICE_MESSAGE_MAX characters (the text of a page at 300), the
 * others at APIGO_SERVICE_WORD_MAX. */
void apigo_service_error_parse (ApigoServiceError * out,
    const gchar * content_type, const gchar * body, gsize len);
void apigo_service_error_clear (ApigoServiceError * err);

G_END_DECLS

#endif /* __APIGO_ERROR_H__ */
