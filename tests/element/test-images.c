/* gst-apigo: more images than the input reference (a last frame,
 * reference images), as the service sees them
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#include <gst/app/app.h>
#include <json-glib/json-glib.h>

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"

/* A white @width x @height image made by @encoder (pngenc, jpegenc) at
 * @name in the test's directory; its path. */
static gchar *
make_image (const gchar * name, guint width, guint height,
    const gchar * encoder)
{
  gchar *path = g_build_filename (test_tmp_dir (), name, NULL);
  g_autofree gchar *desc = g_strdup_printf ("videotestsrc pattern=white "
      "num-buffers=1 ! video/x-raw,width=%u,height=%u ! %s ! "
      "filesink location=\"%s\"", width, height, encoder, path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (desc, &error);
  g_autoptr (TestRun) run = NULL;

  g_assert_no_error (error);
  run = test_run (pipeline, 30);
  test_run_assert_eos (run);
  return path;
}

static GBytes *
file_bytes (const gchar * path)
{
  gchar *data = NULL;
  gsize len;

  fail_unless (g_file_get_contents (path, &data, &len, NULL), "%s", path);
  return g_bytes_new_take (data, len);
}

/* {"NAME": "PATH", ...} of the NULL-ended name, path pairs. */
static gchar *
images_json (const gchar * name, ...)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  va_list args;

  va_start (args, name);
  json_builder_begin_object (b);
  for (; name != NULL; name = va_arg (args, const gchar *)) {
    json_builder_set_member_name (b, name);
    json_builder_add_string_value (b, va_arg (args, const gchar *));
  }
  json_builder_end_object (b);
  va_end (args);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* The only create @emu saw: a copy. */
static ApigoEmulatorRequest *
only_create (ApigoEmulator * emu)
{
  g_autoptr (GPtrArray) all = apigo_emulator_get_requests (emu);
  ApigoEmulatorRequest *found = NULL;
  guint i;

  for (i = 0; i < all->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (all, i);

    if (r->route != APIGO_EMULATOR_ROUTE_CREATE)
      continue;
    fail_unless (found == NULL, "more than one create");
    found = apigo_emulator_request_copy (r);
  }
  fail_unless (found != NULL, "no create");
  return found;
}

/* How many file parts @r had. */
static guint
n_files (ApigoEmulatorRequest * r)
{
  return r->files != NULL ? r->files->len : 0;
}

/* The file part @name of @r. */
static ApigoEmulatorFile *
part (ApigoEmulatorRequest * r, guint index, const gchar * name)
{
  ApigoEmulatorFile *file;

  fail_unless (r->files != NULL && index < r->files->len,
      "no file part %u", index);
  file = g_ptr_array_index (r->files, index);
  fail_unless_equals_string (file->name, name);
  return file;
}

/* Part @index of @r is the file at @path as it is. */
static void
assert_part (ApigoEmulatorRequest * r, guint index, const gchar * name,
    const gchar * path, const gchar * type)
{
  ApigoEmulatorFile *file = part (r, index, name);
  g_autoptr (GBytes) bytes = file_bytes (path);
  g_autofree gchar *base = g_path_get_basename (path);

  fail_unless_equals_string (file->filename, base);
  fail_unless_equals_string (file->content_type, type);
  fail_unless (g_bytes_equal (file->data, bytes), "%s: other bytes", name);
  /* A file, not a text field. */
  fail_if (g_hash_table_contains (r->form, name));
}

static GstElement *
pipeline_with_images (ApigoEmulator * emu, const gchar * prompt,
    const gchar * images)
{
  GstElement *pipeline = test_pipeline_new (emu, prompt, FILE_PIPELINE);

  g_object_set (test_pipeline_get (pipeline, "src"), "images", images, NULL);
  return pipeline;
}

static const gchar *dialects[] = { "openai", "azure" };

/* Each image goes as a file part of its own name, its bytes as they are
 * in the file, its type sniffed, sorted by name, beside the element's own
 * fields; in the openai and azure dialects alike. */
GST_START_TEST (test_sent_as_parts)
{
  const gchar *dialect = dialects[__i__];
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect (dialect);
  g_autofree gchar *end = make_image ("end.png", 64, 48, "pngenc");
  g_autofree gchar *ref = make_image ("ref.jpg", 40, 30, "jpegenc");
  g_autofree gchar *first = make_image ("first.png", 32, 32, "pngenc");
  g_autofree gchar *images = images_json ("reference_image", ref,
      "last_frame", end, NULL);
  g_autoptr (GstElement) pipeline = pipeline_with_images (emu,
      "two images", images);
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (ApigoEmulatorRequest) r = NULL;
  g_autoptr (GByteArray) clip = NULL;
  g_autofree gchar *id = NULL;

  g_object_set (src, "input-reference", first, NULL);
  if (g_str_equal (dialect, "azure"))
    gst_util_set_object_arg (G_OBJECT (src), "dialect", "azure");
  clip = test_play (pipeline, &id);
  test_assert_served (emu, id, clip->data, clip->len);

  r = only_create (emu);
  fail_unless (g_str_has_prefix (r->content_type, "multipart/form-data;"),
      "%s", r->content_type);
  fail_unless_equals_int (n_files (r), 3);
  assert_part (r, 0, "input_reference", first, "image/png");
  assert_part (r, 1, "last_frame", end, "image/png");
  assert_part (r, 2, "reference_image", ref, "image/jpeg");
  fail_unless_equals_string (g_hash_table_lookup (r->form, "prompt"),
      "two images");
  fail_unless_equals_int (g_hash_table_size (r->form), 4);
}

GST_END_TEST;

/* Decodes a still image; its size. */
static void
image_size (GBytes * image, gint * width, gint * height)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch ("appsrc name=in ! "
      "decodebin ! videoconvert ! appsink name=out sync=false", &error);
  g_autoptr (GstElement) in = NULL;
  g_autoptr (GstElement) out = NULL;
  g_autoptr (GstSample) sample = NULL;
  GstStructure *s;

  g_assert_no_error (error);
  in = gst_bin_get_by_name (GST_BIN (pipeline), "in");
  out = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  gst_app_src_push_buffer (GST_APP_SRC (in),
      gst_buffer_new_wrapped_bytes (image));
  gst_app_src_end_of_stream (GST_APP_SRC (in));
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (out),
      test_timeout (30) * GST_SECOND);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  fail_unless (sample != NULL, "the image does not decode");
  s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  fail_unless (gst_structure_get_int (s, "width", width));
  fail_unless (gst_structure_get_int (s, "height", height));
}

