/* gst-apigo: gst-launch-1.0 plays while the clip downloads, says little,
 * and stops at once
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#include <gio/gio.h>
#include <signal.h>
#include <string.h>

/* One line gst-launch-1.0 wrote (stdout and stderr), as the test read it. */
typedef struct
{
  gchar *text;
  guint completed;              /* downloads the emulator had completed */
} Line;

/* gst-launch-1.0 as a user runs it, its output read as it comes. */
typedef struct
{
  GSubprocess *proc;
  GThread *reader;
  ApigoEmulator *emu;
  GMutex lock;
  GCond changed;
  GPtrArray *lines;             /* of Line */
  gint64 ended_at;              /* its output closed (it exited): monotonic */
} Launch;

static void
line_free (Line * l)
{
  g_free (l->text);
  g_free (l);
}

static gpointer
read_lines (gpointer data)
{
  Launch *l = data;
  g_autoptr (GDataInputStream) in =
      g_data_input_stream_new (g_subprocess_get_stdout_pipe (l->proc));
  gchar *text;

  while ((text = g_data_input_stream_read_line_utf8 (in, NULL, NULL,
              NULL)) != NULL) {
    Line *line = g_new0 (Line, 1);

    line->text = text;
    line->completed = apigo_emulator_count_completed_downloads (l->emu);
    g_mutex_lock (&l->lock);
    g_ptr_array_add (l->lines, line);
    g_cond_broadcast (&l->changed);
    g_mutex_unlock (&l->lock);
  }
  g_mutex_lock (&l->lock);
  l->ended_at = g_get_monotonic_time ();
  g_cond_broadcast (&l->changed);
  g_mutex_unlock (&l->lock);
  return NULL;
}

/* gst-launch-1.0 -e --force-position apigovideosrc (@prompt at @size for
 * @seconds, from @emu, in the test's cache) ! @tail.  --force-position
 * prints the position every 100 ms, also into a pipe. */
static void
launch_start (Launch * l, ApigoEmulator * emu, const gchar * prompt,
    const gchar * size, guint seconds, const gchar * tail)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
      G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) tail_args = NULL;
  guint i;

  fail_unless (g_shell_parse_argv (tail, NULL, &tail_args, NULL));
  g_ptr_array_add (argv, g_strdup ("gst-launch-1.0"));
  g_ptr_array_add (argv, g_strdup ("-e"));
  g_ptr_array_add (argv, g_strdup ("--force-position"));
  g_ptr_array_add (argv, g_strdup ("apigovideosrc"));
  g_ptr_array_add (argv, g_strdup_printf ("prompt=%s", prompt));
  g_ptr_array_add (argv, g_strdup_printf ("base-url=%s",
          apigo_emulator_get_base_url (emu)));
  g_ptr_array_add (argv, g_strdup_printf ("cache-dir=%s/cache",
          test_tmp_dir ()));
  g_ptr_array_add (argv, g_strdup_printf ("size=%s", size));
  g_ptr_array_add (argv, g_strdup_printf ("seconds=%u", seconds));
  g_ptr_array_add (argv, g_strdup ("poll-interval=100"));
  g_ptr_array_add (argv, g_strdup ("!"));
  for (i = 0; tail_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (tail_args[i]));
  g_ptr_array_add (argv, NULL);

  memset (l, 0, sizeof (*l));
  g_mutex_init (&l->lock);
  g_cond_init (&l->changed);
  /* The reader asks it: alive as long as the reader, even after a failed
   * check (without fork, it leaves the test at once). */
  l->emu = g_object_ref (emu);
  l->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) line_free);
  g_subprocess_launcher_setenv (launcher, "APIGO_API_KEY", TEST_API_KEY,
      TRUE);
  l->proc = g_subprocess_launcher_spawnv (launcher,
      (const gchar * const *) argv->pdata, &error);
  fail_unless (l->proc != NULL, "%s", error ? error->message : "");
  l->reader = g_thread_new ("launch-output", read_lines, l);
}

static gboolean
is_position (const gchar * text)
{
  return g_regex_match_simple ("^\\d+:\\d\\d:\\d\\d\\.\\d / ", text, 0,
      0);
}

/* What it wrote so far but the positions, its last 3000 bytes at most:
 * the check framework limits failure messages. */
static gchar *
launch_output (Launch * l)
{
  GString *out = g_string_new (NULL);
  guint i;

  g_mutex_lock (&l->lock);
  for (i = 0; i < l->lines->len; i++) {
    const gchar *text = ((Line *) g_ptr_array_index (l->lines, i))->text;

    if (!is_position (text))
      g_string_append_printf (out, "%s\n", text);
  }
  g_mutex_unlock (&l->lock);
  if (out->len > 3000)
    g_string_erase (out, 0, out->len - 3000);
  return g_string_free (out, FALSE);
}

typedef gboolean (*LineMatch) (const gchar * text, gconstpointer data);

