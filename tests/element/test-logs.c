/* gst-apigo: GST_DEBUG=apigo*:6 tells the whole story
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"

/* Every line of the apigo* categories, as "CATEGORY LEVEL message", and
 * the object each was logged for (compared, never used). */
static GMutex lock;
static GPtrArray *lines;
static GPtrArray *objects;

static void
on_log (GstDebugCategory * category, GstDebugLevel level, const gchar * file,
    const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  const gchar *name = gst_debug_category_get_name (category);

  if (!g_str_has_prefix (name, "apigo"))
    return;
  g_mutex_lock (&lock);
  g_ptr_array_add (lines, g_strdup_printf ("%s %s %s", name,
          gst_debug_level_get_name (level), gst_debug_message_get (message)));
  g_ptr_array_add (objects, object);
  g_mutex_unlock (&lock);
}

static void
capture_start (void)
{
  lines = g_ptr_array_new_with_free_func (g_free);
  objects = g_ptr_array_new ();
  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (on_log, NULL, NULL);
  gst_debug_set_active (TRUE);
  gst_debug_set_threshold_from_string ("apigo*:6", TRUE);
}

static void
capture_stop (void)
{
  gst_debug_set_threshold_from_string ("apigo*:0", TRUE);
  gst_debug_remove_log_function (on_log);
  g_clear_pointer (&lines, g_ptr_array_unref);
  g_clear_pointer (&objects, g_ptr_array_unref);
}

/* Whether a line of @category at @level holds every one of the words
 * (NULL-terminated). */
static gboolean
logged (const gchar * category, const gchar * level, ...)
{
  g_autofree gchar *head = g_strdup_printf ("%s %s ", category, level);
  gboolean found = FALSE;
  guint i;

  g_mutex_lock (&lock);
  for (i = 0; i < lines->len && !found; i++) {
    const gchar *line = g_ptr_array_index (lines, i);
    const gchar *word;
    va_list args;

    if (!g_str_has_prefix (line, head))
      continue;
    found = TRUE;
    va_start (args, level);
    while (found && (word = va_arg (args, const gchar *)) != NULL)
      found = strstr (line, word) != NULL;
    va_end (args);
  }
  g_mutex_unlock (&lock);
  return found;
}

static void
dump (void)
{
  guint i;

  g_mutex_lock (&lock);
  for (i = 0; i < lines->len; i++)
    g_printerr ("%s\n", (gchar *) g_ptr_array_index (lines, i));
  g_mutex_unlock (&lock);
}

#define assert_logged(category, level, ...) G_STMT_START {                \
  if (!logged (category, level, __VA_ARGS__, NULL)) {                    \
    dump ();                                                             \
    fail ("no %s line in %s says: %s", level, category, #__VA_ARGS__);   \
  }                                                                      \
} G_STMT_END

static gchar *
play (ApigoEmulator * emu, const gchar * prompt)
{
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, prompt,
      FILE_PIPELINE);
  g_autoptr (TestRun) run = test_run (pipeline, 120);
  gchar *id = NULL;

  test_run_assert_eos (run);
  g_object_get (test_pipeline_get (pipeline, "src"), "video-id", &id, NULL);
  return id;
}

/* A generation whose poll is answered 503 once and whose download is cut,
 * then played again from the cache: each step is in the log, in the
 * category of the layer that took it. */
