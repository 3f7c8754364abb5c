/* gst-apigo: gateway dialects, as the service sees them
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#define PIPELINE "apigovideosrc name=src ! fakesink name=sink"
#define DEPLOYMENT "my-sora2-deployment"

/* An apigovideosrc for @emu in azure mode, the model a deployment name. */
static GstElement *
azure_pipeline (ApigoEmulator * emu, const gchar * prompt)
{
  GstElement *pipeline = test_pipeline_new (emu, prompt, PIPELINE);

  /* A loopback URL says nothing of the dialect: set by hand. */
  gst_util_set_object_arg (G_OBJECT (test_pipeline_get (pipeline, "src")),
      "dialect", "azure");
  g_object_set (test_pipeline_get (pipeline, "src"), "model", DEPLOYMENT,
      NULL);
  return pipeline;
}

/* Plays @pipeline and checks the clip is, byte for byte, what @emu
 * served. */
static void
play_and_compare (ApigoEmulator * emu, GstElement * pipeline)
{
  g_autofree gchar *id = NULL;
  g_autoptr (GByteArray) out = test_play (pipeline, &id);

  fail_unless (id != NULL);
  test_assert_served (emu, id, out->data, out->len);
}

/* Every request @emu saw spoke Azure's dialect: the key in api-key (right),
 * no Authorization header at all, api-version=@version, under /openai/v1.
 * Returns how many there were on @route. */
static guint
assert_all_azure (ApigoEmulator * emu, const gchar * version,
    ApigoEmulatorRoute route)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  guint i, on_route = 0;

  fail_unless (requests->len > 0);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    fail_unless (r->api_key_present, "%s %s had no api-key", r->method,
        r->path);
    fail_if (r->authorization_present, "%s %s had an Authorization header",
        r->method, r->path);
    fail_unless (r->authorized, "%s %s: wrong key", r->method, r->path);
    fail_unless_equals_string (r->api_version, version);
    fail_unless (g_str_has_prefix (r->path, "/openai/v1/videos"), "%s",
        r->path);
    if (r->route == route)
      on_route++;
  }
  return on_route;
}

/* The create that made the clip carried the deployment as its model. */
static void
assert_create_model (ApigoEmulator * emu, const gchar * model)
{
  g_autoptr (GPtrArray) requests = apigo_emulator_get_requests (emu);
  guint i, creates = 0;

  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route != APIGO_EMULATOR_ROUTE_CREATE)
      continue;
    fail_unless (r->form != NULL);
    fail_unless_equals_string (g_hash_table_lookup (r->form, "model"),
        model);
    fail_unless_equals_string (r->query, "api-version=preview");
    creates++;
  }
  fail_unless_equals_int (creates, 1);
}

/* A clip comes out of an Azure OpenAI-shaped service: create, polls,
 * content and the delete all with api-key and api-version=preview. */
GST_START_TEST (test_azure_clip)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("azure");
  g_autoptr (GstElement) pipeline = azure_pipeline (emu, "azure clip");
  g_autoptr (GPtrArray) requests = NULL;
  guint i;

  fail_unless (g_str_has_suffix (apigo_emulator_get_base_url (emu),
          "/openai/v1"));
  play_and_compare (emu, pipeline);

  fail_unless_equals_int (assert_all_azure (emu, "preview",
          APIGO_EMULATOR_ROUTE_CONTENT), 1);
  fail_unless (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_RETRIEVE, "GET") >= 1);
  assert_create_model (emu, DEPLOYMENT);

  /* The content named its variant as Microsoft's samples do, merged with
   * the api-version. */
  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CONTENT)
      fail_unless_equals_string (r->query,
          "variant=video&api-version=preview");
  }
}

GST_END_TEST;

/* delete-remote's DELETE speaks the dialect too. */
GST_START_TEST (test_azure_delete)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("azure");
  g_autoptr (GstElement) pipeline = azure_pipeline (emu, "azure delete");
  g_autoptr (GByteArray) out = NULL;

  g_object_set (test_pipeline_get (pipeline, "src"), "delete-remote", TRUE,
      NULL);
  out = test_play (pipeline, NULL);
  fail_unless (out->len > 0);
  fail_unless_equals_int (assert_all_azure (emu, "preview",
          APIGO_EMULATOR_ROUTE_DELETE), 1);
}

GST_END_TEST;

/* The api-version property is what goes on every request. */
GST_START_TEST (test_azure_api_version_set)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("azure");
  g_autoptr (GstElement) pipeline = azure_pipeline (emu, "azure version");

  g_object_set (test_pipeline_get (pipeline, "src"), "api-version",
      "2026-01-01-preview", NULL);
  play_and_compare (emu, pipeline);
  fail_unless_equals_int (assert_all_azure (emu, "2026-01-01-preview",
          APIGO_EMULATOR_ROUTE_CREATE), 1);
}

