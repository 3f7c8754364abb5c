/* gst-apigo: the API key never shows
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#include <glib/gstdio.h>

/* A key the emulator does not accept, for the failing runs. */
#define WRONG_KEY "sk-wrong-4f1d9c2b7e6a5380-secret"

/* The client layer's categories (gstapigolog.c): they must have spoken. */
static const gchar *const client_categories[] = {
  "apigoclient", "apigojob", "apigocache", "apigolock",
};

typedef struct
{
  GMutex lock;
  guint lines;
  guint client_lines[G_N_ELEMENTS (client_categories)];
  GPtrArray *leaks;
} Watch;

static Watch watch;

static void
watch_text (const gchar * where, const gchar * text)
{
  if (text == NULL)
    return;
  if (strstr (text, TEST_API_KEY) == NULL && strstr (text, WRONG_KEY) == NULL)
    return;
  g_mutex_lock (&watch.lock);
  g_ptr_array_add (watch.leaks, g_strdup_printf ("%s: %s", where, text));
  g_mutex_unlock (&watch.lock);
}

static void
on_gst_log (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  const gchar *name = gst_debug_category_get_name (category);
  guint i;

  g_mutex_lock (&watch.lock);
  watch.lines++;
  for (i = 0; i < G_N_ELEMENTS (client_categories); i++)
    if (g_str_equal (name, client_categories[i]))
      watch.client_lines[i]++;
  g_mutex_unlock (&watch.lock);
  watch_text ("GStreamer log", gst_debug_message_get (message));
}

static GLogWriterOutput
on_glib_log (GLogLevelFlags level, const GLogField * fields, gsize n_fields,
    gpointer user_data)
{
  gsize i;

  for (i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
      watch_text ("GLib log", fields[i].value);
  return G_LOG_WRITER_HANDLED;
}

static void
watch_messages (TestRun * run)
{
  guint i;

  for (i = 0; i < run->messages->len; i++) {
    GstMessage *msg = g_ptr_array_index (run->messages, i);
    const GstStructure *s = gst_message_get_structure (msg);
    g_autofree gchar *text = s ? gst_structure_to_string (s) : NULL;

    watch_text ("bus message", text);
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR) {
      g_autoptr (GError) error = NULL;
      g_autofree gchar *debug = NULL;

      gst_message_parse_error (msg, &error, &debug);
      watch_text ("error text", error->message);
      watch_text ("error debug", debug);
    }
  }
}

/* Every readable property, as gst-launch -v or an application dumps them. */
static void
watch_properties (GstElement * element)
{
  guint n, i;
  GParamSpec **specs = g_object_class_list_properties (G_OBJECT_GET_CLASS
      (element), &n);

  for (i = 0; i < n; i++) {
    GValue value = G_VALUE_INIT;
    g_autofree gchar *text = NULL;

    if (!(specs[i]->flags & G_PARAM_READABLE))
      continue;
    g_value_init (&value, specs[i]->value_type);
    g_object_get_property (G_OBJECT (element), specs[i]->name, &value);
    text = gst_value_serialize (&value);
    watch_text ("property", text);
    g_value_unset (&value);
  }
  g_free (specs);
}

static void
assert_no_leak (void)
{
  guint i;

  g_mutex_lock (&watch.lock);
  fail_unless (watch.lines > 1000, "the debug log was not captured (%u lines)",
      watch.lines);
  for (i = 0; i < G_N_ELEMENTS (client_categories); i++)
    fail_unless (watch.client_lines[i] > 0, "nothing was logged in %s",
        client_categories[i]);
  fail_unless (watch.leaks->len == 0, "the key shows in %u places, first: %s",
      watch.leaks->len, watch.leaks->len ? (gchar *) watch.leaks->pdata[0] :
      "");
  g_mutex_unlock (&watch.lock);
}

/* A good run and a run the service refuses for the key, in @dialect
 * (whose header holds the key alone). */
