/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Kept clips: clips/KEY.EXT and clips/KEY.json, what it is and how to tell
 * it whole.  Played, kept, evicted, listed, pruned.
 */

#define G_LOG_DOMAIN "apigo-cache"
#define APIGO_LOG_DOMAIN APIGO_LOG_CACHE

#include "apigo-cache-private.h"
#include "apigo-file.h"
#include "apigo-error.h"
#include "apigo-json.h"
#include "apigo-log.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

/* What a kept file may be called after its key; entries of older versions
 * are all KEY.mp4, images too. */
static const struct
{
  const gchar *mime;
  const gchar *ext;
} clip_types[] = {
  {"video/mp4", ".mp4"},
  {"image/jpeg", ".jpg"},
  {"image/png", ".png"},
  {"image/webp", ".webp"},
};

void
apigo_kept_clip_free (ApigoKeptClip * clip)
{
  if (clip == NULL)
    return;
  g_free (clip->key);
  g_free (clip->path);
  g_free (clip->video_id);
  g_free (clip->prompt);
  g_free (clip->model);
  g_free (clip->size);
  g_free (clip->seconds);
  g_free (clip->variant);
  g_free (clip->base_url);
  g_free (clip);
}

/* The extension of a clip file name ("KEY.jpg"), or NULL. */
static const gchar *
clip_extension_of (const gchar * name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (clip_types); i++)
    if (g_str_has_suffix (name, clip_types[i].ext))
      return clip_types[i].ext;
  return NULL;
}

/* What the bytes of @dl are, as its first ones tell; else what @variant
 * usually is. */
static const gchar *
clip_extension (ApigoDownload * dl, const gchar * variant)
{
  guint8 head[4096];
  gssize n = apigo_download_read (dl, 0, head, sizeof (head), NULL, NULL);
  guint i;

  if (n > 0) {
    g_autofree gchar *type = g_content_type_guess (NULL, head, n, NULL);
    g_autofree gchar *mime = g_content_type_get_mime_type (type);

    for (i = 0; i < G_N_ELEMENTS (clip_types); i++)
      if (g_strcmp0 (mime, clip_types[i].mime) == 0)
        return clip_types[i].ext;
  }
  return variant == NULL || strcmp (variant, "video") == 0 ? ".mp4" : ".jpg";
}

/* Older versions told a clip whole by its SHA-256: read once, then never
 * again (the metadata then says the file's identity instead). */
static gchar *
fd_sha256 (gint fd)
{
  g_autoptr (GMappedFile) file = g_mapped_file_new_from_fd (fd, FALSE, NULL);

  if (file == NULL)
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256,
      (const guchar *) g_mapped_file_get_contents (file),
      g_mapped_file_get_length (file));
}

