/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "apigo-client"

#include "apigo-client.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libsoup/soup.h>

/* Task and error answers are small; anything bigger is not one. */
#define JSON_BODY_MAX (4 * 1024 * 1024)
#define DOWNLOAD_CHUNK (64 * 1024)
/* Seconds without a byte moving before a request is given up. */
#define IO_TIMEOUT 60

struct _ApigoClient
{
  GObject parent;

  gchar *base_url;              /* without trailing '/' */
  gchar *authorization;         /* "Bearer <key>": never logged */
  SoupSession *session;
};

G_DEFINE_TYPE (ApigoClient, apigo_client, G_TYPE_OBJECT);

static void
apigo_client_finalize (GObject * object)
{
  ApigoClient *client = APIGO_CLIENT (object);

  g_free (client->base_url);
  if (client->authorization != NULL)
    memset (client->authorization, 0, strlen (client->authorization));
  g_free (client->authorization);
  g_clear_object (&client->session);

  G_OBJECT_CLASS (apigo_client_parent_class)->finalize (object);
}

static void
apigo_client_class_init (ApigoClientClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = apigo_client_finalize;
}

static void
apigo_client_init (ApigoClient * client)
{
}

/* Messages about a base URL never quote it whole: a user may have put a
 * key in it. */
gboolean
apigo_client_check_base_url (const gchar * base_url, GError ** error)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree gchar *shown = NULL;
  const gchar *scheme;

  if (base_url == NULL || *base_url == '\0') {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The base URL is empty");
    return FALSE;
  }

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The base URL is not a valid URL: expected https://host/v1");
    return FALSE;
  }
  /* Credentials belong in the api-key setting, where they stay secret. */
  if (g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL
      || g_uri_get_fragment (uri) != NULL) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The base URL must be a plain https://host/v1 address, without "
        "user:password@, query or fragment");
    return FALSE;
  }

  shown = g_uri_to_string (uri);
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0
      && g_ascii_strcasecmp (scheme, "https") != 0) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The base URL \"%s\" must start with https:// or http://", shown);
    return FALSE;
  }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0') {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The base URL \"%s\" has no host", shown);
    return FALSE;
  }

  return TRUE;
}

ApigoClient *
apigo_client_new (const gchar * base_url, const gchar * api_key,
    const gchar * user_agent, GError ** error)
{
  ApigoClient *client;
  gsize len;

  if (!apigo_client_check_base_url (base_url, error))
    return NULL;
  if (api_key == NULL || *api_key == '\0') {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "No API key");
    return NULL;
  }

  client = g_object_new (APIGO_TYPE_CLIENT, NULL);

  len = strlen (base_url);
  while (len > 0 && base_url[len - 1] == '/')
    len--;
  client->base_url = g_strndup (base_url, len);
  client->authorization = g_strconcat ("Bearer ", api_key, NULL);

  client->session = soup_session_new_with_options ("user-agent", user_agent,
      "timeout", IO_TIMEOUT, "idle-timeout", IO_TIMEOUT, NULL);
  /* Clips are stored byte for byte as served and resumed with Range; a
   * transparent decoder would break both. */
  soup_session_remove_feature_by_type (client->session,
      SOUP_TYPE_CONTENT_DECODER);

  return client;
}

static SoupMessage *
new_message (ApigoClient * client, const gchar * method, const gchar * path)
{
  g_autofree gchar *url = g_strconcat (client->base_url, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);
  SoupMessageHeaders *headers;

  /* The base URL was validated and ids are checked, so this cannot fail. */
  g_assert (msg != NULL);

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Authorization",
      client->authorization);
  soup_message_headers_replace (headers, "Accept", "application/json");

  return msg;
}

/* Reads at most @max bytes; more is an error, never a silent cut. */
static GBytes *
read_body (GInputStream * stream, gsize max, GCancellable * cancellable,
    GError ** error)
{
  g_autoptr (GByteArray) body = g_byte_array_new ();
  guint8 buf[16 * 1024];

  for (;;) {
    gssize n = g_input_stream_read (stream, buf, sizeof (buf), cancellable,
        error);

    if (n < 0)
      return NULL;
    if (n == 0)
      break;
    if (body->len + (gsize) n > max) {
      g_set_error (error, APIGO_ERROR, APIGO_ERROR_PROTOCOL,
          "The service's answer is larger than %" G_GSIZE_FORMAT " bytes",
          max);
      return NULL;
    }
    g_byte_array_append (body, buf, n);
  }

  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}