GST_START_TEST (test_retry_resume_replay)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *id = NULL;
  g_autofree gchar *again = NULL;
  g_autofree gchar *created = NULL;
  g_autofree gchar *poll = NULL;

  capture_start ();
  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_RETRIEVE, 503, 1);
  apigo_emulator_cut_download (emu, 1000, 1);
  id = play (emu, "a story told in the log");

  /* Requests and answers, without the key. */
  assert_logged ("apigoclient", "DEBUG", "POST /v1/videos: 200 OK");
  created = g_strdup_printf ("Created %s", id);
  assert_logged ("apigojob", "INFO", created);
  poll = g_strdup_printf ("GET /v1/videos/%s: 503", id);
  assert_logged ("apigoclient", "DEBUG", poll);
  /* The retry and its wait. */
  assert_logged ("apigoclient", "INFO", "503", "trying again in", " ms");
  /* The cut download, continued where it stopped. */
  assert_logged ("apigoclient", "INFO", "trying again in", "broke off");
  assert_logged ("apigoclient", "INFO", "Resuming the download of", id,
      "at byte 1000");
  assert_logged ("apigoclient", "DEBUG", "/content, bytes from 1000",
      "206 Partial Content");
  assert_logged ("apigoclient", "INFO", "Downloaded the content of", id);
  /* The cache: a miss, then the clip kept. */
  assert_logged ("apigocache", "DEBUG", "No kept clip");
  assert_logged ("apigocache", "INFO", "Kept", id);
  assert_logged ("apigojob", "INFO", "Phase done");

  /* Played again: a hit, and not a single request. */
  g_mutex_lock (&lock);
  g_ptr_array_set_size (lines, 0);
  g_ptr_array_set_size (objects, 0);
  g_mutex_unlock (&lock);
  apigo_emulator_clear_requests (emu);
  again = play (emu, "a story told in the log");
  fail_unless_equals_string (again, id);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
  assert_logged ("apigocache", "INFO", "Kept clip", id, "playing it");
  assert_logged ("apigojob", "INFO", "Playing the kept clip of", id);
  fail_if (logged ("apigoclient", "DEBUG", "GET", NULL));
  capture_stop ();
}

GST_END_TEST;

/* A create carried out whose answer never came: the search for the task
 * it made, and what was found. */
GST_START_TEST (test_lost_create)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *id = NULL;

  capture_start ();
  apigo_emulator_drop_create_answers (emu, 1);
  id = play (emu, "an answer lost on the way");
  fail_unless_equals_int (test_tasks_made (emu), 1);

  assert_logged ("apigoclient", "DEBUG", "POST /v1/videos: no answer");
  assert_logged ("apigoclient", "INFO", "may have reached the service",
      "looking for the task");
  assert_logged ("apigoclient", "INFO", id, "is what the create asked for");
  assert_logged ("apigoclient", "INFO", "answer was lost made", id);
  capture_stop ();
}

GST_END_TEST;

/* Two runs of one request at once: the second waits its turn, then plays
 * what the first kept. */
GST_START_TEST (test_lock_wait)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) first = NULL;
  g_autoptr (GstElement) second = NULL;
  g_autoptr (TestRun) run = NULL;

  capture_start ();
  g_object_set (emu, "generation-time", 1.0, NULL);
  first = test_pipeline_new (emu, "one at a time", FILE_PIPELINE);
  second = test_pipeline_new (emu, "one at a time", FILE_PIPELINE);
  gst_element_set_state (first, GST_STATE_PLAYING);
  test_wait_until (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL) == 1, 30);
  run = test_run (second, 120);
  test_run_assert_eos (run);
  gst_element_set_state (first, GST_STATE_NULL);
  fail_unless_equals_int (test_tasks_made (emu), 1);

  assert_logged ("apigolock", "INFO", "Another run of the same request "
      "holds", "waiting for our turn");
  assert_logged ("apigolock", "INFO", "Our turn came after");
  assert_logged ("apigojob", "INFO", "Phase waiting");
  assert_logged ("apigojob", "INFO", "Playing the kept clip of");
  capture_stop ();
}

GST_END_TEST;

/* How many lines of @category hold @word and were logged for @object. */
static guint
count_for (const gchar * category, const gchar * word, gpointer object)
{
  g_autofree gchar *head = g_strdup_printf ("%s ", category);
  guint i, n = 0;

  g_mutex_lock (&lock);
  for (i = 0; i < lines->len; i++) {
    const gchar *line = g_ptr_array_index (lines, i);

    if (g_str_has_prefix (line, head) && strstr (line, word) != NULL
        && g_ptr_array_index (objects, i) == object)
      n++;
  }
  g_mutex_unlock (&lock);
  return n;
}

