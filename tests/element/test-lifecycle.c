/* gst-apigo: what the element says, sends and does across its states
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"

static guint
creates (ApigoEmulator * emu)
{
  return apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_CREATE,
      NULL);
}

static const GstStructure *
status_structure (GstMessage * msg)
{
  const GstStructure *s;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_ELEMENT)
    return NULL;
  s = gst_message_get_structure (msg);
  return gst_structure_has_name (s, "apigo-status") ? s : NULL;
}

GST_START_TEST (test_property_defaults)
{
  g_autoptr (GstElement) src = gst_element_factory_make ("apigovideosrc",
      NULL);
  GParamSpec *key = g_object_class_find_property (G_OBJECT_GET_CLASS (src),
      "api-key");
  g_autofree gchar *model = NULL, *size = NULL, *ua = NULL, *url = NULL;
  g_autofree gchar *prompt = NULL, *id = NULL, *status = NULL;
  guint seconds, poll, timeout, progress;

  g_unsetenv ("APIGO_BASE_URL");
  g_object_get (src, "model", &model, "size", &size, "seconds", &seconds,
      "user-agent", &ua, "base-url", &url, "prompt", &prompt, "video-id",
      &id, "status", &status, "progress", &progress, "poll-interval", &poll,
      "timeout", &timeout, NULL);
  fail_unless_equals_string (model, "sora-2");
  fail_unless_equals_string (size, "720x1280");
  fail_unless_equals_int (seconds, 4);
  fail_unless (g_str_has_prefix (ua, "gst-apigo/"));
  fail_unless_equals_string (url, "https://maas.apigo.ai/v1");
  fail_unless (prompt == NULL && id == NULL && status == NULL);
  fail_unless_equals_int (progress, 0);
  fail_unless (poll >= 100 && timeout > 0);

  /* The key can be given, never read back. */
  fail_unless (key != NULL);
  fail_unless (key->flags & G_PARAM_WRITABLE);
  fail_if (key->flags & G_PARAM_READABLE);
}

GST_END_TEST;

GST_START_TEST (test_base_url_from_environment)
{
  g_autoptr (GstElement) src = NULL;
  g_autofree gchar *url = NULL;
  g_autofree gchar *set = NULL;

  g_setenv ("APIGO_BASE_URL", "http://127.0.0.1:9/v1", TRUE);
  src = gst_element_factory_make ("apigovideosrc", NULL);
  g_object_get (src, "base-url", &url, NULL);
  fail_unless_equals_string (url, "http://127.0.0.1:9/v1");

  /* The property wins over the environment. */
  g_object_set (src, "base-url", "http://[::1]:9/v1", NULL);
  g_object_get (src, "base-url", &set, NULL);
  fail_unless_equals_string (set, "http://[::1]:9/v1");
  g_unsetenv ("APIGO_BASE_URL");
}

GST_END_TEST;

typedef struct
{
  GstProgressType type;
  gchar *code;
  gchar *text;
  gint percent;                 /* the message's "percent" field */
} Progress;

static void
progress_free (Progress * p)
{
  g_free (p->code);
  g_free (p->text);
  g_free (p);
}

static GPtrArray *
progress_messages (TestRun * run)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)
      progress_free);
  guint i;

  for (i = 0; i < run->messages->len; i++) {
    GstMessage *msg = g_ptr_array_index (run->messages, i);
    Progress *p;

    if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_PROGRESS)
      continue;
    p = g_new0 (Progress, 1);
    gst_message_parse_progress (msg, &p->type, &p->code, &p->text);
    fail_unless (gst_structure_get_int (gst_message_get_structure (msg),
            "percent", &p->percent));
    g_ptr_array_add (out, p);
  }
  return out;
}

