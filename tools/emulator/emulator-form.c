/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "emulator-form.h"
#include "apigo-emulator-private.h"

#include <string.h>

static void
take_file (EmuForm * form, GBytes * bytes, const gchar * name,
    const gchar * type)
{
  /* The first one wins, like for plain fields. */
  if (form->file)
    return;
  form->file = g_bytes_ref (bytes);
  form->file_name = g_strdup (name);
  form->file_type = g_strdup (type);
}

static void
add_field (EmuForm * form, const gchar * name, gchar * value)
{
  if (g_hash_table_contains (form->fields, name))
    g_free (value);
  else
    g_hash_table_insert (form->fields, g_strdup (name), value);
}

/* A part without a type is text, as in HTML forms. */
static gboolean
is_text (const gchar * type)
{
  return type == NULL || g_ascii_strcasecmp (type, "text/plain") == 0;
}

static gboolean
parse_multipart (SoupServerMessage * msg, GBytes * body, EmuForm * form,
    EmuProblem * problem)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMultipart *multipart;
  gint i, n;

  multipart = soup_multipart_new_from_message (headers, body);
  if (multipart == NULL) {
    emu_problem_set (problem, NULL, "invalid_multipart",
        "The multipart/form-data body could not be parsed.");
    return FALSE;
  }

  n = soup_multipart_get_length (multipart);
  for (i = 0; i < n; i++) {
    SoupMessageHeaders *part_headers;
    GBytes *part_body;
    g_autofree gchar *disposition = NULL;
    g_autoptr (GHashTable) params = NULL;
    const gchar *name;
    gsize size;
    gconstpointer data;

    if (!soup_multipart_get_part (multipart, i, &part_headers, &part_body) ||
        !soup_message_headers_get_content_disposition (part_headers,
            &disposition, &params))
      continue;
    name = g_hash_table_lookup (params, "name");
    if (name == NULL)
      continue;

    /* Every file part, whatever its name (a last frame, reference
     * images...), for the log; the input reference is also used. */
    if ((g_hash_table_contains (params, "filename")
            && !g_str_equal (name, EMU_FORM_VIDEO_FIELD))
        || g_str_equal (name, EMU_FORM_FILE_FIELD))
      apigo_emulator_files_add (form->files, name,
          g_hash_table_lookup (params, "filename"),
          soup_message_headers_get_content_type (part_headers, NULL),
          part_body);
    if (g_str_equal (name, EMU_FORM_FILE_FIELD)) {
      take_file (form, part_body, g_hash_table_lookup (params, "filename"),
          soup_message_headers_get_content_type (part_headers, NULL));
      continue;
    }
    /* An uploaded video, not a text field. */
    if (g_str_equal (name, EMU_FORM_VIDEO_FIELD) &&
        (g_hash_table_contains (params, "filename") ||
            !is_text (soup_message_headers_get_content_type (part_headers,
                    NULL)))) {
      form->video_other = TRUE;
      continue;
    }
    if (g_hash_table_contains (params, "filename"))
      continue;
    data = g_bytes_get_data (part_body, &size);
    add_field (form, name, g_strndup (data, size));
  }

  soup_multipart_free (multipart);
  return TRUE;
}

/* input_reference in JSON: {"image_url": "data:image/png;base64,..."}.  The
 * emulator never fetches anything, so other URLs and file ids are refused. */
static gboolean
parse_json_reference (JsonNode * node, EmuForm * form, EmuProblem * problem)
{
  JsonObject *object;
  const gchar *url;
  g_autofree gchar *type = NULL;
  g_autoptr (GBytes) bytes = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto refuse;
  object = json_node_get_object (node);
  url = json_object_get_string_member_with_default (object, "image_url", NULL);
  if (url == NULL || !g_str_has_prefix (url, "data:"))
    goto refuse;
  bytes = soup_uri_decode_data_uri (url, &type);
  if (bytes == NULL)
    goto refuse;
  take_file (form, bytes, NULL, type);
  return TRUE;

refuse:
  emu_problem_set (problem, EMU_FORM_FILE_FIELD, "invalid_value",
      "The emulator takes input_reference as an uploaded file or as "
      "{\"image_url\": \"data:...\"}.");
  return FALSE;
}

