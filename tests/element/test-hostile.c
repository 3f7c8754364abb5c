/* gst-apigo: a hostile service never gets wrong bytes played, never hangs
 * the element, never makes it download another task
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Against HostileServer (hostile-server.h), which writes its answers byte
 * by byte as each test wants them.  Two real clips: A, which the task
 * serves, and B, another one, which the service may swap in (padded with
 * an MP4 "free" box where a test needs it as long as A, or longer).
 */

#include "test-util.h"
#include "hostile-server.h"

#include <string.h>

#define PIPELINE "apigovideosrc name=src ! fakesink name=sink"
#define PROMPT "a hostile service"
/* Where the first download is cut: well inside both clips. */
#define CUT_AT 16384
/* Headers long enough to take minutes at one byte a second. */
#define PADDING_LEN 400

static GBytes *clip_a;          /* smpte: about 200 KB */
static GBytes *clip_b;          /* ball: about 30 KB, other bytes */

static void
clips_setup (void)
{
  clip_a = hostile_test_clip ("smpte", 30, "clip A");
  clip_b = hostile_test_clip ("ball", 30, "clip B");
  fail_unless (g_bytes_get_size (clip_b) > CUT_AT
      && g_bytes_get_size (clip_a) > g_bytes_get_size (clip_b) + 8,
      "the clips are %" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT " bytes",
      g_bytes_get_size (clip_a), g_bytes_get_size (clip_b));
}

static void
clips_teardown (void)
{
  g_clear_pointer (&clip_a, g_bytes_unref);
  g_clear_pointer (&clip_b, g_bytes_unref);
}

/* @out is, byte for byte, one of @clips (NULL-terminated). */
static gboolean
is_one_of (const GByteArray * out, GBytes ** clips)
{
  for (; *clips != NULL; clips++)
    if (hostile_test_same_bytes (out, *clips))
      return TRUE;
  return FALSE;
}

/* For failure messages: how @out relates to clip A. */
static gchar *
describe (const GByteArray * out)
{
  gsize len;
  const guint8 *a = g_bytes_get_data (clip_a, &len);
  guint same = 0;

  while (same < out->len && same < len && out->data[same] == a[same])
    same++;
  return g_strdup_printf ("%u bytes out, the first %u of them clip A's "
      "(A is %" G_GSIZE_FORMAT " bytes)", out->len, same, len);
}

/* What a hostile answer allows: an ERROR and no EOS, or EOS after exactly
 * one whole clip of @clips. */
static void
assert_error_or_whole (TestRun * run, const GByteArray * out, GBytes ** clips)
{
  g_autofree gchar *what = describe (out);

  fail_if (run->timed_out, "the pipeline neither ended nor failed (%s)",
      what);
  if (GST_MESSAGE_TYPE (run->last) == GST_MESSAGE_ERROR) {
    fail_if (test_run_saw (run, GST_MESSAGE_EOS, NULL), "EOS, then an error");
    return;
  }
  fail_unless (is_one_of (out, clips), "EOS with wrong bytes: %s", what);
}

static void
add_validators (HostileAnswer * answer, GBytes * clip)
{
  g_autofree gchar *etag = hostile_clip_etag (clip);
  g_autofree gchar *date = hostile_clip_last_modified (clip);

  soup_message_headers_replace (answer->headers, "ETag", etag);
  soup_message_headers_replace (answer->headers, "Last-Modified", date);
}

/* A 206 of @clip from @from to its end saying @total ("*" or a number),
 * with @clip's validators. */
static void
answer_partial (HostileAnswer * answer, GBytes * clip, guint64 from,
    const gchar * total)
{
  gsize size = g_bytes_get_size (clip);
  g_autofree gchar *range = g_strdup_printf ("bytes %" G_GUINT64_FORMAT
      "-%" G_GSIZE_FORMAT "/%s", from, size - 1, total);

  /* On the server's thread: no fail_unless() there. */
  g_assert (from < size);
  hostile_answer_replace (answer, 206, "video/mp4",
      g_bytes_new_from_bytes (clip, from, size - from));
  soup_message_headers_replace (answer->headers, "Content-Range", range);
  add_validators (answer, clip);
}

/* Class 1: a resumed download never yields wrong bytes */

typedef void (*ResumeFunc) (HostileAnswer * answer, guint64 from,
    GBytes * clip);

