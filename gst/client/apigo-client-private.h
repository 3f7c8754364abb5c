/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What apigo-client.c and apigo-client-download.c share.
 */

#ifndef __APIGO_CLIENT_PRIVATE_H__
#define __APIGO_CLIENT_PRIVATE_H__

#include <libsoup/soup.h>

#include "apigo-client.h"
#include "apigo-deadline.h"
#include "apigo-retry.h"

G_BEGIN_DECLS

/* Task, list and error answers are small; anything bigger is not one. */
#define APIGO_CLIENT_JSON_MAX (4 * 1024 * 1024)

struct _ApigoClient
{
  GObject parent;

  gchar *base_url;              /* without trailing '/' */
  GUri *base_uri;               /* its origin decides where the key goes */
  ApigoDialect dialect;
  const gchar *key_header;      /* "Authorization", or Azure's "api-key" */
  gchar *authorization;         /* its value, "Bearer <key>" or the key
                                 * alone: never logged */
  gchar *api_query;             /* "api-version=..." for every URL, or NULL */
  SoupSession *session;
  ApigoRetryPolicy retry;
  guint64 max_content_bytes;
  gint64 deadline_us;           /* G_MAXINT64: none */
  guint request_timeout_s;
  guint stall_timeout_s;
  guint64 stall_min_bytes;
  ApigoClientNoticeFunc notice;
  gpointer notice_data;
  ApigoClientRetryFunc on_retry;
  gpointer on_retry_data;
};

/* A cancellable for one request: fires with @cancellable, after @span_us,
 * or at the client's deadline, whichever comes first. */
ApigoDeadline *apigo_client_new_request_deadline (ApigoClient * client,
    GCancellable * cancellable, gint64 span_us);

/* Turns the failure @cause (taken) of a request run under @deadline into
 * the error to report: the client's deadline passed (APIGO_ERROR_TIMEOUT),
 * the request's own time ran out (APIGO_ERROR_NETWORK, worth another
 * try), cancelled, or a network failure. */
void apigo_client_set_request_error (ApigoClient * client,
    ApigoDeadline * deadline, GError ** error, GError * cause,
    const gchar * doing, const gchar * video_id);

/* The retry policy, for every request: after @attempt (0 for the first)
 * failed with @err (taken), TRUE once it is time to try again; FALSE with
 * the error in @error when @retryable is FALSE, @limit retries are spent,
 * the deadline would pass before the next try (APIGO_ERROR_TIMEOUT), or
 * the wait was cancelled. */
gboolean apigo_client_retry_wait (ApigoClient * client, guint attempt,
    guint limit, gboolean retryable, GError * err, GCancellable * cancellable,
    GError ** error);

void apigo_client_notice (ApigoClient * client, GError * message);

/* A request to @url (absolute), with the key only when @url has the base
 * URL's origin. */
SoupMessage *apigo_client_message_for_url (ApigoClient * client,
    const gchar * method, GUri * url);

/* The URL of @path (below the base URL, it may have a query) with the
 * dialect's own query (api-version) added. */
GUri *apigo_client_service_url (ApigoClient * client, const gchar * path);

/* What a log line says of @msg: its method and path (and query) on the
 * service; on another origin (a CDN's signed URL), no query. */
gchar *apigo_client_describe_request (ApigoClient * client,
    SoupMessage * msg);

/* Reads at most @max bytes; more is an error, never a silent cut. */
GBytes *apigo_client_read_body (GInputStream * stream, gsize max,
    GCancellable * cancellable, GError ** error);

/* Turns a failure to talk to the service into an APIGO_ERROR_NETWORK (or
 * keeps a cancellation as it is).  Takes @cause. */
void apigo_client_set_network_error (ApigoClient * client, GError ** error,
    GError * cause, const gchar * doing, const gchar * video_id);

/* An error with the service's own code, words and retry hints for a non-2xx
 * answer.  @doing says what was asked ("create the video"). */
void apigo_client_set_http_error (GError ** error, SoupMessage * msg,
    GBytes * body, const gchar * doing, const gchar * video_id);

G_END_DECLS

#endif /* __APIGO_CLIENT_PRIVATE_H__ */
