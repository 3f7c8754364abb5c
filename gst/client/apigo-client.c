/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "apigo-client"
#define APIGO_LOG_DOMAIN APIGO_LOG_CLIENT

#include "apigo-parameters.h"
#include "apigo-client-private.h"
#include "apigo-log.h"
#include "apigo-openrouter.h"
#include "apigo-proxy.h"

#include <string.h>

/* Seconds without a byte moving before a request is given up. */
#define IO_TIMEOUT 60
/* A task made by a create whose answer was lost is looked for among the
 * newest ones.  It was made after the create was sent, as the service's
 * clock tells: the offset of that clock from ours is measured from the
 * list's Date header, and only this much is allowed besides, since both
 * clocks are read in whole seconds and answers take time to come. */
#define CREATED_SLACK_S 3
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
  g_free (client->api_query);
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
  client->deadline_us = G_MAXINT64;
  client->request_timeout_s = APIGO_CLIENT_DEFAULT_REQUEST_TIMEOUT_S;
  client->stall_timeout_s = APIGO_CLIENT_DEFAULT_STALL_TIMEOUT_S;
  client->stall_min_bytes = APIGO_CLIENT_DEFAULT_STALL_MIN_BYTES;
}

const gchar *
apigo_dialect_name (ApigoDialect dialect)
{
  switch (dialect) {
    case APIGO_DIALECT_OPENAI:
      return "openai";
    case APIGO_DIALECT_AZURE:
      return "azure";
    case APIGO_DIALECT_OPENROUTER:
      return "openrouter";
  }
  g_return_val_if_reached ("openai");
}

const gchar *
apigo_create_kind_name (ApigoCreateKind kind)
{
  switch (kind) {
    case APIGO_CREATE_REMIX:
      return "remix";
    case APIGO_CREATE_EXTEND:
      return "extend";
    case APIGO_CREATE_EDIT:
      return "edit";
    case APIGO_CREATE_GENERATE:
      break;
  }
  return "generate";
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
  g_autoptr (GProxyResolver) proxy_resolver = NULL;
  const gchar *key, *scheme;
  gsize len, key_len;

  if (!apigo_client_check_base_url (options->base_url, error))
    return NULL;
  if (!apigo_client_check_api_key (options->api_key, error))
    return NULL;
  /* Judged with the very resolver the session then uses. */
  proxy_resolver = apigo_proxy_resolver_new ();
  if (!apigo_proxy_check_plain_http (proxy_resolver, options->base_url,
          options->allow_plain_http, error))
    return NULL;

  client = g_object_new (APIGO_TYPE_CLIENT, NULL);

  len = strlen (options->base_url);
  while (len > 0 && options->base_url[len - 1] == '/')
    len--;
  client->base_url = g_strndup (options->base_url, len);
  client->base_uri = g_uri_parse (client->base_url, G_URI_FLAGS_NONE, NULL);
  /* Copied byte by byte: no stray copy of the key is left to zero. */
  key = trim_key (options->api_key, &key_len);
  client->dialect = options->dialect;
  scheme = options->dialect == APIGO_DIALECT_AZURE ? "" : "Bearer ";
  client->key_header = options->dialect == APIGO_DIALECT_AZURE ? "api-key" :
      "Authorization";
  client->authorization = g_malloc (strlen (scheme) + key_len + 1);
  memcpy (client->authorization, scheme, strlen (scheme));
  memcpy (client->authorization + strlen (scheme), key, key_len);
  client->authorization[strlen (scheme) + key_len] = '\0';
  if (options->dialect == APIGO_DIALECT_AZURE) {
    g_autofree gchar *version = g_uri_escape_string (options->api_version ?
        options->api_version : APIGO_AZURE_DEFAULT_API_VERSION, NULL, FALSE);

    client->api_query = g_strconcat ("api-version=", version, NULL);
  }
  client->retry.max_retries = options->retries;
  if (options->max_content_bytes > 0)
    client->max_content_bytes = options->max_content_bytes;
  if (options->request_timeout_s > 0)
    client->request_timeout_s = options->request_timeout_s;
  if (options->stall_timeout_s > 0)
    client->stall_timeout_s = options->stall_timeout_s;
  if (options->stall_min_bytes > 0)
    client->stall_min_bytes = options->stall_min_bytes;

  client->session = soup_session_new_with_options ("user-agent",
      options->user_agent, "timeout", IO_TIMEOUT, "idle-timeout", IO_TIMEOUT,
      "proxy-resolver", proxy_resolver, NULL);
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

void
apigo_client_set_deadline (ApigoClient * client, gint64 deadline_us)
{
  client->deadline_us = deadline_us;
}

gint64
apigo_client_get_deadline (ApigoClient * client)
{
  return client->deadline_us;
}

void
apigo_client_set_notice_func (ApigoClient * client,
    ApigoClientNoticeFunc func, gpointer user_data)
{
  client->notice = func;
  client->notice_data = user_data;
}

void
apigo_client_set_retry_func (ApigoClient * client,
    ApigoClientRetryFunc func, gpointer user_data)
{
  client->on_retry = func;
  client->on_retry_data = user_data;
}

void
apigo_client_notice (ApigoClient * client, GError * message)
{
  APIGO_WARNING ("%s", message->message);
  if (client->notice != NULL)
    client->notice (message, client->notice_data);
  else
    g_error_free (message);
}

ApigoDeadline *
apigo_client_new_request_deadline (ApigoClient * client,
    GCancellable * cancellable, gint64 span_us)
{
  gint64 now = g_get_monotonic_time ();
  gint64 at = span_us > 0 && span_us < G_MAXINT64 - now ? now + span_us :
      G_MAXINT64;

  return apigo_deadline_new (cancellable, MIN (at, client->deadline_us));
}

/* The error for giving up at the client's deadline; @last (optional) is
 * what went wrong before. */
static GError *
timeout_error (const gchar * doing, const gchar * video_id,
    const GError * last)
{
  GError *err = g_error_new (APIGO_ERROR, APIGO_ERROR_TIMEOUT,
      "Gave up trying to %s: the timeout passed%s%s", doing,
      last ? "; last problem: " : "", last ? last->message : "");

  apigo_error_set_video_id (err, video_id);
  return err;
}

void
apigo_client_set_request_error (ApigoClient * client,
    ApigoDeadline * deadline, GError ** error, GError * cause,
    const gchar * doing, const gchar * video_id)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && apigo_deadline_expired (deadline)) {
    g_error_free (cause);
    if (g_get_monotonic_time () >= client->deadline_us) {
      g_propagate_error (error, timeout_error (doing, video_id, NULL));
      return;
    }
    apigo_set_video_error (error, APIGO_ERROR_NETWORK, video_id,
        "Could not %s at %s: no complete answer within %u s", doing,
        client->base_url, client->request_timeout_s);
    return;
  }
  apigo_client_set_network_error (client, error, cause, doing, video_id);
}

