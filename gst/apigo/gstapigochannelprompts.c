/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstapigochannelprompts.h"
#include "apigo-error.h"
#include "apigo-file.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

GST_DEBUG_CATEGORY_EXTERN (gst_apigo_channel_debug);
#define GST_CAT_DEFAULT gst_apigo_channel_debug

/* A prompts file is a list someone writes, not a data set: larger is a
 * mistake (a log, a video), refused rather than read into memory. */
#define MAX_FILE_SIZE (1024 * 1024)

static GstStaticPadTemplate text_template =
GST_STATIC_PAD_TEMPLATE ("text", GST_PAD_SINK, GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("text/x-raw, format = (string) { utf8, pango-markup }"));

typedef struct
{
  gchar *text;
  guint line;                   /* 1-based, as an editor shows it */
} Line;

/* A text buffer with a timestamp, in running time order. */
typedef struct
{
  gchar *text;
  guint index;                  /* the n-th timed prompt of the pad */
  GstClockTime time;            /* running time it should air at */
  GstApigoChannelClip *clip;    /* once started */
} Timed;

/* What identifies a version of the file: a rename over it changes the
 * inode, an edit in place the size or times. */
typedef struct
{
  gboolean exists;
  guint64 dev, ino, size;
  gint64 mtime_ns, ctime_ns;
} Stamp;

struct _GstApigoChannelPrompts
{
  GstElement *channel;
  GstPad *pad;
  GstApigoChannelPromptsAdd add;
  GstApigoChannelClipNotify notify;
  gpointer user_data;

  GMutex lock;
  GCond cond;
  /* The file, under lock. */
  gchar *path;
  GArray *lines;                /* of Line */
  guint next_line;
  Stamp stamp;
  /* The text pad, under lock. */
  gboolean markup;
  GstSegment segment;
  gboolean flushing, stopping, eos;
  guint lookahead;
  guint timed_count;
  GQueue timed;                 /* of Timed *, by time */
};

GstStaticPadTemplate *
gst_apigo_channel_prompts_text_template (void)
{
  return &text_template;
}

static void
line_clear (gpointer data)
{
  g_free (((Line *) data)->text);
}

static void
timed_free (Timed * t)
{
  if (t->clip != NULL)
    gst_apigo_channel_clip_free (t->clip);
  g_free (t->text);
  g_free (t);
}

/* Spaces and line breaks of a subtitle or a line become single spaces. */
static gchar *
squeeze (const gchar * text)
{
  GString *out = g_string_new (NULL);
  const gchar *c;

  for (c = text; *c != '\0'; c++) {
    if (g_ascii_isspace (*c)) {
      if (out->len > 0 && out->str[out->len - 1] != ' ')
        g_string_append_c (out, ' ');
    } else {
      g_string_append_c (out, *c);
    }
  }
  return g_strstrip (g_string_free (out, FALSE));
}

/* File */

static gboolean
stamp_equal (const Stamp * a, const Stamp * b)
{
  return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino
      && a->size == b->size && a->mtime_ns == b->mtime_ns
      && a->ctime_ns == b->ctime_ns;
}

static Stamp
stamp_of (const gchar * path)
{
  Stamp s = { 0 };
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return s;
  s.exists = TRUE;
  s.dev = st.st_dev;
  s.ino = st.st_ino;
  s.size = st.st_size;
#ifdef __linux__
  s.mtime_ns = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
      st.st_mtim.tv_nsec;
  s.ctime_ns = (gint64) st.st_ctim.tv_sec * G_GINT64_CONSTANT (1000000000) +
      st.st_ctim.tv_nsec;
#else
  s.mtime_ns = st.st_mtime;
  s.ctime_ns = st.st_ctime;
#endif
  return s;
}

/* The prompts of the file at @path: trimmed lines, neither blank nor
 * starting with '#'. */
static GArray *
read_lines (const gchar * path, GError ** error)
{
  g_autofree gchar *real = realpath (path, NULL);
  g_autofree gchar *contents = NULL, *valid = NULL;
  g_auto (GStrv) split = NULL;
  GArray *lines;
  gsize len;
  guint i;

  /* A link to the file is fine (and swapping it is an atomic edit); what
   * it ends at must be a small regular file, never a FIFO. */
  if (real == NULL) {
    g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
        "%s: %s", path, g_strerror (errno));
    return NULL;
  }
  if (!apigo_file_read_small (real, MAX_FILE_SIZE, &contents, &len, error))
    return NULL;
  valid = g_utf8_make_valid (contents, len);
  split = g_strsplit (valid, "\n", -1);
  lines = g_array_new (FALSE, FALSE, sizeof (Line));
  g_array_set_clear_func (lines, line_clear);
  for (i = 0; split[i] != NULL; i++) {
    Line line = { squeeze (split[i]), i + 1 };

    if (line.text[0] == '\0' || line.text[0] == '#')
      g_free (line.text);
    else
      g_array_append_val (lines, line);
  }
  return lines;
}

