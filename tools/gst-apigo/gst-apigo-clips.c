/* gst-apigo: the command-line tool
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The kept clips: clips, show, remove, prune, clear, spend.
 */

#include "gst-apigo.h"
#include "apigo-cache.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

/* A CLIP argument shorter than this names no key: too many would match. */
#define KEY_PREFIX_MIN 4
/* The longest model name shown whole in the clips table. */
#define MODEL_MAX 40
/* The cache leaves partial downloads this recent: another process may be
 * writing them (PART_IN_USE_S, apigo-cache-private.h). */
#define PART_IN_USE_S 60

static gchar *
cache_dir (const ToolOptions * options)
{
  return options->cache_dir ? g_strdup (options->cache_dir) :
      apigo_cache_default_dir ();
}

/* The cache in the options' directory; NULL, having said so, when there is
 * none yet (@missing_ok: quietly) or it cannot be used. */
static ApigoCache *
open_cache (const ToolOptions * options, gboolean missing_ok)
{
  g_autofree gchar *dir = cache_dir (options);
  g_autoptr (GError) error = NULL;
  ApigoCache *cache;

  /* Looking must not make one. */
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR)) {
    if (!missing_ok)
      tool_error ("No cache at %s", dir);
    return NULL;
  }
  /* No bound: only what the commands say is removed. */
  cache = apigo_cache_new (dir, G_MAXUINT64, &error);
  if (cache == NULL)
    tool_error ("%s", error->message);
  return cache;
}

static void
add_string (JsonBuilder * b, const gchar * name, const gchar * value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder * b, const gchar * name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

/* "$0.50", "$0.012345": US dollars to the millionth, whatever the locale,
 * two decimals at least; "-" when @known is FALSE. */
static gchar *
usd_text (gboolean known, gdouble usd)
{
  gchar buf[G_ASCII_DTOSTR_BUF_SIZE];
  gsize len;

  if (!known)
    return g_strdup ("-");
  g_ascii_formatd (buf, sizeof (buf), "%.6f", usd);
  len = strlen (buf);
  while (len > 0 && buf[len - 1] == '0' && strchr (buf, '.') != NULL
      && len - (strchr (buf, '.') - buf) > 3)
    buf[--len] = '\0';
  return g_strconcat ("$", buf, NULL);
}

static void
print_json (JsonBuilder * b)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autofree gchar *text = NULL;

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

static void
clip_to_json (JsonBuilder * b, const ApigoKeptClip * c)
{
  json_builder_begin_object (b);
  add_string (b, "key", c->key);
  add_string (b, "file", c->path);
  add_int (b, "bytes", c->bytes);
  add_string (b, "video_id", c->video_id);
  add_string (b, "variant", c->variant ? c->variant : "video");
  add_string (b, "prompt", c->prompt);
  add_string (b, "model", c->model);
  add_string (b, "size", c->size);
  add_string (b, "seconds", c->seconds);
  add_int (b, "kept_at", c->kept_at);
  add_int (b, "last_used", c->last_used);
  /* US dollars, as the service said; null: it did not. */
  json_builder_set_member_name (b, "cost");
  if (c->has_cost)
    json_builder_add_double_value (b, c->cost);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "remote_deleted");
  json_builder_add_boolean_value (b, c->remote_deleted);
  json_builder_end_object (b);
}

