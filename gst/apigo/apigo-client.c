/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "apigo-client"

#include "apigo-client-private.h"

#include <string.h>

/* Seconds without a byte moving before a request is given up. */
#define IO_TIMEOUT 60
/* How far the service's clock may be from ours when we look for a task we
 * may have created. */
#define CLOCK_SKEW_S 300
#define LOOKUP_LIMIT 20

G_DEFINE_TYPE (ApigoClient, apigo_client, G_TYPE_OBJECT);

static void
apigo_client_finalize (GObject * object)
{
  ApigoClient *client = APIGO_CLIENT (object);

  g_free (client->base_url);
  g_clear_pointer (&client->base_uri, g_uri_unref);
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
  ApigoRetryPolicy policy = APIGO_RETRY_POLICY_INIT;

  client->retry = policy;
  client->max_content_bytes = APIGO_CLIENT_DEFAULT_MAX_CONTENT_BYTES;
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

gboolean
apigo_client_base_url_is_loopback (const gchar * base_url)
{
  g_autoptr (GUri) uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  g_autoptr (GInetAddress) address = NULL;
  const gchar *host;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  /* No name lookup: "localhost" is this machine by definition (RFC 6761);
   * any other name could be anywhere. */
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/* @key without the whitespace around it: where it starts, *@len bytes. */
static const gchar *
trim_key (const gchar * key, gsize * len)
{
  const gchar *end;

  while (g_ascii_isspace (*key))
    key++;
  end = key + strlen (key);
  while (end > key && g_ascii_isspace (end[-1]))
    end--;
  *len = end - key;
  return key;
}

/* Messages say where the key is wrong, never what it holds. */
gboolean
apigo_client_check_api_key (const gchar * api_key, GError ** error)
{
  const gchar *key = NULL;
  gsize len = 0, i;

  if (api_key != NULL)
    key = trim_key (api_key, &len);
  if (len == 0) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "No API key");
    return FALSE;
  }

  for (i = 0; i < len; i++) {
    guchar c = key[i];
    const gchar *what;

    if (c > 0x20 && c < 0x7f)
      continue;
    if (c == '\r' || c == '\n')
      what = "a line break";
    else if (c == ' ' || c == '\t')
      what = "a space";
    else if (c >= 0x80)
      what = "a non-ASCII character";
    else
      what = "a control character";
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The API key has %s at byte %" G_GSIZE_FORMAT ": a key is ASCII "
        "letters, digits and punctuation only", what, (gsize) (key - api_key)
        + i + 1);
    return FALSE;
  }
  return TRUE;
}

ApigoClient *
apigo_client_new_full (const ApigoClientOptions * options, GError ** error)
{
  g_autoptr (ApigoClient) client = NULL;
  const gchar *key;
  gsize len, key_len;

  if (!apigo_client_check_base_url (options->base_url, error))
    return NULL;
  if (!apigo_client_check_api_key (options->api_key, error))
    return NULL;

  client = g_object_new (APIGO_TYPE_CLIENT, NULL);

  len = strlen (options->base_url);
  while (len > 0 && options->base_url[len - 1] == '/')
    len--;
  client->base_url = g_strndup (options->base_url, len);
  client->base_uri = g_uri_parse (client->base_url, G_URI_FLAGS_NONE, NULL);
  /* Copied byte by byte: no stray copy of the key is left to zero. */
  key = trim_key (options->api_key, &key_len);
  client->authorization = g_malloc (strlen ("Bearer ") + key_len + 1);
  memcpy (client->authorization, "Bearer ", strlen ("Bearer "));
  memcpy (client->authorization + strlen ("Bearer "), key, key_len);
  client->authorization[strlen ("Bearer ") + key_len] = '\0';
  client->retry.max_retries = options->retries;
  if (options->max_content_bytes > 0)
    client->max_content_bytes = options->max_content_bytes;

  client->session = soup_session_new_with_options ("user-agent",
      options->user_agent, "timeout", IO_TIMEOUT, "idle-timeout", IO_TIMEOUT,
      NULL);
  /* Clips are stored byte for byte as served and resumed with Range; a
   * transparent decoder would break both. */
  soup_session_remove_feature_by_type (client->session,
      SOUP_TYPE_CONTENT_DECODER);

  if (options->ca_file != NULL) {
    g_autoptr (GError) tls_error = NULL;
    g_autoptr (GTlsDatabase) db = g_tls_file_database_new (options->ca_file,
        &tls_error);

    if (db == NULL) {
      g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
          "Cannot use the CA file \"%s\": %s", options->ca_file,
          tls_error->message);
      return NULL;
    }
    soup_session_set_tls_database (client->session, db);
  }

  return g_steal_pointer (&client);
}