/* input-reference-fit fits every image to the clip's size, as it fits the
 * input reference: the parts the service got decode at 320x180. */
GST_START_TEST (test_fitted)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *end = make_image ("end.png", 64, 64, "pngenc");
  g_autofree gchar *ref = make_image ("ref.jpg", 40, 30, "jpegenc");
  g_autofree gchar *images = images_json ("last_frame", end,
      "reference_image", ref, NULL);
  g_autoptr (GstElement) pipeline = pipeline_with_images (emu, "fitted",
      images);
  g_autoptr (ApigoEmulatorRequest) r = NULL;
  g_autoptr (GByteArray) clip = NULL;
  guint i;

  gst_util_set_object_arg (G_OBJECT (test_pipeline_get (pipeline, "src")),
      "input-reference-fit", "pad");
  clip = test_play (pipeline, NULL);
  fail_unless (clip->len > 0);

  r = only_create (emu);
  fail_unless_equals_int (n_files (r), 2);
  for (i = 0; i < n_files (r); i++) {
    ApigoEmulatorFile *file = part (r, i, i == 0 ? "last_frame" :
        "reference_image");
    gint w = 0, h = 0;

    /* What fitting gives is a PNG, whatever came in. */
    fail_unless_equals_string (file->content_type, "image/png");
    image_size (file->data, &w, &h);
    fail_unless_equals_int (w, 320);
    fail_unless_equals_int (h, 180);
  }
}

GST_END_TEST;

/* Refused when the element starts, naming the property, before anything
 * is sent. */
static void
assert_refused_at_start (const gchar * value, const gchar * words)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = pipeline_with_images (emu, "refused",
      value);
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) msg = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *debug = NULL;

  fail_unless_equals_int (gst_element_set_state (pipeline,
          GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
  msg = gst_bus_timed_pop_filtered (bus, test_timeout (10) * GST_SECOND,
      GST_MESSAGE_ERROR);
  fail_unless (msg != NULL, "no error message for %s", value);
  gst_message_parse_error (msg, &error, &debug);
  fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS), "%s", error->message);
  fail_unless (strstr (error->message, "images property") != NULL,
      "'%s' does not name the property", error->message);
  fail_unless (strstr (error->message, words) != NULL,
      "'%s' does not say '%s'", error->message, words);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
}

GST_START_TEST (test_bad_values)
{
  g_autofree gchar *notes = g_build_filename (test_tmp_dir (), "notes.txt",
      NULL);
  g_autofree gchar *missing = g_build_filename (test_tmp_dir (), "gone.png",
      NULL);
  g_autofree gchar *not_image = images_json ("last_frame", notes, NULL);
  g_autofree gchar *absent = images_json ("last_frame", missing, NULL);

  fail_unless (g_file_set_contents (notes, "not an image", -1, NULL));
  assert_refused_at_start ("[\"end.png\"]", "not a JSON object");
  assert_refused_at_start ("{\"last_frame\": 7}", "last_frame");
  assert_refused_at_start ("{\"last frame\": \"end.png\"}", "field name");
  assert_refused_at_start ("{\"input_reference\": \"end.png\"}",
      "input_reference");
  assert_refused_at_start ("{\"model\": \"end.png\"}", "\"model\"");
  assert_refused_at_start (absent, "gone.png");
  assert_refused_at_start (not_image, "not a JPEG, PNG or WebP");
}

