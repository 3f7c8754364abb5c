/* gst-apigo: where apigochannel's prompts come from besides its list: the
 * prompts file (re-read when it changes) and the text sink pad
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"
#include "channel-check.h"

#include <gst/app/gstappsrc.h>
#include <string.h>
#include <sys/stat.h>

#define SINK "fakesink name=sink sync=false signal-handoffs=true"
#define CLIP_FRAMES 30
#define TEXT_CAPS "text/x-raw,format=utf8"

typedef enum
{
  AT_FALLBACK_NONE,
  AT_FALLBACK_APPEND,           /* append a line to the file */
  AT_FALLBACK_REPLACE,          /* write a new file, rename it over */
  AT_FALLBACK_REMOVE,           /* delete the file */
} AtFallback;

/* What the sink saw, and what to do along the way. */
typedef struct
{
  guint64 frames;
  gint64 bad_frame;             /* the first frame not one frame on, or -1 */
  /* File tests: done once, on the first fallback-start, from the worker
   * (the bus sync handler): the channel has then taken the first line and
   * no other. */
  AtFallback at_fallback;
  gchar *file;
  gboolean done;
  /* Silent text test: when the fallback after clip 0 has aired 3 frames,
   * an untimed prompt then EOS on this appsrc. */
  GstElement *text;
  gint clip0_frame;
  /* Backoff test: a timed prompt then EOS on text, at the backoff event. */
  gboolean timed_on_backoff;
} Run;

static void
on_handoff (GstElement * sink, GstBuffer * buffer, GstPad * pad,
    gpointer user_data)
{
  Run *r = user_data;
  gint clip0 = g_atomic_int_get (&r->clip0_frame);

  if (r->bad_frame < 0 && (GST_BUFFER_PTS (buffer) !=
          gst_util_uint64_scale (r->frames, GST_SECOND, 30)))
    r->bad_frame = r->frames;
  if (r->text != NULL && !r->done && clip0 >= 0
      && r->frames == (guint64) clip0 + CLIP_FRAMES + 3) {
    GstBuffer *text = gst_buffer_new_memdup ("late comer", 10);

    r->done = TRUE;
    fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (r->text),
            text), GST_FLOW_OK);
    gst_app_src_end_of_stream (GST_APP_SRC (r->text));
  }
  r->frames++;
}

static GstBusSyncReply
on_message (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  Run *r = user_data;
  const GstStructure *s = gst_message_get_structure (msg);
  const gchar *event;
  guint64 frame;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT
      || !gst_structure_has_name (s, "apigo-channel"))
    return GST_BUS_PASS;
  event = gst_structure_get_string (s, "event");
  if (g_strcmp0 (event, "backoff") == 0 && r->timed_on_backoff && !r->done) {
    GstBuffer *text = gst_buffer_new_memdup ("timed", 5);

    r->done = TRUE;
    GST_BUFFER_PTS (text) = 0;
    fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (r->text),
            text), GST_FLOW_OK);
    gst_app_src_end_of_stream (GST_APP_SRC (r->text));
  }
  if (g_strcmp0 (event, "clip-start") == 0
      && g_atomic_int_get (&r->clip0_frame) < 0
      && gst_structure_get_uint64 (s, "frame", &frame))
    g_atomic_int_set (&r->clip0_frame, (gint) frame);
  if (g_strcmp0 (event, "fallback-start") == 0 && !r->done
      && r->at_fallback != AT_FALLBACK_NONE) {
    r->done = TRUE;
    if (r->at_fallback == AT_FALLBACK_APPEND) {
      FILE *f = fopen (r->file, "a");

      fail_unless (f != NULL);
      fputs ("appended\n", f);
      fclose (f);
    } else if (r->at_fallback == AT_FALLBACK_REPLACE) {
      /* Written aside, renamed over it: what editors do. */
      fail_unless (g_file_set_contents (r->file, "one\nreplaced\n", -1,
              NULL));
    } else {
      fail_unless_equals_int (g_unlink (r->file), 0);
    }
  }
  return GST_BUS_PASS;
}

/* "apigochannel name=ch ! fakesink" and @more, the channel pointed at
 * @emu with @prompts_file (if not NULL). */