static void
set_network_error (GError ** error, GError * cause, const gchar * base_url,
    const gchar * doing)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || cause->domain == APIGO_ERROR) {
    g_propagate_error (error, cause);
    return;
  }

  g_set_error (error, APIGO_ERROR, APIGO_ERROR_NETWORK,
      "Could not %s at %s: %s", doing, base_url, cause->message);
  g_error_free (cause);
}

static ApigoErrorCode
error_code_for_status (guint status)
{
  switch (status) {
    case 401:
    case 403:
      return APIGO_ERROR_AUTH;
    case 404:
      return APIGO_ERROR_NOT_FOUND;
    case 408:
    case 409:
    case 429:
      return APIGO_ERROR_TRANSIENT;
    default:
      return status >= 500 ? APIGO_ERROR_TRANSIENT : APIGO_ERROR_BAD_REQUEST;
  }
}

/* An error that shows the service's own code and words for a non-2xx
 * answer.  @doing says what was asked ("create the video"). */
static void
set_http_error (GError ** error, SoupMessage * msg, GBytes * body,
    const gchar * doing, const gchar * video_id)
{
  guint status = soup_message_get_status (msg);
  ApigoErrorCode code = error_code_for_status (status);
  ApigoServiceError se;
  g_autofree gchar *what = NULL;
  g_autofree gchar *words = NULL;
  const gchar *content_type;
  gsize len = 0;
  const gchar *data = body ? g_bytes_get_data (body, &len) : NULL;
  GError *err;

  content_type = soup_message_headers_get_content_type
      (soup_message_get_response_headers (msg), NULL);
  apigo_service_error_parse (&se, content_type, data, len);

  if (se.code != NULL)
    what = g_strdup_printf ("HTTP %u, %s", status, se.code);
  else
    what = g_strdup_printf ("HTTP %u", status);

  words = g_strdup (se.message);
  if (words == NULL) {
    const gchar *phrase = soup_message_get_reason_phrase (msg);

    words = g_strdup (phrase && *phrase ? phrase : soup_status_get_phrase
        (status));
  }

  switch (code) {
    case APIGO_ERROR_AUTH:
      err = g_error_new (APIGO_ERROR, code,
          "The service did not accept the API key (%s): %s", what, words);
      break;
    case APIGO_ERROR_NOT_FOUND:
      err = g_error_new (APIGO_ERROR, code,
          "The service could not %s: not found (%s): %s", doing, what, words);
      break;
    case APIGO_ERROR_TRANSIENT:
      err = g_error_new (APIGO_ERROR, code,
          "The service could not %s for now (%s): %s", doing, what, words);
      break;
    default:
      err = g_error_new (APIGO_ERROR, code,
          "The service refused to %s (%s): %s", doing, what, words);
      break;
  }

  apigo_error_set_http_status (err, status);
  apigo_error_set_service (err, se.code, se.type, se.param);
  apigo_error_set_video_id (err, video_id);
  apigo_service_error_clear (&se);

  g_propagate_error (error, err);
}

/* Sends @msg and returns its JSON body, or an error carrying the service's
 * words when the answer is not a success. */
static GBytes *
send_for_json (ApigoClient * client, SoupMessage * msg, const gchar * doing,
    const gchar * video_id, GCancellable * cancellable, GError ** error)
{
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (GBytes) body = NULL;
  GError *err = NULL;

  stream = soup_session_send (client->session, msg, cancellable, &err);
  if (stream == NULL) {
    set_network_error (error, err, client->base_url, doing);
    return NULL;
  }

  body = read_body (stream, JSON_BODY_MAX, cancellable, &err);
  if (body == NULL) {
    set_network_error (error, err, client->base_url, doing);
    return NULL;
  }

  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg))) {
    set_http_error (error, msg, body, doing, video_id);
    return NULL;
  }

  return g_steal_pointer (&body);
}

static ApigoTask *
task_from_body (GBytes * body, const gchar * video_id, GError ** error)
{
  gsize len;
  const gchar *data = g_bytes_get_data (body, &len);
  GError *err = NULL;
  ApigoTask *task = apigo_task_new_from_json (data, len, &err);

  if (task == NULL) {
    apigo_error_set_video_id (err, video_id);
    g_propagate_error (error, err);
  }
  return task;
}