static gboolean
starts_with (const gchar * text, gconstpointer prefix)
{
  return g_str_has_prefix (text, prefix);
}

/* A position line, "0:00:01.2 / 0:00:20.0 (6.0 %)", past the first
 * frame: frames are being played. */
static gboolean
is_playing_position (const gchar * text, gconstpointer unused)
{
  return is_position (text) && !g_str_has_prefix (text, "0:00:00.0 ");
}

/* Waits (bounded) for the first line @match accepts: a copy of it. */
static Line
launch_wait_line (Launch * l, LineMatch match, gconstpointer data,
    guint timeout_s)
{
  gint64 end = g_get_monotonic_time () + test_timeout (timeout_s) *
      G_TIME_SPAN_SECOND;
  Line found = { NULL, 0 };
  guint i = 0;

  g_mutex_lock (&l->lock);
  for (;;) {
    for (; i < l->lines->len && found.text == NULL; i++) {
      Line *line = g_ptr_array_index (l->lines, i);

      if (match (line->text, data)) {
        found.text = g_strdup (line->text);
        found.completed = line->completed;
      }
    }
    if (found.text != NULL || l->ended_at != 0
        || !g_cond_wait_until (&l->changed, &l->lock, end))
      break;
  }
  g_mutex_unlock (&l->lock);
  if (found.text == NULL) {
    g_autofree gchar *out = launch_output (l);

    fail ("gst-launch-1.0 never printed the line waited for:\n%s", out);
  }
  return found;
}

/* Waits (bounded) until it exited: when its output closed.  Kills it if it
 * does not. */
static gint64
launch_wait_end (Launch * l, guint timeout_s)
{
  gint64 end = g_get_monotonic_time () + test_timeout (timeout_s) *
      G_TIME_SPAN_SECOND;
  gint64 ended_at;

  g_mutex_lock (&l->lock);
  while (l->ended_at == 0 && g_cond_wait_until (&l->changed, &l->lock, end));
  ended_at = l->ended_at;
  g_mutex_unlock (&l->lock);
  if (ended_at == 0) {
    g_autofree gchar *out = launch_output (l);

    g_subprocess_force_exit (l->proc);
    fail ("gst-launch-1.0 did not end within %u s:\n%s",
        test_timeout (timeout_s), out);
  }
  g_subprocess_wait (l->proc, NULL, NULL);
  return ended_at;
}

static guint
launch_count (Launch * l, const gchar * words)
{
  guint i, n = 0;

  g_mutex_lock (&l->lock);
  for (i = 0; i < l->lines->len; i++)
    n += strstr (((Line *) g_ptr_array_index (l->lines, i))->text,
        words) != NULL;
  g_mutex_unlock (&l->lock);
  return n;
}

/* Ctrl-C: gst-launch-1.0 -e sends EOS and waits for it to come out.
 * Returns the seconds from the signal to its exit. */
static gdouble
launch_interrupt (Launch * l, guint timeout_s)
{
  gint64 t0 = g_get_monotonic_time ();

  g_subprocess_send_signal (l->proc, SIGINT);
  return (launch_wait_end (l, timeout_s) - t0) / (gdouble) G_TIME_SPAN_SECOND;
}

static void
launch_clear (Launch * l)
{
  if (l->proc != NULL && l->ended_at == 0)
    g_subprocess_force_exit (l->proc);
  if (l->reader != NULL)
    g_thread_join (l->reader);
  g_clear_object (&l->proc);
  g_object_unref (l->emu);
  g_ptr_array_unref (l->lines);
  g_mutex_clear (&l->lock);
  g_cond_clear (&l->changed);
}

/* The README's promise, as the issue tried it: a 2 MB/s download of a
 * faststart clip of a few MB plays (gst-launch-1.0 sets PLAYING and frames
 * reach the sink) while the download is still under way; the console gets
 * a few progress lines, not one per percent; Ctrl-C with -e while it
 * plays ends it at once with EOS.  Under valgrind (the emulator renders
 * in this process) a smaller clip comes slower; decodebin's typefinding
 * reads its first hundred kB or so before anything plays. */
