/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "emulator-openrouter.h"

#include <stdio.h>
#include <string.h>

/* The resolutions the emulator renders, by their short side; OpenRouter's
 * 1K, 2K and 4K are refused. */
static const gchar *const resolutions[] = { "480p", "720p", "768p", "1080p",
  NULL
};

static const gchar *const aspect_ratios[] = {
  "16:9", "9:16", "1:1", "4:3", "3:4", "3:2", "2:3", "21:9", "9:21", NULL
};

static const gchar *
string_member (JsonObject * object, const gchar * name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* WIDTHxHEIGHT for @resolution and @ratio, both from the lists above:
 * the short side is the resolution's, both sides even. */
static gchar *
size_for (const gchar * resolution, const gchar * ratio)
{
  guint side = (guint) g_ascii_strtoull (resolution, NULL, 10);
  guint a, b, longer;

  if (sscanf (ratio, "%u:%u", &a, &b) != 2)
    return NULL;
  longer = (side * MAX (a, b) / MIN (a, b) + 1) & ~1u;
  return a >= b ? g_strdup_printf ("%ux%u", longer, side) :
      g_strdup_printf ("%ux%u", side, longer);
}

/* The bytes of {"type": "image_url", "image_url": {"url": "data:..."}};
 * the emulator never fetches a URL. */
static GBytes *
read_image_part (JsonNode * node, gchar ** type, EmuProblem * problem,
    const gchar * field)
{
  JsonObject *part, *image_url;
  const gchar *url;
  GBytes *bytes;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto refuse;
  part = json_node_get_object (node);
  if (g_strcmp0 (string_member (part, "type"), "image_url") != 0
      || !json_object_has_member (part, "image_url")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (part, "image_url")))
    goto refuse;
  image_url = json_object_get_object_member (part, "image_url");
  url = string_member (image_url, "url");
  if (url == NULL || !g_str_has_prefix (url, "data:"))
    goto refuse;
  bytes = soup_uri_decode_data_uri (url, type);
  if (bytes == NULL)
    goto refuse;
  return bytes;

refuse:
  emu_problem_set (problem, field, "invalid_value", "Invalid '%s': each "
      "entry must be {\"type\": \"image_url\", \"image_url\": {\"url\": "
      "\"data:...\"}} (the emulator fetches no other URL).", field);
  return NULL;
}

static gboolean
read_images (JsonObject * body, EmuForm * sora, EmuProblem * problem)
{
  JsonArray *array;
  guint i;

  if (json_object_has_member (body, "frame_images")) {
    if (!JSON_NODE_HOLDS_ARRAY (json_object_get_member (body,
                "frame_images")))
      goto not_array;
    array = json_object_get_array_member (body, "frame_images");
    for (i = 0; i < json_array_get_length (array); i++) {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree gchar *type = NULL;
      g_autoptr (GBytes) bytes = read_image_part (node, &type, problem,
          "frame_images");
      const gchar *frame;

      if (bytes == NULL)
        return FALSE;
      frame = string_member (json_node_get_object (node), "frame_type");
      if (g_strcmp0 (frame, "first_frame") != 0
          && g_strcmp0 (frame, "last_frame") != 0) {
        emu_problem_set (problem, "frame_images", "invalid_value",
            "Invalid 'frame_images': frame_type must be 'first_frame' or "
            "'last_frame'.");
        return FALSE;
      }
      /* The first frame is rendered as the reference; a last frame is
       * only checked. */
      if (g_str_equal (frame, "first_frame") && sora->file == NULL) {
        sora->file = g_steal_pointer (&bytes);
        sora->file_type = g_steal_pointer (&type);
      }
    }
  }
  if (json_object_has_member (body, "input_references")) {
    if (!JSON_NODE_HOLDS_ARRAY (json_object_get_member (body,
                "input_references")))
      goto not_array;
    array = json_object_get_array_member (body, "input_references");
    for (i = 0; i < json_array_get_length (array); i++) {
      g_autofree gchar *type = NULL;
      g_autoptr (GBytes) bytes = read_image_part (json_array_get_element
          (array, i), &type, problem, "input_references");

      if (bytes == NULL)
        return FALSE;
    }
  }
  return TRUE;

not_array:
  emu_problem_set (problem, NULL, "invalid_value",
      "Invalid image list: 'frame_images' and 'input_references' are "
      "arrays.");
  return FALSE;
}

static gboolean
read_size (JsonObject * body, EmuForm * sora, EmuProblem * problem)
{
  const gchar *size = string_member (body, "size");
  const gchar *resolution = string_member (body, "resolution");
  const gchar *ratio = string_member (body, "aspect_ratio");

  if (size != NULL) {
    g_hash_table_insert (sora->fields, g_strdup ("size"), g_strdup (size));
    return TRUE;
  }
  /* The model's defaults, for the emulator's models. */
  if (resolution == NULL && !json_object_has_member (body, "resolution"))
    resolution = "720p";
  if (ratio == NULL && !json_object_has_member (body, "aspect_ratio"))
    ratio = "16:9";
  if (resolution == NULL || !g_strv_contains (resolutions, resolution)) {
    emu_problem_set (problem, "resolution", "invalid_value", "Invalid "
        "'resolution': expected '480p', '720p', '768p' or '1080p'.");
    return FALSE;
  }
  if (ratio == NULL || !g_strv_contains (aspect_ratios, ratio)) {
    emu_problem_set (problem, "aspect_ratio", "invalid_value", "Invalid "
        "'aspect_ratio': expected one of 16:9, 9:16, 1:1, 4:3, 3:4, 3:2, "
        "2:3, 21:9, 9:21.");
    return FALSE;
  }
  g_hash_table_insert (sora->fields, g_strdup ("size"),
      size_for (resolution, ratio));
  return TRUE;
}