/* How long to wait after failed attempt @attempt (0 for the first), as the
 * policy says and honouring the hints @error carries. */
static gint64
retry_delay_ms (ApigoClient * client, guint attempt, const GError * error)
{
  gint64 hint = -1;

  if (error != NULL && error->domain == APIGO_ERROR)
    hint = apigo_error_get_details (error)->retry_after_ms;
  return apigo_retry_delay_ms (&client->retry, attempt, hint,
      g_random_double ());
}

gboolean
apigo_client_retry_wait (ApigoClient * client, guint attempt, guint limit,
    gboolean retryable, GError * err, GCancellable * cancellable,
    GError ** error)
{
  gint64 ms;

  if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !retryable
      || attempt >= limit) {
    if (!g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED))
      APIGO_INFO ("%s; not trying again (%s)", err->message, !retryable ?
          "not a passing fault" : "no retries left");
    g_propagate_error (error, err);
    return FALSE;
  }

  ms = retry_delay_ms (client, attempt, err);
  if (client->deadline_us != G_MAXINT64
      && g_get_monotonic_time () + ms * 1000 >= client->deadline_us) {
    const ApigoErrorDetails *d = err->domain == APIGO_ERROR ?
        apigo_error_get_details (err) : NULL;
    GError *timeout = g_error_new (APIGO_ERROR, APIGO_ERROR_TIMEOUT,
        "Gave up: the timeout passed; last problem: %s", err->message);

    if (d != NULL)
      apigo_error_set_video_id (timeout, d->video_id);
    APIGO_INFO ("%s; not trying again: the next try (in %" G_GINT64_FORMAT
        " ms) would be past the timeout", err->message, ms);
    g_error_free (err);
    g_propagate_error (error, timeout);
    return FALSE;
  }

  if (limit == G_MAXUINT)
    APIGO_INFO ("%s; trying again in %" G_GINT64_FORMAT " ms (retry %u)",
        err->message, ms, attempt + 1);
  else
    APIGO_INFO ("%s; trying again in %" G_GINT64_FORMAT " ms (retry %u of "
        "%u)", err->message, ms, attempt + 1, limit);
  if (client->on_retry != NULL)
    client->on_retry (err, ms, client->on_retry_data);
  g_error_free (err);
  if (!apigo_retry_sleep (cancellable, ms)) {
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
    return FALSE;
  }
  return TRUE;
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
    soup_message_headers_replace (headers, client->key_header,
        client->authorization);
  soup_message_headers_replace (headers, "Accept", "application/json");
  /* Redirects are followed by us, deciding where the key goes. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  return msg;
}

gchar *
apigo_client_describe_request (ApigoClient * client, SoupMessage * msg)
{
  GUri *url = soup_message_get_uri (msg);
  const gchar *query = g_uri_get_query (url);

  /* Another origin's URL (a CDN's) may be signed: its query is a secret. */
  if (!same_origin (url, client->base_uri)) {
    g_autofree gchar *origin = g_uri_join (G_URI_FLAGS_ENCODED,
        g_uri_get_scheme (url), NULL, g_uri_get_host (url),
        g_uri_get_port (url), g_uri_get_path (url), NULL, NULL);

    return g_strdup_printf ("%s %s%s", soup_message_get_method (msg), origin,
        query ? " (its query not shown)" : "");
  }
  return g_strdup_printf ("%s %s%s%s", soup_message_get_method (msg),
      g_uri_get_path (url), query ? "?" : "", query ? query : "");
}

