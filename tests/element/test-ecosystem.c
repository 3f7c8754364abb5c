/* gst-apigo: the element among other GStreamer parts: apigo:// URIs in
 * playbin, uridecodebin and gst-play, remixes, extensions and edits,
 * variants, remote cleanup, reference fitting, tags, durations, several
 * sources at once
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"
#include "gstapigofit.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>
#include <gst/pbutils/pbutils.h>
#include <libsoup/soup.h>

/* Requests of @route (ANY: all), oldest first: borrowed from @all. */
static GPtrArray *
requests_of (GPtrArray * all, ApigoEmulatorRoute route)
{
  GPtrArray *out = g_ptr_array_new ();
  guint i;

  for (i = 0; i < all->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (all, i);

    if (route == APIGO_EMULATOR_ROUTE_ANY || r->route == route)
      g_ptr_array_add (out, r);
  }
  return out;
}

/* The only request of @route; a copy. */
static ApigoEmulatorRequest *
only_request (ApigoEmulator * emu, ApigoEmulatorRoute route)
{
  g_autoptr (GPtrArray) all = apigo_emulator_get_requests (emu);
  g_autoptr (GPtrArray) some = requests_of (all, route);

  fail_unless_equals_int (some->len, 1);
  return apigo_emulator_request_copy (g_ptr_array_index (some, 0));
}

static const gchar *
form_field (ApigoEmulatorRequest * r, const gchar * name)
{
  fail_unless (r->form != NULL, "%s %s has no form", r->method, r->path);
  return g_hash_table_lookup (r->form, name);
}

static gchar *
dup_video_id (GstElement * src)
{
  gchar *id = NULL;

  g_object_get (src, "video-id", &id, NULL);
  fail_unless (id != NULL, "no video-id");
  return id;
}

/* Generates a clip, as a source for remixes, extensions and edits; returns
 * its id. */
static gchar *
make_source_clip (ApigoEmulator * emu, const gchar * prompt)
{
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, prompt,
      "apigovideosrc name=src ! fakesink");
  g_autoptr (TestRun) run = test_run (pipeline, 60);

  test_run_assert_eos (run);
  return dup_video_id (test_pipeline_get (pipeline, "src"));
}

/* What the emulator serves for @id and @variant, fetched as any client
 * would (loopback, with the test key). */
static GBytes *
fetch_content (ApigoEmulator * emu, const gchar * id, const gchar * variant)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *url = g_strdup_printf ("%s/videos/%s/content?variant=%s",
      apigo_emulator_get_base_url (emu), id, variant);
  GBytes *body;

  msg = soup_message_new ("GET", url);
  soup_message_headers_append (soup_message_get_request_headers (msg),
      "Authorization", "Bearer " TEST_API_KEY);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  fail_unless_equals_int (soup_message_get_status (msg), 200);
  return body;
}

static void
caps_size (GstCaps * caps, gint * width, gint * height)
{
  GstStructure *s;

  fail_unless (caps != NULL, "no caps");
  s = gst_caps_get_structure (caps, 0);
  fail_unless (gst_structure_get_int (s, "width", width));
  fail_unless (gst_structure_get_int (s, "height", height));
}

/* URIs */

#define URI_PROMPT "a fox & a hare"
#define URI_PROMPT_ENCODED "a+fox+%26+a+hare"

