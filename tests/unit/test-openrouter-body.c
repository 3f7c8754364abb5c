/* gst-apigo: OpenRouter's create body, built from a request
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>
#include <libsoup/soup.h>

#include "apigo-error.h"
#include "apigo-openrouter.h"

/* Sizes OpenRouter names by resolution and aspect ratio; others (Sora's
 * 4:7, short sides it has no resolution for) are sent as size. */
GST_START_TEST (test_map_size)
{
  const struct
  {
    const gchar *size;
    const gchar *resolution;
    const gchar *aspect_ratio;
  } cases[] = {
    {"1280x720", "720p", "16:9"},
    {"720x1280", "720p", "9:16"},
    {"1920x1080", "1080p", "16:9"},
    {"1080x1920", "1080p", "9:16"},
    {"640x480", "480p", "4:3"},
    {"720x720", "720p", "1:1"},
    {"1024x768", "768p", "4:3"},
    {"1680x720", "720p", "21:9"},
    {"1080x1620", "1080p", "2:3"},
    {"1792x1024", NULL, NULL},
    {"1024x1792", NULL, NULL},
    {"1024x1024", NULL, NULL},
    {"854x480", NULL, NULL},
    {"320x180", NULL, NULL},
    {"1280x", NULL, NULL},
    {"x720", NULL, NULL},
    {"-1280x720", NULL, NULL},
    {"1280x720x2", NULL, NULL},
    {"", NULL, NULL},
    {NULL, NULL, NULL},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autofree gchar *resolution = NULL;
    g_autofree gchar *aspect_ratio = NULL;
    gboolean mapped = apigo_openrouter_map_size (cases[i].size, &resolution,
        &aspect_ratio);

    fail_unless (mapped == (cases[i].resolution != NULL), "%s",
        cases[i].size);
    fail_unless_equals_string (resolution, cases[i].resolution);
    fail_unless_equals_string (aspect_ratio, cases[i].aspect_ratio);
  }
}

GST_END_TEST;

/* The body as a JSON object, failing the test if it is none. */
static JsonObject *
body_of (const ApigoCreateRequest * request)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = apigo_openrouter_create_body (request, &error);
  g_autoptr (JsonParser) parser = json_parser_new ();
  gsize len;
  const gchar *data;

  fail_unless (body != NULL, "%s", error ? error->message : "?");
  data = g_bytes_get_data (body, &len);
  fail_unless (json_parser_load_from_data (parser, data, len, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root
          (parser)));
}

/* The member @name of @object: a value of @type. */
static JsonNode *
member (JsonObject * object, const gchar * name, GType type)
{
  JsonNode *node = json_object_get_member (object, name);

  fail_unless (node != NULL, "no member %s", name);
  fail_unless (JSON_NODE_HOLDS_VALUE (node), "%s is no value", name);
  fail_unless (json_node_get_value_type (node) == type, "%s is a %s", name,
      g_type_name (json_node_get_value_type (node)));
  return node;
}

/* @part is {"type": "image_url", "image_url": {"url": data: URL of
 * @bytes typed @type}}, with @frame_type (NULL: none). */
static void
assert_image_part (JsonNode * part, GBytes * bytes, const gchar * type,
    const gchar * frame_type)
{
  JsonObject *object = json_node_get_object (part);
  JsonObject *image_url = json_object_get_object_member (object, "image_url");
  const gchar *url = json_node_get_string (member (image_url, "url",
          G_TYPE_STRING));
  g_autofree gchar *decoded_type = NULL;
  g_autoptr (GBytes) decoded = soup_uri_decode_data_uri (url, &decoded_type);
  g_autofree gchar *prefix = g_strdup_printf ("data:%s;base64,", type);

  fail_unless_equals_string (json_node_get_string (member (object, "type",
              G_TYPE_STRING)), "image_url");
  fail_unless (g_str_has_prefix (url, prefix), "%.40s", url);
  fail_unless (decoded != NULL && g_bytes_equal (decoded, bytes));
  if (frame_type == NULL)
    fail_if (json_object_has_member (object, "frame_type"));
  else
    fail_unless_equals_string (json_node_get_string (member (object,
                "frame_type", G_TYPE_STRING)), frame_type);
}

/* Every member with its JSON type: duration an integer, the size as
 * resolution and aspect ratio, the input reference the first frame. */
GST_START_TEST (test_body_members)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
    0, 1, 2, 0xff
  };
  g_autoptr (GBytes) reference = g_bytes_new_static (png, sizeof (png));
  ApigoCreateRequest request = {
    .kind = APIGO_CREATE_GENERATE,
    .model = "google/veo-3.1",
    .prompt = "a lighthouse at dusk",
    .size = "1280x720",
    .seconds = "8",
    .input_reference = reference,
    .input_reference_name = "first.png",
    .input_reference_type = "image/png",
  };
  g_autoptr (JsonObject) body = body_of (&request);
  JsonArray *frames;

  fail_unless_equals_string (json_node_get_string (member (body, "model",
              G_TYPE_STRING)), "google/veo-3.1");
  fail_unless_equals_string (json_node_get_string (member (body, "prompt",
              G_TYPE_STRING)), "a lighthouse at dusk");
  fail_unless_equals_int (json_node_get_int (member (body, "duration",
              G_TYPE_INT64)), 8);
  fail_unless_equals_string (json_node_get_string (member (body,
              "resolution", G_TYPE_STRING)), "720p");
  fail_unless_equals_string (json_node_get_string (member (body,
              "aspect_ratio", G_TYPE_STRING)), "16:9");
  fail_if (json_object_has_member (body, "size"));
  fail_if (json_object_has_member (body, "seconds"));
  fail_if (json_object_has_member (body, "input_reference"));
  fail_if (json_object_has_member (body, "input_references"));
  frames = json_object_get_array_member (body, "frame_images");
  fail_unless_equals_int (json_array_get_length (frames), 1);
  assert_image_part (json_array_get_element (frames, 0), reference,
      "image/png", "first_frame");
  fail_unless_equals_int (json_object_get_size (body), 6);
}

