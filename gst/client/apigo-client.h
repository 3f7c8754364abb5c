/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_CLIENT_H__
#define __APIGO_CLIENT_H__

#include <gio/gio.h>

#include "apigo-download.h"
#include "apigo-error.h"
#include "apigo-models.h"
#include "apigo-task.h"

G_BEGIN_DECLS

/* A client of the Videos API (create, retrieve, list, download).  It knows
 * nothing of GStreamer.  Calls are synchronous and meant for a worker
 * thread; every one honours its GCancellable.  Errors are APIGO_ERROR
 * errors carrying the service's own details (see apigo-error.h), or
 * G_IO_ERROR_CANCELLED.  Transient failures are retried as the official
 * OpenAI SDKs do (see apigo-retry.h). */
#define APIGO_TYPE_CLIENT (apigo_client_get_type ())
G_DECLARE_FINAL_TYPE (ApigoClient, apigo_client, APIGO, CLIENT, GObject)

#define APIGO_CLIENT_DEFAULT_MAX_CONTENT_BYTES (G_GUINT64_CONSTANT (16) << 30)

/* The service front ends use when told none. */
#define APIGO_CLIENT_DEFAULT_BASE_URL "https://maas.apigo.ai/v1"

/* How a gateway wants to be spoken to (docs/dialects.md). */
typedef enum
{
  APIGO_DIALECT_OPENAI,         /* Authorization: Bearer KEY */
  APIGO_DIALECT_AZURE,          /* api-key: KEY, ?api-version= on every URL */
  APIGO_DIALECT_OPENROUTER,     /* JSON creates, duration, frame_images */
} ApigoDialect;

/* "openai", "azure", "openrouter": as users name it. */
const gchar *apigo_dialect_name (ApigoDialect dialect);

/* The api-version Azure's v1 video routes take while in preview. */
#define APIGO_AZURE_DEFAULT_API_VERSION "preview"

typedef struct
{
  const gchar *base_url;        /* the API base with its version: https://host/v1 */
  const gchar *api_key;         /* only ever put in the key's header */
  ApigoDialect dialect;
  const gchar *api_version;     /* azure: NULL is the default; else unused */
  const gchar *user_agent;
  const gchar *ca_file;         /* PEM CAs to trust instead of the system's */
  guint retries;                /* more tries per request after the first */
  guint64 max_content_bytes;    /* the largest clip accepted; 0: default */
  guint request_timeout_s;      /* a whole JSON exchange; 0: default */
  guint stall_timeout_s;        /* a download slower than stall_min_bytes */
  guint64 stall_min_bytes;      /* per stall_timeout_s is cut; 0: default */
  gboolean allow_plain_http;    /* the key may go in clear beyond this
                                 * machine (see apigo-proxy.h) */
} ApigoClientOptions;

/* Requests go through the proxy apigo_proxy_resolver_new() gives; a client
 * that would send the key in the clear beyond this machine is not made
 * (apigo_proxy_check_plain_http()) unless allow_plain_http. */

/* A JSON request (headers and body) that takes longer is given up and
 * tried again: a server trickling its answer must not hold us for ever. */
#define APIGO_CLIENT_DEFAULT_REQUEST_TIMEOUT_S 60
/* A download that brings less than this in that time has stalled (curl's
 * --speed-limit / --speed-time): cut and continued. */
#define APIGO_CLIENT_DEFAULT_STALL_TIMEOUT_S 30
#define APIGO_CLIENT_DEFAULT_STALL_MIN_BYTES (16 * 1024)

ApigoClient *apigo_client_new_full (const ApigoClientOptions * options,
    GError ** error);
/* The defaults for everything else. */
ApigoClient *apigo_client_new (const gchar * base_url, const gchar * api_key,
    const gchar * user_agent, GError ** error);