GST_START_TEST (test_uri_handler)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) src = NULL;
  g_autofree gchar *prompt = NULL;
  g_autofree gchar *size = NULL;
  g_autofree gchar *uri = NULL;
  g_autofree gchar *again = NULL;
  guint seconds;
  gint variant;

  src = gst_element_make_from_uri (GST_URI_SRC, "apigo://generate?prompt="
      URI_PROMPT_ENCODED "&size=320x180&seconds=1&variant=thumbnail", NULL,
      &error);
  g_assert_no_error (error);
  fail_unless (src != NULL);
  fail_unless_equals_string (GST_OBJECT_NAME (gst_element_get_factory (src)),
      "apigovideosrc");
  g_object_get (src, "prompt", &prompt, "size", &size, "seconds", &seconds,
      "variant", &variant, NULL);
  fail_unless_equals_string (prompt, URI_PROMPT);
  fail_unless_equals_string (size, "320x180");
  fail_unless_equals_int (seconds, 1);
  fail_unless_equals_int (variant, 1);  /* thumbnail */

  /* Read back: the same clip, and never the key. */
  g_object_set (src, "api-key", TEST_API_KEY, NULL);
  uri = gst_uri_handler_get_uri (GST_URI_HANDLER (src));
  fail_unless (uri != NULL);
  fail_unless (strstr (uri, TEST_API_KEY) == NULL, "%s", uri);
  fail_unless (strstr (uri, "sk-") == NULL, "%s", uri);
  fail_unless (gst_uri_handler_set_uri (GST_URI_HANDLER (src), uri, &error));
  g_assert_no_error (error);
  again = gst_uri_handler_get_uri (GST_URI_HANDLER (src));
  fail_unless_equals_string (again, uri);
  g_clear_pointer (&prompt, g_free);
  g_object_get (src, "prompt", &prompt, NULL);
  fail_unless_equals_string (prompt, URI_PROMPT);

  /* Each form sets its property, and clears what the URI leaves out. */
  fail_unless (gst_uri_handler_set_uri (GST_URI_HANDLER (src),
          "apigo://extend/video_1?prompt=then&seconds=8", &error));
  {
    g_autofree gchar *extend = NULL;
    g_autofree gchar *id = NULL;
    g_autofree gchar *back = NULL;

    g_object_get (src, "extend", &extend, "video-id", &id, "seconds",
        &seconds, "variant", &variant, NULL);
    fail_unless_equals_string (extend, "video_1");
    fail_unless (id == NULL);
    fail_unless_equals_int (seconds, 8);
    fail_unless_equals_int (variant, 0);
    back = gst_uri_handler_get_uri (GST_URI_HANDLER (src));
    fail_unless_equals_string (back,
        "apigo://extend/video_1?prompt=then&seconds=8");
  }
  fail_unless (gst_uri_handler_set_uri (GST_URI_HANDLER (src),
          "apigo://video/video_2?variant=spritesheet", &error));
  {
    g_autofree gchar *extend = NULL;
    g_autofree gchar *id = NULL;
    g_autofree gchar *back = NULL;

    g_object_get (src, "extend", &extend, "video-id", &id, NULL);
    fail_unless (extend == NULL);
    fail_unless_equals_string (id, "video_2");
    back = gst_uri_handler_get_uri (GST_URI_HANDLER (src));
    fail_unless_equals_string (back,
        "apigo://video/video_2?variant=spritesheet");
  }

  /* A bad URI: refused, saying why, and nothing changed. */
  fail_if (gst_uri_handler_set_uri (GST_URI_HANDLER (src),
          "apigo://generate?prompt=x&size=huge", &error));
  fail_unless (g_error_matches (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI));
  fail_unless (strstr (error->message, "size parameter \"huge\"") != NULL,
      "%s", error->message);
  g_clear_error (&error);
  fail_if (gst_uri_handler_set_uri (GST_URI_HANDLER (src),
          "apigo://generate?prompt=x&colour=red", &error));
  fail_unless (g_error_matches (error, GST_URI_ERROR, GST_URI_ERROR_BAD_URI));
  fail_unless (strstr (error->message, "\"colour\"") != NULL, "%s",
      error->message);
  g_clear_error (&error);
  {
    g_autofree gchar *id = NULL;

    g_object_get (src, "video-id", &id, NULL);
    fail_unless_equals_string (id, "video_2");
  }

  /* No element for a bad one in playbin's way either. */
  fail_unless (gst_element_make_from_uri (GST_URI_SRC,
          "apigo://generate?model=m", NULL, &error) == NULL);
  fail_unless (error != NULL);
  g_clear_error (&error);
}

GST_END_TEST;

GST_START_TEST (test_uri_refused_while_playing)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "busy",
      "apigovideosrc name=src ! fakesink");
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (GError) error = NULL;
  g_autofree gchar *prompt = NULL;
  GstState state = GST_STATE_VOID_PENDING;

  /* Generating for a while: the source is PAUSED, waiting for bytes. */
  g_object_set (emu, "generation-time", 30.0, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  test_wait_until (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL) == 1, 30);
  gst_element_get_state (src, &state, NULL, 0);
  fail_unless (state >= GST_STATE_PAUSED);

  fail_if (gst_uri_handler_set_uri (GST_URI_HANDLER (src),
          "apigo://generate?prompt=other", &error));
  fail_unless (g_error_matches (error, GST_URI_ERROR,
          GST_URI_ERROR_BAD_STATE), "%s", error ? error->message : "?");
  fail_unless (strstr (error->message, "NULL or READY") != NULL);
  g_object_get (src, "prompt", &prompt, NULL);
  fail_unless_equals_string (prompt, "busy");

  gst_element_set_state (pipeline, GST_STATE_NULL);
}

GST_END_TEST;

/* What playbin and uridecodebin make of the URI; only the test's own cache
 * directory and fast polling added (the rest comes from the URI and the
 * environment). */
static void
on_source_setup (GstElement * bin, GstElement * source, gpointer user_data)
{
  g_autofree gchar *cache = g_build_filename (test_tmp_dir (), "cache",
      NULL);

  fail_unless_equals_string (G_OBJECT_TYPE_NAME (source), "GstApigoVideoSrc");
  g_object_set (source, "cache-dir", cache, "poll-interval", 100, NULL);
}

static void
set_env (ApigoEmulator * emu)
{
  g_setenv ("APIGO_BASE_URL", apigo_emulator_get_base_url (emu), TRUE);
  g_setenv ("APIGO_API_KEY", TEST_API_KEY, TRUE);
}

