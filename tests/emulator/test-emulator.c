/* gst-apigo: tests of the Videos API emulator
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Real HTTP with a SoupSession against the in-process emulator on
 * 127.0.0.1, and real decoding of what it serves.
 */

#include <gst/check/gstcheck.h>
#include <gst/app/gstappsink.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "apigo-emulator.h"

/* In ASan builds: LeakSanitizer's tracer crashes at exit once
 * glib-networking's TLS threads have run (GCC 12), and test_tls runs them,
 * so this suite checks memory errors only; valgrind checks its leaks. */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "detect_leaks=0";
}

#define API_KEY "sk-emulator-test"
#define SMALL_SIZE "320x180"

static ApigoEmulator *emu;
static SoupSession *session;

typedef struct
{
  guint status;
  GBytes *body;
  SoupMessageHeaders *headers;
  JsonNode *json;               /* the body as JSON, when it is */
  GError *error;
} Response;

static void
response_free (Response * r)
{
  g_clear_pointer (&r->body, g_bytes_unref);
  g_clear_pointer (&r->headers, soup_message_headers_unref);
  g_clear_pointer (&r->json, json_node_unref);
  g_clear_error (&r->error);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Response, response_free);

/* Straight to 127.0.0.1: never through a proxy from the environment (and
 * without libproxy, whose C++ exceptions confuse valgrind). */
static SoupSession *
new_session (void)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  return soup_session_new_with_options ("proxy-resolver", direct, NULL);
}

static void
setup (void)
{
  emu = apigo_emulator_new ();
  g_object_set (emu, "any-size", TRUE, "generation-time", 0.2, NULL);
  fail_unless (apigo_emulator_start (emu, 0, NULL));
  session = new_session ();
}

static void
teardown (void)
{
  g_clear_object (&session);
  apigo_emulator_stop (emu);
  g_clear_object (&emu);
}

/* HTTP helpers */

static SoupMessage *
new_message (const gchar * method, const gchar * path)
{
  g_autofree gchar *url = g_strconcat (apigo_emulator_get_base_url (emu),
      path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  fail_unless (msg != NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "Authorization", "Bearer " API_KEY);
  return msg;
}

static Response *
send_message_with (SoupSession * with, SoupMessage * msg)
{
  Response *r = g_new0 (Response, 1);
  const gchar *type;

  r->body = soup_session_send_and_read (with, msg, NULL, &r->error);
  r->status = soup_message_get_status (msg);
  r->headers =
      soup_message_headers_ref (soup_message_get_response_headers (msg));
  type = soup_message_headers_get_content_type (r->headers, NULL);
  if (r->body && g_strcmp0 (type, "application/json") == 0) {
    g_autofree gchar *text = g_strndup (g_bytes_get_data (r->body, NULL),
        g_bytes_get_size (r->body));

    r->json = json_from_string (text, NULL);
    fail_unless (r->json != NULL, "invalid JSON: %s", text);
  }
  return r;
}

static Response *
send_message (SoupMessage * msg)
{
  return send_message_with (session, msg);
}

static Response *
request (const gchar * method, const gchar * path)
{
  g_autoptr (SoupMessage) msg = new_message (method, path);

  return send_message (msg);
}

static Response *
request_json (const gchar * method, const gchar * path, const gchar * json)
{
  g_autoptr (SoupMessage) msg = new_message (method, path);
  g_autoptr (GBytes) body = g_bytes_new (json, strlen (json));

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  return send_message (msg);
}

/* POST multipart/form-data to @path, as our plugin and the Python SDK send
 * it.  @fields: NULL-terminated name, value pairs (a NULL value skips it);
 * @file, if any, goes in a part named @file_field. */
static SoupMessage *
new_form_message (const gchar * path, const gchar * const *fields,
    const gchar * file_field, GBytes * file, const gchar * file_name,
    const gchar * file_type)
{
  g_autoptr (SoupMultipart) mp =
      soup_multipart_new (SOUP_FORM_MIME_TYPE_MULTIPART);
  g_autofree gchar *url = g_strconcat (apigo_emulator_get_base_url (emu),
      path, NULL);
  SoupMessage *msg;
  guint i;

  for (i = 0; fields[i]; i += 2) {
    if (fields[i + 1])
      soup_multipart_append_form_string (mp, fields[i], fields[i + 1]);
  }
  if (file)
    soup_multipart_append_form_file (mp, file_field, file_name, file_type,
        file);
  msg = soup_message_new_from_multipart (url, mp);
  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "Authorization", "Bearer " API_KEY);
  return msg;
}

static SoupMessage *
new_create_message (const gchar * const *fields, GBytes * file,
    const gchar * file_name, const gchar * file_type)
{
  return new_form_message ("/videos", fields, "input_reference", file,
      file_name, file_type);
}

static Response *
post_form (const gchar * path, const gchar * const *fields,
    const gchar * file_field, GBytes * file, const gchar * file_name,
    const gchar * file_type)
{
  g_autoptr (SoupMessage) msg = new_form_message (path, fields, file_field,
      file, file_name, file_type);

  return send_message (msg);
}

/* POST @path with the JSON body made from @format. */
static Response *
post_json (const gchar * path, const gchar * format, ...)
G_GNUC_PRINTF (2, 3);

static Response *
post_json (const gchar * path, const gchar * format, ...)
{
  g_autofree gchar *json = NULL;
  va_list args;

  va_start (args, format);
  json = g_strdup_vprintf (format, args);
  va_end (args);
  return request_json ("POST", path, json);
}

static Response *
create_full (const gchar * const *fields, GBytes * file,
    const gchar * file_name, const gchar * file_type)
{
  g_autoptr (SoupMessage) msg = new_create_message (fields, file, file_name,
      file_type);

  return send_message (msg);
}

static Response *
create (const gchar * prompt, const gchar * size, const gchar * seconds)
{
  const gchar *fields[] = { "model", "sora-2", "prompt", prompt, "size", size,
    "seconds", seconds, NULL
  };

  return create_full (fields, NULL, NULL, NULL);
}

static JsonObject *
obj (Response * r)
{
  fail_unless (r->json != NULL && JSON_NODE_HOLDS_OBJECT (r->json),
      "no JSON object (status %u)", r->status);
  return json_node_get_object (r->json);
}

/* How many tasks GET /videos lists (its first page). */
static guint
list_length (void)
{
  g_autoptr (Response) r = request ("GET", "/videos");

  fail_unless_equals_int (r->status, 200);
  return json_array_get_length (json_object_get_array_member (obj (r), "data"));
}

static const gchar *
str (JsonObject * o, const gchar * name)
{
  return json_object_get_string_member_with_default (o, name, NULL);
}

static gchar *
create_ok (const gchar * prompt, const gchar * size, const gchar * seconds)
{
  g_autoptr (Response) r = create (prompt, size, seconds);

  fail_unless_equals_int (r->status, 200);
  fail_unless (str (obj (r), "id") != NULL);
  return g_strdup (str (obj (r), "id"));
}

static void
assert_error (Response * r, guint status, const gchar * code,
    const gchar * param)
{
  JsonObject *error;

  fail_unless_equals_int (r->status, status);
  fail_unless_equals_string (soup_message_headers_get_content_type
      (r->headers, NULL), "application/json");
  error = json_object_get_object_member (obj (r), "error");
  fail_unless (error != NULL);
  fail_unless (str (error, "message") != NULL && *str (error, "message"));
  fail_unless (str (error, "type") != NULL);
  if (code)
    fail_unless_equals_string (str (error, "code"), code);
  if (param)
    fail_unless_equals_string (str (error, "param"), param);
}

static gchar *
task_path (const gchar * id, const gchar * suffix)
{
  return g_strconcat ("/videos/", id, suffix, NULL);
}

/* When a wait of @seconds, scaled like the test's own timeout
 * (CK_TIMEOUT_MULTIPLIER: 20 under valgrind, where a 720x1280 clip takes
 * minutes to render), is up. */
static gint64
deadline_in (guint seconds)
{
  const gchar *multiplier = g_getenv ("CK_TIMEOUT_MULTIPLIER");
  guint64 m = 1;

  if (multiplier != NULL)
    g_ascii_string_to_unsigned (multiplier, 10, 1, 1000, &m, NULL);
  return g_get_monotonic_time () + seconds * m * G_USEC_PER_SEC;
}

/* Polls until the task leaves the waiting states; returns the last task
 * answer.  @progress (optional) collects every progress seen. */
static Response *
wait_task (const gchar * id, GArray * progress)
{
  g_autofree gchar *path = task_path (id, "");
  gint64 deadline = deadline_in (60);

  for (;;) {
    Response *r = request ("GET", path);
    const gchar *status;
    gint p;

    fail_unless_equals_int (r->status, 200);
    status = str (obj (r), "status");
    p = json_object_get_int_member (obj (r), "progress");
    if (progress)
      g_array_append_val (progress, p);
    if (g_str_equal (status, "completed") || g_str_equal (status, "failed"))
      return r;
    fail_unless (g_get_monotonic_time () < deadline, "task never finished");
    response_free (r);
    g_usleep (20 * 1000);
  }
}

static void
wait_completed (const gchar * id)
{
  g_autoptr (Response) r = wait_task (id, NULL);

  fail_unless_equals_string (str (obj (r), "status"), "completed");
}

/* Polls until @id's status is no longer @status; returns that answer.
 * Bounded, not timed: with the tasks' clock held, what it waits for is a
 * render thread picking the task up. */
static Response *
wait_status_leaves (const gchar * id, const gchar * status, GArray * progress)
{
  g_autofree gchar *path = task_path (id, "");
  gint64 deadline = deadline_in (60);

  for (;;) {
    Response *r = request ("GET", path);
    gint p;

    fail_unless_equals_int (r->status, 200);
    p = json_object_get_int_member (obj (r), "progress");
    if (progress)
      g_array_append_val (progress, p);
    if (!g_str_equal (str (obj (r), "status"), status))
      return r;
    fail_unless (g_get_monotonic_time () < deadline, "still %s", status);
    response_free (r);
    g_usleep (20 * 1000);
  }
}

/* The course of @id, made while the tasks' clock was held: a third of
 * @generation_time on, it is in progress (once a render thread has it) at
 * a progress strictly between 0 and 100, and not completed; the rest on,
 * it completes.  However slow the machine, every step is seen.  Returns
 * the completed answer; @progress (optional) gets every progress seen. */
static Response *
held_course (const gchar * id, gdouble generation_time, GArray * progress)
{
  g_autoptr (Response) middle = NULL;
  gint p;

  apigo_emulator_advance_clock (emu, generation_time / 3);
  middle = wait_status_leaves (id, "queued", progress);
  fail_unless_equals_string (str (obj (middle), "status"), "in_progress");
  p = json_object_get_int_member (obj (middle), "progress");
  fail_unless (p > 0 && p < 100, "progress %d", p);
  apigo_emulator_advance_clock (emu, generation_time);
  return wait_task (id, progress);
}

static GBytes *
download (const gchar * id, const gchar * variant)
{
  g_autofree gchar *path = task_path (id, variant ? "/content?variant=" :
      "/content");
  g_autofree gchar *full = g_strconcat (path, variant, NULL);
  g_autoptr (Response) r = request ("GET", full);

  fail_unless_equals_int (r->status, 200);
  fail_unless (r->body != NULL);
  return g_bytes_ref (r->body);
}

static ApigoEmulatorRequest *
log_at (GPtrArray * log, guint i)
{
  fail_unless (i < log->len);
  return log->pdata[i];
}

/* Media helpers */

typedef struct
{
  gint width;
  gint height;
  guint frames;
  gboolean audio;
  GstBuffer *first;             /* RGB */
  GstBuffer *before_mark;       /* RGB, frame mark - 1 (decode_clip_at) */
  GstBuffer *at_mark;           /* RGB, frame mark */
} ClipInfo;

static void
clip_info_clear (ClipInfo * info)
{
  gst_clear_buffer (&info->first);
  gst_clear_buffer (&info->before_mark);
  gst_clear_buffer (&info->at_mark);
}

static void
on_pad_added (GstElement * decodebin, GstPad * pad, gpointer data)
{
  GstElement *pipeline = data;
  g_autoptr (GstCaps) caps = gst_pad_query_caps (pad, NULL);
  const gchar *name = gst_structure_get_name (gst_caps_get_structure (caps,
          0));
  g_autoptr (GstPad) sinkpad = NULL;

  if (g_str_has_prefix (name, "video/")) {
    g_autoptr (GstElement) conv = gst_bin_get_by_name (GST_BIN (pipeline),
        "conv");

    sinkpad = gst_element_get_static_pad (conv, "sink");
  } else {
    GstElement *sink = gst_element_factory_make ("fakesink", NULL);

    g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
    gst_bin_add (GST_BIN (pipeline), sink);
    gst_element_sync_state_with_parent (sink);
    sinkpad = gst_element_get_static_pad (sink, "sink");
    g_object_set_data (G_OBJECT (pipeline), "has-audio",
        GINT_TO_POINTER (g_str_has_prefix (name, "audio/")));
  }
  fail_unless_equals_int (gst_pad_link (pad, sinkpad), GST_PAD_LINK_OK);
}

/* Decodes an MP4 (through a file: qtdemux then reads it in pull mode,
 * wherever the moov is) and counts its frames; keeps the frames just
 * before and at @mark (if not 0). */
static void
decode_clip_at (GBytes * mp4, guint mark, ClipInfo * info)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *path = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) decodebin = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) msg = NULL;
  gchar *desc;
  gint fd;

  memset (info, 0, sizeof (*info));
  fd = g_file_open_tmp ("emulator-test-XXXXXX.mp4", &path, &error);
  fail_unless (fd >= 0);
  g_close (fd, NULL);
  fail_unless (g_file_set_contents (path, g_bytes_get_data (mp4, NULL),
          g_bytes_get_size (mp4), NULL));

  desc = g_strdup_printf ("filesrc location=\"%s\" ! decodebin name=dec "
      "videoconvert name=conv ! video/x-raw,format=RGB ! "
      "appsink name=sink sync=false", path);
  pipeline = gst_parse_launch (desc, &error);
  g_free (desc);
  fail_unless (pipeline != NULL, "%s", error ? error->message : "?");
  decodebin = gst_bin_get_by_name (GST_BIN (pipeline), "dec");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_pad_added),
      pipeline);

  fail_unless (gst_element_set_state (pipeline, GST_STATE_PLAYING) !=
      GST_STATE_CHANGE_FAILURE);
  for (;;) {
    GstSample *sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));
    GstStructure *s;

    if (sample == NULL)
      break;
    if (info->frames == 0) {
      s = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
      gst_structure_get_int (s, "width", &info->width);
      gst_structure_get_int (s, "height", &info->height);
      info->first = gst_buffer_ref (gst_sample_get_buffer (sample));
    }
    if (mark > 0 && info->frames == mark - 1)
      info->before_mark = gst_buffer_ref (gst_sample_get_buffer (sample));
    if (mark > 0 && info->frames == mark)
      info->at_mark = gst_buffer_ref (gst_sample_get_buffer (sample));
    info->frames++;
    gst_sample_unref (sample);
  }

  bus = gst_element_get_bus (pipeline);
  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  fail_unless (msg == NULL, "decoding failed");
  info->audio = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (pipeline),
          "has-audio"));
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_unlink (path);
}

static void
decode_clip (GBytes * mp4, ClipInfo * info)
{
  decode_clip_at (mp4, 0, info);
}

/* Share of pixels of an RGB frame that are clearly red. */
static gdouble
red_share (GstBuffer * rgb, gint width, gint height)
{
  GstMapInfo map;
  gint x, y, stride = GST_ROUND_UP_4 (width * 3);
  guint red = 0;

  fail_unless (gst_buffer_map (rgb, &map, GST_MAP_READ));
  for (y = 0; y < height; y++) {
    for (x = 0; x < width; x++) {
      const guint8 *p = map.data + y * stride + x * 3;

      if (p[0] > 180 && p[1] < 80 && p[2] < 80)
        red++;
    }
  }
  gst_buffer_unmap (rgb, &map);
  return (gdouble) red / (width * height);
}

/* Mean absolute difference of two RGB frames of one size, 0 to 255. */
static gdouble
frame_difference (GstBuffer * a, GstBuffer * b, gint width, gint height)
{
  GstMapInfo ma, mb;
  gint x, y, stride = GST_ROUND_UP_4 (width * 3);
  guint64 sum = 0;

  fail_unless (gst_buffer_map (a, &ma, GST_MAP_READ));
  fail_unless (gst_buffer_map (b, &mb, GST_MAP_READ));
  for (y = 0; y < height; y++) {
    for (x = 0; x < width * 3; x++)
      sum += ABS ((gint) ma.data[y * stride + x] -
          (gint) mb.data[y * stride + x]);
  }
  gst_buffer_unmap (b, &mb);
  gst_buffer_unmap (a, &ma);
  return (gdouble) sum / (width * height * 3);
}

