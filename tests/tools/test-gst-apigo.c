/* gst-apigo: the command-line tool, against the emulator
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sys/wait.h>
#include <utime.h>

#include "apigo-emulator.h"
#include "apigo-job.h"
#include "test-tree.h"

#define KEY "sk-tool-test-5c0ffee-never-shown"

static gchar *dir;
static gchar *cache;
static ApigoEmulator *emu;

static void
setup (void)
{
  g_autoptr (GError) error = NULL;
  const gchar *renders = g_getenv ("APIGO_TEST_CLIP_CACHE");

  dir = g_dir_make_tmp ("apigo-tool-test-XXXXXX", &error);
  g_assert_no_error (error);
  cache = g_build_filename (dir, "cache", NULL);
  emu = apigo_emulator_new ();
  g_object_set (emu, "api-key", KEY, "any-size", TRUE, "audio", FALSE,
      "generation-time", 0.3, NULL);
  if (renders != NULL)
    g_object_set (emu, "cache-dir", renders, NULL);
  fail_unless (apigo_emulator_start (emu, 0, &error), "%s",
      error ? error->message : "");
}

static void
teardown (void)
{
  apigo_emulator_stop (emu);
  g_clear_object (&emu);
  test_remove_tree (dir);
  g_clear_pointer (&dir, g_free);
  g_clear_pointer (&cache, g_free);
}

/* Makes the @variant (NULL: the video) of @prompt as apigovideosrc would,
 * keeping it in the test's cache; returns its task. */
static gchar *
generate_with_model (const gchar * prompt, const gchar * variant,
    const gchar * model)
{
  ApigoJobSettings s = {
    .base_url = (gchar *) apigo_emulator_get_base_url (emu),
    .model = (gchar *) model,.prompt = (gchar *) prompt,.size = "320x180",
    .seconds = "1",.variant = (gchar *) variant,.api_key = KEY,
    .user_agent = "test",.retries = 2,.poll_interval_ms = 100,
    .timeout_s = 60,.cache_dir = cache,.cache_max_bytes = 1 << 30,
    .reuse = TRUE,
  };
  g_autoptr (GError) error = NULL;
  ApigoJob *job = apigo_job_new (&s, NULL, NULL, &error);
  gchar *id;

  g_assert_no_error (error);
  apigo_job_start (job, &s);
  fail_unless (apigo_job_wait (job, NULL));
  fail_unless (apigo_download_is_complete (apigo_job_get_download (job)),
      "%s was not made", prompt);
  id = apigo_job_dup_video_id (job);
  apigo_job_stop (job);
  apigo_job_unref (job);
  return id;
}

static gchar *
generate (const gchar * prompt, const gchar * variant)
{
  return generate_with_model (prompt, variant, "sora-2");
}

typedef struct
{
  gint status;
  gchar *out;
  gchar *err;
} Result;

static void
result_clear (Result * r)
{
  g_free (r->out);
  g_free (r->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

/* Runs gst-apigo with the arguments (NULL-terminated), the test's cache
 * and the emulator (APIGO_BASE_URL, APIGO_API_KEY unless @key is NULL). */
static Result
tool (const gchar * key, ...)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) argv = NULL;
  g_auto (GStrv) envp = g_get_environ ();
  Result r = { 0 };
  const gchar *arg;
  va_list args;

  g_strv_builder_add_many (b, GST_APIGO_TOOL, "--cache-dir", cache, NULL);
  va_start (args, key);
  while ((arg = va_arg (args, const gchar *)) != NULL)
    g_strv_builder_add (b, arg);
  va_end (args);
  argv = g_strv_builder_end (b);

  envp = g_environ_setenv (envp, "APIGO_BASE_URL",
      apigo_emulator_get_base_url (emu), TRUE);
  if (key != NULL)
    envp = g_environ_setenv (envp, "APIGO_API_KEY", key, TRUE);
  else
    envp = g_environ_unsetenv (envp, "APIGO_API_KEY");
  fail_unless (g_spawn_sync (NULL, argv, envp, G_SPAWN_DEFAULT, NULL, NULL,
          &r.out, &r.err, &r.status, &error), "%s", error ?
      error->message : "");
  r.status = WIFEXITED (r.status) ? WEXITSTATUS (r.status) : -1;
  /* Nothing the tool says ever holds the key. */
  fail_if (strstr (r.out, KEY) != NULL || strstr (r.err, KEY) != NULL,
      "the key shows: %s%s", r.out, r.err);
  return r;
}

static JsonArray *
parse_array (const gchar * text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  fail_unless (json_parser_load_from_data (parser, text, -1, &error),
      "not JSON: %s", text);
  root = json_parser_get_root (parser);
  fail_unless (JSON_NODE_HOLDS_ARRAY (root), "not an array: %s", text);
  return json_array_ref (json_node_get_array (root));
}