gboolean
emu_openrouter_read_create (SoupServerMessage * msg, EmuForm * sora,
    gchar ** json_body, EmuProblem * problem)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const gchar *type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr (GBytes) body = soup_message_body_flatten
      (soup_server_message_get_request_body (msg));
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonNode *root, *duration;
  const gchar *text;
  gsize len;

  sora->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  if (type == NULL || g_ascii_strcasecmp (type, "application/json") != 0) {
    emu_problem_set (problem, NULL, "unsupported_content_type",
        "Unsupported Content-Type '%s': send application/json.",
        type ? type : "");
    return FALSE;
  }
  text = g_bytes_get_data (body, &len);
  *json_body = g_strndup (text, len);
  if (!json_parser_load_from_data (parser, text, len, NULL)
      || (root = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (root)) {
    emu_problem_set (problem, NULL, "invalid_json",
        "The body must be a JSON object.");
    return FALSE;
  }
  object = json_node_get_object (root);

  if (string_member (object, "model") != NULL)
    g_hash_table_insert (sora->fields, g_strdup ("model"),
        g_strdup (string_member (object, "model")));
  if (string_member (object, "prompt") != NULL)
    g_hash_table_insert (sora->fields, g_strdup ("prompt"),
        g_strdup (string_member (object, "prompt")));
  duration = json_object_get_member (object, "duration");
  if (duration != NULL) {
    if (!JSON_NODE_HOLDS_VALUE (duration)
        || json_node_get_value_type (duration) != G_TYPE_INT64) {
      emu_problem_set (problem, "duration", "invalid_type",
          "Invalid 'duration': expected an integer.");
      return FALSE;
    }
    g_hash_table_insert (sora->fields, g_strdup ("seconds"),
        g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (duration)));
  }
  return read_size (object, sora, problem)
      && read_images (object, sora, problem);
}

JsonNode *
emu_openrouter_job (SoupServerMessage * msg, JsonNode * task)
{
  JsonObject *from = json_node_get_object (task);
  g_autoptr (JsonObject) job = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  const gchar *id = json_object_get_string_member (from, "id");
  const gchar *status = json_object_get_string_member (from, "status");
  JsonNode *error = json_object_get_member (from, "error");
  g_autofree gchar *polling = g_strconcat (EMU_OPENROUTER_PREFIX,
      "/v1/videos/", id, NULL);

  json_object_set_string_member (job, "id", id);
  json_object_set_string_member (job, "generation_id", id);
  json_object_set_string_member (job, "polling_url", polling);
  json_object_set_string_member (job, "status",
      g_strcmp0 (status, "queued") == 0 ? "pending" : status);
  if (error != NULL && JSON_NODE_HOLDS_OBJECT (error))
    json_object_set_string_member (job, "error",
        json_object_get_string_member_with_default (json_node_get_object
            (error), "message", "failed"));
  if (g_strcmp0 (status, "completed") == 0) {
    GUri *uri = soup_server_message_get_uri (msg);
    g_autofree gchar *url = g_strdup_printf ("%s://%s:%d%s/content?index=0",
        g_uri_get_scheme (uri), g_uri_get_host (uri), g_uri_get_port (uri),
        polling);
    JsonArray *urls = json_array_new ();

    json_array_add_string_element (urls, url);
    json_object_set_array_member (job, "unsigned_urls", urls);
  }
  if (json_object_has_member (from, "usage"))
    json_object_set_member (job, "usage", json_node_copy
        (json_object_get_member (from, "usage")));
  json_node_set_object (node, job);
  return node;
}

gboolean
emu_openrouter_check_content (SoupServerMessage * msg, GHashTable * query)
{
  const gchar *index = query ? g_hash_table_lookup (query, "index") : NULL;

  if (query != NULL && g_hash_table_contains (query, "variant")) {
    emu_answer_error (msg, SOUP_STATUS_BAD_REQUEST, NULL, "variant", NULL,
        "Unknown parameter 'variant': outputs are chosen by 'index'.");
    return FALSE;
  }
  if (index != NULL && g_strcmp0 (index, "0") != 0) {
    emu_answer_error (msg, SOUP_STATUS_BAD_REQUEST, NULL, "index", NULL,
        "Invalid 'index': this job has one output, index 0.");
    return FALSE;
  }
  return TRUE;
}

void
emu_openrouter_rewrite_error (SoupServerMessage * msg)
{
  guint status = soup_server_message_get_status (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers
      (msg);
  const gchar *type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *message = NULL;
  JsonNode *old, *error;
  gsize len;
  const gchar *data;

  if (status < 400 || type == NULL
      || g_ascii_strcasecmp (type, "application/json") != 0)
    return;
  body = soup_message_body_flatten (soup_server_message_get_response_body
      (msg));
  data = g_bytes_get_data (body, &len);
  if (!json_parser_load_from_data (parser, data, len, NULL)
      || (old = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (old))
    return;
  error = json_object_get_member (json_node_get_object (old), "error");
  if (error != NULL && JSON_NODE_HOLDS_OBJECT (error))
    message = g_strdup (json_object_get_string_member_with_default
        (json_node_get_object (error), "message", NULL));
  if (message == NULL)
    message = g_strdup (soup_status_get_phrase (status));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_int_value (b, status);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "metadata");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "provider_name");
  json_builder_add_string_value (b, "apigo-emulator");
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  /* Keeps the status, its phrase and the headers (Retry-After...). */
  {
    gchar *text = json_to_string (root, FALSE);

    soup_message_body_truncate (soup_server_message_get_response_body (msg));
    soup_server_message_set_response (msg, "application/json",
        SOUP_MEMORY_TAKE, text, strlen (text));
  }
}
