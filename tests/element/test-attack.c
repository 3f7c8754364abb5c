/* gst-apigo: attacks a hostile review found to work
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each test is an attack by an odd service (HostileServer) or an odd
 * cache directory that the element did not withstand when it was written;
 * the comment above each says what it expects.  Loopback only.
 */

#include "test-util.h"
#include "hostile-server.h"
#include "apigo-spend.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#define PIPELINE "apigovideosrc name=src ! fakesink name=sink"
#define PROMPT "an attack"
/* Where the first download is cut: well inside the clip. */
#define CUT_AT 16384

static GBytes *clip_a;          /* smpte: about 200 KB */

static void
clips_setup (void)
{
  clip_a = hostile_test_clip ("smpte", 30, "clip A");
  fail_unless (g_bytes_get_size (clip_a) > 4 * CUT_AT);
}

static void
clips_teardown (void)
{
  g_clear_pointer (&clip_a, g_bytes_unref);
}

/* An odd answer allows an ERROR, or EOS after exactly clip A; and a clip
 * kept in the cache is clip A or nothing. */
static void
assert_error_or_clip_a (TestRun * run, const GByteArray * out)
{
  g_autofree gchar *cache = hostile_test_cache_dir ();
  g_autofree gchar *clips = g_build_filename (cache, "clips", NULL);
  g_autoptr (GDir) dir = g_dir_open (clips, 0, NULL);
  const gchar *name;

  fail_if (run->timed_out, "the pipeline neither ended nor failed");
  if (GST_MESSAGE_TYPE (run->last) == GST_MESSAGE_EOS)
    fail_unless (hostile_test_same_bytes (out, clip_a),
        "EOS after %u bytes that are not "
        "clip A (%" G_GSIZE_FORMAT " bytes)", out->len,
        g_bytes_get_size (clip_a));

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *path = NULL;
    g_autofree gchar *data = NULL;
    gsize len;

    if (!g_str_has_suffix (name, ".mp4"))
      continue;
    path = g_build_filename (clips, name, NULL);
    fail_unless (g_file_get_contents (path, &data, &len, NULL));
    fail_unless (len == g_bytes_get_size (clip_a)
        && memcmp (data, g_bytes_get_data (clip_a, NULL), len) == 0,
        "the cache kept a clip of %" G_GSIZE_FORMAT " bytes that is not "
        "clip A (%" G_GSIZE_FORMAT " bytes)", len, g_bytes_get_size (clip_a));
  }
}

/* Resume attacks: the first content answer has no length and ends with
 * the connection after CUT_AT bytes (its end proves nothing); every later
 * content answer is what @resume makes of it. */

typedef void (*ResumeFunc) (HostileAnswer * answer, guint64 from);

static void
unproven_then (HostileServer * server, const HostileRequest * r,
    HostileAnswer * answer, gpointer data)
{
  ResumeFunc resume = data;
  guint64 from;

  if (r->index == 0) {
    answer->wire = HOSTILE_WIRE_UNTIL_CLOSE;
    answer->cut_after = CUT_AT;
  } else if (hostile_request_range_start (r, &from)) {
    resume (answer, from);
  }
}

/* Plays clip A with every content answer changed by @hook: an error, or
 * clip A itself (assert_error_or_clip_a()). */
static void
run_content_attack (HostileHook hook, gpointer data)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autoptr (GstElement) pipeline =
      hostile_test_pipeline_new (server, PIPELINE, PROMPT);
  g_autoptr (TestRun) run = NULL;
  TestCollector out;

  hostile_server_set_hook (server, HOSTILE_ROUTE_CONTENT, hook, data);
  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);
  assert_error_or_clip_a (run, out.bytes);
  test_collector_clear (&out);
}

static void
run_resume_attack (ResumeFunc resume)
{
  run_content_attack (unproven_then, resume);
}

/* A 416 without Content-Range says nothing of the clip's length: it does
 * not prove that the CUT_AT bytes held are all of it.  Expected: an error,
 * or the whole clip A; never a clip of CUT_AT bytes played and kept. */
static void
resume_416_bare (HostileAnswer * answer, guint64 from)
{
  hostile_answer_replace (answer, 416, NULL, NULL);
}

GST_START_TEST (test_unproven_end_then_bare_416)
{
  run_resume_attack (resume_416_bare);
}

GST_END_TEST;

/* A 206 "bytes CUT_AT-END/ *" for a stretch that is not the rest of the
 * clip: it proves where that stretch ends, not where the clip does.
 * Expected: an error, or the whole clip A; never its first END+1 bytes
 * played and kept as the clip. */
