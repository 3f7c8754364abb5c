/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "apigo-cache"
#define APIGO_LOG_DOMAIN APIGO_LOG_CACHE

#include "apigo-cache-private.h"
#include "apigo-error.h"
#include "apigo-file.h"
#include "apigo-json.h"
#include "apigo-log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <utime.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

/* A partial download untouched this long belongs to no living process. */
#define STALE_PART_S (6 * 3600)
/* A partial download no journal entry can continue, untouched this long, is
 * left over (younger, a run may be about to journal it). */
#define ORPHAN_PART_S 600

gchar *
apigo_cache_default_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "gst-apigo", NULL);
}

static gboolean
usable_dir (const gchar * path, GError ** error)
{
  if (g_mkdir_with_parents (path, 0700) != 0 || access (path, W_OK | X_OK)
      != 0) {
    int err = errno;

    g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
        "The cache directory %s cannot be used: %s", path, g_strerror (err));
    return FALSE;
  }
  return TRUE;
}

static JsonObject *object_member (JsonObject * obj, const gchar * name);

/* The keys of the clips whose partial downloads the journal can continue:
 * what its entries say of the content of each of their clips. */
static GHashTable *
journaled_parts (ApigoCache * cache)
{
  g_autoptr (GDir) dir = g_dir_open (cache->tasks_dir, 0, NULL);
  GHashTable *keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  const gchar *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *path = NULL;
    g_autoptr (JsonObject) obj = NULL;
    JsonObject *contents;

    if (!g_str_has_suffix (name, ".json"))
      continue;
    path = g_build_filename (cache->tasks_dir, name, NULL);
    obj = apigo_cache_read_json (path);
    if (object_member (obj, "content") != NULL)
      g_hash_table_add (keys, g_strndup (name, strlen (name) - 5));
    if ((contents = object_member (obj, "contents")) != NULL) {
      g_autoptr (GList) members = json_object_get_members (contents);
      GList *l;

      for (l = members; l != NULL; l = l->next)
        g_hash_table_add (keys, g_strdup (l->data));
    }
  }
  return keys;
}

/* Partial downloads left by runs that were stopped or killed: kept while
 * the journal can continue them, else removed once surely abandoned.  An
 * empty one (a run killed before the first byte) has nothing to continue;
 * nor has a download store's file that a crash left named (apigo-XXXXXX,
 * anonymous a moment later). */
static void
remove_stale_parts (ApigoCache * cache)
{
  g_autoptr (GDir) dir = g_dir_open (cache->clips_dir, 0, NULL);
  g_autoptr (GHashTable) journaled = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const gchar *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *path = NULL;
    g_autofree gchar *key = NULL;
    const gchar *dot = strstr (name, ".part");
    gboolean store = g_str_has_prefix (name, "apigo-");
    GStatBuf st;
    gint64 age;

    if (dot == NULL && !store)
      continue;
    path = g_build_filename (cache->clips_dir, name, NULL);
    if (g_stat (path, &st) != 0)
      continue;
    age = now - st.st_mtime;
    key = dot ? g_strndup (name, dot - name) : NULL;
    /* Read once, and only when some part may be abandoned. */
    if (journaled == NULL && age > ORPHAN_PART_S)
      journaled = journaled_parts (cache);
    /* KEY.part is the one a run continues; KEY.part-XXXXXX were made by
     * older versions. */
    if (age > STALE_PART_S || (age > ORPHAN_PART_S && (store
                || st.st_size == 0 || strcmp (dot, ".part") != 0
                || !g_hash_table_contains (journaled, key)))) {
      APIGO_INFO ("Removing the partial download %s (%" G_GINT64_FORMAT
          " bytes), untouched for %" G_GINT64_FORMAT " s: no run will "
          "continue it", path, (gint64) st.st_size, age);
      g_unlink (path);
    }
  }
}

/* Entries for tasks whose clips have expired, or for creates that never
 * answered a week ago, can no longer save anything. */