typedef struct
{
  GBytes *replacement;          /* the clip after the cut; NULL: A still */
  ResumeFunc resume;            /* answers every ranged request after it */
  HostileWire first_wire;       /* how the first answer ends */
  guint cut_after;              /* where it ends; 0: CUT_AT */
} Splice;

static void
splice_hook (HostileServer * server, const HostileRequest * r,
    HostileAnswer * answer, gpointer data)
{
  Splice *s = data;
  guint64 from;

  if (r->index == 0) {
    /* The first answer, polite but cut short; the file is replaced
     * behind it, so that a full request now gets the new one. */
    answer->wire = s->first_wire;
    answer->cut_after = s->cut_after ? s->cut_after : CUT_AT;
    if (s->replacement != NULL)
      hostile_server_replace_clip (server, r->video_id, s->replacement);
  } else if (s->resume != NULL && hostile_request_range_start (r, &from)) {
    s->resume (answer, from, s->replacement ? s->replacement : clip_a);
  }
}

/* Runs the request once against @s, then again, same settings and cache,
 * against a service that is polite again and serves A: the second run
 * plays A, or replays what the first played if that was a whole served
 * clip, never anything else. */
static void
assert_never_spliced (Splice * s)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autoptr (GstElement) first =
      hostile_test_pipeline_new (server, PIPELINE, PROMPT);
  g_autoptr (GstElement) again = NULL;
  g_autoptr (TestRun) run = NULL;
  g_autoptr (TestRun) rerun = NULL;
  g_autofree gchar *id = NULL;
  g_autofree gchar *what = NULL;
  GBytes *served[] = { clip_a, s->replacement, NULL };
  GBytes *allowed[] = { clip_a, NULL, NULL };
  g_autoptr (GBytes) played = NULL;
  TestCollector out, out2;

  hostile_server_set_hook (server, HOSTILE_ROUTE_CONTENT, splice_hook, s);
  test_collect (test_pipeline_get (first, "sink"), &out, TRUE);
  run = test_run (first, 60);
  assert_error_or_whole (run, out.bytes, served);

  if (GST_MESSAGE_TYPE (run->last) == GST_MESSAGE_EOS) {
    played = g_bytes_new (out.bytes->data, out.bytes->len);
    allowed[1] = played;
  }
  id = hostile_server_dup_last_id (server);
  hostile_server_set_hook (server, HOSTILE_ROUTE_CONTENT, NULL, NULL);
  hostile_server_replace_clip (server, id, clip_a);
  again = hostile_test_pipeline_new (server, PIPELINE, PROMPT);
  test_collect (test_pipeline_get (again, "sink"), &out2, TRUE);
  rerun = test_run (again, 60);
  test_run_assert_eos (rerun);
  what = describe (out2.bytes);
  fail_unless (is_one_of (out2.bytes, allowed),
      "the next run replayed wrong bytes from the cache: %s", what);

  test_collector_clear (&out);
  test_collector_clear (&out2);
}

/* a. The file was replaced: the right range, but of another file. */
static void
resume_206_other_file (HostileAnswer * answer, guint64 from, GBytes * clip)
{
  g_autofree gchar *total = g_strdup_printf ("%" G_GSIZE_FORMAT,
      g_bytes_get_size (clip));

  answer_partial (answer, clip, from, total);
}

GST_START_TEST (test_resume_other_etag)
{
  g_autoptr (GBytes) replacement = hostile_clip_pad (clip_b,
      g_bytes_get_size (clip_a));
  Splice s = { replacement, resume_206_other_file, HOSTILE_WIRE_CUT };

  assert_never_spliced (&s);
}

GST_END_TEST;

/* a'. Replaced after downstream already had bytes of the first: a
 * restart would splice downstream, so it is an error that says so. */
GST_START_TEST (test_resume_other_etag_after_bytes_out)
{
  g_autoptr (GBytes) replacement = hostile_clip_pad (clip_b,
      g_bytes_get_size (clip_a));
  Splice s = { replacement, resume_206_other_file, HOSTILE_WIRE_CUT,
    128 * 1024
  };
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autoptr (GstElement) pipeline =
      hostile_test_pipeline_new (server, PIPELINE, PROMPT);
  g_autoptr (TestRun) run = NULL;
  TestCollector out;

  fail_unless (g_bytes_get_size (clip_a) > s.cut_after + 1024);
  hostile_server_set_hook (server, HOSTILE_ROUTE_CONTENT, splice_hook, &s);
  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);
  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_READ,
      "changed on the service");
  fail_if (test_run_saw (run, GST_MESSAGE_EOS, NULL));
  /* What left was clip A's head, and nothing of B after it. */
  fail_unless (out.bytes->len <= s.cut_after);
  fail_unless (memcmp (out.bytes->data, g_bytes_get_data (clip_a, NULL),
          out.bytes->len) == 0);
  test_collector_clear (&out);
}

