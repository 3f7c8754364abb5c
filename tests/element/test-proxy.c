/* gst-apigo: proxies from the environment, and the key in the clear
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Everything stays on 127.0.0.1.  192.0.2.1 (TEST-NET-1) stands for a proxy
 * on another machine: it is named to the element, which must refuse it
 * before any connection; nothing ever connects to it.
 */

#include "test-util.h"
#include "proxy-env.h"

#include <libsoup/soup.h>

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"

/* A forward proxy on 127.0.0.1: takes absolute-URI requests, passes them on
 * to their target (the emulator) and the answers back, and notes each. */
typedef struct
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  SoupSession *session;
  gchar *url;                   /* http://127.0.0.1:PORT */
  guint port;
  GMutex lock;
  GCond ready;
  GPtrArray *seen;              /* "METHOD absolute-URI", in order */
} Proxy;

static gboolean
hop_by_hop (const gchar * name)
{
  const gchar *const names[] = { "Connection", "Keep-Alive",
    "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate", "TE",
    "Trailer", "Transfer-Encoding", "Upgrade", "Host", "Content-Length",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
copy_headers (SoupMessageHeaders * from, SoupMessageHeaders * to)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;

  soup_message_headers_iter_init (&iter, from);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    if (!hop_by_hop (name))
      soup_message_headers_append (to, name, value);
}

static void
proxy_handler (SoupServer * server, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  Proxy *p = user_data;
  GUri *target = soup_server_message_get_uri (msg);
  const gchar *method = soup_server_message_get_method (msg);
  g_autofree gchar *target_text = g_uri_to_string (target);
  g_autoptr (SoupMessage) out = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (GError) error = NULL;
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);

  g_mutex_lock (&p->lock);
  g_ptr_array_add (p->seen, g_strdup_printf ("%s %s", method, target_text));
  g_mutex_unlock (&p->lock);

  /* Sent to the proxy as if it were the service: not proxying at all. */
  if (g_uri_get_port (target) == (gint) p->port) {
    soup_server_message_set_status (msg, 400, "Not a proxy request");
    return;
  }

  out = soup_message_new_from_uri (method, target);
  copy_headers (soup_server_message_get_request_headers (msg),
      soup_message_get_request_headers (out));
  if (request_body->length > 0) {
    body = soup_message_body_flatten (request_body);
    soup_message_set_request_body_from_bytes (out, NULL, body);
  }
  answer = soup_session_send_and_read (p->session, out, NULL, &error);
  if (answer == NULL) {
    soup_server_message_set_status (msg, 502, error->message);
    return;
  }
  soup_server_message_set_status (msg, soup_message_get_status (out),
      soup_message_get_reason_phrase (out));
  copy_headers (soup_message_get_response_headers (out),
      soup_server_message_get_response_headers (msg));
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg),
      answer);
}

static gpointer
proxy_thread (gpointer data)
{
  Proxy *p = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL,
      NULL);
  GSList *uris;

  g_main_context_push_thread_default (p->context);
  p->session = soup_session_new_with_options ("proxy-resolver", direct,
      NULL);
  /* Bodies are passed on as they are. */
  soup_session_remove_feature_by_type (p->session,
      SOUP_TYPE_CONTENT_DECODER);
  p->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (p->server, NULL, proxy_handler, p, NULL);
  fail_unless (soup_server_listen_local (p->server, 0,
          SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (p->server);
  g_mutex_lock (&p->lock);
  p->port = g_uri_get_port (uris->data);
  p->url = g_strdup_printf ("http://127.0.0.1:%u", p->port);
  g_cond_signal (&p->ready);
  g_mutex_unlock (&p->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (p->loop);
  soup_server_disconnect (p->server);
  g_clear_object (&p->server);
  g_clear_object (&p->session);
  g_main_context_pop_thread_default (p->context);
  return NULL;
}

static void
proxy_start (Proxy * p)
{
  memset (p, 0, sizeof (*p));
  p->context = g_main_context_new ();
  p->loop = g_main_loop_new (p->context, FALSE);
  p->seen = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&p->lock);
  g_cond_init (&p->ready);
  g_mutex_lock (&p->lock);
  p->thread = g_thread_new ("proxy", proxy_thread, p);
  while (p->url == NULL)
    g_cond_wait (&p->ready, &p->lock);
  g_mutex_unlock (&p->lock);
}

/* Stops @p; returns what it saw. */
static GPtrArray *
proxy_stop (Proxy * p)
{
  g_main_loop_quit (p->loop);
  g_thread_join (p->thread);
  g_main_loop_unref (p->loop);
  g_main_context_unref (p->context);
  g_free (p->url);
  g_mutex_clear (&p->lock);
  g_cond_clear (&p->ready);
  return p->seen;
}

/* Plays the clip of @prompt from @emu; asserts every byte arrived. */
static void
play_clip (ApigoEmulator * emu, const gchar * prompt)
{
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, prompt,
      FILE_PIPELINE);
  g_autoptr (TestRun) run = NULL;
  g_autofree gchar *id = NULL;
  TestCollector out;

  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);
  g_object_get (test_pipeline_get (pipeline, "src"), "video-id", &id, NULL);
  test_assert_served (emu, id, out.bytes->data, out.bytes->len);
  test_collector_clear (&out);
}

/* Plain http:// through a proxy on another machine is refused like plain
 * http:// to another machine: in start(), so synchronously in the state
 * change, before the job (and its thread) exists and before any
 * connection. */