/* An image made with GStreamer: a solid color, encoded by @encoder. */
static GBytes *
make_image (const gchar * encoder, guint32 argb, gint width, gint height)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstSample) sample = NULL;
  g_autofree gchar *desc = NULL;
  GstMapInfo map;
  GBytes *bytes;

  desc = g_strdup_printf ("videotestsrc pattern=solid-color "
      "foreground-color=%u num-buffers=1 ! video/x-raw,width=%d,height=%d ! "
      "videoconvert ! %s ! appsink name=sink sync=false", argb, width, height,
      encoder);
  pipeline = gst_parse_launch (desc, &error);
  fail_unless (pipeline != NULL);
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  sample = gst_app_sink_pull_sample (GST_APP_SINK (sink));
  fail_unless (sample != NULL);
  gst_buffer_map (gst_sample_get_buffer (sample), &map, GST_MAP_READ);
  bytes = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (gst_sample_get_buffer (sample), &map);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return bytes;
}

/* Big-endian, byte by byte: MP4 boxes need not be aligned, and
 * GST_READ_UINT32_BE may load them as if they were. */
static guint64
read_be (const guint8 * p, guint bytes)
{
  guint64 v = 0;
  guint i;

  for (i = 0; i < bytes; i++)
    v = (v << 8) | p[i];
  return v;
}

/* Index of the first top-level MP4 box of @type, or -1. */
static gint
atom_index (GBytes * mp4, const gchar * type)
{
  gsize size, pos = 0;
  const guint8 *d = g_bytes_get_data (mp4, &size);
  gint index = 0;

  while (pos + 8 <= size) {
    guint64 box = read_be (d + pos, 4);

    if (memcmp (d + pos + 4, type, 4) == 0)
      return index;
    if (box == 1) {
      fail_unless (pos + 16 <= size);
      box = read_be (d + pos + 8, 8);
    } else if (box == 0) {
      box = size - pos;
    }
    fail_unless (box >= 8, "corrupt box at %" G_GSIZE_FORMAT, pos);
    pos += box;
    index++;
  }
  return -1;
}

/* The tests */

GST_START_TEST (test_create_poll_decode)
{
  g_autoptr (GArray) progress = g_array_new (FALSE, FALSE, sizeof (gint));
  g_autoptr (Response) created = NULL;
  g_autoptr (Response) done = NULL;
  g_autoptr (Response) content = NULL;
  g_autoptr (GBytes) expected = NULL;
  g_autofree gchar *path = NULL;
  ClipInfo info;
  JsonObject *o;
  gboolean middle = FALSE;
  const gchar *id;
  guint i;

  /* The clock held: the answer says "queued" however long it takes to
   * build (under valgrind, longer than the queued share of 1.5 s). */
  g_object_set (emu, "generation-time", 1.5, "clock-held", TRUE, NULL);
  created = create ("A red fox runs through snow", SMALL_SIZE, "2");
  fail_unless_equals_int (created->status, 200);
  o = obj (created);
  id = str (o, "id");
  fail_unless (g_str_has_prefix (id, "video_"));
  fail_unless_equals_string (str (o, "object"), "video");
  fail_unless_equals_string (str (o, "status"), "queued");
  fail_unless_equals_int (json_object_get_int_member (o, "progress"), 0);
  fail_unless_equals_string (str (o, "model"), "sora-2");
  fail_unless_equals_string (str (o, "prompt"), "A red fox runs through snow");
  fail_unless_equals_string (str (o, "size"), SMALL_SIZE);
  fail_unless_equals_string (str (o, "seconds"), "2");
  fail_unless (json_object_get_int_member (o, "created_at") > 0);
  fail_unless (json_object_get_null_member (o, "completed_at"));
  fail_unless (json_object_get_null_member (o, "expires_at"));
  fail_unless (json_object_get_null_member (o, "error"));
  fail_unless (json_object_get_null_member (o, "remixed_from_video_id"));
  /* Not ready yet: no bytes to give away. */
  fail_unless (apigo_emulator_get_content (emu, id) == NULL);
  /* Nothing moves while the clock stands still. */
  {
    g_autofree gchar *again = task_path (id, "");
    g_autoptr (Response) still = request ("GET", again);

    fail_unless_equals_string (str (obj (still), "status"), "queued");
    fail_unless_equals_int (json_object_get_int_member (obj (still),
            "progress"), 0);
  }

  done = held_course (id, 1.5, progress);
  o = obj (done);
  fail_unless_equals_string (str (o, "status"), "completed");
  fail_unless_equals_int (json_object_get_int_member (o, "progress"), 100);
  fail_unless (json_object_get_int_member (o, "completed_at") >=
      json_object_get_int_member (o, "created_at"));
  fail_unless_equals_int64 (json_object_get_int_member (o, "expires_at"),
      json_object_get_int_member (o, "completed_at") + 3600);

  for (i = 0; i < progress->len; i++) {
    gint p = g_array_index (progress, gint, i);

    if (i > 0)
      fail_unless (p >= g_array_index (progress, gint, i - 1),
          "progress went down");
    if (p > 0 && p < 100)
      middle = TRUE;
  }
  fail_unless (middle, "no progress between 0 and 100 was seen");

  path = task_path (id, "/content");
  content = request ("GET", path);
  fail_unless_equals_int (content->status, 200);
  fail_unless_equals_string (soup_message_headers_get_content_type
      (content->headers, NULL), "video/mp4");
  fail_unless_equals_string (soup_message_headers_get_one (content->headers,
          "Accept-Ranges"), "bytes");
  fail_unless_equals_int64 (soup_message_headers_get_content_length
      (content->headers), g_bytes_get_size (content->body));
  expected = apigo_emulator_get_content (emu, id);
  fail_unless (expected != NULL && g_bytes_equal (expected, content->body));
  fail_unless_equals_int (apigo_emulator_count_completed_downloads (emu), 1);

  decode_clip (content->body, &info);
  fail_unless_equals_int (info.width, 320);
  fail_unless_equals_int (info.height, 180);
  fail_unless_equals_int (info.frames, 2 * 30);
  fail_unless (info.audio, "no audio track");
  clip_info_clear (&info);
}

GST_END_TEST;

GST_START_TEST (test_default_size)
{
  const gchar *fields[] = { "model", "sora-2", "prompt", "A lighthouse at "
        "night, waves crashing", NULL
  };
  g_autoptr (Response) r = NULL;
  g_autoptr (GBytes) mp4 = NULL;
  gint64 start = g_get_monotonic_time ();
  ClipInfo info;
  gchar *id;

  g_object_set (emu, "any-size", FALSE, "generation-time", 0.0, NULL);
  r = create_full (fields, NULL, NULL, NULL);
  fail_unless_equals_int (r->status, 200);
  fail_unless_equals_string (str (obj (r), "size"), "720x1280");
  fail_unless_equals_string (str (obj (r), "seconds"), "4");
  id = g_strdup (str (obj (r), "id"));
  wait_completed (id);
  GST_INFO ("720x1280 4 s ready after %" G_GINT64_FORMAT " ms",
      (g_get_monotonic_time () - start) / 1000);

  mp4 = download (id, NULL);
  decode_clip (mp4, &info);
  fail_unless_equals_int (info.width, 720);
  fail_unless_equals_int (info.height, 1280);
  fail_unless_equals_int (info.frames, 4 * 30);
  clip_info_clear (&info);
  g_free (id);
}

GST_END_TEST;

GST_START_TEST (test_faststart)
{
  g_autofree gchar *front = NULL;
  g_autofree gchar *back = NULL;
  g_autoptr (GBytes) mp4_front = NULL;
  g_autoptr (GBytes) mp4_back = NULL;
  ClipInfo info;

  front = create_ok ("moov first", "64x64", "1");
  g_object_set (emu, "faststart", FALSE, "audio", FALSE, NULL);
  back = create_ok ("moov last", "64x64", "1");
  wait_completed (front);
  wait_completed (back);
  mp4_front = download (front, NULL);
  mp4_back = download (back, NULL);

  fail_unless (atom_index (mp4_front, "moov") >= 0);
  fail_unless (atom_index (mp4_front, "mdat") >= 0);
  fail_unless (atom_index (mp4_front, "moov") < atom_index (mp4_front, "mdat"));
  fail_unless (atom_index (mp4_back, "moov") > atom_index (mp4_back, "mdat"));
  fail_unless (atom_index (mp4_back, "mdat") >= 0);

  /* Both still decode, the second one without audio. */
  decode_clip (mp4_back, &info);
  fail_unless_equals_int (info.frames, 30);
  fail_if (info.audio);
  clip_info_clear (&info);
  decode_clip (mp4_front, &info);
  fail_unless_equals_int (info.frames, 30);
  fail_unless (info.audio);
  clip_info_clear (&info);
}

GST_END_TEST;

GST_START_TEST (test_input_reference)
{
  g_autoptr (GBytes) png = make_image ("pngenc", 0xffff0000, 320, 180);
  const gchar *fields[] = { "model", "sora-2", "prompt", "Starts red",
    "size", SMALL_SIZE, "seconds", "1", NULL
  };
  g_autoptr (Response) r = NULL;
  g_autoptr (GBytes) mp4 = NULL;
  g_autoptr (GPtrArray) log = NULL;
  ApigoEmulatorRequest *req;
  ClipInfo info;
  gchar *id;

  r = create_full (fields, png, "red.png", "image/png");
  fail_unless_equals_int (r->status, 200);
  id = g_strdup (str (obj (r), "id"));

  log = apigo_emulator_get_requests (emu);
  fail_unless_equals_int (log->len, 1);
  req = log->pdata[0];
  fail_unless_equals_string (req->file_name, "red.png");
  fail_unless_equals_string (req->file_content_type, "image/png");
  fail_unless_equals_int64 (req->file_size, g_bytes_get_size (png));
  fail_if (g_hash_table_contains (req->form, "input_reference"));

  wait_completed (id);
  mp4 = download (id, NULL);
  decode_clip (mp4, &info);
  fail_unless_equals_int (info.frames, 30);
  fail_unless (red_share (info.first, info.width, info.height) > 0.9,
      "the first frame is not the red reference");
  clip_info_clear (&info);
  g_free (id);
}

GST_END_TEST;

GST_START_TEST (test_input_reference_json)
{
  g_autoptr (GBytes) jpeg = make_image ("jpegenc", 0xff0000ff, 64, 64);
  g_autofree gchar *b64 = g_base64_encode (g_bytes_get_data (jpeg, NULL),
      g_bytes_get_size (jpeg));
  g_autofree gchar *json = NULL;
  g_autoptr (Response) r = NULL;
  g_autoptr (Response) bad = NULL;
  g_autoptr (GPtrArray) log = NULL;
  ApigoEmulatorRequest *req;

  /* The Node SDK sends JSON, numbers included, and images as data URLs. */
  json = g_strdup_printf ("{\"model\": \"sora-2\", \"prompt\": \"blue\", "
      "\"size\": \"64x64\", \"seconds\": 1, \"input_reference\": "
      "{\"image_url\": \"data:image/jpeg;base64,%s\"}}", b64);
  r = request_json ("POST", "/videos", json);
  fail_unless_equals_int (r->status, 200);
  fail_unless_equals_string (str (obj (r), "seconds"), "1");

  bad = request_json ("POST", "/videos", "{\"model\": \"sora-2\", "
      "\"prompt\": \"x\", \"input_reference\": {\"image_url\": "
      "\"https://example.com/a.png\"}}");
  assert_error (bad, 400, NULL, "input_reference");

  log = apigo_emulator_get_requests (emu);
  req = log->pdata[0];
  fail_unless_equals_string (req->file_content_type, "image/jpeg");
  fail_unless_equals_int64 (req->file_size, g_bytes_get_size (jpeg));
  fail_unless_equals_string (g_hash_table_lookup (req->form, "seconds"), "1");
  wait_completed (str (obj (r), "id"));
}

GST_END_TEST;

GST_START_TEST (test_validation)
{
  const gchar *no_prompt[] = { "model", "sora-2", NULL };
  const gchar *no_model[] = { "prompt", "hello", NULL };
  const gchar *ok[] = { "model", "sora-2", "prompt", "ok", "size", "64x64",
    "seconds", "1", NULL
  };
  g_autoptr (GBytes) text = g_bytes_new_static ("just text", 9);
  Response *r;

  r = create_full (no_prompt, NULL, NULL, NULL);
  assert_error (r, 400, "missing_required_parameter", "prompt");
  response_free (r);
  r = create_full (no_model, NULL, NULL, NULL);
  assert_error (r, 400, "missing_required_parameter", "model");
  response_free (r);
  r = create ("", "64x64", "1");
  assert_error (r, 400, "missing_required_parameter", "prompt");
  response_free (r);

  /* any-size: even WxH from 16 to 4096, seconds 1..60 */
  r = create ("x", "321x180", "1");
  assert_error (r, 400, "invalid_value", "size");
  response_free (r);
  r = create ("x", "8x8", "1");
  assert_error (r, 400, "invalid_value", "size");
  response_free (r);
  r = create ("x", "64x64", "61");
  assert_error (r, 400, "invalid_value", "seconds");
  response_free (r);
  r = create ("x", "64x64", "four");
  assert_error (r, 400, "invalid_value", "seconds");
  response_free (r);

  /* The service's own lists otherwise. */
  g_object_set (emu, "any-size", FALSE, NULL);
  r = create ("x", "1280x720", "5");
  assert_error (r, 400, "invalid_value", "seconds");
  response_free (r);
  r = create ("x", "640x480", "4");
  assert_error (r, 400, "invalid_value", "size");
  response_free (r);
  g_object_set (emu, "any-size", TRUE, NULL);

  /* Sniffed from the bytes, whatever the part claims. */
  r = create_full (ok, text, "fake.png", "image/png");
  assert_error (r, 400, "invalid_image_format", "input_reference");
  response_free (r);

  r = request_json ("POST", "/videos", "{\"model\": \"sora-2\"");
  assert_error (r, 400, NULL, NULL);
  response_free (r);

  {
    g_autoptr (SoupMessage) msg = new_message ("POST", "/videos");
    g_autoptr (GBytes) body = g_bytes_new_static ("hello", 5);

    soup_message_set_request_body_from_bytes (msg, "text/plain", body);
    r = send_message (msg);
    assert_error (r, 400, NULL, NULL);
    response_free (r);
  }

  /* None of those made a task; both other encodings do. */
  fail_unless_equals_int (list_length (), 0);

  {
    g_autoptr (SoupMessage) msg = new_message ("POST", "/videos");
    const gchar *form = "model=sora-2&prompt=caf%C3%A9+au+lait&size=64x64"
        "&seconds=1";
    g_autoptr (GBytes) body = g_bytes_new_static (form, strlen (form));

    soup_message_set_request_body_from_bytes (msg,
        "application/x-www-form-urlencoded", body);
    r = send_message (msg);
    fail_unless_equals_int (r->status, 200);
    fail_unless_equals_string (str (obj (r), "prompt"), "café au lait");
    response_free (r);
  }
  r = request_json ("POST", "/videos", "{\"model\": \"sora-2\", \"prompt\": "
      "\"日本語のプロンプト\", \"size\": \"64x64\", \"seconds\": \"1\"}");
  fail_unless_equals_int (r->status, 200);
  fail_unless_equals_string (str (obj (r), "prompt"),
      "日本語のプロンプト");
  response_free (r);
}

GST_END_TEST;

/* A GET of @path (below @az's base URL, its query included) with the
 * header @name: @value, if any. */
static Response *
azure_get (ApigoEmulator * az, const gchar * path, const gchar * name,
    const gchar * value, const gchar * name2, const gchar * value2)
{
  g_autofree gchar *url = g_strconcat (apigo_emulator_get_base_url (az),
      path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);

  if (name != NULL)
    soup_message_headers_replace (headers, name, value);
  if (name2 != NULL)
    soup_message_headers_replace (headers, name2, value2);
  return send_message (msg);
}

/* Azure's error shape: {"error": {"code": @code, "message": ...}}. */
static void
assert_azure_error (Response * r, guint status, const gchar * code,
    const gchar * words)
{
  JsonObject *error;

  fail_unless_equals_int (r->status, status);
  error = json_object_get_object_member (obj (r), "error");
  fail_unless (error != NULL);
  fail_unless_equals_string (str (error, "code"), code);
  fail_unless (strstr (str (error, "message"), words) != NULL, "%s",
      str (error, "message"));
  fail_if (json_object_has_member (error, "type"));
}

