/* gst-apigo: the download store
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>

#include "apigo-download.h"
#include "apigo-error.h"

static ApigoDownload *
new_download (void)
{
  g_autoptr (GError) error = NULL;
  ApigoDownload *dl = apigo_download_new (NULL, &error);

  g_assert_no_error (error);
  return dl;
}

GST_START_TEST (test_append_and_read)
{
  g_autoptr (ApigoDownload) dl = new_download ();
  g_autoptr (GError) error = NULL;
  gchar buf[16] = { 0 };

  fail_unless (apigo_download_append (dl, "hello ", 6, &error));
  fail_unless (apigo_download_append (dl, "world", 5, &error));
  fail_unless_equals_uint64 (apigo_download_get_stored (dl), 11);
  fail_if (apigo_download_get_total (dl, NULL));

  fail_unless_equals_int (apigo_download_read (dl, 3, buf, 5, NULL, &error),
      5);
  fail_unless_equals_string (buf, "lo wo");

  apigo_download_finish (dl);
  fail_unless (apigo_download_is_complete (dl));
  memset (buf, 0, sizeof (buf));
  /* At the end: a short read, then nothing. */
  fail_unless_equals_int (apigo_download_read (dl, 8, buf, 10, NULL, &error),
      3);
  fail_unless_equals_string (buf, "rld");
  fail_unless_equals_int (apigo_download_read (dl, 11, buf, 4, NULL, &error),
      0);
  fail_unless_equals_int (apigo_download_read (dl, 500, buf, 4, NULL,
          &error), 0);
  g_assert_no_error (error);
}

GST_END_TEST;

typedef struct
{
  ApigoDownload *dl;
  guint64 offset;
  gsize len;
  GCancellable *cancellable;
  gchar buf[64];
  gssize result;
  GError *error;
} Reader;

static gpointer
reader_thread (gpointer data)
{
  Reader *r = data;

  r->result = apigo_download_read (r->dl, r->offset, r->buf, r->len,
      r->cancellable, &r->error);
  return NULL;
}

static GThread *
start_reader (Reader * r)
{
  return g_thread_new ("reader", reader_thread, r);
}

/* Waits until the reader sits in its wait (bounded by the test timeout). */
static void
wait_blocked (Reader * r)
{
  /* There is no observable "waiting" state; give the thread time to get
   * there.  Correctness does not depend on it: a reader that has not yet
   * waited sees the same state on its first check. */
  g_usleep (20 * G_TIME_SPAN_MILLISECOND);
}

GST_START_TEST (test_reader_waits_for_bytes)
{
  g_autoptr (ApigoDownload) dl = new_download ();
  Reader r = { dl, 4, 6, NULL, {0}, -2, NULL };
  GThread *t;

  t = start_reader (&r);
  wait_blocked (&r);
  fail_unless (apigo_download_append (dl, "0123", 4, NULL));
  wait_blocked (&r);
  /* Bytes 4..9 are not all there: the reader still waits. */
  fail_unless_equals_int (r.result, -2);
  fail_unless (apigo_download_append (dl, "456789AB", 8, NULL));
  g_thread_join (t);

  g_assert_no_error (r.error);
  fail_unless_equals_int (r.result, 6);
  fail_unless (memcmp (r.buf, "456789", 6) == 0);
}

GST_END_TEST;

GST_START_TEST (test_total_clips_reads)
{
  g_autoptr (ApigoDownload) dl = new_download ();
  Reader r = { dl, 2, 10, NULL, {0}, -2, NULL };
  GThread *t;
  guint64 total = 0;

  apigo_download_set_total (dl, 5);
  fail_unless (apigo_download_get_total (dl, &total));
  fail_unless_equals_uint64 (total, 5);

  t = start_reader (&r);
  fail_unless (apigo_download_append (dl, "ab", 2, NULL));
  fail_unless (apigo_download_append (dl, "cde", 3, NULL));
  /* The read ends at the known total, before the download is finished. */
  g_thread_join (t);
  fail_unless_equals_int (r.result, 3);
  fail_unless (memcmp (r.buf, "cde", 3) == 0);
  fail_if (apigo_download_is_complete (dl));
}

GST_END_TEST;