static void
unset_env (void)
{
  g_unsetenv ("APIGO_BASE_URL");
  g_unsetenv ("APIGO_API_KEY");
}

static void
assert_one_create (ApigoEmulator * emu, const gchar * prompt,
    const gchar * size, const gchar * seconds)
{
  g_autoptr (ApigoEmulatorRequest) create = only_request (emu,
      APIGO_EMULATOR_ROUTE_CREATE);

  fail_unless_equals_int (create->status, 200);
  fail_unless (create->authorized);
  fail_unless_equals_string (form_field (create, "prompt"), prompt);
  fail_unless_equals_string (form_field (create, "size"), size);
  fail_unless_equals_string (form_field (create, "seconds"), seconds);
  fail_unless_equals_string (form_field (create, "model"), "sora-2");
}

GST_START_TEST (test_playbin)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) playbin = gst_element_factory_make ("playbin", NULL);
  GstElement *vsink = gst_element_factory_make ("fakesink", NULL);
  g_autoptr (TestRun) run = NULL;
  TestCollector frames;
  gint w, h;

  set_env (emu);
  fail_unless (playbin != NULL);
  test_collect (vsink, &frames, FALSE);
  g_object_set (playbin, "uri", "apigo://generate?prompt=" URI_PROMPT_ENCODED
      "&size=320x180&seconds=1", "video-sink", vsink, "audio-sink",
      gst_element_factory_make ("fakesink", NULL), NULL);
  g_signal_connect (playbin, "source-setup", G_CALLBACK (on_source_setup),
      NULL);

  run = test_run (playbin, 60);
  test_run_assert_eos (run);

  assert_one_create (emu, URI_PROMPT, "320x180", "1");
  caps_size (frames.caps, &w, &h);
  fail_unless_equals_int (w, 320);
  fail_unless_equals_int (h, 180);
  fail_unless_equals_int (frames.buffers, 30);
  test_collector_clear (&frames);
  unset_env ();
}

GST_END_TEST;

GST_START_TEST (test_uridecodebin)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GError) error = NULL;
  TestCollector frames;

  set_env (emu);
  pipeline = gst_parse_launch ("uridecodebin name=dec "
      "uri=apigo://generate?prompt=decoded&size=160x96&seconds=1 ! "
      "video/x-raw ! fakesink name=sink", &error);
  g_assert_no_error (error);
  g_signal_connect (test_pipeline_get (pipeline, "dec"), "source-setup",
      G_CALLBACK (on_source_setup), NULL);
  test_collect (test_pipeline_get (pipeline, "sink"), &frames, FALSE);

  run = test_run (pipeline, 60);
  test_run_assert_eos (run);

  assert_one_create (emu, "decoded", "160x96", "1");
  fail_unless_equals_int (frames.buffers, 30);
  test_collector_clear (&frames);
  unset_env ();
}

GST_END_TEST;

static void
on_communicated (GObject * proc, GAsyncResult * result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* gst-play-1.0 (which exits 0 whatever happened: its output says). */
GST_START_TEST (test_gst_play)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
      G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *out = NULL;
  g_autofree gchar *err = NULL;
  g_autofree gchar *cache = g_build_filename (test_tmp_dir (), "xdg", NULL);
  gint64 end = g_get_monotonic_time () + test_timeout (60) * G_TIME_SPAN_SECOND;

  if (!g_file_test ("/usr/bin/gst-play-1.0", G_FILE_TEST_IS_EXECUTABLE)) {
    GST_INFO ("no gst-play-1.0: skipped");
    return;
  }
  g_subprocess_launcher_setenv (launcher, "APIGO_BASE_URL",
      apigo_emulator_get_base_url (emu), TRUE);
  g_subprocess_launcher_setenv (launcher, "APIGO_API_KEY", TEST_API_KEY, TRUE);
  /* Its own cache: nothing kept by an earlier run is played instead. */
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", cache, TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error,
      "/usr/bin/gst-play-1.0", "--videosink=fakesink",
      "--audiosink=fakesink", "--no-interactive",
      "apigo://generate?prompt=played+by+gst-play&size=320x180&seconds=1",
      NULL);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8_async (proc, NULL, NULL, on_communicated,
      &result);
  while (result == NULL && g_get_monotonic_time () < end)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (10 * 1000);
  if (result == NULL) {
    g_subprocess_force_exit (proc);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    fail ("gst-play-1.0 did not finish");
  }
  fail_unless (g_subprocess_communicate_utf8_finish (proc, result, &out, &err,
          &error));
  g_assert_no_error (error);

  fail_unless (g_subprocess_get_if_exited (proc));
  fail_unless_equals_int (g_subprocess_get_exit_status (proc), 0);
  fail_unless (strstr (err, "ERROR") == NULL, "gst-play-1.0: %s", err);
  fail_unless (strstr (out, "Reached end of play list") != NULL, "%s", out);
  fail_unless (strstr (out, TEST_API_KEY) == NULL
      && strstr (err, TEST_API_KEY) == NULL);
  assert_one_create (emu, "played by gst-play", "320x180", "1");
  fail_unless_equals_int (apigo_emulator_count_completed_downloads (emu), 1);
}