GUri *
apigo_client_service_url (ApigoClient * client, const gchar * path)
{
  g_autofree gchar *text = NULL;
  GUri *url;

  if (client->api_query == NULL)
    text = g_strconcat (client->base_url, path, NULL);
  else
    text = g_strconcat (client->base_url, path, strchr (path, '?') ? "&" :
        "?", client->api_query, NULL);
  url = g_uri_parse (text, G_URI_FLAGS_ENCODED, NULL);
  /* The base URL was validated and ids are checked, so this cannot fail. */
  g_assert (url != NULL);
  return url;
}

/* A request to the service at @path (below the base URL). */
static SoupMessage *
new_message (ApigoClient * client, const gchar * method, const gchar * path)
{
  g_autoptr (GUri) url = apigo_client_service_url (client, path);

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

  what = g_strdup_printf ("HTTP %u", status);
  /* Azure's front gives the status again as its code: said once. */
  if (se.code != NULL && g_strcmp0 (se.code, what + strlen ("HTTP ")) != 0) {
    g_free (what);
    what = g_strdup_printf ("HTTP %u, %s", status, se.code);
  }

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
      /* OpenRouter's answer when the account is out of credits. */
      if (status == SOUP_STATUS_PAYMENT_REQUIRED)
        err = g_error_new (APIGO_ERROR, code,
            "The service refused to %s: payment required, the account may "
            "be out of credits (%s): %s", doing, what, words);
      else
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

/* Whether a failure to send left the request unsent for sure. */
static gboolean
sent_nothing (const GError * cause)
{
  return g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED)
      || g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE)
      || g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE)
      || g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_HOST_NOT_FOUND)
      || cause->domain == G_RESOLVER_ERROR || cause->domain == G_TLS_ERROR;
}

/* Sends @msg once and reads its whole answer, both within the request
 * timeout and the client's deadline.  *@reached tells, on failure, whether
 * the request may have reached the service all the same. */