GST_END_TEST;

/* b. Range ignored: a 200 with another body of the same size. */
static void
resume_200 (HostileAnswer * answer, guint64 from, GBytes * clip)
{
  hostile_answer_replace (answer, 200, "video/mp4", g_bytes_ref (clip));
  add_validators (answer, clip);
}

GST_START_TEST (test_resume_200_other_body)
{
  g_autoptr (GBytes) replacement = hostile_clip_pad (clip_b,
      g_bytes_get_size (clip_a));
  Splice s = { replacement, resume_200, HOSTILE_WIRE_CUT };

  assert_never_spliced (&s);
}

GST_END_TEST;

/* c. A 206 whose total is not the first answer's length. */
GST_START_TEST (test_resume_206_other_total)
{
  g_autoptr (GBytes) replacement = hostile_clip_pad (clip_b,
      g_bytes_get_size (clip_a) + 4096);
  Splice s = { replacement, resume_206_other_file, HOSTILE_WIRE_CUT };

  assert_never_spliced (&s);
}

GST_END_TEST;

/* c. "bytes N-M/ *", and more bytes than the first answer announced. */
static void
resume_206_unknown_total (HostileAnswer * answer, guint64 from,
    GBytes * clip)
{
  answer_partial (answer, clip, from, "*");
}

GST_START_TEST (test_resume_206_unknown_total_longer)
{
  g_autoptr (GBytes) replacement = hostile_clip_pad (clip_b,
      g_bytes_get_size (clip_a) + 4096);
  Splice s = { replacement, resume_206_unknown_total, HOSTILE_WIRE_CUT };

  assert_never_spliced (&s);
}

GST_END_TEST;

/* d. A 416 saying the file ends where the cut was. */
static void
resume_416_here (HostileAnswer * answer, guint64 from, GBytes * clip)
{
  g_autofree gchar *range = g_strdup_printf ("bytes */%" G_GUINT64_FORMAT,
      from);

  hostile_answer_replace (answer, 416, NULL, NULL);
  soup_message_headers_replace (answer->headers, "Content-Range", range);
}

GST_START_TEST (test_resume_416_shorter)
{
  Splice s = { NULL, resume_416_here, HOSTILE_WIRE_CUT };

  assert_never_spliced (&s);
}

GST_END_TEST;

/* d. A whole 200, shorter than the first answer announced. */
GST_START_TEST (test_resume_short_200)
{
  Splice s = { clip_b, resume_200, HOSTILE_WIRE_CUT };

  assert_never_spliced (&s);
}

GST_END_TEST;

/* e. The resume asks for the rest of the same file: If-Range. */
static void
assert_if_range (gboolean etag, gboolean last_modified)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autoptr (GstElement) pipeline =
      hostile_test_pipeline_new (server, PIPELINE, PROMPT);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autofree gchar *want = etag ? hostile_clip_etag (clip_a) :
      hostile_clip_last_modified (clip_a);
  Splice s = { NULL, NULL, HOSTILE_WIRE_CUT };
  TestCollector out;
  guint i, ranged = 0;

  hostile_server_set_validators (server, etag, last_modified);
  hostile_server_set_hook (server, HOSTILE_ROUTE_CONTENT, splice_hook, &s);
  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);

  requests = hostile_server_get_requests (server);
  for (i = 0; i < requests->len; i++) {
    HostileRequest *r = g_ptr_array_index (requests, i);

    if (r->route != HOSTILE_ROUTE_CONTENT || r->range == NULL)
      continue;
    ranged++;
    fail_unless (r->if_range != NULL, "resumed with %s but no If-Range",
        r->range);
    fail_unless_equals_string (r->if_range, want);
  }
  fail_unless (ranged >= 1, "the download was not resumed");

  test_run_assert_eos (run);
  fail_unless (hostile_test_same_bytes (out.bytes, clip_a));
  test_collector_clear (&out);
}