/* dialect=azure: under /openai/v1, the key in api-key only (a bearer
 * token, even the right one, is refused), api-version required; the log
 * says which key header came and the api-version. */
GST_START_TEST (test_azure_dialect)
{
  g_autoptr (ApigoEmulator) az = apigo_emulator_new ();
  g_autoptr (GPtrArray) log = NULL;
  g_autofree gchar *line = NULL;
  g_autofree gchar *origin = NULL;
  guint i;

  g_object_set (az, "api-key", API_KEY, "dialect", "azure", NULL);
  fail_unless (apigo_emulator_start (az, 0, NULL));
  fail_unless (g_str_has_suffix (apigo_emulator_get_base_url (az),
          "/openai/v1"));

  {
    g_autoptr (Response) r = azure_get (az, "/videos?api-version=preview",
        "api-key", API_KEY, NULL, NULL);

    fail_unless_equals_int (r->status, 200);
  }
  {
    g_autoptr (Response) r = azure_get (az, "/videos?api-version=preview",
        "Authorization", "Bearer " API_KEY, NULL, NULL);

    assert_azure_error (r, 401, "401", "Access denied");
  }
  {
    g_autoptr (Response) r = azure_get (az, "/videos?api-version=preview",
        "api-key", API_KEY, "Authorization", "Bearer " API_KEY);

    assert_azure_error (r, 401, "401", "Access denied");
  }
  {
    g_autoptr (Response) r = azure_get (az, "/videos?api-version=preview",
        "api-key", "wrong", NULL, NULL);

    assert_azure_error (r, 401, "401", "Access denied");
  }
  {
    g_autoptr (Response) r = azure_get (az, "/videos", "api-key", API_KEY,
        NULL, NULL);

    assert_azure_error (r, 400, "BadRequest", "api-version");
  }
  /* OpenAI's path is not there. */
  origin = g_strndup (apigo_emulator_get_base_url (az),
      strlen (apigo_emulator_get_base_url (az)) - strlen ("/openai/v1"));
  {
    g_autofree gchar *url = g_strconcat (origin, "/v1/videos?api-version=v1",
        NULL);
    g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
    g_autoptr (Response) r = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "api-key", API_KEY);
    r = send_message (msg);
    assert_azure_error (r, 404, "404", "Resource not found");
  }

  log = apigo_emulator_get_requests (az);
  fail_unless_equals_int (log->len, 6);
  fail_unless (log_at (log, 0)->authorized && log_at (log, 0)->api_key_present
      && !log_at (log, 0)->authorization_present);
  fail_unless (!log_at (log, 1)->api_key_present
      && log_at (log, 1)->authorization_present);
  fail_unless (log_at (log, 2)->api_key_present
      && log_at (log, 2)->authorization_present);
  for (i = 1; i < 4; i++)
    fail_if (log_at (log, i)->authorized);
  for (i = 0; i < 4; i++)
    fail_unless_equals_string (log_at (log, i)->api_version, "preview");
  fail_unless (log_at (log, 4)->api_version == NULL);
  fail_unless_equals_string (log_at (log, 5)->path, "/v1/videos");
  fail_unless_equals_string (log_at (log, 0)->path, "/openai/v1/videos");
  line = apigo_emulator_request_to_json (log->pdata[0]);
  fail_unless (strstr (line, "\"api_key_present\":true") != NULL, "%s", line);
  fail_unless (strstr (line, "\"api_version\":\"preview\"") != NULL, "%s",
      line);
  fail_unless (strstr (line, API_KEY) == NULL);
  apigo_emulator_stop (az);
}

GST_END_TEST;

/* A request to @or (openrouter dialect) at @path below its base URL, with
 * the bearer key and, if @type is not NULL, that body. */
static Response *
openrouter_request (ApigoEmulator * or, const gchar * method,
    const gchar * path, const gchar * type, const gchar * body)
{
  g_autofree gchar *url = g_strconcat (apigo_emulator_get_base_url (or),
      path, NULL);
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);

  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "Authorization", "Bearer " API_KEY);
  if (type != NULL) {
    g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

    soup_message_set_request_body_from_bytes (msg, type, bytes);
  }
  return send_message (msg);
}

/* OpenRouter's error shape: {"error": {"code": <integer>, "message"}}. */
static void
assert_openrouter_error (Response * r, guint status, const gchar * words)
{
  JsonObject *error;

  fail_unless_equals_int (r->status, status);
  error = json_object_get_object_member (obj (r), "error");
  fail_unless (error != NULL);
  fail_unless_equals_int (json_object_get_int_member (error, "code"),
      status);
  fail_unless (json_node_get_value_type (json_object_get_member (error,
              "code")) == G_TYPE_INT64);
  fail_unless (strstr (str (error, "message"), words) != NULL, "%s",
      str (error, "message"));
}

/* dialect=openrouter: under /api/v1, JSON creates only, answered 202 with
 * a job (no progress, never "queued"), content at ?index=0 only, no list,
 * integer error codes; the log keeps the create's JSON body. */
GST_START_TEST (test_openrouter_dialect)
{
  static const gchar create[] = "{\"model\":\"google/veo-3.1\","
      "\"prompt\":\"or\",\"duration\":1,\"resolution\":\"480p\","
      "\"aspect_ratio\":\"4:3\",\"seed\":7}";
  g_autoptr (ApigoEmulator) or = apigo_emulator_new ();
  g_autoptr (GPtrArray) log = NULL;
  g_autofree gchar *id = NULL;
  g_autofree gchar *polling = NULL;
  g_autofree gchar *content = NULL;
  gint64 end;
  guint i;

  g_object_set (or, "api-key", API_KEY, "dialect", "openrouter",
      "any-size", TRUE, "generation-time", 0.2, NULL);
  fail_unless (apigo_emulator_start (or, 0, NULL));
  fail_unless (g_str_has_suffix (apigo_emulator_get_base_url (or),
          "/api/v1"));

  {
    g_autoptr (Response) r = openrouter_request (or, "POST", "/videos",
        "application/json", create);

    fail_unless_equals_int (r->status, 202);
    id = g_strdup (str (obj (r), "id"));
    polling = g_strconcat ("/api/v1/videos/", id, NULL);
    fail_unless_equals_string (str (obj (r), "polling_url"), polling);
    fail_unless_equals_string (str (obj (r), "status"), "pending");
    fail_if (json_object_has_member (obj (r), "progress"));
    fail_if (json_object_has_member (obj (r), "object"));
  }
  {
    g_autoptr (Response) r = openrouter_request (or, "POST", "/videos",
        "application/x-www-form-urlencoded", "model=m&prompt=p");

    assert_openrouter_error (r, 400, "application/json");
  }
  {
    g_autoptr (Response) r = openrouter_request (or, "POST", "/videos",
        "application/json", "{\"model\":\"m\",\"prompt\":\"p\","
        "\"duration\":\"4\"}");

    assert_openrouter_error (r, 400, "duration");
  }
  {
    g_autoptr (Response) r = openrouter_request (or, "GET", "/videos", NULL,
        NULL);

    assert_openrouter_error (r, 404, "Invalid URL");
  }

  end = deadline_in (60);
  for (;;) {
    g_autofree gchar *path = g_strconcat ("/videos/", id, NULL);
    g_autoptr (Response) r = openrouter_request (or, "GET", path, NULL, NULL);
    const gchar *status;

    fail_unless_equals_int (r->status, 200);
    status = str (obj (r), "status");
    fail_if (json_object_has_member (obj (r), "progress"));
    fail_unless (g_str_equal (status, "pending")
        || g_str_equal (status, "in_progress")
        || g_str_equal (status, "completed"), "%s", status);
    if (g_str_equal (status, "completed")) {
      fail_unless (json_object_has_member (obj (r), "unsigned_urls"));
      break;
    }
    fail_unless (g_get_monotonic_time () < end, "never completed");
    g_usleep (50 * 1000);
  }

  content = g_strconcat ("/videos/", id, "/content", NULL);
  {
    g_autofree gchar *path = g_strconcat (content, "?index=1", NULL);
    g_autoptr (Response) r = openrouter_request (or, "GET", path, NULL, NULL);

    assert_openrouter_error (r, 400, "index");
  }
  {
    g_autofree gchar *path = g_strconcat (content, "?variant=video", NULL);
    g_autoptr (Response) r = openrouter_request (or, "GET", path, NULL, NULL);

    assert_openrouter_error (r, 400, "variant");
  }
  {
    g_autofree gchar *path = g_strconcat (content, "?index=0", NULL);
    g_autoptr (Response) r = openrouter_request (or, "GET", path, NULL, NULL);

    fail_unless_equals_int (r->status, 200);
    fail_unless_equals_string (soup_message_headers_get_content_type
        (r->headers, NULL), "video/mp4");
  }

  log = apigo_emulator_get_requests (or);
  fail_unless_equals_string (log_at (log, 0)->path, "/api/v1/videos");
  fail_unless_equals_string (log_at (log, 0)->json_body, create);
  fail_unless_equals_string (g_hash_table_lookup (log_at (log, 0)->form,
          "seed"), "7");
  fail_unless_equals_int (log_at (log, 3)->route, APIGO_EMULATOR_ROUTE_LIST);
  for (i = 1; i < log->len; i++)
    fail_unless (log_at (log, i)->json_body == NULL
        || log_at (log, i)->route == APIGO_EMULATOR_ROUTE_CREATE);
  apigo_emulator_stop (or);
}

GST_END_TEST;

GST_START_TEST (test_auth)
{
  g_autoptr (GPtrArray) log = NULL;
  const gchar *cases[][2] = {
    {NULL, NULL}, {"Authorization", "Bearer wrong"},
    {"Authorization", "Bearer "}, {"Authorization", "Basic " API_KEY},
  };
  guint i;

  g_object_set (emu, "api-key", API_KEY, NULL);
  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (SoupMessage) msg = new_message ("GET", "/videos");
    g_autoptr (Response) r = NULL;
    JsonObject *error;

    soup_message_headers_remove (soup_message_get_request_headers (msg),
        "Authorization");
    if (cases[i][0])
      soup_message_headers_replace (soup_message_get_request_headers (msg),
          cases[i][0], cases[i][1]);
    r = send_message (msg);
    assert_error (r, 401, "invalid_api_key", NULL);
    error = json_object_get_object_member (obj (r), "error");
    fail_unless_equals_string (str (error, "message"),
        "Incorrect API key provided.");
    fail_unless_equals_string (str (error, "type"), "invalid_request_error");
    fail_unless (json_object_get_null_member (error, "param"));
  }

  {
    g_autoptr (Response) r = request ("GET", "/videos");

    fail_unless_equals_int (r->status, 200);
  }

  /* Without a key set, any non-empty bearer token does. */
  g_object_set (emu, "api-key", NULL, NULL);
  {
    g_autoptr (SoupMessage) msg = new_message ("GET", "/videos");
    g_autoptr (Response) r = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Authorization", "Bearer anything");
    r = send_message (msg);
    fail_unless_equals_int (r->status, 200);
  }

  log = apigo_emulator_get_requests (emu);
  fail_unless_equals_int (log->len, 6);
  for (i = 0; i < 4; i++)
    fail_if (log_at (log, i)->authorized);
  fail_unless (log_at (log, 4)->authorized);
  fail_unless (log_at (log, 5)->authorized);
  fail_unless_equals_int (log_at (log, 0)->status, 401);

  /* Any Authorization at all, right or wrong, is "present". */
  fail_if (log_at (log, 0)->authorization_present);
  for (i = 1; i < 6; i++)
    fail_unless (log_at (log, i)->authorization_present);
  {
    g_autofree gchar *line = apigo_emulator_request_to_json (log->pdata[0]);

    fail_unless (strstr (line, "\"authorization_present\":false") != NULL);
  }
}

GST_END_TEST;

GST_START_TEST (test_not_found)
{
  const gchar *paths[][2] = {
    {"GET", "/videos/video_nope"},
    {"GET", "/videos/video_nope/content"},
    {"DELETE", "/videos/video_nope"},
    {"GET", "/videos/video_nope/nothing"},
    {"POST", "/videos/video_nope/extend"},
    {"GET", "/files"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (paths); i++) {
    g_autoptr (Response) r = request (paths[i][0], paths[i][1]);

    assert_error (r, 404, NULL, NULL);
  }
  {
    g_autoptr (Response) r = request_json ("POST", "/videos/video_nope/remix",
        "{\"prompt\": \"again\"}");

    assert_error (r, 404, "not_found", NULL);
  }
}

GST_END_TEST;

/* The model lists: OpenRouter's shape at /videos/models (no key needed),
 * OpenAI's at /models; "models" is no task id; switched off, both 404. */
GST_START_TEST (test_models)
{
  g_autoptr (Response) video = NULL;
  g_autoptr (Response) generic = request ("GET", "/models");
  g_autoptr (Response) task = request ("GET", "/videos/video_models");
  g_autoptr (Response) off = NULL;
  g_autoptr (Response) off_video = NULL;
  g_autoptr (SoupMessage) keyless = NULL;
  g_autofree gchar *url = g_strconcat (apigo_emulator_get_base_url (emu),
      "/videos/models", NULL);
  JsonArray *data;
  JsonObject *veo;

  keyless = soup_message_new ("GET", url);
  video = send_message (keyless);
  fail_unless_equals_int (video->status, 200);
  data = json_object_get_array_member (obj (video), "data");
  fail_unless_equals_int (json_array_get_length (data), 3);
  veo = json_array_get_object_element (data, 2);
  fail_unless_equals_string (str (veo, "id"), "veo-3");
  fail_unless_equals_int (json_array_get_int_element
      (json_object_get_array_member (veo, "supported_durations"), 1), 6);
  fail_unless (json_object_get_null_member (veo, "supported_sizes"));
  fail_unless_equals_string (json_array_get_string_element
      (json_object_get_array_member (veo, "supported_frame_images"), 1),
      "last_frame");
  fail_unless (json_object_get_boolean_member (veo, "generate_audio"));
  fail_unless (json_object_get_null_member (json_array_get_object_element
          (data, 0), "supported_resolutions"));

  fail_unless_equals_int (generic->status, 200);
  fail_unless_equals_string (str (obj (generic), "object"), "list");
  data = json_object_get_array_member (obj (generic), "data");
  fail_unless_equals_int (json_array_get_length (data), 3);
  fail_unless_equals_string (str (json_array_get_object_element (data, 1),
          "id"), "sora-2-pro");
  fail_unless_equals_string (str (json_array_get_object_element (data, 1),
          "object"), "model");
  fail_if (json_object_has_member (json_array_get_object_element (data, 2),
          "supported_durations"));
  assert_error (task, 404, "not_found", "video_id");
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_MODELS, "GET"), 2);

  g_object_set (emu, "models", FALSE, NULL);
  off = request ("GET", "/models");
  off_video = request ("GET", "/videos/models");
  assert_error (off, 404, "unknown_url", NULL);
  assert_error (off_video, 404, "unknown_url", NULL);
}

GST_END_TEST;

GST_START_TEST (test_content_before_completion)
{
  g_autofree gchar *id = NULL;
  g_autofree gchar *path = NULL;
  g_autoptr (Response) r = NULL;
  g_autoptr (Response) thumb = NULL;

  g_object_set (emu, "clock-held", TRUE, NULL);
  id = create_ok ("slow", "64x64", "1");
  path = task_path (id, "/content");
  r = request ("GET", path);
  assert_error (r, 404, "video_not_ready", NULL);
  g_free (path);
  path = task_path (id, "/content?variant=thumbnail");
  thumb = request ("GET", path);
  assert_error (thumb, 404, "video_not_ready", NULL);
  fail_unless_equals_int (apigo_emulator_count_completed_downloads (emu), 0);
}

GST_END_TEST;

static Response *
get_range (const gchar * id, const gchar * method, const gchar * range)
{
  g_autofree gchar *path = task_path (id, "/content");
  g_autoptr (SoupMessage) msg = new_message (method, path);

  if (range)
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Range", range);
  return send_message (msg);
}