/* Two elements in one pipeline, as GES makes one per track per clip: each
 * line of the client layer is logged for the element it works for, and
 * the create line says what it asks for. */
GST_START_TEST (test_two_elements)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "the first "
      "of two", "apigovideosrc name=src ! fakesink apigovideosrc name=other "
      "! fakesink");
  GstElement *one = test_pipeline_get (pipeline, "src");
  GstElement *two = test_pipeline_get (pipeline, "other");
  g_autofree gchar *png = test_make_png (64, 64);
  g_autofree gchar *first_id = NULL;
  g_autofree gchar *second_id = NULL;
  g_autofree gchar *reference = NULL;
  g_autoptr (TestRun) run = NULL;
  GStatBuf st;
  guint i;

  test_source_configure (two, emu, "the second of two");
  g_object_set (two, "input-reference", png, NULL);
  fail_unless (g_stat (png, &st) == 0);
  capture_start ();
  run = test_run (pipeline, 120);
  test_run_assert_eos (run);
  g_object_get (one, "video-id", &first_id, NULL);
  g_object_get (two, "video-id", &second_id, NULL);
  fail_unless (first_id != NULL && second_id != NULL);
  fail_if (g_str_equal (first_id, second_id));

  /* Not one client line without its element. */
  g_mutex_lock (&lock);
  for (i = 0; i < lines->len; i++) {
    const gchar *line = g_ptr_array_index (lines, i);
    gpointer object = g_ptr_array_index (objects, i);

    if (g_str_has_prefix (line, "apigovideosrc "))
      continue;
    if (object != one && object != two) {
      g_mutex_unlock (&lock);
      dump ();
      fail ("logged for %p, not an element of the pipeline: %s", object,
          line);
    }
  }
  g_mutex_unlock (&lock);

  /* Each element's requests and phases are logged for it, none for the
   * other. */
  fail_unless_equals_int (count_for ("apigoclient", "POST /v1/videos: 200",
          one), 1);
  fail_unless_equals_int (count_for ("apigoclient", "POST /v1/videos: 200",
          two), 1);
  fail_unless (count_for ("apigoclient", first_id, one) > 0);
  fail_unless (count_for ("apigoclient", second_id, two) > 0);
  fail_unless_equals_int (count_for ("apigoclient", first_id, two), 0);
  fail_unless_equals_int (count_for ("apigoclient", second_id, one), 0);
  fail_unless_equals_int (count_for ("apigojob", "Phase done", one), 1);
  fail_unless_equals_int (count_for ("apigojob", "Phase done", two), 1);
  fail_unless (count_for ("apigocache", "No kept clip", one) > 0);
  fail_unless (count_for ("apigocache", "No kept clip", two) > 0);

  /* What each create asked for, never the key. */
  assert_logged ("apigoclient", "DEBUG", "Create (generate)", "model ",
      "size 320x180", "seconds 1", "no input reference", "Idempotency-Key");
  fail_unless_equals_int (count_for ("apigoclient", "no input reference",
          one), 1);
  reference = g_strdup_printf ("input reference image/png of %"
      G_GINT64_FORMAT " bytes", (gint64) st.st_size);
  assert_logged ("apigoclient", "DEBUG", "Create (generate)", "size 320x180",
      "seconds 1", reference);
  fail_unless_equals_int (count_for ("apigoclient", reference, two), 1);
  g_mutex_lock (&lock);
  for (i = 0; i < lines->len; i++)
    fail_if (strstr (g_ptr_array_index (lines, i), TEST_API_KEY) != NULL);
  g_mutex_unlock (&lock);
  capture_stop ();
}

GST_END_TEST;

static Suite *
logs_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-logs");
  TCase *tc = tcase_create ("general");

  g_mutex_init (&lock);
  tcase_set_timeout (tc, 180);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_retry_resume_replay);
  tcase_add_test (tc, test_lost_create);
  tcase_add_test (tc, test_lock_wait);
  tcase_add_test (tc, test_two_elements);
  return s;
}

GST_CHECK_MAIN (logs);