static void
resume_206_stretch (HostileAnswer * answer, guint64 from)
{
  const guint64 stretch = 1000;
  g_autofree gchar *range = g_strdup_printf ("bytes %" G_GUINT64_FORMAT
      "-%" G_GUINT64_FORMAT "/*", from, from + stretch - 1);

  g_assert (from + stretch < g_bytes_get_size (clip_a));
  hostile_answer_replace (answer, 206, "video/mp4",
      g_bytes_new_from_bytes (clip_a, from, stretch));
  soup_message_headers_replace (answer->headers, "Content-Range", range);
}

GST_START_TEST (test_unproven_end_then_partial_206)
{
  run_resume_attack (resume_206_stretch);
}

GST_END_TEST;

/* A chunked body cut before its last chunk: no terminator, so its end is
 * not proven.  Expected: an error, or the whole clip A (the later answers
 * are polite); never CUT_AT bytes played and kept as the clip. */
static void
chunked_cut (HostileServer * server, const HostileRequest * r,
    HostileAnswer * answer, gpointer data)
{
  g_autofree gchar *head = NULL;
  GString *body;

  if (r->index != 0)
    return;
  head = g_strdup_printf ("%x\r\n", CUT_AT);
  body = g_string_new (head);
  g_string_append_len (body, g_bytes_get_data (clip_a, NULL), CUT_AT);
  g_string_append (body, "\r\n");
  /* No "0\r\n\r\n": the connection closes here. */
  soup_message_headers_remove (answer->headers, "Content-Length");
  soup_message_headers_replace (answer->headers, "Transfer-Encoding",
      "chunked");
  g_bytes_unref (answer->body);
  answer->body = g_string_free_to_bytes (body);
  /* serialize() adds a Content-Length for WHOLE; chunked wins over it in
   * every HTTP/1.1 client, libsoup included. */
  answer->wire = HOSTILE_WIRE_WHOLE;
}

GST_START_TEST (test_chunked_cut_before_terminator)
{
  run_content_attack (chunked_cut, NULL);
}

GST_END_TEST;

/* The element sends no Accept-Encoding, so a service may send the clip
 * gzip-encoded (RFC 9110 12.5.3).  Expected: an error, or clip A itself;
 * never the gzip bytes played and kept as the MP4. */
static void
gzip_body (HostileServer * server, const HostileRequest * r,
    HostileAnswer * answer, gpointer data)
{
  g_autoptr (GZlibCompressor) gz =
      g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  g_autoptr (GOutputStream) mem = g_memory_output_stream_new_resizable ();
  g_autoptr (GOutputStream) conv =
      g_converter_output_stream_new (mem, G_CONVERTER (gz));
  gsize len;
  const guint8 *data_a = g_bytes_get_data (clip_a, &len);

  g_assert (g_output_stream_write_all (conv, data_a, len, NULL, NULL, NULL));
  g_assert (g_output_stream_close (conv, NULL, NULL));
  g_bytes_unref (answer->body);
  answer->body =
      g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
  soup_message_headers_replace (answer->headers, "Content-Encoding", "gzip");
  soup_message_headers_remove (answer->headers, "Content-Length");
}

GST_START_TEST (test_gzip_content_encoding)
{
  run_content_attack (gzip_body, NULL);
}

GST_END_TEST;

/* Cache-directory attacks: a FIFO where the element expects one of its
 * small files.  Opening a FIFO for reading blocks until a writer comes,
 * so nothing in the element may open one blindly. */

typedef struct
{
  GstElement *pipeline;
  GstState state;
  GMutex lock;
  GCond cond;
  gboolean done;
} Changer;

static gpointer
change_state (gpointer data)
{
  Changer *c = data;

  gst_element_set_state (c->pipeline, c->state);
  g_mutex_lock (&c->lock);
  c->done = TRUE;
  g_cond_broadcast (&c->cond);
  g_mutex_unlock (&c->lock);
  return NULL;
}

/* Opens @fifo for writing once someone is blocked reading it, and closes
 * it: the reader gets an empty file and goes on. */
static gboolean
release_fifo (const gchar * fifo)
{
  gint fd = g_open (fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0);

  if (fd < 0)
    return FALSE;
  g_close (fd, NULL);
  return TRUE;
}

/* Sets @pipeline to @state on another thread; TRUE when that returned
 * within 10 s.  Otherwise whoever is stuck on @fifo is let go (so that
 * the test ends) and FALSE is returned. */