gint
tool_clips (const ToolOptions * options)
{
  g_autoptr (ApigoCache) cache = open_cache (options, TRUE);
  g_autoptr (GPtrArray) clips = NULL;
  gint model_width = 10;
  guint i;

  if (options->args[0] != NULL) {
    tool_error ("clips takes no argument");
    return TOOL_USAGE;
  }
  clips = cache ? apigo_cache_list_clips (cache) :
      g_ptr_array_new_with_free_func ((GDestroyNotify) apigo_kept_clip_free);

  if (options->json) {
    g_autoptr (JsonBuilder) b = json_builder_new ();

    json_builder_begin_array (b);
    for (i = 0; i < clips->len; i++)
      clip_to_json (b, g_ptr_array_index (clips, i));
    json_builder_end_array (b);
    print_json (b);
    return TOOL_OK;
  }

  if (clips->len == 0) {
    g_autofree gchar *dir = cache_dir (options);

    g_print ("No clips kept in %s\n", dir);
    return TOOL_OK;
  }
  /* As wide as the longest model: a gateway's names share their start
   * (openai/sora-2, openai/sora-2-pro), so cutting them hides the model. */
  for (i = 0; i < clips->len; i++) {
    g_autofree gchar *model = tool_text (((ApigoKeptClip *)
            g_ptr_array_index (clips, i))->model, MODEL_MAX);

    model_width = MAX (model_width, (gint) strlen (model));
  }
  g_print ("%-12s  %-6s  %9s  %-11s  %-9s  %4s  %-*s  %9s  %-38s  %s\n",
      "CLIP", "AGE", "BYTES", "VARIANT", "SIZE", "SECS", model_width,
      "MODEL", "COST", "VIDEO ID", "PROMPT");
  for (i = 0; i < clips->len; i++) {
    ApigoKeptClip *c = g_ptr_array_index (clips, i);
    g_autofree gchar *age = tool_age (c->kept_at ? c->kept_at :
        c->last_used);
    g_autofree gchar *bytes = g_format_size (c->bytes);
    g_autofree gchar *size = tool_text (c->size, 9);
    g_autofree gchar *seconds = tool_text (c->seconds, 4);
    g_autofree gchar *model = tool_text (c->model, MODEL_MAX);
    g_autofree gchar *prompt = tool_text (c->prompt, 50);
    g_autofree gchar *cost = usd_text (c->has_cost, c->cost);

    g_print ("%-12.12s  %-6s  %9s  %-11s  %-9s  %4s  %-*s  %9s  %-38s  "
        "%s\n", c->key, age, bytes, c->variant ? c->variant : "video", size,
        seconds, model_width, model, cost, c->video_id ? c->video_id : "-",
        prompt);
  }
  return TOOL_OK;
}

/* The clips @which names: its key, the start of a key (at least 4
 * characters), or its video id (the video and its images). */
static GPtrArray *
find_clips (GPtrArray * clips, const gchar * which)
{
  GPtrArray *found = g_ptr_array_new ();
  guint i;

  for (i = 0; i < clips->len; i++) {
    ApigoKeptClip *c = g_ptr_array_index (clips, i);

    if (g_strcmp0 (c->video_id, which) == 0 || (strlen (which) >=
            KEY_PREFIX_MIN
            && g_str_has_prefix (c->key, which)))
      g_ptr_array_add (found, c);
  }
  return found;
}

/* Runs @func on every clip the arguments name; each must name some. */
static gint
for_each_named (const ToolOptions * options, const gchar * command,
    void (*func) (ApigoCache * cache, const ApigoKeptClip * clip))
{
  g_autoptr (ApigoCache) cache = NULL;
  g_autoptr (GPtrArray) clips = NULL;
  gint status = TOOL_OK;
  guint i, j;

  if (options->args[0] == NULL) {
    tool_error ("%s: name a clip (its key, the start of it, or a video id)",
        command);
    return TOOL_USAGE;
  }
  /* Before doing anything: a remove must not do half of what it is told. */
  for (i = 0; options->args[i] != NULL; i++) {
    if (strlen (options->args[i]) < KEY_PREFIX_MIN) {
      g_autofree gchar *shown = tool_text (options->args[i], 80);

      tool_error ("%s: \"%s\" is too short: the start of a key must be at "
          "least %u characters", command, shown, KEY_PREFIX_MIN);
      status = TOOL_USAGE;
    }
  }
  if (status != TOOL_OK)
    return status;
  cache = open_cache (options, FALSE);
  if (cache == NULL)
    return TOOL_FAILED;
  clips = apigo_cache_list_clips (cache);

  for (i = 0; options->args[i] != NULL; i++) {
    g_autoptr (GPtrArray) found = find_clips (clips, options->args[i]);

    if (found->len == 0) {
      g_autofree gchar *shown = tool_text (options->args[i], 80);

      tool_error ("No kept clip is %s", shown);
      status = TOOL_FAILED;
    }
    for (j = 0; j < found->len; j++)
      func (cache, g_ptr_array_index (found, j));
  }
  return status;
}