ApigoClient *
apigo_client_new (const gchar * base_url, const gchar * api_key,
    const gchar * user_agent, GError ** error)
{
  ApigoClientOptions options = {
    .base_url = base_url,
    .api_key = api_key,
    .user_agent = user_agent,
    .retries = APIGO_RETRY_DEFAULT_RETRIES,
  };

  return apigo_client_new_full (&options, error);
}

guint
apigo_client_get_retries (ApigoClient * client)
{
  return client->retry.max_retries;
}

static gboolean
same_origin (GUri * a, GUri * b)
{
  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0
      && g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0
      && g_uri_get_port (a) == g_uri_get_port (b);
}

SoupMessage *
apigo_client_message_for_url (ApigoClient * client, const gchar * method,
    GUri * url)
{
  SoupMessage *msg = soup_message_new_from_uri (method, url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  /* The key goes to the service only: never to a CDN it redirects to. */
  if (same_origin (url, client->base_uri))
    soup_message_headers_replace (headers, "Authorization",
        client->authorization);
  soup_message_headers_replace (headers, "Accept", "application/json");
  /* Redirects are followed by us, deciding where the key goes. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  return msg;
}

/* A request to the service at @path (below the base URL). */
static SoupMessage *
new_message (ApigoClient * client, const gchar * method, const gchar * path)
{
  g_autofree gchar *text = g_strconcat (client->base_url, path, NULL);
  g_autoptr (GUri) url = g_uri_parse (text, G_URI_FLAGS_ENCODED, NULL);

  /* The base URL was validated and ids are checked, so this cannot fail. */
  g_assert (url != NULL);
  return apigo_client_message_for_url (client, method, url);
}

GBytes *
apigo_client_read_body (GInputStream * stream, gsize max,
    GCancellable * cancellable, GError ** error)
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

void
apigo_client_set_network_error (ApigoClient * client, GError ** error,
    GError * cause, const gchar * doing, const gchar * video_id)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || cause->domain == APIGO_ERROR) {
    g_propagate_error (error, cause);
    return;
  }

  apigo_set_video_error (error, APIGO_ERROR_NETWORK, video_id,
      "Could not %s at %s: %s", doing, client->base_url, cause->message);
  /* A certificate we do not trust is not a passing fault. */
  if (error != NULL && cause->domain == G_TLS_ERROR)
    apigo_error_set_retry (*error, -1, 0);
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
    default:
      return apigo_retry_status_is_transient (status) ?
          APIGO_ERROR_TRANSIENT : APIGO_ERROR_BAD_REQUEST;
  }
}

void
apigo_client_set_http_error (GError ** error, SoupMessage * msg,
    GBytes * body, const gchar * doing, const gchar * video_id)
{
  guint status = soup_message_get_status (msg);
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);
  ApigoErrorCode code = error_code_for_status (status);
  ApigoServiceError se;
  g_autofree gchar *what = NULL;
  g_autofree gchar *words = NULL;
  gsize len = 0;
  const gchar *data = body ? g_bytes_get_data (body, &len) : NULL;
  GError *err;

  apigo_service_error_parse (&se, soup_message_headers_get_content_type
      (headers, NULL), data, len);

  if (se.code != NULL)
    what = g_strdup_printf ("HTTP %u, %s", status, se.code);
  else
    what = g_strdup_printf ("HTTP %u", status);

  /* An empty body from a proxy still says something: its status. */
  words = g_strdup (se.message);
  if (words == NULL) {
    const gchar *phrase = soup_message_get_reason_phrase (msg);

    words = apigo_service_text (phrase && *phrase ? phrase :
        soup_status_get_phrase (status), -1, APIGO_SERVICE_WORD_MAX);
  }
  if (words == NULL)
    words = g_strdup ("no reason given");

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
  apigo_error_set_retry (err, apigo_retry_parse_hint
      (soup_message_headers_get_one (headers, "retry-after-ms"),
          soup_message_headers_get_one (headers, "Retry-After"),
          g_get_real_time () / 1000),
      apigo_retry_parse_should_retry (soup_message_headers_get_one (headers,
              "x-should-retry")));
  apigo_service_error_clear (&se);

  g_propagate_error (error, err);
}