GST_START_TEST (test_range)
{
  g_autofree gchar *id = create_ok ("ranges", "64x64", "1");
  g_autoptr (GBytes) all = NULL;
  g_autofree gchar *content_range = NULL;
  gsize total;
  Response *r;
  goffset start, end, length;

  wait_completed (id);
  all = apigo_emulator_get_content (emu, id);
  total = g_bytes_get_size (all);

  r = get_range (id, "GET", "bytes=100-199");
  fail_unless_equals_int (r->status, 206);
  fail_unless (soup_message_headers_get_content_range (r->headers, &start,
          &end, &length));
  fail_unless_equals_int64 (start, 100);
  fail_unless_equals_int64 (end, 199);
  fail_unless_equals_int64 (length, total);
  fail_unless_equals_int64 (soup_message_headers_get_content_length
      (r->headers), 100);
  fail_unless_equals_int (g_bytes_get_size (r->body), 100);
  fail_unless (memcmp (g_bytes_get_data (r->body, NULL),
          (const guint8 *) g_bytes_get_data (all, NULL) + 100, 100) == 0);
  response_free (r);

  r = get_range (id, "GET", "bytes=1000-");
  fail_unless_equals_int (r->status, 206);
  fail_unless_equals_int (g_bytes_get_size (r->body), total - 1000);
  fail_unless (memcmp (g_bytes_get_data (r->body, NULL),
          (const guint8 *) g_bytes_get_data (all, NULL) + 1000,
          total - 1000) == 0);
  response_free (r);

  r = get_range (id, "GET", "bytes=-10");
  fail_unless_equals_int (r->status, 206);
  fail_unless_equals_int (g_bytes_get_size (r->body), 10);
  response_free (r);

  /* Past the end: 416, and the total in Content-Range. */
  content_range = g_strdup_printf ("bytes=%" G_GSIZE_FORMAT "-", total);
  r = get_range (id, "GET", content_range);
  fail_unless_equals_int (r->status, 416);
  g_free (content_range);
  content_range = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT, total);
  fail_unless_equals_string (soup_message_headers_get_one (r->headers,
          "Content-Range"), content_range);
  response_free (r);

  r = get_range (id, "HEAD", NULL);
  fail_unless_equals_int (r->status, 200);
  fail_unless_equals_int64 (soup_message_headers_get_content_length
      (r->headers), total);
  fail_unless_equals_string (soup_message_headers_get_one (r->headers,
          "Accept-Ranges"), "bytes");
  fail_unless_equals_int (g_bytes_get_size (r->body), 0);
  response_free (r);

  r = get_range (id, "HEAD", "bytes=10-19");
  fail_unless_equals_int (r->status, 206);
  fail_unless_equals_int64 (soup_message_headers_get_content_length
      (r->headers), 10);
  response_free (r);

  /* Every GET body written in full counts, ranges included. */
  fail_unless_equals_int (apigo_emulator_count_completed_downloads (emu), 3);
}

GST_END_TEST;

GST_START_TEST (test_ignore_range)
{
  g_autofree gchar *id = create_ok ("no ranges here", "64x64", "1");
  g_autoptr (GBytes) all = NULL;
  g_autoptr (Response) r = NULL;

  wait_completed (id);
  all = apigo_emulator_get_content (emu, id);
  g_object_set (emu, "ignore-range", TRUE, NULL);
  r = get_range (id, "GET", "bytes=100-199");
  fail_unless_equals_int (r->status, 200);
  fail_unless (soup_message_headers_get_one (r->headers,
          "Content-Range") == NULL);
  fail_unless (g_bytes_equal (r->body, all));
}

GST_END_TEST;

GST_START_TEST (test_chunked)
{
  g_autofree gchar *id = create_ok ("chunks", SMALL_SIZE, "1");
  g_autoptr (GBytes) all = NULL;
  g_autoptr (Response) r = NULL;

  wait_completed (id);
  all = apigo_emulator_get_content (emu, id);
  g_object_set (emu, "chunked", TRUE, NULL);
  r = get_range (id, "GET", NULL);
  fail_unless_equals_int (r->status, 200);
  fail_unless_equals_int (soup_message_headers_get_encoding (r->headers),
      SOUP_ENCODING_CHUNKED);
  fail_unless (soup_message_headers_get_one (r->headers,
          "Content-Length") == NULL);
  fail_unless (g_bytes_equal (r->body, all));
  fail_unless_equals_int (apigo_emulator_count_completed_downloads (emu), 1);
}

GST_END_TEST;

/* Reads a response body by hand, to see how much came before an error. */
static gsize
read_all (const gchar * id, SoupMessage ** out_msg, GError ** error)
{
  g_autofree gchar *path = task_path (id, "/content");
  SoupMessage *msg = new_message ("GET", path);
  g_autoptr (GInputStream) in = NULL;
  guint8 buf[4096];
  gsize total = 0;
  gssize n;

  in = soup_session_send (session, msg, NULL, error);
  fail_unless (in != NULL);
  while ((n = g_input_stream_read (in, buf, sizeof (buf), NULL, error)) > 0)
    total += n;
  *out_msg = msg;
  return total;
}

GST_START_TEST (test_cut_download)
{
  g_autofree gchar *id = create_ok ("cut me", SMALL_SIZE, "1");
  g_autoptr (GBytes) all = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GPtrArray) log = NULL;
  g_autoptr (Response) again = NULL;
  gsize got;

  wait_completed (id);
  all = apigo_emulator_get_content (emu, id);
  fail_unless (g_bytes_get_size (all) > 20000);
  apigo_emulator_clear_requests (emu);

  apigo_emulator_cut_download (emu, 20000, 1);
  got = read_all (id, &msg, &error);
  fail_unless_equals_int (soup_message_get_status (msg), 200);
  /* The full length was announced, less came, and the end was unclean. */
  fail_unless_equals_int64 (soup_message_headers_get_content_length
      (soup_message_get_response_headers (msg)), g_bytes_get_size (all));
  fail_unless_equals_int (got, 20000);
  fail_unless (error != NULL, "a cut body must not end cleanly");
  fail_unless_equals_int (apigo_emulator_count_completed_downloads (emu), 0);

  /* Only one was to be cut. */
  again = get_range (id, "GET", "bytes=20000-");
  fail_unless_equals_int (again->status, 206);
  fail_unless_equals_int (g_bytes_get_size (again->body),
      g_bytes_get_size (all) - 20000);
  fail_unless_equals_int (apigo_emulator_count_completed_downloads (emu), 1);

  log = apigo_emulator_get_requests (emu);
  fail_unless_equals_int (log->len, 2);
  fail_unless_equals_int (log_at (log, 0)->status, 0);
  fail_unless_equals_int (log_at (log, 1)->status, 206);

  /* Chunked, the end is just as unclean (libsoup itself would end the
   * body properly when the connection is taken from it). */
  g_object_set (emu, "chunked", TRUE, NULL);
  apigo_emulator_cut_download (emu, 20000, 1);
  g_clear_object (&msg);
  g_clear_error (&error);
  got = read_all (id, &msg, &error);
  fail_unless_equals_int (soup_message_get_status (msg), 200);
  fail_unless_equals_int (got, 20000);
  fail_unless (error != NULL, "a cut chunked body must not end cleanly");
  fail_unless_equals_int (apigo_emulator_count_completed_downloads (emu), 1);
}

GST_END_TEST;

typedef struct
{
  const gchar *id;
  GBytes *body;
  gint64 elapsed;
  gint done;                    /* atomic */
} Download;

/* Its own session: sessions are tied to the thread that uses them. */
static gpointer
download_thread (gpointer data)
{
  Download *d = data;
  g_autoptr (SoupSession) own = new_session ();
  g_autofree gchar *url = g_strconcat (apigo_emulator_get_base_url (emu),
      "/videos/", d->id, "/content", NULL);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  gint64 start = g_get_monotonic_time ();

  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "Authorization", "Bearer " API_KEY);
  d->body = soup_session_send_and_read (own, msg, NULL, NULL);
  d->elapsed = g_get_monotonic_time () - start;
  g_atomic_int_set (&d->done, 1);
  return NULL;
}

GST_START_TEST (test_throttle)
{
  g_autofree gchar *id = create_ok ("slowly", SMALL_SIZE, "1");
  g_autoptr (GBytes) all = NULL;
  g_autoptr (Response) meanwhile = NULL;
  g_autofree gchar *path = NULL;
  Download d = { NULL, };
  GThread *thread;
  guint64 throttle;

  wait_completed (id);
  all = apigo_emulator_get_content (emu, id);
  /* About four seconds' worth, whatever the clip's size: far more than the
   * request below takes, even under valgrind on a busy machine. */
  throttle = MAX (g_bytes_get_size (all) / 4, 1);
  g_object_set (emu, "throttle", throttle, NULL);

  d.id = id;
  thread = g_thread_new ("download", download_thread, &d);
  /* The server loop is not blocked by the pacing. */
  g_usleep (100 * 1000);
  path = task_path (id, "");
  meanwhile = request ("GET", path);
  fail_unless_equals_int (meanwhile->status, 200);
  fail_if (g_atomic_int_get (&d.done), "throttled download ended early");
  g_thread_join (thread);

  fail_unless (d.body != NULL && g_bytes_equal (d.body, all));
  /* It cannot be faster than the budget (a lower bound only: never flaky). */
  fail_unless (d.elapsed >= 3.6 * G_USEC_PER_SEC, "took %" G_GINT64_FORMAT
      " us", d.elapsed);
  g_bytes_unref (d.body);
}

GST_END_TEST;

GST_START_TEST (test_idempotency)
{
  const gchar *fields[] = { "model", "sora-2", "prompt", "once", "size",
    "64x64", "seconds", "1", NULL
  };
  g_autoptr (GPtrArray) log = NULL;
  gchar *ids[2];
  guint i;

  for (i = 0; i < 2; i++) {
    g_autoptr (SoupMessage) msg = new_create_message (fields, NULL, NULL, NULL);
    g_autoptr (Response) r = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Idempotency-Key", "key-123");
    r = send_message (msg);
    fail_unless_equals_int (r->status, 200);
    ids[i] = g_strdup (str (obj (r), "id"));
  }
  fail_unless_equals_string (ids[0], ids[1]);

  fail_unless_equals_int (list_length (), 1);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, "POST"), 2);
  log = apigo_emulator_get_requests (emu);
  fail_unless_equals_string (log_at (log, 1)->idempotency_key, "key-123");
  fail_unless_equals_string (log_at (log, 1)->video_id, ids[0]);

  /* Another key, another task. */
  {
    g_autofree gchar *other = create_ok ("once", "64x64", "1");

    fail_if (g_str_equal (other, ids[0]));
  }
  g_free (ids[0]);
  g_free (ids[1]);
}

GST_END_TEST;

GST_START_TEST (test_fail_next_tasks)
{
  g_autofree gchar *first = NULL;
  g_autofree gchar *second = NULL;
  g_autofree gchar *third = NULL;
  g_autofree gchar *path = NULL;
  g_autoptr (Response) r1 = NULL;
  g_autoptr (Response) r3 = NULL;
  g_autoptr (Response) content = NULL;
  JsonObject *error;

  apigo_emulator_fail_next_tasks (emu, 1);
  first = create_ok ("doomed", "64x64", "1");
  second = create_ok ("fine", "64x64", "1");
  third = create_ok ("a [fail] prompt", "64x64", "1");

  r1 = wait_task (first, NULL);
  fail_unless_equals_string (str (obj (r1), "status"), "failed");
  error = json_object_get_object_member (obj (r1), "error");
  fail_unless (error != NULL);
  fail_unless_equals_string (str (error, "code"), "moderation_blocked");
  fail_unless_equals_string (str (error, "message"),
      "The prompt was blocked by the emulator's moderation.");
  fail_unless_equals_string (str (error, "type"), "invalid_request_error");

  wait_completed (second);
  r3 = wait_task (third, NULL);
  fail_unless_equals_string (str (obj (r3), "status"), "failed");

  path = task_path (first, "/content");
  content = request ("GET", path);
  assert_error (content, 404, NULL, NULL);
}

GST_END_TEST;

GST_START_TEST (test_fault_status)
{
  g_autofree gchar *id = create_ok ("faults", "64x64", "1");
  g_autofree gchar *path = task_path (id, "");
  Response *r;
  JsonObject *error;

  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_RETRIEVE, 429, 2);
  /* Other routes are not affected. */
  r = request ("GET", "/videos");
  fail_unless_equals_int (r->status, 200);
  response_free (r);

  r = request ("GET", path);
  assert_error (r, 429, "rate_limit_exceeded", NULL);
  fail_unless_equals_string (soup_message_headers_get_one (r->headers,
          "Retry-After"), "1");
  fail_unless_equals_string (soup_message_headers_get_one (r->headers,
          "retry-after-ms"), "200");
  response_free (r);
  r = request ("GET", path);
  fail_unless_equals_int (r->status, 429);
  response_free (r);
  r = request ("GET", path);
  fail_unless_equals_int (r->status, 200);
  response_free (r);

  /* ANY: whatever comes next. */
  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_ANY, 503, 1);
  r = request ("GET", "/videos");
  assert_error (r, 503, NULL, NULL);
  error = json_object_get_object_member (obj (r), "error");
  fail_unless_equals_string (str (error, "type"), "server_error");
  response_free (r);
  r = request ("GET", "/videos");
  fail_unless_equals_int (r->status, 200);
  response_free (r);

  /* A fault on create makes no task. */
  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_CREATE, 500, 1);
  r = create ("never made", "64x64", "1");
  assert_error (r, 500, NULL, NULL);
  response_free (r);
  fail_unless_equals_int (list_length (), 1);
}

GST_END_TEST;

GST_START_TEST (test_fault_html)
{
  g_autoptr (Response) r = NULL;
  g_autoptr (Response) ok = NULL;
  g_autofree gchar *text = NULL;

  apigo_emulator_fail_html (emu, APIGO_EMULATOR_ROUTE_CREATE, 502, 1);
  r = create ("behind a proxy", "64x64", "1");
  fail_unless_equals_int (r->status, 502);
  fail_unless_equals_string (soup_message_headers_get_content_type
      (r->headers, NULL), "text/html");
  fail_unless (r->json == NULL);
  text = g_strndup (g_bytes_get_data (r->body, NULL),
      g_bytes_get_size (r->body));
  fail_unless (strstr (text, "<html>") != NULL);
  fail_unless (strstr (text, "502") != NULL);

  ok = create ("behind a proxy", "64x64", "1");
  fail_unless_equals_int (ok->status, 200);
}

GST_END_TEST;

static const gchar *
list_id (Response * r, guint i)
{
  JsonArray *data = json_object_get_array_member (obj (r), "data");

  return str (json_array_get_object_element (data, i), "id");
}

GST_START_TEST (test_list)
{
  g_autofree gchar *a = create_ok ("first", "32x32", "1");
  g_autofree gchar *b = create_ok ("second", "32x32", "1");
  g_autofree gchar *c = create_ok ("third", "32x32", "1");
  g_autofree gchar *after = NULL;
  Response *r;
  JsonObject *o;

  r = request ("GET", "/videos");
  o = obj (r);
  fail_unless_equals_string (str (o, "object"), "list");
  fail_unless_equals_int (json_array_get_length (json_object_get_array_member
          (o, "data")), 3);
  /* Newest first by default. */
  fail_unless_equals_string (list_id (r, 0), c);
  fail_unless_equals_string (list_id (r, 2), a);
  fail_unless_equals_string (str (o, "first_id"), c);
  fail_unless_equals_string (str (o, "last_id"), a);
  fail_if (json_object_get_boolean_member (o, "has_more"));
  response_free (r);

  r = request ("GET", "/videos?order=asc&limit=2");
  o = obj (r);
  fail_unless_equals_int (json_array_get_length (json_object_get_array_member
          (o, "data")), 2);
  fail_unless_equals_string (list_id (r, 0), a);
  fail_unless_equals_string (list_id (r, 1), b);
  fail_unless (json_object_get_boolean_member (o, "has_more"));
  after = g_strdup_printf ("/videos?order=asc&limit=2&after=%s",
      str (o, "last_id"));
  response_free (r);

  r = request ("GET", after);
  o = obj (r);
  fail_unless_equals_int (json_array_get_length (json_object_get_array_member
          (o, "data")), 1);
  fail_unless_equals_string (list_id (r, 0), c);
  fail_if (json_object_get_boolean_member (o, "has_more"));
  response_free (r);

  r = request ("GET", "/videos?limit=0");
  assert_error (r, 400, "invalid_value", "limit");
  response_free (r);
  r = request ("GET", "/videos?order=sideways");
  assert_error (r, 400, "invalid_value", "order");
  response_free (r);
  r = request ("GET", "/videos?after=video_unknown");
  assert_error (r, 400, "invalid_value", "after");
  response_free (r);

  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_LIST, NULL), 6);
}

GST_END_TEST;

GST_START_TEST (test_delete)
{
  g_autofree gchar *id = create_ok ("short-lived", "32x32", "1");
  g_autofree gchar *path = task_path (id, "");
  Response *r;
  JsonObject *o;

  wait_completed (id);
  r = request ("DELETE", path);
  fail_unless_equals_int (r->status, 200);
  o = obj (r);
  fail_unless_equals_string (str (o, "id"), id);
  fail_unless_equals_string (str (o, "object"), "video.deleted");
  fail_unless (json_object_get_boolean_member (o, "deleted"));
  response_free (r);

  r = request ("GET", path);
  assert_error (r, 404, NULL, NULL);
  response_free (r);
  r = request ("DELETE", path);
  assert_error (r, 404, NULL, NULL);
  response_free (r);
  fail_unless_equals_int (list_length (), 0);
  fail_unless (apigo_emulator_get_content (emu, id) == NULL);
}

