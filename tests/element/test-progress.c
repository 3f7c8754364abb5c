/* gst-apigo: progress sequences never hold an application in PAUSED
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#include <string.h>

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"
/* Small reads: the first bytes leave long before the last arrive. */
#define TRICKLE_PIPELINE \
  "apigovideosrc name=src blocksize=1024 ! fakesink name=sink"

/* What an application that waits for progress to finish (gst-launch-1.0
 * does, in PAUSED) sees: the progress messages in order and the sequence
 * open at each moment.  Kept by a bus sync handler, on the thread that
 * posts, so that "open" is exact; checked on the test's thread. */
typedef struct
{
  GMutex lock;
  GPtrArray *progress;          /* of Progress, in order */
  gchar *open;                  /* code of the open sequence, or NULL */
  gchar *broken;                /* the first message out of sequence */
  ApigoEmulator *emu;
  gboolean first_buffer;        /* a buffer left the element */
  gchar *open_at_first_buffer;
  guint completed_at_first_buffer;
  guint downloading;            /* apigo-status part way through the clip */
} Watch;

typedef struct
{
  GstProgressType type;
  gchar *code;
  gchar *text;
} Progress;

static void
progress_free (Progress * p)
{
  g_free (p->code);
  g_free (p->text);
  g_free (p);
}

/* Lock held. */
static void
watch_progress (Watch * w, GstMessage * msg)
{
  Progress *p = g_new0 (Progress, 1);
  gboolean ok;

  gst_message_parse_progress (msg, &p->type, &p->code, &p->text);
  g_ptr_array_add (w->progress, p);
  /* One sequence at a time: START, CONTINUE..., then the end. */
  if (p->type == GST_PROGRESS_TYPE_START) {
    ok = w->open == NULL;
    g_free (w->open);
    w->open = g_strdup (p->code);
  } else if (p->type == GST_PROGRESS_TYPE_CONTINUE) {
    ok = g_strcmp0 (w->open, p->code) == 0;
  } else {
    ok = g_strcmp0 (w->open, p->code) == 0;
    g_clear_pointer (&w->open, g_free);
  }
  if (!ok && w->broken == NULL)
    w->broken = g_strdup_printf ("%d (%s) %s while %s is open", p->type,
        p->code, p->text, w->open ? w->open : "none");
}

static GstBusSyncReply
on_sync_message (GstBus * bus, GstMessage * msg, gpointer data)
{
  Watch *w = data;
  const GstStructure *s = gst_message_get_structure (msg);

  g_mutex_lock (&w->lock);
  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_PROGRESS) {
    watch_progress (w, msg);
  } else if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ELEMENT
      && gst_structure_has_name (s, "apigo-status")
      && g_strcmp0 (gst_structure_get_string (s, "phase"),
          "downloading") == 0) {
    guint64 downloaded = 0, total = 0;

    gst_structure_get_uint64 (s, "downloaded", &downloaded);
    gst_structure_get_uint64 (s, "total", &total);
    if (downloaded > 0 && downloaded < total)
      w->downloading++;
  }
  g_mutex_unlock (&w->lock);
  return GST_BUS_PASS;
}

static GstPadProbeReturn
on_first_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  Watch *w = data;

  g_mutex_lock (&w->lock);
  w->first_buffer = TRUE;
  w->open_at_first_buffer = g_strdup (w->open);
  w->completed_at_first_buffer =
      apigo_emulator_count_completed_downloads (w->emu);
  g_mutex_unlock (&w->lock);
  return GST_PAD_PROBE_REMOVE;
}

static void
watch_init (Watch * w, ApigoEmulator * emu, GstElement * pipeline)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstPad) pad = gst_element_get_static_pad (test_pipeline_get
      (pipeline, "src"), "src");

  memset (w, 0, sizeof (*w));
  g_mutex_init (&w->lock);
  w->emu = emu;
  w->progress = g_ptr_array_new_with_free_func ((GDestroyNotify)
      progress_free);
  gst_bus_set_sync_handler (bus, on_sync_message, w, NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_first_buffer, w,
      NULL);
}

/* Call with the pipeline in NULL. */
static void
watch_clear (Watch * w, GstElement * pipeline)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);

  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  g_ptr_array_unref (w->progress);
  g_free (w->open);
  g_free (w->broken);
  g_free (w->open_at_first_buffer);
  g_mutex_clear (&w->lock);
}