/* The clip of @array with @video_id and @variant, or NULL. */
static JsonObject *
find_clip (JsonArray * array, const gchar * video_id, const gchar * variant)
{
  guint i;

  for (i = 0; i < json_array_get_length (array); i++) {
    JsonObject *o = json_array_get_object_element (array, i);

    if (g_strcmp0 (json_object_get_string_member (o, "video_id"),
            video_id) == 0
        && g_strcmp0 (json_object_get_string_member (o, "variant"),
            variant) == 0)
      return o;
  }
  return NULL;
}

/* clips lists what was kept, saying what each is; show tells one. */
GST_START_TEST (test_clips_listed_and_shown)
{
  g_autofree gchar *fox = generate ("a fox in the snow", NULL);
  g_autofree gchar *fox_thumb = generate ("a fox in the snow", "thumbnail");
  g_autofree gchar *owl = generate ("an owl at night", NULL);
  g_auto (Result) json = tool (NULL, "clips", "--json", NULL);
  g_auto (Result) table = { 0 };
  g_auto (Result) shown = { 0 };
  g_auto (Result) by_key = { 0 };
  g_auto (Result) unknown = { 0 };
  g_auto (Result) short_key = { 0 };
  g_autoptr (JsonArray) clips = NULL;
  g_autofree gchar *key = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  JsonObject *c;

  fail_unless_equals_string (fox_thumb, fox);
  fail_unless_equals_int (json.status, 0);
  clips = parse_array (json.out);
  fail_unless_equals_int (json_array_get_length (clips), 3);

  c = find_clip (clips, fox, "video");
  fail_unless (c != NULL, "%s", json.out);
  fail_unless_equals_string (json_object_get_string_member (c, "prompt"),
      "a fox in the snow");
  fail_unless_equals_string (json_object_get_string_member (c, "model"),
      "sora-2");
  fail_unless_equals_string (json_object_get_string_member (c, "size"),
      "320x180");
  fail_unless_equals_string (json_object_get_string_member (c, "seconds"),
      "1");
  fail_unless (g_str_has_suffix (json_object_get_string_member (c, "file"),
          ".mp4"));
  fail_unless (json_object_get_int_member (c, "bytes") > 1000);
  fail_unless (ABS (json_object_get_int_member (c, "kept_at") - now) < 120);
  key = g_strdup (json_object_get_string_member (c, "key"));

  c = find_clip (clips, fox, "thumbnail");
  fail_unless (c != NULL, "%s", json.out);
  fail_unless (g_str_has_suffix (json_object_get_string_member (c, "file"),
          ".jpg"));
  fail_unless_equals_string (json_object_get_string_member (c, "prompt"),
      "a fox in the snow");
  fail_unless (find_clip (clips, owl, "video") != NULL);

  /* As a table. */
  table = tool (NULL, "clips", NULL);
  fail_unless_equals_int (table.status, 0);
  fail_unless (strstr (table.out, "a fox in the snow") != NULL, "%s",
      table.out);
  fail_unless (strstr (table.out, owl) != NULL, "%s", table.out);
  fail_unless (strstr (table.out, "thumbnail") != NULL, "%s", table.out);

  /* By video id: the video and its thumbnail; by the start of a key. */
  shown = tool (NULL, "show", fox, NULL);
  fail_unless_equals_int (shown.status, 0);
  fail_unless (strstr (shown.out, "variant:       video") != NULL, "%s",
      shown.out);
  fail_unless (strstr (shown.out, "variant:       thumbnail") != NULL, "%s",
      shown.out);
  fail_unless (strstr (shown.out, ".jpg\n") != NULL, "%s", shown.out);
  key[8] = '\0';
  by_key = tool (NULL, "show", key, NULL);
  fail_unless_equals_int (by_key.status, 0);
  fail_unless (strstr (by_key.out, "prompt:        a fox in the snow") !=
      NULL, "%s", by_key.out);
  fail_if (strstr (by_key.out, "thumbnail") != NULL, "%s", by_key.out);

  unknown = tool (NULL, "show", "video_nothing_like_it", NULL);
  fail_unless_equals_int (unknown.status, 1);
  fail_unless (strstr (unknown.err, "No kept clip") != NULL, "%s",
      unknown.err);

  /* Shorter than a key's start may be: a wrong command line. */
  key[3] = '\0';
  short_key = tool (NULL, "show", key, NULL);
  fail_unless_equals_int (short_key.status, 2);
  fail_unless (strstr (short_key.err, "at least 4 characters") != NULL, "%s",
      short_key.err);
  fail_if (strstr (short_key.err, "No kept clip") != NULL, "%s",
      short_key.err);
}

GST_END_TEST;

/* The object gst-apigo printed, or a failure. */
static JsonObject *
parse_object (const gchar * text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;

  fail_unless (json_parser_load_from_data (parser, text, -1, NULL),
      "not JSON: %s", text);
  root = json_parser_get_root (parser);
  fail_unless (JSON_NODE_HOLDS_OBJECT (root), "not an object: %s", text);
  return json_object_ref (json_node_get_object (root));
}

/* The line of @table that holds @words, or a failure. */
static gchar *
line_with (const gchar * table, const gchar * words)
{
  g_auto (GStrv) lines = g_strsplit (table, "\n", -1);
  guint i;

  for (i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], words) != NULL)
      return g_strdup (lines[i]);
  fail ("no line with %s in:\n%s", words, table);
  return NULL;
}