static gboolean
state_change_returns (GstElement * pipeline, GstState state,
    const gchar * fifo)
{
  Changer c = { pipeline, state };
  gint64 until = g_get_monotonic_time () +
      test_timeout (10) * G_TIME_SPAN_SECOND;
  GThread *thread;
  gboolean in_time;

  g_mutex_init (&c.lock);
  g_cond_init (&c.cond);
  thread = g_thread_new ("changer", change_state, &c);
  g_mutex_lock (&c.lock);
  while (!c.done)
    if (!g_cond_wait_until (&c.cond, &c.lock, until))
      break;
  in_time = c.done;
  while (!c.done) {
    g_mutex_unlock (&c.lock);
    release_fifo (fifo);
    g_usleep (50 * 1000);
    g_mutex_lock (&c.lock);
  }
  g_mutex_unlock (&c.lock);
  g_thread_join (thread);
  g_mutex_clear (&c.lock);
  g_cond_clear (&c.cond);
  return in_time;
}

/* The request's key, as the name of the file a polite run left in
 * cache-dir/@sub with @suffix. */
static gchar *
key_after_polite_run (HostileServer * server, const gchar * sub,
    const gchar * suffix)
{
  g_autoptr (GstElement) pipeline =
      hostile_test_pipeline_new (server, PIPELINE, PROMPT);
  g_autoptr (TestRun) run = test_run (pipeline, 60);
  g_autofree gchar *cache = hostile_test_cache_dir ();
  g_autofree gchar *path = g_build_filename (cache, sub, NULL);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  test_run_assert_eos (run);
  fail_unless (dir != NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, suffix))
      return g_strndup (name, strlen (name) - strlen (suffix));
  fail ("no *%s in %s", suffix, path);
  return NULL;
}

/* Replaces cache-dir/@sub/@name with a FIFO; returns its path. */
static gchar *
plant_fifo (const gchar * sub, const gchar * name)
{
  g_autofree gchar *cache = hostile_test_cache_dir ();
  g_autofree gchar *dir = g_build_filename (cache, sub, NULL);
  gchar *path = g_build_filename (dir, name, NULL);

  fail_unless (g_mkdir_with_parents (dir, 0700) == 0);
  g_unlink (path);
  fail_unless (mkfifo (path, 0600) == 0, "mkfifo %s: %s", path,
      g_strerror (errno));
  return path;
}

/* Plays until the job is stuck (or not), then stops: the stop must
 * return, whatever the cache holds. */
static void
assert_play_then_stop_returns (HostileServer * server, const gchar * fifo,
    const gchar * what)
{
  g_autoptr (GstElement) pipeline =
      hostile_test_pipeline_new (server, PIPELINE, PROMPT);
  gboolean started, stopped;

  started = state_change_returns (pipeline, GST_STATE_PLAYING, fifo);
  g_usleep (500 * 1000);        /* the job reaches the FIFO */
  stopped = state_change_returns (pipeline, GST_STATE_NULL, fifo);
  fail_unless (started, "set_state (PLAYING) blocked for more than 10 s "
      "with %s", what);
  fail_unless (stopped, "set_state (NULL) blocked for more than 10 s "
      "with %s", what);
}

/* Any FIFO among the journal's entries (here one named like none of
 * them): READY->PAUSED reads every entry to prune the journal.  Expected:
 * the state change returns at once (the FIFO skipped, as not a regular
 * file), as start() promises never to wait. */
GST_START_TEST (test_fifo_in_journal_dir)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autofree gchar *fifo = plant_fifo ("tasks", "junk.json");

  assert_play_then_stop_returns (server, fifo, "a FIFO in cache-dir/tasks");
}

GST_END_TEST;

/* The request's lock file replaced by a FIFO: opening it for the lock
 * blocks the job thread, and stopping joins that thread.  Expected: the
 * stop returns at once (and the run fails or goes on without the lock,
 * with a warning). */
GST_START_TEST (test_fifo_lock_file)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autofree gchar *key = key_after_polite_run (server, "locks", ".lock");
  g_autofree gchar *name = g_strconcat (key, ".lock", NULL);
  g_autofree gchar *fifo = plant_fifo ("locks", name);

  assert_play_then_stop_returns (server, fifo, "the lock file a FIFO");
}

GST_END_TEST;

/* The kept clip's metadata replaced by a FIFO: the job thread blocks
 * reading it.  Expected: the stop returns at once (the metadata taken
 * for damaged). */
GST_START_TEST (test_fifo_kept_clip_metadata)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autofree gchar *key = key_after_polite_run (server, "clips", ".mp4");
  g_autofree gchar *name = g_strconcat (key, ".json", NULL);
  g_autofree gchar *fifo = plant_fifo ("clips", name);

  assert_play_then_stop_returns (server, fifo,
      "the kept clip's metadata a FIFO");
}