GST_END_TEST;

GST_START_TEST (test_remix)
{
  g_autofree gchar *id = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *remix_id = NULL;
  Response *r;
  JsonObject *o;

  g_object_set (emu, "generation-time", 1.0, "clock-held", TRUE, NULL);
  id = create_ok ("original", "48x32", "2");
  path = task_path (id, "/remix");

  r = request_json ("POST", path, "{\"prompt\": \"too early\"}");
  assert_error (r, 400, NULL, NULL);
  response_free (r);

  g_object_set (emu, "clock-held", FALSE, NULL);
  wait_completed (id);
  g_object_set (emu, "generation-time", 0.1, NULL);
  r = request_json ("POST", path, "{}");
  assert_error (r, 400, "missing_required_parameter", "prompt");
  response_free (r);

  r = request_json ("POST", path, "{\"prompt\": \"remixed\"}");
  fail_unless_equals_int (r->status, 200);
  o = obj (r);
  remix_id = g_strdup (str (o, "id"));
  fail_if (g_str_equal (remix_id, id));
  fail_unless_equals_string (str (o, "remixed_from_video_id"), id);
  fail_unless_equals_string (str (o, "prompt"), "remixed");
  fail_unless_equals_string (str (o, "size"), "48x32");
  fail_unless_equals_string (str (o, "seconds"), "2");
  fail_unless_equals_string (str (o, "model"), "sora-2");
  response_free (r);

  r = wait_task (remix_id, NULL);
  fail_unless_equals_string (str (obj (r), "status"), "completed");
  fail_unless_equals_string (str (obj (r), "remixed_from_video_id"), id);
  response_free (r);
}

GST_END_TEST;

GST_START_TEST (test_request_log)
{
  g_autofree gchar *id = NULL;
  g_autofree gchar *path = NULL;
  g_autoptr (GPtrArray) log = NULL;
  g_autoptr (Response) dump = NULL;
  g_autofree gchar *dump_text = NULL;
  ApigoEmulatorRequest *req;
  const gchar *fields[] = { "model", "sora-2", "prompt", "logged", "size",
    "32x32", "seconds", "1", NULL
  };

  g_object_set (emu, "api-key", API_KEY, NULL);
  {
    g_autoptr (SoupMessage) msg = new_create_message (fields, NULL, NULL, NULL);
    g_autoptr (Response) r = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "User-Agent", "emulator-test/1.0");
    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Idempotency-Key", "log-key");
    r = send_message (msg);
    fail_unless_equals_int (r->status, 200);
    id = g_strdup (str (obj (r), "id"));
  }
  wait_completed (id);
  {
    g_autoptr (Response) r = get_range (id, "GET", "bytes=0-9");

    fail_unless_equals_int (r->status, 206);
  }
  path = task_path (id, "/content?variant=thumbnail");
  {
    g_autoptr (Response) r = request ("GET", path);

    fail_unless_equals_int (r->status, 200);
    fail_unless_equals_string (soup_message_headers_get_content_type
        (r->headers, NULL), "image/jpeg");
  }

  log = apigo_emulator_get_requests (emu);
  fail_unless (log->len >= 4);
  req = log->pdata[0];
  fail_unless_equals_string (req->method, "POST");
  fail_unless_equals_string (req->path, "/v1/videos");
  fail_unless (req->query == NULL);
  fail_unless_equals_int (req->route, APIGO_EMULATOR_ROUTE_CREATE);
  fail_unless_equals_int (req->status, 200);
  fail_unless (req->authorized);
  fail_unless_equals_string (req->user_agent, "emulator-test/1.0");
  fail_unless_equals_string (req->idempotency_key, "log-key");
  fail_unless (g_str_has_prefix (req->content_type, "multipart/form-data"));
  fail_unless_equals_string (g_hash_table_lookup (req->form, "model"),
      "sora-2");
  fail_unless_equals_string (g_hash_table_lookup (req->form, "prompt"),
      "logged");
  fail_unless_equals_string (g_hash_table_lookup (req->form, "size"), "32x32");
  fail_unless_equals_string (g_hash_table_lookup (req->form, "seconds"), "1");
  fail_unless (req->file_name == NULL);
  fail_unless_equals_string (req->video_id, id);

  req = log->pdata[1];
  fail_unless_equals_int (req->route, APIGO_EMULATOR_ROUTE_RETRIEVE);
  fail_unless_equals_string (req->video_id, id);
  fail_unless (req->form == NULL);

  req = log->pdata[log->len - 2];
  fail_unless_equals_int (req->route, APIGO_EMULATOR_ROUTE_CONTENT);
  fail_unless_equals_string (req->range, "bytes=0-9");
  fail_unless_equals_int (req->status, 206);
  req = log->pdata[log->len - 1];
  fail_unless_equals_string (req->query, "variant=thumbnail");
  fail_unless (req->monotonic_time >= log_at (log, 0)->monotonic_time);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CONTENT, "GET"), 2);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CONTENT, "HEAD"), 0);

  /* Served as JSON too, without the key. */
  {
    g_autofree gchar *url = g_strdup_printf ("http://127.0.0.1:%u"
        "/_emulator/requests", apigo_emulator_get_port (emu));
    g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);

    dump = send_message (msg);
  }
  fail_unless_equals_int (dump->status, 200);
  dump_text = g_strndup (g_bytes_get_data (dump->body, NULL),
      g_bytes_get_size (dump->body));
  fail_unless (strstr (dump_text, API_KEY) == NULL);
  fail_unless (strstr (dump_text, "emulator-test/1.0") != NULL);
  fail_unless_equals_int (json_array_get_length (json_object_get_array_member
          (obj (dump), "data")), log->len);
  {
    g_autofree gchar *line = apigo_emulator_request_to_json (log->pdata[0]);

    fail_unless (strstr (line, "\"idempotency_key\":\"log-key\"") != NULL);
    fail_unless (strchr (line, '\n') == NULL);
  }

  apigo_emulator_clear_requests (emu);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);
}

GST_END_TEST;

GST_START_TEST (test_assets)
{
  g_autofree gchar *id = create_ok ("pictures", SMALL_SIZE, "1");
  g_autoptr (GBytes) thumb = NULL;
  g_autoptr (GBytes) sprites = NULL;
  const guint8 *d;

  wait_completed (id);
  thumb = download (id, "thumbnail");
  sprites = download (id, "spritesheet");
  d = g_bytes_get_data (thumb, NULL);
  fail_unless (d[0] == 0xff && d[1] == 0xd8, "thumbnail is not a JPEG");
  d = g_bytes_get_data (sprites, NULL);
  fail_unless (d[0] == 0xff && d[1] == 0xd8, "sprite sheet is not a JPEG");
  fail_if (g_bytes_equal (thumb, sprites));

  {
    g_autofree gchar *path = task_path (id, "/content?variant=poster");
    g_autoptr (Response) r = request ("GET", path);

    assert_error (r, 400, "invalid_value", "variant");
  }
}

GST_END_TEST;

GST_START_TEST (test_poll_after)
{
  g_autoptr (Response) created = NULL;
  g_autoptr (Response) polled = NULL;
  g_autoptr (Response) listed = NULL;
  g_autofree gchar *path = NULL;

  created = create ("no header", "32x32", "1");
  fail_unless (soup_message_headers_get_one (created->headers,
          "openai-poll-after-ms") == NULL);

  g_object_set (emu, "poll-after-ms", 250, NULL);
  path = task_path (str (obj (created), "id"), "");
  polled = request ("GET", path);
  fail_unless_equals_string (soup_message_headers_get_one (polled->headers,
          "openai-poll-after-ms"), "250");
  listed = request ("GET", "/videos");
  fail_unless (soup_message_headers_get_one (listed->headers,
          "openai-poll-after-ms") == NULL);
}

GST_END_TEST;

typedef struct
{
  GCancellable *cancellable;
  gint done;                    /* atomic */
  gboolean cancelled;
} Creating;

static gpointer
create_thread (gpointer data)
{
  Creating *c = data;
  g_autoptr (SoupSession) own = new_session ();
  const gchar *fields[] = { "model", "sora-2", "prompt", "held back", "size",
    "32x32", "seconds", "1", NULL
  };
  g_autoptr (SoupMessage) msg = new_create_message (fields, NULL, NULL, NULL);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg),
      "Idempotency-Key", "retry-me");
  body = soup_session_send_and_read (own, msg, c->cancellable, &error);
  c->cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_atomic_int_set (&c->done, 1);
  return NULL;
}

GST_START_TEST (test_create_delay)
{
  Creating c = { g_cancellable_new (), 0, FALSE };
  g_autoptr (Response) list = NULL;
  g_autoptr (Response) retried = NULL;
  const gchar *fields[] = { "model", "sora-2", "prompt", "held back", "size",
    "32x32", "seconds", "1", NULL
  };
  GThread *thread;
  gint64 start;

  /* Held for longer than any test runs: the client gives up first. */
  g_object_set (emu, "create-delay", 3600.0, NULL);
  thread = g_thread_new ("create", create_thread, &c);
  while (apigo_emulator_count_requests (emu, APIGO_EMULATOR_ROUTE_CREATE,
          NULL) == 0)
    g_usleep (10 * 1000);

  /* The server answers others while the create is held. */
  list = request ("GET", "/videos");
  fail_unless_equals_int (list->status, 200);
  fail_unless_equals_int (json_array_get_length (json_object_get_array_member
          (obj (list), "data")), 1);
  fail_if (g_atomic_int_get (&c.done));

  /* The client gives up; the task exists all the same... */
  g_cancellable_cancel (c.cancellable);
  g_thread_join (thread);
  fail_unless (c.cancelled);

  /* ...and a retry with the same key gets it, not a second one. */
  g_object_set (emu, "create-delay", 0.3, NULL);
  start = g_get_monotonic_time ();
  {
    g_autoptr (SoupMessage) msg = new_create_message (fields, NULL, NULL, NULL);

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Idempotency-Key", "retry-me");
    retried = send_message (msg);
  }
  fail_unless_equals_int (retried->status, 200);
  fail_unless (g_get_monotonic_time () - start >= 0.3 * G_USEC_PER_SEC);
  fail_unless_equals_string (str (obj (retried), "id"), list_id (list, 0));
  g_object_unref (c.cancellable);
}

GST_END_TEST;

GST_START_TEST (test_initial_status_pending)
{
  g_autoptr (Response) r = NULL;

  g_object_set (emu, "initial-status", "pending", "clock-held", TRUE, NULL);
  r = create ("waiting", "32x32", "1");
  fail_unless_equals_string (str (obj (r), "status"), "pending");
}

GST_END_TEST;

GST_START_TEST (test_cache_dir)
{
  g_autofree gchar *dir = g_dir_make_tmp ("emulator-cache-XXXXXX", NULL);
  g_autofree gchar *first_id = NULL;
  g_autofree gchar *second_id = NULL;
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  g_autoptr (GDir) listing = NULL;
  const gchar *name;
  guint files = 0;

  /* A stopped emulator, restarted with a cache directory. */
  apigo_emulator_stop (emu);
  fail_unless (apigo_emulator_get_base_url (emu) == NULL);
  g_object_set (emu, "cache-dir", dir, NULL);
  fail_unless (apigo_emulator_start (emu, 0, NULL));
  first_id = create_ok ("cached", "32x32", "1");
  wait_completed (first_id);
  first = apigo_emulator_get_content (emu, first_id);
  apigo_emulator_stop (emu);

  /* The next run reuses what the first rendered. */
  fail_unless (apigo_emulator_start (emu, 0, NULL));
  second_id = create_ok ("cached", "32x32", "1");
  wait_completed (second_id);
  second = apigo_emulator_get_content (emu, second_id);
  fail_unless (g_bytes_equal (first, second));
  apigo_emulator_stop (emu);

  listing = g_dir_open (dir, 0, NULL);
  while ((name = g_dir_read_name (listing))) {
    g_autofree gchar *path = g_build_filename (dir, name, NULL);

    files++;
    g_unlink (path);
  }
  fail_unless_equals_int (files, 3);
  g_rmdir (dir);
}

GST_END_TEST;

GST_START_TEST (test_stop_while_rendering)
{
  const gchar *multiplier = g_getenv ("CK_TIMEOUT_MULTIPLIER");
  /* Under valgrind, starting and stopping a render pipeline alone can take
   * minutes on a busy machine: only the native run times the stop. */
  gboolean timed = multiplier == NULL || atoi (multiplier) <= 1;
  gint64 start;
  guint i;

  g_object_set (emu, "generation-time", 0.0, NULL);
  for (i = 0; i < 3; i++) {
    g_autofree gchar *prompt = g_strdup_printf ("long %u", i);
    g_autofree gchar *id = create_ok (prompt, timed ? "1920x1080" :
        "320x180", "60");
  }
  start = g_get_monotonic_time ();
  apigo_emulator_stop (emu);
  /* Renders of a minute of 1080p are cancelled, not awaited (they would
   * take far longer than this). */
  if (timed)
    fail_unless (g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC);
  /* Restartable afterwards. */
  fail_unless (apigo_emulator_start (emu, 0, NULL));
  fail_unless (g_str_has_prefix (apigo_emulator_get_base_url (emu),
          "http://127.0.0.1:"));
}

GST_END_TEST;

/* Faults of the network, the service and the machine (second contract) */

static gsize
body_size (Response * r)
{
  return r->body ? g_bytes_get_size (r->body) : 0;
}

static const gchar *
header (Response * r, const gchar * name)
{
  return soup_message_headers_get_one (r->headers, name);
}

GST_START_TEST (test_inject_bodies)
{
  ApigoEmulatorFault json = { APIGO_EMULATOR_ROUTE_LIST, 503,
    APIGO_EMULATOR_BODY_JSON, NULL, NULL, NULL, 1
  };
  ApigoEmulatorFault html = { APIGO_EMULATOR_ROUTE_LIST, 502,
    APIGO_EMULATOR_BODY_HTML, NULL, NULL, NULL, 1
  };
  ApigoEmulatorFault empty = { APIGO_EMULATOR_ROUTE_LIST, 500,
    APIGO_EMULATOR_BODY_EMPTY, NULL, NULL, NULL, 2
  };
  g_autofree gchar *text = NULL;
  Response *r;
  guint i;

  /* Queued in order, consumed in order. */
  apigo_emulator_inject (emu, &json);
  apigo_emulator_inject (emu, &html);
  apigo_emulator_inject (emu, &empty);

  r = request ("GET", "/videos");
  assert_error (r, 503, "server_error", NULL);
  response_free (r);

  r = request ("GET", "/videos");
  fail_unless_equals_int (r->status, 502);
  fail_unless_equals_string (soup_message_headers_get_content_type
      (r->headers, NULL), "text/html");
  fail_unless (r->json == NULL);
  text = g_strndup (g_bytes_get_data (r->body, NULL), body_size (r));
  fail_unless (strstr (text, "<html>") != NULL);
  fail_unless (strstr (text, "502") != NULL);
  response_free (r);

  for (i = 0; i < 2; i++) {
    r = request ("GET", "/videos");
    fail_unless_equals_int (r->status, 500);
    fail_unless (r->error == NULL);
    fail_unless_equals_int (body_size (r), 0);
    fail_unless_equals_string (header (r, "Content-Length"), "0");
    fail_unless (header (r, "Content-Type") == NULL);
    response_free (r);
  }

  r = request ("GET", "/videos");
  fail_unless_equals_int (r->status, 200);
  response_free (r);
}

GST_END_TEST;

