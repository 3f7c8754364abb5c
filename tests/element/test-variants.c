/* gst-apigo: a video's thumbnail and sprite sheet come from its own task;
 * delete-remote deletes it once, replays included
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"

static guint
count (ApigoEmulator * emu, ApigoEmulatorRoute route)
{
  return apigo_emulator_count_requests (emu, route, NULL);
}

/* @variant of @prompt; its bytes gathered into @out, if not NULL. */
static GstElement *
variant_pipeline (ApigoEmulator * emu, const gchar * prompt,
    const gchar * variant, TestCollector * out)
{
  GstElement *pipeline = test_pipeline_new (emu, prompt, FILE_PIPELINE);

  gst_util_set_object_arg (G_OBJECT (test_pipeline_get (pipeline, "src")),
      "variant", variant);
  if (out != NULL)
    test_collect (test_pipeline_get (pipeline, "sink"), out, TRUE);
  return pipeline;
}

/* Plays @variant of @prompt to EOS; returns its bytes and its task. */
static GByteArray *
play (ApigoEmulator * emu, const gchar * prompt, const gchar * variant,
    gboolean delete_remote, gchar ** id)
{
  g_autoptr (GstElement) pipeline = variant_pipeline (emu, prompt, variant,
      NULL);

  g_object_set (test_pipeline_get (pipeline, "src"), "delete-remote",
      delete_remote, NULL);
  return test_play (pipeline, id);
}

static void
assert_jpeg (GByteArray * bytes)
{
  fail_unless (bytes->len > 3 && bytes->data[0] == 0xff
      && bytes->data[1] == 0xd8 && bytes->data[2] == 0xff, "not a JPEG");
}

/* The content requests @emu saw, as "ID?QUERY" (QUERY empty for the
 * video). */
static GPtrArray *
content_requests (ApigoEmulator * emu)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  GPtrArray *said = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CONTENT)
      g_ptr_array_add (said, g_strdup_printf ("%s?%s", r->video_id,
              r->query ? r->query : ""));
  }
  return said;
}

static gboolean
saw (GPtrArray * requests, const gchar * id, const gchar * query)
{
  g_autofree gchar *want = g_strdup_printf ("%s?%s", id, query);
  guint i;

  for (i = 0; i < requests->len; i++)
    if (g_str_equal (g_ptr_array_index (requests, i), want))
      return TRUE;
  return FALSE;
}

/* How many files of the cache's clips end in @suffix. */
static guint
kept_files (const gchar * suffix)
{
  g_autofree gchar *clips = g_build_filename (test_tmp_dir (), "cache",
      "clips", NULL);
  g_autoptr (GDir) dir = g_dir_open (clips, 0, NULL);
  const gchar *name;
  guint n = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    n += g_str_has_suffix (name, suffix);
  return n;
}

/* The thumbnail and the sprite sheet of a video generated before come from
 * its task: one create in all; each is kept under its own name, the images
 * as .jpg. */
GST_START_TEST (test_images_after_video)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GByteArray) video = NULL;
  g_autoptr (GByteArray) thumbnail = NULL;
  g_autoptr (GByteArray) sheet = NULL;
  g_autoptr (GPtrArray) asked = NULL;
  g_autofree gchar *id = NULL, *thumb_id = NULL, *sheet_id = NULL;

  video = play (emu, "one task, three files", "video", FALSE, &id);
  thumbnail = play (emu, "one task, three files", "thumbnail", FALSE,
      &thumb_id);
  sheet = play (emu, "one task, three files", "spritesheet", FALSE,
      &sheet_id);

  fail_unless_equals_int (count (emu, APIGO_EMULATOR_ROUTE_CREATE), 1);
  fail_unless_equals_string (thumb_id, id);
  fail_unless_equals_string (sheet_id, id);
  test_assert_served (emu, id, video->data, video->len);
  assert_jpeg (thumbnail);
  assert_jpeg (sheet);
  asked = content_requests (emu);
  fail_unless_equals_int (asked->len, 3);
  fail_unless (saw (asked, id, ""));
  fail_unless (saw (asked, id, "variant=thumbnail"));
  fail_unless (saw (asked, id, "variant=spritesheet"));
  fail_unless_equals_int (kept_files (".mp4"), 1);
  fail_unless_equals_int (kept_files (".jpg"), 2);
}

GST_END_TEST;

/* Asked for first, the thumbnail makes the task; the video then comes from
 * it. */
GST_START_TEST (test_video_after_thumbnail)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GByteArray) thumbnail = NULL;
  g_autoptr (GByteArray) video = NULL;
  g_autofree gchar *id = NULL, *video_id = NULL;

  thumbnail = play (emu, "thumbnail first", "thumbnail", FALSE, &id);
  video = play (emu, "thumbnail first", "video", FALSE, &video_id);
  fail_unless_equals_int (count (emu, APIGO_EMULATOR_ROUTE_CREATE), 1);
  fail_unless_equals_string (video_id, id);
  assert_jpeg (thumbnail);
  test_assert_served (emu, id, video->data, video->len);
}

GST_END_TEST;

/* A thumbnail asked for while its video is still generating (another
 * element, the same cache) waits for that task rather than paying for a
 * second one. */