GST_END_TEST;

/* A download cut mid-way is resumed with Range, and the resumed request
 * speaks the dialect too. */
GST_START_TEST (test_azure_resumed_download)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("azure");
  g_autoptr (GstElement) pipeline = azure_pipeline (emu, "azure resumed");
  g_autoptr (GPtrArray) requests = NULL;
  guint i, ranged = 0;

  apigo_emulator_cut_download (emu, 2000, 1);
  play_and_compare (emu, pipeline);
  fail_unless_equals_int (assert_all_azure (emu, "preview",
          APIGO_EMULATOR_ROUTE_CONTENT), 2);

  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CONTENT && r->range != NULL) {
      fail_unless_equals_string (r->range, "bytes=2000-");
      ranged++;
    }
  }
  fail_unless_equals_int (ranged, 1);
}

GST_END_TEST;

/* A create whose answer was lost is looked for in the list: that request,
 * which has a query of its own, carries the api-version too. */
GST_START_TEST (test_azure_lost_create_listed)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("azure");
  g_autoptr (GstElement) pipeline = azure_pipeline (emu, "azure lost");
  g_autoptr (GPtrArray) requests = NULL;
  guint i, lists = 0;

  g_object_set (emu, "ignore-idempotency-key", TRUE, NULL);
  apigo_emulator_drop_create_answers (emu, 1);
  play_and_compare (emu, pipeline);
  fail_unless (assert_all_azure (emu, "preview",
          APIGO_EMULATOR_ROUTE_LIST) >= 1);
  fail_unless_equals_int (test_tasks_made (emu), 1);

  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route != APIGO_EMULATOR_ROUTE_LIST)
      continue;
    fail_unless_equals_string (r->query,
        "limit=20&order=desc&api-version=preview");
    lists++;
  }
  fail_unless (lists >= 1);
}

GST_END_TEST;

/* Spoken to as OpenAI (a bearer token, no api-version), an Azure-shaped
 * service refuses: the element says the key was not accepted, and the key
 * is in no message. */
GST_START_TEST (test_azure_refuses_bearer)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new_dialect ("azure");
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "bearer",
      PIPELINE);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  GstMessage *msg;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *debug = NULL;
  ApigoEmulatorRequest *r;

  run = test_run (pipeline, 60);
  msg = test_run_assert_error (run, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_NOT_AUTHORIZED, "API key");
  gst_message_parse_error (msg, &error, &debug);
  fail_unless (strstr (error->message, TEST_API_KEY) == NULL);
  /* Azure's code is the status again: said once. */
  fail_unless (strstr (error->message, "(HTTP 401)") != NULL, "%s",
      error->message);
  fail_unless (debug == NULL || strstr (debug, TEST_API_KEY) == NULL);

  requests = apigo_emulator_get_requests (emu);
  fail_unless_equals_int (requests->len, 1);
  r = g_ptr_array_index (requests, 0);
  fail_unless (r->authorization_present && !r->api_key_present);
  fail_unless (r->api_version == NULL);
  fail_unless_equals_int (r->status, 401);
  fail_unless_equals_int (test_tasks_made (emu), 0);
}

GST_END_TEST;

/* The default, openai, sends what it always sent: Authorization: Bearer
 * and no api-version, the API under /v1. */
GST_START_TEST (test_openai_unchanged)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "openai clip",
      PIPELINE);
  g_autoptr (GPtrArray) requests = NULL;
  guint i;

  play_and_compare (emu, pipeline);
  requests = apigo_emulator_get_requests (emu);
  fail_unless (requests->len >= 3);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    fail_unless (r->authorization_present && r->authorized);
    fail_if (r->api_key_present, "%s %s had an api-key header", r->method,
        r->path);
    fail_unless (r->api_version == NULL);
    fail_unless (r->query == NULL, "%s %s?%s", r->method, r->path, r->query);
    fail_unless (g_str_has_prefix (r->path, "/v1/videos"), "%s", r->path);
  }
}

GST_END_TEST;

static Suite *
dialects_suite (void)
{
  Suite *s = suite_create ("apigo-dialects");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, test_timeout (120));
  test_add_fixtures (tc);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_azure_clip);
  tcase_add_test (tc, test_azure_delete);
  tcase_add_test (tc, test_azure_api_version_set);
  tcase_add_test (tc, test_azure_resumed_download);
  tcase_add_test (tc, test_azure_lost_create_listed);
  tcase_add_test (tc, test_azure_refuses_bearer);
  tcase_add_test (tc, test_openai_unchanged);
  return s;
}

GST_CHECK_MAIN (dialects);
