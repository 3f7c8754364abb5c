/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_CLIENT_H__
#define __APIGO_CLIENT_H__

#include <gio/gio.h>

#include "apigo-download.h"
#include "apigo-error.h"
#include "apigo-task.h"

G_BEGIN_DECLS

/* A client of the Videos API (create, retrieve, download).  It knows nothing
 * of GStreamer.  Calls are synchronous and meant for a worker thread; every
 * one honours its GCancellable.  Errors are APIGO_ERROR errors carrying the
 * service's own details (see apigo-error.h), or G_IO_ERROR_CANCELLED. */
#define APIGO_TYPE_CLIENT (apigo_client_get_type ())
G_DECLARE_FINAL_TYPE (ApigoClient, apigo_client, APIGO, CLIENT, GObject)

/* @base_url: the API base including its version, "https://host/v1".
 * The key is only ever put in the Authorization header. */
ApigoClient *apigo_client_new (const gchar * base_url, const gchar * api_key,
    const gchar * user_agent, GError ** error);

/* Whether @base_url can be used (http or https, a host, no credentials);
 * an APIGO_ERROR_INVALID_SETTING error saying why not otherwise. */
gboolean apigo_client_check_base_url (const gchar * base_url,
    GError ** error);

typedef struct
{
  const gchar *model;
  const gchar *prompt;
  const gchar *size;            /* NULL: the service's default */
  const gchar *seconds;         /* NULL: the service's default */
  GBytes *input_reference;      /* NULL: none */
  const gchar *input_reference_name;
  const gchar *input_reference_type;
  const gchar *idempotency_key; /* NULL: a fresh one */
} ApigoCreateRequest;

/* POST /videos (multipart/form-data). */
ApigoTask *apigo_client_create (ApigoClient * client,
    const ApigoCreateRequest * request, GCancellable * cancellable,
    GError ** error);

/* GET /videos/{id}.  @poll_after_ms (optional) gets the service's
 * openai-poll-after-ms hint, or -1 when it gave none. */
ApigoTask *apigo_client_retrieve (ApigoClient * client, const gchar * id,
    gint64 * poll_after_ms, GCancellable * cancellable, GError ** error);

typedef void (*ApigoDownloadProgressFunc) (guint64 stored, guint64 total,
    gpointer user_data);

/* GET /videos/{id}/content[?variant=...] into @dl, continuing after the
 * bytes @dl already holds (Range).  @progress (optional) is called as bytes
 * arrive; total is 0 while unknown.  On success @dl is finished; a body cut
 * short is an error, never a complete clip. */
gboolean apigo_client_download (ApigoClient * client, const gchar * id,
    const gchar * variant, ApigoDownload * dl,
    ApigoDownloadProgressFunc progress, gpointer user_data,
    GCancellable * cancellable, GError ** error);

G_END_DECLS

#endif /* __APIGO_CLIENT_H__ */