gint64
apigo_client_retry_delay_ms (ApigoClient * client, guint attempt,
    const GError * error)
{
  gint64 hint = -1;

  if (error != NULL && error->domain == APIGO_ERROR)
    hint = apigo_error_get_details (error)->retry_after_ms;
  return apigo_retry_delay_ms (&client->retry, attempt, hint,
      g_random_double ());
}

/* After @attempt failed with @err (taken): TRUE once it is time to try
 * again; FALSE with @err in @error when it is not worth it (no retries
 * left, a failure that would not pass) or the wait was cancelled. */
static gboolean
retry_after (ApigoClient * client, guint attempt, GError * err,
    GCancellable * cancellable, GError ** error)
{
  gint64 ms;

  if (attempt < client->retry.max_retries && apigo_error_is_retryable (err)) {
    ms = apigo_client_retry_delay_ms (client, attempt, err);
    g_debug ("%s; trying again in %" G_GINT64_FORMAT " ms", err->message, ms);
    if (apigo_retry_sleep (cancellable, ms)) {
      g_error_free (err);
      return TRUE;
    }
  }
  g_propagate_error (error, err);
  return FALSE;
}

/* Sends @msg once and returns its JSON body, or an error carrying the
 * service's words when the answer is not a success. */
static GBytes *
send_for_json (ApigoClient * client, SoupMessage * msg, const gchar * doing,
    const gchar * video_id, GCancellable * cancellable, GError ** error)
{
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (GBytes) body = NULL;
  GError *err = NULL;

  stream = soup_session_send (client->session, msg, cancellable, &err);
  if (stream == NULL) {
    apigo_client_set_network_error (client, error, err, doing, video_id);
    return NULL;
  }

  body = apigo_client_read_body (stream, APIGO_CLIENT_JSON_MAX, cancellable,
      &err);
  if (body == NULL) {
    apigo_client_set_network_error (client, error, err, doing, video_id);
    return NULL;
  }

  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg))) {
    apigo_client_set_http_error (error, msg, body, doing, video_id);
    return NULL;
  }

  return g_steal_pointer (&body);
}

/* @method @path (GET, DELETE: requests that may be repeated) with the retry
 * policy; @msg_out (optional) gets the message that succeeded, for its
 * headers. */
static GBytes *
request_json (ApigoClient * client, const gchar * method, const gchar * path,
    const gchar * doing, const gchar * video_id, SoupMessage ** msg_out,
    GCancellable * cancellable, GError ** error)
{
  guint attempt;

  for (attempt = 0;; attempt++) {
    g_autoptr (SoupMessage) msg = new_message (client, method, path);
    GError *err = NULL;
    GBytes *body = send_for_json (client, msg, doing, video_id, cancellable,
        &err);

    if (body != NULL) {
      if (msg_out != NULL)
        *msg_out = g_steal_pointer (&msg);
      return body;
    }
    if (!retry_after (client, attempt, err, cancellable, error))
      return NULL;
  }
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

static void
add_create_headers (ApigoClient * client, SoupMessage * msg,
    const gchar * idempotency_key)
{
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  /* A redirected POST would become a GET: refuse, do not guess. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  soup_message_headers_replace (headers, "Authorization",
      client->authorization);
  soup_message_headers_replace (headers, "Accept", "application/json");
  /* Lets a service that honours it recognise a resent create. */
  soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
}

static SoupMessage *
new_generate_message (ApigoClient * client,
    const ApigoCreateRequest * request)
{
  g_autoptr (SoupMultipart) form = soup_multipart_new
      (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autofree gchar *url = g_strconcat (client->base_url, "/videos", NULL);

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
  return soup_message_new_from_multipart (url, form);
}

/* Remix, extension and edit: JSON bodies, as the API describes them. */
static SoupMessage *
new_derive_message (ApigoClient * client, const ApigoCreateRequest * request)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *path = NULL;
  g_autoptr (GBytes) bytes = NULL;
  SoupMessage *msg;
  gchar *body;
  gsize len;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "prompt");
  json_builder_add_string_value (b, request->prompt);
  if (request->kind == APIGO_CREATE_REMIX) {
    path = g_strconcat ("/videos/", request->source_id, "/remix", NULL);
  } else {
    path = g_strdup (request->kind == APIGO_CREATE_EXTEND ?
        "/videos/extensions" : "/videos/edits");
    if (request->kind == APIGO_CREATE_EXTEND && request->seconds != NULL) {
      json_builder_set_member_name (b, "seconds");
      json_builder_add_string_value (b, request->seconds);
    }
    json_builder_set_member_name (b, "video");
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_string_value (b, request->source_id);
    json_builder_end_object (b);
  }
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  body = json_generator_to_data (gen, &len);
  bytes = g_bytes_new_take (body, len);
  msg = new_message (client, SOUP_METHOD_POST, path);
  /* The message takes a reference of its own. */
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  return msg;
}