/* The pipeline ended (or stopped): no sequence is left open, and every
 * message came in sequence. */
static void
watch_assert_closed (Watch * w)
{
  g_mutex_lock (&w->lock);
  fail_unless (w->broken == NULL, "out of sequence: %s", w->broken);
  fail_unless (w->open == NULL, "the %s sequence is still open", w->open);
  g_mutex_unlock (&w->lock);
}

static guint
watch_count (Watch * w, GstProgressType type, const gchar * code)
{
  guint i, n = 0;

  g_mutex_lock (&w->lock);
  for (i = 0; i < w->progress->len; i++) {
    Progress *p = g_ptr_array_index (w->progress, i);

    n += p->type == type && g_str_equal (p->code, code);
  }
  g_mutex_unlock (&w->lock);
  return n;
}

/* The text of the last progress message of @type and @code, or NULL. */
static gchar *
watch_last_text (Watch * w, GstProgressType type, const gchar * code)
{
  gchar *text = NULL;
  guint i;

  g_mutex_lock (&w->lock);
  for (i = 0; i < w->progress->len; i++) {
    Progress *p = g_ptr_array_index (w->progress, i);

    if (p->type == type && g_str_equal (p->code, code)) {
      g_free (text);
      text = g_strdup (p->text);
    }
  }
  g_mutex_unlock (&w->lock);
  return text;
}

/* gst-launch-1.0 (and any application waiting for progress to finish)
 * plays once the pipeline has prerolled and no sequence is open: so none
 * may be open once bytes flow, while the download goes on.  How far it is
 * goes into apigo-status. */
GST_START_TEST (test_bytes_flow_with_no_sequence_open)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu,
      "no sequence while it flows", TRICKLE_PIPELINE);
  g_autoptr (TestRun) run = NULL;
  g_autofree gchar *streaming = NULL;
  Watch w;

  watch_init (&w, emu, pipeline);
  /* 2 KiB/s: the download of this clip takes seconds. */
  g_object_set (emu, "throttle", (guint64) 2048, NULL);
  run = test_run (pipeline, 120);
  test_run_assert_eos (run);

  fail_unless (w.first_buffer);
  fail_unless_equals_int (w.completed_at_first_buffer, 0);
  fail_unless (w.open_at_first_buffer == NULL,
      "the %s sequence was open when the first bytes left",
      w.open_at_first_buffer);
  watch_assert_closed (&w);

  /* The download's sequence covers its start only; its progress is in
   * apigo-status. */
  fail_unless_equals_int (watch_count (&w, GST_PROGRESS_TYPE_START,
          "download"), 1);
  fail_unless_equals_int (watch_count (&w, GST_PROGRESS_TYPE_CONTINUE,
          "download"), 0);
  streaming = watch_last_text (&w, GST_PROGRESS_TYPE_COMPLETE, "download");
  fail_unless (streaming != NULL && strstr (streaming,
          "while it downloads") != NULL, "download ended with: %s",
      streaming);
  fail_unless (w.downloading > 1, "%u apigo-status part way", w.downloading);
  watch_clear (&w, pipeline);
}

GST_END_TEST;

/* gst-launch-1.0 prints every progress message: the polls of a generation
 * give one for a new status or ten percent more, never one per poll. */
GST_START_TEST (test_generation_lines_bounded)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu,
      "a few lines only", FILE_PIPELINE);
  g_autoptr (TestRun) run = NULL;
  gchar *last_status = NULL;
  gint last_tens = -1;
  guint i, continues = 0;
  Watch w;

  watch_init (&w, emu, pipeline);
  g_object_set (emu, "generation-time", 4.0, NULL);
  run = test_run (pipeline, 120);
  test_run_assert_eos (run);
  watch_assert_closed (&w);

  for (i = 0; i < w.progress->len; i++) {
    Progress *p = g_ptr_array_index (w.progress, i);
    g_autofree gchar *status = NULL;
    guint percent;

    if (p->type != GST_PROGRESS_TYPE_CONTINUE)
      continue;
    continues++;
    /* "video_123: in_progress, 40%" */
    fail_unless_equals_string (p->code, "generate");
    status = g_strdup (strstr (p->text, ": ") + 2);
    *strchr (status, ',') = '\0';
    percent = (guint) g_ascii_strtoull (strrchr (p->text, ' ') + 1, NULL,
        10);
    fail_unless (g_strcmp0 (status, last_status) != 0
        || (gint) (percent / 10) != last_tens,
        "\"%s\" says nothing new", p->text);
    g_free (last_status);
    last_status = g_steal_pointer (&status);
    last_tens = percent / 10;
  }
  g_free (last_status);
  fail_unless (continues >= 2, "only %u CONTINUE", continues);
  /* Ten steps and a few statuses. */
  fail_unless (continues <= 15, "%u CONTINUE", continues);
  watch_clear (&w, pipeline);
}