GST_END_TEST;

/* Two runs of one request with one cache-dir at the same time, keeping no
 * clip (cache-max-size=0) and deleting the task (delete-remote=true): the
 * first leaves the task to the run waiting its turn, which downloads it
 * again and deletes it.  One create for both (it used to be two). */
GST_START_TEST (test_turns_pay_once_when_nothing_kept)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *cache = hostile_test_cache_dir ();
  g_autoptr (GstElement) pipeline = gst_parse_launch ("apigovideosrc "
      "name=src ! fakesink name=sink apigovideosrc name=src2 ! "
      "fakesink name=sink2", &error);
  g_autoptr (TestRun) run = NULL;
  const gchar *names[] = { "src", "src2" };
  guint i;

  fail_unless (pipeline != NULL, "%s", error ? error->message : "?");
  for (i = 0; i < G_N_ELEMENTS (names); i++)
    g_object_set (test_pipeline_get (pipeline, names[i]),
        "base-url", hostile_server_get_base_url (server),
        "api-key", TEST_API_KEY, "prompt", PROMPT, "size", "320x180",
        "seconds", 1, "poll-interval", 100, "cache-dir", cache,
        "cache-max-size", 0, "delete-remote", TRUE, NULL);
  run = test_run (pipeline, 90);
  test_run_assert_eos (run);
  fail_unless_equals_int (hostile_server_count (server, HOSTILE_ROUTE_CREATE,
          NULL), 1);
}

GST_END_TEST;

/* The spend guard's attacks: each test counts in a ledger and reads a
 * budget of its own; the environment is put back after it (under valgrind,
 * tests share one process). */
static const gchar *const spend_env[] = { "XDG_STATE_HOME",
  "XDG_CONFIG_HOME", "APIGO_BUDGET"
};

static gchar *spend_env_saved[G_N_ELEMENTS (spend_env)];

static void
spend_setup (void)
{
  g_autofree gchar *state = g_build_filename (test_tmp_dir (), "state",
      NULL);
  g_autofree gchar *config = g_build_filename (test_tmp_dir (), "config",
      NULL);
  guint i;

  for (i = 0; i < G_N_ELEMENTS (spend_env); i++)
    spend_env_saved[i] = g_strdup (g_getenv (spend_env[i]));
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("APIGO_BUDGET", "", TRUE);
}

static void
spend_teardown (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (spend_env); i++) {
    if (spend_env_saved[i] != NULL)
      g_setenv (spend_env[i], spend_env_saved[i], TRUE);
    else
      g_unsetenv (spend_env[i]);
    g_clear_pointer (&spend_env_saved[i], g_free);
  }
}

static guint
emulator_creates (ApigoEmulator * emu)
{
  return apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_CREATE,
      NULL);
}

/* A length asked for in parameters ("duration", which OpenRouter and other
 * gateways take, and which wins over the seconds property) is what the
 * seconds budget counts: a 4 s clip asked that way does not slip under a
 * budget of 3 s. */
GST_START_TEST (test_budget_counts_duration_parameter)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("openrouter");
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, PROMPT, PIPELINE);
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (TestRun) run = NULL;

  gst_util_set_object_arg (G_OBJECT (src), "dialect", "openrouter");
  gst_util_set_object_arg (G_OBJECT (src), "model-check", "never");
  g_object_set (src, "parameters", "{\"duration\": 4}", "budget",
      "seconds-per-day=3", NULL);
  run = test_run (pipeline, 90);
  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      "this generate asks for 4 more");
  fail_unless_equals_int (emulator_creates (emu), 0);
}

GST_END_TEST;

/* The budget file replaced by a FIFO (in the user's config directory,
 * which a careless script or another user's trick may have made one):
 * GKeyFile opened it for reading and blocked the job thread until someone
 * wrote to it, and stopping joins that thread.  Expected: the stop
 * returns at once, and nothing is created (a budget that cannot be read
 * is no budget to trust). */
GST_START_TEST (test_fifo_budget_file)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autofree gchar *dir = g_build_filename (test_tmp_dir (), "config",
      "gst-apigo", NULL);
  g_autofree gchar *fifo = g_build_filename (dir, "budget.conf", NULL);

  fail_unless (g_mkdir_with_parents (dir, 0700) == 0);
  fail_unless (mkfifo (fifo, 0600) == 0, "mkfifo %s: %s", fifo,
      g_strerror (errno));
  assert_play_then_stop_returns (server, fifo, "the budget file a FIFO");
  fail_unless_equals_int (hostile_server_count (server, HOSTILE_ROUTE_CREATE,
          NULL), 0);
}

