/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * libsoup 3 writes a response body chunk by chunk and pauses the message
 * by itself when it runs out of appended chunks; appending more and calling
 * soup_server_message_unpause() resumes it.  So pacing is a timer that
 * appends, and a cut is: append only N bytes, wait until libsoup reports
 * them written, then steal the connection and close it.
 *
 * The last byte of a whole body is held back until all the others are
 * written, and the download counted just before it goes: a client that
 * holds the whole body can then rely on the count (counting after the last
 * write would race with the client reading it).
 */

#include "emulator-stream.h"

#include <string.h>

#define CHUNK_SIZE (16 * 1024)
#define PACE_INTERVAL_MS 20

struct _EmuInFlight
{
  GList *answers;               /* Answer */
};

typedef struct
{
  EmuInFlight *in_flight;
  SoupServerMessage *msg;
  GSource *timer;               /* delay, or pacing */
  GSource *cutter;

  /* Streams only. */
  GBytes *body;
  EmuStreamOptions options;
  gsize limit;                  /* bytes handed to libsoup in all */
  gsize appended;
  gsize written;
  gint64 started;
  gboolean released;            /* the last byte may go */
  gboolean completed_body;
} Answer;

EmuInFlight *
emu_in_flight_new (void)
{
  return g_new0 (EmuInFlight, 1);
}

static void
drop_source (GSource ** source)
{
  if (*source) {
    g_source_destroy (*source);
    g_clear_pointer (source, g_source_unref);
  }
}

/* Forgets @answer: libsoup keeps the message for as long as it needs. */
static void
answer_free (Answer * answer)
{
  answer->in_flight->answers = g_list_remove (answer->in_flight->answers,
      answer);
  drop_source (&answer->timer);
  drop_source (&answer->cutter);
  g_signal_handlers_disconnect_by_data (answer->msg, answer);
  g_object_unref (answer->msg);
  g_clear_pointer (&answer->body, g_bytes_unref);
  g_free (answer);
}

void
emu_in_flight_free (EmuInFlight * in_flight)
{
  while (in_flight->answers)
    answer_free (in_flight->answers->data);
  g_free (in_flight);
}

/* An idle source for 0 ms: it runs once the current handler is done. */
static GSource *
attach_timeout (guint ms, GSourceFunc func, gpointer data)
{
  GSource *source = ms ? g_timeout_source_new (ms) : g_idle_source_new ();

  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

/* The message is gone (answered, or its client left): stop touching it. */
static void
on_gone (SoupServerMessage * msg, Answer * answer)
{
  answer_free (answer);
}

static Answer *
answer_new (EmuInFlight * in_flight, SoupServerMessage * msg)
{
  Answer *answer = g_new0 (Answer, 1);

  answer->in_flight = in_flight;
  answer->msg = g_object_ref (msg);
  g_signal_connect (msg, "finished", G_CALLBACK (on_gone), answer);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_gone), answer);
  in_flight->answers = g_list_prepend (in_flight->answers, answer);
  return answer;
}

static gboolean
delay_elapsed (gpointer data)
{
  Answer *answer = data;

  soup_server_message_unpause (answer->msg);
  answer_free (answer);
  return G_SOURCE_REMOVE;
}

void
emu_in_flight_delay (EmuInFlight * in_flight, SoupServerMessage * msg,
    gdouble seconds)
{
  Answer *answer = answer_new (in_flight, msg);

  soup_server_message_pause (msg);
  answer->timer = attach_timeout ((guint) (seconds * 1000), delay_elapsed,
      answer);
}

/* Appends chunks until @budget bytes (in all) are handed over. */
static gboolean
feed (Answer * answer, guint64 budget)
{
  SoupMessageBody *body = soup_server_message_get_response_body (answer->msg);
  gsize before = answer->appended;
  gsize ceiling = answer->released ? answer->limit : answer->limit - 1;

  while (answer->appended < ceiling && answer->appended < budget) {
    gsize n = MIN (CHUNK_SIZE, ceiling - answer->appended);
    g_autoptr (GBytes) chunk = NULL;

    n = (gsize) MIN ((guint64) n, budget - answer->appended);
    chunk = g_bytes_new_from_bytes (answer->body, answer->appended, n);
    soup_message_body_append_bytes (body, chunk);
    answer->appended += n;
  }

  /* A chunked body ends with an empty chunk, which complete() appends. */
  if (answer->options.chunked && !answer->completed_body &&
      answer->appended == g_bytes_get_size (answer->body)) {
    soup_message_body_complete (body);
    answer->completed_body = TRUE;
  }

  return answer->appended > before;
}

static gboolean
pace (gpointer data)
{
  Answer *answer = data;
  gint64 elapsed = g_get_monotonic_time () - answer->started;
  guint64 budget = (guint64) ((gdouble) answer->options.throttle *
      elapsed / G_USEC_PER_SEC);

  if (feed (answer, budget))
    soup_server_message_unpause (answer->msg);

  if (answer->appended < answer->limit)
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&answer->timer, g_source_unref);
  return G_SOURCE_REMOVE;
}