GST_START_TEST (test_resume_if_range_etag)
{
  assert_if_range (TRUE, TRUE);
}

GST_END_TEST;

GST_START_TEST (test_resume_if_range_last_modified)
{
  assert_if_range (FALSE, TRUE);
}

GST_END_TEST;

/* f. A body without Content-Length, not chunked, that stops when the
 * connection closes: its end proves nothing. */
GST_START_TEST (test_body_end_unproven)
{
  Splice s = { NULL, NULL, HOSTILE_WIRE_UNTIL_CLOSE };

  assert_never_spliced (&s);
}

GST_END_TEST;

/* Class 3: every wait is bounded */

/* Every answer on the route it is set for goes out one byte a second (the
 * whole answer, or its body only). */
static void
trickle_hook (HostileServer * server, const HostileRequest * r,
    HostileAnswer * answer, gpointer data)
{
  g_autofree gchar *padding = g_strnfill (PADDING_LEN, 'x');

  soup_message_headers_replace (answer->headers, "X-Padding", padding);
  answer->wire = GPOINTER_TO_INT (data);
  answer->interval_ms = 1000;
}

/* g. timeout=5 and a service that answers one byte a second: an error,
 * well before the 40 s (the element used to wait for as long as a byte
 * came within its 60 s I/O timeout: for ever). */
static void
assert_trickle_fails (HostileRoute route, HostileWire wire)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autoptr (GstElement) pipeline =
      hostile_test_pipeline_new (server, PIPELINE, PROMPT);
  g_autoptr (TestRun) run = NULL;

  g_object_set (test_pipeline_get (pipeline, "src"), "timeout", 5, NULL);
  /* A task the element finds some other way than the create's answer
   * never completes either. */
  if (route == HOSTILE_ROUTE_CREATE)
    hostile_server_set_polls (server, G_MAXUINT);
  hostile_server_set_hook (server, route, trickle_hook,
      GINT_TO_POINTER (wire));
  run = test_run (pipeline, 40);
  fail_if (run->timed_out, "still running after %u s", test_timeout (40));
  fail_unless (hostile_server_count (server, route, NULL) >= 1);
  fail_unless (GST_MESSAGE_TYPE (run->last) == GST_MESSAGE_ERROR,
      "EOS from a service that never finished an answer");
}

GST_START_TEST (test_trickled_create_times_out)
{
  assert_trickle_fails (HOSTILE_ROUTE_CREATE, HOSTILE_WIRE_TRICKLE);
}

GST_END_TEST;

GST_START_TEST (test_trickled_poll_times_out)
{
  assert_trickle_fails (HOSTILE_ROUTE_RETRIEVE, HOSTILE_WIRE_TRICKLE);
}

GST_END_TEST;

GST_START_TEST (test_trickled_content_times_out)
{
  assert_trickle_fails (HOSTILE_ROUTE_CONTENT, HOSTILE_WIRE_TRICKLE_BODY);
}

GST_END_TEST;

/* h. delete-remote with a DELETE answered one byte a second: the clip
 * plays to EOS all the same, with a warning. */
GST_START_TEST (test_trickled_delete_still_eos)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autoptr (GstElement) pipeline = hostile_test_pipeline_new (server,
      "apigovideosrc name=src delete-remote=true ! fakesink name=sink",
      PROMPT);
  g_autoptr (TestRun) run = NULL;
  g_autofree gchar *id = NULL;
  TestCollector out;

  hostile_server_set_hook (server, HOSTILE_ROUTE_DELETE, trickle_hook,
      GINT_TO_POINTER (HOSTILE_WIRE_TRICKLE));
  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 30);
  fail_if (run->timed_out, "no EOS after %u s", test_timeout (30));
  test_run_assert_eos (run);
  fail_unless (hostile_test_same_bytes (out.bytes, clip_a));
  fail_unless (hostile_server_count (server, HOSTILE_ROUTE_DELETE, NULL) >=
      1);
  id = hostile_server_dup_last_id (server);
  fail_unless (test_run_saw (run, GST_MESSAGE_WARNING, id),
      "no warning that %s was not deleted", id);
  test_collector_clear (&out);
}

GST_END_TEST;

/* i. Stopping from another thread while an answer is stalled. */

