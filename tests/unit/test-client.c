/* gst-apigo: the Videos API client against the emulator, over HTTP
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>

#include "apigo-client.h"
#include "apigo-emulator.h"

#define KEY "sk-client-test-key"

static ApigoEmulator *
start_emulator (void)
{
  g_autoptr (GError) error = NULL;
  ApigoEmulator *emu = apigo_emulator_new ();
  const gchar *cache = g_getenv ("APIGO_TEST_CLIP_CACHE");

  g_object_set (emu, "api-key", KEY, "any-size", TRUE, "audio", FALSE,
      "generation-time", 0.2, NULL);
  if (cache != NULL)
    g_object_set (emu, "cache-dir", cache, NULL);
  fail_unless (apigo_emulator_start (emu, 0, &error));
  return emu;
}

static ApigoClient *
new_client_with_retries (ApigoEmulator * emu, const gchar * key,
    guint retries)
{
  g_autoptr (GError) error = NULL;
  ApigoClientOptions options = {
    .base_url = apigo_emulator_get_base_url (emu),
    .api_key = key,
    .user_agent = "apigo-client-test/1",
    .retries = retries,
  };
  ApigoClient *client = apigo_client_new_full (&options, &error);

  g_assert_no_error (error);
  return client;
}

static ApigoClient *
new_client (ApigoEmulator * emu, const gchar * key)
{
  return new_client_with_retries (emu, key, 2);
}

static const ApigoCreateRequest small_clip = {
  .model = "sora-2",
  .prompt = "client test",
  .size = "320x180",
  .seconds = "1",
};

static ApigoTask *
create (ApigoClient * client, const ApigoCreateRequest * req)
{
  g_autoptr (GError) error = NULL;
  ApigoTask *task = apigo_client_create (client, req, NULL, &error);

  g_assert_no_error (error);
  fail_unless (task != NULL);
  return task;
}

/* Polls (bounded) until the task is completed. */
static void
wait_completed (ApigoClient * client, const gchar * id)
{
  gint i;

  for (i = 0; i < 500; i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (ApigoTask) task = apigo_client_retrieve (client, id, NULL,
        NULL, &error);

    g_assert_no_error (error);
    if (task->status == APIGO_TASK_STATUS_COMPLETED)
      return;
    fail_if (apigo_task_status_is_final (task->status));
    g_usleep (20 * 1000);
  }
  fail ("%s never completed", id);
}

/* A small clip, created and generated: its task, and the bytes the
 * emulator serves for it. */
static ApigoTask *
completed_clip (ApigoEmulator * emu, ApigoClient * client, GBytes ** served)
{
  ApigoTask *task = create (client, &small_clip);

  wait_completed (client, task->id);
  *served = apigo_emulator_get_content (emu, task->id);
  fail_unless (*served != NULL);
  return task;
}

static ApigoDownload *
new_store (void)
{
  g_autoptr (GError) error = NULL;
  ApigoDownload *dl = apigo_download_new (NULL, &error);

  g_assert_no_error (error);
  return dl;
}

static GBytes *
read_all (ApigoDownload * dl)
{
  guint64 total = 0;
  guint8 *data;

  fail_unless (apigo_download_is_complete (dl));
  fail_unless (apigo_download_get_total (dl, &total));
  data = g_malloc (total + 1);
  fail_unless_equals_int64 (apigo_download_read (dl, 0, data, total, NULL,
          NULL), total);
  return g_bytes_new_take (data, total);
}

static ApigoEmulatorRequest *
last_request (ApigoEmulator * emu, GPtrArray ** keep)
{
  *keep = apigo_emulator_get_requests (emu);
  fail_unless ((*keep)->len > 0);
  return g_ptr_array_index (*keep, (*keep)->len - 1);
}