/* A gateway's model names show whole in the table: cut, openai/sora-2
 * and openai/sora-2-pro both read "openai/...". */
GST_START_TEST (test_clips_long_model)
{
  g_autofree gchar *pro = generate_with_model ("a heron in the reeds", NULL,
      "openai/sora-2-pro");
  g_autofree gchar *line = NULL;
  g_auto (Result) table = { 0 };

  table = tool (NULL, "clips", NULL);
  fail_unless_equals_int (table.status, 0);
  line = line_with (table.out, pro);
  fail_unless (strstr (line, " openai/sora-2-pro ") != NULL, "%s",
      table.out);
}

GST_END_TEST;

/* What the service said a generation cost shows with each kept clip, and
 * spend totals it: a task once (a video and its thumbnail), the clips of
 * an unknown cost counted apart, a cost that is none (negative) unknown. */
GST_START_TEST (test_clips_cost_and_spend)
{
  g_autofree gchar *fox = NULL;
  g_autofree gchar *fox_thumb = NULL;
  g_autofree gchar *owl = NULL;
  g_autofree gchar *bat = NULL;
  g_autofree gchar *fox_line = NULL;
  g_autofree gchar *owl_line = NULL;
  g_auto (Result) json = { 0 };
  g_auto (Result) table = { 0 };
  g_auto (Result) shown = { 0 };
  g_auto (Result) spend = { 0 };
  g_auto (Result) spend_json = { 0 };
  g_autoptr (JsonArray) clips = NULL;
  g_autoptr (JsonObject) total = NULL;
  JsonObject *c;

  /* 1 s clips at 0.25 USD a second. */
  g_object_set (emu, "cost-per-second", 0.25, NULL);
  fox = generate ("a fox in the snow", NULL);
  fox_thumb = generate ("a fox in the snow", "thumbnail");
  g_object_set (emu, "cost-per-second", 0.0, NULL);
  owl = generate ("an owl at night", NULL);
  g_object_set (emu, "cost-per-second", -1.0, NULL);
  bat = generate ("a bat at dusk", NULL);
  fail_unless_equals_string (fox_thumb, fox);

  json = tool (NULL, "clips", "--json", NULL);
  fail_unless_equals_int (json.status, 0);
  clips = parse_array (json.out);
  c = find_clip (clips, fox, "video");
  fail_unless (c != NULL, "%s", json.out);
  fail_unless (json_object_get_double_member (c, "cost") == 0.25, "%s",
      json.out);
  c = find_clip (clips, fox, "thumbnail");
  fail_unless (json_object_get_double_member (c, "cost") == 0.25, "%s",
      json.out);
  c = find_clip (clips, owl, "video");
  fail_unless (json_object_get_null_member (c, "cost"), "%s", json.out);
  c = find_clip (clips, bat, "video");
  fail_unless (json_object_get_null_member (c, "cost"), "%s", json.out);

  table = tool (NULL, "clips", NULL);
  fail_unless_equals_int (table.status, 0);
  fail_unless (strstr (table.out, "COST") != NULL, "%s", table.out);
  fox_line = line_with (table.out, "a fox in the snow");
  owl_line = line_with (table.out, owl);
  fail_unless (strstr (fox_line, "$0.25 ") != NULL, "%s", fox_line);
  fail_if (strchr (owl_line, '$') != NULL, "%s", owl_line);

  shown = tool (NULL, "show", fox, NULL);
  fail_unless (strstr (shown.out, "cost:          $0.25\n") != NULL, "%s",
      shown.out);

  spend = tool (NULL, "spend", NULL);
  fail_unless_equals_int (spend.status, 0);
  fail_unless (strstr (spend.out, "total:         $0.25 ") != NULL, "%s",
      spend.out);
  fail_unless (strstr (spend.out, "1 task, each counted once") != NULL, "%s",
      spend.out);
  fail_unless (strstr (spend.out, "known cost:    2 clips\n") != NULL, "%s",
      spend.out);
  fail_unless (strstr (spend.out, "unknown cost:  2 clips (not in the "
          "total") != NULL, "%s", spend.out);

  spend_json = tool (NULL, "spend", "--json", NULL);
  fail_unless_equals_int (spend_json.status, 0);
  total = parse_object (spend_json.out);
  fail_unless (json_object_get_double_member (total, "total") == 0.25, "%s",
      spend_json.out);
  fail_unless_equals_int (json_object_get_int_member (total, "tasks"), 1);
  fail_unless_equals_int (json_object_get_int_member (total, "known_clips"),
      2);
  fail_unless_equals_int (json_object_get_int_member (total,
          "unknown_clips"), 2);
}

GST_END_TEST;

static guint
clip_count (void)
{
  g_auto (Result) r = tool (NULL, "clips", "--json", NULL);
  g_autoptr (JsonArray) clips = NULL;

  fail_unless_equals_int (r.status, 0);
  clips = parse_array (r.out);
  return json_array_get_length (clips);
}