GST_START_TEST (test_inject_headers)
{
  /* Retry-After, retry-after-ms, x-should-retry: exactly those given. */
  const gchar *cases[][3] = {
    {NULL, NULL, NULL},
    {"2", NULL, NULL},
    {"Wed, 21 Oct 2026 07:28:00 GMT", NULL, NULL},
    {NULL, "1500", NULL},
    {NULL, NULL, "false"},
    {"3", "2500", "true"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    ApigoEmulatorFault fault = { APIGO_EMULATOR_ROUTE_LIST, 429,
      APIGO_EMULATOR_BODY_JSON, cases[i][0], cases[i][1], cases[i][2], 1
    };
    g_autoptr (Response) r = NULL;

    apigo_emulator_inject (emu, &fault);
    r = request ("GET", "/videos");
    assert_error (r, 429, "rate_limit_exceeded", NULL);
    fail_unless_equals_string (header (r, "Retry-After"), cases[i][0]);
    fail_unless_equals_string (header (r, "retry-after-ms"), cases[i][1]);
    fail_unless_equals_string (header (r, "x-should-retry"), cases[i][2]);
  }

  /* The other body kinds carry them too. */
  {
    ApigoEmulatorFault fault = { APIGO_EMULATOR_ROUTE_ANY, 503,
      APIGO_EMULATOR_BODY_EMPTY, "7", NULL, "true", 1
    };
    g_autoptr (Response) r = NULL;

    apigo_emulator_inject (emu, &fault);
    r = request ("GET", "/videos");
    fail_unless_equals_int (r->status, 503);
    fail_unless_equals_string (header (r, "Retry-After"), "7");
    fail_unless_equals_string (header (r, "x-should-retry"), "true");
    fail_unless (header (r, "retry-after-ms") == NULL);
  }
}

GST_END_TEST;

GST_START_TEST (test_drop_connections)
{
  g_autoptr (GPtrArray) log = NULL;
  g_autofree gchar *id = NULL;
  g_autofree gchar *path = NULL;
  Response *r;

  apigo_emulator_drop_connections (emu, APIGO_EMULATOR_ROUTE_CREATE, 1);
  r = create ("never made", "32x32", "1");
  fail_unless (r->error != NULL, "a dropped request got status %u", r->status);
  GST_INFO ("dropped create: %s %d: %s", g_quark_to_string (r->error->domain),
      r->error->code, r->error->message);
  fail_unless_equals_int (r->status, 0);
  response_free (r);
  fail_unless_equals_int (list_length (), 0);

  log = apigo_emulator_get_requests (emu);
  fail_unless_equals_int (log_at (log, 0)->route, APIGO_EMULATOR_ROUTE_CREATE);
  fail_unless_equals_int (log_at (log, 0)->status, 0);
  fail_unless (log_at (log, 0)->video_id == NULL);

  /* Only one; and other routes can lose theirs. */
  id = create_ok ("made", "32x32", "1");
  apigo_emulator_drop_connections (emu, APIGO_EMULATOR_ROUTE_RETRIEVE, 1);
  path = task_path (id, "");
  {
    /* A new connection: libsoup resends an idempotent request by itself
     * when a connection it had used before is closed on it. */
    g_autoptr (SoupSession) fresh = new_session ();
    g_autoptr (SoupMessage) msg = new_message ("GET", path);

    r = send_message_with (fresh, msg);
    fail_unless (r->error != NULL);
    response_free (r);
  }
  r = request ("GET", path);
  fail_unless_equals_int (r->status, 200);
  response_free (r);
  fail_unless_equals_int (list_length (), 1);
}

GST_END_TEST;

GST_START_TEST (test_drop_create_answers)
{
  const gchar *fields[] = { "model", "sora-2", "prompt", "billed", "size",
    "32x32", "seconds", "1", NULL
  };
  g_autoptr (GPtrArray) log = NULL;
  g_autoptr (Response) list = NULL;
  Response *r;
  guint i;

  apigo_emulator_drop_create_answers (emu, 1);
  for (i = 0; i < 2; i++) {
    g_autoptr (SoupMessage) msg = new_create_message (fields, NULL, NULL, NULL);

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Idempotency-Key", "lost-answer");
    r = send_message (msg);
    if (i == 0) {
      /* The client cannot tell that the task was made... */
      fail_unless (r->error != NULL, "a dropped answer came with status %u",
          r->status);
      fail_unless_equals_int (r->status, 0);
      list = request ("GET", "/videos");
      fail_unless_equals_int (json_array_get_length
          (json_object_get_array_member (obj (list), "data")), 1);
    } else {
      /* ...but a retry with the same key gets it rather than a second. */
      fail_unless_equals_int (r->status, 200);
      fail_unless_equals_string (str (obj (r), "id"), list_id (list, 0));
    }
    response_free (r);
  }
  fail_unless_equals_int (list_length (), 1);

  log = apigo_emulator_get_requests (emu);
  fail_unless_equals_int (log_at (log, 0)->route, APIGO_EMULATOR_ROUTE_CREATE);
  fail_unless_equals_int (log_at (log, 0)->status, 0);
  fail_unless_equals_string (log_at (log, 0)->video_id, list_id (list, 0));
  fail_unless_equals_string (g_hash_table_lookup (log_at (log, 0)->form,
          "prompt"), "billed");
  fail_unless_equals_int (log_at (log, 2)->status, 200);
}

GST_END_TEST;

/* The status word and progress a task has now. */
static gchar *
task_status (const gchar * id, gint * progress)
{
  g_autofree gchar *path = task_path (id, "");
  g_autoptr (Response) r = request ("GET", path);

  fail_unless_equals_int (r->status, 200);
  if (progress)
    *progress = json_object_get_int_member (obj (r), "progress");
  return g_strdup (str (obj (r), "status"));
}

/* Asserts that @id reports @status, at progress 0. */
static void
assert_status (const gchar * id, const gchar * status)
{
  gint progress;
  g_autofree gchar *now = task_status (id, &progress);

  fail_unless_equals_string (now, status);
  fail_unless_equals_int (progress, 0);
}

GST_START_TEST (test_script_course)
{
  const gchar *words[] = { "NOT_START", "processing", NULL };
  const gdouble step = 0.5, generation = 1.5;
  g_autoptr (Response) created = NULL;
  g_autoptr (Response) done = NULL;
  const gchar *id;

  /* The tasks' clock moves only when told: every word is seen, however
   * slow the polls (under valgrind, most of a second each). */
  g_object_set (emu, "clock-held", TRUE, "generation-time", generation,
      NULL);
  apigo_emulator_script_next_task (emu, words, step);
  created = create ("scripted", "32x32", "1");
  fail_unless_equals_int (created->status, 200);
  id = str (obj (created), "id");
  fail_unless_equals_string (str (obj (created), "status"), "NOT_START");
  fail_unless_equals_int (json_object_get_int_member (obj (created),
          "progress"), 0);

  /* Each word for its whole step, in turn... */
  assert_status (id, "NOT_START");
  apigo_emulator_advance_clock (emu, 0.4);
  assert_status (id, "NOT_START");
  apigo_emulator_advance_clock (emu, 0.1);
  assert_status (id, "processing");
  apigo_emulator_advance_clock (emu, 0.4);
  assert_status (id, "processing");
  apigo_emulator_advance_clock (emu, 0.1);
  /* ...then the normal course, generation-time counted from there. */
  assert_status (id, "queued");
  done = held_course (id, generation, NULL);
  fail_unless_equals_string (str (obj (done), "status"), "completed");

  /* Only the next task was scripted. */
  {
    g_autoptr (Response) r = create ("plain", "32x32", "1");

    fail_unless_equals_string (str (obj (r), "status"), "queued");
  }
}

GST_END_TEST;

GST_START_TEST (test_script_final)
{
  const gchar *cancelled[] = { "NOT_START", "cancelled", "processing", NULL };
  const gchar *failed[] = { "failed", NULL };
  g_autofree gchar *id = NULL;
  g_autofree gchar *path = NULL;
  g_autoptr (Response) content = NULL;
  guint i;

  g_object_set (emu, "clock-held", TRUE, NULL);
  apigo_emulator_script_next_task (emu, cancelled, 0.2);
  {
    g_autoptr (Response) r = create ("called off", "32x32", "1");

    fail_unless_equals_string (str (obj (r), "status"), "NOT_START");
    id = g_strdup (str (obj (r), "id"));
  }
  apigo_emulator_advance_clock (emu, 0.2);
  assert_status (id, "cancelled");

  /* Well past generation-time: the final word sticks, the rest never
   * shows. */
  for (i = 0; i < 3; i++) {
    apigo_emulator_advance_clock (emu, 10.0);
    assert_status (id, "cancelled");
  }
  path = task_path (id, "/content");
  content = request ("GET", path);
  assert_error (content, 404, "video_not_ready", NULL);
  fail_unless (apigo_emulator_get_content (emu, id) == NULL);

  /* "failed" at once, with an error as a failed task has. */
  apigo_emulator_script_next_task (emu, failed, 0.0);
  {
    g_autoptr (Response) r = create ("fails", "32x32", "1");
    JsonObject *error;

    fail_unless_equals_string (str (obj (r), "status"), "failed");
    error = json_object_get_object_member (obj (r), "error");
    fail_unless (error != NULL);
    fail_unless (str (error, "code") != NULL);
    fail_unless (str (error, "message") != NULL);
  }
}

GST_END_TEST;

GST_START_TEST (test_ignore_idempotency_key)
{
  const gchar *fields[] = { "model", "sora-2", "prompt", "twice", "size",
    "32x32", "seconds", "1", NULL
  };
  gchar *ids[2];
  guint i;

  g_object_set (emu, "ignore-idempotency-key", TRUE, NULL);
  for (i = 0; i < 2; i++) {
    g_autoptr (SoupMessage) msg = new_create_message (fields, NULL, NULL, NULL);
    g_autoptr (Response) r = NULL;

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Idempotency-Key", "same-key");
    r = send_message (msg);
    fail_unless_equals_int (r->status, 200);
    ids[i] = g_strdup (str (obj (r), "id"));
  }
  fail_if (g_str_equal (ids[0], ids[1]), "the key was honoured");
  fail_unless_equals_int (list_length (), 2);
  g_free (ids[0]);
  g_free (ids[1]);
}

GST_END_TEST;

GST_START_TEST (test_expires_in)
{
  g_autofree gchar *id = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *thumb = NULL;
  g_autoptr (Response) done = NULL;
  gint64 completed_at, expires_at;
  Response *r;

  /* Served while it has not expired: with the default hour to go, however
   * slow the machine. */
  id = create_ok ("short-lived", "32x32", "1");
  response_free (wait_task (id, NULL));
  path = task_path (id, "/content");
  r = request ("GET", path);
  fail_unless_equals_int (r->status, 200);
  response_free (r);

  /* expires-in applies to every task at once. */
  g_object_set (emu, "expires-in", 2.0, NULL);
  done = wait_task (id, NULL);
  fail_unless_equals_string (str (obj (done), "status"), "completed");
  completed_at = json_object_get_int_member (obj (done), "completed_at");
  expires_at = json_object_get_int_member (obj (done), "expires_at");
  fail_unless_equals_int64 (expires_at, completed_at + 2);

  while (g_get_real_time () <= (expires_at + 0.05) * G_USEC_PER_SEC)
    g_usleep (50 * 1000);
  r = request ("GET", path);
  assert_error (r, 404, "video_expired", "video_id");
  fail_unless (strstr (str (json_object_get_object_member (obj (r), "error"),
              "message"), "expired") != NULL);
  response_free (r);
  thumb = task_path (id, "/content?variant=thumbnail");
  r = request ("GET", thumb);
  assert_error (r, 404, "video_expired", NULL);
  response_free (r);

  /* The task itself is still completed, as on OpenAI. */
  response_free (wait_task (id, NULL));
  {
    g_autofree gchar *status = task_status (id, NULL);

    fail_unless_equals_string (status, "completed");
  }

  /* Rounded up to whole seconds; and read at each request. */
  g_object_set (emu, "expires-in", 0.5, NULL);
  r = wait_task (id, NULL);
  fail_unless_equals_int64 (json_object_get_int_member (obj (r),
          "expires_at"), completed_at + 1);
  response_free (r);
  g_object_set (emu, "expires-in", 3600.0, NULL);
  r = request ("GET", path);
  fail_unless_equals_int (r->status, 200);
  response_free (r);
}

GST_END_TEST;

/* A query parameter of @uri, or NULL. */
static gchar *
uri_param (GUri * uri, const gchar * name)
{
  g_autoptr (GHashTable) params = NULL;

  if (g_uri_get_query (uri) == NULL)
    return NULL;
  params = g_uri_parse_params (g_uri_get_query (uri), -1, "&",
      G_URI_PARAMS_NONE, NULL);
  return params ? g_strdup (g_hash_table_lookup (params, name)) : NULL;
}

/* The Location the API points a content request at. */
static gchar *
cdn_location (const gchar * id, const gchar * variant)
{
  g_autofree gchar *path = g_strconcat ("/videos/", id, "/content",
      variant ? "?variant=" : NULL, variant, NULL);
  g_autoptr (SoupMessage) msg = new_message ("GET", path);
  g_autoptr (Response) r = NULL;

  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  r = send_message (msg);
  fail_unless_equals_int (r->status, 302);
  fail_unless_equals_int (body_size (r), 0);
  fail_unless (header (r, "Location") != NULL);
  return g_strdup (header (r, "Location"));
}

/* A plain GET (or HEAD), with no Authorization unless @auth. */
static Response *
cdn_get (const gchar * url, const gchar * method, const gchar * range,
    gboolean auth)
{
  g_autoptr (SoupMessage) msg = soup_message_new (method, url);
  SoupMessageHeaders *headers;

  fail_unless (msg != NULL, "bad URL %s", url);
  headers = soup_message_get_request_headers (msg);
  if (range)
    soup_message_headers_replace (headers, "Range", range);
  if (auth)
    soup_message_headers_replace (headers, "Authorization", "Bearer " API_KEY);
  return send_message (msg);
}

GST_START_TEST (test_cdn)
{
  g_autofree gchar *id = create_ok ("delivered", "64x64", "1");
  g_autofree gchar *origin = NULL;
  g_autofree gchar *location = NULL;
  g_autofree gchar *token = NULL;
  g_autofree gchar *variant = NULL;
  g_autofree gchar *expected_path = NULL;
  g_autofree gchar *bad = NULL;
  g_autofree gchar *bare = NULL;
  g_autofree gchar *thumb = NULL;
  g_autoptr (GBytes) all = NULL;
  g_autoptr (GPtrArray) log = NULL;
  g_autoptr (GUri) uri = NULL;
  guint cdn_port = 0, n_cdn = 0, i;
  Response *r;

  fail_unless (apigo_emulator_get_cdn_origin (emu) == NULL);
  g_object_set (emu, "cdn", TRUE, NULL);
  g_object_get (emu, "cdn-port", &cdn_port, NULL);
  fail_unless (cdn_port != 0);
  fail_unless (cdn_port != apigo_emulator_get_port (emu));
  origin = g_strdup_printf ("http://127.0.0.1:%u", cdn_port);
  fail_unless_equals_string (apigo_emulator_get_cdn_origin (emu), origin);

  wait_completed (id);
  all = apigo_emulator_get_content (emu, id);
  apigo_emulator_clear_requests (emu);

  /* A redirect to another origin, with a token instead of a key. */
  location = cdn_location (id, NULL);
  uri = g_uri_parse (location, G_URI_FLAGS_ENCODED, NULL);
  fail_unless (uri != NULL, "bad Location %s", location);
  fail_unless_equals_string (g_uri_get_scheme (uri), "http");
  fail_unless_equals_string (g_uri_get_host (uri), "127.0.0.1");
  fail_unless_equals_int (g_uri_get_port (uri), cdn_port);
  expected_path = g_strconcat ("/cdn/", id, NULL);
  fail_unless_equals_string (g_uri_get_path (uri), expected_path);
  variant = uri_param (uri, "variant");
  token = uri_param (uri, "token");
  fail_unless_equals_string (variant, "video");
  fail_unless (token != NULL && strlen (token) >= 16);

  /* The CDN serves it without any key: whole, ranges, HEAD. */
  r = cdn_get (location, "GET", NULL, FALSE);
  fail_unless_equals_int (r->status, 200);
  fail_unless_equals_string (soup_message_headers_get_content_type
      (r->headers, NULL), "video/mp4");
  fail_unless (g_bytes_equal (r->body, all));
  response_free (r);
  r = cdn_get (location, "GET", "bytes=100-199", FALSE);
  fail_unless_equals_int (r->status, 206);
  fail_unless_equals_int (body_size (r), 100);
  fail_unless (memcmp (g_bytes_get_data (r->body, NULL),
          (const guint8 *) g_bytes_get_data (all, NULL) + 100, 100) == 0);
  response_free (r);
  r = cdn_get (location, "HEAD", NULL, FALSE);
  fail_unless_equals_int (r->status, 200);
  fail_unless_equals_int64 (soup_message_headers_get_content_length
      (r->headers), g_bytes_get_size (all));
  response_free (r);

  /* A client that (wrongly) sends its key along still gets it. */
  r = cdn_get (location, "GET", "bytes=0-9", TRUE);
  fail_unless_equals_int (r->status, 206);
  response_free (r);

  /* Without the right token: 403. */
  bad = g_strdup_printf ("%s/cdn/%s?variant=video&token=0123456789abcdef",
      origin, id);
  r = cdn_get (bad, "GET", NULL, TRUE);
  fail_unless_equals_int (r->status, 403);
  response_free (r);
  bare = g_strdup_printf ("%s/cdn/%s?variant=video", origin, id);
  r = cdn_get (bare, "GET", NULL, FALSE);
  fail_unless_equals_int (r->status, 403);
  response_free (r);

  /* Other variants go the same way. */
  thumb = cdn_location (id, "thumbnail");
  r = cdn_get (thumb, "GET", NULL, FALSE);
  fail_unless_equals_int (r->status, 200);
  fail_unless_equals_string (soup_message_headers_get_content_type
      (r->headers, NULL), "image/jpeg");
  response_free (r);

  /* What the emulator saw. */
  log = apigo_emulator_get_requests (emu);
  fail_unless_equals_int (log_at (log, 0)->route, APIGO_EMULATOR_ROUTE_CONTENT);
  fail_unless_equals_int (log_at (log, 0)->status, 302);
  fail_unless (log_at (log, 0)->authorization_present);
  for (i = 1; i < 5; i++) {
    ApigoEmulatorRequest *req = log_at (log, i);

    fail_unless_equals_int (req->route, APIGO_EMULATOR_ROUTE_CDN);
    fail_unless_equals_string (req->path, expected_path);
    fail_unless_equals_string (req->video_id, id);
    fail_unless_equals_int (req->authorization_present, i == 4);
  }
  fail_unless_equals_int (log_at (log, 4)->status, 206);
  fail_unless_equals_int (log_at (log, 5)->status, 403);
  fail_unless_equals_int (log_at (log, 6)->status, 403);
  for (i = 0; i < log->len; i++)
    n_cdn += log_at (log, i)->route == APIGO_EMULATOR_ROUTE_CDN;
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CDN, NULL), n_cdn);

  /* A session that follows redirects gets the content in one call. */
  {
    g_autofree gchar *path = task_path (id, "/content");

    r = request ("GET", path);
    fail_unless_equals_int (r->status, 200);
    fail_unless (g_bytes_equal (r->body, all));
    response_free (r);
  }

  /* Faults and expiry apply on the CDN too. */
  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_CDN, 503, 1);
  r = cdn_get (location, "GET", NULL, FALSE);
  fail_unless_equals_int (r->status, 503);
  response_free (r);
  g_object_set (emu, "expires-in", 0.0, NULL);
  r = cdn_get (location, "GET", NULL, FALSE);
  assert_error (r, 404, "video_expired", NULL);
  response_free (r);
}