static void
run_both_in (const gchar * dialect)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect (dialect);
  g_autoptr (GstElement) good = NULL;
  g_autoptr (GstElement) bad = NULL;
  g_autoptr (TestRun) good_run = NULL;
  g_autoptr (TestRun) bad_run = NULL;

  good = test_pipeline_new (emu, "a secret garden",
      "apigovideosrc name=src ! fakesink");
  gst_util_set_object_arg (G_OBJECT (test_pipeline_get (good, "src")),
      "dialect", dialect);
  good_run = test_run (good, 60);
  test_run_assert_eos (good_run);
  watch_messages (good_run);
  watch_properties (test_pipeline_get (good, "src"));

  bad = test_pipeline_new (emu, "a locked garden",
      "apigovideosrc name=src ! fakesink");
  gst_util_set_object_arg (G_OBJECT (test_pipeline_get (bad, "src")),
      "dialect", dialect);
  g_object_set (test_pipeline_get (bad, "src"), "api-key", WRONG_KEY, NULL);
  bad_run = test_run (bad, 60);
  test_run_assert_error (bad_run, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_AUTHORIZED, NULL);
  watch_messages (bad_run);
  watch_properties (test_pipeline_get (bad, "src"));
}

/* In-process, with every debug category at its most verbose: both runs
 * in each dialect.  One test: the log writer can be set only once in a
 * process. */
GST_START_TEST (test_key_absent_in_process)
{
  watch.leaks = g_ptr_array_new_with_free_func (g_free);
  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (on_gst_log, NULL, NULL);
  gst_debug_set_active (TRUE);
  gst_debug_set_default_threshold (GST_LEVEL_MEMDUMP);
  g_log_set_writer_func (on_glib_log, NULL, NULL);
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);

  run_both_in ("openai");
  run_both_in ("azure");

  gst_debug_set_default_threshold (GST_LEVEL_NONE);
  gst_debug_remove_log_function (on_gst_log);
  assert_no_leak ();
  g_ptr_array_unref (watch.leaks);
}

GST_END_TEST;

static gchar *
run_tool (gchar ** argv, gchar ** envp)
{
  g_autoptr (GError) error = NULL;
  gchar *out = NULL;
  gchar *err = NULL;
  gchar *all;
  gint status = 0;

  fail_unless (g_spawn_sync (NULL, argv, envp, G_SPAWN_SEARCH_PATH, NULL,
          NULL, &out, &err, &status, &error), "%s: %s", argv[0],
      error ? error->message : "");
  all = g_strconcat (out, err, NULL);
  g_free (out);
  g_free (err);
  return all;
}

/* The lines of the debug log at @path that hold @needle. */
static GPtrArray *
log_lines_with (const gchar * path, const gchar * needle)
{
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const gchar *data, *end, *hit;
  gsize len;

  fail_unless (file != NULL, "no log at %s", path);
  data = g_mapped_file_get_contents (file);
  len = g_mapped_file_get_length (file);
  fail_unless (len > 100000, "the log at %s is nearly empty", path);
  end = data + len;

  while ((hit = g_strstr_len (data, end - data, needle)) != NULL) {
    const gchar *start = hit, *stop = hit;

    while (start > data && start[-1] != '\n')
      start--;
    while (stop < end && *stop != '\n')
      stop++;
    g_ptr_array_add (lines, g_strndup (start, stop - start));
    data = stop;
  }
  return lines;
}

static gchar **
launch_argv (ApigoEmulator * emu, const gchar * key_arg)
{
  GStrvBuilder *b = g_strv_builder_new ();
  g_autofree gchar *url = g_strdup_printf ("base-url=%s",
      apigo_emulator_get_base_url (emu));
  g_autofree gchar *cache = g_strdup_printf ("cache-dir=%s/cache",
      test_tmp_dir ());
  gchar **argv;

  g_strv_builder_add_many (b, "gst-launch-1.0", "-v", "apigovideosrc",
      "prompt=a secret garden", url, cache, "size=320x180", "seconds=1",
      "poll-interval=100", NULL);
  if (key_arg != NULL)
    g_strv_builder_add (b, key_arg);
  g_strv_builder_add_many (b, "!", "fakesink", NULL);
  argv = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return argv;
}

/* As users run it: gst-launch-1.0 -v with GST_DEBUG=*:9 and the key in
 * APIGO_API_KEY, as the docs advise.  Nothing shows it. */
