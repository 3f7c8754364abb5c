/* gst-apigo: the openrouter dialect, as the service sees it
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define PIPELINE "apigovideosrc name=src ! fakesink name=sink"
#define DECODE_PIPELINE \
  "apigovideosrc name=src ! decodebin ! video/x-raw ! fakesink name=sink"

/* The models of the tests' gateway: what the small, short clips they
 * make need (the element reads the list before each create). */
#define TEST_MODELS "{\"data\": [" \
  "{\"id\": \"sora-2\", \"supported_durations\": [1, 4, 8, 12]," \
  " \"supported_sizes\": null, \"supported_frame_images\": [\"first_frame\"]}," \
  "{\"id\": \"google/veo-3.1\", \"supported_durations\": [1, 4, 6, 8]," \
  " \"supported_resolutions\": [\"480p\", \"720p\"]," \
  " \"supported_aspect_ratios\": [\"4:3\", \"16:9\"]," \
  " \"generate_audio\": true, \"seed\": true}]}"

/* An apigovideosrc for @emu in openrouter mode (a loopback URL says
 * nothing of the dialect: set by hand). */
static GstElement *
openrouter_pipeline (ApigoEmulator * emu, const gchar * prompt,
    const gchar * description)
{
  GstElement *pipeline = test_pipeline_new (emu, prompt, description);

  g_object_set (emu, "video-models", TEST_MODELS, NULL);

  gst_util_set_object_arg (G_OBJECT (test_pipeline_get (pipeline, "src")),
      "dialect", "openrouter");
  return pipeline;
}

/* Every request @emu saw spoke OpenRouter's dialect: a bearer token (the
 * right one), no api-key nor api-version, under /api/v1/videos.  Returns
 * how many there were on @route. */
static guint
assert_all_openrouter (ApigoEmulator * emu, ApigoEmulatorRoute route)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  guint i, on_route = 0;

  fail_unless (requests->len > 0);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    fail_unless (r->authorization_present && r->authorized, "%s %s",
        r->method, r->path);
    fail_if (r->api_key_present, "%s %s had an api-key header", r->method,
        r->path);
    fail_unless (r->api_version == NULL);
    fail_unless (g_str_has_prefix (r->path, "/api/v1/videos"), "%s",
        r->path);
    if (r->route == route)
      on_route++;
  }
  return on_route;
}

/* The one create @emu saw: its JSON body, parsed (checked to be one). */
static JsonObject *
create_body (ApigoEmulator * emu)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  g_autoptr (JsonParser) parser = json_parser_new ();
  ApigoEmulatorRequest *create = NULL;
  guint i;

  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route != APIGO_EMULATOR_ROUTE_CREATE)
      continue;
    fail_unless (create == NULL, "more than one create");
    create = r;
  }
  fail_unless (create != NULL);
  fail_unless_equals_string (create->method, "POST");
  fail_unless_equals_string (create->path, "/api/v1/videos");
  fail_unless (create->query == NULL, "%s", create->query);
  fail_unless_equals_string (create->content_type, "application/json");
  fail_unless (create->idempotency_key != NULL);
  fail_unless_equals_int (create->status, 202);
  fail_unless (create->json_body != NULL);
  fail_unless (json_parser_load_from_data (parser, create->json_body, -1,
          NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root
          (parser)));
}

/* The member @name of @body: a value of @type. */
static JsonNode *
member (JsonObject * body, const gchar * name, GType type)
{
  JsonNode *node = json_object_get_member (body, name);

  fail_unless (node != NULL, "no member %s", name);
  fail_unless (JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == type, "%s: not a %s", name,
      g_type_name (type));
  return node;
}

/* A clip comes out of an OpenRouter-shaped service, and the service saw
 * exactly OpenRouter's requests: a JSON create with an integer duration,
 * resolution and aspect ratio for the size, the input reference as the
 * first frame (a data: URL of the file's bytes); polls of
 * /api/v1/videos/ID; the content at ?index=0. */
