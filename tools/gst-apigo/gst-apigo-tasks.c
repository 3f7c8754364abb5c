/* gst-apigo: the command-line tool
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The tasks at the service: tasks, delete.  The key comes from
 * APIGO_API_KEY only (a command line is visible to every user), and the
 * client checks everything the element checks: the base URL, the key's
 * characters, no key in the clear beyond this machine.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gst-apigo.h"
#include "apigo-cache.h"
#include "apigo-client.h"
#include "apigo-options.h"
#include "apigo-retry.h"

#include <json-glib/json-glib.h>

#define LIMIT_MAX 100

static ApigoClient *
new_client (const ToolOptions * options)
{
  const gchar *env_url = g_getenv ("APIGO_BASE_URL");
  ApigoClientOptions client_options = {
    .base_url = options->base_url,
    .api_key = g_getenv ("APIGO_API_KEY"),
    .user_agent = "gst-apigo/" VERSION " (command line)",
    .ca_file = options->ca_file,
    .retries = APIGO_RETRY_DEFAULT_RETRIES,
    .allow_plain_http = options->allow_plain_http,
  };
  g_autoptr (GError) error = NULL;
  g_autofree gchar *base_url = NULL;
  ApigoClient *client;

  if (client_options.base_url == NULL)
    client_options.base_url = env_url && *env_url ? env_url :
        APIGO_CLIENT_DEFAULT_BASE_URL;
  if (client_options.api_key == NULL || *client_options.api_key == '\0') {
    tool_error ("No API key: set the APIGO_API_KEY environment variable");
    return NULL;
  }
  /* The dialect the host says, as generate and the element's auto. */
  if (apigo_client_check_base_url (client_options.base_url, NULL)) {
    if (!apigo_dialect_resolve (APIGO_OPTION_DIALECT_AUTO,
            client_options.base_url, &client_options.dialect, &base_url,
            &error)) {
      tool_error ("Bad base URL: %s", error->message);
      return NULL;
    }
    client_options.base_url = base_url;
  }
  client = apigo_client_new_full (&client_options, &error);
  if (client == NULL)
    tool_error ("%s", error->message);
  return client;
}

/* The video ids some kept clip comes from, when there is a cache. */
static GHashTable *
kept_ids (const ToolOptions * options, ApigoCache ** cache_out)
{
  g_autofree gchar *dir = options->cache_dir ?
      g_strdup (options->cache_dir) : apigo_cache_default_dir ();
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  g_autoptr (GPtrArray) clips = NULL;
  ApigoCache *cache;
  guint i;

  *cache_out = NULL;
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR)
      || (cache = apigo_cache_new (dir, G_MAXUINT64, NULL)) == NULL)
    return ids;
  clips = apigo_cache_list_clips (cache);
  for (i = 0; i < clips->len; i++) {
    ApigoKeptClip *c = g_ptr_array_index (clips, i);

    if (c->video_id != NULL && !c->remote_deleted)
      g_hash_table_add (ids, g_strdup (c->video_id));
  }
  *cache_out = cache;
  return ids;
}

static void
add_string (JsonBuilder * b, const gchar * name, const gchar * value)
{
  g_autofree gchar *clean = value ? apigo_service_text (value, -1,
      G_MAXINT) : NULL;

  json_builder_set_member_name (b, name);
  if (clean != NULL)
    json_builder_add_string_value (b, clean);
  else
    json_builder_add_null_value (b);
}

static void
print_tasks_json (GPtrArray * tasks, GHashTable * kept)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *text = NULL;
  guint i;

  json_builder_begin_array (b);
  for (i = 0; i < tasks->len; i++) {
    ApigoTask *t = g_ptr_array_index (tasks, i);

    json_builder_begin_object (b);
    add_string (b, "id", t->id);
    add_string (b, "status", t->status_text);
    json_builder_set_member_name (b, "progress");
    json_builder_add_int_value (b, t->progress);
    json_builder_set_member_name (b, "created_at");
    json_builder_add_int_value (b, t->created_at);
    json_builder_set_member_name (b, "expires_at");
    json_builder_add_int_value (b, t->expires_at);
    add_string (b, "model", t->model);
    add_string (b, "size", t->size);
    add_string (b, "seconds", t->seconds);
    add_string (b, "prompt", t->prompt);
    json_builder_set_member_name (b, "kept");
    json_builder_add_boolean_value (b, g_hash_table_contains (kept, t->id));
    json_builder_end_object (b);
  }
  json_builder_end_array (b);

  root = json_builder_get_root (b);
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, NULL);
  g_print ("%s\n", text);
}

