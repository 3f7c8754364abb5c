/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_CHANNEL_PROMPTS_H__
#define __GST_APIGO_CHANNEL_PROMPTS_H__

#include <gst/gst.h>

#include "gstapigochannelclip.h"

G_BEGIN_DECLS

/* The prompt sources of apigochannel beyond its list: the prompts file
 * (one prompt a line, re-read when it changes) and the `text` sink pad
 * (text/x-raw buffers; untimed ones join the list like add-prompt, timed
 * ones are generated at once and take the air at their running time).
 * See docs/channel.md for what the channel makes of them. */
typedef struct _GstApigoChannelPrompts GstApigoChannelPrompts;

/* Appends @prompt to the channel's list (an untimed text buffer). */
typedef void (*GstApigoChannelPromptsAdd) (gpointer user_data,
    const gchar * prompt);

/* The pad template of the `text` sink pad. */
GstStaticPadTemplate *gst_apigo_channel_prompts_text_template (void);

/* Sources for @channel, whose `text` pad it adds.  @add takes untimed
 * text; @notify (from any thread, no lock held) wakes the channel's
 * worker when a timed prompt or the end of the text stream comes. */
GstApigoChannelPrompts *gst_apigo_channel_prompts_new (GstElement * channel,
    GstApigoChannelPromptsAdd add, GstApigoChannelClipNotify notify,
    gpointer user_data);
void gst_apigo_channel_prompts_free (GstApigoChannelPrompts * p);

/* The prompts-file property. */
void gst_apigo_channel_prompts_set_file (GstApigoChannelPrompts * p,
    const gchar * path);
gchar *gst_apigo_channel_prompts_dup_file (GstApigoChannelPrompts * p);

/* Before the channel starts: reads the file (an APIGO_ERROR_INVALID_SETTING
 * naming the property when it cannot), goes back to its first line and
 * readies the text pad, which holds at most @lookahead timed prompts. */
gboolean gst_apigo_channel_prompts_start (GstApigoChannelPrompts * p,
    guint lookahead, GError ** error);
/* Stopping: the text pad's streaming thread stops waiting. */
void gst_apigo_channel_prompts_unblock (GstApigoChannelPrompts * p);
/* After the worker stopped: frees the timed clips. */
void gst_apigo_channel_prompts_stop (GstApigoChannelPrompts * p);

/* Re-reads the file if it changed (a stat; a WARNING on the channel when
 * it went away or cannot be read: its last lines stay).  The channel
 * goes on at the same line: lines appended air next.  No lock held. */
void gst_apigo_channel_prompts_refresh (GstApigoChannelPrompts * p);
/* The file's next prompt, or NULL at its end; *@origin gets the
 * clip-start fields that say where it comes from. */
gchar *gst_apigo_channel_prompts_next_line (GstApigoChannelPrompts * p,
    guint * index, GstStructure ** origin);
/* loop: back to the file's first line; FALSE when it has none. */
gboolean gst_apigo_channel_prompts_rewind (GstApigoChannelPrompts * p);

/* The first timed prompt without a clip yet (with its *@index and running
 * *@time), or NULL. */
gchar *gst_apigo_channel_prompts_next_unstarted (GstApigoChannelPrompts * p,
    guint * index, GstClockTime * time);
/* @clip (not started yet; the prompts own it then) is the one of the timed
 * prompt @index. */
void gst_apigo_channel_prompts_attach (GstApigoChannelPrompts * p,
    guint index, GstApigoChannelClip * clip);
/* The earliest timed clip if it failed, or if its running time is at
 * most @now and it is ready (the caller owns it then); NULL otherwise,
 * with *@waiting TRUE when its time has come but it is still generating. */
GstApigoChannelClip *gst_apigo_channel_prompts_take_due (GstApigoChannelPrompts
    * p, GstClockTime now, gboolean * waiting);

/* Whether nothing more will come from the file (at its end), nor from the
 * text pad (not linked, or at EOS with no timed prompt left). */
gboolean gst_apigo_channel_prompts_done (GstApigoChannelPrompts * p);

G_END_DECLS

#endif /* __GST_APIGO_CHANNEL_PROMPTS_H__ */
