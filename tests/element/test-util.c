/* gst-apigo: helpers shared by the element suites
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"
#include "test-tree.h"

#include <string.h>

static gchar *tmp_dir;

const gchar *
test_tmp_dir (void)
{
  if (tmp_dir == NULL) {
    g_autoptr (GError) error = NULL;

    tmp_dir = g_dir_make_tmp ("apigo-test-XXXXXX", &error);
    g_assert_no_error (error);
  }
  return tmp_dir;
}

static void
teardown (void)
{
  if (tmp_dir != NULL) {
    test_remove_tree (tmp_dir);
    g_clear_pointer (&tmp_dir, g_free);
  }
}

void
test_add_fixtures (TCase * tc)
{
  tcase_add_checked_fixture (tc, NULL, teardown);
}

ApigoEmulator *
test_emulator_new (void)
{
  return test_emulator_new_dialect ("openai");
}

ApigoEmulator *
test_emulator_new_dialect (const gchar * dialect)
{
  g_autoptr (GError) error = NULL;
  ApigoEmulator *emu = apigo_emulator_new ();
  const gchar *cache = g_getenv ("APIGO_TEST_CLIP_CACHE");

  g_object_set (emu, "api-key", TEST_API_KEY, "any-size", TRUE,
      "audio", FALSE, "generation-time", 0.3, "dialect", dialect, NULL);
  if (cache != NULL)
    g_object_set (emu, "cache-dir", cache, NULL);

  fail_unless (apigo_emulator_start (emu, 0, &error), "emulator: %s",
      error ? error->message : "?");
  return emu;
}

void
test_source_configure (GstElement * src, ApigoEmulator * emu,
    const gchar * prompt)
{
  g_autofree gchar *cache = g_build_filename (test_tmp_dir (), "cache", NULL);

  g_object_set (src, "base-url", apigo_emulator_get_base_url (emu),
      "api-key", TEST_API_KEY, "size", "320x180", "seconds", 1,
      "poll-interval", 100, "cache-dir", cache, NULL);
  if (prompt != NULL)
    g_object_set (src, "prompt", prompt, NULL);
}

GstElement *
test_source_new (ApigoEmulator * emu, const gchar * prompt)
{
  GstElement *src = gst_element_factory_make ("apigovideosrc", NULL);

  fail_unless (src != NULL, "apigovideosrc not found");
  test_source_configure (src, emu, prompt);
  return src;
}

GstElement *
test_pipeline_new (ApigoEmulator * emu, const gchar * prompt,
    const gchar * description)
{
  g_autoptr (GError) error = NULL;
  GstElement *pipeline = gst_parse_launch (description, &error);
  g_autoptr (GstElement) src = NULL;

  fail_unless (pipeline != NULL && error == NULL, "%s: %s", description,
      error ? error->message : "?");
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  fail_unless (src != NULL, "%s has no element named src", description);
  test_source_configure (src, emu, prompt);
  return pipeline;
}

/* A borrowed pointer: the pipeline keeps it alive. */
GstElement *
test_pipeline_get (GstElement * pipeline, const gchar * name)
{
  GstElement *e = gst_bin_get_by_name (GST_BIN (pipeline), name);

  fail_unless (e != NULL, "no element named %s", name);
  gst_object_unref (e);
  return e;
}

guint
test_timeout (guint seconds)
{
  const gchar *multiplier = g_getenv ("CK_TIMEOUT_MULTIPLIER");
  guint64 m = 1;

  if (multiplier != NULL)
    g_ascii_string_to_unsigned (multiplier, 10, 1, 1000, &m, NULL);
  return seconds * m;
}

TestRun *
test_run (GstElement * pipeline, guint timeout_s)
{
  TestRun *run = g_new0 (TestRun, 1);
  GstBus *bus = gst_element_get_bus (pipeline);
  gint64 end = g_get_monotonic_time () +
      test_timeout (timeout_s) * G_TIME_SPAN_SECOND;

  run->messages = g_ptr_array_new_with_free_func ((GDestroyNotify)
      gst_message_unref);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  for (;;) {
    gint64 left = end - g_get_monotonic_time ();
    GstMessage *msg;

    if (left <= 0) {
      run->timed_out = TRUE;
      break;
    }
    msg = gst_bus_timed_pop (bus, left * GST_USECOND);
    if (msg == NULL)
      continue;
    g_ptr_array_add (run->messages, msg);
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS
        || GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      run->last = msg;
      break;
    }
  }

  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (bus);
  return run;
}

void
test_run_free (TestRun * run)
{
  g_ptr_array_unref (run->messages);
  g_free (run);
}

void
test_run_assert_eos (TestRun * run)
{
  fail_if (run->timed_out, "the pipeline neither ended nor failed");
  fail_unless (run->last != NULL);
  if (GST_MESSAGE_TYPE (run->last) == GST_MESSAGE_ERROR) {
    g_autoptr (GError) error = NULL;
    g_autofree gchar *debug = NULL;

    gst_message_parse_error (run->last, &error, &debug);
    fail ("pipeline failed: %s (%s)", error->message, debug);
  }
}