static gint64
mtime_ns (const struct stat *st)
{
  return (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
      st->st_mtim.tv_nsec;
}

/* What tells the kept file from any other without reading it: which file
 * it is (device, inode) and that it was not written since (size, mtime to
 * the nanosecond). */
static void
add_identity (JsonBuilder * b, const struct stat *st)
{
  json_builder_set_member_name (b, "size");
  json_builder_add_int_value (b, st->st_size);
  json_builder_set_member_name (b, "dev");
  json_builder_add_int_value (b, st->st_dev);
  json_builder_set_member_name (b, "inode");
  json_builder_add_int_value (b, st->st_ino);
  json_builder_set_member_name (b, "mtime_ns");
  json_builder_add_int_value (b, mtime_ns (st));
}

static void
set_identity (JsonObject * meta, const struct stat *st)
{
  json_object_set_int_member (meta, "size", st->st_size);
  json_object_set_int_member (meta, "dev", st->st_dev);
  json_object_set_int_member (meta, "inode", st->st_ino);
  json_object_set_int_member (meta, "mtime_ns", mtime_ns (st));
}

/* TRUE when @meta says an identity; @same then whether @st is it, and
 * @moved whether it is as kept but in another file: a copy that kept its
 * times (cp -a, rsync -a, a backup restored, a cache moved to another disk)
 * or a file system whose device or inode numbers change between mounts
 * (btrfs, FUSE).  A file with other bytes and the mtime put back is the
 * one change this cannot see either way. */
static gboolean
identity_is (JsonObject * meta, const struct stat *st, gboolean * same,
    gboolean * moved)
{
  gint64 size = -1, dev = -1, ino = -1, mtime = -1;

  if (!apigo_json_get_int64 (meta, "dev", &dev)
      || !apigo_json_get_int64 (meta, "inode", &ino)
      || !apigo_json_get_int64 (meta, "mtime_ns", &mtime))
    return FALSE;
  apigo_json_get_int64 (meta, "size", &size);
  *same = size == st->st_size && mtime == mtime_ns (st);
  *moved = (guint64) dev != (guint64) st->st_dev
      || (guint64) ino != (guint64) st->st_ino;
  return TRUE;
}

static void
rewrite_meta (JsonObject * meta, const gchar * meta_path)
{
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (GError) error = NULL;

  json_node_set_object (root, meta);
  if (!apigo_cache_write_json_node (meta_path, root, &error))
    APIGO_WARNING ("%s", error->message);
}

/* The last time a kept clip was played or kept: its access time, which
 * both set.  Its mtime stays as it was kept: it is part of its identity. */
static gint64
last_used (const GStatBuf * st)
{
  return st->st_atime;
}

/* Sets the access time of the file open on @fd (-1: of @path) to now. */
static void
mark_used (gint fd, const gchar * path)
{
  const struct timespec used[2] = { {0, UTIME_NOW}, {0, UTIME_OMIT} };

  if ((fd >= 0 ? futimens (fd, used) : utimensat (AT_FDCWD, path, used,
              AT_SYMLINK_NOFOLLOW)) != 0)
    APIGO_DEBUG ("Cannot mark a kept clip used: %s", g_strerror (errno));
}

/* Removes the files of @key's clip but the one named @except; TRUE if
 * there was any. */
static gboolean
remove_clip_files (ApigoCache * cache, const gchar * key,
    const gchar * except)
{
  gboolean removed = FALSE;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (clip_types); i++) {
    g_autofree gchar *path = apigo_cache_file_path (cache->clips_dir, key,
        clip_types[i].ext);

    if (g_strcmp0 (path, except) != 0 && g_unlink (path) == 0)
      removed = TRUE;
  }
  return removed;
}

static gboolean
remove_clip (ApigoCache * cache, const gchar * key)
{
  g_autofree gchar *meta = apigo_cache_file_path (cache->clips_dir, key,
      ".json");
  gboolean removed = remove_clip_files (cache, key, NULL);

  return g_unlink (meta) == 0 || removed;
}

static gchar *
dup_request_string (JsonObject * request, const gchar * name)
{
  return request ? apigo_json_dup_string (request, name) : NULL;
}

/* What the metadata @meta of @key says.  The file's name is taken from it
 * only when it is the key's own: a damaged file must not steer a path. */
static ApigoKeptClip *
clip_from_meta (ApigoCache * cache, const gchar * key, JsonObject * meta)
{
  ApigoKeptClip *clip = g_new0 (ApigoKeptClip, 1);
  g_autofree gchar *file = apigo_json_dup_string (meta, "file");
  const gchar *ext = file ? clip_extension_of (file) : NULL;
  JsonObject *request = NULL;
  gint64 bytes = 0;
  GStatBuf st;

  clip->key = g_strdup (key);
  if (ext == NULL || strlen (file) != strlen (key) + strlen (ext)
      || strncmp (file, key, strlen (key)) != 0)
    ext = ".mp4";
  clip->path = apigo_cache_file_path (cache->clips_dir, key, ext);
  clip->video_id = apigo_json_dup_string (meta, "video_id");
  if (clip->video_id != NULL && !apigo_task_id_is_valid (clip->video_id))
    g_clear_pointer (&clip->video_id, g_free);
  if (json_object_has_member (meta, "request")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (meta, "request")))
    request = json_object_get_object_member (meta, "request");
  clip->prompt = dup_request_string (request, "prompt");
  clip->model = dup_request_string (request, "model");
  clip->size = dup_request_string (request, "size");
  clip->seconds = dup_request_string (request, "seconds");
  clip->variant = dup_request_string (request, "variant");
  clip->base_url = dup_request_string (request, "base_url");
  apigo_json_get_int64 (meta, "kept_at", &clip->kept_at);
  apigo_json_get_int64 (meta, "size", &bytes);
  clip->bytes = bytes > 0 ? bytes : 0;
  if (json_object_has_member (meta, "remote_deleted"))
    clip->remote_deleted = json_object_get_boolean_member (meta,
        "remote_deleted");
  /* Checked as the service's word is: the file may be damaged too. */
  clip->has_cost = apigo_cost_from_node (json_object_get_member (meta,
          "cost"), &clip->cost);
  if (g_stat (clip->path, &st) == 0)
    clip->last_used = last_used (&st);
  return clip;
}

