/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One pipeline per clip:
 *
 *   videotestsrc num-buffers=seconds*30 ! I420 WxH @30/1 ! textoverlay (prompt)
 *     ! timeoverlay ! x264enc ! mp4mux ! filesink
 *   [audiotestsrc ! avenc_aac ! mux.]
 *
 * A pad probe after the overlays counts frames, replaces frame 0 by the
 * decoded input_reference (so the frame count stays exact) and keeps copies
 * of a few frames, from which the thumbnail and the sprite sheet are made
 * once the clip is written.
 *
 * A stitched clip (an extension: its source's parts, then the new one) is
 * the same pipeline with the length of all its parts; probes on the sources
 * switch text, pattern and tone at the first frame of each part, so that
 * the first part is frame for frame its source's clip, and the clock runs
 * on through the others.
 */

#include "emulator-render.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <gst/gst.h>
#include <gst/app/gstappsrc.h>
#include <gst/video/video.h>

#define N_TILES 8
#define TILE_COLUMNS 4
#define TILE_MAX_WIDTH 160
#define AUDIO_RATE 48000

struct _EmuRenderer
{
  GstTaskPool *pool;
};

GQuark
emu_render_error_quark (void)
{
  return g_quark_from_static_string ("emu-render-error-quark");
}

EmuRenderer *
emu_renderer_new (void)
{
  EmuRenderer *renderer = g_new0 (EmuRenderer, 1);

  renderer->pool = gst_task_pool_new ();
  gst_task_pool_prepare (renderer->pool, NULL);
  return renderer;
}

void
emu_renderer_free (EmuRenderer * renderer)
{
  gst_task_pool_cleanup (renderer->pool);
  gst_object_unref (renderer->pool);
  g_free (renderer);
}

/* Every streaming thread of our pipelines comes from our own pool. */
static GstBusSyncReply
use_own_pool (GstBus * bus, GstMessage * msg, gpointer user_data)
{
  EmuRenderer *renderer = user_data;
  GstStreamStatusType type;
  GstElement *owner;
  const GValue *task;

  if (GST_MESSAGE_TYPE (msg) != GST_MESSAGE_STREAM_STATUS)
    return GST_BUS_PASS;
  gst_message_parse_stream_status (msg, &type, &owner);
  task = gst_message_get_stream_status_object (msg);
  if (type == GST_STREAM_STATUS_TYPE_CREATE && task &&
      G_VALUE_HOLDS (task, GST_TYPE_TASK))
    gst_task_set_pool (g_value_get_object (task), renderer->pool);
  /* Dropping a message means unreffing it here. */
  gst_message_unref (msg);
  return GST_BUS_DROP;
}

static GstElement *
new_pipeline (EmuRenderer * renderer, const gchar * desc, GError ** error)
{
  g_autoptr (GError) parse_error = NULL;
  g_autoptr (GstBus) bus = NULL;
  GstElement *pipeline;

  pipeline = gst_parse_launch_full (desc, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
      &parse_error);
  if (pipeline == NULL) {
    g_set_error (error, EMU_RENDER_ERROR, EMU_RENDER_ERROR_PIPELINE,
        "Cannot build a pipeline: %s", parse_error->message);
    return NULL;
  }
  bus = gst_element_get_bus (pipeline);
  gst_bus_set_sync_handler (bus, use_own_pool, renderer, NULL);
  return pipeline;
}

static GstElement *
get_element (GstElement * pipeline, const gchar * name)
{
  return gst_bin_get_by_name (GST_BIN (pipeline), name);
}

typedef struct
{
  GstSample *reference;         /* I420 WxH first frame, or NULL */
  guint total;
  guint index;
  gint *frames_done;
  GstCaps *caps;
  GstBuffer *tiles[N_TILES];
  GstBuffer *thumbnail;
} Tap;

static void
tap_clear (Tap * tap)
{
  guint i;

  g_clear_pointer (&tap->caps, gst_caps_unref);
  for (i = 0; i < N_TILES; i++)
    gst_clear_buffer (&tap->tiles[i]);
  gst_clear_buffer (&tap->thumbnail);
}

/* Videotestsrc patterns that encode quickly; picked from the prompt so that
 * different prompts look different and identical ones render identically. */
static const gchar *const patterns[] = {
  "smpte", "ball", "smpte75", "circular", "pinwheel", "spokes", "gradient",
  "colors", "bar", "smpte100",
};

static const gchar *
part_pattern (const EmuRenderPart * part)
{
  return patterns[g_str_hash (part->text) % G_N_ELEMENTS (patterns)];
}

static guint
part_freq (const EmuRenderPart * part)
{
  return 220 + (g_str_hash (part->text) % 8) * 55;
}

guint
emu_render_spec_seconds (const EmuRenderSpec * spec)
{
  guint i, seconds = 0;

  for (i = 0; i < spec->n_parts; i++)
    seconds += spec->parts[i].seconds;
  return seconds;
}

/* textoverlay takes Pango markup: a prompt is plain text. */
static void
set_caption (GstElement * overlay, const EmuRenderPart * part)
{
  g_autofree gchar *text = g_markup_escape_text (part->text, -1);

  g_object_set (overlay, "text", text, NULL);
}

/* Switches a stitched clip to each next part: text and pattern at its first
 * frame, tone at its first audio buffer (one per frame). */
typedef struct
{
  const EmuRenderSpec *spec;
  GstElement *pattern;          /* videotestsrc */
  GstElement *overlay;          /* textoverlay */
  GstElement *tone;             /* audiotestsrc, or NULL */
  guint video_index;            /* streaming thread of pattern only */
  guint audio_index;            /* streaming thread of tone only */
} Switcher;

/* The part frame @index belongs to; @first: whether it is its first. */
static guint
part_of_frame (const EmuRenderSpec * spec, guint index, gboolean * first)
{
  guint i, start = 0;

  for (i = 0; i + 1 < spec->n_parts; i++) {
    guint frames = spec->parts[i].seconds * EMU_RENDER_FPS;

    if (index < start + frames)
      break;
    start += frames;
  }
  *first = index == start;
  return i;
}

static GstPadProbeReturn
switch_video (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Switcher *sw = user_data;
  guint index = sw->video_index++;
  gboolean first, next_first;
  guint part = part_of_frame (sw->spec, index, &first);
  guint next = part_of_frame (sw->spec, index + 1, &next_first);

  /* The overlay draws on this frame once the probe returns. */
  if (first && part > 0)
    set_caption (sw->overlay, &sw->spec->parts[part]);
  /* This frame is made already: the pattern is for the next one. */
  if (next != part)
    gst_util_set_object_arg (G_OBJECT (sw->pattern), "pattern",
        part_pattern (&sw->spec->parts[next]));
  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
switch_audio (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Switcher *sw = user_data;
  guint index = sw->audio_index++;
  gboolean first;
  guint part = part_of_frame (sw->spec, index, &first);
  guint next = part_of_frame (sw->spec, index + 1, &first);

  if (next != part)
    g_object_set (sw->tone, "freq", (gdouble) part_freq (&sw->spec->parts
            [next]), NULL);
  return GST_PAD_PROBE_OK;
}

static void
switcher_attach (Switcher * sw, GstElement * pipeline,
    const EmuRenderSpec * spec)
{
  g_autoptr (GstPad) video_pad = NULL;

  sw->spec = spec;
  sw->pattern = get_element (pipeline, "src");
  sw->overlay = get_element (pipeline, "overlay");
  sw->tone = get_element (pipeline, "tone");

  video_pad = gst_element_get_static_pad (sw->pattern, "src");
  gst_pad_add_probe (video_pad, GST_PAD_PROBE_TYPE_BUFFER, switch_video, sw,
      NULL);
  if (sw->tone) {
    g_autoptr (GstPad) audio_pad = gst_element_get_static_pad (sw->tone,
        "src");

    gst_pad_add_probe (audio_pad, GST_PAD_PROBE_TYPE_BUFFER, switch_audio,
        sw, NULL);
  }
}

static void
switcher_clear (Switcher * sw)
{
  gst_clear_object (&sw->pattern);
  gst_clear_object (&sw->overlay);
  gst_clear_object (&sw->tone);
}

static gboolean
copy_reference_frame (Tap * tap, GstPad * pad, GstBuffer * buf)
{
  GstVideoInfo dst_info, src_info;
  GstVideoFrame dst, src;
  gboolean ok;

  if (!gst_video_info_from_caps (&dst_info, tap->caps) ||
      !gst_video_info_from_caps (&src_info,
          gst_sample_get_caps (tap->reference)))
    return FALSE;

  if (!gst_video_frame_map (&dst, &dst_info, buf, GST_MAP_WRITE))
    return FALSE;
  if (!gst_video_frame_map (&src, &src_info,
          gst_sample_get_buffer (tap->reference), GST_MAP_READ)) {
    gst_video_frame_unmap (&dst);
    return FALSE;
  }
  ok = gst_video_frame_copy (&dst, &src);
  gst_video_frame_unmap (&src);
  gst_video_frame_unmap (&dst);
  return ok;
}

static GstPadProbeReturn
tap_probe (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Tap *tap = user_data;
  GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER (info);
  guint i;

  if (tap->caps == NULL)
    tap->caps = gst_pad_get_current_caps (pad);

  if (tap->index == 0 && tap->reference != NULL) {
    buf = gst_buffer_make_writable (buf);
    GST_PAD_PROBE_INFO_DATA (info) = buf;
    if (!copy_reference_frame (tap, pad, buf))
      GST_WARNING_OBJECT (pad, "could not copy the reference frame");
  }

  for (i = 0; i < N_TILES; i++) {
    if (tap->tiles[i] == NULL && tap->index == i * tap->total / N_TILES)
      tap->tiles[i] = gst_buffer_copy_deep (buf);
  }
  if (tap->thumbnail == NULL && tap->index == tap->total / 2)
    tap->thumbnail = gst_buffer_copy_deep (buf);

  tap->index++;
  if (tap->frames_done)
    g_atomic_int_set (tap->frames_done, tap->index);

  return GST_PAD_PROBE_OK;
}

/* Sets @error from an ERROR message on @bus, if any. */
static void
error_from_bus (GstBus * bus, GError ** error, gint code, const gchar * what)
{
  g_autoptr (GstMessage) msg = NULL;
  g_autoptr (GError) gerr = NULL;
  g_autofree gchar *debug = NULL;

  msg = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (msg == NULL) {
    g_set_error (error, EMU_RENDER_ERROR, code, "%s failed", what);
    return;
  }
  gst_message_parse_error (msg, &gerr, &debug);
  g_set_error (error, EMU_RENDER_ERROR, code, "%s failed: %s", what,
      gerr->message);
}

/* Runs @pipeline until EOS, an error or cancellation, and leaves it there:
 * the caller sets it to NULL (after reading the sinks' last samples). */
static gboolean
run_pipeline (GstElement * pipeline, GCancellable * cancellable, gint code,
    const gchar * what, GError ** error)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  gboolean ok = FALSE;

  if (gst_element_set_state (pipeline,
          GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
    error_from_bus (bus, error, code, what);
    return FALSE;
  }

  for (;;) {
    g_autoptr (GstMessage) msg = NULL;

    /* Wake up now and then to notice cancellation. */
    msg = gst_bus_timed_pop_filtered (bus, 50 * GST_MSECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    if (g_cancellable_set_error_if_cancelled (cancellable, error))
      break;
    if (msg == NULL)
      continue;
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_EOS) {
      ok = TRUE;
    } else {
      g_autoptr (GError) gerr = NULL;

      gst_message_parse_error (msg, &gerr, NULL);
      g_set_error (error, EMU_RENDER_ERROR, code, "%s failed: %s", what,
          gerr->message);
    }
    break;
  }
  return ok;
}

/* Pushes @buf (with @caps, if any) through "appsrc name=src ! ... !
 * fakesink name=sink" and returns the last sample that reached the sink. */
static GstSample *
filter_one (EmuRenderer * renderer, const gchar * desc, GstBuffer * buf,
    GstCaps * caps, GCancellable * cancellable, gint code,
    const gchar * what, GError ** error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) src = NULL;
  g_autoptr (GstElement) sink = NULL;
  GstSample *sample = NULL;

  pipeline = new_pipeline (renderer, desc, error);
  if (pipeline == NULL)
    return NULL;
  src = get_element (pipeline, "src");
  sink = get_element (pipeline, "sink");
  if (caps)
    g_object_set (src, "caps", caps, NULL);
  gst_app_src_push_buffer (GST_APP_SRC (src), gst_buffer_ref (buf));
  gst_app_src_end_of_stream (GST_APP_SRC (src));

  if (run_pipeline (pipeline, cancellable, code, what, error)) {
    /* The sink keeps the last buffer it got until stopped. */
    g_object_get (sink, "last-sample", &sample, NULL);
    if (sample == NULL)
      g_set_error (error, EMU_RENDER_ERROR, code, "%s: no output", what);
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);
  return sample;
}

#define LAST_SAMPLE_SINK "fakesink name=sink sync=false enable-last-sample=true"

/* Decodes the reference image into one I420 frame of exactly WxH,
 * stretched if its aspect differs. */
static GstSample *
decode_reference (EmuRenderer * renderer, GBytes * image, guint width,
    guint height, GCancellable * cancellable, GError ** error)
{
  g_autofree gchar *desc = NULL;
  g_autoptr (GstBuffer) buf = gst_buffer_new_wrapped_bytes (image);

  desc = g_strdup_printf ("appsrc name=src ! decodebin ! videoconvert ! "
      "videoscale add-borders=false ! video/x-raw,format=I420,width=%u,"
      "height=%u,pixel-aspect-ratio=1/1 ! " LAST_SAMPLE_SINK, width, height);
  return filter_one (renderer, desc, buf, NULL, cancellable,
      EMU_RENDER_ERROR_REFERENCE, "Decoding input_reference", error);
}

static GBytes *
encode_jpeg (EmuRenderer * renderer, GstBuffer * buf, GstCaps * caps,
    GError ** error)
{
  g_autoptr (GstSample) jpeg = NULL;
  GstMapInfo map;
  GBytes *bytes;

  jpeg = filter_one (renderer, "appsrc name=src ! videoconvert ! jpegenc ! "
      LAST_SAMPLE_SINK, buf, caps, NULL, EMU_RENDER_ERROR_PIPELINE,
      "Encoding a JPEG", error);
  if (jpeg == NULL)
    return NULL;
  if (!gst_buffer_map (gst_sample_get_buffer (jpeg), &map, GST_MAP_READ)) {
    g_set_error (error, EMU_RENDER_ERROR, EMU_RENDER_ERROR_PIPELINE,
        "Cannot read the JPEG");
    return NULL;
  }
  bytes = g_bytes_new (map.data, map.size);
  gst_buffer_unmap (gst_sample_get_buffer (jpeg), &map);
  return bytes;
}

/* Scales @tile into a tile-sized RGB frame and copies it, row by row, into
 * its place on the grid. */
static gboolean
draw_tile (GstVideoConverter * conv, GstVideoInfo * in_info, GstBuffer * tile,
    GstVideoFrame * scaled, GstVideoFrame * grid, guint x, guint y)
{
  GstVideoFrame in_frame;
  guint row, h = GST_VIDEO_FRAME_HEIGHT (scaled);
  gsize row_bytes = GST_VIDEO_FRAME_WIDTH (scaled) * 3;

  if (!gst_video_frame_map (&in_frame, in_info, tile, GST_MAP_READ))
    return FALSE;
  gst_video_converter_frame (conv, &in_frame, scaled);
  gst_video_frame_unmap (&in_frame);

  for (row = 0; row < h; row++) {
    guint8 *dst = (guint8 *) GST_VIDEO_FRAME_PLANE_DATA (grid, 0) +
        (y + row) * GST_VIDEO_FRAME_PLANE_STRIDE (grid, 0) + x * 3;
    const guint8 *src = (const guint8 *) GST_VIDEO_FRAME_PLANE_DATA (scaled,
        0) + row * GST_VIDEO_FRAME_PLANE_STRIDE (scaled, 0);

    memcpy (dst, src, row_bytes);
  }
  return TRUE;
}

/* A TILE_COLUMNS-wide grid of small frames, RGB, then JPEG. */
static GBytes *
make_spritesheet (EmuRenderer * renderer, Tap * tap, GError ** error)
{
  GstVideoInfo in_info, tile_info, grid_info;
  g_autoptr (GstBuffer) tile = NULL;
  g_autoptr (GstBuffer) grid = NULL;
  g_autoptr (GstCaps) grid_caps = NULL;
  GstVideoConverter *conv;
  GstVideoFrame tile_frame, grid_frame;
  guint tile_w, tile_h, rows, i;

  if (!gst_video_info_from_caps (&in_info, tap->caps)) {
    g_set_error (error, EMU_RENDER_ERROR, EMU_RENDER_ERROR_PIPELINE,
        "Unexpected frame caps");
    return NULL;
  }

  tile_w = MIN (TILE_MAX_WIDTH, GST_VIDEO_INFO_WIDTH (&in_info)) & ~1u;
  tile_h = (guint) gst_util_uint64_scale_round (tile_w,
      GST_VIDEO_INFO_HEIGHT (&in_info), GST_VIDEO_INFO_WIDTH (&in_info));
  tile_h = MAX (2, tile_h & ~1u);
  rows = (N_TILES + TILE_COLUMNS - 1) / TILE_COLUMNS;

  gst_video_info_set_format (&tile_info, GST_VIDEO_FORMAT_RGB, tile_w, tile_h);
  gst_video_info_set_format (&grid_info, GST_VIDEO_FORMAT_RGB,
      tile_w * TILE_COLUMNS, tile_h * rows);
  /* GstVideoConverter does not convert frame rates. */
  GST_VIDEO_INFO_FPS_N (&tile_info) = GST_VIDEO_INFO_FPS_N (&in_info);
  GST_VIDEO_INFO_FPS_D (&tile_info) = GST_VIDEO_INFO_FPS_D (&in_info);

  tile = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&tile_info), NULL);
  grid = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&grid_info), NULL);
  gst_buffer_memset (grid, 0, 0, GST_VIDEO_INFO_SIZE (&grid_info));
  if (!gst_video_frame_map (&tile_frame, &tile_info, tile, GST_MAP_WRITE))
    goto map_failed;
  if (!gst_video_frame_map (&grid_frame, &grid_info, grid, GST_MAP_WRITE)) {
    gst_video_frame_unmap (&tile_frame);
    goto map_failed;
  }

  conv = gst_video_converter_new (&in_info, &tile_info, NULL);
  for (i = 0; i < N_TILES; i++) {
    if (tap->tiles[i])
      draw_tile (conv, &in_info, tap->tiles[i], &tile_frame, &grid_frame,
          (i % TILE_COLUMNS) * tile_w, (i / TILE_COLUMNS) * tile_h);
  }
  gst_video_converter_free (conv);
  gst_video_frame_unmap (&grid_frame);
  gst_video_frame_unmap (&tile_frame);

  grid_caps = gst_video_info_to_caps (&grid_info);
  return encode_jpeg (renderer, grid, grid_caps, error);