/* A chunked body needs more than a closed connection to end uncleanly:
 * libsoup writes the terminating chunk as it lets go of the connection,
 * and clients (libsoup 3.2 among them) take an end between two chunks for
 * a complete body.  So the next chunk is announced, straight on the socket
 * (which a TLS client takes for a broken record: an error too), and the
 * socket shut before libsoup can write anything more.  libsoup has written
 * the last chunk's CRLF by the time it reports its data written. */
static void
announce_missing_chunk (Answer * answer)
{
  GSocket *socket = soup_server_message_get_socket (answer->msg);
  g_autofree gchar *line = NULL;

  if (socket == NULL)
    return;
  line = g_strdup_printf ("%" G_GSIZE_MODIFIER "x\r\n",
      g_bytes_get_size (answer->body) - answer->limit);
  /* Stealing asks for both addresses, and warns when the client has gone
   * already: have libsoup look them up (and keep them) while it is there. */
  soup_server_message_get_local_address (answer->msg);
  soup_server_message_get_remote_address (answer->msg);
  g_socket_send (socket, line, strlen (line), NULL, NULL);
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
}

/* For a cut, the client got the headers (with the full length) and N
 * bytes: an unclean end, not a short but complete answer.  For a drop, it
 * got nothing at all. */
static gboolean
cut_now (gpointer data)
{
  Answer *answer = data;
  g_autoptr (SoupServerMessage) msg = g_object_ref (answer->msg);
  g_autoptr (GIOStream) connection = NULL;

  if (answer->body && answer->options.chunked && answer->options.cut)
    announce_missing_chunk (answer);
  answer_free (answer);
  connection = soup_server_message_steal_connection (msg);
  if (connection)
    g_io_stream_close (connection, NULL, NULL);
  return G_SOURCE_REMOVE;
}

void
emu_in_flight_drop (EmuInFlight * in_flight, SoupServerMessage * msg,
    gdouble seconds)
{
  Answer *answer = answer_new (in_flight, msg);

  /* Paused, libsoup writes nothing; the connection cannot be stolen from
   * within the handler, while libsoup still uses it. */
  soup_server_message_pause (msg);
  answer->cutter = attach_timeout ((guint) (seconds * 1000), cut_now, answer);
}

static void
schedule_cut (Answer * answer)
{
  /* Not from within libsoup's own write loop, which would then touch the
   * freed connection state. */
  if (answer->cutter == NULL) {
    answer->cutter = g_idle_source_new ();
    g_source_set_callback (answer->cutter, cut_now, answer, NULL);
    g_source_attach (answer->cutter, g_main_context_get_thread_default ());
  }
}

static void
on_wrote_headers (SoupServerMessage * msg, Answer * answer)
{
  if (answer->options.cut && answer->limit == 0)
    schedule_cut (answer);
}

/* All but the last byte are written: count, then let the last one go. */
static void
release_last_byte (Answer * answer)
{
  answer->released = TRUE;
  if (answer->options.completed)
    answer->options.completed (answer->options.user_data);
  if (feed (answer, G_MAXUINT64))
    soup_server_message_unpause (answer->msg);
}

static void
on_wrote_body_data (SoupServerMessage * msg, guint size, Answer * answer)
{
  answer->written += size;
  if (answer->options.cut) {
    if (answer->written >= answer->limit)
      schedule_cut (answer);
  } else if (!answer->released && answer->written == answer->limit - 1) {
    release_last_byte (answer);
  }
}

void
emu_in_flight_stream (EmuInFlight * in_flight, SoupServerMessage * msg,
    GBytes * body, const EmuStreamOptions * options)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  SoupMessageBody *response_body = soup_server_message_get_response_body (msg);
  gsize size = g_bytes_get_size (body);
  Answer *answer = answer_new (in_flight, msg);

  answer->body = g_bytes_ref (body);
  answer->options = *options;
  answer->options.cut = options->cut && options->cut_after < size;
  answer->limit = answer->options.cut ? options->cut_after : size;
  /* Nothing to hold back: a cut body, or a one-byte one. */
  answer->released = answer->options.cut || size <= 1;
  answer->started = g_get_monotonic_time ();

  /* Ranges are answered by the routes: an accumulating body would let
   * libsoup turn a deliberate 200 (ignore-range) into a 206. */
  soup_message_body_set_accumulate (response_body, FALSE);
  if (options->chunked)
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  else
    soup_message_headers_set_content_length (headers, size);

  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_headers),
      answer);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data),
      answer);

  if (!answer->options.cut && size <= 1 && options->completed)
    options->completed (options->user_data);
  if (options->throttle == 0)
    feed (answer, G_MAXUINT64);
  else
    answer->timer = attach_timeout (PACE_INTERVAL_MS, pace, answer);
}