static void
show_clip (ApigoCache * cache, const ApigoKeptClip * c)
{
  g_autofree gchar *bytes = g_format_size (c->bytes);
  g_autofree gchar *prompt = tool_text (c->prompt, G_MAXINT);
  g_autofree gchar *model = tool_text (c->model, 100);
  g_autofree gchar *size = tool_text (c->size, 100);
  g_autofree gchar *seconds = tool_text (c->seconds, 100);
  g_autofree gchar *kept = tool_time (c->kept_at);
  g_autofree gchar *kept_age = tool_age (c->kept_at);
  g_autofree gchar *used = tool_time (c->last_used);
  g_autofree gchar *used_age = tool_age (c->last_used);
  g_autofree gchar *cost = usd_text (c->has_cost, c->cost);

  g_print ("clip:          %s\n", c->key);
  g_print ("file:          %s\n", c->path);
  g_print ("bytes:         %" G_GUINT64_FORMAT " (%s)\n", c->bytes, bytes);
  g_print ("video id:      %s\n", c->video_id ? c->video_id : "-");
  g_print ("variant:       %s\n", c->variant ? c->variant : "video");
  g_print ("prompt:        %s\n", prompt);
  g_print ("model:         %s\n", model);
  g_print ("size:          %s\n", size);
  g_print ("seconds:       %s\n", seconds);
  g_print ("cost:          %s\n", c->has_cost ? cost :
      "- (the service did not say)");
  if (c->kept_at > 0)
    g_print ("kept:          %s (%s ago)\n", kept, kept_age);
  else
    g_print ("kept:          - (by an older version)\n");
  if (c->last_used > 0)
    g_print ("last played:   %s (%s ago)\n", used, used_age);
  else
    g_print ("last played:   - (its file is missing)\n");
  g_print ("at the service: %s\n", c->remote_deleted ? "deleted" :
      "not deleted by gst-apigo (it expires there by itself)");
  g_print ("\n");
}

gint
tool_show (const ToolOptions * options)
{
  return for_each_named (options, "show", show_clip);
}

/* What the kept clips cost when they were made: each task once; clips of
 * an unknown cost are counted apart, never as 0. */
gint
tool_spend (const ToolOptions * options)
{
  g_autoptr (ApigoCache) cache = open_cache (options, TRUE);
  g_autoptr (GPtrArray) clips = NULL;
  g_autofree gchar *total = NULL;
  ApigoSpend spend;

  if (options->args[0] != NULL) {
    tool_error ("spend takes no argument");
    return TOOL_USAGE;
  }
  clips = cache ? apigo_cache_list_clips (cache) :
      g_ptr_array_new_with_free_func ((GDestroyNotify) apigo_kept_clip_free);
  apigo_cache_sum_spend (clips, &spend);

  if (options->json) {
    g_autoptr (JsonBuilder) b = json_builder_new ();

    json_builder_begin_object (b);
    json_builder_set_member_name (b, "total");
    json_builder_add_double_value (b, spend.total);
    add_int (b, "tasks", spend.tasks);
    add_int (b, "known_clips", spend.known);
    add_int (b, "unknown_clips", spend.unknown);
    json_builder_end_object (b);
    print_json (b);
    return TOOL_OK;
  }

  total = usd_text (TRUE, spend.total);
  g_print ("total:         %s (US dollars, the service's word; %u task%s, "
      "each counted once)\n", total, spend.tasks, spend.tasks == 1 ? "" :
      "s");
  g_print ("known cost:    %u clip%s\n", spend.known, spend.known == 1 ? "" :
      "s");
  g_print ("unknown cost:  %u clip%s%s\n", spend.unknown,
      spend.unknown == 1 ? "" : "s", spend.unknown > 0 ? " (not in the "
      "total: the service did not say what they cost)" : "");
  return TOOL_OK;
}

static void
print_removed (const ApigoKeptClip * c)
{
  g_autofree gchar *prompt = tool_text (c->prompt, 60);

  g_print ("Removed %s (%s)\n", c->path, prompt);
}

static void
remove_clip (ApigoCache * cache, const ApigoKeptClip * c)
{
  if (apigo_cache_remove_clip (cache, c->key))
    print_removed (c);
}

gint
tool_remove (const ToolOptions * options)
{
  return for_each_named (options, "remove", remove_clip);
}