map_failed:
  g_set_error (error, EMU_RENDER_ERROR, EMU_RENDER_ERROR_PIPELINE,
      "Cannot map the sprite sheet");
  return NULL;
}

static GstElement *
build_pipeline (EmuRenderer * renderer, const EmuRenderSpec * spec,
    const gchar * location, GError ** error)
{
  g_autofree gchar *desc = NULL;
  g_autofree gchar *audio = NULL;
  g_autofree gchar *font = NULL;
  g_autoptr (GstElement) src = NULL;
  g_autoptr (GstElement) overlay = NULL;
  g_autoptr (GstElement) clock = NULL;
  g_autoptr (GstElement) sink = NULL;
  GstElement *pipeline;
  const EmuRenderPart *first = &spec->parts[0];
  guint frames = emu_render_spec_seconds (spec) * EMU_RENDER_FPS;

  /* One audio buffer per video frame: both tracks end together (and a
   * stitched clip's parts start on the same buffer in both). */
  if (spec->audio)
    audio = g_strdup_printf ("audiotestsrc name=tone wave=sine freq=%u "
        "samplesperbuffer=%u num-buffers=%u ! "
        "audio/x-raw,rate=%u,channels=2 ! audioconvert ! avenc_aac ! "
        "queue ! mux.", part_freq (first), AUDIO_RATE / EMU_RENDER_FPS,
        frames, AUDIO_RATE);

  desc = g_strdup_printf ("videotestsrc name=src num-buffers=%u ! "
      "video/x-raw,format=I420,width=%u,height=%u,framerate=%u/1,"
      "pixel-aspect-ratio=1/1 ! "
      "textoverlay name=overlay valignment=center halignment=center "
      "wrap-mode=wordchar shaded-background=true ! "
      "timeoverlay name=clock halignment=right valignment=bottom "
      "shaded-background=true ! "
      "x264enc speed-preset=ultrafast tune=zerolatency key-int-max=%u ! "
      "queue ! mp4mux name=mux faststart=%s ! filesink name=sink %s",
      frames, spec->width, spec->height, EMU_RENDER_FPS, EMU_RENDER_FPS,
      spec->faststart ? "true" : "false", audio ? audio : "");

  pipeline = new_pipeline (renderer, desc, error);
  if (pipeline == NULL)
    return NULL;

  src = get_element (pipeline, "src");
  overlay = get_element (pipeline, "overlay");
  clock = get_element (pipeline, "clock");
  sink = get_element (pipeline, "sink");

  gst_util_set_object_arg (G_OBJECT (src), "pattern", part_pattern (first));
  set_caption (overlay, first);
  font = g_strdup_printf ("Sans %u", MAX (6, MIN (spec->width,
              spec->height) / 24));
  g_object_set (overlay, "font-desc", font, NULL);
  g_object_set (clock, "font-desc", font, NULL);
  g_object_set (sink, "location", location, NULL);

  return pipeline;
}