static GBytes *
exchange (ApigoClient * client, SoupMessage * msg, const gchar * doing,
    const gchar * video_id, gboolean * reached, GCancellable * cancellable,
    GError ** error)
{
  g_autoptr (ApigoDeadline) deadline = apigo_client_new_request_deadline
      (client, cancellable, client->request_timeout_s * G_TIME_SPAN_SECOND);
  GCancellable *bounded = apigo_deadline_get_cancellable (deadline);
  g_autoptr (GInputStream) stream = NULL;
  g_autofree gchar *what = apigo_client_describe_request (client, msg);
  gint64 start = g_get_monotonic_time ();
  GBytes *body = NULL;
  GError *cause = NULL;

  APIGO_TRACE ("%s", what);
  stream = soup_session_send (client->session, msg, bounded, &cause);
  if (stream != NULL)
    body = apigo_client_read_body (stream, APIGO_CLIENT_JSON_MAX, bounded,
        &cause);
  if (body != NULL) {
    guint status = soup_message_get_status (msg);

    APIGO_DEBUG ("%s: %u %s in %" G_GINT64_FORMAT " ms, %" G_GSIZE_FORMAT
        " bytes", what, status, soup_status_get_phrase (status),
        (g_get_monotonic_time () - start) / 1000, g_bytes_get_size (body));
    return body;
  }

  APIGO_DEBUG ("%s: no answer after %" G_GINT64_FORMAT " ms: %s", what,
      (g_get_monotonic_time () - start) / 1000, cause->message);
  *reached = !sent_nothing (cause);
  apigo_client_set_request_error (client, deadline, error, cause, doing,
      video_id);
  return NULL;
}

/* Sends @msg once and returns its JSON body, or an error carrying the
 * service's words when the answer is not a success. */
static GBytes *
send_for_json (ApigoClient * client, SoupMessage * msg, const gchar * doing,
    const gchar * video_id, GCancellable * cancellable, GError ** error)
{
  g_autoptr (GBytes) body = NULL;
  gboolean reached;

  body = exchange (client, msg, doing, video_id, &reached, cancellable,
      error);
  if (body == NULL)
    return NULL;

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
    if (!apigo_client_retry_wait (client, attempt, client->retry.max_retries,
            apigo_error_is_retryable (err), err, cancellable, error))
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
  soup_message_headers_replace (headers, client->key_header,
      client->authorization);
  soup_message_headers_replace (headers, "Accept", "application/json");
  /* Lets a service that honours it recognise a resent create. */
  soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
}

/* Each of the request's parameters as its own form field (its text). */
static void
append_form_field (JsonObject * object, const gchar * name, JsonNode * value,
    gpointer form)
{
  g_autofree gchar *text = apigo_parameters_value_text (value);

  soup_multipart_append_form_string (form, name, text);
}

/* The same as a member of a JSON body, with its JSON type. */
static void
add_body_member (JsonObject * object, const gchar * name, JsonNode * value,
    gpointer builder)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_value (builder, json_node_copy (value));
}