static SoupMessage *
new_create_message (ApigoClient * client, const ApigoCreateRequest * request,
    const gchar * idempotency_key)
{
  SoupMessage *msg = request->kind == APIGO_CREATE_GENERATE ?
      new_generate_message (client, request) :
      new_derive_message (client, request);

  add_create_headers (client, msg, idempotency_key);
  return msg;
}

/* What the error messages call the create. */
static gchar *
create_doing (const ApigoCreateRequest * request)
{
  switch (request->kind) {
    case APIGO_CREATE_REMIX:
      return g_strdup_printf ("remix %s (this service may not offer remix)",
          request->source_id);
    case APIGO_CREATE_EXTEND:
      return g_strdup_printf ("extend %s (this service may not offer "
          "extensions)", request->source_id);
    case APIGO_CREATE_EDIT:
      return g_strdup_printf ("edit %s (this service may not offer edits)",
          request->source_id);
    default:
      return g_strdup ("create the video");
  }
}

/* Whether a request that failed with @cause may still have been carried
 * out by the service. */
static gboolean
may_have_arrived (const GError * error, const GError * cause)
{
  if (g_error_matches (error, APIGO_ERROR, APIGO_ERROR_NETWORK)) {
    /* These fail before a byte of the request is sent. */
    return !(g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED)
        || g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE)
        || g_error_matches (cause, G_IO_ERROR,
            G_IO_ERROR_NETWORK_UNREACHABLE)
        || g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND)
        || cause->domain == G_RESOLVER_ERROR || cause->domain == G_TLS_ERROR);
  }
  if (g_error_matches (error, APIGO_ERROR, APIGO_ERROR_TRANSIENT)) {
    guint status = apigo_error_get_details (error)->http_status;

    /* Rate limits and request timeouts come before any work; a 5xx from a
     * gateway may hide a create that went through. */
    return status != 429 && status != 408;
  }
  return FALSE;
}

/* One attempt.  *@unsure tells whether, on failure, the service may have
 * made the task all the same. */
static ApigoTask *
create_once (ApigoClient * client, const ApigoCreateRequest * request,
    const gchar * idempotency_key, gboolean * unsure,
    GCancellable * cancellable, GError ** error)
{
  g_autoptr (SoupMessage) msg = new_create_message (client, request,
      idempotency_key);
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree gchar *doing = create_doing (request);
  GError *cause = NULL;

  *unsure = FALSE;
  stream = soup_session_send (client->session, msg, cancellable, &cause);
  if (stream != NULL)
    body = apigo_client_read_body (stream, APIGO_CLIENT_JSON_MAX,
        cancellable, &cause);

  if (body == NULL) {
    g_autoptr (GError) kept = g_error_copy (cause);

    apigo_client_set_network_error (client, error, cause, doing, NULL);
    /* Sent, then cancelled: the service may have it. */
    *unsure = g_error_matches (kept, G_IO_ERROR, G_IO_ERROR_CANCELLED)
        || (error && *error && may_have_arrived (*error, kept));
    return NULL;
  }

  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg))) {
    GError *err = NULL;

    apigo_client_set_http_error (&err, msg, body, doing, NULL);
    *unsure = may_have_arrived (err, NULL);
    g_propagate_error (error, err);
    return NULL;
  }

  return task_from_body (body, NULL, error);
}

