/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-models.h"
#include "apigo-error.h"
#include "apigo-json.h"
#include "apigo-parameters.h"

#include <string.h>

/* A list answer is at most APIGO_CLIENT_JSON_MAX bytes; these keep what is
 * read of it (and the work of apigo_model_list_closest()) bounded. */
#define MAX_MODELS 2000
#define MAX_VALUES 64
#define MAX_ID_CHARS 200
#define MAX_DESCRIPTION_CHARS 300

static void
model_free (ApigoModel * m)
{
  g_free (m->id);
  g_free (m->name);
  g_free (m->description);
  if (m->durations != NULL)
    g_array_unref (m->durations);
  g_strfreev (m->sizes);
  g_strfreev (m->resolutions);
  g_strfreev (m->aspect_ratios);
  g_strfreev (m->frame_images);
  g_strfreev (m->passthrough);
  g_strfreev (m->pricing);
  g_free (m);
}

void
apigo_model_list_free (ApigoModelList * list)
{
  if (list == NULL)
    return;
  g_ptr_array_unref (list->models);
  g_free (list);
}

const gchar *
apigo_models_endpoint_path (ApigoModelsEndpoint endpoint)
{
  return endpoint == APIGO_MODELS_GENERIC ? "/models" : "/videos/models";
}

/* A string, number or boolean as tidy text; NULL otherwise. */
static gchar *
value_text (JsonNode * node, guint max_chars)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return apigo_service_text (json_node_get_string (node), -1, max_chars);
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_DOUBLE) {
    gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

    return g_strdup (g_ascii_dtostr (buf, sizeof (buf),
            json_node_get_double (node)));
  }
  return NULL;
}

static gchar *
member_text (JsonObject * obj, const gchar * name, guint max_chars)
{
  return value_text (json_object_get_member (obj, name), max_chars);
}

/* An array of text; NULL when not an array (null: not stated). */
static GStrv
member_strv (JsonObject * obj, const gchar * name)
{
  JsonNode *node = json_object_get_member (obj, name);
  g_autoptr (GStrvBuilder) b = NULL;
  JsonArray *array;
  guint i, n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  b = g_strv_builder_new ();
  array = json_node_get_array (node);
  n = MIN (json_array_get_length (array), MAX_VALUES);
  for (i = 0; i < n; i++) {
    g_autofree gchar *text = value_text (json_array_get_element (array, i),
        APIGO_SERVICE_WORD_MAX);

    if (text != NULL)
      g_strv_builder_add (b, text);
  }
  return g_strv_builder_end (b);
}

/* Whole seconds, from numbers or numeric text; NULL when not an array. */
static GArray *
member_durations (JsonObject * obj, const gchar * name)
{
  JsonNode *node = json_object_get_member (obj, name);
  JsonArray *array;
  GArray *out;
  guint i, n;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  out = g_array_new (FALSE, FALSE, sizeof (guint));
  array = json_node_get_array (node);
  n = MIN (json_array_get_length (array), MAX_VALUES);
  for (i = 0; i < n; i++) {
    g_autofree gchar *text = value_text (json_array_get_element (array, i),
        APIGO_SERVICE_WORD_MAX);
    guint64 v;

    if (text != NULL && g_ascii_isdigit (*text)
        && g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT, &v, NULL)) {
      guint seconds = v;

      g_array_append_val (out, seconds);
    }
  }
  return out;
}

/* -1 unless a JSON boolean. */
static gint
member_flag (JsonObject * obj, const gchar * name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return -1;
  return json_node_get_boolean (node) ? 1 : 0;
}

/* {"sku": "price"} as "sku=price" pairs; NULL when not an object. */
static GStrv
member_pricing (JsonObject * obj, const gchar * name)
{
  JsonNode *node = json_object_get_member (obj, name);
  g_autoptr (GStrvBuilder) b = NULL;
  JsonObject *skus;
  JsonObjectIter iter;
  const gchar *sku;
  JsonNode *price;
  guint n = 0;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  b = g_strv_builder_new ();
  skus = json_node_get_object (node);
  json_object_iter_init (&iter, skus);
  while (n < MAX_VALUES && json_object_iter_next (&iter, &sku, &price)) {
    g_autofree gchar *clean_sku = apigo_service_text (sku, -1,
        APIGO_SERVICE_WORD_MAX);
    g_autofree gchar *text = value_text (price, APIGO_SERVICE_WORD_MAX);
    g_autofree gchar *pair = NULL;

    if (clean_sku == NULL || text == NULL)
      continue;
    pair = g_strconcat (clean_sku, "=", text, NULL);
    g_strv_builder_add (b, pair);
    n++;
  }
  return g_strv_builder_end (b);
}