static GstElement *
pipeline_new (ApigoEmulator * emu, const gchar * more,
    const gchar * prompts_file, Run * r)
{
  g_autofree gchar *description = g_strdup_printf ("apigochannel name=ch ! "
      SINK " %s", more != NULL ? more : "");
  GstElement *pipeline = gst_parse_launch (description, NULL);
  GstElement *channel;
  g_autoptr (GstBus) bus = NULL;

  fail_unless (pipeline != NULL, "%s", description);
  channel = test_pipeline_get (pipeline, "ch");
  test_source_configure (channel, emu, NULL);
  g_object_set (channel, "size", "160x96", "width", 160, "height", 96, NULL);
  if (prompts_file != NULL)
    g_object_set (channel, "prompts-file", prompts_file, NULL);

  memset (r, 0, sizeof (*r));
  r->bad_frame = -1;
  r->clip0_frame = -1;
  g_signal_connect (test_pipeline_get (pipeline, "sink"), "handoff",
      G_CALLBACK (on_handoff), r);
  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  gst_bus_set_sync_handler (bus, on_message, r, NULL);
  return pipeline;
}

static gchar *
write_file (const gchar * name, const gchar * contents)
{
  gchar *path = g_build_filename (test_tmp_dir (), name, NULL);

  fail_unless (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

/* Asserts the @nth clip-start says @prompt came from @source. */
static const GstStructure *
assert_clip (GPtrArray * starts, guint nth, const gchar * prompt,
    const gchar * source)
{
  const GstStructure *s;

  fail_unless (nth < starts->len, "no clip-start number %u", nth);
  s = g_ptr_array_index (starts, nth);
  fail_unless_equals_string (gst_structure_get_string (s, "prompt"), prompt);
  fail_unless_equals_string (gst_structure_get_string (s, "source"), source);
  return s;
}

static guint
field_uint (const GstStructure * s, const gchar * name)
{
  guint v = 0;

  fail_unless (gst_structure_get_uint (s, name, &v), "no %s in %"
      GST_PTR_FORMAT, name, s);
  return v;
}

/* The prompts the emulator was asked to make, in order. */
static gboolean
emulator_asked (ApigoEmulator * emu, const gchar * prompt)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  guint i;

  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *req = g_ptr_array_index (requests, i);

    if (req->route == APIGO_EMULATOR_ROUTE_CREATE && req->form != NULL
        && g_strcmp0 (g_hash_table_lookup (req->form, "prompt"), prompt) == 0)
      return TRUE;
  }
  return FALSE;
}

/* The file read at start: trimmed lines, blank lines and '#' comments
 * skipped, after the prompts list; EOS after its last line. */
GST_START_TEST (test_file_read)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *file = write_file ("prompts.txt",
      "# the channel's prompts\n\n  one  \n\t\n# not this\nthree\r\n");
  Run r;
  GstElement *pipeline = pipeline_new (emu, NULL, file, &r);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) starts = NULL;

  gst_util_set_object_arg (G_OBJECT (test_pipeline_get (pipeline, "ch")),
      "prompts", "<\"listed\">");
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  fail_unless (r.bad_frame < 0, "frame %" G_GINT64_FORMAT, r.bad_frame);
  starts = channel_events (run, "clip-start");
  fail_unless_equals_int (starts->len, 3);
  fail_unless_equals_int (field_uint (assert_clip (starts, 0, "listed",
              "list"), "index"), 0);
  fail_unless_equals_int (field_uint (assert_clip (starts, 1, "one", "file"),
          "line"), 3);
  fail_unless_equals_int (field_uint (g_ptr_array_index (starts, 1), "index"),
      0);
  fail_unless_equals_int (field_uint (assert_clip (starts, 2, "three",
              "file"), "line"), 6);
  fail_unless_equals_int (field_uint (g_ptr_array_index (starts, 2), "index"),
      1);
  fail_unless_equals_int (test_tasks_made (emu), 3);
  fail_unless (emulator_asked (emu, "three"));
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A line appended while the channel runs airs after the others. */
GST_START_TEST (test_file_appended)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *file = write_file ("prompts.txt", "one\n");
  Run r;
  GstElement *pipeline = pipeline_new (emu, NULL, file, &r);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) starts = NULL;
  const GstStructure *s;

  r.at_fallback = AT_FALLBACK_APPEND;
  r.file = file;
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  fail_unless (r.done);
  starts = channel_events (run, "clip-start");
  fail_unless_equals_int (starts->len, 2);
  assert_clip (starts, 0, "one", "file");
  s = assert_clip (starts, 1, "appended", "file");
  fail_unless_equals_int (field_uint (s, "line"), 2);
  fail_unless_equals_int (field_uint (s, "index"), 1);
  fail_unless (channel_field_u64 (s, "frame") >=
      channel_field_u64 (g_ptr_array_index (starts, 0), "frame") +
      CLIP_FRAMES);
  fail_unless (emulator_asked (emu, "appended"));
  fail_unless_equals_int (test_tasks_made (emu), 2);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A file replaced by a rename (a new inode) is read again; the channel
 * goes on at the line it reached. */