/* The partial downloads in @cache: path -> its mtime (gint64 *). */
static GHashTable *
list_parts (ApigoCache * cache)
{
  g_autofree gchar *clips = g_build_filename (apigo_cache_get_dir (cache),
      "clips", NULL);
  g_autoptr (GDir) dir = g_dir_open (clips, 0, NULL);
  GHashTable *parts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  const gchar *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *path = NULL;
    GStatBuf st;

    if (!g_str_has_suffix (name, ".part"))
      continue;
    path = g_build_filename (clips, name, NULL);
    if (g_stat (path, &st) == 0) {
      gint64 *mtime = g_new (gint64, 1);

      *mtime = st.st_mtime;
      g_hash_table_insert (parts, g_steal_pointer (&path), mtime);
    }
  }
  return parts;
}

/* Says, one line each, what is in @before and no more in the cache. */
static void
print_gone (ApigoCache * cache, GPtrArray * before, GHashTable * parts_before)
{
  g_autoptr (GPtrArray) after = apigo_cache_list_clips (cache);
  g_autoptr (GHashTable) kept = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) parts = list_parts (cache);
  GHashTableIter iter;
  gpointer path, mtime;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint i, young = 0;

  for (i = 0; i < after->len; i++)
    g_hash_table_add (kept, ((ApigoKeptClip *) g_ptr_array_index (after,
                i))->key);
  for (i = 0; i < before->len; i++) {
    ApigoKeptClip *c = g_ptr_array_index (before, i);

    if (!g_hash_table_contains (kept, c->key))
      print_removed (c);
  }
  g_hash_table_iter_init (&iter, parts_before);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    if (!g_hash_table_contains (parts, path))
      g_print ("Removed %s (a partial download)\n", (const gchar *) path);

  g_hash_table_iter_init (&iter, parts);
  while (g_hash_table_iter_next (&iter, &path, &mtime))
    young += now - *(gint64 *) mtime < PART_IN_USE_S;
  if (young > 0)
    g_print ("Left %u partial download%s younger than a minute: another "
        "process may be writing %s\n", young, young == 1 ? "" : "s",
        young == 1 ? "it" : "them");
}

static gint
prune (const ToolOptions * options, guint64 max_bytes, gint64 older_than_s)
{
  g_autoptr (ApigoCache) cache = open_cache (options, TRUE);
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GHashTable) parts_before = NULL;
  g_autofree gchar *freed_text = NULL;
  guint64 freed = 0;
  guint removed = 0;

  if (cache != NULL) {
    /* What goes is told by what was there and is no more: the cache
     * counts only. */
    before = apigo_cache_list_clips (cache);
    parts_before = list_parts (cache);
    removed = apigo_cache_prune (cache, max_bytes, older_than_s, &freed);
  }
  /* Clearing: metadata whose clip is gone (removed by hand) goes too. */
  if (cache != NULL && max_bytes == 0) {
    g_autoptr (GPtrArray) left = apigo_cache_list_clips (cache);
    guint i;

    for (i = 0; i < left->len; i++)
      removed += apigo_cache_remove_clip (cache,
          ((ApigoKeptClip *) g_ptr_array_index (left, i))->key);
  }
  if (cache != NULL)
    print_gone (cache, before, parts_before);
  freed_text = g_format_size (freed);
  g_print ("Removed %u file%s, %s\n", removed, removed == 1 ? "" : "s",
      freed_text);
  return TOOL_OK;
}

gint
tool_prune (const ToolOptions * options)
{
  guint64 max_bytes = G_MAXUINT64;
  gint64 older_than_s = 0;

  if (options->args[0] != NULL) {
    tool_error ("prune takes no argument: --older-than DAYS, --max-size MIB");
    return TOOL_USAGE;
  }
  if (options->max_size_mib < 0 && options->older_than_days < 0) {
    tool_error ("prune: say --older-than DAYS, --max-size MIB, or both");
    return TOOL_USAGE;
  }
  if (options->max_size_mib >= 0)
    max_bytes = (guint64) (options->max_size_mib * 1024 * 1024);
  /* 0 days: everything kept until now. */
  if (options->older_than_days >= 0)
    older_than_s = MAX ((gint64) (options->older_than_days * 86400), 1);
  return prune (options, max_bytes, older_than_s);
}

gint
tool_clear (const ToolOptions * options)
{
  if (options->args[0] != NULL) {
    tool_error ("clear takes no argument");
    return TOOL_USAGE;
  }
  return prune (options, 0, 0);
}