GST_END_TEST;

/* Remixes, extensions, edits */

typedef struct
{
  const gchar *property;
  ApigoEmulatorRoute route;
  const gchar *switch_name;     /* the emulator's property */
  const gchar *offer;           /* what the error says the service lacks */
} Derive;

static const Derive derives[] = {
  {"remix", APIGO_EMULATOR_ROUTE_REMIX, "remix", "may not offer remix"},
  {"extend", APIGO_EMULATOR_ROUTE_EXTEND, "extensions",
      "may not offer extensions"},
  {"edit", APIGO_EMULATOR_ROUTE_EDIT, "edits", "may not offer edits"},
};

GST_START_TEST (test_derive)
{
  const Derive *d = &derives[__i__];
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *source_id = make_source_clip (emu, "the source clip");
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "now in blue",
      "apigovideosrc name=src ! fakesink name=sink");
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (TestRun) run = NULL;
  g_autoptr (ApigoEmulatorRequest) req = NULL;
  g_autoptr (GBytes) content = NULL;
  g_autofree gchar *new_id = NULL;
  g_autofree gchar *path = NULL;
  TestCollector out;

  g_object_set (src, d->property, source_id, NULL);
  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);

  /* One request on the right route, with the right body. */
  req = only_request (emu, d->route);
  fail_unless_equals_string (req->method, "POST");
  path = d->route == APIGO_EMULATOR_ROUTE_REMIX ?
      g_strdup_printf ("/v1/videos/%s/remix", source_id) :
      g_strdup (d->route == APIGO_EMULATOR_ROUTE_EXTEND ?
      "/v1/videos/extensions" : "/v1/videos/edits");
  fail_unless_equals_string (req->path, path);
  fail_unless_equals_int (req->status, 200);
  fail_unless_equals_string (form_field (req, "prompt"), "now in blue");
  if (d->route != APIGO_EMULATOR_ROUTE_REMIX)
    fail_unless_equals_string (form_field (req, "video_id"), source_id);
  if (d->route == APIGO_EMULATOR_ROUTE_EXTEND)
    fail_unless_equals_string (form_field (req, "seconds"), "1");
  /* No create beyond the source's. */
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 1);

  /* video-id reads back the new task, and the clip is its clip. */
  new_id = dup_video_id (src);
  fail_unless (g_strcmp0 (new_id, source_id) != 0);
  fail_unless_equals_string (new_id, req->video_id);
  content = apigo_emulator_get_content (emu, new_id);
  test_assert_same_bytes (content, out.bytes->data, out.bytes->len);
  test_collector_clear (&out);
}

GST_END_TEST;

GST_START_TEST (test_derive_not_offered)
{
  const Derive *d = &derives[__i__];
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *source_id = make_source_clip (emu, "a source");
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "derived",
      "apigovideosrc name=src ! fakesink");
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (ApigoEmulatorRequest) req = NULL;
  g_autofree gchar *debug = NULL;

  g_object_set (emu, d->switch_name, FALSE, NULL);
  g_object_set (test_pipeline_get (pipeline, "src"), d->property, source_id,
      NULL);
  run = test_run (pipeline, 60);
  test_run_assert_error (run, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND,
      d->offer);
  gst_message_parse_error (run->last, &error, &debug);
  fail_unless (strstr (error->message, "unknown_url") != NULL
      || strstr (debug, "unknown_url") != NULL, "%s (%s)", error->message,
      debug);
  fail_unless (strstr (error->message, source_id) != NULL, "%s",
      error->message);

  /* Asked once: a missing endpoint is not worth retrying. */
  req = only_request (emu, d->route);
  fail_unless_equals_int (req->status, 404);
}

GST_END_TEST;

GST_START_TEST (test_derive_conflicts)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  const gchar *pairs[][2] = {
    {"video-id", "remix"},
    {"remix", "extend"},
    {"extend", "edit"},
    {"video-id", "edit"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (pairs); i++) {
    g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "both",
        "apigovideosrc name=src ! fakesink");
    g_autoptr (TestRun) run = NULL;
    g_autofree gchar *words = g_strdup_printf ("%s and %s", pairs[i][0],
        pairs[i][1]);

    g_object_set (test_pipeline_get (pipeline, "src"), pairs[i][0], "video_a",
        pairs[i][1], "video_b", NULL);
    run = test_run (pipeline, 30);
    test_run_assert_error (run, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_SETTINGS, words);
  }
  /* Refused before anything was sent. */
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
}

GST_END_TEST;

/* Variants */