/* Index of the first progress message of @type and @code from @from on. */
static guint
find_progress (GPtrArray * progress, guint from, GstProgressType type,
    const gchar * code)
{
  guint i;

  for (i = from; i < progress->len; i++) {
    Progress *p = g_ptr_array_index (progress, i);

    if (p->type == type && g_str_equal (p->code, code))
      return i;
  }
  fail ("no progress message %d/%s after #%u", type, code, from);
  return 0;
}

GST_START_TEST (test_progress_on_the_bus)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "progress",
      FILE_PIPELINE);
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) progress = NULL;
  g_autoptr (GBytes) content = NULL;
  g_autofree gchar *id = NULL;
  g_autofree gchar *status = NULL;
  gboolean saw_in_progress = FALSE, saw_completed = FALSE;
  const GstStructure *last_status = NULL;
  guint last_progress = 0, progress_value, i, start, cont, done;

  g_object_set (emu, "generation-time", 1.0, NULL);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);
  g_object_get (src, "video-id", &id, "status", &status, "progress",
      &progress_value, NULL);
  fail_unless (id != NULL);
  fail_unless_equals_string (status, "completed");
  fail_unless_equals_int (progress_value, 100);
  content = apigo_emulator_get_content (emu, id);

  /* GST_MESSAGE_PROGRESS: generate start, continue..., complete; then
   * download start and complete (as it starts to stream: how far it is,
   * apigo-status says).  gst-launch prints these. */
  progress = progress_messages (run);
  start = find_progress (progress, 0, GST_PROGRESS_TYPE_START, "generate");
  cont = find_progress (progress, start, GST_PROGRESS_TYPE_CONTINUE,
      "generate");
  done = find_progress (progress, cont, GST_PROGRESS_TYPE_COMPLETE,
      "generate");
  start = find_progress (progress, done, GST_PROGRESS_TYPE_START, "download");
  done = find_progress (progress, start, GST_PROGRESS_TYPE_COMPLETE,
      "download");
  fail_unless (strstr (((Progress *) g_ptr_array_index (progress,
                  cont))->text, "%") != NULL);
  /* Their "percent" field: the task's progress, as the text says and never
   * going back. */
  {
    gint last = -1;
    gboolean between = FALSE;

    for (i = 0; i < progress->len; i++) {
      Progress *p = g_ptr_array_index (progress, i);
      g_autofree gchar *said = NULL;

      if (p->type != GST_PROGRESS_TYPE_CONTINUE)
        continue;
      fail_unless_equals_string (p->code, "generate");
      said = g_strdup_printf (" %d%%", p->percent);
      fail_unless (strstr (p->text, said) != NULL, "\"%s\" but percent %d",
          p->text, p->percent);
      fail_unless (p->percent >= last, "percent went back: %d < %d",
          p->percent, last);
      last = p->percent;
      between |= p->percent > 0 && p->percent < 100;
    }
    fail_unless (between, "no percent between 0 and 100");
  }

  /* The element message: id, status and progress for applications. */
  for (i = 0; i < run->messages->len; i++) {
    const GstStructure *s = status_structure (g_ptr_array_index
        (run->messages, i));
    const gchar *msg_status, *msg_id;
    guint p;

    if (s == NULL)
      continue;
    /* News only: never the same status twice in a row. */
    fail_if (last_status != NULL && gst_structure_is_equal (s, last_status),
        "the same apigo-status twice: %" GST_PTR_FORMAT, s);
    msg_id = gst_structure_get_string (s, "id");
    msg_status = gst_structure_get_string (s, "status");
    fail_unless (gst_structure_get_uint (s, "progress", &p));
    fail_unless (gst_structure_has_field (s, "phase"));
    if (msg_status != NULL) {
      fail_unless_equals_string (msg_id, id);
      fail_unless (p >= last_progress, "progress went back: %u < %u", p,
          last_progress);
      last_progress = p;
      saw_in_progress |= g_str_equal (msg_status, "in_progress");
      saw_completed |= g_str_equal (msg_status, "completed");
    }
    last_status = s;
  }
  fail_unless (saw_in_progress && saw_completed);
  fail_unless (last_status != NULL);
  fail_unless_equals_string (gst_structure_get_string (last_status, "phase"),
      "done");
  {
    guint64 downloaded = 0, total = 0;

    gst_structure_get_uint64 (last_status, "downloaded", &downloaded);
    gst_structure_get_uint64 (last_status, "total", &total);
    fail_unless_equals_uint64 (downloaded, g_bytes_get_size (content));
    fail_unless_equals_uint64 (total, g_bytes_get_size (content));
  }
}