static SoupMessage *
new_generate_message (ApigoClient * client,
    const ApigoCreateRequest * request)
{
  g_autoptr (SoupMultipart) form = soup_multipart_new
      (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autoptr (GUri) url = apigo_client_service_url (client, "/videos");
  g_autofree gchar *text = g_uri_to_string (url);
  guint i;

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
  apigo_parameters_foreach (request->parameters, append_form_field, form);
  for (i = 0; i < request->n_images; i++)
    soup_multipart_append_form_file (form, request->images[i].name,
        request->images[i].filename, request->images[i].content_type,
        request->images[i].data);
  return soup_message_new_from_multipart (text, form);
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
  apigo_parameters_foreach (request->parameters, add_body_member, b);
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

/* @json_body: the whole body, made beforehand (OpenRouter's), or NULL. */
static SoupMessage *
new_create_message (ApigoClient * client, const ApigoCreateRequest * request,
    GBytes * json_body, const gchar * idempotency_key)
{
  SoupMessage *msg;

  if (json_body != NULL) {
    msg = new_message (client, SOUP_METHOD_POST, "/videos");
    soup_message_set_request_body_from_bytes (msg, "application/json",
        json_body);
  } else if (request->kind == APIGO_CREATE_GENERATE) {
    msg = new_generate_message (client, request);
  } else {
    msg = new_derive_message (client, request);
  }

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

/* What is asked for, so that a log tells creates apart: never the prompt's
 * or the reference's content, nor the key (its header). */
static void
log_create (const ApigoCreateRequest * request, const gchar * idempotency_key)
{
  static const gchar *const kinds[] = { "generate", "remix", "extend",
    "edit"
  };
  gboolean generate = request->kind == APIGO_CREATE_GENERATE;
  /* A derived clip's model and size are its source's (new_derive_message()
   * sends none), its seconds too but an extension's. */
  const gchar *model = generate ? request->model : "(the source's)";
  const gchar *size = generate ? request->size : "(the source's)";
  const gchar *seconds = generate || request->kind == APIGO_CREATE_EXTEND ?
      request->seconds : "(the source's)";
  g_autofree gchar *reference = NULL;
  g_autofree gchar *images = NULL;

  if (!apigo_log_enabled (APIGO_LOG_DOMAIN, APIGO_LOG_LEVEL_DEBUG))
    return;
  /* Sent with generate only (new_generate_message()). */
  if (request->input_reference != NULL && generate)
    reference = g_strdup_printf ("input reference %s of %" G_GSIZE_FORMAT
        " bytes", request->input_reference_type ?
        request->input_reference_type : "untyped",
        g_bytes_get_size (request->input_reference));
  if (request->n_images > 0 && generate)
    images = g_strdup_printf (", %u more images", request->n_images);
  APIGO_DEBUG ("Create (%s%s%s): model %s, size %s, seconds %s, %s%s, "
      "Idempotency-Key %.8s...", kinds[request->kind],
      generate ? "" : " of ", generate ? "" : request->source_id,
      model ? model : "(default)", size ? size : "(default)",
      seconds ? seconds : "(default)",
      reference ? reference : "no input reference", images ? images : "",
      idempotency_key);
}

/* Whether a create that the service answered with @error may still have
 * been carried out. */
static gboolean
may_have_arrived (const GError * error)
{
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
    GBytes * json_body, const gchar * idempotency_key, gboolean * unsure,
    GCancellable * cancellable, GError ** error)
{
  g_autoptr (SoupMessage) msg = new_create_message (client, request,
      json_body, idempotency_key);
  g_autoptr (GBytes) body = NULL;
  g_autofree gchar *doing = create_doing (request);
  gboolean reached = FALSE;

  log_create (request, idempotency_key);
  /* Sent, then cut, timed out or cancelled: the service may have it. */
  body = exchange (client, msg, doing, NULL, &reached, cancellable, error);
  if (body == NULL) {
    *unsure = reached;
    return NULL;
  }

  *unsure = FALSE;
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg))) {
    GError *err = NULL;

    apigo_client_set_http_error (&err, msg, body, doing, NULL);
    *unsure = may_have_arrived (err);
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
  g_autoptr (GBytes) json_body = NULL;
  const gchar *key = request->idempotency_key;
  gint64 started = g_get_real_time () / G_USEC_PER_SEC;
  guint attempt;

  g_return_val_if_fail (APIGO_IS_CLIENT (client), NULL);
  g_return_val_if_fail (request->prompt != NULL, NULL);
  g_return_val_if_fail (request->kind != APIGO_CREATE_GENERATE
      || request->model != NULL, NULL);
  g_return_val_if_fail (request->kind == APIGO_CREATE_GENERATE
      || apigo_task_id_is_valid (request->source_id), NULL);

  /* Refused before anything is sent: nothing to pay for. */
  if (client->dialect == APIGO_DIALECT_OPENROUTER) {
    if (request->kind != APIGO_CREATE_GENERATE) {
      g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
          "Dialect openrouter offers no remix, extensions nor edits: "
          "OpenRouter's video API only generates new videos");
      return NULL;
    }
    json_body = apigo_openrouter_create_body (request, error);
    if (json_body == NULL)
      return NULL;
  }

  if (key == NULL)
    key = fresh_key = g_uuid_string_random ();

  for (attempt = 0;; attempt++) {
    GError *err = NULL;
    gboolean unsure;
    ApigoTask *task = create_once (client, request, json_body, key, &unsure,
        cancellable, &err);

    if (task != NULL)
      return task;

    /* Before sending it again (or giving up), see whether the service made
     * it anyway: services need not honour Idempotency-Key. */
    if (unsure && !g_cancellable_is_cancelled (cancellable)) {
      GError *lookup_error = NULL;

      APIGO_INFO ("The create may have reached the service (%s): looking "
          "for the task it made", err->message);
      task = apigo_client_find_created (client, request, started,
          cancellable, &lookup_error);
      if (task != NULL) {
        APIGO_INFO ("The create whose answer was lost made %s: using it",
            task->id);
        g_error_free (err);
        return task;
      }
      /* It may have: sent again, it could be paid for twice. */
      if (g_error_matches (lookup_error, APIGO_ERROR,
              APIGO_ERROR_UNCONFIRMED)) {
        g_error_free (err);
        g_propagate_error (error, lookup_error);
        return NULL;
      }
      /* None that may be it (or no list): sent again, with the same key. */
      APIGO_INFO ("No task the create may have made%s%s: it may be sent "
          "again, with the same Idempotency-Key", lookup_error ?
          " could be looked for: " : " is listed", lookup_error ?
          lookup_error->message : "");
      g_clear_error (&lookup_error);
    }

    if (!apigo_client_retry_wait (client, attempt, client->retry.max_retries,
            apigo_error_is_retryable (err), err, cancellable, error))
      return NULL;
  }
}

