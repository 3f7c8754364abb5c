/* gst-apigo: model lists, and the check of a create against them
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>

#include "apigo-error.h"
#include "apigo-models.h"

/* OpenRouter's shape (docs/dialects.md §1.6), with its nulls. */
static const gchar openrouter[] = "{\"data\": ["
    "{\"id\": \"google/veo-3.1-lite\", \"name\": \"Veo 3.1 Lite\","
    " \"supported_durations\": [8, 4, 6],"
    " \"supported_resolutions\": [\"720p\", \"1080p\"],"
    " \"supported_aspect_ratios\": [\"16:9\", \"9:16\"],"
    " \"supported_sizes\": null,"
    " \"supported_frame_images\": [\"first_frame\", \"last_frame\"],"
    " \"generate_audio\": true, \"seed\": null,"
    " \"pricing_skus\": {\"per-video-second\": \"0.40\"},"
    " \"allowed_passthrough_parameters\": []},"
    "{\"id\": \"openai/sora-2-pro\", \"supported_durations\": [4, 8, 12],"
    " \"supported_sizes\": [\"720x1280\", \"1280x720\"],"
    " \"supported_frame_images\": [\"first_frame\"],"
    " \"generate_audio\": true, \"seed\": false},"
    "{\"id\": \"text-only\", \"supported_frame_images\": [],"
    " \"generate_audio\": false}"
    "]}";

static ApigoModelList *
parse (const gchar * json, ApigoModelsEndpoint source)
{
  g_autoptr (GError) error = NULL;
  ApigoModelList *list = apigo_model_list_new_from_json (json, strlen (json),
      source, &error);

  g_assert_no_error (error);
  fail_unless (list != NULL);
  return list;
}

static void
assert_protocol_error (const gchar * json, gsize len)
{
  g_autoptr (GError) error = NULL;
  ApigoModelList *list = apigo_model_list_new_from_json (json, len,
      APIGO_MODELS_VIDEO, &error);

  fail_unless (list == NULL, "parsed %s", json);
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_PROTOCOL);
}

GST_START_TEST (test_openrouter_list)
{
  ApigoModelList *list = parse (openrouter, APIGO_MODELS_VIDEO);
  const ApigoModel *veo = apigo_model_list_find (list, "google/veo-3.1-lite");
  const ApigoModel *sora = apigo_model_list_find (list, "openai/sora-2-pro");
  const ApigoModel *text = apigo_model_list_find (list, "text-only");

  fail_unless_equals_int (list->models->len, 3);
  fail_unless_equals_int (list->source, APIGO_MODELS_VIDEO);
  fail_unless (veo != NULL && sora != NULL && text != NULL);
  fail_unless_equals_string (veo->name, "Veo 3.1 Lite");
  /* As listed, not sorted. */
  fail_unless_equals_int (veo->durations->len, 3);
  fail_unless_equals_int (g_array_index (veo->durations, guint, 0), 8);
  fail_unless_equals_int (g_array_index (veo->durations, guint, 2), 6);
  fail_unless_equals_string (veo->resolutions[1], "1080p");
  fail_unless (veo->sizes == NULL);
  fail_unless_equals_int (g_strv_length (veo->frame_images), 2);
  fail_unless_equals_int (veo->generate_audio, 1);
  fail_unless_equals_int (veo->seed, -1);
  fail_unless_equals_string (veo->pricing[0], "per-video-second=0.40");
  fail_unless (veo->passthrough != NULL && veo->passthrough[0] == NULL);
  fail_unless_equals_int (sora->seed, 0);
  fail_unless (sora->pricing == NULL && sora->resolutions == NULL);
  fail_unless (text->durations == NULL);
  fail_unless (text->frame_images != NULL && text->frame_images[0] == NULL);
  fail_unless (apigo_model_list_find (list, "google/veo-3") == NULL);
  apigo_model_list_free (list);
}

GST_END_TEST;

/* OpenAI's /models: ids and nothing stated; a bare array will do too. */
GST_START_TEST (test_generic_list)
{
  ApigoModelList *list = parse ("{\"object\": \"list\", \"data\": ["
      "{\"id\": \"sora-2\", \"object\": \"model\", \"created\": 1,"
      " \"owned_by\": \"openai\"}, {\"object\": \"model\"}]}",
      APIGO_MODELS_GENERIC);
  const ApigoModel *m = g_ptr_array_index (list->models, 0);

  fail_unless_equals_int (list->models->len, 1);
  fail_unless_equals_int (list->source, APIGO_MODELS_GENERIC);
  fail_unless_equals_string (m->id, "sora-2");
  fail_unless (m->durations == NULL && m->sizes == NULL && m->pricing == NULL
      && m->frame_images == NULL);
  fail_unless_equals_int (m->generate_audio, -1);
  apigo_model_list_free (list);

  list = parse ("[{\"id\": \"a\"}, {\"id\": 7}]", APIGO_MODELS_ANY);
  fail_unless_equals_int (list->models->len, 2);
  fail_unless_equals_string (((ApigoModel *) g_ptr_array_index
          (list->models, 1))->id, "7");
  /* ANY is not a source: the video list was asked first. */
  fail_unless_equals_int (list->source, APIGO_MODELS_VIDEO);
  apigo_model_list_free (list);
}