typedef struct
{
  GstElement *pipeline;
  GMutex lock;
  GCond cond;
  gboolean done;
  GstStateChangeReturn result;
  gint64 took_us;
} Stopper;

static gpointer
stop_pipeline (gpointer data)
{
  Stopper *s = data;
  gint64 t0 = g_get_monotonic_time ();
  GstStateChangeReturn result = gst_element_set_state (s->pipeline,
      GST_STATE_NULL);

  g_mutex_lock (&s->lock);
  s->result = result;
  s->took_us = g_get_monotonic_time () - t0;
  s->done = TRUE;
  g_cond_broadcast (&s->cond);
  g_mutex_unlock (&s->lock);
  return NULL;
}

/* The bound tells "returned" from "waited for the service", which here
 * would never answer; the time is printed for the record. */
static void
assert_stops_promptly (GstElement * pipeline, const gchar * what)
{
  /* Left behind if the stop hangs: the thread still uses it. */
  Stopper *s = g_new0 (Stopper, 1);
  gint64 until = g_get_monotonic_time () +
      test_timeout (10) * G_TIME_SPAN_SECOND;
  GThread *thread;
  gboolean done;

  s->pipeline = pipeline;
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  thread = g_thread_new ("stopper", stop_pipeline, s);

  g_mutex_lock (&s->lock);
  while (!s->done)
    if (!g_cond_wait_until (&s->cond, &s->lock, until))
      break;
  done = s->done;
  g_mutex_unlock (&s->lock);
  fail_unless (done, "set_state (NULL) still blocked after %u s while %s",
      test_timeout (10), what);

  g_thread_join (thread);
  g_print ("set_state (NULL) while %s returned after %.3f s\n", what,
      s->took_us / 1e6);
  fail_unless_equals_int (s->result, GST_STATE_CHANGE_SUCCESS);
  fail_unless (s->took_us < test_timeout (5) * G_TIME_SPAN_SECOND,
      "set_state (NULL) while %s took %.3f s", what, s->took_us / 1e6);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
  g_free (s);
}

static void
stall_hook (HostileServer * server, const HostileRequest * r,
    HostileAnswer * answer, gpointer data)
{
  answer->wire = GPOINTER_TO_INT (data);
  answer->cut_after = CUT_AT;
}

static void
assert_stall_stops (HostileRoute route, HostileWire wire, const gchar * what)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autoptr (GstElement) pipeline =
      hostile_test_pipeline_new (server, PIPELINE, PROMPT);

  hostile_server_set_hook (server, route, stall_hook, GINT_TO_POINTER (wire));
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  test_wait_until (hostile_server_count (server, route, NULL) >= 1, 30);
  g_usleep (300 * 1000);        /* well inside the stalled answer */
  assert_stops_promptly (pipeline, what);
}

GST_START_TEST (test_stop_stalled_create)
{
  assert_stall_stops (HOSTILE_ROUTE_CREATE, HOSTILE_WIRE_STALL,
      "the create is stalled");
}

GST_END_TEST;

GST_START_TEST (test_stop_stalled_poll)
{
  assert_stall_stops (HOSTILE_ROUTE_RETRIEVE, HOSTILE_WIRE_STALL,
      "a poll is stalled");
}

GST_END_TEST;

GST_START_TEST (test_stop_stalled_content)
{
  assert_stall_stops (HOSTILE_ROUTE_CONTENT, HOSTILE_WIRE_STALL_BODY,
      "the content body is stalled");
}

GST_END_TEST;

/* Class 5: answers are checked */

#define OTHER_TASK "{\"id\":\"video_other\",\"object\":\"video\"," \
  "\"status\":\"completed\",\"progress\":100,\"created_at\":1700000000," \
  "\"model\":\"sora-2\",\"size\":\"320x180\",\"seconds\":\"1\"," \
  "\"prompt\":\"someone else's\"}"

static void
other_task_hook (HostileServer * server, const HostileRequest * r,
    HostileAnswer * answer, gpointer data)
{
  hostile_answer_replace (answer, 200, "application/json",
      g_bytes_new_static (OTHER_TASK, strlen (OTHER_TASK)));
}

