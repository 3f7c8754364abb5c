/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-images.h"
#include "apigo-error.h"
#include "apigo-json.h"
#include "apigo-parameters.h"
#include "apigo-reference.h"

#include <string.h>

/* A name goes into a form part's header and into the clip key: letters,
 * digits and what field names of gateways use (last_frame,
 * reference_images[]), nothing that could end or quote it. */
static gboolean
name_is_safe (const gchar * name)
{
  if (*name == '\0' || strlen (name) > APIGO_IMAGES_NAME_MAX)
    return FALSE;
  for (; *name != '\0'; name++)
    if (!g_ascii_isalnum (*name) && strchr ("_-[]", *name) == NULL)
      return FALSE;
  return TRUE;
}

/* Whether @node is a string of at least one character. */
static gboolean
is_path (JsonNode * node)
{
  return JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING
      && *json_node_get_string (node) != '\0';
}

static gboolean
check_members (JsonObject * object, GError ** error)
{
  g_autoptr (GList) members = json_object_get_members (object);
  GList *l;

  if (g_list_length (members) > APIGO_IMAGES_MAX)
    return apigo_bad_setting (error,
        "it names %u images, more than the %d allowed",
        g_list_length (members), APIGO_IMAGES_MAX);
  for (l = members; l != NULL; l = l->next) {
    const gchar *name = l->data;

    /* Not shown: it may hold anything, a line break too. */
    if (!name_is_safe (name))
      return apigo_bad_setting (error,
          "a field name is empty, longer than %d "
          "characters or not only letters, digits and _-[]",
          APIGO_IMAGES_NAME_MAX);
    if (apigo_parameters_is_own_field (name))
      return apigo_bad_setting (error,
          "\"%s\" is set by its own property or URI "
          "parameter, not here", name);
    if (!is_path (json_object_get_member (object, name)))
      return apigo_bad_setting (error,
          "the value of \"%s\" is not the path of a file "
          "(a non-empty string)", name);
  }
  return TRUE;
}

JsonObject *
apigo_images_parse (const gchar * text, GError ** error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) parse_error = NULL;
  JsonNode *root;
  JsonObject *object;

  /* Checked first: json-glib recurses once a level. */
  if (!apigo_json_load (parser, text, strlen (text), &parse_error)) {
    apigo_bad_setting (error,
        "it is not JSON (%s)", parse_error->message);
    return NULL;
  }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    apigo_bad_setting (error,
        "it is not a JSON object ({\"field_name\": \"path\", "
        "...})");
    return NULL;
  }
  object = json_node_get_object (root);
  if (!check_members (object, error))
    return NULL;
  return json_object_ref (object);
}

static gint
by_name (gconstpointer a, gconstpointer b)
{
  return strcmp (a, b);
}

gboolean
apigo_images_load (const gchar * text, const gchar * parameters,
    ApigoJobImage ** images, guint * n_images, GError ** error)
{
  g_autoptr (JsonObject) object = apigo_images_parse (text, error);
  g_autoptr (JsonObject) params = NULL;
  g_autoptr (GList) members = NULL;
  ApigoJobImage *out;
  GList *l;
  guint n = 0, i;

  *images = NULL;
  *n_images = 0;
  if (object == NULL)
    return FALSE;
  if (parameters != NULL)
    params = apigo_parameters_parse (parameters, NULL);
  /* Sorted: the same images in another order are the same request. */
  members = g_list_sort (json_object_get_members (object), by_name);
  out = g_new0 (ApigoJobImage, MAX (g_list_length (members), 1));
  for (l = members; l != NULL; l = l->next, n++) {
    const gchar *name = l->data;
    const gchar *path = json_object_get_string_member (object, name);
    g_autofree gchar *what = g_strdup_printf ("%s image", name);
    const gchar *type = NULL;
    GBytes *data;

    if (params != NULL && json_object_has_member (params, name)) {
      apigo_bad_setting (error,
          "\"%s\" is also a member of the parameters: set it in "
          "one place", name);
      break;
    }
    data = apigo_reference_load_as (what, path, &type, error);
    if (data == NULL)
      break;
    out[n].name = g_strdup (name);
    out[n].data = data;
    out[n].filename = g_path_get_basename (path);
    out[n].content_type = g_strdup (type);
  }
  if (l != NULL) {
    for (i = 0; i < n; i++) {
      g_free (out[i].name);
      g_bytes_unref (out[i].data);
      g_free (out[i].filename);
      g_free (out[i].content_type);
    }
    g_free (out);
    return FALSE;
  }
  if (n == 0) {
    g_free (out);
    return TRUE;
  }
  *images = out;
  *n_images = n;
  return TRUE;
}