/* Whether the kept file open on @fd is the one @meta describes, in a time
 * that does not grow with its size.  Metadata of older versions (a SHA-256)
 * is checked once by reading the file, then rewritten to @meta_path with
 * the identity. */
static gboolean
clip_is_whole (JsonObject * meta, const gchar * meta_path, gint fd)
{
  g_autofree gchar *want = NULL;
  g_autofree gchar *have = NULL;
  gint64 size = -1;
  gboolean same = FALSE, moved = FALSE;
  struct stat st;

  if (fstat (fd, &st) != 0)
    return FALSE;
  if (identity_is (meta, &st, &same, &moved)) {
    if (same && moved) {
      APIGO_INFO ("%s: its clip was copied or moved with its times: "
          "known by its new identity from now on", meta_path);
      set_identity (meta, &st);
      rewrite_meta (meta, meta_path);
    }
    return same;
  }

  want = apigo_json_dup_string (meta, "sha256");
  apigo_json_get_int64 (meta, "size", &size);
  if (want == NULL || st.st_size != size || (have = fd_sha256 (fd)) == NULL
      || strcmp (have, want) != 0)
    return FALSE;
  APIGO_INFO ("%s was kept by an older version: checked once by its "
      "SHA-256, by its identity from now on", meta_path);
  json_object_remove_member (meta, "sha256");
  set_identity (meta, &st);
  rewrite_meta (meta, meta_path);
  return TRUE;
}

gboolean
apigo_cache_open_clip (ApigoCache * cache, const gchar * key,
    ApigoDownload * dl, ApigoKeptClip ** out)
{
  return apigo_cache_open_clip_full (cache, key, dl, NULL, NULL, out);
}

gboolean
apigo_cache_open_clip_full (ApigoCache * cache, const gchar * key,
    ApigoDownload * dl, ApigoKeptClipFunc before_play, gpointer user_data,
    ApigoKeptClip ** out)
{
  g_autofree gchar *meta_path = apigo_cache_file_path (cache->clips_dir, key,
      ".json");
  g_autoptr (JsonObject) meta = apigo_cache_read_json (meta_path);
  g_autoptr (ApigoKeptClip) clip = NULL;
  gint fd;

  if (meta == NULL) {
    /* A clip without its metadata: a crash between the two. */
    if (remove_clip_files (cache, key, NULL))
      APIGO_WARNING ("The kept clip %s has no metadata: removed", key);
    else
      APIGO_DEBUG ("No kept clip %s", key);
    return FALSE;
  }

  clip = clip_from_meta (cache, key, meta);
  /* What is played is what was checked: the same open file. */
  fd = apigo_file_open_regular (clip->path, O_RDONLY, 0, NULL);
  if (fd < 0 || !clip_is_whole (meta, meta_path, fd)) {
    APIGO_WARNING ("The kept clip %s is damaged, replaced or incomplete: "
        "removed", clip->path);
    if (fd >= 0)
      close (fd);
    remove_clip (cache, key);
    return FALSE;
  }

  /* Used now: the last to be evicted. */
  mark_used (fd, NULL);
  if (before_play != NULL)
    before_play (clip, user_data);
  if (!apigo_download_adopt_fd (dl, fd, NULL))
    return FALSE;
  APIGO_INFO ("Kept clip %s (%" G_GINT64_FORMAT " bytes, of %s), whole: "
      "playing it", clip->path, clip->bytes, clip->video_id ?
      clip->video_id : "an unknown task");
  if (out != NULL)
    *out = g_steal_pointer (&clip);
  return TRUE;
}

