/* gst-apigo: a programmable, misbehaving /v1/videos service for tests
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An answer is written from a buffer holding all of it (status line,
 * headers, body): the first at_once bytes in one go, then one byte per
 * interval up to limit; then the connection is closed, or held open.
 * Writes are asynchronous on the server's context: a stalled client never
 * stalls the server.
 */

#include "hostile-wire.h"

#include <string.h>

struct _HostileWires
{
  GList *list;                  /* Wire */
  gboolean closing;
};

typedef struct
{
  HostileWires *wires;
  SoupServerMessage *msg;       /* until its connection is taken */
  GIOStream *stream;
  GBytes *bytes;                /* the whole answer */
  gsize sent;
  gsize at_once;                /* written without pause */
  gsize limit;                  /* written in all */
  gboolean hold;                /* then keep the connection open */
  guint interval_ms;
  GSource *timer;
  GCancellable *cancellable;
  gboolean writing;
} Wire;

static void wire_pump (Wire * w);

static void
drop_timer (Wire * w)
{
  if (w->timer != NULL) {
    g_source_destroy (w->timer);
    g_clear_pointer (&w->timer, g_source_unref);
  }
}

static void
wire_end (Wire * w)
{
  w->wires->list = g_list_remove (w->wires->list, w);
  drop_timer (w);
  if (w->stream != NULL)
    g_io_stream_close (w->stream, NULL, NULL);
  g_clear_object (&w->stream);
  g_clear_object (&w->msg);
  g_bytes_unref (w->bytes);
  g_object_unref (w->cancellable);
  g_free (w);
}

static void
wire_written (GObject * source, GAsyncResult * result, gpointer data)
{
  Wire *w = data;
  gsize written = 0;

  w->writing = FALSE;
  /* An error: the client left, or the server stops. */
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result,
          &written, NULL) || w->wires->closing) {
    wire_end (w);
    return;
  }
  w->sent += written;
  wire_pump (w);
}

static void
wire_write (Wire * w, gsize n)
{
  const guint8 *data = g_bytes_get_data (w->bytes, NULL);

  w->writing = TRUE;
  g_output_stream_write_all_async (g_io_stream_get_output_stream
      (w->stream), data + w->sent, n, G_PRIORITY_DEFAULT, w->cancellable,
      wire_written, w);
}

static gboolean
wire_tick (gpointer data)
{
  Wire *w = data;

  g_clear_pointer (&w->timer, g_source_unref);
  wire_write (w, 1);
  return G_SOURCE_REMOVE;
}

static void
wire_pump (Wire * w)
{
  if (w->sent >= w->limit) {
    if (!w->hold)
      wire_end (w);
  } else if (w->sent < w->at_once) {
    wire_write (w, w->at_once - w->sent);
  } else {
    w->timer = g_timeout_source_new (w->interval_ms);
    g_source_set_callback (w->timer, wire_tick, w, NULL);
    g_source_attach (w->timer, g_main_context_get_thread_default ());
  }
}

static gboolean
take_connection (gpointer data)
{
  Wire *w = data;

  g_clear_pointer (&w->timer, g_source_unref);
  w->stream = soup_server_message_steal_connection (w->msg);
  g_clear_object (&w->msg);
  if (w->stream == NULL)
    wire_end (w);
  else
    wire_pump (w);
  return G_SOURCE_REMOVE;
}

/* Status line and headers as given, then the body. */
static GBytes *
serialize (const HostileAnswer * a, gsize * head_len)
{
  GString *s = g_string_new (NULL);
  gboolean until_close = a->wire == HOSTILE_WIRE_UNTIL_CLOSE;
  const gchar *phrase = soup_status_get_phrase (a->status);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  gsize size;
  const guint8 *body = g_bytes_get_data (a->body, &size);

  g_string_append_printf (s, "HTTP/1.%d %u %s\r\n", until_close ? 0 : 1,
      a->status, phrase ? phrase : "Whatever");
  soup_message_headers_iter_init (&iter, a->headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (s, "%s: %s\r\n", name, value);
  if (!until_close
      && soup_message_headers_get_one (a->headers, "Content-Length") == NULL)
    g_string_append_printf (s, "Content-Length: %" G_GSIZE_FORMAT "\r\n",
        size);
  g_string_append (s, "Connection: close\r\n\r\n");
  *head_len = s->len;
  g_string_append_len (s, (const gchar *) body, size);
  return g_string_free_to_bytes (s);
}

void
hostile_wires_send (HostileWires * wires, SoupServerMessage * msg,
    const HostileAnswer * answer)
{
  Wire *w = g_new0 (Wire, 1);
  gsize head, total, cut;

  w->wires = wires;
  w->bytes = serialize (answer, &head);
  total = g_bytes_get_size (w->bytes);
  cut = head + MIN (answer->cut_after, total - head);
  w->interval_ms = MAX (answer->interval_ms, 1);
  w->cancellable = g_cancellable_new ();

  switch (answer->wire) {
    case HOSTILE_WIRE_WHOLE:
      w->at_once = w->limit = total;
      break;
    case HOSTILE_WIRE_CUT:
    case HOSTILE_WIRE_UNTIL_CLOSE:
      w->at_once = w->limit = cut;
      break;
    case HOSTILE_WIRE_TRICKLE:
      w->at_once = 0;
      w->limit = total;
      break;
    case HOSTILE_WIRE_TRICKLE_BODY:
      w->at_once = head;
      w->limit = total;
      break;
    case HOSTILE_WIRE_STALL:
      w->hold = TRUE;
      break;
    case HOSTILE_WIRE_STALL_BODY:
      w->at_once = w->limit = cut;
      w->hold = TRUE;
      break;
  }

  /* Taking the connection asks for both addresses, and warns once the
   * client has gone: have libsoup look them up while it is there. */
  soup_server_message_get_local_address (msg);
  soup_server_message_get_remote_address (msg);
  /* Paused, libsoup writes nothing; the connection can be taken only once
   * the handler has returned. */
  soup_server_message_pause (msg);
  w->msg = g_object_ref (msg);
  w->timer = g_idle_source_new ();
  g_source_set_callback (w->timer, take_connection, w, NULL);
  g_source_attach (w->timer, g_main_context_get_thread_default ());
  wires->list = g_list_prepend (wires->list, w);
}

HostileWires *
hostile_wires_new (void)
{
  return g_new0 (HostileWires, 1);
}

void
hostile_wires_free (HostileWires * wires)
{
  GList *all = g_list_copy (wires->list);
  GList *l;

  wires->closing = TRUE;
  for (l = all; l != NULL; l = l->next) {
    Wire *w = l->data;

    if (w->writing)
      g_cancellable_cancel (w->cancellable);
    else
      wire_end (w);
  }
  g_list_free (all);

  /* The cancelled writes end their wires as they return. */
  while (wires->list != NULL)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  g_free (wires);
}