GST_START_TEST (test_openrouter_exact_requests)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("openrouter");
  g_autoptr (GstElement) pipeline = openrouter_pipeline (emu, "or clip",
      PIPELINE);
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autofree gchar *png = test_make_png (1280, 720);
  g_autofree gchar *file = NULL;
  g_autofree gchar *id = NULL;
  g_autofree gchar *type = NULL;
  g_autoptr (GByteArray) out = NULL;
  g_autoptr (GBytes) decoded = NULL;
  g_autoptr (JsonObject) body = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  JsonArray *frames;
  JsonObject *frame;
  gsize file_len;
  guint i;

  fail_unless (g_str_has_suffix (apigo_emulator_get_base_url (emu),
          "/api/v1"));
  g_object_set (src, "size", "1280x720", "input-reference", png, NULL);
  out = test_play (pipeline, &id);
  test_assert_served (emu, id, out->data, out->len);

  fail_unless_equals_int (assert_all_openrouter (emu,
          APIGO_EMULATOR_ROUTE_CONTENT), 1);
  /* Before it paid, the element read the model list (model-check=auto). */
  requests = apigo_emulator_get_requests (emu);
  fail_unless_equals_string (((ApigoEmulatorRequest *)
          g_ptr_array_index (requests, 0))->path, "/api/v1/videos/models");
  fail_unless_equals_int (((ApigoEmulatorRequest *)
          g_ptr_array_index (requests, 1))->route,
      APIGO_EMULATOR_ROUTE_CREATE);
  g_clear_pointer (&requests, g_ptr_array_unref);
  body = create_body (emu);
  fail_unless_equals_string (json_node_get_string (member (body, "model",
              G_TYPE_STRING)), "sora-2");
  fail_unless_equals_string (json_node_get_string (member (body, "prompt",
              G_TYPE_STRING)), "or clip");
  fail_unless_equals_int (json_node_get_int (member (body, "duration",
              G_TYPE_INT64)), 1);
  fail_unless_equals_string (json_node_get_string (member (body,
              "resolution", G_TYPE_STRING)), "720p");
  fail_unless_equals_string (json_node_get_string (member (body,
              "aspect_ratio", G_TYPE_STRING)), "16:9");
  fail_if (json_object_has_member (body, "size"));
  fail_if (json_object_has_member (body, "seconds"));
  fail_if (json_object_has_member (body, "input_reference"));

  frames = json_object_get_array_member (body, "frame_images");
  fail_unless_equals_int (json_array_get_length (frames), 1);
  frame = json_array_get_object_element (frames, 0);
  fail_unless_equals_string (json_object_get_string_member (frame, "type"),
      "image_url");
  fail_unless_equals_string (json_object_get_string_member (frame,
          "frame_type"), "first_frame");
  decoded = soup_uri_decode_data_uri (json_object_get_string_member
      (json_object_get_object_member (frame, "image_url"), "url"), &type);
  fail_unless_equals_string (type, "image/png");
  fail_unless (g_file_get_contents (png, &file, &file_len, NULL));
  test_assert_same_bytes (decoded, (const guint8 *) file, file_len);

  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);
    g_autofree gchar *task_path = g_strconcat ("/api/v1/videos/", id, NULL);

    if (r->route == APIGO_EMULATOR_ROUTE_RETRIEVE) {
      fail_unless_equals_string (r->method, "GET");
      fail_unless_equals_string (r->path, task_path);
      fail_unless (r->query == NULL);
    } else if (r->route == APIGO_EMULATOR_ROUTE_CONTENT) {
      fail_unless_equals_string (r->method, "GET");
      fail_unless (g_str_has_prefix (r->path, task_path));
      fail_unless_equals_string (r->query, "index=0");
    }
  }
  fail_unless (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_RETRIEVE, "GET") >= 1);
}

GST_END_TEST;

/* A model that is not Sora, with fields Sora never had: they reach the
 * service with their JSON types, and a real clip comes out through
 * decodebin (the job objects carry no progress). */
