/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-parameters.h"
#include "apigo-error.h"
#include "apigo-json.h"

#include <string.h>

/* What the element sends itself, in a create or a remix, extension or
 * edit: set by their own properties, never twice. */
static const gchar *const own_fields[] = {
  "model", "prompt", "size", "seconds", "input_reference", "video", NULL
};

gboolean
apigo_parameters_is_own_field (const gchar * name)
{
  return g_strv_contains (own_fields, name);
}

/* A name goes into a form part's header: no line break or other control
 * character may end it and add headers of its own. */
static gboolean
name_is_printable (const gchar * name)
{
  for (; *name != '\0'; name++)
    if (g_ascii_iscntrl (*name))
      return FALSE;
  return TRUE;
}

JsonObject *
apigo_parameters_parse (const gchar * text, GError ** error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (GList) members = NULL;
  JsonNode *root;
  JsonObject *object;
  GList *l;

  /* Checked first like the service's answers: json-glib recurses once a
   * level, and "[[[[..." would overflow the stack. */
  if (!apigo_json_load (parser, text, strlen (text), &parse_error)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "it is not JSON (%s)", parse_error->message);
    return NULL;
  }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "it is not a JSON object ({\"name\": value, ...})");
    return NULL;
  }
  object = json_node_get_object (root);
  members = json_object_get_members (object);
  for (l = members; l != NULL; l = l->next) {
    const gchar *name = l->data;
    JsonNode *value = json_object_get_member (object, name);

    if (g_strv_contains (own_fields, name)) {
      g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
          "\"%s\" is set by its own property or URI parameter, not here",
          name);
      return NULL;
    }
    if (!name_is_printable (name)) {
      g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
          "a name holds a control character (a line break?)");
      return NULL;
    }
    if (*name == '\0' || !JSON_NODE_HOLDS_VALUE (value)) {
      g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
          "\"%s\" is not a string, a number or a boolean", name);
      return NULL;
    }
  }
  return json_object_ref (object);
}

static gint
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (a, b);
}

gchar *
apigo_parameters_canonical (const gchar * text)
{
  g_autoptr (JsonObject) object = apigo_parameters_parse (text, NULL);
  g_autoptr (JsonObject) sorted = json_object_new ();
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (GList) members = NULL;
  GList *l;

  g_return_val_if_fail (object != NULL, NULL);
  if (json_object_get_size (object) == 0)
    return NULL;
  members = g_list_sort (json_object_get_members (object), by_name);
  for (l = members; l != NULL; l = l->next)
    json_object_set_member (sorted, l->data,
        json_node_copy (json_object_get_member (object, l->data)));
  json_node_set_object (root, sorted);
  return json_to_string (root, FALSE);
}

void
apigo_parameters_foreach (const gchar * text, JsonObjectForeach func,
    gpointer user_data)
{
  g_autoptr (JsonObject) object = NULL;

  if (text != NULL && (object = apigo_parameters_parse (text, NULL)) != NULL)
    json_object_foreach_member (object, func, user_data);
}

gchar *
apigo_parameters_value_text (JsonNode * value)
{
  switch (json_node_get_value_type (value)) {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (value));
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (value) ? "true" : "false");
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (value));
    default:
      /* A number with a fraction, as JSON writes it. */
      return json_to_string (value, FALSE);
  }
}