GST_START_TEST (test_file_replaced)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *file = write_file ("prompts.txt", "one\n");
  Run r;
  GstElement *pipeline = pipeline_new (emu, NULL, file, &r);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) starts = NULL;

  r.at_fallback = AT_FALLBACK_REPLACE;
  r.file = file;
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  fail_unless (r.done);
  starts = channel_events (run, "clip-start");
  fail_unless_equals_int (starts->len, 2);
  assert_clip (starts, 0, "one", "file");
  fail_unless_equals_int (field_uint (assert_clip (starts, 1, "replaced",
              "file"), "line"), 2);
  fail_unless (emulator_asked (emu, "replaced"));
  fail_unless_equals_int (test_tasks_made (emu), 2);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A file that goes away while the channel runs: a warning, and the
 * channel airs what it had read. */
GST_START_TEST (test_file_removed)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *file = write_file ("prompts.txt", "one\n");
  Run r;
  GstElement *pipeline = pipeline_new (emu, NULL, file, &r);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) starts = NULL;

  r.at_fallback = AT_FALLBACK_REMOVE;
  r.file = file;
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  fail_unless (r.done);
  fail_unless (test_run_saw (run, GST_MESSAGE_WARNING, "went away"));
  starts = channel_events (run, "clip-start");
  fail_unless_equals_int (starts->len, 1);
  assert_clip (starts, 0, "one", "file");
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A file that is missing, a FIFO (never waited on) or too large: the
 * channel does not start, its error names the property; nothing sent. */
GST_START_TEST (test_file_refused)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *missing = g_build_filename (test_tmp_dir (), "none.txt",
      NULL);
  g_autofree gchar *fifo = g_build_filename (test_tmp_dir (), "fifo", NULL);
  g_autofree gchar *big = g_build_filename (test_tmp_dir (), "big.txt", NULL);
  g_autofree gchar *lines = g_strnfill (2 * 1024 * 1024, 'a');
  const gchar *files[] = { missing, fifo, big };
  guint i;

  fail_unless_equals_int (mkfifo (fifo, 0600), 0);
  fail_unless (g_file_set_contents (big, lines, -1, NULL));
  for (i = 0; i < G_N_ELEMENTS (files); i++) {
    Run r;
    g_autoptr (GstElement) pipeline = pipeline_new (emu, NULL, files[i], &r);
    g_autoptr (GstBus) bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
    g_autoptr (GstMessage) msg = NULL;
    g_autoptr (GError) error = NULL;

    fail_unless_equals_int (gst_element_set_state (pipeline,
            GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
    msg = gst_bus_timed_pop_filtered (bus, 0, GST_MESSAGE_ERROR);
    fail_unless (msg != NULL, "no error for %s", files[i]);
    gst_message_parse_error (msg, &error, NULL);
    fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
            GST_RESOURCE_ERROR_SETTINGS), "%s", error->message);
    fail_unless (strstr (error->message, "prompts-file") != NULL, "%s",
        error->message);
    fail_unless (strstr (error->message, files[i]) != NULL, "%s",
        error->message);
    gst_element_set_state (pipeline, GST_STATE_NULL);
  }
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
}

GST_END_TEST;

/* Subtitles as prompts: each airs at the frame of its start time (the
 * channel not live waits for it there), its markup stripped. */
