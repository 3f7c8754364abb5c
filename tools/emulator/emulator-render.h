/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Renders the assets of one task with GStreamer: an H.264 MP4 clip showing
 * the prompt (or, for a stitched clip, each part's text in turn), a JPEG
 * thumbnail and a JPEG sprite sheet.  Blocking: call it from a worker
 * thread, never from the server thread.
 */

#ifndef __EMULATOR_RENDER_H__
#define __EMULATOR_RENDER_H__

#include <gio/gio.h>

G_BEGIN_DECLS

#define EMU_RENDER_FPS 30

/* @seconds of the clip showing @text over a look (pattern, tone) of its
 * own, picked from @text. */
typedef struct
{
  gchar *text;
  guint seconds;
} EmuRenderPart;

typedef struct
{
  const EmuRenderPart *parts;   /* one after the other; at least one */
  guint n_parts;
  guint width;
  guint height;
  GBytes *reference;            /* encoded image for the first frame, or NULL */
  gboolean faststart;
  gboolean audio;
} EmuRenderSpec;

/* The clip's length: all the parts'. */
guint emu_render_spec_seconds (const EmuRenderSpec * spec);

typedef struct
{
  GBytes *video;                /* video/mp4 */
  GBytes *thumbnail;            /* image/jpeg */
  GBytes *spritesheet;          /* image/jpeg */
} EmuRenderOutput;

/* Renders share a private GstTaskPool for their streaming threads, so that
 * gst_task_cleanup_all() (which GstCheck's GST_END_TEST calls while renders
 * may still run in the background) never waits for them, nor they for it. */
typedef struct _EmuRenderer EmuRenderer;

EmuRenderer *emu_renderer_new (void);
/* Only once no render is running any more. */
void emu_renderer_free (EmuRenderer * renderer);

#define EMU_RENDER_ERROR (emu_render_error_quark ())

typedef enum
{
  EMU_RENDER_ERROR_REFERENCE,   /* input_reference could not be decoded */
  EMU_RENDER_ERROR_PIPELINE,    /* GStreamer failed */
} EmuRenderError;

GQuark emu_render_error_quark (void);

/* Renders into a temporary file in @work_dir, then reads it back.
 * @frames_done (atomic, may be NULL) counts frames as they pass, for
 * progress. */
gboolean emu_render_clip (EmuRenderer * renderer, const EmuRenderSpec * spec,
    const gchar * work_dir, GCancellable * cancellable, gint * frames_done,
    EmuRenderOutput * out, GError ** error);

void emu_render_output_clear (EmuRenderOutput * out);

G_END_DECLS

#endif /* __EMULATOR_RENDER_H__ */
