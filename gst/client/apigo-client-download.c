/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * GET /videos/{id}/content into a download store: Range to continue,
 * redirects followed with the key kept at home, nothing cut short passed
 * off as complete.
 */

#define G_LOG_DOMAIN "apigo-client"
#define APIGO_LOG_DOMAIN APIGO_LOG_CLIENT

#include "apigo-client-private.h"
#include "apigo-log.h"

#include <stdio.h>
#include <string.h>

/* Each read hands over what the socket has, up to this: a large one means
 * few wake-ups of the reader per MB (64 KiB: 1003 MB/s, 256 KiB: 1499,
 * 1 MiB: 1929 over loopback, docs/performance.md). */
#define DOWNLOAD_CHUNK (1024 * 1024)
#define MAX_REDIRECTS 5

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
    const gchar * if_range, const gchar * id, const gchar * doing,
    SoupMessage ** msg_out, ApigoDeadline * deadline, GError ** error)
{
  g_autoptr (GUri) url = g_uri_ref (first);
  guint hops;

  for (hops = 0;; hops++) {
    g_autoptr (SoupMessage) msg = apigo_client_message_for_url (client,
        SOUP_METHOD_GET, url);
    SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
    g_autoptr (GInputStream) stream = NULL;
    g_autofree gchar *what = apigo_client_describe_request (client, msg);
    gint64 start = g_get_monotonic_time ();
    GError *err = NULL;
    GUri *next;
    guint status;

    soup_message_headers_replace (headers, "Accept", "*/*");
    /* The bytes as stored, never a compressed form of them. */
    soup_message_headers_replace (headers, "Accept-Encoding", "identity");
    if (have > 0) {
      soup_message_headers_set_range (headers, have, -1);
      /* The rest of this clip, or all of it if it changed. */
      if (if_range != NULL)
        soup_message_headers_replace (headers, "If-Range", if_range);
    }

    APIGO_TRACE ("%s", what);
    stream = soup_session_send (client->session, msg,
        apigo_deadline_get_cancellable (deadline), &err);
    if (stream == NULL) {
      APIGO_DEBUG ("%s: no answer after %" G_GINT64_FORMAT " ms: %s", what,
          (g_get_monotonic_time () - start) / 1000, err->message);
      apigo_client_set_request_error (client, deadline, error, err, doing,
          id);
      return NULL;
    }
    status = soup_message_get_status (msg);
    if (have > 0)
      APIGO_DEBUG ("%s, bytes from %" G_GUINT64_FORMAT "%s: %u %s in %"
          G_GINT64_FORMAT " ms", what, have, if_range ? " if unchanged" : "",
          status, soup_status_get_phrase (status),
          (g_get_monotonic_time () - start) / 1000);
    else
      APIGO_DEBUG ("%s: %u %s in %" G_GINT64_FORMAT " ms", what, status,
          soup_status_get_phrase (status),
          (g_get_monotonic_time () - start) / 1000);
    if (!is_redirect (status)) {
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
    if (apigo_log_enabled (APIGO_LOG_CLIENT, APIGO_LOG_LEVEL_INFO)) {
      /* Without its query: a signed URL's is a secret. */
      g_autofree gchar *to = g_uri_join (G_URI_FLAGS_ENCODED,
          g_uri_get_scheme (next), NULL, g_uri_get_host (next),
          g_uri_get_port (next), g_uri_get_path (next), NULL, NULL);

      APIGO_INFO ("%s: redirected to %s", what, to);
    }
    g_input_stream_close (stream, NULL, NULL);
    g_uri_unref (url);
    url = next;
  }
}

static GUri *
content_url (ApigoClient * client, const gchar * id, const gchar * variant)
{
  g_autofree gchar *path = NULL;

  /* OpenRouter's outputs are numbered, the first the video. */
  if (client->dialect == APIGO_DIALECT_OPENROUTER) {
    path = g_strconcat ("/videos/", id, "/content?index=0", NULL);
    return apigo_client_service_url (client, path);
  }
  /* "video" is the service's default: only other variants are named, but
   * on Azure, whose own samples always name it. */
  if (variant == NULL && client->dialect == APIGO_DIALECT_AZURE)
    variant = "video";
  if (variant != NULL
      && (strcmp (variant, "video") != 0
          || client->dialect == APIGO_DIALECT_AZURE)) {
    g_autofree gchar *escaped = g_uri_escape_string (variant, NULL, FALSE);

    path = g_strconcat ("/videos/", id, "/content?variant=", escaped, NULL);
  } else {
    path = g_strconcat ("/videos/", id, "/content", NULL);
  }
  return apigo_client_service_url (client, path);
}

/* How often a clip that changed on the service is fetched again from its
 * first byte before giving up. */
#define MAX_RESTARTS 2

/* One download: what every answer is checked against, and where the bytes
 * go. */
typedef struct
{
  ApigoClient *client;
  const gchar *id;
  ApigoDownload *dl;
  ApigoDownloadProgressFunc progress;
  gpointer user_data;
  GCancellable *cancellable;    /* the caller's */
  ApigoDeadline *deadline;      /* the current request's */
  guint64 window_start;         /* stored bytes when the stall window began */
} Fetch;

/* How an attempt ended. */
typedef enum
{
  FETCH_DONE,                   /* every byte is in, the end proven */
  FETCH_FAILED,                 /* @error says why; may be worth a retry */
  FETCH_CHANGED,                /* the answer is of another clip */
  FETCH_UNPROVEN,               /* the body ended, nothing said where */
} FetchResult;

/* A strong ETag (If-Range may not carry a weak one), else Last-Modified. */
static const gchar *
if_range_value (const gchar * etag, const gchar * last_modified)
{
  if (etag != NULL && !g_str_has_prefix (etag, "W/"))
    return etag;
  return last_modified;
}

/* Whether what @headers say of the clip contradicts what was said first. */
static gboolean
contradicts (SoupMessageHeaders * headers, const gchar * etag,
    const gchar * last_modified, gchar ** why)
{
  const gchar *now_etag = soup_message_headers_get_one (headers, "ETag");
  const gchar *now_modified = soup_message_headers_get_one (headers,
      "Last-Modified");

  if (etag != NULL && now_etag != NULL && strcmp (etag, now_etag) != 0) {
    *why = g_strdup_printf ("its ETag was %s, now %s", etag, now_etag);
    return TRUE;
  }
  if ((etag == NULL || now_etag == NULL) && last_modified != NULL
      && now_modified != NULL && strcmp (last_modified, now_modified) != 0) {
    *why = g_strdup_printf ("it was last modified %s, now %s", last_modified,
        now_modified);
    return TRUE;
  }
  return FALSE;
}

/* Restarts the stall window: from now on, stall_min_bytes must arrive in
 * every stall_timeout_s. */
static void
stall_window_restart (Fetch * f)
{
  gint64 span = f->client->stall_timeout_s * G_TIME_SPAN_SECOND;

  f->window_start = apigo_download_get_stored (f->dl);
  apigo_deadline_set (f->deadline, MIN (g_get_monotonic_time () + span,
          f->client->deadline_us));
}

/* Appends @len bytes, never past @total (0: unknown). */
static FetchResult
store (Fetch * f, const guint8 * data, gsize len, guint64 total,
    gchar ** why, GError ** error)
{
  guint64 stored = apigo_download_get_stored (f->dl);

  if (total > 0 && stored + len > total) {
    *why = g_strdup_printf ("it brought more than the %" G_GUINT64_FORMAT
        " bytes it announced", total);
    return FETCH_CHANGED;
  }
  if (stored + len > f->client->max_content_bytes) {
    apigo_set_video_error (error, APIGO_ERROR_PROTOCOL, f->id,
        "The content of %s is larger than the %" G_GUINT64_FORMAT
        " bytes accepted", f->id, f->client->max_content_bytes);
    return FETCH_FAILED;
  }
  if (!apigo_download_append (f->dl, data, len, error))
    return FETCH_FAILED;
  if (f->progress != NULL)
    f->progress (stored + len, total, f->user_data);
  if (stored + len - f->window_start >= f->client->stall_min_bytes)
    stall_window_restart (f);
  return FETCH_DONE;
}

/* Reads the body into the store.  The first @skip bytes are the start of
 * the clip again (a server ignoring Range): they must be the bytes held.
 * Returns DONE once @total bytes are in (without waiting for the end of the
 * stream, so that a stop in that moment keeps the clip), or at the end of
 * a body whose length was unknown. */
static FetchResult
read_body (Fetch * f, GInputStream * stream, guint64 skip, guint64 total,
    gchar ** why, GError ** error)
{
  g_autofree guint8 *buf = g_malloc (DOWNLOAD_CHUNK);
  guint64 compared = 0;

  stall_window_restart (f);
  for (;;) {
    GError *err = NULL;
    gssize n = g_input_stream_read (stream, buf, DOWNLOAD_CHUNK,
        apigo_deadline_get_cancellable (f->deadline), &err);
    guint8 *data = buf;
    FetchResult r;

    if (n < 0) {
      if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && apigo_deadline_expired (f->deadline)
          && g_get_monotonic_time () < f->client->deadline_us) {
        g_clear_error (&err);
        apigo_set_video_error (error, APIGO_ERROR_NETWORK, f->id,
            "The download of %s stalled after %" G_GUINT64_FORMAT
            " bytes (less than %" G_GUINT64_FORMAT " bytes in %u s)", f->id,
            apigo_download_get_stored (f->dl), f->client->stall_min_bytes,
            f->client->stall_timeout_s);
      } else if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        g_autofree gchar *doing = g_strdup_printf ("download %s", f->id);

        apigo_client_set_request_error (f->client, f->deadline, error, err,
            doing, f->id);
      } else {
        apigo_set_video_error (error, APIGO_ERROR_NETWORK, f->id,
            "The download of %s broke off after %" G_GUINT64_FORMAT
            " bytes: %s", f->id, apigo_download_get_stored (f->dl),
            err->message);
        g_error_free (err);
      }
      return FETCH_FAILED;
    }
    if (n == 0)
      break;

    if (compared < skip) {
      gsize same = MIN ((guint64) n, skip - compared);
      GError *read_error = NULL;

      if (!apigo_download_holds (f->dl, compared, data, same, &read_error)) {
        if (read_error != NULL) {
          g_propagate_error (error, read_error);
          return FETCH_FAILED;
        }
        *why = g_strdup ("its bytes are not the ones downloaded before");
        return FETCH_CHANGED;
      }
      compared += same;
      data += same;
      n -= same;
    }
    if (n > 0 && (r = store (f, data, n, total, why, error)) != FETCH_DONE)
      return r;
    if (total > 0 && compared == skip
        && apigo_download_get_stored (f->dl) == total)
      return FETCH_DONE;
  }

  if (compared < skip || total > 0) {
    apigo_set_video_error (error, APIGO_ERROR_NETWORK, f->id,
        "The download of %s ended after %" G_GUINT64_FORMAT " of %"
        G_GUINT64_FORMAT " bytes", f->id, apigo_download_get_stored (f->dl),
        total > 0 ? total : skip);
    return FETCH_FAILED;
  }
  return FETCH_DONE;
}