GST_END_TEST;

/* A clip replayed from the cache says so, once, and holds nobody up. */
GST_START_TEST (test_replay_says_so)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) first = test_pipeline_new (emu, "said once",
      FILE_PIPELINE);
  g_autoptr (GstElement) again = test_pipeline_new (emu, "said once",
      FILE_PIPELINE);
  g_autoptr (TestRun) made = NULL;
  g_autoptr (TestRun) replayed = NULL;
  Progress *p;
  Watch w;

  made = test_run (first, 60);
  test_run_assert_eos (made);

  watch_init (&w, emu, again);
  replayed = test_run (again, 60);
  test_run_assert_eos (replayed);
  watch_assert_closed (&w);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 1);

  fail_unless_equals_int (w.progress->len, 2);
  p = g_ptr_array_index (w.progress, 0);
  fail_unless_equals_int (p->type, GST_PROGRESS_TYPE_START);
  fail_unless_equals_string (p->code, "cache");
  fail_unless (g_str_has_prefix (p->text,
          "Replaying a kept clip from the cache ("), "\"%s\"", p->text);
  p = g_ptr_array_index (w.progress, 1);
  fail_unless_equals_int (p->type, GST_PROGRESS_TYPE_COMPLETE);
  fail_unless_equals_string (p->code, "cache");
  fail_if (strstr (p->text, "cache") != NULL, "said twice: \"%s\"", p->text);
  watch_clear (&w, again);
}

GST_END_TEST;

/* Waits (bounded) until @n progress messages of @type and @code came. */
static void
wait_for_progress (Watch * w, GstProgressType type, const gchar * code,
    guint n)
{
  test_wait_until (watch_count (w, type, code) >= n, 30);
}

/* A flush ends the open sequence at once; as streaming waits for the
 * generation again afterwards, a new one says so.  The state change down
 * ends that one. */
GST_START_TEST (test_flush_ends_the_sequence)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "flushed",
      FILE_PIPELINE);
  g_autofree gchar *id = NULL;
  g_autofree gchar *again = NULL;
  g_autofree gchar *said = NULL;
  Watch w;

  watch_init (&w, emu, pipeline);
  g_object_set (emu, "generation-time", 600.0, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  wait_for_progress (&w, GST_PROGRESS_TYPE_CONTINUE, "generate", 1);

  fail_unless (gst_element_seek_simple (pipeline, GST_FORMAT_BYTES,
          GST_SEEK_FLAG_FLUSH, 0));
  wait_for_progress (&w, GST_PROGRESS_TYPE_CANCELED, "generate", 1);
  wait_for_progress (&w, GST_PROGRESS_TYPE_START, "generate", 2);
  g_object_get (test_pipeline_get (pipeline, "src"), "video-id", &id, NULL);
  again = watch_last_text (&w, GST_PROGRESS_TYPE_START, "generate");
  said = g_strdup_printf ("Waiting for %s", id);
  fail_unless_equals_string (again, said);

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (watch_count (&w, GST_PROGRESS_TYPE_CANCELED,
          "generate"), 2);
  watch_assert_closed (&w);
  /* Still the one task. */
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 1);
  watch_clear (&w, pipeline);
}

GST_END_TEST;

static Suite *
progress_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-progress");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 180);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_bytes_flow_with_no_sequence_open);
  tcase_add_test (tc, test_generation_lines_bounded);
  tcase_add_test (tc, test_replay_says_so);
  tcase_add_test (tc, test_flush_ends_the_sequence);
  return s;
}

GST_CHECK_MAIN (progress);