/* A file of the clips directory, as eviction sees it. */
typedef struct
{
  gchar *key;
  gchar *name;                  /* a partial download's file, or NULL */
  gint64 mtime;                 /* G_MAXINT64: never evicted */
  gint64 size;
  gint64 kept_at;               /* clips: when kept (as the metadata says) */
} ClipInfo;

static void
clip_info_free (ClipInfo * info)
{
  g_free (info->key);
  g_free (info->name);
  g_free (info);
}

static gint
older_first (gconstpointer a, gconstpointer b)
{
  const ClipInfo *x = *(ClipInfo * const *) a;
  const ClipInfo *y = *(ClipInfo * const *) b;

  return x->mtime < y->mtime ? -1 : x->mtime > y->mtime;
}

/* When the clip of @key was kept: its metadata says, else its file's
 * time (older entries). */
static gint64
kept_at (ApigoCache * cache, const gchar * key, gint64 mtime)
{
  g_autofree gchar *path = apigo_cache_file_path (cache->clips_dir, key,
      ".json");
  g_autoptr (JsonObject) meta = apigo_cache_read_json (path);
  gint64 at = 0;

  if (meta != NULL)
    apigo_json_get_int64 (meta, "kept_at", &at);
  return at > 0 ? at : mtime;
}

/* Removes clips kept before @cutoff (Unix time; 0: none) and partial
 * downloads untouched since, then the least recently used clips and
 * partial downloads until the rest fit in @max_bytes; @keep goes last (and
 * never for its age), and only if it alone is over.  A partial download written to in the last
 * minute is in use: counted, left alone.  Returns how many it removed. */
static guint
evict (ApigoCache * cache, const gchar * keep, guint64 max_bytes,
    gint64 cutoff, guint64 * freed)
{
  g_autoptr (GDir) dir = g_dir_open (cache->clips_dir, 0, NULL);
  g_autoptr (GPtrArray) clips = g_ptr_array_new_with_free_func
      ((GDestroyNotify) clip_info_free);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint64 total = 0;
  const gchar *name;
  guint i, pass, removed = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *path = NULL;
    const gchar *part = strstr (name, ".part");
    const gchar *ext = clip_extension_of (name);
    ClipInfo *info;
    GStatBuf st;

    if (ext == NULL && part == NULL)
      continue;
    path = g_build_filename (cache->clips_dir, name, NULL);
    if (g_stat (path, &st) != 0)
      continue;
    info = g_new0 (ClipInfo, 1);
    if (part != NULL) {
      info->key = g_strndup (name, part - name);
      info->name = g_strdup (name);
      info->kept_at = st.st_mtime;
    } else {
      info->key = g_strndup (name, strlen (name) - strlen (ext));
      info->kept_at = cutoff > 0 ? kept_at (cache, info->key, st.st_mtime)
          : 0;
    }
    info->mtime = g_strcmp0 (info->key, keep) == 0
        || (part != NULL && now - st.st_mtime < PART_IN_USE_S) ? G_MAXINT64 :
        part != NULL ? st.st_mtime : last_used (&st);
    info->size = st.st_size;
    total += st.st_size;
    g_ptr_array_add (clips, info);
  }

  g_ptr_array_sort (clips, older_first);
  /* The old ones first, then by size. */
  for (pass = 0; pass < 2; pass++) {
    for (i = 0; i < clips->len; i++) {
      ClipInfo *info = g_ptr_array_index (clips, i);
      gboolean old = cutoff > 0 && info->kept_at < cutoff;

      if (info->size < 0 || (pass == 0 ? !old : total <= max_bytes))
        continue;
      if (info->name != NULL) {
        g_autofree gchar *path = g_build_filename (cache->clips_dir,
            info->name, NULL);

        if (info->mtime == G_MAXINT64)
          continue;
        g_unlink (path);
      } else if (pass == 0 && g_strcmp0 (info->key, keep) == 0) {
        continue;
      } else {
        remove_clip (cache, info->key);
      }
      APIGO_INFO ("Evicted %s%s (%" G_GINT64_FORMAT " bytes, unused for %"
          G_GINT64_FORMAT " s): %s", info->key, info->name ? " (partial)" :
          "", info->size, info->mtime == G_MAXINT64 ? (gint64) 0 :
          now - info->mtime, pass == 0 ? "kept before the cut-off" :
          "the cache is over its bound");
      total -= info->size;
      removed++;
      if (freed != NULL)
        *freed += info->size;
      info->size = -1;
    }
  }
  return removed;
}