GST_START_TEST (test_plays_while_downloading)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  gboolean slow = test_timeout (1) > 1;
  guint64 throttle = slow ? 50000 : 2000000;
  g_autoptr (GPtrArray) requests = NULL;
  g_autoptr (GBytes) content = NULL;
  g_autofree gchar *out = NULL;
  Line playing, frames;
  gdouble took;
  Launch l;
  guint i;

  g_object_set (emu, "throttle", throttle, NULL);
  launch_start (&l, emu, "plays while it downloads",
      slow ? "320x180" : "1280x720", slow ? 30 : 20,
      "decodebin ! fakesink sync=true");

  playing = launch_wait_line (&l, starts_with, "Setting pipeline to PLAYING",
      120);
  frames = launch_wait_line (&l, is_playing_position, NULL, 60);
  test_wait_until (apigo_emulator_count_completed_downloads (emu) == 1, 60);
  out = launch_output (&l);
  fail_unless_equals_int (playing.completed, 0);
  fail_unless (frames.completed == 0, "\"%s\" came after the download: %s",
      frames.text, out);

  /* The download took seconds: there was time to wait for it. */
  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len && content == NULL; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CREATE && r->video_id != NULL)
      content = apigo_emulator_get_content (emu, r->video_id);
  }
  fail_unless (content != NULL);
  fail_unless (g_bytes_get_size (content) > 2 * throttle,
      "a clip of %" G_GSIZE_FORMAT " bytes downloads too fast to tell",
      g_bytes_get_size (content));

  /* Ctrl-C while it plays. */
  took = launch_interrupt (&l, 10);
  g_print ("gst-launch-1.0 -e ended %.3f s after SIGINT while playing\n",
      took);
  g_free (out);
  out = launch_output (&l);
  fail_unless (launch_count (&l, "Got EOS") == 1, "%s", out);
  fail_unless (launch_count (&l, "waiting for progress") == 0, "%s", out);

  /* At most one line per ten percent of the download (there are two:
   * its start, and that it streams), and a few for the generation. */
  fail_unless (launch_count (&l, "Progress: (download)") <= 10, "%s", out);
  fail_unless (launch_count (&l, "Progress:") <= 20, "%s", out);
  g_free (playing.text);
  g_free (frames.text);
  launch_clear (&l);
}

GST_END_TEST;

/* A clip played again from the cache: one line says so, and nothing is
 * generated or downloaded. */
GST_START_TEST (test_replay_one_line)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *out = NULL;
  Launch l;

  launch_start (&l, emu, "once more", "320x180", 1, "decodebin ! fakesink");
  launch_wait_end (&l, 60);
  launch_clear (&l);

  launch_start (&l, emu, "once more", "320x180", 1, "decodebin ! fakesink");
  launch_wait_end (&l, 60);
  out = launch_output (&l);
  fail_unless (launch_count (&l, "Got EOS") == 1, "%s", out);
  fail_unless_equals_int (launch_count (&l, "from the cache"), 1);
  fail_unless_equals_int (launch_count (&l, "Progress: (generate)"), 0);
  fail_unless_equals_int (launch_count (&l, "Progress: (download)"), 0);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 1);
  fail_unless_equals_int (apigo_emulator_count_completed_downloads (emu), 1);
  launch_clear (&l);
}

GST_END_TEST;

/* Ctrl-C with -e while the clip downloads, once the pipeline could
 * preroll: gst-launch-1.0 used to wait in PAUSED for the download's
 * progress to finish, the whole download (here, a minute). */
GST_START_TEST (test_interrupt_while_downloading)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *out = NULL;
  gdouble took;
  Launch l;

  /* 2 KiB a second: the first frame in seconds, the clip in a minute.
   * qtdemux reads the moov, then the frames; decodebin's typefinding
   * would read the first hundred kB. */
  g_object_set (emu, "throttle", (guint64) 2048, NULL);
  launch_start (&l, emu, "cut short", "320x180", 4,
      "qtdemux ! fakesink sync=true");
  g_free (launch_wait_line (&l, starts_with, "Pipeline is PREROLLED",
          60).text);
  took = launch_interrupt (&l, 10);
  g_print ("gst-launch-1.0 -e ended %.3f s after SIGINT while downloading\n",
      took);
  out = launch_output (&l);
  fail_unless (launch_count (&l, "Got EOS") == 1, "%s", out);
  fail_unless_equals_int (apigo_emulator_count_completed_downloads (emu), 0);
  launch_clear (&l);
}

GST_END_TEST;

/* Ctrl-C with -e while the service generates, saving the clip as the
 * quickstart does: the EOS prerolls the sink at once, and gst-launch-1.0
 * used to wait in PAUSED for the generation's progress to finish. */
GST_START_TEST (test_interrupt_while_generating)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *tail = g_strdup_printf ("filesink location=%s/out.mp4",
      test_tmp_dir ());
  g_autofree gchar *out = NULL;
  gdouble took;
  Launch l;

  g_object_set (emu, "generation-time", 600.0, NULL);
  launch_start (&l, emu, "never ready", "320x180", 1, tail);
  g_free (launch_wait_line (&l, starts_with, "Progress: (generate) video_",
          60).text);
  took = launch_interrupt (&l, 10);
  g_print ("gst-launch-1.0 -e ended %.3f s after SIGINT while generating\n",
      took);
  out = launch_output (&l);
  fail_unless (launch_count (&l, "Got EOS") == 1, "%s", out);
  launch_clear (&l);
}

GST_END_TEST;

static Suite *
launch_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-launch");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 240);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_plays_while_downloading);
  tcase_add_test (tc, test_replay_one_line);
  tcase_add_test (tc, test_interrupt_while_downloading);
  tcase_add_test (tc, test_interrupt_while_generating);
  return s;
}

GST_CHECK_MAIN (launch);