/* GET /videos/{id} with @limit retries; malformed answers are retried too
 * when @persistent. */
static ApigoTask *
retrieve (ApigoClient * client, const gchar * id, gint64 * poll_after_ms,
    guint limit, gboolean persistent, GCancellable * cancellable,
    GError ** error)
{
  g_autofree gchar *path = NULL;
  g_autofree gchar *doing = NULL;
  guint attempt;

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
  for (attempt = 0;; attempt++) {
    g_autoptr (SoupMessage) msg = new_message (client, SOUP_METHOD_GET, path);
    g_autoptr (GBytes) body = NULL;
    ApigoTask *task = NULL;
    GError *err = NULL;
    gboolean retryable;

    body = send_for_json (client, msg, doing, id, cancellable, &err);
    if (body != NULL)
      task = task_from_body (body, id, &err);
    if (task != NULL && g_strcmp0 (task->id, id) != 0) {
      /* Never take another task's word (or its content) for this one. */
      apigo_set_video_error (&err, APIGO_ERROR_PROTOCOL, id,
          "Asked about %s, the service answered about another video (%s)",
          id, task->id);
      apigo_error_set_retry (err, -1, 0);
      g_clear_pointer (&task, apigo_task_free);
    }
    if (task != NULL) {
      const gchar *hint = soup_message_headers_get_one
          (soup_message_get_response_headers (msg), "openai-poll-after-ms");
      guint64 ms;

      if (hint != NULL && poll_after_ms != NULL
          && g_ascii_string_to_unsigned (hint, 10, 0, G_MAXINT32, &ms, NULL))
        *poll_after_ms = ms;
      return task;
    }

    retryable = apigo_error_is_retryable (err);
    /* A garbled answer says nothing of the task: ask again. */
    if (persistent && g_error_matches (err, APIGO_ERROR, APIGO_ERROR_PROTOCOL)
        && apigo_error_get_details (err)->should_retry != 0)
      retryable = TRUE;
    if (!apigo_client_retry_wait (client, attempt, limit, retryable, err,
            cancellable, error))
      return NULL;
  }
}

ApigoTask *
apigo_client_poll (ApigoClient * client, const gchar * id,
    gint64 * poll_after_ms, GCancellable * cancellable, GError ** error)
{
  return retrieve (client, id, poll_after_ms, G_MAXUINT, TRUE, cancellable,
      error);
}

ApigoTask *
apigo_client_retrieve (ApigoClient * client, const gchar * id,
    gint64 * poll_after_ms, GCancellable * cancellable, GError ** error)
{
  return retrieve (client, id, poll_after_ms, client->retry.max_retries,
      FALSE, cancellable, error);
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

/* The newest @limit tasks; @clock_offset (optional) gets how many seconds
 * the service's clock is ahead of ours, from its Date header (0 without
 * one). */
static GPtrArray *
list_tasks (ApigoClient * client, guint limit, gint64 * clock_offset,
    GCancellable * cancellable, GError ** error)
{
  g_autofree gchar *path = g_strdup_printf ("/videos?limit=%u&order=desc",
      limit);
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GBytes) body = NULL;
  gsize len;
  const gchar *data;

  body = request_json (client, SOUP_METHOD_GET, path,
      "list the recent videos", NULL, &msg, cancellable, error);
  if (body == NULL)
    return NULL;

  if (clock_offset != NULL) {
    const gchar *date = soup_message_headers_get_one
        (soup_message_get_response_headers (msg), "Date");
    g_autoptr (GDateTime) at = date ?
        soup_date_time_new_from_http_string (date) : NULL;

    *clock_offset = at ? g_date_time_to_unix (at) -
        g_get_real_time () / G_USEC_PER_SEC : 0;
  }

  data = g_bytes_get_data (body, &len);
  return apigo_task_list_new_from_json (data, len, NULL, error);
}