GST_START_TEST (test_thumbnail)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "a still",
      "apigovideosrc name=src variant=thumbnail ! decodebin ! "
      "imagefreeze num-buffers=3 ! fakesink name=sink");
  g_autoptr (TestRun) run = NULL;
  g_autoptr (ApigoEmulatorRequest) req = NULL;
  TestCollector frames;
  gint w, h;

  test_collect (test_pipeline_get (pipeline, "sink"), &frames, FALSE);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);

  caps_size (frames.caps, &w, &h);
  fail_unless_equals_int (w, 320);
  fail_unless_equals_int (h, 180);
  fail_unless_equals_int (frames.buffers, 3);
  fail_unless (g_str_has_prefix (gst_structure_get_name
          (gst_caps_get_structure (frames.caps, 0)), "video/x-raw"));
  req = only_request (emu, APIGO_EMULATOR_ROUTE_CONTENT);
  fail_unless_equals_string (req->query, "variant=thumbnail");
  test_collector_clear (&frames);
}

GST_END_TEST;

GST_START_TEST (test_spritesheet)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "frames",
      "apigovideosrc name=src variant=spritesheet ! fakesink name=sink");
  g_autoptr (TestRun) run = NULL;
  g_autoptr (ApigoEmulatorRequest) req = NULL;
  g_autoptr (GBytes) served = NULL;
  g_autofree gchar *id = NULL;
  TestCollector out;

  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);

  req = only_request (emu, APIGO_EMULATOR_ROUTE_CONTENT);
  fail_unless_equals_string (req->query, "variant=spritesheet");
  fail_unless (out.bytes->len > 3 && out.bytes->data[0] == 0xff
      && out.bytes->data[1] == 0xd8, "not a JPEG");
  id = dup_video_id (test_pipeline_get (pipeline, "src"));
  served = fetch_content (emu, id, "spritesheet");
  test_assert_same_bytes (served, out.bytes->data, out.bytes->len);
  test_collector_clear (&out);
}

GST_END_TEST;

/* delete-remote */

GST_START_TEST (test_delete_remote)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) first = test_pipeline_new (emu, "then forget it",
      "apigovideosrc name=src delete-remote=true ! fakesink name=sink");
  g_autoptr (GstElement) second = NULL;
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) contents = NULL;
  g_autoptr (GPtrArray) deletes = NULL;
  g_autofree gchar *id = NULL;
  g_autofree gchar *path = NULL;
  ApigoEmulatorRequest *del;
  TestCollector out1, out2;
  guint i, index_of_delete = 0;

  test_collect (test_pipeline_get (first, "sink"), &out1, TRUE);
  run = test_run (first, 60);
  test_run_assert_eos (run);
  fail_if (test_run_saw (run, GST_MESSAGE_WARNING, ""),
      "a warning while deleting");
  id = dup_video_id (test_pipeline_get (first, "src"));

  /* Deleted once, after the whole clip came. */
  all = apigo_emulator_get_requests (emu);
  deletes = requests_of (all, APIGO_EMULATOR_ROUTE_DELETE);
  fail_unless_equals_int (deletes->len, 1);
  del = g_ptr_array_index (deletes, 0);
  path = g_strdup_printf ("/v1/videos/%s", id);
  fail_unless_equals_string (del->method, "DELETE");
  fail_unless_equals_string (del->path, path);
  fail_unless_equals_int (del->status, 200);
  fail_unless (g_ptr_array_find (all, del, &index_of_delete));
  contents = requests_of (all, APIGO_EMULATOR_ROUTE_CONTENT);
  fail_unless (contents->len >= 1);
  for (i = 0; i < all->len; i++)
    if (((ApigoEmulatorRequest *) g_ptr_array_index (all, i))->route ==
        APIGO_EMULATOR_ROUTE_CONTENT)
      fail_unless (i < index_of_delete, "content asked after the delete");
  fail_unless_equals_int (apigo_emulator_count_completed_downloads (emu), 1);

  /* The kept clip still plays, without asking the service again. */
  apigo_emulator_clear_requests (emu);
  second = test_pipeline_new (emu, "then forget it",
      "apigovideosrc name=src delete-remote=true ! fakesink name=sink");
  test_collect (test_pipeline_get (second, "sink"), &out2, TRUE);
  g_clear_pointer (&run, test_run_free);
  run = test_run (second, 60);
  test_run_assert_eos (run);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
  fail_unless_equals_int (out2.bytes->len, out1.bytes->len);
  fail_unless (memcmp (out1.bytes->data, out2.bytes->data,
          out1.bytes->len) == 0);
  test_collector_clear (&out1);
  test_collector_clear (&out2);
}

GST_END_TEST;