GST_START_TEST (test_failure_reaches_waiting_reader)
{
  g_autoptr (ApigoDownload) dl = new_download ();
  g_autoptr (GError) cause = g_error_new (APIGO_ERROR, APIGO_ERROR_NETWORK,
      "cut");
  g_autoptr (GError) error = NULL;
  Reader r = { dl, 0, 20, NULL, {0}, -2, NULL };
  GThread *t;
  gchar buf[4];

  apigo_download_set_total (dl, 100);
  fail_unless (apigo_download_append (dl, "abcd", 4, NULL));
  t = start_reader (&r);
  wait_blocked (&r);
  apigo_download_fail (dl, cause);
  g_thread_join (t);

  fail_unless_equals_int (r.result, -1);
  g_assert_error (r.error, APIGO_ERROR, APIGO_ERROR_NETWORK);
  g_clear_error (&r.error);

  /* What was stored before the failure stays readable. */
  fail_unless_equals_int (apigo_download_read (dl, 0, buf, 4, NULL, &error),
      4);
  g_assert_no_error (error);

  /* Once the failure is forgotten, a new writer can go on. */
  apigo_download_clear_error (dl);
  r.result = -2;
  t = start_reader (&r);
  wait_blocked (&r);
  apigo_download_append (dl, "efghijklmnopqrstuvwxyz", 22, NULL);
  g_thread_join (t);
  fail_unless_equals_int (r.result, 20);
  fail_unless (memcmp (r.buf, "abcdefghijklmnopqrst", 20) == 0);
}

GST_END_TEST;

GST_START_TEST (test_cancel_wakes_reader)
{
  g_autoptr (ApigoDownload) dl = new_download ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  Reader r = { dl, 0, 8, cancellable, {0}, -2, NULL };
  GThread *t;

  t = start_reader (&r);
  wait_blocked (&r);
  g_cancellable_cancel (cancellable);
  g_thread_join (t);

  fail_unless_equals_int (r.result, -1);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);

  /* Already cancelled: returns at once. */
  fail_unless_equals_int (apigo_download_read (dl, 0, r.buf, 8, cancellable,
          &r.error), -1);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
}

GST_END_TEST;

GST_START_TEST (test_reset)
{
  g_autoptr (ApigoDownload) dl = new_download ();
  gchar buf[4] = { 0 };

  apigo_download_append (dl, "old!", 4, NULL);
  apigo_download_finish (dl);
  apigo_download_reset (dl);
  fail_if (apigo_download_is_complete (dl));
  fail_if (apigo_download_get_total (dl, NULL));
  fail_unless_equals_uint64 (apigo_download_get_stored (dl), 0);

  apigo_download_append (dl, "new", 3, NULL);
  apigo_download_finish (dl);
  fail_unless_equals_int (apigo_download_read (dl, 0, buf, 4, NULL, NULL), 3);
  fail_unless_equals_string (buf, "new");
}

GST_END_TEST;

GST_START_TEST (test_unusable_directory)
{
  g_autoptr (GError) error = NULL;
  ApigoDownload *dl = apigo_download_new ("/nonexistent/apigo", &error);

  fail_unless (dl == NULL);
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE);
  fail_unless (strstr (error->message, "/nonexistent/apigo") != NULL);
}

GST_END_TEST;

typedef struct
{
  ApigoDownload *dl;
  const guint8 *data;
  gsize size;
} Writer;

/* Appends in odd-sized pieces, as a network would deliver them. */
static gpointer
writer_thread (gpointer user_data)
{
  Writer *w = user_data;
  gsize off = 0;

  while (off < w->size) {
    gsize n = MIN (w->size - off, 7919);

    fail_unless (apigo_download_append (w->dl, w->data + off, n, NULL));
    off += n;
  }
  apigo_download_finish (w->dl);
  return NULL;
}

/* A large clip, written in pieces by one thread, read concurrently in other
 * pieces by another, arrives byte for byte. */
GST_START_TEST (test_concurrent_large)
{
  g_autoptr (ApigoDownload) dl = new_download ();
  const gsize size = 4 * 1024 * 1024 + 123;
  g_autofree guint8 *data = g_malloc (size);
  g_autofree guint8 *back = g_malloc (size);
  Writer w = { dl, data, size };
  gsize i, done = 0;
  GThread *t;

  for (i = 0; i < size; i++)
    data[i] = (guint8) ((i * 2654435761u) >> 13);

  t = g_thread_new ("writer", writer_thread, &w);
  while (done < size) {
    gssize n = apigo_download_read (dl, done, back + done, 65536, NULL,
        NULL);

    fail_unless (n > 0);
    done += n;
  }
  g_thread_join (t);
  fail_unless (memcmp (data, back, size) == 0);
}

GST_END_TEST;

static Suite *
download_suite (void)
{
  Suite *s = suite_create ("apigo-download");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_append_and_read);
  tcase_add_test (tc, test_reader_waits_for_bytes);
  tcase_add_test (tc, test_total_clips_reads);
  tcase_add_test (tc, test_failure_reaches_waiting_reader);
  tcase_add_test (tc, test_cancel_wakes_reader);
  tcase_add_test (tc, test_reset);
  tcase_add_test (tc, test_unusable_directory);
  tcase_add_test (tc, test_concurrent_large);
  return s;
}

GST_CHECK_MAIN (download);