GST_START_TEST (test_openrouter_other_model)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("openrouter");
  g_autoptr (GstElement) pipeline = openrouter_pipeline (emu, "or veo",
      DECODE_PIPELINE);
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (TestRun) run = NULL;
  g_autoptr (JsonObject) body = NULL;
  TestCollector frames;

  g_object_set (src, "model", "google/veo-3.1", "size", "640x480",
      "parameters", "{\"generate_audio\":false,\"seed\":7}", NULL);
  test_collect (test_pipeline_get (pipeline, "sink"), &frames, FALSE);
  run = test_run (pipeline, 120);
  test_run_assert_eos (run);
  fail_unless (frames.buffers > 0, "no frames decoded");
  test_collector_clear (&frames);

  body = create_body (emu);
  fail_unless_equals_string (json_node_get_string (member (body, "model",
              G_TYPE_STRING)), "google/veo-3.1");
  fail_unless (json_node_get_boolean (member (body, "generate_audio",
              G_TYPE_BOOLEAN)) == FALSE);
  fail_unless_equals_int (json_node_get_int (member (body, "seed",
              G_TYPE_INT64)), 7);
  fail_unless_equals_string (json_node_get_string (member (body,
              "resolution", G_TYPE_STRING)), "480p");
  fail_unless_equals_string (json_node_get_string (member (body,
              "aspect_ratio", G_TYPE_STRING)), "4:3");
  fail_if (json_object_has_member (body, "frame_images"));
  fail_unless_equals_int (test_tasks_made (emu), 1);
}

GST_END_TEST;

/* A download cut mid-way is resumed with Range on the same ?index=0
 * URL. */
GST_START_TEST (test_openrouter_resumed_download)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("openrouter");
  g_autoptr (GstElement) pipeline = openrouter_pipeline (emu, "or resumed",
      PIPELINE);
  g_autoptr (GPtrArray) requests = NULL;
  g_autofree gchar *id = NULL;
  g_autoptr (GByteArray) out = NULL;
  guint i, ranged = 0;

  apigo_emulator_cut_download (emu, 2000, 1);
  out = test_play (pipeline, &id);
  test_assert_served (emu, id, out->data, out->len);
  fail_unless_equals_int (assert_all_openrouter (emu,
          APIGO_EMULATOR_ROUTE_CONTENT), 2);

  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route != APIGO_EMULATOR_ROUTE_CONTENT)
      continue;
    fail_unless_equals_string (r->query, "index=0");
    if (r->range != NULL) {
      fail_unless_equals_string (r->range, "bytes=2000-");
      fail_unless_equals_int (r->status, 206);
      ranged++;
    }
  }
  fail_unless_equals_int (ranged, 1);
}

GST_END_TEST;

/* A create whose answer was lost, on a service that keeps no list and
 * ignores Idempotency-Key: it is not sent again (it would be paid twice);
 * the error says why. */
GST_START_TEST (test_openrouter_lost_create_not_resent)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("openrouter");
  g_autoptr (GstElement) pipeline = openrouter_pipeline (emu, "or lost",
      PIPELINE);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  guint i, lists = 0;

  g_object_set (emu, "ignore-idempotency-key", TRUE, NULL);
  apigo_emulator_drop_create_answers (emu, 1);
  run = test_run (pipeline, 120);
  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      "no list");
  fail_unless (test_run_saw (run, GST_MESSAGE_ERROR, "pay for two"));

  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 1);
  fail_unless_equals_int (test_tasks_made (emu), 1);
  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_LIST) {
      fail_unless_equals_int (r->status, 404);
      lists++;
    }
  }
  fail_unless (lists >= 1);
}

GST_END_TEST;

/* Out of credits: OpenRouter's 402 with an integer code; the error says
 * the service's code and words, and the create is not tried again. */
GST_START_TEST (test_openrouter_out_of_credits)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("openrouter");
  g_autoptr (GstElement) pipeline = openrouter_pipeline (emu, "or credits",
      PIPELINE);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *debug = NULL;
  GstMessage *msg;

  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_CREATE, 402, 1);
  run = test_run (pipeline, 120);
  msg = test_run_assert_error (run, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "HTTP 402");
  gst_message_parse_error (msg, &error, &debug);
  fail_unless (strstr (error->message, "out of credits") != NULL, "%s",
      error->message);
  fail_unless (strstr (error->message, "The emulator injected a fault: 402 "
          "Payment Required.") != NULL, "%s", error->message);
  fail_unless (strstr (error->message, TEST_API_KEY) == NULL);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 1);
  fail_unless_equals_int (test_tasks_made (emu), 0);
}