GstMessage *
test_run_assert_error (TestRun * run, GQuark domain, gint code,
    const gchar * words)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *debug = NULL;

  fail_if (run->timed_out, "the pipeline neither ended nor failed");
  fail_unless (run->last != NULL
      && GST_MESSAGE_TYPE (run->last) == GST_MESSAGE_ERROR,
      "the pipeline did not fail");

  gst_message_parse_error (run->last, &error, &debug);
  fail_unless (error->domain == domain && error->code == code,
      "wrong error %s/%d: %s", g_quark_to_string (error->domain),
      error->code, error->message);
  fail_unless (words == NULL || strstr (error->message, words) != NULL,
      "error '%s' does not say '%s'", error->message, words);
  return run->last;
}

GByteArray *
test_play (GstElement * pipeline, gchar ** id)
{
  g_autoptr (TestRun) run = NULL;
  TestCollector out;
  GByteArray *bytes;

  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 120);
  test_run_assert_eos (run);
  if (id != NULL)
    g_object_get (test_pipeline_get (pipeline, "src"), "video-id", id, NULL);
  bytes = g_byte_array_ref (out.bytes);
  test_collector_clear (&out);
  return bytes;
}

gboolean
test_run_saw (TestRun * run, GstMessageType type, const gchar * words)
{
  guint i;

  for (i = 0; i < run->messages->len; i++) {
    GstMessage *msg = g_ptr_array_index (run->messages, i);
    g_autoptr (GError) error = NULL;

    if (GST_MESSAGE_TYPE (msg) != type)
      continue;
    if (words == NULL)
      return TRUE;
    if (type == GST_MESSAGE_WARNING)
      gst_message_parse_warning (msg, &error, NULL);
    else if (type == GST_MESSAGE_ERROR)
      gst_message_parse_error (msg, &error, NULL);
    if (error != NULL && strstr (error->message, words) != NULL)
      return TRUE;
  }
  return FALSE;
}

static void
on_handoff (GstElement * sink, GstBuffer * buffer, GstPad * pad,
    TestCollector * c)
{
  if (c->buffers++ == 0)
    c->first_buffer_time = g_get_monotonic_time ();
  if (c->caps == NULL)
    c->caps = gst_pad_get_current_caps (pad);
  if (c->bytes != NULL) {
    GstMapInfo map;

    fail_unless (gst_buffer_map (buffer, &map, GST_MAP_READ));
    g_byte_array_append (c->bytes, map.data, map.size);
    gst_buffer_unmap (buffer, &map);
  }
}

void
test_collect (GstElement * fakesink, TestCollector * c, gboolean keep_bytes)
{
  memset (c, 0, sizeof (*c));
  if (keep_bytes)
    c->bytes = g_byte_array_new ();
  g_object_set (fakesink, "signal-handoffs", TRUE, "sync", FALSE, NULL);
  g_signal_connect (fakesink, "handoff", G_CALLBACK (on_handoff), c);
}

void
test_collector_clear (TestCollector * c)
{
  if (c->bytes != NULL)
    g_byte_array_unref (c->bytes);
  gst_clear_caps (&c->caps);
}

guint
test_tasks_made (ApigoEmulator * emu)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  guint i;

  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CREATE && r->video_id != NULL
        && ((r->status >= 200 && r->status < 300) || r->status == 0))
      g_hash_table_add (ids, r->video_id);
  }
  return g_hash_table_size (ids);
}

GPtrArray *
test_requests_on (ApigoEmulator * emu, ApigoEmulatorRoute route)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)
      apigo_emulator_request_free);
  guint i;

  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == route)
      g_ptr_array_add (out, apigo_emulator_request_copy (r));
  }
  return out;
}

void
test_assert_same_bytes (GBytes * expected, const guint8 * data, gsize len)
{
  const guint8 *want;
  gsize n;

  fail_unless (expected != NULL, "nothing to compare with");
  want = g_bytes_get_data (expected, &n);
  fail_unless_equals_uint64 (len, n);
  fail_unless (memcmp (want, data, n) == 0, "the bytes differ");
}

void
test_assert_served (ApigoEmulator * emu, const gchar * id,
    const guint8 * data, gsize len)
{
  g_autoptr (GBytes) served = NULL;

  fail_unless (id != NULL, "no video-id");
  served = apigo_emulator_get_content (emu, id);
  fail_unless (served != NULL, "the emulator has no clip for %s", id);
  test_assert_same_bytes (served, data, len);
}

gchar *
test_only_task (ApigoEmulator * emu)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  guint i;

  fail_unless_equals_int (test_tasks_made (emu), 1);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CREATE && r->video_id != NULL)
      return g_strdup (r->video_id);
  }
  return NULL;
}

gchar *
test_make_png (guint width, guint height)
{
  g_autofree gchar *path = g_build_filename (test_tmp_dir (), "ref.png",
      NULL);
  g_autofree gchar *desc = g_strdup_printf ("videotestsrc pattern=white "
      "num-buffers=1 ! video/x-raw,width=%u,height=%u ! pngenc ! "
      "filesink location=\"%s\"", width, height, path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (desc, &error);
  g_autoptr (TestRun) run = NULL;

  g_assert_no_error (error);
  run = test_run (pipeline, 30);
  test_run_assert_eos (run);
  return g_steal_pointer (&path);
}