void
gst_apigo_channel_prompts_refresh (GstApigoChannelPrompts * p)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *path = NULL;
  GArray *lines = NULL;
  guint kept;
  Stamp now;

  g_mutex_lock (&p->lock);
  path = g_strdup (p->path);
  g_mutex_unlock (&p->lock);
  if (path == NULL)
    return;
  now = stamp_of (path);
  g_mutex_lock (&p->lock);
  if (stamp_equal (&now, &p->stamp)) {
    g_mutex_unlock (&p->lock);
    return;
  }
  /* Not again until it changes again. */
  p->stamp = now;
  g_mutex_unlock (&p->lock);

  if (now.exists)
    lines = read_lines (path, &error);
  g_mutex_lock (&p->lock);
  kept = p->lines->len;
  if (lines != NULL) {
    GST_DEBUG_OBJECT (p->channel, "prompts-file re-read: %u prompts, at %u",
        lines->len, p->next_line);
    g_array_unref (p->lines);
    p->lines = lines;
  }
  g_mutex_unlock (&p->lock);

  /* Unlocked: whoever handles the message may call the channel. */
  if (!now.exists)
    GST_ELEMENT_WARNING (p->channel, RESOURCE, NOT_FOUND,
        ("The prompts-file \"%s\" went away; its last %u prompts stay",
            path, kept), (NULL));
  else if (lines == NULL)
    GST_ELEMENT_WARNING (p->channel, RESOURCE, READ,
        ("Could not read the prompts-file again, its last %u prompts stay: "
            "%s", kept, error->message), (NULL));
}

gchar *
gst_apigo_channel_prompts_next_line (GstApigoChannelPrompts * p,
    guint * index, GstStructure ** origin)
{
  gchar *prompt = NULL;

  g_mutex_lock (&p->lock);
  if (p->next_line < p->lines->len) {
    Line *line = &g_array_index (p->lines, Line, p->next_line);

    prompt = g_strdup (line->text);
    *index = p->next_line++;
    *origin = gst_structure_new ("origin", "source", G_TYPE_STRING, "file",
        "line", G_TYPE_UINT, line->line, NULL);
  }
  g_mutex_unlock (&p->lock);
  return prompt;
}

gboolean
gst_apigo_channel_prompts_rewind (GstApigoChannelPrompts * p)
{
  gboolean any;

  g_mutex_lock (&p->lock);
  p->next_line = 0;
  any = p->lines->len > 0;
  g_mutex_unlock (&p->lock);
  return any;
}

void
gst_apigo_channel_prompts_set_file (GstApigoChannelPrompts * p,
    const gchar * path)
{
  g_mutex_lock (&p->lock);
  g_free (p->path);
  p->path = path != NULL && *path != '\0' ? g_strdup (path) : NULL;
  g_mutex_unlock (&p->lock);
}

gchar *
gst_apigo_channel_prompts_dup_file (GstApigoChannelPrompts * p)
{
  gchar *path;

  g_mutex_lock (&p->lock);
  path = g_strdup (p->path);
  g_mutex_unlock (&p->lock);
  return path;
}

/* The text pad */

/* Pango markup is a GMarkup subset: its text, entities decoded, without
 * the tags; as it is when it does not parse. */
static void
on_text (GMarkupParseContext * context, const gchar * text, gsize len,
    gpointer user_data, GError ** error)
{
  g_string_append_len (user_data, text, len);
}

static gchar *
strip_markup (const gchar * markup)
{
  static const GMarkupParser parser = { NULL, NULL, on_text, NULL, NULL };
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GMarkupParseContext) context =
      g_markup_parse_context_new (&parser, 0, text, NULL);

  if (g_markup_parse_context_parse (context, "<m>", -1, NULL)
      && g_markup_parse_context_parse (context, markup, -1, NULL)
      && g_markup_parse_context_parse (context, "</m>", -1, NULL)
      && g_markup_parse_context_end_parse (context, NULL))
    return g_strdup (text->str);
  return g_strdup (markup);
}