GST_START_TEST (test_delete_remote_fails)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "stays there",
      "apigovideosrc name=src delete-remote=true retries=0 ! "
      "fakesink name=sink");
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GBytes) content = NULL;
  g_autofree gchar *id = NULL;
  TestCollector out;

  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_DELETE, 500, 1);
  test_collect (test_pipeline_get (pipeline, "sink"), &out, TRUE);
  run = test_run (pipeline, 60);

  /* The clip played in full; the failed delete is only a warning. */
  test_run_assert_eos (run);
  fail_unless (test_run_saw (run, GST_MESSAGE_WARNING,
          "stays on the service"), "no warning about the delete");
  fail_if (test_run_saw (run, GST_MESSAGE_ERROR, ""));
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_DELETE, NULL), 1);
  id = dup_video_id (test_pipeline_get (pipeline, "src"));
  content = apigo_emulator_get_content (emu, id);
  test_assert_same_bytes (content, out.bytes->data, out.bytes->len);
  test_collector_clear (&out);
}

GST_END_TEST;

/* input-reference-fit */

/* Decodes a still image into GRAY8. */
static GstSample *
decode_image (GBytes * image)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch ("appsrc name=in ! "
      "decodebin ! videoconvert ! video/x-raw,format=GRAY8 ! "
      "appsink name=out sync=false", &error);
  g_autoptr (GstElement) in = NULL;
  g_autoptr (GstElement) out = NULL;
  GstSample *sample;

  g_assert_no_error (error);
  in = gst_bin_get_by_name (GST_BIN (pipeline), "in");
  out = gst_bin_get_by_name (GST_BIN (pipeline), "out");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  gst_app_src_push_buffer (GST_APP_SRC (in),
      gst_buffer_new_wrapped_bytes (image));
  gst_app_src_end_of_stream (GST_APP_SRC (in));
  sample = gst_app_sink_try_pull_sample (GST_APP_SINK (out),
      test_timeout (30) * GST_SECOND);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  fail_unless (sample != NULL, "the image does not decode");
  return sample;
}

/* Luma at (@x, @y) of a GRAY8 frame @width wide. */
static guint8
luma (const guint8 * frame, gint width, gint x, gint y)
{
  return frame[y * GST_ROUND_UP_4 (width) + x];
}

/* Left of the centre: black for a square padded to 16:9, white when it
 * is stretched; the centre is white either way. */
static void
assert_fitted_frame (const guint8 * frame, gint width, gint height,
    gboolean pad)
{
  if (pad)
    fail_unless (luma (frame, width, width / 32, height / 2) < 64,
        "no border: %u", luma (frame, width, width / 32, height / 2));
  else
    fail_unless (luma (frame, width, width / 32, height / 2) > 192,
        "a border: %u", luma (frame, width, width / 32, height / 2));
  fail_unless (luma (frame, width, width - 1 - width / 32, height / 2) ==
      luma (frame, width, width / 32, height / 2) || !pad);
  fail_unless (luma (frame, width, width / 2, height / 2) > 192);
}

static const gchar *fits[] = { "none", "scale", "pad" };

GST_START_TEST (test_reference_fit)
{
  const gchar *fit = fits[__i__];
  gboolean pad = g_str_equal (fit, "pad");
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *ref_path = test_make_png (64, 64);
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "from a square",
      "apigovideosrc name=src ! decodebin ! videoconvert ! "
      "video/x-raw,format=GRAY8 ! fakesink name=sink");
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (TestRun) run = NULL;
  g_autoptr (ApigoEmulatorRequest) create = NULL;
  g_autoptr (GBytes) original = NULL;
  g_autoptr (GError) error = NULL;
  gchar *data = NULL;
  gsize len;
  TestCollector frames;
  gint w, h;

  fail_unless (g_file_get_contents (ref_path, &data, &len, &error));
  original = g_bytes_new_take (data, len);
  g_object_set (src, "input-reference", ref_path, NULL);
  gst_util_set_object_arg (G_OBJECT (src), "input-reference-fit", fit);
  test_collect (test_pipeline_get (pipeline, "sink"), &frames, TRUE);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);

  create = only_request (emu, APIGO_EMULATOR_ROUTE_CREATE);
  fail_unless_equals_string (create->file_content_type, "image/png");
  if (g_str_equal (fit, "none")) {
    /* As it is. */
    fail_unless_equals_uint64 (create->file_size, len);
  } else {
    /* Exactly what fitting gives: an image of the clip's size. */
    g_autofree gchar *type = NULL;
    g_autoptr (GBytes) fitted = gst_apigo_fit_image (original, 320, 180, pad,
        NULL, &type, &error);
    g_autoptr (GstSample) image = NULL;
    GstMapInfo map;

    g_assert_no_error (error);
    fail_unless_equals_string (type, "image/png");
    fail_unless_equals_uint64 (create->file_size, g_bytes_get_size (fitted));
    fail_if (create->file_size == len);
    image = decode_image (fitted);
    caps_size (gst_sample_get_caps (image), &w, &h);
    fail_unless_equals_int (w, 320);
    fail_unless_equals_int (h, 180);
    fail_unless (gst_buffer_map (gst_sample_get_buffer (image), &map,
            GST_MAP_READ));
    assert_fitted_frame (map.data, w, h, pad);
    gst_buffer_unmap (gst_sample_get_buffer (image), &map);
  }

  /* The clip starts with the reference as sent (the emulator stretches
   * whatever it gets to the clip's size). */
  caps_size (frames.caps, &w, &h);
  fail_unless_equals_int (w, 320);
  fail_unless_equals_int (h, 180);
  fail_unless (frames.bytes->len >= (guint) (GST_ROUND_UP_4 (w) * h));
  assert_fitted_frame (frames.bytes->data, w, h, pad);
  test_collector_clear (&frames);
}