gint
tool_tasks (const ToolOptions * options)
{
  g_autoptr (ApigoClient) client = NULL;
  g_autoptr (GPtrArray) tasks = NULL;
  g_autoptr (GHashTable) kept = NULL;
  g_autoptr (ApigoCache) cache = NULL;
  g_autoptr (GError) error = NULL;
  guint i;

  if (options->args[0] != NULL) {
    tool_error ("tasks takes no argument: --limit N");
    return TOOL_USAGE;
  }
  if (options->limit < 1 || options->limit > LIMIT_MAX) {
    tool_error ("--limit is 1 to %d", LIMIT_MAX);
    return TOOL_USAGE;
  }
  client = new_client (options);
  if (client == NULL)
    return TOOL_FAILED;
  tasks = apigo_client_list (client, options->limit, NULL, &error);
  if (tasks == NULL) {
    tool_error ("%s", error->message);
    return TOOL_FAILED;
  }
  kept = kept_ids (options, &cache);

  if (options->json) {
    print_tasks_json (tasks, kept);
    return TOOL_OK;
  }
  if (tasks->len == 0) {
    g_print ("No tasks at the service\n");
    return TOOL_OK;
  }
  g_print ("%-38s  %-11s  %4s  %-19s  %-10s  %-9s  %4s  %-4s  %s\n", "ID",
      "STATUS", "%", "CREATED", "MODEL", "SIZE", "SECS", "KEPT", "PROMPT");
  for (i = 0; i < tasks->len; i++) {
    ApigoTask *t = g_ptr_array_index (tasks, i);
    g_autofree gchar *status = tool_text (t->status_text, 11);
    g_autofree gchar *progress = t->progress >= 0 ?
        g_strdup_printf ("%d", t->progress) : g_strdup ("-");
    g_autofree gchar *created = tool_time (t->created_at);
    g_autofree gchar *model = tool_text (t->model, 10);
    g_autofree gchar *size = tool_text (t->size, 9);
    g_autofree gchar *seconds = tool_text (t->seconds, 4);
    g_autofree gchar *prompt = tool_text (t->prompt, 50);

    g_print ("%-38s  %-11s  %4s  %-19s  %-10s  %-9s  %4s  %-4s  %s\n",
        t->id, status, progress, created, model, size, seconds,
        g_hash_table_contains (kept, t->id) ? "yes" : "no", prompt);
  }
  return TOOL_OK;
}

gint
tool_delete (const ToolOptions * options)
{
  g_autoptr (ApigoClient) client = NULL;
  g_autoptr (GHashTable) kept = NULL;
  g_autoptr (ApigoCache) cache = NULL;
  gint status = TOOL_OK;
  guint i;

  if (options->args[0] == NULL) {
    tool_error ("delete: name the video ids to delete");
    return TOOL_USAGE;
  }
  for (i = 0; options->args[i] != NULL; i++) {
    if (!apigo_task_id_is_valid (options->args[i])) {
      g_autofree gchar *shown = tool_text (options->args[i], 80);

      tool_error ("\"%s\" is not a video id (letters, digits and -_.:~ "
          "only)", shown);
      return TOOL_USAGE;
    }
  }
  client = new_client (options);
  if (client == NULL)
    return TOOL_FAILED;
  kept = kept_ids (options, &cache);

  for (i = 0; options->args[i] != NULL; i++) {
    const gchar *id = options->args[i];
    g_autoptr (GError) error = NULL;

    if (!apigo_client_delete (client, id, NULL, &error)) {
      tool_error ("%s", error->message);
      status = TOOL_FAILED;
      continue;
    }
    /* Its kept clips still play; a replay with delete-remote asks no
     * more, and the journal forgets it. */
    if (cache != NULL)
      apigo_cache_note_deleted (cache, id);
    g_print ("Deleted %s%s\n", id, g_hash_table_contains (kept, id) ?
        " (its kept clips stay)" : "");
  }
  return status;
}

ApigoClient *
tool_new_client (const ToolOptions * options)
{
  return new_client (options);
}