static gint
by_time (gconstpointer a, gconstpointer b, gpointer user_data)
{
  GstClockTime ta = ((const Timed *) a)->time, tb = ((const Timed *) b)->time;

  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

/* Holds the streaming thread while the timed prompts are as many as the
 * channel generates ahead: never for ever, a flush or stop ends it. */
static GstFlowReturn
add_timed (GstApigoChannelPrompts * p, gchar * text, GstClockTime time)
{
  Timed *t;

  g_mutex_lock (&p->lock);
  while (!p->flushing && !p->stopping && p->timed.length >= p->lookahead)
    g_cond_wait (&p->cond, &p->lock);
  if (p->flushing || p->stopping) {
    g_mutex_unlock (&p->lock);
    g_free (text);
    return GST_FLOW_FLUSHING;
  }
  t = g_new0 (Timed, 1);
  t->text = text;
  t->time = time;
  t->index = p->timed_count++;
  g_queue_insert_sorted (&p->timed, t, by_time, NULL);
  GST_DEBUG_OBJECT (p->channel, "timed prompt %u at %" GST_TIME_FORMAT
      ": %s", t->index, GST_TIME_ARGS (time), text);
  g_mutex_unlock (&p->lock);
  p->notify (p->user_data);
  return GST_FLOW_OK;
}

static GstFlowReturn
text_chain (GstPad * pad, GstObject * parent, GstBuffer * buffer)
{
  GstApigoChannelPrompts *p = gst_pad_get_element_private (pad);
  g_autofree gchar *raw = NULL, *plain = NULL;
  gchar *text;
  GstClockTime time = GST_CLOCK_TIME_NONE;
  gboolean markup;
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ)) {
    gst_buffer_unref (buffer);
    return GST_FLOW_ERROR;
  }
  raw = g_utf8_make_valid ((const gchar *) map.data, map.size);
  gst_buffer_unmap (buffer, &map);

  g_mutex_lock (&p->lock);
  markup = p->markup;
  if (GST_BUFFER_PTS_IS_VALID (buffer) && p->segment.format == GST_FORMAT_TIME)
    time = gst_segment_to_running_time (&p->segment, GST_FORMAT_TIME,
        GST_BUFFER_PTS (buffer));
  g_mutex_unlock (&p->lock);
  gst_buffer_unref (buffer);

  plain = markup ? strip_markup (raw) : g_strdup (raw);
  text = squeeze (plain);
  if (*text == '\0') {
    g_free (text);
    return GST_FLOW_OK;
  }
  if (GST_CLOCK_TIME_IS_VALID (time))
    return add_timed (p, text, time);
  p->add (p->user_data, text);
  g_free (text);
  return GST_FLOW_OK;
}

/* Nothing goes on to the video pad: every event ends here. */
static gboolean
text_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstApigoChannelPrompts *p = gst_pad_get_element_private (pad);
  gboolean wake = FALSE;

  g_mutex_lock (&p->lock);
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:{
      GstCaps *caps;

      gst_event_parse_caps (event, &caps);
      p->markup = g_strcmp0 (gst_structure_get_string (gst_caps_get_structure
              (caps, 0), "format"), "pango-markup") == 0;
      break;
    }
    case GST_EVENT_SEGMENT:
      gst_event_copy_segment (event, &p->segment);
      break;
    case GST_EVENT_STREAM_START:
      p->eos = FALSE;
      break;
    case GST_EVENT_FLUSH_START:
      p->flushing = TRUE;
      g_cond_broadcast (&p->cond);
      break;
    case GST_EVENT_FLUSH_STOP:
      p->flushing = FALSE;
      p->eos = FALSE;
      gst_segment_init (&p->segment, GST_FORMAT_TIME);
      break;
    case GST_EVENT_EOS:
      p->eos = TRUE;
      wake = TRUE;
      break;
    default:
      break;
  }
  g_mutex_unlock (&p->lock);
  gst_event_unref (event);
  if (wake)
    p->notify (p->user_data);
  return TRUE;
}

/* Caps from the template; nothing is asked of the video side. */
static gboolean
text_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:
    case GST_QUERY_ACCEPT_CAPS:
      return gst_pad_query_default (pad, parent, query);
    default:
      return FALSE;
  }
}

static GstIterator *
no_internal_links (GstPad * pad, GstObject * parent)
{
  return NULL;
}

GstApigoChannelPrompts *
gst_apigo_channel_prompts_new (GstElement * channel,
    GstApigoChannelPromptsAdd add, GstApigoChannelClipNotify notify,
    gpointer user_data)
{
  GstApigoChannelPrompts *p = g_new0 (GstApigoChannelPrompts, 1);

  p->channel = channel;
  p->add = add;
  p->notify = notify;
  p->user_data = user_data;
  g_mutex_init (&p->lock);
  g_cond_init (&p->cond);
  p->lines = g_array_new (FALSE, FALSE, sizeof (Line));
  g_array_set_clear_func (p->lines, line_clear);
  g_queue_init (&p->timed);
  gst_segment_init (&p->segment, GST_FORMAT_TIME);

  p->pad = gst_pad_new_from_static_template (&text_template, "text");
  gst_pad_set_element_private (p->pad, p);
  gst_pad_set_chain_function (p->pad, text_chain);
  gst_pad_set_event_function (p->pad, text_event);
  gst_pad_set_query_function (p->pad, text_query);
  gst_pad_set_iterate_internal_links_function (p->pad, no_internal_links);
  gst_element_add_pad (channel, p->pad);
  return p;
}