static ApigoModel *
model_from_node (JsonNode * node)
{
  ApigoModel *m;
  JsonObject *obj;
  gchar *id;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  obj = json_node_get_object (node);
  id = member_text (obj, "id", MAX_ID_CHARS);
  if (id == NULL)
    return NULL;

  m = g_new0 (ApigoModel, 1);
  m->id = id;
  m->name = member_text (obj, "name", MAX_ID_CHARS);
  m->description = member_text (obj, "description", MAX_DESCRIPTION_CHARS);
  m->durations = member_durations (obj, "supported_durations");
  m->sizes = member_strv (obj, "supported_sizes");
  m->resolutions = member_strv (obj, "supported_resolutions");
  m->aspect_ratios = member_strv (obj, "supported_aspect_ratios");
  m->frame_images = member_strv (obj, "supported_frame_images");
  m->passthrough = member_strv (obj, "allowed_passthrough_parameters");
  m->generate_audio = member_flag (obj, "generate_audio");
  m->seed = member_flag (obj, "seed");
  m->pricing = member_pricing (obj, "pricing_skus");
  return m;
}

ApigoModelList *
apigo_model_list_new_from_json (const gchar * data, gsize len,
    ApigoModelsEndpoint source, GError ** error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) parse_error = NULL;
  ApigoModelList *list;
  JsonNode *root, *items = NULL;
  JsonArray *array;
  guint i, n;

  if (!apigo_json_load (parser, data, len, &parse_error)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_PROTOCOL,
        "The service's model list is not valid JSON: %s",
        parse_error->message);
    return NULL;
  }
  root = json_parser_get_root (parser);
  /* {"data": [...]}, or the array alone. */
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    items = json_object_get_member (json_node_get_object (root), "data");
  else if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    items = root;
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_PROTOCOL,
        "The service's model list has no \"data\" array");
    return NULL;
  }

  list = g_new0 (ApigoModelList, 1);
  list->source = source == APIGO_MODELS_GENERIC ? APIGO_MODELS_GENERIC :
      APIGO_MODELS_VIDEO;
  list->models = g_ptr_array_new_with_free_func ((GDestroyNotify) model_free);
  array = json_node_get_array (items);
  n = json_array_get_length (array);
  for (i = 0; i < n && list->models->len < MAX_MODELS; i++) {
    ApigoModel *m = model_from_node (json_array_get_element (array, i));

    if (m != NULL)
      g_ptr_array_add (list->models, m);
  }
  return list;
}

const ApigoModel *
apigo_model_list_find (const ApigoModelList * list, const gchar * id)
{
  guint i;

  for (i = 0; id != NULL && i < list->models->len; i++) {
    const ApigoModel *m = g_ptr_array_index (list->models, i);

    if (g_strcmp0 (m->id, id) == 0)
      return m;
  }
  return NULL;
}

/* Levenshtein distance, bytes (ids are ASCII), both at most MAX_ID_CHARS
 * long as compared. */
static guint
distance (const gchar * a, const gchar * b)
{
  gsize la = MIN (strlen (a), MAX_ID_CHARS), lb = MIN (strlen (b),
      MAX_ID_CHARS);
  guint row[MAX_ID_CHARS + 1];
  gsize i, j;

  for (j = 0; j <= lb; j++)
    row[j] = j;
  for (i = 1; i <= la; i++) {
    guint diagonal = row[0];

    row[0] = i;
    for (j = 1; j <= lb; j++) {
      guint up = row[j];
      guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ?
          0 : 1;

      row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diagonal + cost);
      diagonal = up;
    }
  }
  return row[lb];
}

/* How far @candidate is from @id: "google/veo-3" is next to "veo-3", and
 * ids that hold it (sora-2-pro for sora-2) come before those that do
 * not. */
static guint
nearness (const gchar * id, const gchar * candidate)
{
  const gchar *slash = strrchr (candidate, '/');
  const gchar *tail = slash ? slash + 1 : candidate;
  g_autofree gchar *lower_id = g_ascii_strdown (id, -1);
  g_autofree gchar *lower = g_ascii_strdown (candidate, -1);

  if (*id != '\0' && strstr (lower, lower_id) != NULL)
    return distance (id, tail);
  return MAX_ID_CHARS + distance (id, candidate);
}