GST_START_TEST (test_key_absent_from_gst_launch)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *log = NULL;
  g_autofree gchar *output = NULL;
  g_autoptr (GPtrArray) leaks = NULL;
  g_auto (GStrv) envp = g_get_environ ();
  g_auto (GStrv) argv = launch_argv (emu, NULL);
  gint fd = g_file_open_tmp ("apigo-debug-XXXXXX.log", &log, NULL);
  guint i;

  fail_unless (fd >= 0);
  close (fd);
  envp = g_environ_setenv (envp, "APIGO_API_KEY", TEST_API_KEY, TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG", "*:9", TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG_FILE", log, TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG_NO_COLOR", "1", TRUE);
  output = run_tool (argv, envp);
  fail_unless (strstr (output, "Got EOS") != NULL, "gst-launch failed: %s",
      output);
  fail_if (strstr (output, TEST_API_KEY) != NULL, "gst-launch printed it");
  leaks = log_lines_with (log, TEST_API_KEY);
  fail_unless (leaks->len == 0, "the debug log has the key: %s",
      leaks->len ? (gchar *) leaks->pdata[0] : "");
  /* The client layer's requests are in that log too. */
  for (i = 0; i < G_N_ELEMENTS (client_categories); i++) {
    g_autofree gchar *needle = g_strdup_printf (" %s ", client_categories[i]);
    g_autoptr (GPtrArray) said = log_lines_with (log, needle);

    fail_unless (said->len > 0, "nothing in %s", client_categories[i]);
  }
  g_unlink (log);
}

GST_END_TEST;

/* With the key on the command line, GStreamer's own parser logs the whole
 * description (and any user can read a command line with ps): that is why
 * the docs say to use APIGO_API_KEY.  Our code still never logs it. */
GST_START_TEST (test_key_on_command_line_only_in_parser_log)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *log = NULL;
  g_autofree gchar *output = NULL;
  g_autoptr (GPtrArray) lines = NULL;
  g_auto (GStrv) envp = g_get_environ ();
  g_auto (GStrv) argv = launch_argv (emu, "api-key=" TEST_API_KEY);
  gint fd = g_file_open_tmp ("apigo-debug-XXXXXX.log", &log, NULL);
  guint i;

  fail_unless (fd >= 0);
  close (fd);
  envp = g_environ_unsetenv (envp, "APIGO_API_KEY");
  envp = g_environ_setenv (envp, "GST_DEBUG", "*:9", TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG_FILE", log, TRUE);
  envp = g_environ_setenv (envp, "GST_DEBUG_NO_COLOR", "1", TRUE);
  output = run_tool (argv, envp);
  fail_unless (strstr (output, "Got EOS") != NULL, "gst-launch failed: %s",
      output);
  fail_if (strstr (output, TEST_API_KEY) != NULL, "gst-launch printed it");

  lines = log_lines_with (log, TEST_API_KEY);
  for (i = 0; i < lines->len; i++) {
    const gchar *line = g_ptr_array_index (lines, i);

    fail_unless (strstr (line, " gstparse.c:") || strstr (line, " parse.l:")
        || strstr (line, ":gst_parse_unescape:")
        || strstr (line, " grammar.y:"), "logged outside the parser: %s",
        line);
  }
  g_unlink (log);
}

GST_END_TEST;

GST_START_TEST (test_key_absent_from_gst_inspect)
{
  g_auto (GStrv) envp = g_get_environ ();
  gchar *argv[] = { "gst-inspect-1.0", "apigovideosrc", NULL };
  g_autofree gchar *output = NULL;

  envp = g_environ_setenv (envp, "APIGO_API_KEY", TEST_API_KEY, TRUE);
  output = run_tool (argv, envp);
  fail_unless (strstr (output, "api-key") != NULL, "%s", output);
  fail_if (strstr (output, TEST_API_KEY) != NULL, "gst-inspect shows it");
}

GST_END_TEST;

static Suite *
secrets_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-secrets");
  TCase *tc = tcase_create ("general");

  g_mutex_init (&watch.lock);
  tcase_set_timeout (tc, 180);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_key_absent_in_process);
  tcase_add_test (tc, test_key_absent_from_gst_launch);
  tcase_add_test (tc, test_key_on_command_line_only_in_parser_log);
  tcase_add_test (tc, test_key_absent_from_gst_inspect);
  return s;
}

GST_CHECK_MAIN (secrets);