void
gst_apigo_channel_prompts_free (GstApigoChannelPrompts * p)
{
  gst_apigo_channel_prompts_stop (p);
  g_array_unref (p->lines);
  g_free (p->path);
  g_mutex_clear (&p->lock);
  g_cond_clear (&p->cond);
  g_free (p);
}

gboolean
gst_apigo_channel_prompts_start (GstApigoChannelPrompts * p,
    guint lookahead, GError ** error)
{
  g_autoptr (GError) read_error = NULL;
  gboolean ok = TRUE;

  g_mutex_lock (&p->lock);
  p->next_line = 0;
  g_array_set_size (p->lines, 0);
  p->stamp = (Stamp) {
  0};
  if (p->path != NULL) {
    Stamp stamp = stamp_of (p->path);
    GArray *lines = read_lines (p->path, &read_error);

    if (lines != NULL) {
      g_array_unref (p->lines);
      p->lines = lines;
      p->stamp = stamp;
    } else {
      g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
          "prompts-file property: cannot read the prompts: %s",
          read_error->message);
      ok = FALSE;
    }
  }
  p->lookahead = lookahead;
  p->stopping = FALSE;
  p->flushing = FALSE;
  p->eos = FALSE;
  p->timed_count = 0;
  gst_segment_init (&p->segment, GST_FORMAT_TIME);
  g_mutex_unlock (&p->lock);
  return ok;
}

void
gst_apigo_channel_prompts_unblock (GstApigoChannelPrompts * p)
{
  g_mutex_lock (&p->lock);
  p->stopping = TRUE;
  g_cond_broadcast (&p->cond);
  g_mutex_unlock (&p->lock);
}

void
gst_apigo_channel_prompts_stop (GstApigoChannelPrompts * p)
{
  GQueue timed;

  g_mutex_lock (&p->lock);
  timed = p->timed;
  g_queue_init (&p->timed);
  g_mutex_unlock (&p->lock);
  /* Unlocked: a clip's pipeline goes down, its handler may notify. */
  g_queue_clear_full (&timed, (GDestroyNotify) timed_free);
}

gchar *
gst_apigo_channel_prompts_next_unstarted (GstApigoChannelPrompts * p,
    guint * index, GstClockTime * time)
{
  gchar *text = NULL;
  GList *l;

  g_mutex_lock (&p->lock);
  for (l = p->timed.head; l != NULL; l = l->next) {
    Timed *t = l->data;

    if (t->clip == NULL) {
      text = g_strdup (t->text);
      *time = t->time;
      *index = t->index;
      break;
    }
  }
  g_mutex_unlock (&p->lock);
  return text;
}

void
gst_apigo_channel_prompts_attach (GstApigoChannelPrompts * p, guint index,
    GstApigoChannelClip * clip)
{
  GList *l;

  g_mutex_lock (&p->lock);
  for (l = p->timed.head; l != NULL; l = l->next)
    if (((Timed *) l->data)->index == index)
      ((Timed *) l->data)->clip = clip;
  g_mutex_unlock (&p->lock);
}

GstApigoChannelClip *
gst_apigo_channel_prompts_take_due (GstApigoChannelPrompts * p,
    GstClockTime now, gboolean * waiting)
{
  GstApigoChannelClip *clip = NULL;
  Timed *t;

  *waiting = FALSE;
  g_mutex_lock (&p->lock);
  t = g_queue_peek_head (&p->timed);
  if (t != NULL && t->clip != NULL) {
    GstApigoChannelClipState state =
        gst_apigo_channel_clip_get_state (t->clip);

    /* A failed one goes at once (its warning too): it frees room. */
    if (state == GST_APIGO_CHANNEL_CLIP_PENDING || (t->time > now
            && state == GST_APIGO_CHANNEL_CLIP_READY)) {
      *waiting = state == GST_APIGO_CHANNEL_CLIP_PENDING && t->time <= now;
    } else {
      g_queue_pop_head (&p->timed);
      clip = g_steal_pointer (&t->clip);
      timed_free (t);
      /* Room for the next one on the pad. */
      g_cond_broadcast (&p->cond);
    }
  }
  g_mutex_unlock (&p->lock);
  return clip;
}

gboolean
gst_apigo_channel_prompts_done (GstApigoChannelPrompts * p)
{
  gboolean done;

  g_mutex_lock (&p->lock);
  done = p->next_line >= p->lines->len && p->timed.length == 0
      && (p->eos || !gst_pad_is_linked (p->pad));
  g_mutex_unlock (&p->lock);
  return done;
}