/* The instant (g_get_monotonic_time()) past which no request goes on and
 * no retry waits: they fail with APIGO_ERROR_TIMEOUT.  G_MAXINT64 (the
 * default): none.  Set it before the calls it bounds (not thread-safe). */
void apigo_client_set_deadline (ApigoClient * client, gint64 deadline_us);
gint64 apigo_client_get_deadline (ApigoClient * client);

/* Things the user may want to know that are not errors (a download that
 * had to start again); called on the calling thread.  Takes @message. */
typedef void (*ApigoClientNoticeFunc) (GError * message, gpointer user_data);
void apigo_client_set_notice_func (ApigoClient * client,
    ApigoClientNoticeFunc func, gpointer user_data);

/* A request failed with @error and is tried again in @wait_ms; called on
 * the calling thread, before the wait (a 429 tells a caller that runs
 * several clients to slow them all down). */
typedef void (*ApigoClientRetryFunc) (const GError * error, gint64 wait_ms,
    gpointer user_data);
void apigo_client_set_retry_func (ApigoClient * client,
    ApigoClientRetryFunc func, gpointer user_data);

/* Whether @base_url can be used (http or https, a host, no credentials);
 * an APIGO_ERROR_INVALID_SETTING error saying why not otherwise. */
gboolean apigo_client_check_base_url (const gchar * base_url,
    GError ** error);

/* Whether @api_key can go in the Authorization header: once the spaces and
 * line breaks around it are left out (what a key file ends with), visible
 * ASCII only, as Bearer tokens are.  A line break inside would be a header
 * injection (libsoup drops the header, the service answers 401), anything
 * else a copy-paste slip.  An APIGO_ERROR_INVALID_SETTING error says where,
 * never what the key holds. */
gboolean apigo_client_check_api_key (const gchar * api_key, GError ** error);

/* Whether @base_url is on this machine (localhost, 127.0.0.0/8, ::1),
 * judged from its text alone. */
gboolean apigo_client_base_url_is_loopback (const gchar * base_url);

/* What a create makes: a new video, or one from a finished one. */
typedef enum
{
  APIGO_CREATE_GENERATE,        /* POST /videos */
  APIGO_CREATE_REMIX,           /* POST /videos/{source}/remix */
  APIGO_CREATE_EXTEND,          /* POST /videos/extensions */
  APIGO_CREATE_EDIT,            /* POST /videos/edits */
} ApigoCreateKind;

/* An image a create carries besides input_reference, under its own name
 * (last_frame, a reference image...): a file part in a form. */
typedef struct
{
  const gchar *name;            /* the field's name */
  GBytes *data;
  const gchar *filename;
  const gchar *content_type;
} ApigoCreateImage;

typedef struct
{
  ApigoCreateKind kind;
  const gchar *source_id;       /* remix, extend, edit: the finished video */
  const gchar *model;           /* generate only */
  const gchar *prompt;
  const gchar *size;            /* NULL: the service's default */
  const gchar *seconds;         /* NULL: the service's default */
  GBytes *input_reference;      /* NULL: none */
  const gchar *input_reference_name;
  const gchar *input_reference_type;
  const gchar *parameters;      /* more fields: a JSON object, or NULL */
  const ApigoCreateImage *images;       /* n_images more images */
  guint n_images;
  const gchar *idempotency_key; /* NULL: a fresh one */
} ApigoCreateRequest;

/* "generate", "remix", "extend", "edit": as messages and the spend
 * ledger name them. */
const gchar *apigo_create_kind_name (ApigoCreateKind kind);

/* POST /videos (multipart/form-data; remix, extensions and edits: JSON;
 * dialect openrouter: JSON as apigo-openrouter.h says, and remix,
 * extensions and edits refused before sending), with an Idempotency-Key
 * that stays
 * the same across its retries.  When an attempt may have reached the
 * service without its answer reaching us (the connection dropped, a
 * gateway timed out), the task is looked for among the recent ones before
 * anything is sent again: a lost answer is never paid for twice. */