/* Sets "kept_at" in the metadata of the clip @key to @days ago. */
static void
age_clip (const gchar * key, gint days)
{
  g_autofree gchar *name = g_strconcat (key, ".json", NULL);
  g_autofree gchar *path = g_build_filename (cache, "clips", name, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  fail_unless (json_parser_load_from_file (parser, path, NULL));
  json_object_set_int_member (json_node_get_object (json_parser_get_root
          (parser)), "kept_at", g_get_real_time () / G_USEC_PER_SEC -
      days * 86400);
  json_generator_set_root (gen, json_parser_get_root (parser));
  fail_unless (json_generator_to_file (gen, path, NULL));
}

/* Whether @out has the line saying the video of @video_id (in @clips, as
 * listed before) was removed, with its @prompt. */
static gboolean
removed_line (const gchar * out, JsonArray * clips, const gchar * video_id,
    const gchar * prompt)
{
  JsonObject *c = find_clip (clips, video_id, "video");
  g_autofree gchar *line = g_strdup_printf ("Removed %s (%s)\n",
      json_object_get_string_member (c, "file"), prompt);

  return strstr (out, line) != NULL;
}

/* remove, prune --older-than, prune --max-size, clear. */
GST_START_TEST (test_remove_prune_clear)
{
  g_autofree gchar *a = generate ("first", NULL);
  g_autofree gchar *b = generate ("second", NULL);
  g_autofree gchar *c = generate ("third", NULL);
  g_autofree gchar *d = generate ("fourth", NULL);
  g_auto (Result) json = tool (NULL, "clips", "--json", NULL);
  g_auto (Result) removed = { 0 };
  g_auto (Result) old = { 0 };
  g_auto (Result) small = { 0 };
  g_auto (Result) cleared = { 0 };
  g_auto (Result) no_bound = { 0 };
  g_autoptr (JsonArray) clips = parse_array (json.out);
  g_autoptr (GDir) left = NULL;
  g_autofree gchar *clips_dir = g_build_filename (cache, "clips", NULL);
  g_autofree gchar *idle_part = NULL;
  g_autofree gchar *busy_part = NULL;
  g_autofree gchar *line = NULL;
  const gchar *name;

  fail_unless_equals_int (json_array_get_length (clips), 4);
  removed = tool (NULL, "remove", a, NULL);
  fail_unless_equals_int (removed.status, 0);
  fail_unless (strstr (removed.out, "Removed") != NULL, "%s", removed.out);
  fail_unless_equals_int (clip_count (), 3);

  age_clip (json_object_get_string_member (find_clip (clips, b, "video"),
          "key"), 10);
  old = tool (NULL, "prune", "--older-than", "7", NULL);
  fail_unless_equals_int (old.status, 0);
  fail_unless (strstr (old.out, "Removed 1 file") != NULL, "%s", old.out);
  /* Each clip it removed, by its file and prompt. */
  fail_unless (removed_line (old.out, clips, b, "second"), "%s", old.out);
  fail_if (strstr (old.out, "third") != NULL, "%s", old.out);
  fail_unless_equals_int (clip_count (), 2);

  /* Less than one clip's size: the least recently played goes first,
   * then the other. */
  small = tool (NULL, "prune", "--max-size", "0.001", NULL);
  fail_unless_equals_int (small.status, 0);
  fail_unless (strstr (small.out, "Removed 2 files") != NULL, "%s",
      small.out);
  fail_unless (removed_line (small.out, clips, c, "third"), "%s", small.out);
  fail_unless (removed_line (small.out, clips, d, "fourth"), "%s",
      small.out);

  g_free (generate ("fifth", NULL));
  g_free (generate ("sixth", NULL));
  fail_unless_equals_int (clip_count (), 2);
  /* One whose file was removed by hand: its metadata goes with clear. */
  {
    g_auto (Result) two = tool (NULL, "clips", "--json", NULL);
    g_autoptr (JsonArray) both = parse_array (two.out);

    fail_unless (g_unlink (json_object_get_string_member
            (json_array_get_object_element (both, 0), "file")) == 0);
  }
  no_bound = tool (NULL, "prune", NULL);
  fail_unless_equals_int (no_bound.status, 2);

  /* Partial downloads: an idle one goes, one written a moment ago stays
   * (another process may be writing it), and clear says so. */
  idle_part = g_build_filename (clips_dir, "0123456789abcdef.part", NULL);
  busy_part = g_build_filename (clips_dir, "fedcba9876543210.part", NULL);
  fail_unless (g_file_set_contents (idle_part, "partial", -1, NULL));
  fail_unless (g_file_set_contents (busy_part, "partial", -1, NULL));
  {
    struct utimbuf old_times = { 0 };

    /* Idle for prune, not yet the orphan (10 min) opening removes. */
    old_times.actime = old_times.modtime = time (NULL) - 120;
    fail_unless (g_utime (idle_part, &old_times) == 0);
  }
  cleared = tool (NULL, "clear", NULL);
  fail_unless_equals_int (cleared.status, 0);
  fail_unless (strstr (cleared.out, "fifth") != NULL, "%s", cleared.out);
  fail_unless (strstr (cleared.out, "sixth") != NULL, "%s", cleared.out);
  line = g_strdup_printf ("Removed %s (a partial download)\n", idle_part);
  fail_unless (strstr (cleared.out, line) != NULL, "%s", cleared.out);
  fail_unless (strstr (cleared.out, "Left 1 partial download younger than "
          "a minute: another process may be writing it\n") != NULL, "%s",
      cleared.out);
  fail_unless_equals_int (clip_count (), 0);
  fail_unless (g_unlink (busy_part) == 0);
  left = g_dir_open (clips_dir, 0, NULL);
  while ((name = g_dir_read_name (left)) != NULL)
    fail ("%s is left", name);
}

GST_END_TEST;

static guint
deletes (void)
{
  return apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_DELETE,
      NULL);
}