GST_END_TEST;

/* Tags */

typedef struct
{
  GstElement *src;
  GstElement *mux;
} TagRelay;

/* What an application does for muxers behind a demuxer (which drops the
 * tags of the stream it demuxes): hands the source's tags to the muxer,
 * from the streaming thread, before any data reaches it. */
static GstBusSyncReply
relay_tags (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  TagRelay *relay = user_data;

  if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_TAG
      && GST_MESSAGE_SRC (msg) == GST_OBJECT (relay->src)) {
    g_autoptr (GstTagList) tags = NULL;

    gst_message_parse_tag (msg, &tags);
    gst_tag_setter_merge_tags (GST_TAG_SETTER (relay->mux), tags,
        GST_TAG_MERGE_REPLACE);
  }
  return GST_BUS_PASS;
}

#define TAG_PROMPT "a title for the file: été"

GST_START_TEST (test_tags)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autofree gchar *file = g_build_filename (test_tmp_dir (), "out.mp4",
      NULL);
  /* queue2, not queue: both keep qtdemux in push mode, where the tags
   * travel downstream, but GStreamer 1.22's queue at times never answers
   * the source's ALLOCATION query on a renegotiation (a hang about one run
   * in five on a busy machine, whatever the source). */
  g_autofree gchar *desc = g_strdup_printf ("apigovideosrc name=src ! queue2 "
      "! qtdemux ! h264parse ! mp4mux name=mux ! filesink location=\"%s\"",
      file);
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, TAG_PROMPT, desc);
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GstDiscoverer) discoverer = NULL;
  g_autoptr (GstDiscovererInfo) info = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *id = NULL;
  g_autofree gchar *uri = NULL;
  g_autofree gchar *title = NULL;
  TagRelay relay;
  guint i, found = 0;

  relay.src = test_pipeline_get (pipeline, "src");
  relay.mux = test_pipeline_get (pipeline, "mux");
  gst_bus_set_sync_handler (bus, relay_tags, &relay, NULL);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);
  gst_bus_set_sync_handler (bus, NULL, NULL, NULL);
  id = dup_video_id (relay.src);

  /* On the bus: the prompt as title, the model as encoder, the task. */
  for (i = 0; i < run->messages->len; i++) {
    GstMessage *msg = g_ptr_array_index (run->messages, i);
    g_autoptr (GstTagList) tags = NULL;
    g_autofree gchar *t = NULL;
    g_autofree gchar *encoder = NULL;
    g_autofree gchar *task = NULL;

    if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_TAG
        || GST_MESSAGE_SRC (msg) != GST_OBJECT (relay.src))
      continue;
    found++;
    gst_message_parse_tag (msg, &tags);
    fail_unless_equals_int (gst_tag_list_get_scope (tags),
        GST_TAG_SCOPE_GLOBAL);
    fail_unless (gst_tag_list_get_string (tags, GST_TAG_TITLE, &t));
    fail_unless_equals_string (t, TAG_PROMPT);
    fail_unless (gst_tag_list_get_string (tags, GST_TAG_ENCODER, &encoder));
    fail_unless_equals_string (encoder, "sora-2");
    fail_unless (gst_tag_list_get_string (tags, "apigo-video-id", &task));
    fail_unless_equals_string (task, id);
  }
  fail_unless_equals_int (found, 1);

  /* In the file. */
  discoverer = gst_discoverer_new (test_timeout (30) * GST_SECOND, &error);
  g_assert_no_error (error);
  uri = gst_filename_to_uri (file, &error);
  g_assert_no_error (error);
  info = gst_discoverer_discover_uri (discoverer, uri, &error);
  g_assert_no_error (error);
  fail_unless_equals_int (gst_discoverer_info_get_result (info),
      GST_DISCOVERER_OK);
  fail_unless (gst_discoverer_info_get_tags (info) != NULL);
  fail_unless (gst_tag_list_get_string (gst_discoverer_info_get_tags (info),
          GST_TAG_TITLE, &title));
  fail_unless_equals_string (title, TAG_PROMPT);
}

GST_END_TEST;

/* Durations */