GST_END_TEST;

/* What the service sees: the fields, as text, and the headers it needs. */
GST_START_TEST (test_create_request)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  const gchar *prompt = "一只可爱的小猫在花园里玩耍";
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, prompt,
      FILE_PIPELINE);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  ApigoEmulatorRequest *create = NULL;
  guint i;

  g_object_set (test_pipeline_get (pipeline, "src"), "model", "sora-2-pro",
      NULL);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);

  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    fail_unless (r->authorized, "%s %s was not authorized", r->method,
        r->path);
    fail_unless (g_str_has_prefix (r->user_agent, "gst-apigo/"), "UA %s",
        r->user_agent);
    if (r->route == APIGO_EMULATOR_ROUTE_CREATE) {
      fail_unless (create == NULL, "two creates");
      create = r;
    }
  }
  fail_unless (create != NULL);
  fail_unless_equals_string (create->method, "POST");
  fail_unless_equals_string (create->path, "/v1/videos");
  fail_unless (g_str_has_prefix (create->content_type,
          "multipart/form-data"));
  fail_unless (create->idempotency_key != NULL
      && *create->idempotency_key != '\0');
  fail_unless_equals_string (g_hash_table_lookup (create->form, "prompt"),
      prompt);
  fail_unless_equals_string (g_hash_table_lookup (create->form, "model"),
      "sora-2-pro");
  fail_unless_equals_string (g_hash_table_lookup (create->form, "size"),
      "320x180");
  fail_unless_equals_string (g_hash_table_lookup (create->form, "seconds"),
      "1");
  fail_unless (create->file_name == NULL);
}

GST_END_TEST;

static gchar *
write_png (gint width, gint height, const gchar * pattern)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *launch = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (TestRun) run = NULL;
  gchar *path = NULL;
  gint fd = g_file_open_tmp ("apigo-ref-XXXXXX.png", &path, &error);

  g_assert_no_error (error);
  close (fd);
  launch = g_strdup_printf ("videotestsrc num-buffers=1 pattern=%s ! "
      "video/x-raw,width=%d,height=%d ! pngenc ! filesink location=%s",
      pattern, width, height, path);
  pipeline = gst_parse_launch (launch, &error);
  g_assert_no_error (error);
  run = test_run (pipeline, 30);
  test_run_assert_eos (run);
  return path;
}

GST_START_TEST (test_input_reference_sent)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "from a frame",
      FILE_PIPELINE);
  g_autofree gchar *png = write_png (320, 180, "red");
  g_autofree gchar *base = g_path_get_basename (png);
  g_autoptr (TestRun) run = NULL;
  g_autoptr (GPtrArray) requests = NULL;
  GStatBuf st;
  guint i;

  fail_unless (g_stat (png, &st) == 0);
  g_object_set (test_pipeline_get (pipeline, "src"), "input-reference", png,
      NULL);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);

  requests = apigo_emulator_get_requests (emu);
  for (i = 0; i < requests->len; i++) {
    ApigoEmulatorRequest *r = g_ptr_array_index (requests, i);

    if (r->route != APIGO_EMULATOR_ROUTE_CREATE)
      continue;
    fail_unless_equals_string (r->file_name, base);
    fail_unless_equals_string (r->file_content_type, "image/png");
    fail_unless_equals_uint64 (r->file_size, st.st_size);
  }
  fail_unless_equals_int (creates (emu), 1);
  g_unlink (png);
}

GST_END_TEST;