GST_START_TEST (test_create_retrieve_download)
{
  g_autoptr (ApigoEmulator) emu = start_emulator ();
  g_autoptr (ApigoClient) client = new_client (emu, KEY);
  g_autoptr (ApigoTask) task = NULL;
  g_autoptr (ApigoDownload) dl = new_store ();
  g_autoptr (GBytes) got = NULL;
  g_autoptr (GBytes) served = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GError) error = NULL;
  ApigoEmulatorRequest *req;

  /* The task's clock stands still until the create is answered: a slow
   * machine (valgrind) must not see it done already. */
  g_object_set (emu, "clock-held", TRUE, NULL);
  task = create (client, &small_clip);
  fail_unless (apigo_task_id_is_valid (task->id));
  fail_unless_equals_int (task->status, APIGO_TASK_STATUS_QUEUED);
  g_object_set (emu, "clock-held", FALSE, NULL);
  req = last_request (emu, &requests);
  fail_unless_equals_string (req->user_agent, "apigo-client-test/1");
  fail_unless (req->authorized);
  fail_unless_equals_string (g_hash_table_lookup (req->form, "prompt"),
      "client test");
  /* No key given: a fresh one, so that a resend can be recognised. */
  fail_unless (req->idempotency_key != NULL
      && strlen (req->idempotency_key) >= 32);

  wait_completed (client, task->id);
  fail_unless (apigo_client_download (client, task->id, NULL, dl, NULL,
          NULL, NULL, &error));
  g_assert_no_error (error);

  got = read_all (dl);
  served = apigo_emulator_get_content (emu, task->id);
  fail_unless (g_bytes_equal (got, served));
}

GST_END_TEST;

GST_START_TEST (test_idempotency_key_is_sent)
{
  g_autoptr (ApigoEmulator) emu = start_emulator ();
  g_autoptr (ApigoClient) client = new_client (emu, KEY);
  ApigoCreateRequest req = small_clip;
  g_autoptr (ApigoTask) original = NULL;
  g_autoptr (ApigoTask) again = NULL;
  g_autoptr (GPtrArray) requests = NULL;

  req.idempotency_key = "job-7f3a";
  original = create (client, &req);
  again = create (client, &req);
  fail_unless_equals_string (last_request (emu, &requests)->idempotency_key,
      "job-7f3a");
  /* A service that honours the key answers with the same task. */
  fail_unless_equals_string (again->id, original->id);
}

GST_END_TEST;

GST_START_TEST (test_poll_hint)
{
  g_autoptr (ApigoEmulator) emu = start_emulator ();
  g_autoptr (ApigoClient) client = new_client (emu, KEY);
  g_autoptr (ApigoTask) task = create (client, &small_clip);
  g_autoptr (ApigoTask) without = NULL;
  g_autoptr (ApigoTask) with = NULL;
  gint64 hint = 0;

  without = apigo_client_retrieve (client, task->id, &hint, NULL, NULL);
  fail_unless (without != NULL);
  fail_unless_equals_int64 (hint, -1);

  g_object_set (emu, "poll-after-ms", 250, NULL);
  with = apigo_client_retrieve (client, task->id, &hint, NULL, NULL);
  fail_unless (with != NULL);
  fail_unless_equals_int64 (hint, 250);
}

GST_END_TEST;

static void
progress_cb (guint64 stored, guint64 total, gpointer user_data)
{
  guint64 *last_total = user_data;

  fail_unless (total == 0 || stored <= total);
  *last_total = total;
}

/* A store that already holds the first bytes is continued with Range. */
static void
resume (gboolean ignore_range, gboolean chunked)
{
  g_autoptr (ApigoEmulator) emu = start_emulator ();
  g_autoptr (ApigoClient) client = new_client (emu, KEY);
  g_autoptr (GBytes) served = NULL;
  g_autoptr (ApigoTask) task = completed_clip (emu, client, &served);
  g_autoptr (ApigoDownload) dl = new_store ();
  g_autoptr (GBytes) got = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GError) error = NULL;
  guint64 last_total = 1;
  gsize len;
  const guint8 *data = g_bytes_get_data (served, &len);

  fail_unless (len > 2000);
  fail_unless (apigo_download_append (dl, data, 1000, NULL));

  g_object_set (emu, "ignore-range", ignore_range, "chunked", chunked, NULL);
  fail_unless (apigo_client_download (client, task->id, "video", dl,
          progress_cb, &last_total, NULL, &error), "%s",
      error ? error->message : "");
  requests = apigo_emulator_get_requests (emu);
  /* The first content request continues after the bytes held; a chunked
   * body's end is then confirmed by asking for what comes after it. */
  {
    guint i, content = 0;

    for (i = 0; i < requests->len; i++) {
      ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);
      g_autofree gchar *end = g_strdup_printf ("bytes=%" G_GSIZE_FORMAT "-",
          len);

      if (r->route != APIGO_EMULATOR_ROUTE_CONTENT)
        continue;
      if (content++ == 0) {
        fail_unless_equals_string (r->range, "bytes=1000-");
      } else {
        fail_unless (chunked && content == 2
            && g_strcmp0 (r->range, end) == 0, "request %u: %s", content,
            r->range);
      }
    }
    fail_unless_equals_int (content, chunked ? 2 : 1);
  }
  /* The whole clip's size, from Content-Range or Content-Length. */
  fail_unless_equals_uint64 (last_total, chunked ? 0 : len);
  got = read_all (dl);
  fail_unless (g_bytes_equal (got, served));
}