ApigoTask *
apigo_client_create (ApigoClient * client, const ApigoCreateRequest * request,
    GCancellable * cancellable, GError ** error)
{
  g_autofree gchar *fresh_key = NULL;
  const gchar *key = request->idempotency_key;
  gint64 started = g_get_real_time () / G_USEC_PER_SEC;
  guint attempt;

  g_return_val_if_fail (APIGO_IS_CLIENT (client), NULL);
  g_return_val_if_fail (request->prompt != NULL, NULL);
  g_return_val_if_fail (request->kind != APIGO_CREATE_GENERATE
      || request->model != NULL, NULL);
  g_return_val_if_fail (request->kind == APIGO_CREATE_GENERATE
      || apigo_task_id_is_valid (request->source_id), NULL);

  if (key == NULL)
    key = fresh_key = g_uuid_string_random ();

  for (attempt = 0;; attempt++) {
    GError *err = NULL;
    gboolean unsure;
    ApigoTask *task = create_once (client, request, key, &unsure,
        cancellable, &err);

    if (task != NULL)
      return task;

    /* Before sending it again (or giving up), see whether the service made
     * it anyway: services need not honour Idempotency-Key. */
    if (unsure && !g_cancellable_is_cancelled (cancellable)) {
      task = apigo_client_find_created (client, request, started,
          cancellable, NULL);
      if (task != NULL) {
        g_debug ("The lost create made %s: using it", task->id);
        g_error_free (err);
        return task;
      }
    }

    if (!retry_after (client, attempt, err, cancellable, error))
      return NULL;
  }
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
  doing = g_strdup_printf ("report on %s", id);
  body = request_json (client, SOUP_METHOD_GET, path, doing, id, &msg,
      cancellable, error);
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

gboolean
apigo_client_delete (ApigoClient * client, const gchar * id,
    GCancellable * cancellable, GError ** error)
{
  g_autofree gchar *path = NULL;
  g_autofree gchar *doing = NULL;
  g_autoptr (GBytes) body = NULL;

  g_return_val_if_fail (APIGO_IS_CLIENT (client), FALSE);

  if (!apigo_task_id_is_valid (id)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "\"%s\" is not a valid video id", id ? id : "");
    return FALSE;
  }
  path = g_strconcat ("/videos/", id, NULL);
  doing = g_strdup_printf ("delete %s", id);
  body = request_json (client, SOUP_METHOD_DELETE, path, doing, id, NULL,
      cancellable, error);
  return body != NULL;
}

GPtrArray *
apigo_client_list (ApigoClient * client, guint limit,
    GCancellable * cancellable, GError ** error)
{
  g_autofree gchar *path = g_strdup_printf ("/videos?limit=%u&order=desc",
      limit);
  g_autoptr (GBytes) body = NULL;
  gsize len;
  const gchar *data;

  g_return_val_if_fail (APIGO_IS_CLIENT (client), NULL);

  body = request_json (client, SOUP_METHOD_GET, path,
      "list the recent videos", NULL, NULL, cancellable, error);
  if (body == NULL)
    return NULL;
  data = g_bytes_get_data (body, &len);
  return apigo_task_list_new_from_json (data, len, NULL, error);
}

/* Equal, or not said by the service. */
static gboolean
agrees (const gchar * said, const gchar * asked)
{
  return said == NULL || asked == NULL || g_strcmp0 (said, asked) == 0;
}

ApigoTask *
apigo_client_find_created (ApigoClient * client,
    const ApigoCreateRequest * request, gint64 since_unix,
    GCancellable * cancellable, GError ** error)
{
  g_autoptr (GPtrArray) tasks = NULL;
  guint i;

  tasks = apigo_client_list (client, LOOKUP_LIMIT, cancellable, error);
  if (tasks == NULL)
    return NULL;

  for (i = 0; i < tasks->len; i++) {
    ApigoTask *task = g_ptr_array_index (tasks, i);

    /* The prompt is the one thing a match cannot do without. */
    if (task->prompt == NULL || g_strcmp0 (task->prompt, request->prompt))
      continue;
    if (task->created_at == 0 || task->created_at < since_unix - CLOCK_SKEW_S)
      continue;
    /* An extension's seconds are the stitched length, not the asked. */
    if (request->kind == APIGO_CREATE_GENERATE
        && (!agrees (task->model, request->model)
            || !agrees (task->size, request->size)
            || !agrees (task->seconds, request->seconds)))
      continue;
    return apigo_task_copy (task);
  }
  return NULL;
}
