/* gst-apigo: the command-line tool
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * models: the models the service lists, and what each takes
 * (apigo-models.h).  GET {base}/videos/models, where gateways that imitate
 * OpenRouter state it, else GET {base}/models (ids only).
 */

#include "gst-apigo.h"
#include "apigo-client.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* A cell of the table at most this wide. */
#define CELL_MAX 40

enum
{
  COL_ID, COL_SECONDS, COL_SIZES, COL_RESOLUTIONS, COL_ASPECT, COL_FRAMES,
  COL_AUDIO, COL_SEED, COL_PRICE, N_COLS
};

static const gchar *const headings[N_COLS] = {
  "ID", "SECONDS", "SIZES", "RESOLUTIONS", "ASPECT RATIOS", "FRAME IMAGES",
  "AUDIO", "SEED", "PRICE"
};

/* "a, b, c"; "-" when not stated. */
static gchar *
list_text_max (GStrv list, guint max)
{
  g_autofree gchar *joined = NULL;

  if (list == NULL)
    return g_strdup ("-");
  if (list[0] == NULL)
    return g_strdup ("none");
  joined = g_strjoinv (", ", list);
  return tool_text (joined, max);
}

static gchar *
list_text (GStrv list)
{
  return list_text_max (list, CELL_MAX);
}

static gchar *
durations_text (GArray * durations)
{
  GString *text;
  guint i;

  if (durations == NULL)
    return g_strdup ("-");
  if (durations->len == 0)
    return g_strdup ("none");
  text = g_string_new (NULL);
  for (i = 0; i < durations->len; i++)
    g_string_append_printf (text, "%s%u", i ? ", " : "",
        g_array_index (durations, guint, i));
  return g_string_free (text, FALSE);
}

static const gchar *
flag_text (gint flag)
{
  return flag < 0 ? "-" : flag ? "yes" : "no";
}

/* The cells of @m's row. */
static void
row_of (const ApigoModel * m, gchar ** cells)
{
  cells[COL_ID] = tool_text (m->id, 60);
  cells[COL_SECONDS] = durations_text (m->durations);
  cells[COL_SIZES] = list_text (m->sizes);
  cells[COL_RESOLUTIONS] = list_text (m->resolutions);
  cells[COL_ASPECT] = list_text (m->aspect_ratios);
  cells[COL_FRAMES] = list_text (m->frame_images);
  cells[COL_AUDIO] = g_strdup (flag_text (m->generate_audio));
  cells[COL_SEED] = g_strdup (flag_text (m->seed));
  /* The last column: nothing to keep in line after it. */
  cells[COL_PRICE] = list_text_max (m->pricing, 200);
}

static void
print_table (const ApigoModelList * list)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_strfreev);
  gint widths[N_COLS];
  guint i, c;

  for (c = 0; c < N_COLS; c++)
    widths[c] = g_utf8_strlen (headings[c], -1);
  for (i = 0; i < list->models->len; i++) {
    gchar **cells = g_new0 (gchar *, N_COLS + 1);

    row_of (g_ptr_array_index (list->models, i), cells);
    for (c = 0; c < N_COLS; c++)
      widths[c] = MAX (widths[c], (gint) g_utf8_strlen (cells[c], -1));
    g_ptr_array_add (rows, cells);
  }

  for (c = 0; c < N_COLS; c++)
    g_print ("%-*s%s", c + 1 < N_COLS ? widths[c] : 0, headings[c],
        c + 1 < N_COLS ? "  " : "\n");
  for (i = 0; i < rows->len; i++) {
    gchar **cells = g_ptr_array_index (rows, i);

    for (c = 0; c < N_COLS; c++) {
      /* Padded by characters, not bytes. */
      gint pad = c + 1 < N_COLS ? widths[c] - g_utf8_strlen (cells[c], -1) :
          0;

      g_print ("%s%*s%s", cells[c], pad, "", c + 1 < N_COLS ? "  " : "\n");
    }
  }
  if (list->source == APIGO_MODELS_GENERIC)
    g_print ("\nThe service lists ids only (GET /models): it decides what "
        "each model takes.\n");
}

static void
add_strv (JsonBuilder * b, const gchar * name, GStrv list)
{
  guint i;

  json_builder_set_member_name (b, name);
  if (list == NULL) {
    json_builder_add_null_value (b);
    return;
  }
  json_builder_begin_array (b);
  for (i = 0; list[i] != NULL; i++)
    json_builder_add_string_value (b, list[i]);
  json_builder_end_array (b);
}

static void
add_flag (JsonBuilder * b, const gchar * name, gint flag)
{
  json_builder_set_member_name (b, name);
  if (flag < 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_boolean_value (b, flag);
}

static void
add_text (JsonBuilder * b, const gchar * name, const gchar * text)
{
  json_builder_set_member_name (b, name);
  if (text != NULL)
    json_builder_add_string_value (b, text);
  else
    json_builder_add_null_value (b);
}

/* OpenRouter's member names, null where not stated. */
static void
add_model (JsonBuilder * b, const ApigoModel * m)
{
  guint i;

  json_builder_begin_object (b);
  add_text (b, "id", m->id);
  add_text (b, "name", m->name);
  add_text (b, "description", m->description);
  json_builder_set_member_name (b, "supported_durations");
  if (m->durations == NULL) {
    json_builder_add_null_value (b);
  } else {
    json_builder_begin_array (b);
    for (i = 0; i < m->durations->len; i++)
      json_builder_add_int_value (b, g_array_index (m->durations, guint, i));
    json_builder_end_array (b);
  }
  add_strv (b, "supported_sizes", m->sizes);
  add_strv (b, "supported_resolutions", m->resolutions);
  add_strv (b, "supported_aspect_ratios", m->aspect_ratios);
  add_strv (b, "supported_frame_images", m->frame_images);
  add_flag (b, "generate_audio", m->generate_audio);
  add_flag (b, "seed", m->seed);
  json_builder_set_member_name (b, "pricing_skus");
  if (m->pricing == NULL) {
    json_builder_add_null_value (b);
  } else {
    json_builder_begin_object (b);
    for (i = 0; m->pricing[i] != NULL; i++) {
      const gchar *eq = strchr (m->pricing[i], '=');
      g_autofree gchar *sku = g_strndup (m->pricing[i], eq - m->pricing[i]);

      json_builder_set_member_name (b, sku);
      json_builder_add_string_value (b, eq + 1);
    }
    json_builder_end_object (b);
  }
  add_strv (b, "allowed_passthrough_parameters", m->passthrough);
  json_builder_end_object (b);
}

static void
print_json (const ApigoModelList * list)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *text = NULL;
  guint i;

  json_builder_begin_array (b);
  for (i = 0; i < list->models->len; i++)
    add_model (b, g_ptr_array_index (list->models, i));
  json_builder_end_array (b);

  root = json_builder_get_root (b);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

gint
tool_models (const ToolOptions * options)
{
  g_autoptr (ApigoClient) client = NULL;
  g_autoptr (GError) error = NULL;
  ApigoModelList *list;

  if (options->args[0] != NULL) {
    tool_error ("models takes no argument");
    return TOOL_USAGE;
  }
  client = tool_new_client (options);
  if (client == NULL)
    return TOOL_FAILED;
  list = apigo_client_list_models (client, APIGO_MODELS_ANY, NULL, &error);
  if (list == NULL) {
    tool_error ("%s", error->message);
    return TOOL_FAILED;
  }

  if (options->json)
    print_json (list);
  else if (list->models->len == 0)
    g_print ("The service lists no models\n");
  else
    print_table (list);
  apigo_model_list_free (list);
  return TOOL_OK;
}