static void
prune_journal (ApigoCache * cache)
{
  g_autoptr (GDir) dir = g_dir_open (cache->tasks_dir, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const gchar *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *path = g_build_filename (cache->tasks_dir, name, NULL);
    g_autoptr (JsonObject) obj = apigo_cache_read_json (path);
    gint64 expires = 0, since = 0;

    if (obj == NULL)
      continue;
    apigo_json_get_int64 (obj, "expires_at", &expires);
    apigo_json_get_int64 (obj, "creating_since", &since);
    if ((expires > 0 && expires < now)
        || (since > 0 && since < now - 7 * 24 * 3600)) {
      APIGO_INFO ("Forgetting the journal entry %s: %s", path, expires > 0 ?
          "its task has expired" : "its create never answered, a week ago");
      g_unlink (path);
    }
  }
}

ApigoCache *
apigo_cache_new (const gchar * dir, guint64 max_clip_bytes, GError ** error)
{
  ApigoCache *cache = g_new0 (ApigoCache, 1);

  cache->dir = g_strdup (dir);
  cache->tasks_dir = g_build_filename (dir, "tasks", NULL);
  cache->clips_dir = g_build_filename (dir, "clips", NULL);
  cache->max_clip_bytes = max_clip_bytes;
  g_mutex_init (&cache->evict_lock);

  if (!usable_dir (cache->tasks_dir, error)
      || !usable_dir (cache->clips_dir, error)) {
    apigo_cache_free (cache);
    return NULL;
  }
  prune_journal (cache);
  remove_stale_parts (cache);
  return cache;
}

void
apigo_cache_free (ApigoCache * cache)
{
  if (cache == NULL)
    return;
  g_free (cache->dir);
  g_free (cache->tasks_dir);
  g_free (cache->clips_dir);
  g_mutex_clear (&cache->evict_lock);
  g_free (cache);
}

const gchar *
apigo_cache_get_dir (ApigoCache * cache)
{
  return cache->dir;
}

gchar *
apigo_cache_file_path (const gchar * dir, const gchar * key,
    const gchar * suffix)
{
  g_autofree gchar *name = g_strconcat (key, suffix, NULL);

  return g_build_filename (dir, name, NULL);
}

gboolean
apigo_cache_write_json_node (const gchar * path, JsonNode * root,
    GError ** error)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autofree gchar *text = NULL;
  g_autoptr (GError) write_error = NULL;
  gsize len;

  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &len);
  if (!g_file_set_contents_full (path, text, len,
          G_FILE_SET_CONTENTS_CONSISTENT, 0600, &write_error)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
        "Cannot write %s: %s", path, write_error->message);
    return FALSE;
  }
  return TRUE;
}

gboolean
apigo_cache_write_json (const gchar * path, JsonBuilder * builder,
    GError ** error)
{
  g_autoptr (JsonNode) root = json_builder_get_root (builder);

  return apigo_cache_write_json_node (path, root, error);
}

