/* gst-apigo: helpers shared by the element suites
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_TEST_UTIL_H__
#define __APIGO_TEST_UTIL_H__

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "apigo-emulator.h"

G_BEGIN_DECLS

#define TEST_API_KEY "sk-test-0123456789-never-shown"

/* An emulator on 127.0.0.1 that accepts only TEST_API_KEY, renders small
 * clips without audio (any size allowed) and generates in a fraction of a
 * second.  Rendered clips are shared between tests through the directory
 * in APIGO_TEST_CLIP_CACHE. */
ApigoEmulator *test_emulator_new (void);
/* The same speaking @dialect ("openai", "azure": its "dialect"
 * property, which must be set before it starts). */
ApigoEmulator *test_emulator_new_dialect (const gchar * dialect);

/* A directory of this test's own, removed when it ends (see
 * test_add_fixtures()). */
const gchar *test_tmp_dir (void);
/* The fixtures every element suite needs: call on each TCase. */
void test_add_fixtures (TCase * tc);

/* Points an apigovideosrc at @emu: 320x180, 1 second, @prompt (if not
 * NULL), fast polling, a cache directory of the test's own. */
void test_source_configure (GstElement * src, ApigoEmulator * emu,
    const gchar * prompt);
GstElement *test_source_new (ApigoEmulator * emu, const gchar * prompt);

/* gst_parse_launch (@description), with the element named "src"
 * configured as by test_source_configure(). */
GstElement *test_pipeline_new (ApigoEmulator * emu, const gchar * prompt,
    const gchar * description);
GstElement *test_pipeline_get (GstElement * pipeline, const gchar * name);

/* The result of running a pipeline until EOS or an error. */
typedef struct
{
  GPtrArray *messages;          /* every bus message, in order */
  GstMessage *last;             /* the EOS or ERROR that ended it, or NULL */
  gboolean timed_out;
} TestRun;

/* @seconds, scaled by CK_TIMEOUT_MULTIPLIER (as under valgrind). */
guint test_timeout (guint seconds);

/* Plays @pipeline until EOS or ERROR (at most @timeout_s seconds), then
 * sets it to NULL. */
TestRun *test_run (GstElement * pipeline, guint timeout_s);
void test_run_free (TestRun * run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestRun, test_run_free)

/* Asserts @run ended with EOS, failing with the error text otherwise. */
void test_run_assert_eos (TestRun * run);
/* Asserts @run ended with an ERROR of @domain/@code whose text holds
 * @words; returns that message. */
GstMessage *test_run_assert_error (TestRun * run, GQuark domain, gint code,
    const gchar * words);

/* Plays @pipeline (an apigovideosrc "src" into a fakesink "sink") to EOS,
 * failing the test otherwise; returns the bytes out and, if @id is not
 * NULL, the task the source played. */
GByteArray *test_play (GstElement * pipeline, gchar ** id);

/* Whether @run saw a message of @type; with @words, an ERROR or WARNING
 * whose text holds them. */
gboolean test_run_saw (TestRun * run, GstMessageType type,
    const gchar * words);

/* Waits (bounded) until @cond (polled every 10 ms) holds. */
#define test_wait_until(cond, timeout_s) G_STMT_START {                   \
  gint64 _end = g_get_monotonic_time () +                                  \
      test_timeout (timeout_s) * G_TIME_SPAN_SECOND;                       \
  while (!(cond)) {                                                        \
    fail_unless (g_get_monotonic_time () < _end,                           \
        "waited %d s for: %s", (gint) (timeout_s), #cond);                 \
    g_usleep (10 * 1000);                                                  \
  }                                                                        \
} G_STMT_END

/* The bytes of a whole buffer list / sample stream gathered by a sink. */
typedef struct
{
  GByteArray *bytes;
  guint buffers;
  GstCaps *caps;
  gint64 first_buffer_time;     /* monotonic, 0 before any */
} TestCollector;

/* Connects a fakesink's handoff signal to @collector (bytes off when
 * @keep_bytes is FALSE: only counts). */
void test_collect (GstElement * fakesink, TestCollector * collector,
    gboolean keep_bytes);
void test_collector_clear (TestCollector * collector);

/* Creates the service answered 2xx for: the tasks it made (and billed),
 * as @emu's request log shows them, plus those made behind a dropped
 * answer. */
guint test_tasks_made (ApigoEmulator * emu);
/* Copies of the requests @emu saw on @route, in order. */
GPtrArray *test_requests_on (ApigoEmulator * emu, ApigoEmulatorRoute route);

/* Asserts @emu made (and billed) exactly one task; returns its id. */
gchar *test_only_task (ApigoEmulator * emu);

/* A white PNG of @width x @height, made by GStreamer in the test's
 * directory; returns its path. */
gchar *test_make_png (guint width, guint height);

/* Asserts @data is, byte for byte, @expected. */
void test_assert_same_bytes (GBytes * expected, const guint8 * data,
    gsize len);
/* Asserts @data is, byte for byte, the clip @emu served for task @id. */
void test_assert_served (ApigoEmulator * emu, const gchar * id,
    const guint8 * data, gsize len);

G_END_DECLS

#endif
