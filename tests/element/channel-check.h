/* gst-apigo: what apigochannel's output must be, checked buffer by buffer
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_CHANNEL_CHECK_H__
#define __APIGO_CHANNEL_CHECK_H__

#include "test-util.h"

G_BEGIN_DECLS

/* Watches the video and audio a channel outputs, from the handoffs of the
 * fakesinks they go to: every video frame one frame after the last, every
 * audio buffer the samples of its video frame exactly,
 *   [floor (n * rate * fps_d / fps_n), floor ((n + 1) * rate * fps_d / fps_n))
 * with its pts, duration and offsets in samples, no gap, no overlap.  The
 * streaming threads write; read what it saw once they stopped. */
typedef struct
{
  gint fps_n, fps_d;
  guint rate, channels;

  guint64 frames;               /* video frames seen */
  GstClockTime base;            /* the first frame's pts (live: not 0) */
  gint64 bad_frame;             /* the first frame out of place, or -1 */
  GstClockTime bad_pts;

  guint64 audio_buffers;        /* one per video frame */
  GstClockTime audio_base;
  gint64 bad_audio;             /* the first buffer out of place, or -1 */
  gchar *bad_audio_why;
  GByteArray *loud;             /* per audio buffer: 1 if not all silence */
  gboolean video_eos, audio_eos;
} ChannelCheck;

void channel_check_init (ChannelCheck * check, gint fps_n, gint fps_d,
    guint rate, guint channels);
void channel_check_clear (ChannelCheck * check);

/* The fakesinks (signal-handoffs=true) to watch; @audio may be NULL. */
void channel_check_watch (ChannelCheck * check, GstElement * video,
    GstElement * audio);

/* The first sample of frame @n. */
guint64 channel_check_sample (ChannelCheck * check, guint64 n);

/* Asserts what it saw: frames and audio continuous from @base (audio, if
 * @with_audio, one buffer per frame and both ended alike). */
void channel_check_assert (ChannelCheck * check, gboolean with_audio);

/* Asserts that the audio of what clips aired is their sound (all but a
 * frame or two at their edges, where AAC pads), and the audio of what the
 * fallback aired is silence; @events: the channel's apigo-channel
 * structures in order. */
void channel_check_assert_sound (ChannelCheck * check, GPtrArray * events);

/* The channel's apigo-channel structures @run saw, in order (borrowed
 * from its messages); all of them, or those of @event only. */
GPtrArray *channel_events (TestRun * run, const gchar * event);
/* Whether @s (an apigo-channel structure) is the event @event. */
gboolean channel_is_event (const GstStructure * s, const gchar * event);
/* Its guint64 field @name, which it must have. */
guint64 channel_field_u64 (const GstStructure * s, const gchar * name);

G_END_DECLS

#endif