GST_END_TEST;

/* Members of the wrong type are "not stated"; bad values are left out;
 * text is tidied; nothing crashes. */
GST_START_TEST (test_lenient_and_hostile)
{
  ApigoModelList *list = parse ("{\"data\": [7, null, [], \"x\","
      "{\"id\": \"m\\u001b[31m\\nred\", \"supported_durations\": "
      "[\"6\", 0, -4, 5.5, \"x\", true, null, 99999999999, 10],"
      " \"supported_sizes\": \"720x1280\", \"supported_resolutions\": {},"
      " \"supported_aspect_ratios\": [[\"16:9\"], \"1:1\", 2],"
      " \"generate_audio\": \"yes\", \"seed\": 1,"
      " \"pricing_skus\": {\"a\": 0.5, \"b\": null, \"c\": [1]}}]}",
      APIGO_MODELS_VIDEO);
  const ApigoModel *m;

  fail_unless_equals_int (list->models->len, 1);
  m = g_ptr_array_index (list->models, 0);
  fail_unless_equals_string (m->id, "m red");
  fail_unless_equals_int (m->durations->len, 2);
  fail_unless_equals_int (g_array_index (m->durations, guint, 0), 6);
  fail_unless_equals_int (g_array_index (m->durations, guint, 1), 10);
  fail_unless (m->sizes == NULL && m->resolutions == NULL);
  fail_unless_equals_int (g_strv_length (m->aspect_ratios), 2);
  fail_unless_equals_string (m->aspect_ratios[0], "1:1");
  fail_unless_equals_int (m->generate_audio, -1);
  fail_unless_equals_int (m->seed, -1);
  fail_unless_equals_int (g_strv_length (m->pricing), 1);
  fail_unless_equals_string (m->pricing[0], "a=0.5");
  apigo_model_list_free (list);

  {
    GString *deep = g_string_new ("{\"data\": ");
    guint i;

    for (i = 0; i < 100000; i++)
      g_string_append_c (deep, '[');
    assert_protocol_error (deep->str, deep->len);
    g_string_free (deep, TRUE);
  }
  assert_protocol_error ("", 0);
  assert_protocol_error ("<html>502</html>", 16);
  assert_protocol_error ("{\"data\": {}}", 12);
  assert_protocol_error ("{\"models\": []}", 14);
  assert_protocol_error ("\"data\"", 6);
  assert_protocol_error ("{\"data\": []} {\"data\": []}", 25);
}

GST_END_TEST;

/* Many entries are kept to a bound. */
GST_START_TEST (test_huge_list)
{
  GString *body = g_string_new ("{\"data\": [");
  ApigoModelList *list;
  guint i;

  for (i = 0; i < 50000; i++)
    g_string_append_printf (body, "%s{\"id\": \"m%u\"}", i ? "," : "", i);
  g_string_append (body, "]}");
  list = parse (body->str, APIGO_MODELS_VIDEO);
  fail_unless (list->models->len > 0 && list->models->len < 50000);
  apigo_model_list_free (list);
  g_string_free (body, TRUE);
}

GST_END_TEST;

static void
assert_refused (const ApigoModelList * list, const ApigoModelAsk * ask,
    const gchar * words, const gchar * more)
{
  g_autoptr (GError) error = NULL;

  fail_if (apigo_model_list_check (list, ask, &error), "%s passed",
      ask->model);
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING);
  fail_unless (strstr (error->message, words) != NULL, "'%s' lacks '%s'",
      error->message, words);
  fail_unless (more == NULL || strstr (error->message, more) != NULL,
      "'%s' lacks '%s'", error->message, more);
  fail_unless (strstr (error->message, "model-check=never") != NULL, "%s",
      error->message);
}

static void
assert_passes (const ApigoModelList * list, const ApigoModelAsk * ask)
{
  g_autoptr (GError) error = NULL;

  fail_unless (apigo_model_list_check (list, ask, &error), "%s",
      error ? error->message : "");
  g_assert_no_error (error);
}

