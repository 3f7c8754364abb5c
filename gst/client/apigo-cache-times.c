/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * How long generations of one kind took: DIR/generation-times.json, the
 * last few times per kind.  What the poll planner expects when the
 * service's progress says nothing.
 */

#define G_LOG_DOMAIN "apigo-cache"
#define APIGO_LOG_DOMAIN APIGO_LOG_CACHE

#include "apigo-cache-private.h"
#include "apigo-log.h"

/* The times kept per kind, and the kinds: the file stays small. */
#define TIMES_PER_KIND 5
#define MAX_KINDS 64

static gchar *
times_path (ApigoCache * cache)
{
  return g_build_filename (cache->dir, "generation-times.json", NULL);
}

/* A short name for @kind: it may hold a prompt-free but long description. */
static gchar *
kind_name (const gchar * kind)
{
  gchar *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, kind, -1);

  sum[16] = '\0';
  return sum;
}

static gint
compare_int64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

gint64
apigo_cache_typical_generation_ms (ApigoCache * cache, const gchar * kind)
{
  g_autofree gchar *path = times_path (cache);
  g_autofree gchar *name = kind_name (kind);
  g_autoptr (JsonObject) times = apigo_cache_read_json (path);
  gint64 seen[TIMES_PER_KIND];
  JsonNode *node;
  JsonArray *list;
  guint i, n = 0;

  if (times == NULL || (node = json_object_get_member (times, name)) == NULL
      || !JSON_NODE_HOLDS_ARRAY (node))
    return 0;
  list = json_node_get_array (node);
  for (i = 0; i < json_array_get_length (list) && n < TIMES_PER_KIND; i++) {
    JsonNode *item = json_array_get_element (list, i);

    if (JSON_NODE_HOLDS_VALUE (item)
        && json_node_get_value_type (item) == G_TYPE_INT64
        && json_node_get_int (item) > 0)
      seen[n++] = json_node_get_int (item);
  }
  if (n == 0)
    return 0;
  /* The median: one odd generation does not move it. */
  qsort (seen, n, sizeof (seen[0]), compare_int64);
  return seen[n / 2];
}

void
apigo_cache_note_generation (ApigoCache * cache, const gchar * kind,
    gint64 ms)
{
  g_autofree gchar *path = times_path (cache);
  g_autofree gchar *name = kind_name (kind);
  g_autoptr (JsonObject) old = apigo_cache_read_json (path);
  g_autoptr (JsonObject) times = json_object_new ();
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (GError) error = NULL;
  JsonArray *list = json_array_new ();
  JsonNode *node;

  if (ms <= 0)
    return;
  json_array_add_int_element (list, ms);
  if (old != NULL && (node = json_object_get_member (old, name)) != NULL
      && JSON_NODE_HOLDS_ARRAY (node)) {
    JsonArray *before = json_node_get_array (node);
    guint i;

    for (i = 0; i < json_array_get_length (before)
        && json_array_get_length (list) < TIMES_PER_KIND; i++)
      json_array_add_element (list,
          json_node_copy (json_array_get_element (before, i)));
  }
  json_object_set_array_member (times, name, list);
  /* The others, as many as fit (a file over its bound starts again). */
  if (old != NULL) {
    g_autoptr (GList) names = json_object_get_members (old);
    GList *l;

    for (l = names; l != NULL && json_object_get_size (times) < MAX_KINDS;
        l = l->next)
      if (!json_object_has_member (times, l->data))
        json_object_set_member (times, l->data,
            json_node_copy (json_object_get_member (old, l->data)));
  }
  json_node_set_object (root, times);
  /* Runs at the same time may lose one another's time: no matter. */
  if (!apigo_cache_write_json_node (path, root, &error))
    APIGO_DEBUG ("%s", error->message);
  else
    APIGO_DEBUG ("A generation of kind %s took %" G_GINT64_FORMAT " ms",
        name, ms);
}