/* The seed page says "pending" where OpenAI says "queued". */
GST_START_TEST (test_pending_is_waiting)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "pending",
      FILE_PIPELINE);
  g_autoptr (TestRun) run = NULL;

  g_object_set (emu, "initial-status", "pending", "generation-time", 1.0,
      NULL);
  run = test_run (pipeline, 60);
  test_run_assert_eos (run);
  fail_unless_equals_int (creates (emu), 1);
}

GST_END_TEST;

/* Playing the same settings again, after EOS or after a stop in the middle
 * of the generation, never pays for a second video. */
GST_START_TEST (test_one_create_across_restarts)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "only once",
      "apigovideosrc name=src ! typefind ! fakesink");
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (TestRun) first = NULL;
  g_autoptr (TestRun) second = NULL;
  g_autoptr (TestRun) third = NULL;
  g_autofree gchar *id = NULL;
  g_autofree gchar *id_again = NULL;

  g_object_set (emu, "generation-time", 2.0, NULL);

  /* Stopped while the task is being generated... */
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  test_wait_until (creates (emu) == 1, 30);
  test_wait_until (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_RETRIEVE, NULL) >= 1, 30);
  gst_element_set_state (pipeline, GST_STATE_READY);
  g_object_get (src, "video-id", &id, NULL);
  fail_unless (id != NULL);

  /* ...then played again: the same task is picked up. */
  first = test_run (pipeline, 60);
  test_run_assert_eos (first);
  second = test_run (pipeline, 60);
  test_run_assert_eos (second);
  g_object_get (src, "video-id", &id_again, NULL);
  fail_unless_equals_string (id_again, id);
  fail_unless_equals_int (creates (emu), 1);
  /* The clip was kept: the second run downloaded nothing. */
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CONTENT, NULL), 1);

  /* New settings are a new clip. */
  g_object_set (src, "prompt", "something else", NULL);
  third = test_run (pipeline, 60);
  test_run_assert_eos (third);
  fail_unless_equals_int (creates (emu), 2);
}

GST_END_TEST;

GST_START_TEST (test_attach_to_video_id)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) first = test_pipeline_new (emu, "made earlier",
      FILE_PIPELINE);
  g_autoptr (GstElement) second = test_pipeline_new (emu, NULL,
      FILE_PIPELINE);
  g_autoptr (TestRun) run1 = NULL;
  g_autoptr (TestRun) run2 = NULL;
  g_autoptr (GBytes) content = NULL;
  g_autofree gchar *id = NULL;
  g_autofree gchar *other_cache = NULL;
  TestCollector out;

  run1 = test_run (first, 60);
  test_run_assert_eos (run1);
  g_object_get (test_pipeline_get (first, "src"), "video-id", &id, NULL);
  content = apigo_emulator_get_content (emu, id);
  fail_unless (content != NULL);
  apigo_emulator_clear_requests (emu);

  /* Another cache: the clip the first run kept is not there to replay
   * (test-variants.c: test_attach_replays_kept), the task is asked for. */
  other_cache = g_build_filename (test_tmp_dir (), "other-cache", NULL);
  g_object_set (test_pipeline_get (second, "src"), "video-id", id,
      "cache-dir", other_cache, NULL);
  test_collect (test_pipeline_get (second, "sink"), &out, TRUE);
  run2 = test_run (second, 60);
  test_run_assert_eos (run2);

  test_assert_same_bytes (content, out.bytes->data, out.bytes->len);
  fail_unless_equals_int (creates (emu), 0);
  fail_unless (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_RETRIEVE, NULL) >= 1);
  test_collector_clear (&out);
}

GST_END_TEST;

