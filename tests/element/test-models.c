/* gst-apigo: model-check, the element against the gateway's model list
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#define PIPELINE "apigovideosrc name=src ! fakesink name=sink"

/* A model the emulator renders quickly: the test's 320x180, 1 s clip. */
#define QUICK_MODELS "{\"data\": [{\"id\": \"quick-1\"," \
  " \"supported_durations\": [1, 2], \"supported_sizes\": [\"320x180\"]," \
  " \"supported_frame_images\": [\"first_frame\"]," \
  " \"generate_audio\": false, \"seed\": true}]}"

static guint
creates (ApigoEmulator * emu)
{
  return apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_CREATE,
      NULL);
}

static guint
model_lists (ApigoEmulator * emu)
{
  return apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_MODELS,
      NULL);
}

/* Runs @pipeline to an error whose text holds every one of @words (NULL
 * ended); the service saw no create. */
static void
assert_refused (ApigoEmulator * emu, GstElement * pipeline, ...)
{
  g_autoptr (TestRun) run = test_run (pipeline, 60);
  const gchar *words;
  GError *error = NULL;
  va_list args;

  fail_if (run->timed_out);
  fail_unless (run->last != NULL
      && GST_MESSAGE_TYPE (run->last) == GST_MESSAGE_ERROR,
      "the pipeline did not fail");
  gst_message_parse_error (run->last, &error, NULL);
  va_start (args, pipeline);
  while ((words = va_arg (args, const gchar *)) != NULL)
    fail_unless (strstr (error->message, words) != NULL, "'%s' lacks '%s'",
        error->message, words);
  va_end (args);
  fail_if (strstr (error->message, TEST_API_KEY) != NULL);
  g_error_free (error);
  /* Nothing paid for. */
  fail_unless_equals_int (creates (emu), 0);
}

/* What a listed model does not take is refused before the create: the
 * setting and the values it takes are named, and no create reaches the
 * service. */
GST_START_TEST (test_refused_before_paying)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GPtrArray) requests = NULL;
  GstElement *pipeline = test_pipeline_new (emu, "a lighthouse at dusk",
      PIPELINE);
  const ApigoEmulatorRequest *r;

  g_object_set (test_pipeline_get (pipeline, "src"), "model", "veo-3",
      "seconds", 5, "model-check", 1 /* always */ , NULL);
  assert_refused (emu, pipeline, "veo-3", "seconds=5", "4, 6 or 8",
      "model-check", NULL);
  gst_object_unref (pipeline);

  /* One GET of the list, where gateways that imitate OpenRouter state what
   * models take. */
  fail_unless_equals_int (model_lists (emu), 1);
  requests = apigo_emulator_get_requests (emu);
  fail_unless_equals_int (requests->len, 1);
  r = g_ptr_array_index (requests, 0);
  fail_unless_equals_string (r->method, "GET");
  fail_unless_equals_string (r->path, "/v1/videos/models");
}

GST_END_TEST;

/* Size, parameters, a model the list lacks: each refused the same way. */
GST_START_TEST (test_refused_settings)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  GstElement *pipeline = test_pipeline_new (emu, "a red kite", PIPELINE);
  GstElement *src = test_pipeline_get (pipeline, "src");

  g_object_set (src, "model", "sora-2", "seconds", 4, "model-check", 1,
      NULL);
  assert_refused (emu, pipeline, "size=320x180", "720x1280 or 1280x720",
      NULL);

  g_object_set (src, "model", "veo-3", "seconds", 8, "parameters",
      "{\"resolution\": \"4K\"}", NULL);
  assert_refused (emu, pipeline, "parameters.resolution=4K",
      "720p or 1080p", NULL);

  g_object_set (src, "model", "sora-2", "size", "1280x720", "parameters",
      "{\"seed\": 7}", NULL);
  assert_refused (emu, pipeline, "parameters.seed=7", "no seed", NULL);

  g_object_set (src, "model", "veo3", "parameters", NULL, NULL);
  assert_refused (emu, pipeline, "veo3 is not in the service's list",
      "closest: veo-3", NULL);
  gst_object_unref (pipeline);
  fail_unless_equals_int (model_lists (emu), 4);
}

GST_END_TEST;

/* What the model takes goes through: the list is read once, then the
 * create goes, once, and the clip comes out. */