GST_END_TEST;

static guint
spent_generations_today (void)
{
  g_autofree gchar *dir = apigo_spend_default_dir ();
  g_autoptr (GError) error = NULL;
  ApigoSpendReport r;
  guint n;

  fail_unless (apigo_spend_report (dir, 0, &r, &error), "%s",
      error ? error->message : "?");
  n = r.total[APIGO_PERIOD_DAY].generations;
  apigo_spend_report_clear (&r);
  return n;
}

/* An element restarted after its task died (failed while it was stopped)
 * makes the clip anew: that is a second paid create.  It went out with
 * the dead task's Idempotency-Key, which the ledger had counted already:
 * on a service that ignores the key (as OpenAI's does) a second task was
 * made and billed but never counted, and on one that honours it the dead
 * task came back instead of a clip.  Expected: a fresh key, counted. */
GST_START_TEST (test_dead_task_made_anew_is_counted)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, PROMPT, PIPELINE);
  GstElement *src = test_pipeline_get (pipeline, "src");
  const gchar *words[] = { "queued", "failed", NULL };
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (TestRun) run = NULL;
  const gchar *keys[2] = { NULL, NULL };
  guint i, n = 0;

  g_object_set (emu, "ignore-idempotency-key", TRUE, "clock-held", TRUE,
      NULL);
  apigo_emulator_script_next_task (emu, words, 1.0);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  test_wait_until (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_RETRIEVE, NULL) > 0, 30);
  fail_unless (gst_element_set_state (pipeline, GST_STATE_NULL) ==
      GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (spent_generations_today (), 1);

  /* It failed while the element was stopped. */
  apigo_emulator_advance_clock (emu, 2);
  g_object_set (emu, "clock-held", FALSE, NULL);
  run = test_run (pipeline, 90);
  test_run_assert_eos (run);
  fail_unless (src != NULL);

  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CREATE && n < 2)
      keys[n++] = r->idempotency_key;
  }
  fail_unless_equals_int (n, 2);
  fail_if (g_strcmp0 (keys[0], keys[1]) == 0,
      "the new create reused the dead task's Idempotency-Key");
  fail_unless_equals_int (spent_generations_today (), 2);
}

GST_END_TEST;

/* A budget spent, with a dialect whose model list is read before a create
 * (openrouter, model-check=auto): the refusal must come before any
 * request, the list included (docs/spending.md: "Nothing reached the
 * network"). */
GST_START_TEST (test_budget_refusal_before_model_list)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("openrouter");
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, PROMPT, PIPELINE);
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (TestRun) run = NULL;

  gst_util_set_object_arg (G_OBJECT (src), "dialect", "openrouter");
  g_object_set (src, "seconds", 4, "budget", "generations-per-day=0", NULL);
  run = test_run (pipeline, 90);
  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      "The budget allows 0 generations per day");
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
}

GST_END_TEST;

static Suite *
attack_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-attack");
  TCase *tc;

  tc = tcase_create ("wire");
  tcase_set_timeout (tc, 120);
  test_add_fixtures (tc);
  tcase_add_checked_fixture (tc, clips_setup, clips_teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_unproven_end_then_bare_416);
  tcase_add_test (tc, test_unproven_end_then_partial_206);
  tcase_add_test (tc, test_chunked_cut_before_terminator);
  tcase_add_test (tc, test_gzip_content_encoding);

  tc = tcase_create ("cache-dir");
  tcase_set_timeout (tc, 120);
  test_add_fixtures (tc);
  tcase_add_checked_fixture (tc, clips_setup, clips_teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_fifo_in_journal_dir);
  tcase_add_test (tc, test_fifo_lock_file);
  tcase_add_test (tc, test_fifo_kept_clip_metadata);

  tc = tcase_create ("pay");
  tcase_set_timeout (tc, 120);
  test_add_fixtures (tc);
  tcase_add_checked_fixture (tc, clips_setup, clips_teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_turns_pay_once_when_nothing_kept);

  tc = tcase_create ("spend");
  tcase_set_timeout (tc, 120);
  test_add_fixtures (tc);
  tcase_add_checked_fixture (tc, clips_setup, clips_teardown);
  tcase_add_checked_fixture (tc, spend_setup, spend_teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_budget_counts_duration_parameter);
  tcase_add_test (tc, test_fifo_budget_file);
  tcase_add_test (tc, test_dead_task_made_anew_is_counted);
  tcase_add_test (tc, test_budget_refusal_before_model_list);
  return s;
}

GST_CHECK_MAIN (attack);
