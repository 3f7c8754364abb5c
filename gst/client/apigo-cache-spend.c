/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the kept clips cost when they were made: each task once.
 */

#include "apigo-cache.h"

#include <string.h>

void
apigo_cache_sum_spend (GPtrArray * clips, ApigoSpend * spend)
{
  /* A task's clips (video, thumbnail...) share its cost: the service and
   * the id name it.  Its highest word counts, should they differ. */
  g_autoptr (GHashTable) tasks = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer cost;
  guint i;

  memset (spend, 0, sizeof (*spend));
  for (i = 0; i < clips->len; i++) {
    const ApigoKeptClip *c = g_ptr_array_index (clips, i);
    gchar *task;
    gdouble *seen;

    if (!c->has_cost) {
      spend->unknown++;
      continue;
    }
    spend->known++;
    /* No id (it should not be): a task of its own. */
    task = c->video_id != NULL ? g_strconcat (c->base_url ? c->base_url :
        "", "\n", c->video_id, NULL) : g_strconcat ("\n\n", c->key, NULL);
    seen = g_hash_table_lookup (tasks, task);
    if (seen != NULL) {
      *seen = MAX (*seen, c->cost);
      g_free (task);
    } else {
      g_hash_table_insert (tasks, task, g_memdup2 (&c->cost,
              sizeof (gdouble)));
    }
  }

  g_hash_table_iter_init (&iter, tasks);
  while (g_hash_table_iter_next (&iter, NULL, &cost))
    spend->total += *(gdouble *) cost;
  spend->tasks = g_hash_table_size (tasks);
}