/* The whole clip's length in a 206's Content-Range when it gives one; its
 * end (last byte + 1) in any case. */
static gboolean
parse_content_range (SoupMessageHeaders * headers, guint64 * start,
    guint64 * end, guint64 * total)
{
  goffset s, e, t;

  if (!soup_message_headers_get_content_range (headers, &s, &e, &t))
    return FALSE;
  *start = s;
  *end = (guint64) e + 1;
  *total = t >= 0 ? (guint64) t : 0;
  return TRUE;
}

/* A body read to its end with no length known is proven complete only by
 * a second answer that agrees (@confirmed): one that ended with its
 * connection may have been cut, and libsoup ends a chunked body cut before
 * its terminator as cleanly as a whole one. */
static FetchResult
ended (FetchResult r, guint64 total, gboolean confirmed)
{
  if (r != FETCH_DONE || total > 0 || confirmed)
    return r;
  return FETCH_UNPROVEN;
}

/* One request for the bytes after those held. */
static FetchResult
fetch_once (Fetch * f, GUri * url, gboolean end_unproven, gchar ** why,
    GError ** error)
{
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GInputStream) stream = NULL;
  g_autofree gchar *doing = g_strdup_printf ("download the content of %s",
      f->id);
  g_autofree gchar *etag = NULL;
  g_autofree gchar *last_modified = NULL;
  SoupMessageHeaders *headers;
  guint64 have = apigo_download_get_stored (f->dl);
  guint64 total = 0;
  guint status;

  if (!apigo_download_get_total (f->dl, &total))
    total = 0;
  apigo_download_get_validators (f->dl, &etag, &last_modified);

  /* Every byte arrived before (only the end of the body did not). */
  if (have > 0 && total == have)
    return FETCH_DONE;
  if (have > 0)
    APIGO_INFO ("Resuming the download of %s at byte %" G_GUINT64_FORMAT
        " of %" G_GUINT64_FORMAT "%s", f->id, have, total,
        etag || last_modified ? ", if the clip is unchanged" : "");

  f->deadline = apigo_client_new_request_deadline (f->client, f->cancellable,
      f->client->request_timeout_s * G_TIME_SPAN_SECOND);
  stream = open_content (f->client, url, have, if_range_value (etag,
          last_modified), f->id, doing, &msg, f->deadline, error);
  if (stream == NULL)
    return FETCH_FAILED;

  status = soup_message_get_status (msg);
  headers = soup_message_get_response_headers (msg);

  /* The clip is stored and resumed byte for byte: an encoded body (gzip...)
   * is not the clip, whatever its bytes decode to. */
  if (SOUP_STATUS_IS_SUCCESSFUL (status)) {
    const gchar *coding = soup_message_headers_get_one (headers,
        "Content-Encoding");

    if (coding != NULL && g_ascii_strcasecmp (coding, "identity") != 0) {
      g_autofree gchar *shown = apigo_service_text (coding, -1, 40);

      apigo_set_video_error (error, APIGO_ERROR_PROTOCOL, f->id,
          "The service sent the content of %s with Content-Encoding \"%s\", "
          "though only the clip itself was asked for", f->id, shown);
      return FETCH_FAILED;
    }
  }

  if (status == SOUP_STATUS_PARTIAL_CONTENT && have > 0) {
    guint64 start, end, said_total;

    if (!parse_content_range (headers, &start, &end, &said_total)
        || start != have) {
      *why = g_strdup_printf ("it resumed at another byte than %"
          G_GUINT64_FORMAT, have);
      return FETCH_CHANGED;
    }
    if (said_total > 0 && total > 0 && said_total != total) {
      *why = g_strdup_printf ("its length was %" G_GUINT64_FORMAT
          " bytes, now %" G_GUINT64_FORMAT, total, said_total);
      return FETCH_CHANGED;
    }
    if (total > 0 && end != total) {
      *why = g_strdup_printf ("it ends at byte %" G_GUINT64_FORMAT
          " instead of %" G_GUINT64_FORMAT, end, total);
      return FETCH_CHANGED;
    }
    if (contradicts (headers, etag, last_modified, why))
      return FETCH_CHANGED;
    if (total == 0 && said_total > 0) {
      total = said_total;
      apigo_download_set_total (f->dl, total);
    }
    return ended (read_body (f, stream, 0, total, why, error), total, FALSE);
  }

  if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE && have > 0) {
    const gchar *range = soup_message_headers_get_one (headers,
        "Content-Range");
    guint64 said = have;

    /* "bytes * /LENGTH" (if any) must be what we hold. */
    if (range != NULL && sscanf (range, "bytes */%" G_GUINT64_FORMAT,
            &said) != 1)
      said = 0;
    if (said != have || (total > 0 && total != have)) {
      *why = g_strdup_printf ("it says the clip has %" G_GUINT64_FORMAT
          " bytes, not the %" G_GUINT64_FORMAT " announced", said,
          total > 0 ? total : have);
      return FETCH_CHANGED;
    }
    if (contradicts (headers, etag, last_modified, why))
      return FETCH_CHANGED;
    /* With no length said before, only "bytes * /LENGTH" says where the
     * clip ends. */
    if (total == 0 && range == NULL)
      return FETCH_UNPROVEN;
    APIGO_INFO ("The service says the %" G_GUINT64_FORMAT " bytes held are "
        "the whole content of %s", have, f->id);
    return FETCH_DONE;
  }

  if (status == SOUP_STATUS_OK) {
    guint64 length = 0;
    FetchResult r;

    /* The whole clip from its first byte: a first request, a server that
     * ignores Range, or If-Range telling that the clip changed. */
    if (soup_message_headers_get_encoding (headers) ==
        SOUP_ENCODING_CONTENT_LENGTH)
      length = soup_message_headers_get_content_length (headers);
    if (have > 0 && ((total > 0 && length > 0 && length != total)
            || contradicts (headers, etag, last_modified, why))) {
      if (*why == NULL)
        *why = g_strdup_printf ("its length was %" G_GUINT64_FORMAT
            " bytes, now %" G_GUINT64_FORMAT, total, length);
      /* Nothing handed out yet: take this answer from its first byte. */
      if (!apigo_download_truncate (f->dl, 0))
        return FETCH_CHANGED;
      apigo_client_notice (f->client, g_error_new (APIGO_ERROR,
              APIGO_ERROR_PROTOCOL, "The content of %s changed on the "
              "service (%s): downloading it again from the start", f->id,
              *why));
      g_clear_pointer (why, g_free);
      have = 0;
      total = 0;
    }
    if (have > 0)
      APIGO_INFO ("The service sent the content of %s from its first byte "
          "again: checking the %" G_GUINT64_FORMAT " bytes held against it",
          f->id, have);
    if (have == 0)
      apigo_download_set_validators (f->dl, soup_message_headers_get_one
          (headers, "ETag"), soup_message_headers_get_one (headers,
              "Last-Modified"));
    if (total == 0)
      total = length;
    if (length > f->client->max_content_bytes) {
      apigo_set_video_error (error, APIGO_ERROR_PROTOCOL, f->id,
          "The content of %s is %" G_GUINT64_FORMAT " bytes, more than the %"
          G_GUINT64_FORMAT " accepted", f->id, length,
          f->client->max_content_bytes);
      return FETCH_FAILED;
    }
    if (total > 0)
      apigo_download_set_total (f->dl, total);

    r = read_body (f, stream, have, total, why, error);
    /* The same bytes, ending at the same place as before: proven. */
    return ended (r, total, end_unproven
        && have == apigo_download_get_stored (f->dl));
  }

  {
    g_autoptr (GBytes) body = apigo_client_read_body (stream,
        APIGO_CLIENT_JSON_MAX, apigo_deadline_get_cancellable (f->deadline),
        NULL);

    apigo_client_set_http_error (error, msg, body, doing, f->id);
    return FETCH_FAILED;
  }
}