JsonObject *
apigo_cache_read_json (const gchar * path)
{
  g_autofree gchar *text = NULL;
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  gsize len;
  JsonNode *root;

  if (!apigo_file_read_small (path, SMALL_FILE_MAX, &text, &len, NULL)
      || !apigo_json_load (parser, text, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  return json_object_ref (json_node_get_object (root));
}

void
apigo_journal_entry_clear (ApigoJournalEntry * entry)
{
  g_clear_pointer (&entry->video_id, g_free);
  entry->creating_since = 0;
  entry->expires_at = 0;
  g_clear_pointer (&entry->idempotency_key, g_free);
}

/* A key goes into a request header: a damaged file must not steer one. */
static gboolean
idempotency_key_is_valid (const gchar * key)
{
  gsize i;

  for (i = 0; key[i] != '\0'; i++)
    if (i >= 255 || !g_ascii_isgraph (key[i]))
      return FALSE;
  return i > 0;
}

gboolean
apigo_cache_note_creating (ApigoCache * cache, const gchar * key,
    gint64 since_unix, const gchar * idempotency_key, GError ** error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree gchar *path = apigo_cache_file_path (cache->tasks_dir, key,
      ".json");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "creating_since");
  json_builder_add_int_value (b, since_unix);
  if (idempotency_key != NULL) {
    json_builder_set_member_name (b, "idempotency_key");
    json_builder_add_string_value (b, idempotency_key);
  }
  json_builder_end_object (b);
  APIGO_DEBUG ("Journal %s: a create is sent", path);
  return apigo_cache_write_json (path, b, error);
}

gboolean
apigo_cache_note_task (ApigoCache * cache, const gchar * key,
    const ApigoTask * task, GError ** error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree gchar *path = apigo_cache_file_path (cache->tasks_dir, key,
      ".json");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "video_id");
  json_builder_add_string_value (b, task->id);
  json_builder_set_member_name (b, "created_at");
  json_builder_add_int_value (b, task->created_at);
  json_builder_set_member_name (b, "expires_at");
  json_builder_add_int_value (b, task->expires_at);
  json_builder_end_object (b);
  APIGO_DEBUG ("Journal %s: task %s", path, task->id);
  return apigo_cache_write_json (path, b, error);
}

gboolean
apigo_cache_recall (ApigoCache * cache, const gchar * key,
    ApigoJournalEntry * entry)
{
  g_autofree gchar *path = apigo_cache_file_path (cache->tasks_dir, key,
      ".json");
  g_autoptr (JsonObject) obj = apigo_cache_read_json (path);

  memset (entry, 0, sizeof (*entry));
  if (obj == NULL)
    return FALSE;

  entry->video_id = apigo_json_dup_string (obj, "video_id");
  /* The file is ours, but a damaged one must not steer a URL path. */
  if (entry->video_id != NULL && !apigo_task_id_is_valid (entry->video_id))
    g_clear_pointer (&entry->video_id, g_free);
  apigo_json_get_int64 (obj, "creating_since", &entry->creating_since);
  apigo_json_get_int64 (obj, "expires_at", &entry->expires_at);
  entry->idempotency_key = apigo_json_dup_string (obj, "idempotency_key");
  if (entry->idempotency_key != NULL
      && !idempotency_key_is_valid (entry->idempotency_key))
    g_clear_pointer (&entry->idempotency_key, g_free);
  return entry->video_id != NULL || entry->creating_since > 0;
}

gboolean
apigo_cache_check_entry (ApigoCache * cache, const gchar * key,
    GError ** error)
{
  g_autofree gchar *path = apigo_cache_file_path (cache->tasks_dir, key,
      ".json");
  g_autoptr (JsonObject) obj = NULL;
  ApigoJournalEntry entry;
  g_autoptr (GError) open_error = NULL;
  const gchar *why;
  GStatBuf st;
  gint fd;

  fd = apigo_file_open_regular (path, O_RDONLY, 0, &open_error);
  if (g_error_matches (open_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return TRUE;
  if (fd < 0) {
    why = open_error->message;
  } else if (fstat (fd, &st) == 0 && st.st_size > SMALL_FILE_MAX) {
    why = "it is larger than any entry";
  } else if ((obj = apigo_cache_read_json (path)) == NULL) {
    why = "it is not a JSON object";
  } else if (!apigo_cache_recall (cache, key, &entry)) {
    why = "it names no task";
  } else {
    apigo_journal_entry_clear (&entry);
    why = NULL;
  }
  if (fd >= 0)
    g_close (fd, NULL);

  if (why == NULL)
    return TRUE;
  g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
      "The journal entry %s cannot be used: %s", path, why);
  return FALSE;
}

void
apigo_cache_forget (ApigoCache * cache, const gchar * key)
{
  g_autofree gchar *path = apigo_cache_file_path (cache->tasks_dir, key,
      ".json");

  if (g_unlink (path) == 0)
    APIGO_DEBUG ("Journal %s: forgotten", path);
}

ApigoDownload *
apigo_cache_new_download (ApigoCache * cache, const gchar * key,
    GError ** error)
{
  /* Anonymous until apigo_cache_attach_part() gives it its name: a run
   * that replays a kept clip leaves nothing behind. */
  if (cache == NULL || cache->max_clip_bytes == 0)
    return apigo_download_new (NULL, error);
  return apigo_download_new (cache->clips_dir, error);
}

/* The member @name of @obj if it is an object, or NULL. */
static JsonObject *
object_member (JsonObject * obj, const gchar * name)
{
  if (obj == NULL || !json_object_has_member (obj, name)
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, name)))
    return NULL;
  return json_object_get_object_member (obj, name);
}