/* tasks lists the service's tasks (saying which are kept); delete deletes
 * them, and the kept clips learn it. */
GST_START_TEST (test_tasks_and_delete)
{
  g_autofree gchar *fox = generate ("a fox at the service", NULL);
  g_autofree gchar *owl = generate ("an owl at the service", NULL);
  g_auto (Result) listed = tool (KEY, "tasks", "--json", NULL);
  g_auto (Result) table = { 0 };
  g_auto (Result) verbose = { 0 };
  g_auto (Result) deleted = { 0 };
  g_auto (Result) after = { 0 };
  g_auto (Result) shown = { 0 };
  g_autoptr (JsonArray) tasks = NULL;
  guint i, found = 0;

  fail_unless_equals_int (listed.status, 0);
  tasks = parse_array (listed.out);
  fail_unless_equals_int (json_array_get_length (tasks), 2);
  for (i = 0; i < 2; i++) {
    JsonObject *t = json_array_get_object_element (tasks, i);
    const gchar *id = json_object_get_string_member (t, "id");

    found += g_str_equal (id, fox) || g_str_equal (id, owl);
    fail_unless_equals_string (json_object_get_string_member (t, "status"),
        "completed");
    fail_unless (json_object_get_boolean_member (t, "kept"));
  }
  fail_unless_equals_int (found, 2);

  table = tool (KEY, "tasks", "--limit", "1", NULL);
  fail_unless_equals_int (table.status, 0);
  fail_unless (strstr (table.out, owl) != NULL, "%s", table.out);
  fail_unless (strstr (table.out, "an owl at the service") != NULL, "%s",
      table.out);
  fail_if (strstr (table.out, fox) != NULL, "%s", table.out);

  /* -vv tells every request, never the key. */
  verbose = tool (KEY, "-v", "-v", "tasks", NULL);
  fail_unless_equals_int (verbose.status, 0);
  fail_unless (strstr (verbose.err, "GET /v1/videos?limit=20&order=desc: "
          "200") != NULL, "%s", verbose.err);

  deleted = tool (KEY, "delete", fox, NULL);
  fail_unless_equals_int (deleted.status, 0);
  fail_unless (strstr (deleted.out, "Deleted") != NULL, "%s", deleted.out);
  fail_unless_equals_int (deletes (), 1);
  after = tool (KEY, "tasks", "--json", NULL);
  fail_if (strstr (after.out, fox) != NULL, "%s", after.out);
  fail_unless (strstr (after.out, owl) != NULL, "%s", after.out);
  shown = tool (NULL, "show", fox, NULL);
  fail_unless (strstr (shown.out, "at the service: deleted") != NULL, "%s",
      shown.out);
}

GST_END_TEST;

/* What the service's commands refuse before sending anything, and what
 * they say when the service refuses. */
GST_START_TEST (test_service_errors)
{
  g_auto (Result) no_key = tool (NULL, "tasks", NULL);
  g_auto (Result) bad_id = tool (KEY, "delete", "../etc", NULL);
  g_auto (Result) unknown = tool (KEY, "delete", "video_unknown", NULL);
  g_auto (Result) wrong_key = tool ("sk-wrong", "tasks", NULL);
  g_auto (Result) bad_url = tool (KEY, "--base-url", "ftp://host/v1",
      "tasks", NULL);
  g_auto (Result) no_command = tool (NULL, NULL);
  g_auto (Result) what = tool (NULL, "frobnicate", NULL);

  fail_unless_equals_int (no_key.status, 1);
  fail_unless (strstr (no_key.err, "APIGO_API_KEY") != NULL, "%s",
      no_key.err);
  fail_unless_equals_int (bad_id.status, 2);
  fail_unless (strstr (bad_id.err, "not a video id") != NULL, "%s",
      bad_id.err);
  fail_unless_equals_int (unknown.status, 1);
  fail_unless (strstr (unknown.err, "not found") != NULL, "%s", unknown.err);
  fail_unless_equals_int (wrong_key.status, 1);
  fail_unless (strstr (wrong_key.err, "did not accept the API key") != NULL,
      "%s", wrong_key.err);
  fail_unless_equals_int (bad_url.status, 1);
  fail_unless (strstr (bad_url.err, "base URL") != NULL, "%s", bad_url.err);
  fail_unless_equals_int (no_command.status, 2);
  fail_unless_equals_int (what.status, 2);
  /* Only the unknown id was asked about. */
  fail_unless_equals_int (deletes (), 1);
}