GST_START_TEST (test_resume_with_range)
{
  resume (FALSE, FALSE);
}

GST_END_TEST;

GST_START_TEST (test_resume_when_range_ignored)
{
  resume (TRUE, FALSE);
}

GST_END_TEST;

GST_START_TEST (test_resume_chunked)
{
  resume (TRUE, TRUE);
}

GST_END_TEST;

/* A body cut short is an error, never a finished clip; the next call
 * continues from what arrived. */
GST_START_TEST (test_cut_download)
{
  g_autoptr (ApigoEmulator) emu = start_emulator ();
  g_autoptr (ApigoClient) client = new_client_with_retries (emu, KEY, 0);
  g_autoptr (GBytes) served = NULL;
  g_autoptr (ApigoTask) task = completed_clip (emu, client, &served);
  g_autoptr (ApigoDownload) dl = new_store ();
  g_autoptr (GBytes) got = NULL;
  g_autoptr (GError) error = NULL;

  apigo_emulator_cut_download (emu, 1500, 1);
  fail_if (apigo_client_download (client, task->id, NULL, dl, NULL, NULL,
          NULL, &error));
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_NETWORK);
  fail_unless (strstr (error->message, task->id) != NULL);
  fail_if (apigo_download_is_complete (dl));
  fail_unless (apigo_download_get_stored (dl) <= 1500);
  g_clear_error (&error);

  fail_unless (apigo_client_download (client, task->id, NULL, dl, NULL,
          NULL, NULL, &error));
  got = read_all (dl);
  fail_unless (g_bytes_equal (got, served));
}

GST_END_TEST;

/* A store that holds every byte, only not marked finished (the end of a
 * chunked body was lost), is finished without asking for more. */
GST_START_TEST (test_resume_nothing_left)
{
  g_autoptr (ApigoEmulator) emu = start_emulator ();
  g_autoptr (ApigoClient) client = new_client (emu, KEY);
  g_autoptr (GBytes) served = NULL;
  g_autoptr (ApigoTask) task = completed_clip (emu, client, &served);
  g_autoptr (ApigoDownload) dl = new_store ();
  g_autoptr (GBytes) got = NULL;
  g_autoptr (GError) error = NULL;
  guint asked;

  apigo_download_set_total (dl, g_bytes_get_size (served));
  fail_unless (apigo_download_append (dl, g_bytes_get_data (served, NULL),
          g_bytes_get_size (served), NULL));
  asked = apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_CONTENT,
      NULL);

  fail_unless (apigo_client_download (client, task->id, NULL, dl, NULL,
          NULL, NULL, &error));
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CONTENT, NULL), asked);
  got = read_all (dl);
  fail_unless (g_bytes_equal (got, served));
}

GST_END_TEST;

/* The client does not crash when its caller does not want the error. */
GST_START_TEST (test_errors_ignored)
{
  g_autoptr (ApigoEmulator) emu = start_emulator ();
  g_autoptr (ApigoClient) client = new_client_with_retries (emu, KEY, 0);
  g_autoptr (GBytes) served = NULL;
  g_autoptr (ApigoTask) task = completed_clip (emu, client, &served);
  g_autoptr (ApigoDownload) dl = new_store ();

  apigo_emulator_cut_download (emu, 100, 1);
  fail_if (apigo_client_download (client, task->id, NULL, dl, NULL, NULL,
          NULL, NULL));
  fail_if (apigo_client_retrieve (client, "video_gone", NULL, NULL, NULL));
}

GST_END_TEST;

static void
assert_service_error (GError * error, ApigoErrorCode code, guint status,
    const gchar * service_code)
{
  const ApigoErrorDetails *d;

  fail_unless (error != NULL);
  g_assert_error (error, APIGO_ERROR, (gint) code);
  d = apigo_error_get_details (error);
  fail_unless_equals_int (d->http_status, status);
  if (service_code != NULL)
    fail_unless_equals_string (d->service_code, service_code);
}

/* A download that trickles is cut once it brings less than the stall
 * minimum in the stall window, and continued: with no retries left, an
 * error that says it stalled, never a wait for ever. */