ApigoTask *
apigo_client_create (ApigoClient * client, const ApigoCreateRequest * request,
    GCancellable * cancellable, GError ** error)
{
  g_autoptr (SoupMultipart) form = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree gchar *url = NULL;
  g_autofree gchar *fresh_key = NULL;
  SoupMessageHeaders *headers;

  g_return_val_if_fail (APIGO_IS_CLIENT (client), NULL);
  g_return_val_if_fail (request->model != NULL, NULL);
  g_return_val_if_fail (request->prompt != NULL, NULL);

  form = soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  soup_multipart_append_form_string (form, "model", request->model);
  soup_multipart_append_form_string (form, "prompt", request->prompt);
  if (request->size != NULL)
    soup_multipart_append_form_string (form, "size", request->size);
  if (request->seconds != NULL)
    soup_multipart_append_form_string (form, "seconds", request->seconds);
  if (request->input_reference != NULL)
    soup_multipart_append_form_file (form, "input_reference",
        request->input_reference_name, request->input_reference_type,
        request->input_reference);

  url = g_strconcat (client->base_url, "/videos", NULL);
  msg = soup_message_new_from_multipart (url, form);
  /* A redirected POST would become a GET of the list: refuse, do not
   * guess. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Authorization",
      client->authorization);
  soup_message_headers_replace (headers, "Accept", "application/json");

  /* Lets the service recognise a resent create instead of billing twice. */
  if (request->idempotency_key == NULL)
    fresh_key = g_uuid_string_random ();
  soup_message_headers_replace (headers, "Idempotency-Key",
      request->idempotency_key ? request->idempotency_key : fresh_key);

  body = send_for_json (client, msg, "create the video", NULL, cancellable,
      error);
  if (body == NULL)
    return NULL;

  return task_from_body (body, NULL, error);
}

ApigoTask *
apigo_client_retrieve (ApigoClient * client, const gchar * id,
    gint64 * poll_after_ms, GCancellable * cancellable, GError ** error)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *doing = NULL;
  const gchar *hint;
  ApigoTask *task;

  g_return_val_if_fail (APIGO_IS_CLIENT (client), NULL);

  if (poll_after_ms != NULL)
    *poll_after_ms = -1;

  if (!apigo_task_id_is_valid (id)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "\"%s\" is not a valid video id", id ? id : "");
    return NULL;
  }

  path = g_strconcat ("/videos/", id, NULL);
  msg = new_message (client, SOUP_METHOD_GET, path);
  doing = g_strdup_printf ("report on %s", id);

  body = send_for_json (client, msg, doing, id, cancellable, error);
  if (body == NULL)
    return NULL;

  task = task_from_body (body, id, error);
  if (task == NULL)
    return NULL;

  hint = soup_message_headers_get_one (soup_message_get_response_headers
      (msg), "openai-poll-after-ms");
  if (hint != NULL && poll_after_ms != NULL) {
    guint64 ms;

    if (g_ascii_string_to_unsigned (hint, 10, 0, G_MAXINT32, &ms, NULL))
      *poll_after_ms = ms;
  }

  return task;
}

/* "bytes START-END/TOTAL" (TOTAL may be "*"). */
static gboolean
parse_content_range (SoupMessage * msg, guint64 * start, guint64 * total,
    gboolean * has_total)
{
  goffset s, e, t;

  if (!soup_message_headers_get_content_range
      (soup_message_get_response_headers (msg), &s, &e, &t))
    return FALSE;

  *start = s;
  *has_total = t >= 0;
  *total = t >= 0 ? (guint64) t : 0;
  return TRUE;
}

typedef struct
{
  ApigoDownload *dl;
  guint64 skip;                 /* bytes to drop: we had them already */
  guint64 total;                /* 0 while unknown */
  ApigoDownloadProgressFunc progress;
  gpointer user_data;
} BodySink;

static gboolean
store_body (GInputStream * stream, BodySink * sink, const gchar * id,
    GCancellable * cancellable, GError ** error)
{
  g_autofree guint8 *buf = g_malloc (DOWNLOAD_CHUNK);

  for (;;) {
    GError *err = NULL;
    gssize n = g_input_stream_read (stream, buf, DOWNLOAD_CHUNK, cancellable,
        &err);
    guint8 *data = buf;

    if (n < 0) {
      if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        g_propagate_error (error, err);
      } else {
        apigo_set_video_error (error, APIGO_ERROR_NETWORK, id,
            "The download of %s broke off after %" G_GUINT64_FORMAT
            " bytes: %s", id, apigo_download_get_stored (sink->dl),
            err->message);
        g_error_free (err);
      }
      return FALSE;
    }
    if (n == 0)
      return TRUE;

    if (sink->skip > 0) {
      gsize drop = MIN ((guint64) n, sink->skip);

      sink->skip -= drop;
      data += drop;
      n -= drop;
    }
    if (n > 0 && !apigo_download_append (sink->dl, data, n, error))
      return FALSE;
    if (sink->progress != NULL)
      sink->progress (apigo_download_get_stored (sink->dl), sink->total,
          sink->user_data);
  }
}