/* j. A poll answered with another task: never download that one. */
GST_START_TEST (test_poll_names_other_task)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autoptr (GstElement) pipeline =
      hostile_test_pipeline_new (server, PIPELINE, PROMPT);
  g_autoptr (TestRun) run = NULL;
  TestCollector out;

  hostile_server_add_task (server, "video_other", "someone else's", clip_b);
  hostile_server_set_hook (server, HOSTILE_ROUTE_RETRIEVE, other_task_hook,
      NULL);
  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);
  fail_unless_equals_int (hostile_server_count (server,
          HOSTILE_ROUTE_CONTENT, "video_other"), 0);
  fail_if (run->timed_out, "neither ended nor failed");
  fail_unless (GST_MESSAGE_TYPE (run->last) == GST_MESSAGE_ERROR,
      "EOS after %u bytes", out.bytes->len);
  test_collector_clear (&out);
}

GST_END_TEST;

/* k. One malformed poll answer among good ones is a passing fault. */
static void
malformed_hook (HostileServer * server, const HostileRequest * r,
    HostileAnswer * answer, gpointer data)
{
  GBytes *(*make) (const gchar * id) = data;

  if (r->index == 1)
    hostile_answer_replace (answer, 200, "application/json",
        make (r->video_id));
}

static GBytes *
invalid_utf8 (const gchar * id)
{
  gchar *text = g_strdup_printf ("{\"id\":\"%s\",\"object\":\"video\","
      "\"status\":\"in_progress\",\"progress\":50,"
      "\"prompt\":\"\xff\xfe\xc3\x28\"}", id);

  return g_bytes_new_take (text, strlen (text));
}

static GBytes *
nested_deep (const gchar * id)
{
  GString *s = g_string_new (NULL);
  guint i;

  g_string_append_printf (s, "{\"id\":\"%s\",\"object\":\"video\","
      "\"status\":\"in_progress\",\"progress\":50,\"x\":", id);
  for (i = 0; i < 10000; i++)
    g_string_append_c (s, '[');
  for (i = 0; i < 10000; i++)
    g_string_append_c (s, ']');
  g_string_append_c (s, '}');
  return g_string_free_to_bytes (s);
}

static GBytes *
huge (const gchar * id)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "{\"id\":\"%s\",\"object\":\"video\","
      "\"status\":\"in_progress\",\"progress\":50,\"padding\":\"", id);
  while (s->len < 5 * 1024 * 1024)
    g_string_append (s, "0123456789abcdef");
  g_string_append (s, "\"}");
  return g_string_free_to_bytes (s);
}

static void
assert_malformed_poll_passes (GBytes * (*make) (const gchar * id))
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autoptr (GstElement) pipeline =
      hostile_test_pipeline_new (server, PIPELINE, PROMPT);
  g_autoptr (TestRun) run = NULL;
  TestCollector out;

  /* in_progress, the malformed one, completed. */
  hostile_server_set_polls (server, 2);
  hostile_server_set_hook (server, HOSTILE_ROUTE_RETRIEVE, malformed_hook,
      make);
  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);
  fail_unless (hostile_test_same_bytes (out.bytes, clip_a));
  fail_unless (hostile_server_count (server, HOSTILE_ROUTE_RETRIEVE,
          NULL) >= 3);
  test_collector_clear (&out);
}

GST_START_TEST (test_poll_invalid_utf8)
{
  assert_malformed_poll_passes (invalid_utf8);
}

GST_END_TEST;

GST_START_TEST (test_poll_deep_json)
{
  assert_malformed_poll_passes (nested_deep);
}

GST_END_TEST;

GST_START_TEST (test_poll_huge_answer)
{
  assert_malformed_poll_passes (huge);
}

GST_END_TEST;

/* Controls: the server is a service the element works with when it
 * behaves; they pass with the original element too. */

GST_START_TEST (test_polite_server_plays)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autoptr (GstElement) pipeline =
      hostile_test_pipeline_new (server, PIPELINE, PROMPT);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  HostileRequest *create;
  TestCollector out;

  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);
  fail_unless (hostile_test_same_bytes (out.bytes, clip_a));

  requests = hostile_server_get_requests (server);
  create = g_ptr_array_index (requests, 0);
  fail_unless_equals_int (create->route, HOSTILE_ROUTE_CREATE);
  fail_unless (create->authorized && create->idempotency_key != NULL);
  fail_unless_equals_int (hostile_server_count (server,
          HOSTILE_ROUTE_CREATE, NULL), 1);
  fail_unless_equals_int (hostile_server_count (server,
          HOSTILE_ROUTE_CONTENT, create->video_id), 1);
  test_collector_clear (&out);
}