GST_START_TEST (test_stalled_download)
{
  g_autoptr (ApigoEmulator) emu = start_emulator ();
  g_autoptr (ApigoClient) client = new_client (emu, KEY);
  g_autoptr (ApigoClient) impatient = NULL;
  g_autoptr (GBytes) served = NULL;
  g_autoptr (ApigoTask) task = completed_clip (emu, client, &served);
  g_autoptr (ApigoDownload) dl = new_store ();
  g_autoptr (GError) error = NULL;
  ApigoClientOptions options = {
    .base_url = apigo_emulator_get_base_url (emu),
    .api_key = KEY,
    .retries = 0,
    .stall_timeout_s = 1,
    .stall_min_bytes = 1 << 20,
  };

  impatient = apigo_client_new_full (&options, &error);
  g_assert_no_error (error);
  g_object_set (emu, "throttle", (guint64) 8000, NULL);
  fail_if (apigo_client_download (impatient, task->id, NULL, dl, NULL, NULL,
          NULL, &error));
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_NETWORK);
  fail_unless (strstr (error->message, "stalled") != NULL, "%s",
      error->message);
  fail_if (apigo_download_is_complete (dl));
}

GST_END_TEST;

/* The client's deadline bounds its retries: a service that asks for a
 * long wait is not waited for past it. */
GST_START_TEST (test_deadline_bounds_retries)
{
  g_autoptr (ApigoEmulator) emu = start_emulator ();
  g_autoptr (ApigoClient) client = new_client_with_retries (emu, KEY, 5);
  g_autoptr (ApigoTask) task = create (client, &small_clip);
  g_autoptr (GError) error = NULL;
  ApigoEmulatorFault fault = { APIGO_EMULATOR_ROUTE_RETRIEVE, 503,
    APIGO_EMULATOR_BODY_JSON, NULL, "30000", NULL, 100
  };

  apigo_emulator_inject (emu, &fault);
  apigo_client_set_deadline (client, g_get_monotonic_time () +
      G_TIME_SPAN_SECOND);
  fail_if (apigo_client_poll (client, task->id, NULL, NULL, &error));
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_TIMEOUT);
  fail_unless (strstr (error->message, "503") != NULL, "%s",
      error->message);
  /* One try: the next would come after the deadline. */
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_RETRIEVE, NULL), 1);
}

GST_END_TEST;

GST_START_TEST (test_service_errors)
{
  g_autoptr (ApigoEmulator) emu = start_emulator ();
  /* No retries: each answer's own error, as the service gave it. */
  g_autoptr (ApigoClient) client = new_client_with_retries (emu, KEY, 0);
  g_autoptr (ApigoClient) intruder = new_client (emu, "sk-not-this-one");
  ApigoCreateRequest bad_size = small_clip;
  GError *error = NULL;

  fail_if (apigo_client_create (intruder, &small_clip, NULL, &error));
  assert_service_error (error, APIGO_ERROR_AUTH, 401, "invalid_api_key");
  fail_if (strstr (error->message, "sk-not-this-one") != NULL);
  g_clear_error (&error);

  fail_if (apigo_client_retrieve (client, "video_unknown", NULL, NULL,
          &error));
  assert_service_error (error, APIGO_ERROR_NOT_FOUND, 404, NULL);
  fail_unless_equals_string (apigo_error_get_details (error)->video_id,
      "video_unknown");
  g_clear_error (&error);

  g_object_set (emu, "any-size", FALSE, NULL);
  bad_size.size = "321x181";
  fail_if (apigo_client_create (client, &bad_size, NULL, &error));
  assert_service_error (error, APIGO_ERROR_BAD_REQUEST, 400, NULL);
  fail_unless_equals_string (apigo_error_get_details (error)->service_param,
      "size");
  g_clear_error (&error);
  g_object_set (emu, "any-size", TRUE, NULL);

  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_CREATE, 503, 1);
  fail_if (apigo_client_create (client, &small_clip, NULL, &error));
  assert_service_error (error, APIGO_ERROR_TRANSIENT, 503, NULL);
  g_clear_error (&error);

  /* A proxy's HTML page: its title, not the markup. */
  apigo_emulator_fail_html (emu, APIGO_EMULATOR_ROUTE_CREATE, 502, 1);
  fail_if (apigo_client_create (client, &small_clip, NULL, &error));
  assert_service_error (error, APIGO_ERROR_TRANSIENT, 502, NULL);
  fail_unless (strstr (error->message, "502") != NULL, "%s", error->message);
  fail_if (strchr (error->message, '<') != NULL, "%s", error->message);
  g_clear_error (&error);

  /* Content before completion. */
  {
    g_autoptr (ApigoTask) task = NULL;
    g_autoptr (ApigoDownload) dl = new_store ();

    g_object_set (emu, "generation-time", 600.0, "any-size", TRUE, NULL);
    task = create (client, &small_clip);
    fail_if (apigo_client_download (client, task->id, NULL, dl, NULL, NULL,
            NULL, &error));
    assert_service_error (error, APIGO_ERROR_NOT_FOUND, 404, NULL);
    g_clear_error (&error);
  }
}