/* Waits (bounded) for an apigo-status message whose phase is @phase. */
static void
wait_for_phase (GstElement * pipeline, const gchar * phase)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  gint64 end = g_get_monotonic_time () + test_timeout (30) *
      G_TIME_SPAN_SECOND;

  for (;;) {
    g_autoptr (GstMessage) msg = NULL;
    const GstStructure *s;

    fail_unless (g_get_monotonic_time () < end, "never reached %s", phase);
    msg = gst_bus_timed_pop (bus, 100 * GST_MSECOND);
    if (msg == NULL)
      continue;
    fail_if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR, "error before %s",
        phase);
    s = status_structure (msg);
    if (s != NULL && g_str_equal (gst_structure_get_string (s, "phase"),
            phase))
      return;
  }
}

/* Setting the pipeline to NULL returns at once, whatever the element waits
 * for.  The bound is far below what the service would take (30 s to answer
 * the create, 10 minutes to generate, minutes to send): it tells "returned"
 * from "waited for the service", it is not a performance figure. */
static void
assert_stops_at_once (GstElement * pipeline)
{
  gint64 t0 = g_get_monotonic_time ();

  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless (g_get_monotonic_time () - t0 <
      test_timeout (5) * G_TIME_SPAN_SECOND,
      "stopping took %" G_GINT64_FORMAT " us", g_get_monotonic_time () - t0);
}

GST_START_TEST (test_stop_while_creating)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "slow create",
      FILE_PIPELINE);

  g_object_set (emu, "create-delay", 30.0, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  wait_for_phase (pipeline, "creating");
  g_usleep (200 * 1000);        /* well inside the HTTP request */
  assert_stops_at_once (pipeline);
}

GST_END_TEST;

GST_START_TEST (test_stop_while_generating)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "slow model",
      FILE_PIPELINE);

  g_object_set (emu, "generation-time", 600.0, NULL);
  g_object_set (test_pipeline_get (pipeline, "src"), "poll-interval", 60000,
      NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  wait_for_phase (pipeline, "generating");
  assert_stops_at_once (pipeline);
}

GST_END_TEST;

GST_START_TEST (test_stop_while_downloading)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "slow link",
      FILE_PIPELINE);

  g_object_set (emu, "throttle", (guint64) 1024, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  wait_for_phase (pipeline, "downloading");
  assert_stops_at_once (pipeline);
  fail_unless_equals_int (apigo_emulator_count_completed_downloads (emu), 0);
}

GST_END_TEST;

/* Fitting the input reference can be GStreamer work of seconds that no
 * element interrupts (here, about 9 s encoding a 5K PNG of noise): a stop
 * does not wait for it, and nothing is created.  (GstCheck still waits for
 * that work to end after the test.)  Under valgrind, 20 times slower, a
 * smaller fit (a quarter) takes long enough. */
GST_START_TEST (test_stop_while_fitting)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "fitted",
      FILE_PIPELINE);
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autofree gchar *png = write_png (1280, 720, "snow");

  g_object_set (src, "input-reference", png, "size",
      test_timeout (1) > 1 ? "2560x1440" : "5120x2880", NULL);
  gst_util_set_object_arg (G_OBJECT (src), "input-reference-fit", "scale");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  /* Fitting comes right after this, before the create is sent. */
  wait_for_phase (pipeline, "creating");
  g_usleep (200 * 1000);
  assert_stops_at_once (pipeline);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
  g_unlink (png);
}

GST_END_TEST;

/* gst-launch -e sends EOS on Ctrl-C: it must get through a waiting
 * element. */