GST_END_TEST;

/* A remix sends JSON: images are refused up front rather than dropped. */
GST_START_TEST (test_refused_with_remix)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *end = make_image ("end.png", 16, 16, "pngenc");
  g_autofree gchar *images = images_json ("last_frame", end, NULL);
  g_autoptr (GstElement) pipeline = pipeline_with_images (emu, "remixed",
      images);
  g_autoptr (TestRun) run = NULL;

  g_object_set (test_pipeline_get (pipeline, "src"), "remix", "video_1",
      NULL);
  run = test_run (pipeline, 30);
  test_run_assert_error (run, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "new videos only");
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
}

GST_END_TEST;

/* Part of the request: the same images (in any order) replay the kept
 * clip; other bytes in the same file are another clip. */
GST_START_TEST (test_part_of_the_request)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *end = make_image ("end.png", 16, 16, "pngenc");
  g_autofree gchar *ref = make_image ("ref.jpg", 16, 16, "jpegenc");
  g_autofree gchar *ab = images_json ("last_frame", end, "ref", ref, NULL);
  g_autofree gchar *ba = images_json ("ref", ref, "last_frame", end, NULL);
  g_autofree gchar *id_a = NULL, *id_b = NULL, *id_c = NULL, *id_d = NULL;
  g_autoptr (GByteArray) a = NULL, b = NULL, c = NULL, d = NULL;
  g_autoptr (GstElement) pa = pipeline_with_images (emu, "same", ab);
  g_autoptr (GstElement) pb = pipeline_with_images (emu, "same", ba);
  g_autoptr (GstElement) pc = NULL;
  g_autoptr (GstElement) pd = test_pipeline_new (emu, "same",
      FILE_PIPELINE);

  a = test_play (pa, &id_a);
  b = test_play (pb, &id_b);
  fail_unless_equals_string (id_b, id_a);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 1);

  /* Another image in the same file. */
  g_free (make_image ("end.png", 18, 16, "pngenc"));
  pc = pipeline_with_images (emu, "same", ab);
  c = test_play (pc, &id_c);
  fail_if (g_strcmp0 (id_c, id_a) == 0);

  /* None: another clip still. */
  d = test_play (pd, &id_d);
  fail_if (g_strcmp0 (id_d, id_a) == 0 || g_strcmp0 (id_d, id_c) == 0);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 3);
}

GST_END_TEST;

/* A model that is not Sora, with its own fields and a last frame: the
 * create carries them all and a clip comes out, decoded. */
GST_START_TEST (test_other_model)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *end = make_image ("end.png", 64, 36, "pngenc");
  g_autofree gchar *images = images_json ("last_frame", end, NULL);
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "a veo clip",
      "apigovideosrc name=src ! decodebin ! videoconvert ! "
      "fakesink name=sink");
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (ApigoEmulatorRequest) r = NULL;
  g_autoptr (TestRun) run = NULL;
  TestCollector frames;

  g_object_set (src, "model", "veo-3", "parameters", "{\"aspect_ratio\": "
      "\"16:9\", \"resolution\": \"720p\", \"duration\": 8}", "images",
      images, NULL);
  test_collect (test_pipeline_get (pipeline, "sink"), &frames, FALSE);
  run = test_run (pipeline, 120);
  test_run_assert_eos (run);
  fail_unless (frames.buffers > 0, "no frame came out");
  test_collector_clear (&frames);

  r = only_create (emu);
  fail_unless_equals_string (g_hash_table_lookup (r->form, "model"),
      "veo-3");
  fail_unless_equals_string (g_hash_table_lookup (r->form, "aspect_ratio"),
      "16:9");
  fail_unless_equals_string (g_hash_table_lookup (r->form, "resolution"),
      "720p");
  fail_unless_equals_string (g_hash_table_lookup (r->form, "duration"),
      "8");
  fail_unless_equals_int (n_files (r), 1);
  assert_part (r, 0, "last_frame", end, "image/png");
}

GST_END_TEST;

static Suite *
images_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-images");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 180);
  test_add_fixtures (tc);
  tcase_add_loop_test (tc, test_sent_as_parts, 0, G_N_ELEMENTS (dialects));
  tcase_add_test (tc, test_fitted);
  tcase_add_test (tc, test_bad_values);
  tcase_add_test (tc, test_refused_with_remix);
  tcase_add_test (tc, test_part_of_the_request);
  tcase_add_test (tc, test_other_model);
  return s;
}

GST_CHECK_MAIN (images);