GST_END_TEST;

GST_START_TEST (test_unreachable_service)
{
  g_autoptr (GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4,
      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback
      (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (ApigoClient) client = NULL;
  g_autofree gchar *url = NULL;
  GError *error = NULL;

  /* A loopback port nobody listens on. */
  fail_unless (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  url = g_strdup_printf ("http://127.0.0.1:%u/v1",
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  client = apigo_client_new (url, KEY, "t", &error);
  g_assert_no_error (error);
  fail_if (apigo_client_create (client, &small_clip, NULL, &error));
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_NETWORK);
  fail_unless (strstr (error->message, url) != NULL, "%s", error->message);
  g_clear_error (&error);
}

GST_END_TEST;

typedef struct
{
  GCancellable *cancellable;
  gint delay_ms;
} Canceller;

static gpointer
cancel_thread (gpointer data)
{
  Canceller *c = data;

  g_usleep (c->delay_ms * 1000);
  g_cancellable_cancel (c->cancellable);
  return NULL;
}

/* A create the service holds back is abandoned as soon as it is
 * cancelled. */
GST_START_TEST (test_cancel_create)
{
  g_autoptr (ApigoEmulator) emu = start_emulator ();
  g_autoptr (ApigoClient) client = new_client (emu, KEY);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  Canceller c = { cancellable, 200 };
  GThread *t;

  g_object_set (emu, "create-delay", 60.0, NULL);
  t = g_thread_new ("cancel", cancel_thread, &c);
  fail_if (apigo_client_create (client, &small_clip, cancellable, &error));
  g_thread_join (t);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

GST_END_TEST;

GST_START_TEST (test_bad_settings)
{
  g_autoptr (GError) error = NULL;
  ApigoClient *client;

  fail_unless (apigo_client_check_base_url ("https://maas.apigo.ai/v1",
          NULL));
  fail_unless (apigo_client_check_base_url ("http://[::1]:8100/v1/", NULL));
  fail_if (apigo_client_check_base_url ("", NULL));
  fail_if (apigo_client_check_base_url ("file:///etc/passwd", NULL));
  fail_if (apigo_client_check_base_url ("https://k:s@host/v1", NULL));
  fail_if (apigo_client_check_base_url ("https://host/v1?x=1", NULL));

  client = apigo_client_new ("https://maas.apigo.ai/v1", "", "t", &error);
  fail_unless (client == NULL);
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING);
  g_clear_error (&error);

  /* Ids that would change the URL path are refused before any request. */
  client = apigo_client_new ("http://127.0.0.1:9/v1", KEY, "t", &error);
  fail_if (apigo_client_retrieve (client, "../admin", NULL, NULL, &error));
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING);
  g_object_unref (client);
}

GST_END_TEST;

static Suite *
client_suite (void)
{
  Suite *s = suite_create ("apigo-client");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 60);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_create_retrieve_download);
  tcase_add_test (tc, test_idempotency_key_is_sent);
  tcase_add_test (tc, test_poll_hint);
  tcase_add_test (tc, test_resume_with_range);
  tcase_add_test (tc, test_resume_when_range_ignored);
  tcase_add_test (tc, test_resume_chunked);
  tcase_add_test (tc, test_cut_download);
  tcase_add_test (tc, test_resume_nothing_left);
  tcase_add_test (tc, test_errors_ignored);
  tcase_add_test (tc, test_stalled_download);
  tcase_add_test (tc, test_deadline_bounds_retries);
  tcase_add_test (tc, test_service_errors);
  tcase_add_test (tc, test_unreachable_service);
  tcase_add_test (tc, test_cancel_create);
  tcase_add_test (tc, test_bad_settings);
  return s;
}

GST_CHECK_MAIN (client);