gboolean
emu_render_clip (EmuRenderer * renderer, const EmuRenderSpec * spec,
    const gchar * work_dir, GCancellable * cancellable, gint * frames_done,
    EmuRenderOutput * out, GError ** error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) last_overlay = NULL;
  g_autoptr (GstPad) pad = NULL;
  g_autofree gchar *location = NULL;
  g_autofree gchar *contents = NULL;
  gsize length;
  Tap tap = { NULL, };
  Switcher switcher = { NULL, };
  gint fd;
  guint i;
  gboolean ok = FALSE;

  g_return_val_if_fail (spec->width >= 2 && spec->height >= 2, FALSE);
  g_return_val_if_fail (spec->n_parts > 0, FALSE);
  for (i = 0; i < spec->n_parts; i++)
    g_return_val_if_fail (spec->parts[i].seconds > 0, FALSE);

  tap.total = emu_render_spec_seconds (spec) * EMU_RENDER_FPS;
  tap.frames_done = frames_done;

  if (spec->reference) {
    tap.reference = decode_reference (renderer, spec->reference, spec->width,
        spec->height, cancellable, error);
    if (tap.reference == NULL)
      return FALSE;
  }

  location = g_build_filename (work_dir, "render-XXXXXX.mp4", NULL);
  fd = g_mkstemp (location);
  if (fd < 0) {
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
        "Cannot create %s: %s", location, g_strerror (errno));
    goto done;
  }
  g_close (fd, NULL);

  pipeline = build_pipeline (renderer, spec, location, error);
  if (pipeline == NULL)
    goto done;

  /* After the overlays: frame 0 is then the reference image alone. */
  last_overlay = get_element (pipeline, "clock");
  pad = gst_element_get_static_pad (last_overlay, "src");
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, tap_probe, &tap, NULL);
  if (spec->n_parts > 1)
    switcher_attach (&switcher, pipeline, spec);

  if (!run_pipeline (pipeline, cancellable, EMU_RENDER_ERROR_PIPELINE,
          "Rendering", error)) {
    gst_element_set_state (pipeline, GST_STATE_NULL);
    goto done;
  }
  gst_element_set_state (pipeline, GST_STATE_NULL);

  if (tap.index != tap.total || tap.caps == NULL || tap.thumbnail == NULL) {
    g_set_error (error, EMU_RENDER_ERROR, EMU_RENDER_ERROR_PIPELINE,
        "Rendered %u frames instead of %u", tap.index, tap.total);
    goto done;
  }

  if (!g_file_get_contents (location, &contents, &length, error))
    goto done;
  out->video = g_bytes_new_take (g_steal_pointer (&contents), length);

  out->thumbnail = encode_jpeg (renderer, tap.thumbnail, tap.caps, error);
  if (out->thumbnail == NULL)
    goto done;
  out->spritesheet = make_spritesheet (renderer, &tap, error);
  if (out->spritesheet == NULL)
    goto done;

  ok = TRUE;

done:
  if (!ok)
    emu_render_output_clear (out);
  if (location && g_unlink (location) != 0 && errno != ENOENT)
    g_warning ("Cannot remove %s: %s", location, g_strerror (errno));
  g_clear_pointer (&tap.reference, gst_sample_unref);
  tap_clear (&tap);
  switcher_clear (&switcher);
  return ok;
}

void
emu_render_output_clear (EmuRenderOutput * out)
{
  g_clear_pointer (&out->video, g_bytes_unref);
  g_clear_pointer (&out->thumbnail, g_bytes_unref);
  g_clear_pointer (&out->spritesheet, g_bytes_unref);
}