GST_START_TEST (test_accepted)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GPtrArray) requests = NULL;
  GstElement *pipeline = test_pipeline_new (emu, "a quick clip", PIPELINE);
  g_autofree gchar *id = NULL;
  g_autoptr (GByteArray) out = NULL;
  const ApigoEmulatorRequest *listed, *created;

  g_object_set (emu, "video-models", QUICK_MODELS, NULL);
  g_object_set (test_pipeline_get (pipeline, "src"), "model", "quick-1",
      "model-check", 1, "parameters", "{\"seed\": 3}", NULL);
  out = test_play (pipeline, &id);
  gst_object_unref (pipeline);
  test_assert_served (emu, id, out->data, out->len);

  fail_unless_equals_int (model_lists (emu), 1);
  fail_unless_equals_int (creates (emu), 1);
  requests = apigo_emulator_get_requests (emu);
  listed = g_ptr_array_index (requests, 0);
  created = g_ptr_array_index (requests, 1);
  fail_unless_equals_int (listed->route, APIGO_EMULATOR_ROUTE_MODELS);
  fail_unless_equals_int (created->route, APIGO_EMULATOR_ROUTE_CREATE);
  fail_unless_equals_string (g_hash_table_lookup (created->form, "seed"),
      "3");
}

GST_END_TEST;

/* model-check=always with no list to read fails before paying, and says
 * how to let the service decide. */
GST_START_TEST (test_always_without_list)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  GstElement *pipeline = test_pipeline_new (emu, "no list", PIPELINE);

  g_object_set (emu, "models", FALSE, NULL);
  g_object_set (test_pipeline_get (pipeline, "src"), "model-check", 1,
      NULL);
  assert_refused (emu, pipeline, "model-check=always",
      "does not list its models", "model-check=auto", NULL);
  gst_object_unref (pipeline);
  /* /videos/models, then /models. */
  fail_unless_equals_int (model_lists (emu), 2);
}

GST_END_TEST;

/* By default (auto) an OpenAI-shaped service is not asked for a list: the
 * requests are what they were; never asks in any case. */
GST_START_TEST (test_auto_and_never_ask_nothing)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  GstElement *pipeline = test_pipeline_new (emu, "as before", PIPELINE);
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (GByteArray) out = NULL;
  g_autoptr (GByteArray) again = NULL;
  gint check;

  g_object_get (src, "model-check", &check, NULL);
  fail_unless_equals_int (check, 0);
  /* veo-3 does not take 1 s, the list says: not asked, not refused. */
  g_object_set (src, "model", "veo-3", NULL);
  out = test_play (pipeline, NULL);
  fail_unless_equals_int (creates (emu), 1);
  fail_unless_equals_int (model_lists (emu), 0);

  g_object_set (src, "prompt", "as before, never", "model-check", 2, NULL);
  again = test_play (pipeline, NULL);
  gst_object_unref (pipeline);
  fail_unless_equals_int (creates (emu), 2);
  fail_unless_equals_int (model_lists (emu), 0);
}

GST_END_TEST;

/* A kept clip is played without a list or a create: only a create is
 * checked, whatever model-check says. */
GST_START_TEST (test_kept_clip_not_checked)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  GstElement *pipeline = test_pipeline_new (emu, "kept before", PIPELINE);
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (GByteArray) out = NULL;
  g_autoptr (GByteArray) replay = NULL;

  g_object_set (src, "model", "veo-3", "model-check", 2, NULL);
  out = test_play (pipeline, NULL);
  fail_unless_equals_int (creates (emu), 1);

  gst_object_unref (pipeline);

  /* The list would refuse 1 s for veo-3: the kept clip plays. */
  pipeline = test_pipeline_new (emu, "kept before", PIPELINE);
  g_object_set (test_pipeline_get (pipeline, "src"), "model", "veo-3",
      "model-check", 1, NULL);
  replay = test_play (pipeline, NULL);
  gst_object_unref (pipeline);
  fail_unless_equals_int (creates (emu), 1);
  fail_unless_equals_int (model_lists (emu), 0);
  fail_unless_equals_int (replay->len, out->len);
  fail_unless (memcmp (replay->data, out->data, out->len) == 0);
}

GST_END_TEST;

static Suite *
models_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-models");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  test_add_fixtures (tc);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_refused_before_paying);
  tcase_add_test (tc, test_refused_settings);
  tcase_add_test (tc, test_accepted);
  tcase_add_test (tc, test_always_without_list);
  tcase_add_test (tc, test_auto_and_never_ask_nothing);
  tcase_add_test (tc, test_kept_clip_not_checked);
  return s;
}

GST_CHECK_MAIN (models);