gboolean
apigo_client_download (ApigoClient * client, const gchar * id,
    const gchar * variant, ApigoDownload * dl,
    ApigoDownloadProgressFunc progress, gpointer user_data,
    GCancellable * cancellable, GError ** error)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GInputStream) stream = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *doing = NULL;
  SoupMessageHeaders *response_headers;
  BodySink sink = { dl, 0, 0, progress, user_data };
  guint64 have = apigo_download_get_stored (dl);
  guint64 known_total = 0;
  guint64 stored;
  guint status;
  GError *err = NULL;

  g_return_val_if_fail (APIGO_IS_CLIENT (client), FALSE);

  if (!apigo_task_id_is_valid (id)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "\"%s\" is not a valid video id", id ? id : "");
    return FALSE;
  }

  /* Every byte arrived before (only the end of the body did not): asking
   * for more would get a 416. */
  if (have > 0 && apigo_download_get_total (dl, &known_total)
      && known_total == have) {
    apigo_download_finish (dl);
    return TRUE;
  }

  /* "video" is the service's default: only other variants are named. */
  if (variant != NULL && strcmp (variant, "video") != 0) {
    g_autofree gchar *escaped = g_uri_escape_string (variant, NULL, FALSE);

    path = g_strconcat ("/videos/", id, "/content?variant=", escaped, NULL);
  } else {
    path = g_strconcat ("/videos/", id, "/content", NULL);
  }
  msg = new_message (client, SOUP_METHOD_GET, path);
  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "Accept", "*/*");
  if (have > 0)
    soup_message_headers_set_range (soup_message_get_request_headers (msg),
        have, -1);
  doing = g_strdup_printf ("send the content of %s", id);

  stream = soup_session_send (client->session, msg, cancellable, &err);
  if (stream == NULL) {
    set_network_error (error, err, client->base_url, doing);
    return FALSE;
  }

  status = soup_message_get_status (msg);
  response_headers = soup_message_get_response_headers (msg);

  if (status == SOUP_STATUS_PARTIAL_CONTENT && have > 0) {
    guint64 start, total;
    gboolean has_total;

    if (!parse_content_range (msg, &start, &total, &has_total)
        || start != have) {
      apigo_set_video_error (error, APIGO_ERROR_PROTOCOL, id,
          "The service resumed the download of %s at the wrong place", id);
      return FALSE;
    }
    if (has_total)
      sink.total = total;
  } else if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE
      && have > 0) {
    guint64 total = 0;
    const gchar *range = soup_message_headers_get_one (response_headers,
        "Content-Range");

    /* "bytes * /TOTAL": all there if TOTAL is what we hold. */
    if (range != NULL && sscanf (range, "bytes */%" G_GUINT64_FORMAT,
            &total) == 1 && total == have) {
      apigo_download_finish (dl);
      return TRUE;
    }
    /* The clip changed under us: what we hold cannot be continued. */
    apigo_download_reset (dl);
    apigo_set_video_error (error, APIGO_ERROR_PROTOCOL, id,
        "The content of %s changed while it was downloaded; it will be "
        "downloaded again from the start", id);
    return FALSE;
  } else if (status == SOUP_STATUS_OK) {
    /* A full body: either a first request or a server ignoring Range. */
    sink.skip = have;
    if (soup_message_headers_get_encoding (response_headers) ==
        SOUP_ENCODING_CONTENT_LENGTH)
      sink.total =
          soup_message_headers_get_content_length (response_headers);
  } else {
    g_autoptr (GBytes) body = read_body (stream, JSON_BODY_MAX, cancellable,
        NULL);

    set_http_error (error, msg, body, doing, id);
    return FALSE;
  }

  if (sink.total > 0)
    apigo_download_set_total (dl, sink.total);

  if (!store_body (stream, &sink, id, cancellable, error))
    return FALSE;

  stored = apigo_download_get_stored (dl);
  if (sink.skip > 0 || (sink.total > 0 && stored != sink.total)) {
    apigo_set_video_error (error, APIGO_ERROR_NETWORK, id,
        "The download of %s ended after %" G_GUINT64_FORMAT " of %"
        G_GUINT64_FORMAT " bytes", id, stored, sink.total);
    return FALSE;
  }

  apigo_download_finish (dl);
  return TRUE;
}