GST_END_TEST;

static guint
creates (void)
{
  return apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_CREATE,
      NULL);
}

/* A generate URI of @prompt, small enough to render quickly. */
static gchar *
generate_uri (const gchar * prompt)
{
  g_autofree gchar *escaped = g_uri_escape_string (prompt, NULL, FALSE);

  return g_strdup_printf ("apigo://generate?prompt=%s&size=320x180"
      "&seconds=1", escaped);
}

/* The video id the emulator created for @prompt, or NULL. */
static gchar *
created_id (GPtrArray * requests, const gchar * prompt)
{
  guint i;

  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CREATE && r->form != NULL
        && g_strcmp0 (g_hash_table_lookup (r->form, "prompt"), prompt) == 0)
      return g_strdup (r->video_id);
  }
  return NULL;
}

/* Every URI is checked, its settings too, before anything is paid for. */
GST_START_TEST (test_generate_checks_every_uri)
{
  g_autofree gchar *good = generate_uri ("a checked fox");
  const gchar *bad = "apigo://generate?prompt=x&seconds=many";
  g_auto (Result) r = tool (KEY, "generate", good, bad, NULL);

  fail_unless_equals_int (r.status, 2);
  fail_unless (strstr (r.err, bad) != NULL, "%s", r.err);
  fail_unless (strstr (r.err, "seconds") != NULL, "%s", r.err);
  fail_unless_equals_string (r.out, "");
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
}

GST_END_TEST;

/* Two URIs generate at once (the second is created before the first is
 * done), and their lines come in the order of the arguments. */
GST_START_TEST (test_generate_concurrently)
{
  g_autofree gchar *first = generate_uri ("a parallel fox");
  g_autofree gchar *second = generate_uri ("a parallel owl");
  g_auto (Result) r = { 0 };
  g_autoptr (GPtrArray) requests = NULL;
  g_autofree gchar *fox = NULL;
  g_autofree gchar *owl = NULL;
  g_autofree gchar *expected = NULL;
  gint64 second_created = 0, first_done = G_MAXINT64;
  guint i;

  /* Long enough that one after the other cannot overlap. */
  g_object_set (emu, "generation-time", 3.0, NULL);
  r = tool (KEY, "generate", first, second, NULL);
  fail_unless_equals_int (r.status, 0);
  requests = apigo_emulator_get_requests (emu);
  fox = created_id (requests, "a parallel fox");
  owl = created_id (requests, "a parallel owl");
  fail_unless (fox != NULL && owl != NULL, "%s", r.err);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *q = g_ptr_array_index (requests, i);

    if (q->route == APIGO_EMULATOR_ROUTE_CREATE
        && g_strcmp0 (q->video_id, owl) == 0)
      second_created = q->monotonic_time;
    /* The first download of the fox: its task was completed. */
    if (q->route == APIGO_EMULATOR_ROUTE_CONTENT
        && g_strcmp0 (q->video_id, fox) == 0)
      first_done = MIN (first_done, q->monotonic_time);
  }
  fail_unless (second_created > 0);
  fail_unless (first_done < G_MAXINT64);
  fail_unless (second_created < first_done,
      "the owl was created after the fox was done: %s", r.err);

  expected = g_strdup_printf ("apigo://video/%s\napigo://video/%s\n", fox,
      owl);
  fail_unless_equals_string (r.out, expected);
  /* Progress says which URI it is about, with the percentage. */
  fail_unless (strstr (r.err, "[1] ") != NULL, "%s", r.err);
  fail_unless (strstr (r.err, "[2] generating: 100 %") != NULL, "%s", r.err);
  fail_unless (strstr (r.err, "[1] generating: 100 %") != NULL, "%s", r.err);
}

GST_END_TEST;

/* The same clip twice is paid for once: the second takes its turn on the
 * job's lock and plays what the first made.  A failed one keeps its
 * line, empty. */
GST_START_TEST (test_generate_same_twice)
{
  g_autofree gchar *uri = generate_uri ("a fox paid for once");
  g_autofree gchar *other = generate_uri ("a fox that fails");
  g_auto (Result) r = { 0 };
  g_auto (Result) failed = { 0 };
  g_auto (GStrv) lines = NULL;

  g_object_set (emu, "generation-time", 1.0, NULL);
  r = tool (KEY, "generate", uri, uri, NULL);
  fail_unless_equals_int (r.status, 0);
  fail_unless_equals_int (creates (), 1);
  lines = g_strsplit (r.out, "\n", -1);
  fail_unless_equals_int (g_strv_length (lines), 3);
  fail_unless (g_str_has_prefix (lines[0], "apigo://video/"), "%s", r.out);
  fail_unless_equals_string (lines[1], lines[0]);
  /* Both ran at once: one waited for the other's turn. */
  fail_unless (strstr (r.err, "[1] waiting\n") != NULL
      || strstr (r.err, "[2] waiting\n") != NULL, "%s", r.err);

  /* The service fails the first URI's task: the second (kept) is still
   * told, in its place, and the first named on stderr. */
  apigo_emulator_fail_next_tasks (emu, 1);
  failed = tool (KEY, "generate", other, uri, NULL);
  fail_unless_equals_int (failed.status, 1);
  fail_unless (g_str_has_prefix (failed.out, "\n"), "%s", failed.out);
  fail_unless (strstr (failed.out, lines[0]) != NULL, "%s", failed.out);
  fail_unless (strstr (failed.err, other) != NULL, "%s", failed.err);
}