GST_START_TEST (test_duration)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "how long",
      "apigovideosrc name=src ! qtdemux ! fakesink");
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) msg = NULL;
  g_autoptr (GBytes) content = NULL;
  g_autofree gchar *id = NULL;
  gint64 bytes = -1, time = -1;

  /* Nothing known before anything is asked of the service. */
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless (!gst_element_query_duration (src, GST_FORMAT_BYTES, &bytes)
      || bytes == -1, "%" G_GINT64_FORMAT " bytes", bytes);

  /* Prerolled: qtdemux has read the clip's header, so the download
   * runs. */
  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  msg = gst_bus_timed_pop_filtered (bus, test_timeout (60) * GST_SECOND,
      GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) ==
      GST_MESSAGE_ASYNC_DONE);

  id = dup_video_id (src);
  content = apigo_emulator_get_content (emu, id);
  fail_unless (content != NULL);
  fail_unless (gst_element_query_duration (src, GST_FORMAT_BYTES, &bytes));
  fail_unless_equals_int64 (bytes, g_bytes_get_size (content));

  /* A one-second clip. */
  fail_unless (gst_element_query_duration (pipeline, GST_FORMAT_TIME, &time));
  fail_unless (time >= 900 * GST_MSECOND && time <= 1100 * GST_MSECOND,
      "%" GST_TIME_FORMAT, GST_TIME_ARGS (time));

  gst_element_set_state (pipeline, GST_STATE_NULL);
}

GST_END_TEST;

/* Several sources at once */

GST_START_TEST (test_mosaic)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  TestCollector frames;
  gint last_create = -1, first_content = -1, w, h;
  guint i;

  /* Long enough that none is done before all are asked for, if they are
   * asked for at once: scaled like timeouts, as under valgrind four
   * creates (each read against the budget) take seconds. */
  g_object_set (emu, "generation-time", (gdouble) test_timeout (2), NULL);
  pipeline = gst_parse_launch ("compositor name=mix sink_1::xpos=320 "
      "sink_2::ypos=180 sink_3::xpos=320 sink_3::ypos=180 ! "
      "fakesink name=sink "
      "apigovideosrc name=s0 ! decodebin ! videoconvert ! mix.sink_0 "
      "apigovideosrc name=s1 ! decodebin ! videoconvert ! mix.sink_1 "
      "apigovideosrc name=s2 ! decodebin ! videoconvert ! mix.sink_2 "
      "apigovideosrc name=s3 ! decodebin ! videoconvert ! mix.sink_3",
      &error);
  g_assert_no_error (error);
  for (i = 0; i < 4; i++) {
    g_autofree gchar *name = g_strdup_printf ("s%u", i);
    g_autofree gchar *prompt = g_strdup_printf ("tile %u", i);

    test_source_configure (test_pipeline_get (pipeline, name), emu, prompt);
  }
  test_collect (test_pipeline_get (pipeline, "sink"), &frames, FALSE);
  run = test_run (pipeline, 120);
  test_run_assert_eos (run);

  caps_size (frames.caps, &w, &h);
  fail_unless_equals_int (w, 640);
  fail_unless_equals_int (h, 360);
  fail_unless (frames.buffers >= 30, "%u frames", frames.buffers);

  /* Four tasks, all created before any was finished (its content is only
   * asked for once it is). */
  all = apigo_emulator_get_requests (emu);
  for (i = 0; i < all->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (all, i);

    if (r->route == APIGO_EMULATOR_ROUTE_CREATE) {
      fail_unless_equals_int (r->status, 200);
      g_hash_table_add (ids, r->video_id);
      last_create = i;
    } else if (r->route == APIGO_EMULATOR_ROUTE_CONTENT && first_content < 0) {
      first_content = i;
    }
  }
  fail_unless_equals_int (g_hash_table_size (ids), 4);
  fail_unless (first_content > last_create,
      "a clip was downloaded (request %d) before the last create (%d)",
      first_content, last_create);
  test_collector_clear (&frames);
}

GST_END_TEST;

static Suite *
ecosystem_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-ecosystem");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 180);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_uri_handler);
  tcase_add_test (tc, test_uri_refused_while_playing);
  tcase_add_test (tc, test_playbin);
  tcase_add_test (tc, test_uridecodebin);
  tcase_add_test (tc, test_gst_play);
  tcase_add_loop_test (tc, test_derive, 0, G_N_ELEMENTS (derives));
  tcase_add_loop_test (tc, test_derive_not_offered, 0,
      G_N_ELEMENTS (derives));
  tcase_add_test (tc, test_derive_conflicts);
  tcase_add_test (tc, test_thumbnail);
  tcase_add_test (tc, test_spritesheet);
  tcase_add_test (tc, test_delete_remote);
  tcase_add_test (tc, test_delete_remote_fails);
  tcase_add_loop_test (tc, test_reference_fit, 0, G_N_ELEMENTS (fits));
  tcase_add_test (tc, test_tags);
  tcase_add_test (tc, test_duration);
  tcase_add_test (tc, test_mosaic);
  return s;
}

GST_CHECK_MAIN (ecosystem);