GST_START_TEST (test_thumbnail_while_generating)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) video = NULL;
  g_autoptr (GstElement) thumbnail = NULL;
  g_autoptr (TestRun) thumbnail_run = NULL;
  g_autoptr (TestRun) video_run = NULL;
  g_autoptr (GPtrArray) asked = NULL;
  g_autofree gchar *id = NULL, *thumb_id = NULL;
  TestCollector video_out, thumb_out;

  g_object_set (emu, "generation-time", 2.0, NULL);
  video = variant_pipeline (emu, "still generating", "video", &video_out);
  thumbnail = variant_pipeline (emu, "still generating", "thumbnail",
      &thumb_out);
  gst_element_set_state (video, GST_STATE_PLAYING);
  test_wait_until (count (emu, APIGO_EMULATOR_ROUTE_CREATE) == 1, 30);
  test_wait_until (count (emu, APIGO_EMULATOR_ROUTE_RETRIEVE) >= 1, 30);

  thumbnail_run = test_run (thumbnail, 120);
  test_run_assert_eos (thumbnail_run);
  video_run = test_run (video, 120);
  test_run_assert_eos (video_run);

  fail_unless_equals_int (count (emu, APIGO_EMULATOR_ROUTE_CREATE), 1);
  g_object_get (test_pipeline_get (video, "src"), "video-id", &id, NULL);
  g_object_get (test_pipeline_get (thumbnail, "src"), "video-id", &thumb_id,
      NULL);
  fail_unless_equals_string (thumb_id, id);
  assert_jpeg (thumb_out.bytes);
  test_assert_served (emu, id, video_out.bytes->data, video_out.bytes->len);
  asked = content_requests (emu);
  fail_unless (saw (asked, id, "variant=thumbnail"));
  test_collector_clear (&video_out);
  test_collector_clear (&thumb_out);
}

GST_END_TEST;

/* A DELETE for @id: how many the emulator saw. */
static guint
deletes_of (ApigoEmulator * emu, const gchar * id)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  guint i, n = 0;

  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_DELETE)
      n += g_strcmp0 (r->video_id, id) == 0 || g_str_has_suffix (r->path,
          id);
  }
  return n;
}

/* delete-remote=true on a clip played from the cache deletes its task
 * once: the first replay sends one DELETE (and nothing else), the next
 * ones nothing.  A clip made with delete-remote=true is deleted once too,
 * never again by a replay. */
GST_START_TEST (test_delete_remote_on_replay)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GByteArray) first = NULL;
  g_autoptr (GByteArray) replay = NULL;
  g_autoptr (GByteArray) again = NULL;
  g_autoptr (GByteArray) made = NULL;
  g_autoptr (GByteArray) made_again = NULL;
  g_autoptr (GBytes) first_bytes = NULL;
  g_autofree gchar *id = NULL, *replay_id = NULL, *again_id = NULL;
  g_autofree gchar *made_id = NULL, *made_again_id = NULL;

  first = play (emu, "kept, then deleted", "video", FALSE, &id);
  fail_unless_equals_int (deletes_of (emu, id), 0);

  apigo_emulator_clear_requests (emu);
  replay = play (emu, "kept, then deleted", "video", TRUE, &replay_id);
  fail_unless_equals_string (replay_id, id);
  first_bytes = g_bytes_new (first->data, first->len);
  test_assert_same_bytes (first_bytes, replay->data, replay->len);
  fail_unless_equals_int (deletes_of (emu, id), 1);
  fail_unless_equals_int (count (emu, APIGO_EMULATOR_ROUTE_ANY), 1);

  apigo_emulator_clear_requests (emu);
  again = play (emu, "kept, then deleted", "video", TRUE, &again_id);
  fail_unless_equals_string (again_id, id);
  fail_unless_equals_int (count (emu, APIGO_EMULATOR_ROUTE_ANY), 0);

  /* Deleted as it was made: a replay sends nothing. */
  apigo_emulator_clear_requests (emu);
  made = play (emu, "deleted as made", "video", TRUE, &made_id);
  fail_unless_equals_int (deletes_of (emu, made_id), 1);
  apigo_emulator_clear_requests (emu);
  made_again = play (emu, "deleted as made", "video", TRUE, &made_again_id);
  fail_unless_equals_string (made_again_id, made_id);
  fail_unless_equals_int (count (emu, APIGO_EMULATOR_ROUTE_ANY), 0);
}

GST_END_TEST;

/* A video generated by one request and kept plays again by its id alone
 * (apigo://video/ID after gst-apigo generate), from the cache: no request
 * at all, so an expired content URL at the service changes nothing. */
GST_START_TEST (test_attach_replays_kept)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GByteArray) made = NULL;
  g_autoptr (GByteArray) by_id = NULL;
  g_autoptr (GBytes) made_bytes = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autofree gchar *id = NULL, *by_id_id = NULL;

  made = play (emu, "kept, then opened by its id", "video", FALSE, &id);
  apigo_emulator_clear_requests (emu);

  pipeline = test_pipeline_new (emu, NULL, FILE_PIPELINE);
  g_object_set (test_pipeline_get (pipeline, "src"), "video-id", id, NULL);
  by_id = test_play (pipeline, &by_id_id);
  fail_unless_equals_string (by_id_id, id);
  made_bytes = g_bytes_new (made->data, made->len);
  test_assert_same_bytes (made_bytes, by_id->data, by_id->len);
  fail_unless_equals_int (count (emu, APIGO_EMULATOR_ROUTE_ANY), 0);
  /* Played from where it is, not kept twice. */
  fail_unless_equals_int (kept_files (".mp4"), 1);
}

GST_END_TEST;

static Suite *
variants_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-variants");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 180);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_images_after_video);
  tcase_add_test (tc, test_video_after_thumbnail);
  tcase_add_test (tc, test_thumbnail_while_generating);
  tcase_add_test (tc, test_delete_remote_on_replay);
  tcase_add_test (tc, test_attach_replays_kept);
  return s;
}

GST_CHECK_MAIN (variants);
