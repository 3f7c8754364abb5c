/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What apigo-cache.c (the journal, partial downloads) and
 * apigo-cache-clips.c (kept clips) share.
 */

#ifndef __APIGO_CACHE_PRIVATE_H__
#define __APIGO_CACHE_PRIVATE_H__

#include <json-glib/json-glib.h>

#include "apigo-cache.h"

G_BEGIN_DECLS

/* A journal or metadata file is a few hundred bytes; a clip's metadata
 * holds its prompt, which a service takes up to 32,000 characters of:
 * in UTF-8 and JSON escapes, up to 6 bytes each. */
#define SMALL_FILE_MAX (1024 * 1024)
/* A partial download written to this recently is in use: left alone. */
#define PART_IN_USE_S 60

struct _ApigoCache
{
  gchar *dir;
  gchar *tasks_dir;
  gchar *clips_dir;
  guint64 max_clip_bytes;
  GMutex evict_lock;
};

/* DIR/KEYSUFFIX */
gchar *apigo_cache_file_path (const gchar * dir, const gchar * key,
    const gchar * suffix);
/* The object in the small JSON file at @path, or NULL. */
JsonObject *apigo_cache_read_json (const gchar * path);
/* Writes @root to @path atomically (temporary file, fsync, rename). */
gboolean apigo_cache_write_json_node (const gchar * path, JsonNode * root,
    GError ** error);
gboolean apigo_cache_write_json (const gchar * path, JsonBuilder * builder,
    GError ** error);

G_END_DECLS

#endif /* __APIGO_CACHE_PRIVATE_H__ */