typedef struct
{
  guint score;
  guint index;
  const gchar *id;
} Candidate;

static gint
compare_candidates (gconstpointer a, gconstpointer b)
{
  const Candidate *x = a, *y = b;

  if (x->score != y->score)
    return x->score < y->score ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

/* "a, b or c" */
static gchar *
join_choices (const gchar * const *items, guint n)
{
  GString *text = g_string_new (NULL);
  guint i;

  for (i = 0; i < n; i++)
    g_string_append_printf (text, "%s%s", i == 0 ? "" : i + 1 == n ?
        " or " : ", ", items[i]);
  return g_string_free (text, FALSE);
}

gchar *
apigo_model_list_closest (const ApigoModelList * list, const gchar * id,
    guint max)
{
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autofree const gchar **ids = NULL;
  guint i, n;

  if (list->models->len == 0 || max == 0)
    return NULL;
  for (i = 0; i < list->models->len; i++) {
    const ApigoModel *m = g_ptr_array_index (list->models, i);
    Candidate c = { nearness (id ? id : "", m->id), i, m->id };

    g_array_append_val (all, c);
  }
  g_array_sort (all, compare_candidates);
  n = MIN (max, all->len);
  ids = g_new0 (const gchar *, n + 1);
  for (i = 0; i < n; i++)
    ids[i] = g_array_index (all, Candidate, i).id;
  return join_choices (ids, n);
}

/* Checking */

static gboolean
strv_has (GStrv list, const gchar * value)
{
  return list != NULL && value != NULL
      && g_strv_contains ((const gchar * const *) list, value);
}

/* Empty lists of sizes, lengths and the like state nothing: no model
 * takes no length at all. */
static gboolean
stated (GStrv list)
{
  return list != NULL && list[0] != NULL;
}

static gchar *
durations_text (GArray * durations)
{
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  guint i;

  for (i = 0; i < durations->len; i++)
    g_ptr_array_add (texts, g_strdup_printf ("%u", g_array_index (durations,
                guint, i)));
  return join_choices ((const gchar * const *) texts->pdata, texts->len);
}

static gboolean
refuse (GError ** error, const ApigoModel * m, const gchar * setting,
    const gchar * value, const gchar * allowed)
{
  g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
      "Model %s does not take %s=%s, as the service's model list says: it "
      "takes %s (not sent, nothing paid; model-check=never sends it "
      "anyway)", m->id, setting, value, allowed);
  return FALSE;
}

static gboolean
check_durations (const ApigoModel * m, const ApigoModelAsk * ask,
    JsonObject * params, GError ** error)
{
  g_autofree gchar *param = params ? member_text (params, "duration",
      APIGO_SERVICE_WORD_MAX) : NULL;
  const gchar *setting = param ? "parameters.duration" : "seconds";
  const gchar *value = param ? param : ask->seconds;
  g_autofree gchar *allowed = NULL;
  guint64 seconds = 0;
  guint i;

  if (m->durations == NULL || m->durations->len == 0 || value == NULL)
    return TRUE;
  if (g_ascii_string_to_unsigned (value, 10, 1, G_MAXINT, &seconds, NULL))
    for (i = 0; i < m->durations->len; i++)
      if (g_array_index (m->durations, guint, i) == seconds)
        return TRUE;
  allowed = durations_text (m->durations);
  return refuse (error, m, setting, value, allowed);
}

/* A member of @params as text, and the list it must be in. */
static gboolean
check_param_in (const ApigoModel * m, JsonObject * params,
    const gchar * name, GStrv list, GError ** error)
{
  g_autofree gchar *value = NULL;
  g_autofree gchar *setting = NULL;
  g_autofree gchar *allowed = NULL;

  if (params == NULL || !stated (list)
      || (value = member_text (params, name, APIGO_SERVICE_WORD_MAX)) == NULL
      || strv_has (list, value))
    return TRUE;
  setting = g_strconcat ("parameters.", name, NULL);
  allowed = join_choices ((const gchar * const *) list,
      g_strv_length (list));
  return refuse (error, m, setting, value, allowed);
}