gboolean
apigo_cache_keep_clip (ApigoCache * cache, const gchar * key,
    ApigoDownload * dl, const ApigoKeptClip * about, GError ** error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree gchar *clip = NULL;
  g_autofree gchar *file = NULL;
  g_autofree gchar *meta = apigo_cache_file_path (cache->clips_dir, key,
      ".json");
  const struct
  {
    const gchar *name;
    const gchar *value;
  } request[] = {
    {"prompt", about->prompt},
    {"model", about->model},
    {"size", about->size},
    {"seconds", about->seconds},
    {"variant", about->variant},
    {"base_url", about->base_url},
  };
  struct stat st;
  guint i;

  if (cache->max_clip_bytes == 0) {
    APIGO_DEBUG ("Keeping no clips (a size bound of 0)");
    return TRUE;
  }

  file = g_strconcat (key, clip_extension (dl, about->variant), NULL);
  clip = g_build_filename (cache->clips_dir, file, NULL);
  /* The clip first: a clip without its metadata is taken for damaged and
   * removed, never played.  Its bytes were checked as they came (length,
   * validators, continuations): what the metadata says is which file holds
   * them, so that a replay tells it without reading it. */
  if (!apigo_download_keep (dl, clip, error))
    return FALSE;
  mark_used (-1, clip);
  if (!apigo_download_stat (dl, &st)) {
    int err = errno;

    g_set_error (error, APIGO_ERROR, APIGO_ERROR_STORAGE,
        "Cannot keep the downloaded video as %s: %s", clip, g_strerror (err));
    g_unlink (clip);
    return FALSE;
  }

  json_builder_begin_object (b);
  add_identity (b, &st);
  json_builder_set_member_name (b, "video_id");
  json_builder_add_string_value (b, about->video_id);
  json_builder_set_member_name (b, "file");
  json_builder_add_string_value (b, file);
  json_builder_set_member_name (b, "kept_at");
  json_builder_add_int_value (b, g_get_real_time () / G_USEC_PER_SEC);
  /* What the service said its task cost; no member when it did not. */
  if (about->has_cost) {
    json_builder_set_member_name (b, "cost");
    json_builder_add_double_value (b, about->cost);
  }
  json_builder_set_member_name (b, "request");
  json_builder_begin_object (b);
  for (i = 0; i < G_N_ELEMENTS (request); i++) {
    if (request[i].value == NULL)
      continue;
    json_builder_set_member_name (b, request[i].name);
    json_builder_add_string_value (b, request[i].value);
  }
  json_builder_end_object (b);
  json_builder_end_object (b);

  if (!apigo_cache_write_json (meta, b, error))
    return FALSE;
  /* What an older version kept under another name (a thumbnail as .mp4). */
  remove_clip_files (cache, key, clip);
  APIGO_INFO ("Kept %s as %s (%" G_GINT64_FORMAT " bytes)", about->video_id,
      clip, (gint64) st.st_size);

  g_mutex_lock (&cache->evict_lock);
  evict (cache, key, cache->max_clip_bytes, 0, NULL);
  g_mutex_unlock (&cache->evict_lock);
  return TRUE;
}

static gint
recent_first (gconstpointer a, gconstpointer b)
{
  const ApigoKeptClip *x = *(ApigoKeptClip * const *) a;
  const ApigoKeptClip *y = *(ApigoKeptClip * const *) b;

  return x->last_used > y->last_used ? -1 : x->last_used < y->last_used;
}