GST_START_TEST (test_remote_proxy_refused)
{
  const struct
  {
    const gchar *var, *value, *shown;
  } proxies[] = {
    {"http_proxy", "http://someone:proxy-password@192.0.2.1:3128/",
        "http://192.0.2.1:3128"},
    {"all_proxy", "socks5://192.0.2.1:1080", "socks5://192.0.2.1:1080"},
    {"ALL_PROXY", "192.0.2.1:3128", "http://192.0.2.1:3128"},
  };
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  guint i;

  /* Should the element ever fail to judge the proxy, GIO's own resolver
   * does not follow the variables in the tests (tests/meson.build): a
   * regression then goes direct to the emulator, never to 192.0.2.1. */
  fail_unless_equals_string (G_OBJECT_TYPE_NAME
      (g_proxy_resolver_get_default ()), "GDummyProxyResolver");

  for (i = 0; i < G_N_ELEMENTS (proxies); i++) {
    g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "far proxy",
        FILE_PIPELINE);
    g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
    g_autoptr (GstMessage) msg = NULL;
    g_autoptr (GError) error = NULL;
    g_autofree gchar *debug = NULL;
    g_autofree gchar *status = NULL;
    GstMessage *other;

    proxy_env_clear ();
    g_setenv (proxies[i].var, proxies[i].value, TRUE);
    fail_unless_equals_int (gst_element_set_state (pipeline,
            GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);

    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    fail_unless (msg != NULL);
    gst_message_parse_error (msg, &error, &debug);
    fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_SETTINGS), "%s", error->message);
    fail_unless (strstr (error->message, proxies[i].shown) != NULL, "%s",
        error->message);
    fail_unless (strstr (error->message, "allow-plain-http") != NULL, "%s",
        error->message);
    fail_if (strstr (error->message, "someone") != NULL
        || strstr (error->message, "password") != NULL, "%s",
        error->message);
    fail_if (strstr (error->message, TEST_API_KEY) != NULL);
    fail_if (debug != NULL && strstr (debug, TEST_API_KEY) != NULL);
    fail_if (debug != NULL && strstr (debug, "password") != NULL);

    /* Not a single step of a generation was taken. */
    while ((other = gst_bus_pop (bus)) != NULL) {
      fail_if (GST_MESSAGE_TYPE (other) == GST_MESSAGE_PROGRESS);
      gst_message_unref (other);
    }
    g_object_get (test_pipeline_get (pipeline, "src"), "status", &status,
        NULL);
    fail_unless (status == NULL, "%s", status);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    fail_unless_equals_int (apigo_emulator_count_requests (emu,
            APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
  }
}

GST_END_TEST;

/* allow-plain-http=true lets the key through a proxy elsewhere too: not
 * tried here (that would connect to it); tests/unit/test-proxy.c checks
 * that decision and the proxy the client then uses. */

/* A proxy on this machine is used, plain http:// or not. */
GST_START_TEST (test_loopback_proxy_used)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *prefix = NULL;
  g_autoptr (GPtrArray) seen = NULL;
  Proxy proxy;
  guint i, creates = 0, contents = 0, served;

  proxy_start (&proxy);
  g_setenv ("http_proxy", proxy.url, TRUE);
  play_clip (emu, "through a local proxy");
  seen = proxy_stop (&proxy);

  /* Every request the service answered came through the proxy, with its
   * absolute URI. */
  served = apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_ANY,
      NULL);
  fail_unless (served >= 3);
  fail_unless_equals_int (seen->len, served);
  prefix = g_strdup_printf ("%s/videos", apigo_emulator_get_base_url (emu));
  for (i = 0; i < seen->len; i++) {
    const gchar *line = g_ptr_array_index (seen, i);
    const gchar *uri = strchr (line, ' ') + 1;

    fail_unless (g_str_has_prefix (uri, prefix), "%s", line);
    if (g_str_has_prefix (line, "POST ") && g_str_equal (uri, prefix))
      creates++;
    if (g_str_has_prefix (line, "GET ") && strstr (uri, "/content") != NULL)
      contents++;
  }
  fail_unless_equals_int (creates, 1);
  fail_unless_equals_int (contents, 1);
}

GST_END_TEST;

static guint
proxy_count (Proxy * p)
{
  guint n;

  g_mutex_lock (&p->lock);
  n = p->seen->len;
  g_mutex_unlock (&p->lock);
  return n;
}

/* no_proxy (or NO_PROXY) naming the host: straight there, not through the
 * proxy; naming other hosts: through it. */
GST_START_TEST (test_no_proxy_goes_direct)
{
  const struct
  {
    const gchar *var, *value;
    gboolean direct;
  } cases[] = {
    {"no_proxy", "example.com", FALSE},
    {"no_proxy", "example.com, localhost,127.0.0.1", TRUE},
    {"NO_PROXY", "127.0.0.1", TRUE},
    {"no_proxy", "*", TRUE},
  };
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GPtrArray) seen = NULL;
  Proxy proxy;
  guint i;

  proxy_start (&proxy);
  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree gchar *prompt = g_strdup_printf ("no_proxy %u", i);
    guint before = proxy_count (&proxy), served;

    proxy_env_clear ();
    g_setenv ("http_proxy", proxy.url, TRUE);
    g_setenv (cases[i].var, cases[i].value, TRUE);
    apigo_emulator_clear_requests (emu);
    play_clip (emu, prompt);
    served = apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_ANY,
        NULL);
    fail_unless (served >= 3);
    fail_unless_equals_int (proxy_count (&proxy) - before,
        cases[i].direct ? 0 : served);
  }
  seen = proxy_stop (&proxy);
}

GST_END_TEST;

static Suite *
proxy_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-proxy");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_checked_fixture (tc, proxy_env_save, proxy_env_restore);
  tcase_add_test (tc, test_remote_proxy_refused);
  tcase_add_test (tc, test_loopback_proxy_used);
  tcase_add_test (tc, test_no_proxy_goes_direct);
  return s;
}

GST_CHECK_MAIN (proxy);
