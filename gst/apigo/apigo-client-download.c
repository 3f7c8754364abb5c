/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GET /videos/{id}/content into a download store: Range to continue,
 * redirects followed with the key kept at home, nothing cut short passed
 * off as complete.
 */

#define G_LOG_DOMAIN "apigo-client"

#include "apigo-client-private.h"

#include <stdio.h>
#include <string.h>

/* Each read hands over what the socket has, up to this: a large one means
 * few wake-ups of the reader per MB (64 KiB: 1003 MB/s, 256 KiB: 1499,
 * 1 MiB: 1929 over loopback, docs/performance.md). */
#define DOWNLOAD_CHUNK (1024 * 1024)
#define MAX_REDIRECTS 5

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
  guint64 max;                  /* the largest clip accepted */
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
    if (apigo_download_get_stored (sink->dl) + n > sink->max) {
      apigo_set_video_error (error, APIGO_ERROR_PROTOCOL, id,
          "The content of %s is larger than the %" G_GUINT64_FORMAT
          " bytes accepted", id, sink->max);
      return FALSE;
    }
    if (n > 0 && !apigo_download_append (sink->dl, data, n, error))
      return FALSE;
    if (sink->progress != NULL)
      sink->progress (apigo_download_get_stored (sink->dl), sink->total,
          sink->user_data);
    /* All announced bytes are in: done, without waiting on the end of the
     * stream (a stop in that moment must not throw the clip away). */
    if (sink->total > 0 && sink->skip == 0
        && apigo_download_get_stored (sink->dl) == sink->total)
      return TRUE;
  }
}

static gboolean
is_redirect (guint status)
{
  return status == 301 || status == 302 || status == 303 || status == 307
      || status == 308;
}

/* Where a redirect from @from leads, if we may follow it. */
static GUri *
redirect_target (SoupMessage * msg, GUri * from, const gchar * id,
    GError ** error)
{
  const gchar *location = soup_message_headers_get_one
      (soup_message_get_response_headers (msg), "Location");
  g_autoptr (GUri) to = NULL;
  const gchar *scheme;

  if (location != NULL)
    to = g_uri_parse_relative (from, location, G_URI_FLAGS_ENCODED, NULL);
  if (to == NULL) {
    apigo_set_video_error (error, APIGO_ERROR_PROTOCOL, id,
        "The service redirected the download of %s without a usable "
        "Location", id);
    return NULL;
  }

  scheme = g_uri_get_scheme (to);
  if (g_ascii_strcasecmp (scheme, "https") != 0
      && g_ascii_strcasecmp (scheme, "http") != 0) {
    apigo_set_video_error (error, APIGO_ERROR_PROTOCOL, id,
        "The service redirected the download of %s to a %s: URL", id,
        scheme);
    return NULL;
  }
  /* A clip fetched in clear from where it was asked for securely could be
   * swapped on the way. */
  if (g_ascii_strcasecmp (g_uri_get_scheme (from), "https") == 0
      && g_ascii_strcasecmp (scheme, "http") == 0) {
    apigo_set_video_error (error, APIGO_ERROR_PROTOCOL, id,
        "The service redirected the download of %s from https to plain "
        "http: refused", id);
    return NULL;
  }
  return g_steal_pointer (&to);
}

/* Sends the content request, following redirects: *@msg_out gets the
 * message whose body the stream reads. */
static GInputStream *
open_content (ApigoClient * client, GUri * first, guint64 have,
    const gchar * id, const gchar * doing, SoupMessage ** msg_out,
    GCancellable * cancellable, GError ** error)
{
  g_autoptr (GUri) url = g_uri_ref (first);
  guint hops;

  for (hops = 0;; hops++) {
    g_autoptr (SoupMessage) msg = apigo_client_message_for_url (client,
        SOUP_METHOD_GET, url);
    SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
    g_autoptr (GInputStream) stream = NULL;
    GError *err = NULL;
    GUri *next;

    soup_message_headers_replace (headers, "Accept", "*/*");
    if (have > 0)
      soup_message_headers_set_range (headers, have, -1);

    stream = soup_session_send (client->session, msg, cancellable, &err);
    if (stream == NULL) {
      apigo_client_set_network_error (client, error, err, doing, id);
      return NULL;
    }
    if (!is_redirect (soup_message_get_status (msg))) {
      *msg_out = g_steal_pointer (&msg);
      return g_steal_pointer (&stream);
    }

    if (hops >= MAX_REDIRECTS) {
      apigo_set_video_error (error, APIGO_ERROR_PROTOCOL, id,
          "The download of %s was redirected more than %d times", id,
          MAX_REDIRECTS);
      return NULL;
    }
    next = redirect_target (msg, url, id, error);
    if (next == NULL)
      return NULL;
    g_input_stream_close (stream, NULL, NULL);
    g_uri_unref (url);
    url = next;
  }
}

static GUri *
content_url (ApigoClient * client, const gchar * id, const gchar * variant)
{
  g_autofree gchar *text = NULL;

  /* "video" is the service's default: only other variants are named. */
  if (variant != NULL && strcmp (variant, "video") != 0) {
    g_autofree gchar *escaped = g_uri_escape_string (variant, NULL, FALSE);

    text = g_strconcat (client->base_url, "/videos/", id,
        "/content?variant=", escaped, NULL);
  } else {
    text = g_strconcat (client->base_url, "/videos/", id, "/content", NULL);
  }
  return g_uri_parse (text, G_URI_FLAGS_ENCODED, NULL);
}

gboolean
apigo_client_download (ApigoClient * client, const gchar * id,
    const gchar * variant, ApigoDownload * dl,
    ApigoDownloadProgressFunc progress, gpointer user_data,
    GCancellable * cancellable, GError ** error)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (GUri) url = NULL;
  g_autofree gchar *doing = NULL;
  SoupMessageHeaders *response_headers;
  BodySink sink = { dl, 0, 0, client->max_content_bytes, progress,
    user_data
  };
  guint64 have = apigo_download_get_stored (dl);
  guint64 known_total = 0;
  guint64 stored;
  guint status;

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

  url = content_url (client, id, variant);
  doing = g_strdup_printf ("send the content of %s", id);
  stream = open_content (client, url, have, id, doing, &msg, cancellable,
      error);
  if (stream == NULL)
    return FALSE;

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
    g_autoptr (GBytes) body = apigo_client_read_body (stream,
        APIGO_CLIENT_JSON_MAX, cancellable, NULL);

    apigo_client_set_http_error (error, msg, body, doing, id);
    return FALSE;
  }

  if (sink.total > sink.max) {
    apigo_set_video_error (error, APIGO_ERROR_PROTOCOL, id,
        "The content of %s is %" G_GUINT64_FORMAT " bytes, more than the %"
        G_GUINT64_FORMAT " accepted", id, sink.total, sink.max);
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