GST_END_TEST;

GST_START_TEST (test_polite_cut_resumes)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autoptr (GstElement) pipeline =
      hostile_test_pipeline_new (server, PIPELINE, PROMPT);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  g_autofree gchar *range = g_strdup_printf ("bytes=%d-", CUT_AT);
  Splice s = { NULL, NULL, HOSTILE_WIRE_CUT };
  HostileRequest *last;
  TestCollector out;

  hostile_server_set_hook (server, HOSTILE_ROUTE_CONTENT, splice_hook, &s);
  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);
  fail_unless (hostile_test_same_bytes (out.bytes, clip_a));

  requests = hostile_server_get_requests (server);
  last = g_ptr_array_index (requests, requests->len - 1);
  fail_unless_equals_int (last->route, HOSTILE_ROUTE_CONTENT);
  fail_unless_equals_string (last->range, range);
  fail_unless_equals_int (hostile_server_count (server,
          HOSTILE_ROUTE_CONTENT, NULL), 2);
  test_collector_clear (&out);
}

GST_END_TEST;

/* Slow answers that do finish are waited for (and the server's trickling
 * works). */
static void
slow_hook (HostileServer * server, const HostileRequest * r,
    HostileAnswer * answer, gpointer data)
{
  answer->wire = HOSTILE_WIRE_TRICKLE;
  answer->interval_ms = 2;
}

GST_START_TEST (test_polite_slow_answers)
{
  g_autoptr (HostileServer) server = hostile_test_server_new (clip_a);
  g_autoptr (GstElement) pipeline =
      hostile_test_pipeline_new (server, PIPELINE, PROMPT);
  g_autoptr (TestRun) run = NULL;
  TestCollector out;

  hostile_server_set_hook (server, HOSTILE_ROUTE_CREATE, slow_hook, NULL);
  hostile_server_set_hook (server, HOSTILE_ROUTE_RETRIEVE, slow_hook, NULL);
  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);
  fail_unless (hostile_test_same_bytes (out.bytes, clip_a));
  test_collector_clear (&out);
}

GST_END_TEST;

static TCase *
tcase_new (Suite * s, const gchar * name, guint timeout)
{
  TCase *tc = tcase_create (name);

  tcase_set_timeout (tc, timeout);
  test_add_fixtures (tc);
  tcase_add_checked_fixture (tc, clips_setup, clips_teardown);
  suite_add_tcase (s, tc);
  return tc;
}

static Suite *
hostile_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-hostile");
  TCase *tc;

  tc = tcase_new (s, "controls", 120);
  tcase_add_test (tc, test_polite_server_plays);
  tcase_add_test (tc, test_polite_cut_resumes);
  tcase_add_test (tc, test_polite_slow_answers);

  tc = tcase_new (s, "resume", 180);
  tcase_add_test (tc, test_resume_other_etag);
  tcase_add_test (tc, test_resume_other_etag_after_bytes_out);
  tcase_add_test (tc, test_resume_200_other_body);
  tcase_add_test (tc, test_resume_206_other_total);
  tcase_add_test (tc, test_resume_206_unknown_total_longer);
  tcase_add_test (tc, test_resume_416_shorter);
  tcase_add_test (tc, test_resume_short_200);
  tcase_add_test (tc, test_resume_if_range_etag);
  tcase_add_test (tc, test_resume_if_range_last_modified);
  tcase_add_test (tc, test_body_end_unproven);

  tc = tcase_new (s, "bounded", 90);
  tcase_add_test (tc, test_trickled_create_times_out);
  tcase_add_test (tc, test_trickled_poll_times_out);
  tcase_add_test (tc, test_trickled_content_times_out);
  tcase_add_test (tc, test_trickled_delete_still_eos);
  tcase_add_test (tc, test_stop_stalled_create);
  tcase_add_test (tc, test_stop_stalled_poll);
  tcase_add_test (tc, test_stop_stalled_content);

  tc = tcase_new (s, "answers", 120);
  tcase_add_test (tc, test_poll_names_other_task);
  tcase_add_test (tc, test_poll_invalid_utf8);
  tcase_add_test (tc, test_poll_deep_json);
  tcase_add_test (tc, test_poll_huge_answer);
  return s;
}

GST_CHECK_MAIN (hostile);
