/* gst-apigo: the key stays at home, what comes from the network is checked
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#include <libsoup/soup.h>

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"

/* A content URL that redirects to another origin (a CDN): followed, the
 * key left behind. */
GST_START_TEST (test_redirect_keeps_key_home)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autofree gchar *id = NULL;
  TestCollector out;
  guint i, cdn = 0, content = 0;

  g_object_set (emu, "cdn", TRUE, NULL);
  pipeline = test_pipeline_new (emu, "from a CDN", FILE_PIPELINE);
  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);

  g_object_get (test_pipeline_get (pipeline, "src"), "video-id", &id, NULL);
  test_assert_served (emu, id, out.bytes->data, out.bytes->len);

  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CONTENT) {
      fail_unless (r->authorized);
      content++;
    } else if (r->route == APIGO_EMULATOR_ROUTE_CDN) {
      fail_if (r->authorization_present, "the key went to the CDN");
      cdn++;
    }
  }
  fail_unless_equals_int (content, 1);
  fail_unless_equals_int (cdn, 1);
  test_collector_clear (&out);
}

GST_END_TEST;

/* The key never goes in clear to another machine unless asked: refused in
 * start(), which sends nothing, so before any connection. */
GST_START_TEST (test_plain_http_refused)
{
  const gchar *remote[] = { "http://192.0.2.10/v1", "http://maas.apigo.ai/v1",
    "http://[2001:db8::1]:8080/v1", "HTTP://example.com/v1"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (remote); i++) {
    g_autoptr (GstElement) pipeline = gst_parse_launch (FILE_PIPELINE, NULL);
    g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
    g_autoptr (GstMessage) msg = NULL;
    g_autoptr (GError) error = NULL;
    GstMessage *other;

    g_object_set (test_pipeline_get (pipeline, "src"), "base-url", remote[i],
        "api-key", TEST_API_KEY, "prompt", "p", "cache-dir",
        test_tmp_dir (), NULL);
    fail_unless_equals_int (gst_element_set_state (pipeline,
            GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
    msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
    fail_unless (msg != NULL);
    gst_message_parse_error (msg, &error, NULL);
    fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_SETTINGS), "%s", error->message);
    fail_unless (strstr (error->message, "allow-plain-http") != NULL, "%s",
        error->message);
    /* Not a single step of a generation was taken. */
    while ((other = gst_bus_pop (bus)) != NULL) {
      fail_if (GST_MESSAGE_TYPE (other) == GST_MESSAGE_PROGRESS);
      gst_message_unref (other);
    }
    gst_element_set_state (pipeline, GST_STATE_NULL);
  }
}

GST_END_TEST;

/* http:// to this machine is fine (the emulator, a local gateway). */
GST_START_TEST (test_plain_http_to_loopback)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "local",
      FILE_PIPELINE);
  g_autoptr (TestRun) run = test_run (pipeline, 60);

  test_run_assert_eos (run);
}

GST_END_TEST;

/* A hostile or broken server: answers that could steer a path, exhaust
 * memory or the disk are refused with an error, never a crash. */

typedef struct
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  gchar *base_url;
  const gchar *mode;
  GMutex lock;
  GCond ready;
} Hostile;

