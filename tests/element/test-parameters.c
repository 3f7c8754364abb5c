/* gst-apigo: fields beyond Sora's, passed through to the service
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"
#define PARAMETERS "{\"seed\": 42, \"aspect_ratio\": \"16:9\", " \
    "\"generate_audio\": true, \"guidance\": 7.5, \"negative_prompt\": " \
    "\"blurry, dark\"}"

/* The creates (of any kind) @emu saw, oldest first: copies. */
static GPtrArray *
creates (ApigoEmulator * emu)
{
  g_autoptr (GPtrArray) all = apigo_emulator_get_requests (emu);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)
      apigo_emulator_request_free);
  guint i;

  for (i = 0; i < all->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (all, i);

    if (r->form != NULL && g_str_equal (r->method, "POST"))
      g_ptr_array_add (out, apigo_emulator_request_copy (r));
  }
  return out;
}

static void
assert_field (ApigoEmulatorRequest * r, const gchar * name,
    const gchar * value)
{
  fail_unless_equals_string (g_hash_table_lookup (r->form, name), value);
}

static GByteArray *
play_with (ApigoEmulator * emu, const gchar * prompt, const gchar * params,
    gchar ** id)
{
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, prompt,
      FILE_PIPELINE);

  g_object_set (test_pipeline_get (pipeline, "src"), "parameters", params,
      NULL);
  return test_play (pipeline, id);
}

/* Each field goes into the create as it is, beside the element's own. */
GST_START_TEST (test_sent_as_fields)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GByteArray) clip = NULL;
  g_autoptr (GPtrArray) sent = NULL;
  ApigoEmulatorRequest *r;

  clip = play_with (emu, "a fox with parameters", PARAMETERS, NULL);
  fail_unless (clip->len > 0);
  sent = creates (emu);
  fail_unless_equals_int (sent->len, 1);
  r = g_ptr_array_index (sent, 0);
  assert_field (r, "prompt", "a fox with parameters");
  assert_field (r, "seed", "42");
  assert_field (r, "aspect_ratio", "16:9");
  assert_field (r, "generate_audio", "true");
  assert_field (r, "guidance", "7.5");
  assert_field (r, "negative_prompt", "blurry, dark");
  fail_unless_equals_int (g_hash_table_size (r->form), 4 + 5);
}

GST_END_TEST;

/* They are part of the request: the same fields in another order replay
 * the kept clip; other fields, or none, are another clip. */
GST_START_TEST (test_part_of_the_request)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GByteArray) a = NULL, b = NULL, c = NULL, d = NULL;
  g_autoptr (GPtrArray) sent = NULL;
  g_autofree gchar *id_a = NULL, *id_b = NULL, *id_c = NULL, *id_d = NULL;

  a = play_with (emu, "identity", "{\"seed\": 1, \"style\": \"ink\"}", &id_a);
  b = play_with (emu, "identity", "{ \"style\":\"ink\",\"seed\":1 }", &id_b);
  fail_unless_equals_string (id_b, id_a);
  c = play_with (emu, "identity", "{\"seed\": 2, \"style\": \"ink\"}", &id_c);
  fail_if (g_strcmp0 (id_c, id_a) == 0);
  d = play_with (emu, "identity", NULL, &id_d);
  fail_if (g_strcmp0 (id_d, id_a) == 0 || g_strcmp0 (id_d, id_c) == 0);
  sent = creates (emu);
  fail_unless_equals_int (sent->len, 3);
  fail_unless (g_hash_table_lookup (((ApigoEmulatorRequest *)
              g_ptr_array_index (sent, 2))->form, "seed") == NULL);
}

GST_END_TEST;

/* From a URI, and in a remix: the same fields, in its JSON body. */
GST_START_TEST (test_in_uri_and_remix)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, NULL,
      FILE_PIPELINE);
  g_autoptr (GstElement) remix = NULL;
  g_autoptr (GByteArray) clip = NULL;
  g_autoptr (GByteArray) remixed = NULL;
  g_autoptr (GPtrArray) sent = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *id = NULL;
  g_autofree gchar *uri = NULL;
  GstElement *src = test_pipeline_get (pipeline, "src");

  fail_unless (gst_uri_handler_set_uri (GST_URI_HANDLER (src),
          "apigo://generate?prompt=from+a+uri&size=320x180&seconds=1"
          "&parameters=%7B%22seed%22%3A7%7D", &error), "%s",
      error ? error->message : "?");
  uri = gst_uri_handler_get_uri (GST_URI_HANDLER (src));
  fail_unless (strstr (uri, "&parameters=%7B%22seed%22%3A7%7D") != NULL,
      "%s", uri);
  clip = test_play (pipeline, &id);

  remix = test_pipeline_new (emu, "at night", FILE_PIPELINE);
  g_object_set (test_pipeline_get (remix, "src"), "remix", id,
      "parameters", "{\"seed\": 8}", NULL);
  remixed = test_play (remix, NULL);

  sent = creates (emu);
  fail_unless_equals_int (sent->len, 2);
  assert_field (g_ptr_array_index (sent, 0), "seed", "7");
  assert_field (g_ptr_array_index (sent, 1), "seed", "8");
  fail_unless_equals_string (((ApigoEmulatorRequest *)
          g_ptr_array_index (sent, 1))->content_type, "application/json");
}

GST_END_TEST;

static Suite *
parameters_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-parameters");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 180);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_sent_as_fields);
  tcase_add_test (tc, test_part_of_the_request);
  tcase_add_test (tc, test_in_uri_and_remix);
  return s;
}

GST_CHECK_MAIN (parameters);
