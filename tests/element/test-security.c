/* gst-apigo: the key stays at home, what comes from the network is checked
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"
#include "test-server.h"

#include <libsoup/soup.h>

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"

/* A content URL that redirects to another origin (a CDN): followed, the
 * key left behind, whichever header the @dialect puts it in. */
static void
redirect_keeps_key_home (const gchar * dialect)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect (dialect);
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autofree gchar *id = NULL;
  TestCollector out;
  guint i, cdn = 0, content = 0;

  g_object_set (emu, "cdn", TRUE, NULL);
  pipeline = test_pipeline_new (emu, "from a CDN", FILE_PIPELINE);
  gst_util_set_object_arg (G_OBJECT (test_pipeline_get (pipeline, "src")),
      "dialect", dialect);
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
      fail_if (r->api_key_present, "the api-key went to the CDN");
      cdn++;
    }
  }
  fail_unless_equals_int (content, 1);
  fail_unless_equals_int (cdn, 1);
  test_collector_clear (&out);
}

GST_START_TEST (test_redirect_keeps_key_home)
{
  redirect_keeps_key_home ("openai");
}

GST_END_TEST;

GST_START_TEST (test_redirect_keeps_api_key_home)
{
  redirect_keeps_key_home ("azure");
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
  TestServer *server;
  const gchar *base_url;
  const gchar *mode;
} Hostile;

/* Words with terminal escapes (a window title, clearing the screen,
 * colours) and line breaks, as a hostile service or proxy may send. */
static void
escaping_answer (Hostile * h, SoupServerMessage * msg, const char *path)
{
  const gchar *refused = "{\"error\": {\"message\": \"Bad size"
      "\\u001b]0;pwned\\u0007: use\\r\\nX-Forged: 1\\u001b[2J 720x1280"
      "\\u009b2J\", \"code\": \"\\u001b[31minvalid_value\\u001b[0m\", "
      "\"type\": \"invalid\\nrequest\", \"param\": \"si\\u007fze\"}}";
  const gchar *created = "{\"id\": \"video_esc\", \"status\": "
      "\"queued\\r\\n\\u001b[2J\"}";
  const gchar *failed = "{\"id\": \"video_esc\", \"status\": \"failed\", "
      "\"error\": {\"code\": \"blocked\\u001b]0;pwned\\u0007\", "
      "\"message\": \"Your prompt\\u001b[2J was\\r\\nblocked\\u001b[5m\", "
      "\"type\": \"\\u0085policy\", \"param\": \"prompt\\u0000\"}}";
  const gchar *body;

  if (g_str_equal (h->mode, "escape-phrase")) {
    soup_server_message_set_status (msg, 400,
        "Bad\x1b[2J Request\x1b]0;pwned\x07");
    return;
  }
  if (g_str_equal (h->mode, "escape-refused")) {
    soup_server_message_set_status (msg, 400, NULL);
    body = refused;
  } else {
    soup_server_message_set_status (msg, 200, NULL);
    body = g_str_equal (soup_server_message_get_method (msg), "POST") ?
        created : failed;
  }
  soup_server_message_set_response (msg, "application/json",
      SOUP_MEMORY_STATIC, body, strlen (body));
}

static void
hostile_handler (SoupServer * server, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  Hostile *h = user_data;
  SoupMessageHeaders *headers =
      soup_server_message_get_response_headers (msg);

  if (g_str_has_prefix (h->mode, "escape")) {
    escaping_answer (h, msg, path);
  } else if (g_str_equal (h->mode, "traversal")) {
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

static void
hostile_start (Hostile * h, const gchar * mode)
{
  memset (h, 0, sizeof (*h));
  h->mode = mode;
  h->server = test_server_new (hostile_handler, h);
  h->base_url = test_server_get_base_url (h->server);
}

static void
hostile_stop (Hostile * h)
{
  test_server_free (h->server);
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

/* No byte a terminal acts on: C0 controls, DEL, C1 controls. */
static void
assert_shown_safely (const gchar * mode, const gchar * what,
    const gchar * text)
{
  const guchar *p;

  if (text == NULL)
    return;
  for (p = (const guchar *) text; *p != '\0'; p++)
    fail_if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80
            && p[1] <= 0x9f), "%s: a control character in the %s: %s", mode,
        what, g_strescape (text, NULL));
}

static gboolean
check_field (GQuark field, const GValue * value, gpointer mode)
{
  if (G_VALUE_HOLDS_STRING (value))
    assert_shown_safely (mode, g_quark_to_string (field),
        g_value_get_string (value));
  return TRUE;
}

/* What the service says reaches the bus and, through gst-launch-1.0, a
 * terminal: tidied where it comes in, its words still there. */
static void
assert_shown_tidy (const gchar * mode, const gchar * words,
    const gchar * more_words)
{
  Hostile h;
  g_autoptr (GstElement) pipeline = gst_parse_launch (FILE_PIPELINE, NULL);
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *debug = NULL;
  g_autofree gchar *status = NULL;
  const GstStructure *details = NULL;
  guint i;

  hostile_start (&h, mode);
  g_object_set (src, "base-url", h.base_url, "api-key", TEST_API_KEY,
      "prompt", mode, "cache-dir", test_tmp_dir (), "poll-interval", 100,
      "retries", 0, NULL);
  run = test_run (pipeline, 60);
  hostile_stop (&h);

  fail_unless (run->last != NULL
      && GST_MESSAGE_TYPE (run->last) == GST_MESSAGE_ERROR, "%s: no error",
      mode);
  gst_message_parse_error (run->last, &error, &debug);
  gst_message_parse_error_details (run->last, &details);
  assert_shown_safely (mode, "error", error->message);
  /* GStreamer's own "where: \n" comes first; the element's details
   * follow. */
  fail_unless (debug != NULL && strchr (debug, '\n') != NULL);
  assert_shown_safely (mode, "debug string", strchr (debug, '\n') + 1);
  if (details != NULL)
    gst_structure_foreach (details, check_field, (gpointer) mode);
  fail_unless (strstr (error->message, words) != NULL
      && strstr (error->message, more_words) != NULL, "%s: '%s'", mode,
      error->message);

  for (i = 0; i < run->messages->len; i++) {
    GstMessage *msg = g_ptr_array_index (run->messages, i);
    const GstStructure *s = gst_message_get_structure (msg);

    /* Progress texts, apigo-status fields (the error is checked above). */
    if (s != NULL && GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ERROR)
      gst_structure_foreach (s, check_field, (gpointer) mode);
  }
  g_object_get (src, "status", &status, NULL);
  assert_shown_safely (mode, "status property", status);
}

GST_START_TEST (test_service_text_shown_safely)
{
  assert_shown_tidy ("escape-refused", "Bad size", "720x1280");
  assert_shown_tidy ("escape-failed", "Your prompt", "blocked");
  assert_shown_tidy ("escape-phrase", "Bad", "Request");
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
  tcase_add_test (tc, test_redirect_keeps_api_key_home);
  tcase_add_test (tc, test_plain_http_refused);
  tcase_add_test (tc, test_plain_http_to_loopback);
  tcase_add_test (tc, test_hostile_answers);
  tcase_add_test (tc, test_service_text_shown_safely);
  return s;
}

GST_CHECK_MAIN (security);
