/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-openrouter.h"
#include "apigo-parameters.h"

#include <string.h>

/* OpenRouter's resolutions named by their short side, and its aspect
 * ratios (OpenAPI spec, VideoGenerationRequest). */
static const guint short_sides[] = { 480, 720, 768, 1080 };

/* Its aspect ratios, and what they are once reduced (21:9 is 7:3). */
static const struct
{
  guint width, height;
  const gchar *name;
} aspect_ratios[] = {
  {16, 9, "16:9"}, {9, 16, "9:16"}, {1, 1, "1:1"}, {4, 3, "4:3"},
  {3, 4, "3:4"}, {3, 2, "3:2"}, {2, 3, "2:3"}, {7, 3, "21:9"},
  {3, 7, "9:21"},
};

static guint
gcd (guint a, guint b)
{
  while (b != 0) {
    guint t = a % b;

    a = b;
    b = t;
  }
  return a;
}

gboolean
apigo_openrouter_map_size (const gchar * size, gchar ** resolution,
    gchar ** aspect_ratio)
{
  g_auto (GStrv) sides = size ? g_strsplit (size, "x", -1) : NULL;
  guint64 width, height;
  guint side, d, i;

  *resolution = *aspect_ratio = NULL;
  if (sides == NULL || g_strv_length (sides) != 2
      || !g_ascii_string_to_unsigned (sides[0], 10, 1, 65535, &width, NULL)
      || !g_ascii_string_to_unsigned (sides[1], 10, 1, 65535, &height, NULL))
    return FALSE;

  side = MIN (width, height);
  for (i = 0; i < G_N_ELEMENTS (short_sides); i++)
    if (short_sides[i] == side)
      break;
  if (i == G_N_ELEMENTS (short_sides))
    return FALSE;
  d = gcd (width, height);
  for (i = 0; i < G_N_ELEMENTS (aspect_ratios); i++)
    if (aspect_ratios[i].width == width / d
        && aspect_ratios[i].height == height / d)
      break;
  if (i == G_N_ELEMENTS (aspect_ratios))
    return FALSE;

  *resolution = g_strdup_printf ("%up", side);
  *aspect_ratio = g_strdup (aspect_ratios[i].name);
  return TRUE;
}

/* {"type": "image_url", "image_url": {"url": "data:TYPE;base64,..."}},
 * with its frame_type when @frame_type is not NULL. */
static JsonNode *
image_part (GBytes * data, const gchar * content_type,
    const gchar * frame_type)
{
  JsonObject *part = json_object_new ();
  JsonObject *url = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  gsize len;
  const guchar *bytes = g_bytes_get_data (data, &len);
  g_autofree gchar *b64 = g_base64_encode (bytes, len);
  g_autofree gchar *text = g_strconcat ("data:", content_type ? content_type :
      "application/octet-stream", ";base64,", b64, NULL);

  json_object_set_string_member (part, "type", "image_url");
  json_object_set_string_member (url, "url", text);
  json_object_set_object_member (part, "image_url", url);
  if (frame_type != NULL)
    json_object_set_string_member (part, "frame_type", frame_type);
  json_node_take_object (node, part);
  return node;
}

/* The parameters win over the members derived from the settings. */
static void
set_parameter (JsonObject * object, const gchar * name, JsonNode * value,
    gpointer body)
{
  json_object_set_member (body, name, json_node_copy (value));
}

static gboolean
add_images (JsonObject * body, const ApigoCreateRequest * request,
    GError ** error)
{
  g_autoptr (JsonArray) frames = json_array_new ();
  g_autoptr (JsonArray) references = json_array_new ();
  gboolean first = FALSE, last = FALSE;
  guint i;

  if (request->input_reference != NULL) {
    json_array_add_element (frames, image_part (request->input_reference,
            request->input_reference_type, "first_frame"));
    first = TRUE;
  }
  for (i = 0; i < request->n_images; i++) {
    const ApigoCreateImage *image = &request->images[i];
    gboolean is_first = g_strcmp0 (image->name, "first_frame") == 0;
    gboolean is_last = g_strcmp0 (image->name, "last_frame") == 0;

    if ((is_first && first) || (is_last && last)) {
      g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
          "Two images are the %s: OpenRouter takes one first frame (the "
          "input reference, or an image named first_frame) and one last "
          "frame", image->name);
      return FALSE;
    }
    first |= is_first;
    last |= is_last;
    if (is_first || is_last)
      json_array_add_element (frames, image_part (image->data,
              image->content_type, image->name));
    else
      json_array_add_element (references, image_part (image->data,
              image->content_type, NULL));
  }

  if (json_array_get_length (frames) > 0)
    json_object_set_array_member (body, "frame_images",
        json_array_ref (frames));
  if (json_array_get_length (references) > 0)
    json_object_set_array_member (body, "input_references",
        json_array_ref (references));
  return TRUE;
}

GBytes *
apigo_openrouter_create_body (const ApigoCreateRequest * request,
    GError ** error)
{
  g_autoptr (JsonObject) body = json_object_new ();
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree gchar *resolution = NULL;
  g_autofree gchar *aspect_ratio = NULL;
  gchar *text;
  gsize len;

  g_return_val_if_fail (request->kind == APIGO_CREATE_GENERATE, NULL);

  json_object_set_string_member (body, "model", request->model);
  json_object_set_string_member (body, "prompt", request->prompt);
  if (request->seconds != NULL) {
    guint64 seconds;

    if (!g_ascii_string_to_unsigned (request->seconds, 10, 1, G_MAXINT32,
            &seconds, NULL)) {
      g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
          "The seconds setting \"%s\" is not a whole number of seconds: "
          "OpenRouter takes the duration as an integer", request->seconds);
      return NULL;
    }
    json_object_set_int_member (body, "duration", seconds);
  }
  if (apigo_openrouter_map_size (request->size, &resolution, &aspect_ratio)) {
    json_object_set_string_member (body, "resolution", resolution);
    json_object_set_string_member (body, "aspect_ratio", aspect_ratio);
  } else if (request->size != NULL) {
    json_object_set_string_member (body, "size", request->size);
  }
  if (!add_images (body, request, error))
    return NULL;
  apigo_parameters_foreach (request->parameters, set_parameter, body);
  /* A size no resolution names would contradict the one asked for. */
  if (json_object_has_member (body, "size")
      && (json_object_has_member (body, "resolution")
          || json_object_has_member (body, "aspect_ratio")))
    json_object_remove_member (body, "size");

  json_node_set_object (root, body);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &len);
  if (len > APIGO_OPENROUTER_MAX_BODY) {
    g_free (text);
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The create request would be %" G_GSIZE_FORMAT " MiB with its "
        "images as data: URLs, more than the %" G_GSIZE_FORMAT " MiB "
        "OpenRouter takes: use smaller images", len >> 20,
        APIGO_OPENROUTER_MAX_BODY >> 20);
    return NULL;
  }
  return g_bytes_new_take (text, len);
}