GST_END_TEST;

/* The budget: set in its file by the tool, respected by generate, shown
 * against the spend, forgotten on reset. */
GST_START_TEST (test_budget)
{
  g_autofree gchar *state = g_build_filename (dir, "state", NULL);
  g_autofree gchar *config = g_build_filename (dir, "config", NULL);
  g_autofree gchar *file = g_build_filename (config, "gst-apigo",
      "budget.conf", NULL);
  g_autofree gchar *first = generate_uri ("a budgeted heron");
  g_autofree gchar *second = generate_uri ("a heron too many");
  g_autofree gchar *conf = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_auto (Result) set = { 0 }, bad = { 0 }, made = { 0 }, refused = { 0 };
  g_auto (Result) shown = { 0 }, json = { 0 }, unset = { 0 }, after = { 0 };
  g_auto (Result) reset = { 0 }, zero = { 0 }, typo = { 0 };
  JsonObject *day, *model;
  /* The suite's own (tests/meson.build): put back for the next test. */
  g_autofree gchar *saved_state = g_strdup (g_getenv ("XDG_STATE_HOME"));
  g_autofree gchar *saved_config = g_strdup (g_getenv ("XDG_CONFIG_HOME"));

  fail_unless (saved_state != NULL && saved_config != NULL);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);

  set = tool (KEY, "budget", "set", "generations-per-day=1",
      "dollars-per-month=20", NULL);
  fail_unless_equals_int (set.status, 0);
  fail_unless (g_file_get_contents (file, &conf, NULL, NULL));
  fail_unless (strstr (conf, "generations-per-day=1") != NULL, "%s", conf);
  bad = tool (KEY, "budget", "set", "generations-per-week=1", NULL);
  fail_unless_equals_int (bad.status, 2);
  fail_unless (strstr (bad.err, "generations-per-week") != NULL, "%s",
      bad.err);

  made = tool (KEY, "generate", first, NULL);
  fail_unless_equals_int (made.status, 0);
  refused = tool (KEY, "generate", second, NULL);
  fail_unless_equals_int (refused.status, 1);
  fail_unless (strstr (refused.err, "The budget allows 1 generation per day")
      != NULL, "%s", refused.err);
  fail_unless (strstr (refused.err, file) != NULL, "%s", refused.err);
  fail_unless_equals_int (creates (), 1);

  shown = tool (KEY, "budget", NULL);
  fail_unless_equals_int (shown.status, 0);
  fail_unless (strstr (shown.out, "generations           1 of 1") != NULL,
      "%s", shown.out);
  fail_unless (strstr (shown.out, "sora-2") != NULL, "%s", shown.out);
  json = tool (KEY, "budget", "--json", NULL);
  fail_unless (json_parser_load_from_data (parser, json.out, -1, NULL));
  day = json_object_get_object_member (json_node_get_object
      (json_parser_get_root (parser)), "day");
  fail_unless_equals_int (json_object_get_int_member
      (json_object_get_object_member (day, "spent"), "generations"), 1);
  fail_unless_equals_float (json_object_get_double_member
      (json_object_get_object_member (day, "limits"), "generations"), 1);
  model = json_object_get_object_member (json_object_get_object_member
      (json_node_get_object (json_parser_get_root (parser)),
          "month_by_model"), "sora-2");
  fail_unless (model != NULL);
  fail_unless_equals_int (json_object_get_int_member (model, "generations"),
      1);

  /* A name that is no limit is refused, not taken as done: the limit a
   * typo meant to remove would still hold. */
  typo = tool (KEY, "budget", "unset", "generation-per-day", NULL);
  fail_unless_equals_int (typo.status, 2);
  fail_unless (strstr (typo.err,
          "unknown budget limit \"generation-per-day\"") != NULL, "%s",
      typo.err);
  g_clear_pointer (&conf, g_free);
  fail_unless (g_file_get_contents (file, &conf, NULL, NULL));
  fail_unless (strstr (conf, "generations-per-day=1") != NULL, "%s", conf);

  unset = tool (KEY, "budget", "unset", "generations-per-day", NULL);
  fail_unless_equals_int (unset.status, 0);
  after = tool (KEY, "generate", second, NULL);
  fail_unless_equals_int (after.status, 0);
  fail_unless_equals_int (creates (), 2);

  reset = tool (KEY, "budget", "reset", NULL);
  fail_unless_equals_int (reset.status, 0);
  zero = tool (KEY, "budget", NULL);
  fail_unless (strstr (zero.out, "generations           0 of no limit")
      != NULL, "%s", zero.out);
  g_setenv ("XDG_STATE_HOME", saved_state, TRUE);
  g_setenv ("XDG_CONFIG_HOME", saved_config, TRUE);
}