GST_START_TEST (test_check)
{
  ApigoModelList *list = parse (openrouter, APIGO_MODELS_VIDEO);
  const gchar *last[] = { "last_frame", NULL };
  const gchar *other[] = { "reference_image", NULL };
  ApigoModelAsk veo = {.model = "google/veo-3.1-lite",.size = "720x1280",
    .seconds = "6"
  };
  ApigoModelAsk sora = {.model = "openai/sora-2-pro",.size = "1280x720",
    .seconds = "8"
  };
  ApigoModelAsk text = {.model = "text-only" };
  ApigoModelAsk a;

  /* Sizes unstated: a size is the service's business. */
  assert_passes (list, &veo);
  assert_passes (list, &sora);
  assert_passes (list, &text);

  a = veo;
  a.seconds = "5";
  assert_refused (list, &a, "seconds=5", "it takes 8, 4 or 6");
  a.seconds = "06x";
  assert_refused (list, &a, "seconds=06x", NULL);
  /* parameters.duration is what is sent then. */
  a.seconds = "5";
  a.parameters = "{\"duration\":4}";
  assert_passes (list, &a);
  a.seconds = "4";
  a.parameters = "{\"duration\":12}";
  assert_refused (list, &a, "parameters.duration=12", "8, 4 or 6");

  a = veo;
  a.parameters = "{\"resolution\":\"4K\"}";
  assert_refused (list, &a, "parameters.resolution=4K", "720p or 1080p");
  a.parameters = "{\"aspect_ratio\":\"1:1\",\"resolution\":\"720p\"}";
  assert_refused (list, &a, "parameters.aspect_ratio=1:1", "16:9 or 9:16");
  a.parameters = "{\"aspect_ratio\":\"9:16\",\"resolution\":\"1080p\","
      "\"negative_prompt\":\"rain\",\"generate_audio\":true}";
  assert_passes (list, &a);

  a = sora;
  a.size = "1792x1024";
  assert_refused (list, &a, "size=1792x1024", "720x1280 or 1280x720");
  /* A resolution or aspect ratio asked for says the size instead. */
  a.parameters = "{\"resolution\":\"720p\"}";
  assert_passes (list, &a);

  /* Frames: the input reference is the first. */
  a = veo;
  a.first_frame = TRUE;
  a.images = last;
  assert_passes (list, &a);
  a = sora;
  a.images = last;
  assert_refused (list, &a, "last_frame image", "it takes first_frame");
  a.images = other;
  assert_passes (list, &a);
  a = text;
  a.first_frame = TRUE;
  assert_refused (list, &a, "first_frame image (input-reference)",
      "no frame images");

  /* Audio and seed where the model says it has none; generate_audio
   * false is always fine, and passthrough lists refuse nothing. */
  a = text;
  a.parameters = "{\"generate_audio\":true}";
  assert_refused (list, &a, "parameters.generate_audio=true", NULL);
  a.parameters = "{\"generate_audio\":false,\"seed\":1}";
  assert_passes (list, &a);
  a = sora;
  a.parameters = "{\"seed\":42}";
  assert_refused (list, &a, "parameters.seed=42", "no seed");
  a = veo;
  a.parameters = "{\"seed\":42,\"creativity\":\"high\"}";
  assert_passes (list, &a);

  /* Not listed: the closest are named. */
  a = veo;
  a.model = "veo-3.1-lite";
  assert_refused (list, &a, "Model veo-3.1-lite is not in the service's "
      "list of video models", "closest: google/veo-3.1-lite, ");
  apigo_model_list_free (list);
}

GST_END_TEST;

/* /models lists what it likes (on Azure, not the deployments that are the
 * model names): a model missing from it is not refused; one listed with
 * capabilities (a gateway imitating OpenRouter) is checked. */
GST_START_TEST (test_check_generic)
{
  ApigoModelList *list = parse ("{\"data\": [{\"id\": \"sora-2\"},"
      "{\"id\": \"veo-3\", \"supported_durations\": [4, 6, 8]}]}",
      APIGO_MODELS_GENERIC);
  ApigoModelAsk ask = {.model = "my-sora-deployment",.seconds = "5" };

  assert_passes (list, &ask);
  ask.model = "sora-2";
  assert_passes (list, &ask);
  ask.model = "veo-3";
  assert_refused (list, &ask, "seconds=5", "4, 6 or 8");
  apigo_model_list_free (list);
}

GST_END_TEST;

GST_START_TEST (test_closest)
{
  ApigoModelList *list = parse ("{\"data\": [{\"id\": \"openai/sora-2\"},"
      "{\"id\": \"openai/sora-2-pro\"}, {\"id\": \"google/veo-3\"},"
      "{\"id\": \"kling/v2\"}]}", APIGO_MODELS_VIDEO);
  g_autofree gchar *veo = apigo_model_list_closest (list, "veo-3", 1);
  g_autofree gchar *sora = apigo_model_list_closest (list, "sora-2", 2);
  g_autofree gchar *typo = apigo_model_list_closest (list, "kling/v3", 3);
  ApigoModelList *empty = parse ("{\"data\": []}", APIGO_MODELS_VIDEO);

  fail_unless_equals_string (veo, "google/veo-3");
  fail_unless_equals_string (sora, "openai/sora-2 or openai/sora-2-pro");
  fail_unless (g_str_has_prefix (typo, "kling/v2, "), "%s", typo);
  fail_unless (apigo_model_list_closest (empty, "x", 3) == NULL);
  apigo_model_list_free (empty);
  apigo_model_list_free (list);
}

GST_END_TEST;

static Suite *
models_suite (void)
{
  Suite *s = suite_create ("apigo-models");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_openrouter_list);
  tcase_add_test (tc, test_generic_list);
  tcase_add_test (tc, test_lenient_and_hostile);
  tcase_add_test (tc, test_huge_list);
  tcase_add_test (tc, test_check);
  tcase_add_test (tc, test_check_generic);
  tcase_add_test (tc, test_closest);
  return s;
}

GST_CHECK_MAIN (models);