GST_START_TEST (test_text_subparse)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *srt = g_build_filename (g_getenv ("APIGO_TEST_DATA"),
      "prompts.srt", NULL);
  g_autofree gchar *more = g_strdup_printf ("filesrc location=\"%s\" ! "
      "subparse ! ch.text", srt);
  Run r;
  GstElement *pipeline = pipeline_new (emu, more, NULL, &r);
  g_autoptr (TestRun) run = test_run (pipeline, test_timeout (60));
  g_autoptr (GPtrArray) starts = NULL;
  const GstStructure *s;

  test_run_assert_eos (run);
  fail_unless (r.bad_frame < 0, "frame %" G_GINT64_FORMAT, r.bad_frame);
  starts = channel_events (run, "clip-start");
  fail_unless_equals_int (starts->len, 2);
  /* 00:00:01,000 at 30 frames a second. */
  s = assert_clip (starts, 0, "a red kite over the beach & sea", "text");
  fail_unless_equals_uint64 (channel_field_u64 (s, "frame"), 30);
  fail_unless_equals_uint64 (channel_field_u64 (s, "time"), GST_SECOND);
  fail_unless_equals_uint64 (channel_field_u64 (s, "late"), 0);
  fail_unless_equals_int (field_uint (s, "index"), 0);
  /* 00:00:02,500 */
  s = assert_clip (starts, 1, "a blue boat at dawn", "text");
  fail_unless_equals_uint64 (channel_field_u64 (s, "frame"), 75);
  fail_unless_equals_uint64 (channel_field_u64 (s, "late"), 0);
  fail_unless_equals_int (field_uint (s, "index"), 1);
  /* EOS once the text ended and the last clip aired. */
  fail_unless_equals_uint64 (r.frames, 75 + CLIP_FRAMES);
  fail_unless (emulator_asked (emu, "a red kite over the beach & sea"));
  fail_unless_equals_int (test_tasks_made (emu), 2);
  gst_object_unref (pipeline);
}

GST_END_TEST;

static void
push_text (GstElement * appsrc, const gchar * text, GstClockTime pts)
{
  GstBuffer *buffer = gst_buffer_new_memdup (text, strlen (text));

  GST_BUFFER_PTS (buffer) = pts;
  fail_unless_equals_int (gst_app_src_push_buffer (GST_APP_SRC (appsrc),
          buffer), GST_FLOW_OK);
}

/* Timed prompts from an appsrc: each takes the air at the frame of its
 * time, the second cutting the first short. */
GST_START_TEST (test_text_timed)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Run r;
  GstElement *pipeline = pipeline_new (emu, "appsrc name=text format=time "
      "caps=\"" TEXT_CAPS "\" ! ch.text", NULL, &r);
  GstElement *text = test_pipeline_get (pipeline, "text");
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) starts = NULL;
  const GstStructure *s;

  push_text (text, "first", GST_SECOND);
  push_text (text, "second", GST_SECOND * 3 / 2);
  gst_app_src_end_of_stream (GST_APP_SRC (text));
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  fail_unless (r.bad_frame < 0, "frame %" G_GINT64_FORMAT, r.bad_frame);
  starts = channel_events (run, "clip-start");
  fail_unless_equals_int (starts->len, 2);
  s = assert_clip (starts, 0, "first", "text");
  fail_unless_equals_uint64 (channel_field_u64 (s, "frame"), 30);
  fail_unless_equals_uint64 (channel_field_u64 (s, "late"), 0);
  s = assert_clip (starts, 1, "second", "text");
  fail_unless_equals_uint64 (channel_field_u64 (s, "frame"), 45);
  fail_unless_equals_uint64 (channel_field_u64 (s, "time"), GST_SECOND * 3 / 2);
  fail_unless_equals_uint64 (channel_field_u64 (s, "late"), 0);
  fail_unless_equals_uint64 (r.frames, 45 + CLIP_FRAMES);
  fail_unless (emulator_asked (emu, "second"));
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A timed prompt's clip has its sound on the audio pad, like any other,
 * in step with its frames. */
GST_START_TEST (test_text_timed_audio)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Run r;
  GstElement *pipeline;
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) starts = NULL;
  ChannelCheck check;

  g_object_set (emu, "audio", TRUE, NULL);
  pipeline = pipeline_new (emu, "ch.audio ! fakesink name=asink sync=false "
      "signal-handoffs=true appsrc name=text format=time caps=\"" TEXT_CAPS
      "\" ! ch.text", NULL, &r);
  channel_check_init (&check, 30, 1, 48000, 2);
  channel_check_watch (&check, test_pipeline_get (pipeline, "sink"),
      test_pipeline_get (pipeline, "asink"));
  push_text (test_pipeline_get (pipeline, "text"), "timed", GST_SECOND);
  gst_app_src_end_of_stream (GST_APP_SRC (test_pipeline_get (pipeline,
              "text")));
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  channel_check_assert (&check, TRUE);
  starts = channel_events (run, "clip-start");
  fail_unless_equals_int (starts->len, 1);
  assert_clip (starts, 0, "timed", "text");
  events = channel_events (run, NULL);
  channel_check_assert_sound (&check, events);
  channel_check_clear (&check);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A timed prompt that comes during a 429's backoff waits for it like the
 * others: the create after the 429 is the limited clip's own retry. */