GST_END_TEST;

static guint
model_lists (void)
{
  return apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_MODELS,
      NULL);
}

/* models lists what each model takes, from GET /videos/models; as JSON
 * under OpenRouter's names, null where nothing is stated; a gateway with
 * only GET /models gives ids; one with neither says so. */
GST_START_TEST (test_models)
{
  g_auto (Result) table = tool (KEY, "models", NULL);
  g_auto (Result) listed = { 0 };
  g_auto (Result) ids = { 0 };
  g_auto (Result) none = { 0 };
  g_autoptr (JsonArray) models = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  const ApigoEmulatorRequest *last;
  JsonObject *veo, *sora;
  JsonArray *durations;

  fail_unless_equals_int (table.status, 0);
  fail_unless (strstr (table.out, "SECONDS") != NULL, "%s", table.out);
  fail_unless (g_regex_match_simple ("^veo-3 +4, 6, 8 +- +720p, 1080p +"
          "16:9, 9:16 +first_frame, last_frame +yes +yes +"
          "per-video-second=0.40, per-video-second-1080p=0.60$", table.out,
          G_REGEX_MULTILINE, 0), "%s", table.out);
  fail_unless (g_regex_match_simple ("^sora-2 +4, 8, 12 +720x1280, "
          "1280x720 +- +- +first_frame +yes +no ", table.out,
          G_REGEX_MULTILINE, 0), "%s", table.out);
  fail_unless_equals_int (model_lists (), 1);
  requests = apigo_emulator_get_requests (emu);
  last = g_ptr_array_index (requests, requests->len - 1);
  fail_unless_equals_string (last->path, "/v1/videos/models");

  listed = tool (KEY, "models", "--json", NULL);
  fail_unless_equals_int (listed.status, 0);
  models = parse_array (listed.out);
  fail_unless_equals_int (json_array_get_length (models), 3);
  sora = json_array_get_object_element (models, 0);
  veo = json_array_get_object_element (models, 2);
  fail_unless_equals_string (json_object_get_string_member (veo, "id"),
      "veo-3");
  durations = json_object_get_array_member (veo, "supported_durations");
  fail_unless_equals_int (json_array_get_length (durations), 3);
  fail_unless_equals_int (json_array_get_int_element (durations, 1), 6);
  fail_unless (json_object_get_null_member (veo, "supported_sizes"));
  fail_unless (json_object_get_boolean_member (veo, "seed"));
  fail_unless_equals_string (json_object_get_string_member
      (json_object_get_object_member (veo, "pricing_skus"),
          "per-video-second-1080p"), "0.60");
  fail_unless (json_object_get_null_member (sora, "supported_resolutions"));
  fail_if (json_object_get_boolean_member (sora, "seed"));

  /* A gateway with OpenAI's GET /models only: ids, and it says so. */
  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_MODELS, 404, 1);
  ids = tool (KEY, "models", NULL);
  fail_unless_equals_int (ids.status, 0);
  fail_unless (g_regex_match_simple ("^veo-3 +- +- +- +- +- +- +- +-$",
          ids.out, G_REGEX_MULTILINE, 0), "%s", ids.out);
  fail_unless (strstr (ids.out, "lists ids only (GET /models)") != NULL,
      "%s", ids.out);
  g_ptr_array_unref (requests);
  requests = apigo_emulator_get_requests (emu);
  last = g_ptr_array_index (requests, requests->len - 1);
  fail_unless_equals_string (last->path, "/v1/models");
  fail_unless (last->authorized);

  /* A list that is none, and no list at all. */
  g_clear_pointer (&ids.out, g_free);
  g_clear_pointer (&ids.err, g_free);
  g_object_set (emu, "video-models", "{\"data\": \"not a list\"}", NULL);
  ids = tool (KEY, "models", NULL);
  fail_unless_equals_int (ids.status, 1);
  fail_unless (strstr (ids.err, "no \"data\" array") != NULL, "%s",
      ids.err);
  g_object_set (emu, "video-models", NULL, "models", FALSE, NULL);
  none = tool (KEY, "models", NULL);
  fail_unless_equals_int (none.status, 1);
  fail_unless (strstr (none.err, "does not list its models") != NULL, "%s",
      none.err);
}

GST_END_TEST;

static Suite *
tool_suite (void)
{
  Suite *s = suite_create ("gst-apigo");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, setup, teardown);
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_clips_listed_and_shown);
  tcase_add_test (tc, test_clips_cost_and_spend);
  tcase_add_test (tc, test_clips_long_model);
  tcase_add_test (tc, test_remove_prune_clear);
  tcase_add_test (tc, test_tasks_and_delete);
  tcase_add_test (tc, test_service_errors);
  tcase_add_test (tc, test_models);
  tcase_add_test (tc, test_generate_checks_every_uri);
  tcase_add_test (tc, test_generate_concurrently);
  tcase_add_test (tc, test_generate_same_twice);
  tcase_add_test (tc, test_budget);
  return s;
}

GST_CHECK_MAIN (tool);
