/* gst-apigo: a tiny HTTP server of a test's own, on 127.0.0.1
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-server.h"

#include <gst/check/gstcheck.h>

struct _TestServer
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServerCallback callback;
  gpointer user_data;
  gchar *base_url;
  GMutex lock;
  GCond ready;
};

static gpointer
server_thread (gpointer data)
{
  TestServer *s = data;
  g_autoptr (GError) error = NULL;
  SoupServer *server;
  GSList *uris;

  g_main_context_push_thread_default (s->context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, s->callback, s->user_data, NULL);
  fail_unless (soup_server_listen_local (server, 0,
          SOUP_SERVER_LISTEN_IPV4_ONLY, &error), "listen: %s",
      error ? error->message : "?");
  uris = soup_server_get_uris (server);
  g_mutex_lock (&s->lock);
  s->base_url = g_strdup_printf ("http://127.0.0.1:%d/v1",
      g_uri_get_port (uris->data));
  g_cond_signal (&s->ready);
  g_mutex_unlock (&s->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (s->loop);
  g_object_unref (server);
  g_main_context_pop_thread_default (s->context);
  return NULL;
}

TestServer *
test_server_new (SoupServerCallback callback, gpointer user_data)
{
  TestServer *s = g_new0 (TestServer, 1);

  s->callback = callback;
  s->user_data = user_data;
  s->context = g_main_context_new ();
  s->loop = g_main_loop_new (s->context, FALSE);
  g_mutex_init (&s->lock);
  g_cond_init (&s->ready);
  g_mutex_lock (&s->lock);
  s->thread = g_thread_new ("test-server", server_thread, s);
  while (s->base_url == NULL)
    g_cond_wait (&s->ready, &s->lock);
  g_mutex_unlock (&s->lock);
  return s;
}

const gchar *
test_server_get_base_url (TestServer * s)
{
  return s->base_url;
}

void
test_server_free (TestServer * s)
{
  g_main_loop_quit (s->loop);
  g_thread_join (s->thread);
  g_main_loop_unref (s->loop);
  g_main_context_unref (s->context);
  g_free (s->base_url);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->ready);
  g_free (s);
}