static void
hostile_handler (SoupServer * server, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  Hostile *h = user_data;
  SoupMessageHeaders *headers =
      soup_server_message_get_response_headers (msg);

  if (g_str_equal (h->mode, "traversal")) {
    soup_server_message_set_status (msg, 200, NULL);
    const gchar *body = "{\"id\": \"../../etc/passwd\", "
        "\"status\": \"completed\"}";

    soup_server_message_set_response (msg, "application/json",
        SOUP_MEMORY_STATIC, body, strlen (body));
  } else if (g_str_equal (h->mode, "huge-json")) {
    gsize len = 5 * 1024 * 1024;
    gchar *body = g_malloc (len);

    memset (body, ' ', len);
    body[0] = '{';
    body[len - 1] = '}';
    soup_server_message_set_status (msg, 200, NULL);
    soup_server_message_set_response (msg, "application/json",
        SOUP_MEMORY_TAKE, body, len);
  } else if (g_str_has_suffix (path, "/content")) {
    /* An absurd size: it must be refused before a byte is stored. */
    soup_server_message_set_status (msg, 200, NULL);
    soup_server_message_set_response (msg, "video/mp4", SOUP_MEMORY_STATIC,
        "", 0);
    soup_message_headers_set_content_length (headers,
        G_GUINT64_CONSTANT (1) << 50);
  } else {
    /* Nonsense numbers: clamped or ignored, never trusted. */
    const gchar *body = "{\"id\": \"video_h\", \"status\": "
        "\"completed\", \"progress\": 1e300, \"seconds\": -7, "
        "\"created_at\": \"yesterday\", \"expires_at\": 1e300}";

    soup_server_message_set_status (msg, 200, NULL);
    soup_server_message_set_response (msg, "application/json",
        SOUP_MEMORY_STATIC, body, strlen (body));
  }
}

static gpointer
hostile_thread (gpointer data)
{
  Hostile *h = data;
  g_autoptr (GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (h->context);
  h->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (h->server, NULL, hostile_handler, h, NULL);
  fail_unless (soup_server_listen_local (h->server, 0,
          SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (h->server);
  g_mutex_lock (&h->lock);
  h->base_url = g_strdup_printf ("http://127.0.0.1:%d/v1",
      g_uri_get_port (uris->data));
  g_cond_signal (&h->ready);
  g_mutex_unlock (&h->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (h->loop);
  g_clear_object (&h->server);
  g_main_context_pop_thread_default (h->context);
  return NULL;
}

static void
hostile_start (Hostile * h, const gchar * mode)
{
  memset (h, 0, sizeof (*h));
  h->mode = mode;
  h->context = g_main_context_new ();
  h->loop = g_main_loop_new (h->context, FALSE);
  g_mutex_init (&h->lock);
  g_cond_init (&h->ready);
  g_mutex_lock (&h->lock);
  h->thread = g_thread_new ("hostile", hostile_thread, h);
  while (h->base_url == NULL)
    g_cond_wait (&h->ready, &h->lock);
  g_mutex_unlock (&h->lock);
}

static void
hostile_stop (Hostile * h)
{
  g_main_loop_quit (h->loop);
  g_thread_join (h->thread);
  g_main_loop_unref (h->loop);
  g_main_context_unref (h->context);
  g_free (h->base_url);
  g_mutex_clear (&h->lock);
  g_cond_clear (&h->ready);
}

static void
assert_refused_by_element (const gchar * mode, const gchar * words)
{
  Hostile h;
  g_autoptr (GstElement) pipeline = gst_parse_launch (FILE_PIPELINE, NULL);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GError) error = NULL;
  GstMessage *msg;

  hostile_start (&h, mode);
  g_object_set (test_pipeline_get (pipeline, "src"), "base-url", h.base_url,
      "api-key", TEST_API_KEY, "prompt", mode, "cache-dir", test_tmp_dir (),
      "poll-interval", 100, "retries", 0, NULL);
  run = test_run (pipeline, 60);
  hostile_stop (&h);

  fail_unless (run->last != NULL);
  msg = run->last;
  fail_unless (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR, "%s: no error",
      mode);
  gst_message_parse_error (msg, &error, NULL);
  fail_unless (strstr (error->message, words) != NULL, "%s: '%s'", mode,
      error->message);
}

GST_START_TEST (test_hostile_answers)
{
  assert_refused_by_element ("traversal", "no usable video id");
  assert_refused_by_element ("huge-json", "larger than");
  assert_refused_by_element ("huge-content", "accepted");
}

GST_END_TEST;

static Suite *
security_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-security");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_redirect_keeps_key_home);
  tcase_add_test (tc, test_plain_http_refused);
  tcase_add_test (tc, test_plain_http_to_loopback);
  tcase_add_test (tc, test_hostile_answers);
  return s;
}

GST_CHECK_MAIN (security);