ApigoTask *apigo_client_create (ApigoClient * client,
    const ApigoCreateRequest * request, GCancellable * cancellable,
    GError ** error);

/* The task that @request, sent at @since_unix (our clock), made: the newest
 * recent task created since then (on the service's clock) that says the
 * same as the request of everything the request has: prompt; model, size
 * and seconds for a new video; the source video for a remix, extension or
 * edit.  NULL, with no error, when no task may be it (the create may then
 * be sent again, with its Idempotency-Key).  NULL with
 * APIGO_ERROR_UNCONFIRMED, naming them, when some may be it but the list
 * does not say enough to confirm one (it has no prompts, or the request an
 * input reference, images or parameters, which lists never show):
 * neither adopting one nor sending the create again is safe then.  In dialect openrouter, no list
 * to be had is APIGO_ERROR_UNCONFIRMED too: OpenRouter documents none,
 * nor that it honours Idempotency-Key. */
ApigoTask *apigo_client_find_created (ApigoClient * client,
    const ApigoCreateRequest * request, gint64 since_unix,
    GCancellable * cancellable, GError ** error);

/* GET /videos/{id}.  @poll_after_ms (optional) gets the service's
 * openai-poll-after-ms hint, or -1 when it gave none.  An answer about
 * another task is an APIGO_ERROR_PROTOCOL error. */
ApigoTask *apigo_client_retrieve (ApigoClient * client, const gchar * id,
    gint64 * poll_after_ms, GCancellable * cancellable, GError ** error);
/* The same for a generation under way: a failed or unusable answer
 * (network, 5xx, malformed JSON) is asked again, with backoff, until the
 * deadline: a poll never ends a generation by itself. */
ApigoTask *apigo_client_poll (ApigoClient * client, const gchar * id,
    gint64 * poll_after_ms, GCancellable * cancellable, GError ** error);

/* DELETE /videos/{id}: the service forgets the task and its assets. */
gboolean apigo_client_delete (ApigoClient * client, const gchar * id,
    GCancellable * cancellable, GError ** error);

/* GET /videos?limit=&order=desc: the newest tasks. */
GPtrArray *apigo_client_list (ApigoClient * client, guint limit,
    GCancellable * cancellable, GError ** error);

typedef void (*ApigoDownloadProgressFunc) (guint64 stored, guint64 total,
    gpointer user_data);

/* GET /videos/{id}/content[?variant=...] into @dl, continuing after the
 * bytes @dl already holds (Range with If-Range; a server that ignores it
 * is handled).  Redirects are followed, with the key only for the
 * service's own origin.  Cuts are continued as the retry policy says (a
 * stretch that brought bytes starts the count afresh).  Every answer is
 * checked against the first one (length, ETag / Last-Modified, the bytes
 * already held): a clip that changed starts again from byte 0 while no
 * reader had any of it, and is an error otherwise; nothing of two clips
 * is ever joined.  @dl is finished only after exactly the announced
 * length, or an end the service confirmed.  @progress (optional) is
 * called as bytes arrive; total is 0 while unknown. */
gboolean apigo_client_download (ApigoClient * client, const gchar * id,
    const gchar * variant, ApigoDownload * dl,
    ApigoDownloadProgressFunc progress, gpointer user_data,
    GCancellable * cancellable, GError ** error);

/* The models the service lists (apigo-models.h): GET {base}/videos/models
 * or {base}/models (ANY: the first, else the second when the first answers
 * 404), with the retry policy.  A service that lists none (404) is an
 * APIGO_ERROR_NOT_FOUND error saying so. */
ApigoModelList *apigo_client_list_models (ApigoClient * client,
    ApigoModelsEndpoint endpoint, GCancellable * cancellable,
    GError ** error);

guint apigo_client_get_retries (ApigoClient * client);

G_END_DECLS

#endif /* __APIGO_CLIENT_H__ */
