/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_CHANNEL_AUDIO_H__
#define __GST_APIGO_CHANNEL_AUDIO_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* The audio of apigochannel: raw S16LE interleaved, in step with its
 * video.  Video frame n carries the samples
 *   [sample (n), sample (n + 1)), sample (n) = floor (n * rate * fps_d / fps_n)
 * so that the audio never drifts from the video, whatever the rates. */

/* audio/x-raw, S16LE, interleaved, @rate, @channels (default positions). */
GstCaps *gst_apigo_channel_audio_caps (guint rate, guint channels);

/* The first sample of video frame @frame. */
guint64 gst_apigo_channel_audio_sample (guint64 frame, guint rate,
    gint fps_n, gint fps_d);

/* @n_samples of silence of @caps. */
GstBuffer *gst_apigo_channel_audio_silence (GstCaps * caps, guint n_samples);

/* A clip's decoded audio track: attached to the clip's private pipeline,
 * it adds a branch
 *   audioconvert ! audioresample ! audiorate ! capsfilter ! appsink
 * when decodebin exposes audio, whose appsink never blocks (a clip with
 * audio does not stall on it; one without has no such sink to preroll). */
typedef struct _GstApigoChannelAudioTrack GstApigoChannelAudioTrack;

/* @start: where the clip airs from (an extension airs after its source's
 * part); its audio before that is left out, to the sample. */
GstApigoChannelAudioTrack *gst_apigo_channel_audio_track_new (GstElement *
    pipeline, GstElement * decodebin, GstCaps * caps, GstClockTime start);
void gst_apigo_channel_audio_track_free (GstApigoChannelAudioTrack * track);

/* The next @n_samples of the track, waiting at most @timeout for them to
 * be decoded; silence where the track has none (no audio, its end, or
 * late: then as much of what comes late is dropped, to stay in step). */
GstBuffer *gst_apigo_channel_audio_track_take (GstApigoChannelAudioTrack *
    track, guint n_samples, GstClockTime timeout);

G_END_DECLS

#endif /* __GST_APIGO_CHANNEL_AUDIO_H__ */