GPtrArray *
apigo_client_list (ApigoClient * client, guint limit,
    GCancellable * cancellable, GError ** error)
{
  g_return_val_if_fail (APIGO_IS_CLIENT (client), NULL);

  return list_tasks (client, limit, NULL, cancellable, error);
}

static ApigoModelList *
list_models (ApigoClient * client, ApigoModelsEndpoint endpoint,
    GCancellable * cancellable, GError ** error)
{
  const gchar *path = apigo_models_endpoint_path (endpoint);
  g_autoptr (GBytes) body = NULL;
  GError *err = NULL;
  gsize len;
  const gchar *data;

  body = request_json (client, SOUP_METHOD_GET, path, "list its models",
      NULL, NULL, cancellable, &err);
  if (body == NULL) {
    /* Said plainly: "could not list its models: not found" reads like a
     * fault, and a service without the list is none. */
    if (g_error_matches (err, APIGO_ERROR, APIGO_ERROR_NOT_FOUND)) {
      g_free (err->message);
      err->message = g_strdup_printf ("This service does not list its "
          "models (GET %s answered 404)", path);
    }
    g_propagate_error (error, err);
    return NULL;
  }
  data = g_bytes_get_data (body, &len);
  return apigo_model_list_new_from_json (data, len, endpoint, error);
}

ApigoModelList *
apigo_client_list_models (ApigoClient * client, ApigoModelsEndpoint endpoint,
    GCancellable * cancellable, GError ** error)
{
  GError *err = NULL;
  ApigoModelList *list;

  g_return_val_if_fail (APIGO_IS_CLIENT (client), NULL);

  if (endpoint != APIGO_MODELS_ANY)
    return list_models (client, endpoint, cancellable, error);
  /* Gateways that imitate OpenRouter state capabilities there. */
  list = list_models (client, APIGO_MODELS_VIDEO, cancellable, &err);
  if (list != NULL || !g_error_matches (err, APIGO_ERROR,
          APIGO_ERROR_NOT_FOUND)) {
    if (err != NULL)
      g_propagate_error (error, err);
    return list;
  }
  APIGO_DEBUG ("%s; asking for /models instead", err->message);
  g_error_free (err);
  return list_models (client, APIGO_MODELS_GENERIC, cancellable, error);
}

/* How a listed task compares with a request: worse ones first. */
typedef enum
{
  MATCH_NO,                     /* it says something else: not ours */
  MATCH_UNSURE,                 /* it does not say all: may be ours */
  MATCH_YES,                    /* it says all the request has */
} Match;

/* @asked NULL: the request left it to the service. */
static Match
match_field (const gchar * said, const gchar * asked, const gchar * name,
    const gchar ** unsaid)
{
  if (asked == NULL || g_strcmp0 (said, asked) == 0)
    return MATCH_YES;
  if (said != NULL)
    return MATCH_NO;
  if (*unsaid == NULL)
    *unsaid = name;
  return MATCH_UNSURE;
}

static Match
match_source (const ApigoTask * task, const ApigoCreateRequest * request,
    const gchar ** unsaid)
{
  const struct
  {
    ApigoCreateKind kind;
    const gchar *said;
  } sources[] = {
    {APIGO_CREATE_REMIX, task->remixed_from_video_id},
    {APIGO_CREATE_EXTEND, task->extended_from_video_id},
    {APIGO_CREATE_EDIT, task->edited_from_video_id},
  };
  guint i;

  /* The API says remixed_from_video_id of every video, null when it is no
   * remix; the other two only some services say, of their own tasks. */
  if (request->kind == APIGO_CREATE_REMIX && task->not_a_remix)
    return MATCH_NO;
  for (i = 0; i < G_N_ELEMENTS (sources); i++)
    /* Made from a video another way: not what was asked. */
    if (sources[i].kind != request->kind && sources[i].said != NULL)
      return MATCH_NO;
  for (i = 0; i < G_N_ELEMENTS (sources); i++)
    if (sources[i].kind == request->kind)
      return match_field (sources[i].said, request->source_id,
          "its source video", unsaid);
  return MATCH_YES;
}

/* Whether @task, as listed, is what @request made when sent at @since
 * (on the service's clock).  @unsaid gets what it does not say. */