GST_START_TEST (test_text_waits_for_backoff)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  ApigoEmulatorFault fault = { APIGO_EMULATOR_ROUTE_CREATE, 429,
    APIGO_EMULATOR_BODY_JSON, "3", NULL, NULL, 1
  };
  Run r;
  GstElement *pipeline = pipeline_new (emu, "appsrc name=text format=time "
      "caps=\"" TEXT_CAPS "\" ! ch.text", NULL, &r);
  g_autoptr (TestRun) run = NULL;
  GPtrArray *requests;
  const gchar *limited_key = NULL;
  gboolean retried = FALSE, timed = FALSE;
  guint i;

  gst_util_set_object_arg (G_OBJECT (test_pipeline_get (pipeline, "ch")),
      "prompts", "<\"one\">");
  r.text = test_pipeline_get (pipeline, "text");
  r.timed_on_backoff = TRUE;
  apigo_emulator_inject (emu, &fault);
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  fail_unless (r.done, "no backoff");

  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *q = g_ptr_array_index (requests, i);

    if (q->route != APIGO_EMULATOR_ROUTE_CREATE)
      continue;
    if (q->status == 429) {
      limited_key = q->idempotency_key;
    } else if (limited_key != NULL
        && g_strcmp0 (q->idempotency_key, limited_key) == 0) {
      retried = TRUE;
    } else if (g_strcmp0 (g_hash_table_lookup (q->form, "prompt"),
            "timed") == 0) {
      fail_unless (retried, "the timed prompt was created during the "
          "backoff");
      timed = TRUE;
    }
  }
  fail_unless (limited_key != NULL && retried && timed);
  g_ptr_array_unref (requests);
  gst_object_unref (pipeline);
}

GST_END_TEST;

/* A text pad linked to a source that sends nothing does not stall the
 * channel; an untimed buffer airs next like add-prompt; EOS waits for the
 * text's. */
GST_START_TEST (test_text_silent)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  Run r;
  GstElement *pipeline = pipeline_new (emu, "appsrc name=text format=time "
      "caps=\"" TEXT_CAPS "\" ! ch.text", NULL, &r);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) starts = NULL;
  const GstStructure *s;

  gst_util_set_object_arg (G_OBJECT (test_pipeline_get (pipeline, "ch")),
      "prompts", "<\"one\">");
  r.text = test_pipeline_get (pipeline, "text");
  run = test_run (pipeline, test_timeout (60));
  test_run_assert_eos (run);
  fail_unless (r.done, "the channel ended before the text did");
  starts = channel_events (run, "clip-start");
  fail_unless_equals_int (starts->len, 2);
  assert_clip (starts, 0, "one", "list");
  s = assert_clip (starts, 1, "late comer", "list");
  fail_unless_equals_int (field_uint (s, "index"), 1);
  fail_unless (channel_field_u64 (s, "frame") >
      channel_field_u64 (g_ptr_array_index (starts, 0), "frame") +
      CLIP_FRAMES + 3);
  gst_object_unref (pipeline);
}

GST_END_TEST;

static Suite *
channel_prompts_suite (void)
{
  Suite *s = suite_create ("apigochannel-prompts");
  TCase *tc = tcase_create ("prompts");

  test_add_fixtures (tc);
  tcase_set_timeout (tc, test_timeout (120));
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_file_read);
  tcase_add_test (tc, test_file_appended);
  tcase_add_test (tc, test_file_replaced);
  tcase_add_test (tc, test_file_removed);
  tcase_add_test (tc, test_file_refused);
  tcase_add_test (tc, test_text_subparse);
  tcase_add_test (tc, test_text_timed);
  tcase_add_test (tc, test_text_timed_audio);
  tcase_add_test (tc, test_text_silent);
  tcase_add_test (tc, test_text_waits_for_backoff);
  return s;
}

GST_CHECK_MAIN (channel_prompts);