gboolean
apigo_client_download (ApigoClient * client, const gchar * id,
    const gchar * variant, ApigoDownload * dl,
    ApigoDownloadProgressFunc progress, gpointer user_data,
    GCancellable * cancellable, GError ** error)
{
  g_autoptr (GUri) url = NULL;
  Fetch f = { client, id, dl, progress, user_data, cancellable, NULL, 0 };
  gboolean end_unproven = FALSE;
  guint failures = 0, restarts = 0;

  g_return_val_if_fail (APIGO_IS_CLIENT (client), FALSE);

  if (!apigo_task_id_is_valid (id)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "\"%s\" is not a valid video id", id ? id : "");
    return FALSE;
  }
  if (client->dialect == APIGO_DIALECT_OPENROUTER && variant != NULL
      && strcmp (variant, "video") != 0) {
    apigo_set_video_error (error, APIGO_ERROR_INVALID_SETTING, id,
        "The variant %s is not offered by dialect openrouter: OpenRouter "
        "serves the video only", variant);
    return FALSE;
  }
  url = content_url (client, id, variant);

  for (;;) {
    g_autofree gchar *why = NULL;
    guint64 before = apigo_download_get_stored (dl);
    GError *err = NULL;
    FetchResult r;

    r = fetch_once (&f, url, end_unproven, &why, &err);
    g_clear_pointer (&f.deadline, apigo_deadline_free);

    switch (r) {
      case FETCH_DONE:
        apigo_download_finish (dl);
        APIGO_INFO ("Downloaded the content of %s: %" G_GUINT64_FORMAT
            " bytes", id, apigo_download_get_stored (dl));
        return TRUE;
      case FETCH_UNPROVEN:
        /* Ask once more: a 416 or the same bytes again prove the end. */
        if (end_unproven && failures >= client->retry.max_retries) {
          apigo_set_video_error (error, APIGO_ERROR_PROTOCOL, id,
              "The service never said how long the content of %s is, nor "
              "confirmed where it ends", id);
          return FALSE;
        }
        APIGO_INFO ("The content of %s ended with its connection, its "
            "length never said: asking again to confirm the end", id);
        end_unproven = TRUE;
        failures++;
        continue;
      case FETCH_CHANGED:
        if (apigo_download_truncate (dl, 0) && restarts < MAX_RESTARTS) {
          restarts++;
          end_unproven = FALSE;
          apigo_client_notice (client, g_error_new (APIGO_ERROR,
                  APIGO_ERROR_PROTOCOL, "The content of %s changed on the "
                  "service while it was downloaded (%s): downloading it "
                  "again from the start", id, why));
          continue;
        }
        /* Readers have bytes of the old one: nothing can be joined. */
        apigo_download_reset (dl);
        apigo_set_video_error (error, APIGO_ERROR_PROTOCOL, id,
            "The content of %s changed on the service while it was "
            "downloaded (%s); the bytes cannot be joined", id, why);
        return FALSE;
      case FETCH_FAILED:
        break;
    }

    /* A stretch that brought bytes starts the count afresh. */
    if (apigo_download_get_stored (dl) > before)
      failures = 0;
    if (!apigo_client_retry_wait (client, failures, client->retry.max_retries,
            apigo_error_is_retryable (err), err, cancellable, error))
      return FALSE;
    failures++;
  }
}