static gboolean
check_size (const ApigoModel * m, const ApigoModelAsk * ask,
    JsonObject * params, GError ** error)
{
  g_autofree gchar *allowed = NULL;

  if (!check_param_in (m, params, "resolution", m->resolutions, error)
      || !check_param_in (m, params, "aspect_ratio", m->aspect_ratios,
          error))
    return FALSE;
  /* A resolution or aspect ratio asked for says the size instead
   * (OpenRouter: "interchangeable"). */
  if (params != NULL && (json_object_has_member (params, "resolution")
          || json_object_has_member (params, "aspect_ratio")))
    return TRUE;
  if (!stated (m->sizes) || ask->size == NULL
      || strv_has (m->sizes, ask->size))
    return TRUE;
  allowed = join_choices ((const gchar * const *) m->sizes,
      g_strv_length (m->sizes));
  return refuse (error, m, "size", ask->size, allowed);
}

static gboolean
check_frame (const ApigoModel * m, const gchar * setting,
    const gchar * frame, GError ** error)
{
  g_autofree gchar *allowed = NULL;

  /* Here an empty list says something: no frame images at all. */
  if (m->frame_images == NULL || strv_has (m->frame_images, frame))
    return TRUE;
  allowed = stated (m->frame_images) ? join_choices ((const gchar * const *)
      m->frame_images, g_strv_length (m->frame_images)) :
      g_strdup ("no frame images");
  g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
      "Model %s does not take a %s image (%s), as the service's model list "
      "says: it takes %s (not sent, nothing paid; model-check=never sends "
      "it anyway)", m->id, frame, setting, allowed);
  return FALSE;
}

static gboolean
check_frames (const ApigoModel * m, const ApigoModelAsk * ask,
    GError ** error)
{
  guint i;

  if (ask->first_frame
      && !check_frame (m, "input-reference", "first_frame", error))
    return FALSE;
  /* TODO: images named otherwise (reference images) have no capability
   * in the list to check against. */
  for (i = 0; ask->images != NULL && ask->images[i] != NULL; i++)
    if ((g_str_equal (ask->images[i], "first_frame")
            || g_str_equal (ask->images[i], "last_frame"))
        && !check_frame (m, ask->images[i], ask->images[i], error))
      return FALSE;
  return TRUE;
}

/* generate_audio=true and seed, where the model says it has neither.
 * allowed_passthrough_parameters is about provider passthrough, not these
 * top-level fields: it refuses nothing. */
static gboolean
check_flags (const ApigoModel * m, JsonObject * params, GError ** error)
{
  JsonNode *audio = params ? json_object_get_member (params,
      "generate_audio") : NULL;

  if (m->generate_audio == 0 && audio != NULL
      && JSON_NODE_HOLDS_VALUE (audio)
      && json_node_get_value_type (audio) == G_TYPE_BOOLEAN
      && json_node_get_boolean (audio))
    return refuse (error, m, "parameters.generate_audio", "true",
        "no audio (generate_audio false)");
  if (m->seed == 0 && params != NULL
      && json_object_has_member (params, "seed")) {
    g_autofree gchar *value = member_text (params, "seed",
        APIGO_SERVICE_WORD_MAX);

    return refuse (error, m, "parameters.seed", value ? value : "(set)",
        "no seed");
  }
  return TRUE;
}

gboolean
apigo_model_list_check (const ApigoModelList * list,
    const ApigoModelAsk * ask, GError ** error)
{
  const ApigoModel *m = apigo_model_list_find (list, ask->model);
  g_autoptr (JsonObject) params = NULL;

  if (m == NULL) {
    g_autofree gchar *closest = NULL;

    /* /models lists what it likes (Azure: base models, not the
     * deployments that are the model names there). */
    if (list->source != APIGO_MODELS_VIDEO)
      return TRUE;
    closest = apigo_model_list_closest (list, ask->model, 3);
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "Model %s is not in the service's list of video models%s%s "
        "(gst-apigo models lists them all; not sent, nothing paid; "
        "model-check=never sends it anyway)", ask->model ? ask->model : "",
        closest ? "; the closest: " : "", closest ? closest : "");
    return FALSE;
  }

  if (ask->parameters != NULL)
    params = apigo_parameters_parse (ask->parameters, NULL);
  return check_durations (m, ask, params, error)
      && check_size (m, ask, params, error)
      && check_frames (m, ask, error)
      && check_flags (m, params, error);
}