GST_END_TEST;

static SoupSession *
new_session_trusting (const gchar * ca_file)
{
  g_autoptr (GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);
  g_autoptr (GTlsDatabase) db = NULL;
  g_autoptr (GError) error = NULL;

  db = g_tls_file_database_new (ca_file, &error);
  fail_unless (db != NULL, "%s", error ? error->message : "?");
  return soup_session_new_with_options ("proxy-resolver", direct,
      "tls-database", db, NULL);
}

GST_START_TEST (test_tls)
{
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autoptr (SoupSession) trusting = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *localhost = NULL;
  Response *r;

  certificate = g_tls_certificate_new_from_files (TLS_DATA_DIR "/server.pem",
      TLS_DATA_DIR "/server.key", &error);
  fail_unless (certificate != NULL, "%s", error ? error->message : "?");
  apigo_emulator_stop (emu);
  g_object_set (emu, "tls-certificate", certificate, NULL);
  fail_unless (apigo_emulator_start (emu, 0, NULL));
  fail_unless (g_str_has_prefix (apigo_emulator_get_base_url (emu),
          "https://127.0.0.1:"));

  /* Nothing trusts the test CA by default... */
  r = request ("GET", "/videos");
  fail_unless (r->error != NULL, "an unknown CA was accepted");
  fail_unless (r->error->domain == G_TLS_ERROR, "%s",
      g_quark_to_string (r->error->domain));
  GST_INFO ("untrusted: %s %d: %s", g_quark_to_string (r->error->domain),
      r->error->code, r->error->message);
  fail_unless_equals_int (r->status, 0);
  response_free (r);

  /* ...a client given it accepts the server, by address and by name. */
  trusting = new_session_trusting (TLS_DATA_DIR "/ca.pem");
  {
    g_autoptr (SoupMessage) msg = new_message ("GET", "/videos");

    r = send_message_with (trusting, msg);
    fail_unless (r->error == NULL, "%s", r->error ? r->error->message : "");
    fail_unless_equals_int (r->status, 200);
    response_free (r);
  }
  localhost = g_strdup_printf ("https://localhost:%u/v1/videos",
      apigo_emulator_get_port (emu));
  {
    g_autoptr (SoupMessage) msg = soup_message_new ("GET", localhost);

    soup_message_headers_replace (soup_message_get_request_headers (msg),
        "Authorization", "Bearer " API_KEY);
    r = send_message_with (trusting, msg);
    fail_unless (r->error == NULL, "%s", r->error ? r->error->message : "");
    fail_unless_equals_int (r->status, 200);
    response_free (r);
  }
}

GST_END_TEST;

GST_START_TEST (test_list_without_prompt)
{
  g_autofree gchar *id = create_ok ("not for lists", "32x32", "1");
  g_autofree gchar *path = task_path (id, "");
  JsonObject *task;
  Response *r;

  r = request ("GET", "/videos");
  task = json_array_get_object_element (json_object_get_array_member (obj (r),
          "data"), 0);
  fail_unless_equals_string (str (task, "prompt"), "not for lists");
  response_free (r);

  g_object_set (emu, "list-without-prompt", TRUE, NULL);
  r = request ("GET", "/videos");
  task = json_array_get_object_element (json_object_get_array_member (obj (r),
          "data"), 0);
  fail_unless_equals_string (str (task, "id"), id);
  fail_unless (str (task, "status") != NULL);
  fail_if (json_object_has_member (task, "prompt"));
  response_free (r);

  /* Only lists. */
  r = request ("GET", path);
  fail_unless_equals_string (str (obj (r), "prompt"), "not for lists");
  response_free (r);
}

GST_END_TEST;

/* Extensions, edits, and the switches that take endpoints away */

static gboolean
is_jpeg (GBytes * bytes)
{
  gsize size;
  const guint8 *d = g_bytes_get_data (bytes, &size);

  return size > 3 && d[0] == 0xff && d[1] == 0xd8 && d[2] == 0xff;
}

/* A completed task: the source of what follows. */
static gchar *
completed_source (const gchar * prompt, const gchar * size,
    const gchar * seconds)
{
  gchar *id = create_ok (prompt, size, seconds);

  wait_completed (id);
  return id;
}

GST_START_TEST (test_extension)
{
  g_autoptr (GArray) progress = g_array_new (FALSE, FALSE, sizeof (gint));
  g_autofree gchar *id = NULL;
  g_autofree gchar *ext_id = NULL;
  g_autoptr (Response) r = NULL;
  g_autoptr (Response) done = NULL;
  g_autoptr (GBytes) source_mp4 = NULL;
  g_autoptr (GBytes) mp4 = NULL;
  g_autoptr (GBytes) served = NULL;
  g_autoptr (GBytes) thumb = NULL;
  g_autoptr (GBytes) sprites = NULL;
  ClipInfo source_info, info;
  JsonObject *o;
  gboolean middle = FALSE;
  guint i;

  id = completed_source ("the source", "48x32", "1");
  g_object_set (emu, "generation-time", 1.0, "clock-held", TRUE, NULL);
  /* seconds as a JSON number, as the SDKs send it; model is optional. */
  r = post_json ("/videos/extensions", "{\"model\": \"sora-2-pro\", "
      "\"prompt\": \"and then\", \"seconds\": 2, \"video\": {\"id\": \"%s\"}}",
      id);
  fail_unless_equals_int (r->status, 200);
  o = obj (r);
  ext_id = g_strdup (str (o, "id"));
  fail_unless (g_str_has_prefix (ext_id, "video_"));
  fail_if (g_str_equal (ext_id, id));
  fail_unless_equals_string (str (o, "status"), "queued");
  fail_unless_equals_int (json_object_get_int_member (o, "progress"), 0);
  fail_unless_equals_string (str (o, "prompt"), "and then");
  fail_unless_equals_string (str (o, "model"), "sora-2-pro");
  fail_unless_equals_string (str (o, "size"), "48x32");
  /* The stitched length: the source's and the extension's. */
  fail_unless_equals_string (str (o, "seconds"), "3");
  fail_unless_equals_string (str (o, "extended_from_video_id"), id);
  fail_unless (json_object_get_null_member (o, "remixed_from_video_id"));
  fail_if (json_object_has_member (o, "edited_from_video_id"));
  fail_unless (json_object_get_null_member (o, "completed_at"));

  /* Not completed before generation-time. */
  done = held_course (ext_id, 1.0, progress);
  o = obj (done);
  fail_unless_equals_string (str (o, "status"), "completed");
  fail_unless_equals_string (str (o, "seconds"), "3");
  fail_unless_equals_string (str (o, "extended_from_video_id"), id);
  for (i = 0; i < progress->len; i++) {
    gint p = g_array_index (progress, gint, i);

    if (i > 0)
      fail_unless (p >= g_array_index (progress, gint, i - 1),
          "progress went down");
    if (p > 0 && p < 100)
      middle = TRUE;
  }
  fail_unless (middle, "no progress between 0 and 100 was seen");

  mp4 = download (ext_id, NULL);
  served = apigo_emulator_get_content (emu, ext_id);
  fail_unless (served != NULL && g_bytes_equal (served, mp4));
  decode_clip (mp4, &info);
  fail_unless_equals_int (info.width, 48);
  fail_unless_equals_int (info.height, 32);
  fail_unless_equals_int (info.frames, 3 * 30);
  fail_unless (info.audio, "no audio track");

  clip_info_clear (&info);

  /* The source's clip to its last frame, then another look (these two
   * prompts get different patterns). */
  source_mp4 = download (id, NULL);
  fail_if (g_bytes_equal (source_mp4, mp4));
  decode_clip_at (source_mp4, 29, &source_info);
  decode_clip_at (mp4, 30, &info);
  fail_unless_equals_int (source_info.frames, 30);
  fail_unless (frame_difference (source_info.first, info.first, 48,
          32) < 2.0, "the extension does not start as its source");
  fail_unless (frame_difference (source_info.at_mark, info.before_mark, 48,
          32) < 2.0, "the extension's first part is not its source");
  GST_INFO ("difference at the cut: %.1f", frame_difference
      (info.before_mark, info.at_mark, 48, 32));
  fail_unless (frame_difference (info.before_mark, info.at_mark, 48,
          32) > 20.0, "no cut to the extension's own part");
  clip_info_clear (&source_info);
  clip_info_clear (&info);

  thumb = download (ext_id, "thumbnail");
  sprites = download (ext_id, "spritesheet");
  fail_unless (is_jpeg (thumb), "thumbnail is not a JPEG");
  fail_unless (is_jpeg (sprites), "sprite sheet is not a JPEG");
  fail_if (g_bytes_equal (thumb, sprites));
}

GST_END_TEST;

GST_START_TEST (test_edit)
{
  g_autofree gchar *id = completed_source ("to be edited", "48x32", "2");
  g_autofree gchar *edit_id = NULL;
  g_autoptr (Response) r = NULL;
  g_autoptr (Response) done = NULL;
  g_autoptr (GBytes) mp4 = NULL;
  g_autoptr (GBytes) source_mp4 = NULL;
  g_autoptr (GBytes) sprites = NULL;
  ClipInfo info, source_info;
  JsonObject *o;

  /* An edit keeps its source's length, whatever else it is told. */
  r = post_json ("/videos/edits", "{\"prompt\": \"in blue\", \"seconds\": "
      "\"12\", \"video\": {\"id\": \"%s\"}}", id);
  fail_unless_equals_int (r->status, 200);
  o = obj (r);
  edit_id = g_strdup (str (o, "id"));
  fail_if (g_str_equal (edit_id, id));
  fail_unless_equals_string (str (o, "prompt"), "in blue");
  fail_unless_equals_string (str (o, "model"), "sora-2");
  fail_unless_equals_string (str (o, "size"), "48x32");
  fail_unless_equals_string (str (o, "seconds"), "2");
  fail_unless_equals_string (str (o, "edited_from_video_id"), id);
  fail_unless (json_object_get_null_member (o, "remixed_from_video_id"));
  fail_if (json_object_has_member (o, "extended_from_video_id"));

  done = wait_task (edit_id, NULL);
  fail_unless_equals_string (str (obj (done), "status"), "completed");
  fail_unless_equals_string (str (obj (done), "edited_from_video_id"), id);

  mp4 = download (edit_id, NULL);
  decode_clip (mp4, &info);
  fail_unless_equals_int (info.width, 48);
  fail_unless_equals_int (info.height, 32);
  fail_unless_equals_int (info.frames, 2 * 30);
  /* Made for its own prompt (these two get different patterns). */
  source_mp4 = download (id, NULL);
  decode_clip (source_mp4, &source_info);
  fail_unless (frame_difference (source_info.first, info.first, 48,
          32) > 20.0, "the edit looks like its source");
  clip_info_clear (&source_info);
  clip_info_clear (&info);
  sprites = download (edit_id, "spritesheet");
  fail_unless (is_jpeg (sprites), "sprite sheet is not a JPEG");
}

GST_END_TEST;

GST_START_TEST (test_derive_errors)
{
  const gchar *paths[] = { "/videos/extensions", "/videos/edits" };
  g_autofree gchar *id = completed_source ("errors", "32x32", "1");
  g_autofree gchar *slow_id = NULL;
  Response *r;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (paths); i++) {
    r = post_json (paths[i], "{\"prompt\": \"p\", \"seconds\": 4, "
        "\"video\": {\"id\": \"video_nope\"}}");
    assert_error (r, 404, "not_found", "video");
    response_free (r);
    r = post_json (paths[i], "{\"seconds\": 4, \"video\": {\"id\": \"%s\"}}",
        id);
    assert_error (r, 400, "missing_required_parameter", "prompt");
    response_free (r);
    r = post_json (paths[i], "{\"prompt\": \"\", \"video\": {\"id\": \"%s\"}}",
        id);
    assert_error (r, 400, "missing_required_parameter", "prompt");
    response_free (r);
    r = post_json (paths[i], "{\"prompt\": \"p\", \"seconds\": 4}");
    assert_error (r, 400, "missing_required_parameter", "video");
    response_free (r);
    r = post_json (paths[i], "{\"prompt\": \"p\", \"video\": {\"url\": "
        "\"https://example.com/clip.mp4\"}}");
    assert_error (r, 400, "unsupported_upload", "video");
    response_free (r);
  }

  /* Seconds: as for a create. */
  r = post_json (paths[0], "{\"prompt\": \"p\", \"seconds\": 61, "
      "\"video\": {\"id\": \"%s\"}}", id);
  assert_error (r, 400, "invalid_value", "seconds");
  response_free (r);
  r = post_json (paths[0], "{\"prompt\": \"p\", \"seconds\": \"0\", "
      "\"video\": {\"id\": \"%s\"}}", id);
  assert_error (r, 400, "invalid_value", "seconds");
  response_free (r);
  g_object_set (emu, "any-size", FALSE, NULL);
  r = post_json (paths[0], "{\"prompt\": \"p\", \"seconds\": \"5\", "
      "\"video\": {\"id\": \"%s\"}}", id);
  assert_error (r, 400, "invalid_value", "seconds");
  response_free (r);
  g_object_set (emu, "any-size", TRUE, NULL);

  /* Only a completed source. */
  g_object_set (emu, "clock-held", TRUE, NULL);
  slow_id = create_ok ("not yet", "32x32", "1");
  for (i = 0; i < G_N_ELEMENTS (paths); i++) {
    r = post_json (paths[i], "{\"prompt\": \"p\", \"seconds\": 4, "
        "\"video\": {\"id\": \"%s\"}}", slow_id);
    assert_error (r, 400, "video_not_ready", "video");
    response_free (r);
  }

  /* None of those made a task. */
  fail_unless_equals_int (list_length (), 2);
}

GST_END_TEST;

static void
assert_not_offered (Response * r)
{
  JsonObject *error;

  fail_unless_equals_int (r->status, 404);
  error = json_object_get_object_member (obj (r), "error");
  fail_unless (error != NULL);
  fail_unless_equals_string (str (error, "message"), "Not found");
  fail_unless_equals_string (str (error, "type"), "invalid_request_error");
  fail_unless_equals_string (str (error, "code"), "unknown_url");
  fail_unless_equals_int (json_object_get_size (error), 3);
}