GST_END_TEST;

/* Named images: first_frame and last_frame go to frame_images, the others
 * to input_references; the parameters go in with their JSON types and
 * win over what the settings would say. */
GST_START_TEST (test_body_images_and_parameters)
{
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 1, 2, 3 };
  static const guint8 webp[] = { 'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E',
    'B', 'P'
  };
  g_autoptr (GBytes) last = g_bytes_new_static (jpeg, sizeof (jpeg));
  g_autoptr (GBytes) other = g_bytes_new_static (webp, sizeof (webp));
  const ApigoCreateImage images[] = {
    {"style", other, "style.webp", "image/webp"},
    {"last_frame", last, "last.jpg", "image/jpeg"},
  };
  ApigoCreateRequest request = {
    .kind = APIGO_CREATE_GENERATE,
    .model = "google/veo-3.1",
    .prompt = "p",
    .size = "1792x1024",
    .seconds = "4",
    .parameters = "{\"generate_audio\":false,\"seed\":7,"
        "\"resolution\":\"1080p\",\"duration\":6,\"negative_prompt\":\"fog\"}",
    .images = images,
    .n_images = G_N_ELEMENTS (images),
  };
  g_autoptr (JsonObject) body = body_of (&request);
  JsonArray *frames, *references;

  fail_unless (json_node_get_boolean (member (body, "generate_audio",
              G_TYPE_BOOLEAN)) == FALSE);
  fail_unless_equals_int (json_node_get_int (member (body, "seed",
              G_TYPE_INT64)), 7);
  fail_unless_equals_string (json_node_get_string (member (body,
              "negative_prompt", G_TYPE_STRING)), "fog");
  /* The user's word wins; no size then, which would contradict it. */
  fail_unless_equals_int (json_node_get_int (member (body, "duration",
              G_TYPE_INT64)), 6);
  fail_unless_equals_string (json_node_get_string (member (body,
              "resolution", G_TYPE_STRING)), "1080p");
  fail_if (json_object_has_member (body, "size"));
  fail_if (json_object_has_member (body, "aspect_ratio"));

  frames = json_object_get_array_member (body, "frame_images");
  fail_unless_equals_int (json_array_get_length (frames), 1);
  assert_image_part (json_array_get_element (frames, 0), last, "image/jpeg",
      "last_frame");
  references = json_object_get_array_member (body, "input_references");
  fail_unless_equals_int (json_array_get_length (references), 1);
  assert_image_part (json_array_get_element (references, 0), other,
      "image/webp", NULL);

  /* Without parameters, a size OpenRouter has no name for goes as is. */
  {
    ApigoCreateRequest plain = request;
    g_autoptr (JsonObject) plain_body = NULL;

    plain.parameters = NULL;
    plain.images = NULL;
    plain.n_images = 0;
    plain_body = body_of (&plain);
    fail_unless_equals_string (json_node_get_string (member (plain_body,
                "size", G_TYPE_STRING)), "1792x1024");
    fail_if (json_object_has_member (plain_body, "resolution"));
    fail_if (json_object_has_member (plain_body, "frame_images"));
  }
}

GST_END_TEST;

/* Refused with the setting named, before anything is sent: seconds that
 * are no whole number, two first frames, a body over 50 MiB. */
GST_START_TEST (test_body_refused)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr (GBytes) image = g_bytes_new_static (png, sizeof (png));
  const ApigoCreateImage first[] = {
    {"first_frame", image, "a.png", "image/png"},
  };
  ApigoCreateRequest request = {
    .kind = APIGO_CREATE_GENERATE,
    .model = "m",
    .prompt = "p",
    .size = "1280x720",
    .seconds = "4.5",
  };
  GError *error = NULL;
  gpointer big;

  fail_if (apigo_openrouter_create_body (&request, &error));
  fail_unless (g_error_matches (error, APIGO_ERROR,
          APIGO_ERROR_INVALID_SETTING));
  fail_unless (strstr (error->message, "seconds") != NULL
      && strstr (error->message, "4.5") != NULL, "%s", error->message);
  g_clear_error (&error);

  request.seconds = "4";
  request.input_reference = image;
  request.input_reference_type = "image/png";
  request.images = first;
  request.n_images = 1;
  fail_if (apigo_openrouter_create_body (&request, &error));
  fail_unless (strstr (error->message, "first_frame") != NULL, "%s",
      error->message);
  g_clear_error (&error);

  /* 38 MiB of image is over 50 MiB once in base64. */
  request.images = NULL;
  request.n_images = 0;
  big = g_malloc0 (38 << 20);
  request.input_reference = g_bytes_new_take (big, 38 << 20);
  fail_if (apigo_openrouter_create_body (&request, &error));
  g_bytes_unref (request.input_reference);
  fail_unless (g_error_matches (error, APIGO_ERROR,
          APIGO_ERROR_INVALID_SETTING));
  fail_unless (strstr (error->message, "50 MiB") != NULL, "%s",
      error->message);
  g_clear_error (&error);
}

GST_END_TEST;

static Suite *
openrouter_suite (void)
{
  Suite *s = suite_create ("apigo-openrouter");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_map_size);
  tcase_add_test (tc, test_body_members);
  tcase_add_test (tc, test_body_images_and_parameters);
  tcase_add_test (tc, test_body_refused);
  return s;
}

GST_CHECK_MAIN (openrouter);