GPtrArray *
apigo_cache_list_clips (ApigoCache * cache)
{
  g_autoptr (GDir) dir = g_dir_open (cache->clips_dir, 0, NULL);
  GPtrArray *clips = g_ptr_array_new_with_free_func ((GDestroyNotify)
      apigo_kept_clip_free);
  const gchar *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *path = NULL;
    g_autofree gchar *key = NULL;
    g_autoptr (JsonObject) meta = NULL;

    if (!g_str_has_suffix (name, ".json"))
      continue;
    path = g_build_filename (cache->clips_dir, name, NULL);
    meta = apigo_cache_read_json (path);
    if (meta == NULL)
      continue;
    key = g_strndup (name, strlen (name) - strlen (".json"));
    g_ptr_array_add (clips, clip_from_meta (cache, key, meta));
  }
  g_ptr_array_sort (clips, recent_first);
  return clips;
}

gchar *
apigo_cache_find_clip_of_task (ApigoCache * cache, const gchar * base_url,
    const gchar * video_id, const gchar * variant)
{
  g_autoptr (GPtrArray) clips = apigo_cache_list_clips (cache);
  guint i;

  for (i = 0; i < clips->len; i++) {
    ApigoKeptClip *clip = g_ptr_array_index (clips, i);

    /* Ids are the service's own: another service may use the same. */
    if (g_strcmp0 (clip->video_id, video_id) == 0
        && g_strcmp0 (clip->variant, variant) == 0
        && clip->base_url != NULL
        && g_strcmp0 (clip->base_url, base_url) == 0)
      return g_strdup (clip->key);
  }
  return NULL;
}

gboolean
apigo_cache_remove_clip (ApigoCache * cache, const gchar * key)
{
  g_autofree gchar *part = apigo_cache_file_path (cache->clips_dir, key,
      ".part");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean removed;
  GStatBuf st;

  g_mutex_lock (&cache->evict_lock);
  removed = remove_clip (cache, key);
  if (g_stat (part, &st) == 0 && now - st.st_mtime >= PART_IN_USE_S
      && g_unlink (part) == 0)
    removed = TRUE;
  g_mutex_unlock (&cache->evict_lock);
  if (removed)
    APIGO_INFO ("Removed the clip %s", key);
  return removed;
}

guint
apigo_cache_prune (ApigoCache * cache, guint64 max_bytes,
    gint64 older_than_s, guint64 * freed)
{
  gint64 cutoff = older_than_s > 0 ? g_get_real_time () / G_USEC_PER_SEC -
      older_than_s : 0;
  guint removed;

  if (freed != NULL)
    *freed = 0;
  g_mutex_lock (&cache->evict_lock);
  removed = evict (cache, NULL, max_bytes, cutoff, freed);
  g_mutex_unlock (&cache->evict_lock);
  return removed;
}

/* Rewrites the metadata at @path saying its task is deleted. */
static void
mark_deleted (const gchar * path, JsonObject * meta)
{
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (GError) error = NULL;

  json_object_set_boolean_member (meta, "remote_deleted", TRUE);
  json_node_set_object (root, meta);
  if (!apigo_cache_write_json_node (path, root, &error))
    APIGO_WARNING ("%s", error->message);
}

/* Calls @func on each JSON object in @dir whose video_id is @video_id. */
static void
for_each_naming (const gchar * dir_path, const gchar * video_id,
    void (*func) (const gchar * path, JsonObject * obj))
{
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, NULL);
  const gchar *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *path = NULL;
    g_autofree gchar *id = NULL;
    g_autoptr (JsonObject) obj = NULL;

    if (!g_str_has_suffix (name, ".json"))
      continue;
    path = g_build_filename (dir_path, name, NULL);
    obj = apigo_cache_read_json (path);
    if (obj != NULL && (id = apigo_json_dup_string (obj, "video_id")) != NULL
        && strcmp (id, video_id) == 0)
      func (path, obj);
  }
}

static void
forget_entry (const gchar * path, JsonObject * entry)
{
  if (g_unlink (path) == 0)
    APIGO_DEBUG ("Journal %s: forgotten, its task is deleted", path);
}

void
apigo_cache_note_deleted (ApigoCache * cache, const gchar * video_id)
{
  g_return_if_fail (video_id != NULL);

  APIGO_DEBUG ("%s is deleted from the service", video_id);
  for_each_naming (cache->clips_dir, video_id, mark_deleted);
  for_each_naming (cache->tasks_dir, video_id, forget_entry);
}