GST_START_TEST (test_switches)
{
  g_autofree gchar *id = completed_source ("offered?", "32x32", "1");
  g_autofree gchar *remix_path = task_path (id, "/remix");
  gboolean remix, extensions, edits;
  Response *r;

  g_object_get (emu, "remix", &remix, "extensions", &extensions, "edits",
      &edits, NULL);
  fail_unless (remix && extensions && edits, "not all offered by default");

  g_object_set (emu, "remix", FALSE, "extensions", FALSE, "edits", FALSE,
      NULL);
  r = post_json (remix_path, "{\"prompt\": \"p\"}");
  assert_not_offered (r);
  response_free (r);
  r = post_json ("/videos/extensions", "{\"prompt\": \"p\", \"seconds\": 1, "
      "\"video\": {\"id\": \"%s\"}}", id);
  assert_not_offered (r);
  response_free (r);
  r = post_json ("/videos/edits", "{\"prompt\": \"p\", \"video\": "
      "{\"id\": \"%s\"}}", id);
  assert_not_offered (r);
  response_free (r);

  fail_unless_equals_int (list_length (), 1);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_EXTEND, "POST"), 1);

  /* Each switch alone, while running. */
  g_object_set (emu, "edits", TRUE, NULL);
  r = post_json ("/videos/edits", "{\"prompt\": \"p\", \"video\": "
      "{\"id\": \"%s\"}}", id);
  fail_unless_equals_int (r->status, 200);
  response_free (r);
  r = post_json (remix_path, "{\"prompt\": \"p\"}");
  assert_not_offered (r);
  response_free (r);
  g_object_set (emu, "remix", TRUE, "edits", FALSE, NULL);
  r = post_json (remix_path, "{\"prompt\": \"p\"}");
  fail_unless_equals_int (r->status, 200);
  response_free (r);
  r = post_json ("/videos/edits", "{\"prompt\": \"p\", \"video\": "
      "{\"id\": \"%s\"}}", id);
  assert_not_offered (r);
  response_free (r);
}

GST_END_TEST;

GST_START_TEST (test_derive_multipart)
{
  g_autofree gchar *id = completed_source ("multipart source", "32x32", "1");
  g_autofree gchar *ext_id = NULL;
  g_autofree gchar *chain_id = NULL;
  g_autoptr (GBytes) upload = g_bytes_new_static ("\0\0\0\x18" "ftypmp42",
      12);
  g_autoptr (GBytes) mp4 = NULL;
  g_autoptr (GPtrArray) log = NULL;
  const gchar *paths[] = { "/videos/extensions", "/videos/edits" };
  ApigoEmulatorRequest *req;
  Response *r;
  ClipInfo info;
  guint i;

  {
    const gchar *fields[] = { "prompt", "more", "seconds", "1", "video_id", id,
      NULL
    };

    r = post_form ("/videos/extensions", fields, NULL, NULL, NULL, NULL);
    fail_unless_equals_int (r->status, 200);
    fail_unless_equals_string (str (obj (r), "seconds"), "2");
    fail_unless_equals_string (str (obj (r), "extended_from_video_id"), id);
    ext_id = g_strdup (str (obj (r), "id"));
    response_free (r);
  }
  log = apigo_emulator_get_requests (emu);
  req = log_at (log, log->len - 1);
  fail_unless (g_str_has_prefix (req->content_type, "multipart/form-data"));
  fail_unless_equals_string (g_hash_table_lookup (req->form, "video_id"), id);
  fail_unless_equals_string (req->video_id, ext_id);
  wait_completed (ext_id);

  /* An extension of an extension: all of it, then more. */
  {
    const gchar *fields[] = { "prompt", "even more", "seconds", "1",
      "video[id]", ext_id, NULL
    };

    r = post_form ("/videos/extensions", fields, NULL, NULL, NULL, NULL);
    fail_unless_equals_int (r->status, 200);
    fail_unless_equals_string (str (obj (r), "seconds"), "3");
    fail_unless_equals_string (str (obj (r), "extended_from_video_id"),
        ext_id);
    chain_id = g_strdup (str (obj (r), "id"));
    response_free (r);
  }
  {
    const gchar *fields[] = { "prompt", "edited", "video_id", id, NULL };

    r = post_form ("/videos/edits", fields, NULL, NULL, NULL, NULL);
    fail_unless_equals_int (r->status, 200);
    fail_unless_equals_string (str (obj (r), "seconds"), "1");
    fail_unless_equals_string (str (obj (r), "edited_from_video_id"), id);
    response_free (r);
  }

  /* Uploaded videos are not taken. */
  for (i = 0; i < G_N_ELEMENTS (paths); i++) {
    const gchar *fields[] = { "prompt", "uploaded", "seconds", "1", NULL };

    r = post_form (paths[i], fields, "video", upload, "clip.mp4",
        "video/mp4");
    assert_error (r, 400, "unsupported_upload", "video");
    response_free (r);
  }

  wait_completed (chain_id);
  mp4 = download (chain_id, NULL);
  decode_clip (mp4, &info);
  fail_unless_equals_int (info.width, 32);
  fail_unless_equals_int (info.height, 32);
  fail_unless_equals_int (info.frames, 3 * 30);
  clip_info_clear (&info);
}

GST_END_TEST;

GST_START_TEST (test_derive_request_log)
{
  g_autofree gchar *id = completed_source ("routes", "32x32", "1");
  g_autofree gchar *remix_path = task_path (id, "/remix");
  g_autofree gchar *delete_path = task_path (id, "");
  g_autofree gchar *remix_id = NULL;
  g_autofree gchar *ext_id = NULL;
  g_autofree gchar *edit_id = NULL;
  g_autoptr (GPtrArray) log = NULL;
  const gchar *routes[] = { "remix", "extend", "edit", "delete" };
  ApigoEmulatorRoute expected[] = { APIGO_EMULATOR_ROUTE_REMIX,
    APIGO_EMULATOR_ROUTE_EXTEND, APIGO_EMULATOR_ROUTE_EDIT,
    APIGO_EMULATOR_ROUTE_DELETE
  };
  const gchar *ids[4];
  Response *r;
  guint i;

  apigo_emulator_clear_requests (emu);
  r = post_json (remix_path, "{\"prompt\": \"remixed\"}");
  fail_unless_equals_int (r->status, 200);
  remix_id = g_strdup (str (obj (r), "id"));
  response_free (r);
  r = post_json ("/videos/extensions", "{\"prompt\": \"extended\", "
      "\"seconds\": \"1\", \"video\": {\"id\": \"%s\"}}", id);
  fail_unless_equals_int (r->status, 200);
  ext_id = g_strdup (str (obj (r), "id"));
  response_free (r);
  r = post_json ("/videos/edits", "{\"prompt\": \"edited\", \"video\": "
      "{\"id\": \"%s\"}}", id);
  fail_unless_equals_int (r->status, 200);
  edit_id = g_strdup (str (obj (r), "id"));
  response_free (r);
  r = request ("DELETE", delete_path);
  fail_unless_equals_int (r->status, 200);
  response_free (r);

  ids[0] = remix_id;
  ids[1] = ext_id;
  ids[2] = edit_id;
  ids[3] = id;
  log = apigo_emulator_get_requests (emu);
  fail_unless_equals_int (log->len, 4);
  for (i = 0; i < 4; i++) {
    ApigoEmulatorRequest *req = log_at (log, i);
    g_autofree gchar *line = apigo_emulator_request_to_json (req);
    g_autofree gchar *route = g_strdup_printf ("\"route\":\"%s\"", routes[i]);

    fail_unless_equals_int (req->route, expected[i]);
    fail_unless_equals_int (req->status, 200);
    /* The task made (the one deleted). */
    fail_unless_equals_string (req->video_id, ids[i]);
    fail_unless (strstr (line, route) != NULL, "%s", line);
    fail_unless_equals_int (apigo_emulator_count_requests (emu, expected[i],
            NULL), 1);
  }
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_REMIX, "POST"), 1);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_DELETE, "DELETE"), 1);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_CREATE, NULL), 0);

  /* What a clip shows was settled when it was asked for: the source may
   * go. */
  wait_completed (ext_id);
}

GST_END_TEST;

GST_START_TEST (test_fault_extend)
{
  g_autofree gchar *id = completed_source ("faulty", "32x32", "1");
  g_autoptr (GPtrArray) log = NULL;
  ApigoEmulatorRequest *req;
  Response *r;
  JsonObject *error;

  apigo_emulator_fail_status (emu, APIGO_EMULATOR_ROUTE_EXTEND, 503, 1);
  /* Not on the other routes. */
  r = post_json ("/videos/edits", "{\"prompt\": \"edited\", \"video\": "
      "{\"id\": \"%s\"}}", id);
  fail_unless_equals_int (r->status, 200);
  response_free (r);

  r = post_json ("/videos/extensions", "{\"prompt\": \"extended\", "
      "\"seconds\": 1, \"video\": {\"id\": \"%s\"}}", id);
  assert_error (r, 503, NULL, NULL);
  error = json_object_get_object_member (obj (r), "error");
  fail_unless_equals_string (str (error, "type"), "server_error");
  response_free (r);

  /* Nor an answer at all. */
  apigo_emulator_drop_connections (emu, APIGO_EMULATOR_ROUTE_EXTEND, 1);
  r = post_json ("/videos/extensions", "{\"prompt\": \"extended\", "
      "\"seconds\": 1, \"video\": {\"id\": \"%s\"}}", id);
  fail_unless (r->error != NULL, "a dropped connection was answered");
  response_free (r);

  /* Neither made a task; the next one is served. */
  fail_unless_equals_int (list_length (), 2);
  r = post_json ("/videos/extensions", "{\"prompt\": \"extended\", "
      "\"seconds\": 1, \"video\": {\"id\": \"%s\"}}", id);
  fail_unless_equals_int (r->status, 200);
  response_free (r);

  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_EXTEND, "POST"), 3);
  log = apigo_emulator_get_requests (emu);
  req = log_at (log, log->len - 3);
  fail_unless_equals_int (req->route, APIGO_EMULATOR_ROUTE_EXTEND);
  fail_unless_equals_int (req->status, 0);
}

GST_END_TEST;

/* content-redirect: a ready task's video is fetched elsewhere (the
 * benchmark's big file); nothing else changes. */
GST_START_TEST (test_content_redirect)
{
  const gchar *target = "http://127.0.0.1:9/bench/big.mp4";
  g_autofree gchar *id = NULL;
  g_autofree gchar *path = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GPtrArray) log = NULL;
  g_autoptr (GBytes) thumb = NULL;
  g_autoptr (GBytes) clip = NULL;
  g_autoptr (GBytes) served = NULL;
  g_autofree gchar *value = NULL;
  Response *r;

  g_object_set (emu, "content-redirect", target, "clock-held", TRUE, NULL);
  g_object_get (emu, "content-redirect", &value, NULL);
  fail_unless_equals_string (value, target);
  id = create_ok ("elsewhere", "32x32", "1");
  path = task_path (id, "/content");

  /* Not before the task is ready. */
  r = request ("GET", path);
  assert_error (r, 404, "video_not_ready", NULL);
  response_free (r);

  g_object_set (emu, "clock-held", FALSE, NULL);
  wait_completed (id);
  msg = new_message ("GET", path);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  r = send_message (msg);
  fail_unless_equals_int (r->status, 302);
  fail_unless_equals_string (header (r, "Location"), target);
  fail_unless_equals_int (body_size (r), 0);
  response_free (r);
  log = apigo_emulator_get_requests (emu);
  fail_unless_equals_int (log_at (log, log->len - 1)->status, 302);
  fail_unless_equals_int (log_at (log, log->len - 1)->route,
      APIGO_EMULATOR_ROUTE_CONTENT);

  /* The other variants are still the emulator's own. */
  thumb = download (id, "thumbnail");
  fail_unless (g_bytes_get_size (thumb) > 0);

  /* Unset: the rendered clip again. */
  g_object_set (emu, "content-redirect", NULL, NULL);
  clip = download (id, NULL);
  served = apigo_emulator_get_content (emu, id);
  fail_unless (g_bytes_equal (clip, served));
}

GST_END_TEST;

/* x_emulator.created_monotonic and completed_monotonic: the instants on
 * the request log's clock, so that a client's delay can be measured. */
GST_START_TEST (test_completion_instants)
{
  g_autofree gchar *id = NULL;
  g_autofree gchar *path = NULL;
  g_autoptr (GPtrArray) log = NULL;
  g_autoptr (Response) first = NULL;
  g_autoptr (Response) done = NULL;
  JsonObject *x;
  gint64 before, after, created, completed;
  gboolean first_completed;

  g_object_set (emu, "generation-time", 0.5, NULL);
  before = g_get_monotonic_time ();
  id = create_ok ("when", "32x32", "1");
  path = task_path (id, "");
  first = request ("GET", path);
  after = g_get_monotonic_time ();
  x = json_object_get_object_member (obj (first), "x_emulator");
  created = json_object_get_int_member (x, "created_monotonic");
  fail_unless (created >= before && created <= after);
  first_completed = g_str_equal (str (obj (first), "status"), "completed");
  if (!first_completed)
    fail_unless (json_object_get_null_member (x, "completed_monotonic"));

  done = wait_task (id, NULL);
  after = g_get_monotonic_time ();
  fail_unless_equals_string (str (obj (done), "status"), "completed");
  x = json_object_get_object_member (obj (done), "x_emulator");
  completed = json_object_get_int_member (x, "completed_monotonic");
  fail_unless (completed >= created + G_USEC_PER_SEC / 2);
  fail_unless (completed <= after);
  fail_unless_equals_int64 (json_object_get_int_member (x,
          "created_monotonic"), created);

  /* A poll answered "not yet" arrived before that instant (the log's
   * clock); the create came first of all. */
  log = apigo_emulator_get_requests (emu);
  fail_unless_equals_int (log_at (log, 0)->route, APIGO_EMULATOR_ROUTE_CREATE);
  fail_unless (log_at (log, 0)->monotonic_time <= created);
  fail_unless_equals_int (log_at (log, 1)->route,
      APIGO_EMULATOR_ROUTE_RETRIEVE);
  if (!first_completed)
    fail_unless (log_at (log, 1)->monotonic_time < completed);
}

GST_END_TEST;

static Suite *
emulator_suite (void)
{
  Suite *s = suite_create ("emulator");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_create_poll_decode);
  tcase_add_test (tc, test_default_size);
  tcase_add_test (tc, test_faststart);
  tcase_add_test (tc, test_input_reference);
  tcase_add_test (tc, test_input_reference_json);
  tcase_add_test (tc, test_validation);
  tcase_add_test (tc, test_auth);
  tcase_add_test (tc, test_azure_dialect);
  tcase_add_test (tc, test_openrouter_dialect);
  tcase_add_test (tc, test_not_found);
  tcase_add_test (tc, test_models);
  tcase_add_test (tc, test_content_before_completion);
  tcase_add_test (tc, test_range);
  tcase_add_test (tc, test_ignore_range);
  tcase_add_test (tc, test_chunked);
  tcase_add_test (tc, test_cut_download);
  tcase_add_test (tc, test_throttle);
  tcase_add_test (tc, test_idempotency);
  tcase_add_test (tc, test_fail_next_tasks);
  tcase_add_test (tc, test_fault_status);
  tcase_add_test (tc, test_fault_html);
  tcase_add_test (tc, test_list);
  tcase_add_test (tc, test_delete);
  tcase_add_test (tc, test_remix);
  tcase_add_test (tc, test_request_log);
  tcase_add_test (tc, test_assets);
  tcase_add_test (tc, test_poll_after);
  tcase_add_test (tc, test_create_delay);
  tcase_add_test (tc, test_initial_status_pending);
  tcase_add_test (tc, test_cache_dir);
  tcase_add_test (tc, test_stop_while_rendering);
  tcase_add_test (tc, test_inject_bodies);
  tcase_add_test (tc, test_inject_headers);
  tcase_add_test (tc, test_drop_connections);
  tcase_add_test (tc, test_drop_create_answers);
  tcase_add_test (tc, test_script_course);
  tcase_add_test (tc, test_script_final);
  tcase_add_test (tc, test_ignore_idempotency_key);
  tcase_add_test (tc, test_expires_in);
  tcase_add_test (tc, test_cdn);
  tcase_add_test (tc, test_tls);
  tcase_add_test (tc, test_list_without_prompt);
  tcase_add_test (tc, test_extension);
  tcase_add_test (tc, test_edit);
  tcase_add_test (tc, test_derive_errors);
  tcase_add_test (tc, test_switches);
  tcase_add_test (tc, test_derive_multipart);
  tcase_add_test (tc, test_derive_request_log);
  tcase_add_test (tc, test_fault_extend);
  tcase_add_test (tc, test_content_redirect);
  tcase_add_test (tc, test_completion_instants);
  suite_add_tcase (s, tc);
  return s;
}

GST_CHECK_MAIN (emulator);