static Match
match_task (const ApigoTask * task, const ApigoCreateRequest * request,
    gint64 since, const gchar ** unsaid)
{
  Match m;

  *unsaid = NULL;
  /* Made before the request was sent: another request's. */
  if (task->created_at != 0 && task->created_at < since)
    return MATCH_NO;
  m = task->created_at != 0 ? MATCH_YES : MATCH_UNSURE;
  if (m == MATCH_UNSURE)
    *unsaid = "when it was made";

  m = MIN (m, match_field (task->prompt, request->prompt, "its prompt",
          unsaid));
  m = MIN (m, match_source (task, request, unsaid));
  /* A remix, extension or edit keeps its source's model and size (an
   * extension's seconds are the stitched length): the source tells. */
  if (request->kind == APIGO_CREATE_GENERATE) {
    m = MIN (m, match_field (task->model, request->model, "its model",
            unsaid));
    m = MIN (m, match_field (task->size, request->size, "its size", unsaid));
    m = MIN (m, match_field (task->seconds, request->seconds,
            "its length", unsaid));
  }
  /* No list shows it: a task like ours may come from another image. */
  if (m == MATCH_YES && request->input_reference != NULL) {
    *unsaid = "its input reference";
    m = MATCH_UNSURE;
  }
  if (m == MATCH_YES && request->n_images > 0) {
    *unsaid = "its images";
    m = MATCH_UNSURE;
  }
  /* Nor the parameters: a task alike in all else may be another request's
   * with another seed or aspect ratio. */
  if (m == MATCH_YES && request->parameters != NULL) {
    *unsaid = "its parameters";
    m = MATCH_UNSURE;
  }
  return m;
}

ApigoTask *
apigo_client_find_created (ApigoClient * client,
    const ApigoCreateRequest * request, gint64 since_unix,
    GCancellable * cancellable, GError ** error)
{
  g_autoptr (GPtrArray) tasks = NULL;
  g_autoptr (GPtrArray) maybe = g_ptr_array_new ();
  const gchar *why = NULL;
  const gchar *first;
  g_autofree gchar *ids = NULL;
  GError *err = NULL;
  gint64 offset = 0;
  guint i;

  tasks = list_tasks (client, LOOKUP_LIMIT, &offset, cancellable, &err);
  if (tasks == NULL && client->dialect == APIGO_DIALECT_OPENROUTER
      && !g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
    /* OpenRouter documents no list, nor that it honours Idempotency-Key:
     * sent again, the create could be paid for twice. */
    apigo_set_video_error (error, APIGO_ERROR_UNCONFIRMED, NULL,
        "The answer to the create was lost, and OpenRouter keeps no list "
        "of videos to find the one it may have made (%s): sending it again "
        "could pay for two. If you find its id, set video-id to use it; "
        "set reuse=false to pay for a new video", err->message);
    g_error_free (err);
    return NULL;
  }
  if (tasks == NULL) {
    g_propagate_error (error, err);
    return NULL;
  }

  /* Newest first: the first task that says all is taken. */
  for (i = 0; i < tasks->len; i++) {
    ApigoTask *task = g_ptr_array_index (tasks, i);
    const gchar *unsaid;

    switch (match_task (task, request, since_unix + offset - CREATED_SLACK_S,
            &unsaid)) {
      case MATCH_YES:
        APIGO_INFO ("%s, among the %u newest tasks, is what the create "
            "asked for, made after it was sent", task->id, tasks->len);
        return apigo_task_copy (task);
      case MATCH_UNSURE:
        if (why == NULL)
          why = unsaid;
        g_ptr_array_add (maybe, task->id);
        break;
      case MATCH_NO:
        break;
    }
  }
  APIGO_INFO ("Among the %u newest tasks, %u may be what the create made "
      "and none surely is", tasks->len, maybe->len);
  if (maybe->len == 0)
    return NULL;

  /* Adopting one could be another request's clip; sending the create again
   * could pay twice, on a service that does not honour Idempotency-Key. */
  first = g_ptr_array_index (maybe, 0);
  g_ptr_array_add (maybe, NULL);
  ids = g_strjoinv (", ", (gchar **) maybe->pdata);
  apigo_set_video_error (error, APIGO_ERROR_UNCONFIRMED, first,
      "The answer to the create was lost, and the service's list of videos "
      "cannot confirm which video it made (the list does not say %s): %s%s "
      "may be it. Set video-id=%s to use %s, or reuse=false to pay for a "
      "new video", why, maybe->len > 2 ? "one of " : "", ids, first,
      maybe->len > 2 ? "that one (or another of those ids)" : "it");
  return NULL;
}