/* "video": {"id": "video_..."}; the emulator takes nothing else there. */
static void
parse_json_video (JsonNode * node, EmuForm * form)
{
  JsonObject *object;
  JsonNode *id;

  if (JSON_NODE_HOLDS_OBJECT (node)) {
    object = json_node_get_object (node);
    id = json_object_get_member (object, "id");
    if (id && JSON_NODE_HOLDS_VALUE (id) &&
        json_node_get_value_type (id) == G_TYPE_STRING) {
      add_field (form, EMU_FORM_VIDEO_ID, json_node_dup_string (id));
      return;
    }
  }
  form->video_other = TRUE;
}

static gboolean
parse_json (GBytes * body, EmuForm * form, EmuProblem * problem)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObjectIter iter;
  const gchar *name;
  JsonNode *node;
  JsonNode *root;
  gsize size;
  gconstpointer data = g_bytes_get_data (body, &size);

  if (!json_parser_load_from_data (parser, data, size, &error)) {
    emu_problem_set (problem, NULL, "invalid_json",
        "We could not parse the JSON body of your request: %s", error->message);
    return FALSE;
  }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    emu_problem_set (problem, NULL, "invalid_json",
        "The JSON body of your request must be an object.");
    return FALSE;
  }

  json_object_iter_init (&iter, json_node_get_object (root));
  while (json_object_iter_next (&iter, &name, &node)) {
    GType type;

    if (g_str_equal (name, EMU_FORM_FILE_FIELD)) {
      if (!parse_json_reference (node, form, problem))
        return FALSE;
      continue;
    }
    if (g_str_equal (name, EMU_FORM_VIDEO_FIELD)) {
      parse_json_video (node, form);
      continue;
    }
    /* Unknown shapes are ignored, like unknown fields. */
    if (!JSON_NODE_HOLDS_VALUE (node))
      continue;

    type = json_node_get_value_type (node);
    if (type == G_TYPE_STRING) {
      add_field (form, name, json_node_dup_string (node));
    } else if (type == G_TYPE_INT64) {
      add_field (form, name, g_strdup_printf ("%" G_GINT64_FORMAT,
              json_node_get_int (node)));
    } else if (type == G_TYPE_DOUBLE) {
      gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

      add_field (form, name, g_strdup (g_ascii_dtostr (buf, sizeof (buf),
                  json_node_get_double (node))));
    } else if (type == G_TYPE_BOOLEAN) {
      add_field (form, name,
          g_strdup (json_node_get_boolean (node) ? "true" : "false"));
    }
  }
  return TRUE;
}

static gboolean
parse_urlencoded (GBytes * body, EmuForm * form)
{
  gsize size;
  gconstpointer data = g_bytes_get_data (body, &size);
  g_autofree gchar *text = g_strndup (data, size);
  g_autoptr (GHashTable) decoded = soup_form_decode (text);
  GHashTableIter iter;
  gpointer name, value;

  g_hash_table_iter_init (&iter, decoded);
  while (g_hash_table_iter_next (&iter, &name, &value))
    add_field (form, name, g_strdup (value));
  return TRUE;
}

gboolean
emu_form_parse (SoupServerMessage * msg, EmuForm * form, EmuProblem * problem)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *request_body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) body = soup_message_body_flatten (request_body);
  const gchar *type = soup_message_headers_get_content_type (headers, NULL);

  form->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  form->files = apigo_emulator_files_new ();

  if (type && g_ascii_strcasecmp (type, "multipart/form-data") == 0)
    return parse_multipart (msg, body, form, problem);
  if (type && g_ascii_strcasecmp (type, "application/json") == 0)
    return parse_json (body, form, problem);
  if (type && g_ascii_strcasecmp (type,
          "application/x-www-form-urlencoded") == 0)
    return parse_urlencoded (body, form);

  emu_problem_set (problem, NULL, "unsupported_content_type",
      "Unsupported Content-Type '%s': send multipart/form-data, "
      "application/json or application/x-www-form-urlencoded.",
      type ? type : "");
  return FALSE;
}

void
emu_form_clear (EmuForm * form)
{
  g_clear_pointer (&form->fields, g_hash_table_unref);
  g_clear_pointer (&form->file, g_bytes_unref);
  g_clear_pointer (&form->file_name, g_free);
  g_clear_pointer (&form->file_type, g_free);
  g_clear_pointer (&form->files, g_ptr_array_unref);
  form->video_other = FALSE;
}

const gchar *
emu_sniff_image (GBytes * bytes)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (bytes, &n);

  if (n >= 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff)
    return "image/jpeg";
  if (n >= 8 && memcmp (d, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "image/png";
  if (n >= 12 && memcmp (d, "RIFF", 4) == 0 && memcmp (d + 8, "WEBP", 4) == 0)
    return "image/webp";
  return NULL;
}