GST_END_TEST;

/* What OpenRouter has no endpoint for is refused before any request. */
GST_START_TEST (test_openrouter_refused_up_front)
{
  const struct
  {
    const gchar *property;
    const gchar *value;
    const gchar *words;
  } cases[] = {
    {"remix", "video_abc", "remix"},
    {"extend", "video_abc", "extend"},
    {"edit", "video_abc", "edit"},
    {"variant", "thumbnail", "thumbnail"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (ApigoEmulator) emu =
        test_emulator_new_dialect ("openrouter");
    g_autoptr (GstElement) pipeline = openrouter_pipeline (emu, "or refused",
        PIPELINE);
    g_autoptr (TestRun) run = NULL;

    gst_util_set_object_arg (G_OBJECT (test_pipeline_get (pipeline, "src")),
        cases[i].property, cases[i].value);
    run = test_run (pipeline, 60);
    test_run_assert_error (run, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_SETTINGS, "dialect openrouter");
    fail_unless (test_run_saw (run, GST_MESSAGE_ERROR, cases[i].words));
    fail_unless_equals_int (apigo_emulator_count_requests (emu,
            APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
  }
}

GST_END_TEST;

/* Spoken to as OpenAI (a multipart create under its path), the service
 * refuses with its integer code; the element shows its words. */
GST_START_TEST (test_openrouter_refuses_multipart)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("openrouter");
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "multipart",
      PIPELINE);
  g_autoptr (TestRun) run = NULL;

  run = test_run (pipeline, 60);
  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
      "application/json");
  fail_unless (test_run_saw (run, GST_MESSAGE_ERROR, "(HTTP 400)"));
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 1);
  fail_unless_equals_int (test_tasks_made (emu), 0);
}

GST_END_TEST;

/* The gateway's own list (OpenRouter's names and values) refuses, before
 * anything is paid, a length its model does not take and a model it does
 * not have. */
GST_START_TEST (test_openrouter_checks_models)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("openrouter");
  g_autoptr (GstElement) short_clip = test_pipeline_new (emu, "or short",
      PIPELINE);
  g_autoptr (GstElement) unknown = test_pipeline_new (emu, "or unknown",
      PIPELINE);
  g_autoptr (TestRun) refused = NULL, missing = NULL;

  gst_util_set_object_arg (G_OBJECT (test_pipeline_get (short_clip, "src")),
      "dialect", "openrouter");
  g_object_set (test_pipeline_get (short_clip, "src"), "model",
      "openai/sora-2", "size", "1280x720", NULL);
  refused = test_run (short_clip, 60);
  test_run_assert_error (refused, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "Model openai/sora-2 does not take "
      "seconds=1");
  fail_unless (test_run_saw (refused, GST_MESSAGE_ERROR, "4, 8 or 12"));

  gst_util_set_object_arg (G_OBJECT (test_pipeline_get (unknown, "src")),
      "dialect", "openrouter");
  missing = test_run (unknown, 60);
  test_run_assert_error (missing, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_SETTINGS, "Model sora-2 is not in the service's "
      "list of video models");
  fail_unless (test_run_saw (missing, GST_MESSAGE_ERROR, "openai/sora-2"));

  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_MODELS, NULL), 2);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 0);
}

GST_END_TEST;

static Suite *
openrouter_suite (void)
{
  Suite *s = suite_create ("apigo-openrouter");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, test_timeout (120));
  test_add_fixtures (tc);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_openrouter_exact_requests);
  tcase_add_test (tc, test_openrouter_other_model);
  tcase_add_test (tc, test_openrouter_checks_models);
  tcase_add_test (tc, test_openrouter_resumed_download);
  tcase_add_test (tc, test_openrouter_lost_create_not_resent);
  tcase_add_test (tc, test_openrouter_out_of_credits);
  tcase_add_test (tc, test_openrouter_refused_up_front);
  tcase_add_test (tc, test_openrouter_refuses_multipart);
  return s;
}

GST_CHECK_MAIN (openrouter);