/* What the journal entry @entry of the task @task_key says of the clip
 * @clip_key being downloaded: "contents" has one for each clip of the task
 * (the video, its thumbnail...); "content", of older versions, is the
 * video's. */
static JsonObject *
content_of (JsonObject * entry, const gchar * task_key,
    const gchar * clip_key)
{
  JsonObject *content = object_member (object_member (entry, "contents"),
      clip_key);

  if (content == NULL && strcmp (task_key, clip_key) == 0)
    content = object_member (entry, "content");
  return content;
}

gboolean
apigo_cache_attach_part (ApigoCache * cache, const gchar * task_key,
    const gchar * key, ApigoDownload * dl, GError ** error)
{
  g_autofree gchar *path = apigo_cache_file_path (cache->tasks_dir, task_key,
      ".json");
  g_autofree gchar *part = apigo_cache_file_path (cache->clips_dir, key,
      ".part");
  g_autoptr (JsonObject) obj = NULL;
  g_autofree gchar *etag = NULL;
  g_autofree gchar *last_modified = NULL;
  JsonObject *content = NULL;
  gint64 total = 0;

  if (cache->max_clip_bytes == 0 || apigo_download_get_stored (dl) > 0)
    return TRUE;

  obj = apigo_cache_read_json (path);
  content = content_of (obj, task_key, key);
  if (content != NULL) {
    apigo_json_get_int64 (content, "total", &total);
    etag = apigo_json_dup_string (content, "etag");
    last_modified = apigo_json_dup_string (content, "last_modified");
  }
  if (!apigo_download_continue_file (dl, part, total > 0 ? total : 0, etag,
          last_modified, error))
    return FALSE;
  if (apigo_download_get_stored (dl) > 0)
    APIGO_INFO ("Continuing the partial download %s from byte %"
        G_GUINT64_FORMAT " of %" G_GINT64_FORMAT, part,
        apigo_download_get_stored (dl), total);
  else
    APIGO_DEBUG ("Downloading into %s", part);
  return TRUE;
}

gboolean
apigo_cache_note_content (ApigoCache * cache, const gchar * task_key,
    const gchar * key, guint64 total, const gchar * etag,
    const gchar * last_modified, GError ** error)
{
  g_autofree gchar *path = apigo_cache_file_path (cache->tasks_dir, task_key,
      ".json");
  g_autoptr (JsonObject) obj = apigo_cache_read_json (path);
  g_autoptr (JsonNode) root = NULL;
  JsonObject *contents;
  JsonObject *content = json_object_new ();

  if (obj == NULL)
    obj = json_object_new ();
  contents = object_member (obj, "contents");
  if (contents == NULL) {
    contents = json_object_new ();
    json_object_set_object_member (obj, "contents", contents);
  }
  json_object_set_int_member (content, "total", total);
  if (etag != NULL)
    json_object_set_string_member (content, "etag", etag);
  if (last_modified != NULL)
    json_object_set_string_member (content, "last_modified", last_modified);
  json_object_set_object_member (contents, key, content);
  /* An older version's word for the video: replaced by this one. */
  if (strcmp (task_key, key) == 0)
    json_object_remove_member (obj, "content");
  APIGO_TRACE ("Journal %s: the content of %s is %" G_GUINT64_FORMAT
      " bytes%s%s", path, key, total, etag ? ", ETag " : "", etag ? etag : "");

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, obj);
  return apigo_cache_write_json_node (path, root, error);
}