GST_START_TEST (test_eos_while_generating)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "interrupted",
      FILE_PIPELINE);
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) msg = NULL;

  g_object_set (emu, "generation-time", 600.0, NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  wait_for_phase (pipeline, "generating");
  fail_unless (gst_element_send_event (pipeline, gst_event_new_eos ()));
  msg = gst_bus_timed_pop_filtered (bus, test_timeout (30) * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  fail_unless (msg != NULL && GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS);
  assert_stops_at_once (pipeline);
}

GST_END_TEST;

typedef struct
{
  GstElement *pipeline;
  gint stopped;
} StopFromNotify;

static void
stop_on_status (GObject * src, GParamSpec * pspec, StopFromNotify * stop)
{
  g_autofree gchar *status = NULL;

  g_object_get (src, "status", &status, NULL);
  if (status != NULL
      && g_atomic_int_compare_and_exchange (&stop->stopped, 0, 1)) {
    /* On the element's own thread: it must neither wait for itself nor
     * crash. */
    gst_element_set_state (stop->pipeline, GST_STATE_NULL);
    g_atomic_int_set (&stop->stopped, 2);
  }
}

/* Applications react to notify::status; stopping the pipeline from there
 * is legitimate. */
GST_START_TEST (test_stop_from_status_notification)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "stop me",
      FILE_PIPELINE);
  StopFromNotify stop = { pipeline, 0 };
  GstState state;

  g_object_set (emu, "generation-time", 600.0, NULL);
  g_signal_connect (test_pipeline_get (pipeline, "src"), "notify::status",
      G_CALLBACK (stop_on_status), &stop);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  test_wait_until (g_atomic_int_get (&stop.stopped) == 2, 30);
  gst_element_get_state (pipeline, &state, NULL, 0);
  fail_unless_equals_int (state, GST_STATE_NULL);

  /* And it goes on afterwards with the same task (which takes long, hence
   * the short timeout here). */
  g_signal_handlers_disconnect_by_func (test_pipeline_get (pipeline, "src"),
      stop_on_status, &stop);
  g_object_set (test_pipeline_get (pipeline, "src"), "timeout", 1, NULL);
  {
    g_autoptr (TestRun) run = test_run (pipeline, 60);

    test_run_assert_error (run, GST_RESOURCE_ERROR,
        GST_RESOURCE_ERROR_FAILED, "Gave up waiting");
  }
  fail_unless_equals_int (creates (emu), 1);
}

GST_END_TEST;

/* A task that failed is not asked for again: playing once more makes a new
 * one (and the user pays again only because they asked to). */
GST_START_TEST (test_new_task_after_failure)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = test_pipeline_new (emu, "try again",
      FILE_PIPELINE);
  GstElement *src = test_pipeline_get (pipeline, "src");
  g_autoptr (TestRun) failed = NULL;
  g_autoptr (TestRun) retried = NULL;
  g_autofree gchar *failed_id = NULL;
  g_autofree gchar *new_id = NULL;

  apigo_emulator_fail_next_tasks (emu, 1);
  failed = test_run (pipeline, 60);
  test_run_assert_error (failed, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_FAILED, "moderation_blocked");
  g_object_get (src, "video-id", &failed_id, NULL);
  fail_unless (failed_id != NULL, "the failed task's id is not readable");

  retried = test_run (pipeline, 60);
  test_run_assert_eos (retried);
  g_object_get (src, "video-id", &new_id, NULL);
  fail_unless (new_id != NULL && g_strcmp0 (new_id, failed_id) != 0);
  fail_unless_equals_int (creates (emu), 2);
}

GST_END_TEST;

static Suite *
lifecycle_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-lifecycle");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_property_defaults);
  tcase_add_test (tc, test_base_url_from_environment);
  tcase_add_test (tc, test_progress_on_the_bus);
  tcase_add_test (tc, test_create_request);
  tcase_add_test (tc, test_input_reference_sent);
  tcase_add_test (tc, test_pending_is_waiting);
  tcase_add_test (tc, test_one_create_across_restarts);
  tcase_add_test (tc, test_attach_to_video_id);
  tcase_add_test (tc, test_stop_while_creating);
  tcase_add_test (tc, test_stop_while_generating);
  tcase_add_test (tc, test_stop_while_downloading);
  tcase_add_test (tc, test_stop_while_fitting);
  tcase_add_test (tc, test_eos_while_generating);
  tcase_add_test (tc, test_stop_from_status_notification);
  tcase_add_test (tc, test_new_task_after_failure);
  return s;
}

GST_CHECK_MAIN (lifecycle);
