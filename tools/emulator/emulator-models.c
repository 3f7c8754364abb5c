/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "emulator-models.h"
#include "emulator-answer.h"

#include <string.h>

/* When the models were "released": fixed, so that answers are the same
 * from run to run. */
#define CREATED 1759276800

/* OpenRouter's VideoModel shape (docs/dialects.md §1.6); null is "not
 * stated".  Sora takes sizes, Veo resolutions and aspect ratios. */
static const gchar builtin[] =
    "{\"data\":["
    "{\"id\":\"sora-2\",\"canonical_slug\":\"sora-2\",\"name\":\"Sora 2\","
    "\"description\":\"OpenAI's video model, with sound\","
    "\"created\":1759276800,"
    "\"supported_durations\":[4,8,12],"
    "\"supported_resolutions\":null,\"supported_aspect_ratios\":null,"
    "\"supported_sizes\":[\"720x1280\",\"1280x720\"],"
    "\"supported_frame_images\":[\"first_frame\"],"
    "\"generate_audio\":true,\"seed\":false,"
    "\"pricing_skus\":{\"per-video-second\":\"0.10\"},"
    "\"allowed_passthrough_parameters\":[]},"
    "{\"id\":\"sora-2-pro\",\"canonical_slug\":\"sora-2-pro\","
    "\"name\":\"Sora 2 Pro\","
    "\"description\":\"Sora 2 at higher quality and sizes\","
    "\"created\":1759276800,"
    "\"supported_durations\":[4,8,12],"
    "\"supported_resolutions\":null,\"supported_aspect_ratios\":null,"
    "\"supported_sizes\":[\"720x1280\",\"1280x720\",\"1024x1792\","
    "\"1792x1024\"],"
    "\"supported_frame_images\":[\"first_frame\"],"
    "\"generate_audio\":true,\"seed\":false,"
    "\"pricing_skus\":{\"per-video-second\":\"0.30\","
    "\"per-video-second-1024p\":\"0.50\"},"
    "\"allowed_passthrough_parameters\":[]},"
    "{\"id\":\"veo-3\",\"canonical_slug\":\"veo-3\",\"name\":\"Veo 3\","
    "\"description\":\"A model that is not Sora: resolutions, aspect "
    "ratios, a last frame\","
    "\"created\":1759276800,"
    "\"supported_durations\":[4,6,8],"
    "\"supported_resolutions\":[\"720p\",\"1080p\"],"
    "\"supported_aspect_ratios\":[\"16:9\",\"9:16\"],"
    "\"supported_sizes\":null,"
    "\"supported_frame_images\":[\"first_frame\",\"last_frame\"],"
    "\"generate_audio\":true,\"seed\":true,"
    "\"pricing_skus\":{\"per-video-second\":\"0.40\","
    "\"per-video-second-1080p\":\"0.60\"},"
    "\"allowed_passthrough_parameters\":[\"negative_prompt\"]}"
    "]}";

/* In openrouter mode, the same models under OpenRouter's names. */
static const gchar builtin_openrouter[] =
    "{\"data\":["
    "{\"id\":\"openai/sora-2\",\"canonical_slug\":\"openai/sora-2\","
    "\"name\":\"OpenAI: Sora 2\","
    "\"description\":\"OpenAI's video model, with sound\","
    "\"created\":1759276800,"
    "\"supported_durations\":[4,8,12],"
    "\"supported_resolutions\":[\"720p\"],"
    "\"supported_aspect_ratios\":[\"16:9\",\"9:16\"],"
    "\"supported_sizes\":[\"720x1280\",\"1280x720\"],"
    "\"supported_frame_images\":[\"first_frame\"],"
    "\"generate_audio\":true,\"seed\":false,"
    "\"pricing_skus\":{\"per-video-second\":\"0.10\"},"
    "\"allowed_passthrough_parameters\":[]},"
    "{\"id\":\"google/veo-3.1\",\"canonical_slug\":\"google/veo-3.1\","
    "\"name\":\"Google: Veo 3.1\","
    "\"description\":\"A model that is not Sora: resolutions, aspect "
    "ratios, a last frame\","
    "\"created\":1759276800,"
    "\"supported_durations\":[4,6,8],"
    "\"supported_resolutions\":[\"720p\",\"1080p\"],"
    "\"supported_aspect_ratios\":[\"16:9\",\"9:16\"],"
    "\"supported_sizes\":null,"
    "\"supported_frame_images\":[\"first_frame\",\"last_frame\"],"
    "\"generate_audio\":true,\"seed\":true,"
    "\"pricing_skus\":{\"per-video-second\":\"0.40\","
    "\"per-video-second-1080p\":\"0.60\"},"
    "\"allowed_passthrough_parameters\":[\"negative_prompt\"]}"
    "]}";

static void
answer_text (SoupServerMessage * msg, const gchar * text)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
      text, strlen (text));
}

void
emu_models_answer_video (SoupServerMessage * msg, const gchar * body,
    gboolean openrouter)
{
  answer_text (msg, body ? body : openrouter ? builtin_openrouter : builtin);
}

void
emu_models_answer_generic (SoupServerMessage * msg, const gchar * body)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  JsonNode *data;
  JsonArray *models;
  guint i;

  if (!json_parser_load_from_data (parser, body ? body : builtin, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser))
      || (data = json_object_get_member (json_node_get_object
              (json_parser_get_root (parser)), "data")) == NULL
      || !JSON_NODE_HOLDS_ARRAY (data)) {
    answer_text (msg, body);
    return;
  }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "list");
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  models = json_node_get_array (data);
  for (i = 0; i < json_array_get_length (models); i++) {
    JsonNode *node = json_array_get_element (models, i);
    JsonObject *model;

    if (!JSON_NODE_HOLDS_OBJECT (node))
      continue;
    model = json_node_get_object (node);
    if (!json_object_has_member (model, "id"))
      continue;
    json_builder_begin_object (b);
    json_builder_set_member_name (b, "id");
    json_builder_add_value (b, json_node_copy (json_object_get_member (model,
                "id")));
    json_builder_set_member_name (b, "object");
    json_builder_add_string_value (b, "model");
    json_builder_set_member_name (b, "created");
    json_builder_add_int_value (b, CREATED);
    json_builder_set_member_name (b, "owned_by");
    json_builder_add_string_value (b, "apigo-emulator");
    json_builder_end_object (b);
  }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  emu_answer_json (msg, SOUP_STATUS_OK, root);
}
