/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_JOB_SETTINGS_H__
#define __APIGO_JOB_SETTINGS_H__

#include <glib.h>

G_BEGIN_DECLS

/* An image a create carries besides the input reference, under its own
 * field name (the images property). */
typedef struct
{
  gchar *name;                  /* the form field: "last_frame" */
  GBytes *data;
  gchar *filename;              /* the file's base name */
  gchar *content_type;          /* sniffed: "image/png" */
} ApigoJobImage;

/* Everything a generation needs, copied once from the element's
 * properties when it starts. */
typedef struct
{
  /* The clip: two settings that agree on these ask for the same one. */
  gchar *base_url;
  gchar *model;
  gchar *prompt;
  gchar *size;
  gchar *seconds;
  GBytes *input_reference;      /* NULL: none */
  gchar *input_reference_name;
  gchar *input_reference_type;
  gchar *video_id;              /* attach to this task: no create */
  gchar *variant;               /* NULL: the video itself */
  gint create_kind;             /* ApigoCreateKind */
  gchar *source_id;             /* remix, extend, edit: from this video */
  gchar *reference_fit;         /* NULL, "scale" or "pad" */
  gchar *parameters;            /* canonical JSON object; NULL: none */
  ApigoJobImage *images;        /* sorted by name; NULL: none */
  guint n_images;
  gint dialect;                 /* ApigoDialect, resolved (never "auto") */
  gchar *api_version;           /* azure: the api-version sent; else NULL */

  /* How to get it. */
  gchar *api_key;
  gchar *user_agent;
  gchar *ca_file;               /* NULL: the system's CAs */
  gboolean allow_plain_http;    /* the key may go in clear beyond this machine */
  guint retries;                /* more tries per request */
  guint poll_interval_ms;
  guint timeout_s;              /* from the create to completion; 0: none */
  gchar *cache_dir;             /* NULL: $XDG_CACHE_HOME/gst-apigo */
  guint64 cache_max_bytes;      /* 0: keep no clips */
  gboolean reuse;               /* play kept clips, resume journaled tasks */
  gboolean delete_remote;       /* delete the task once the clip is safe */
  gint model_check;             /* ApigoModelCheck: before a create */

  /* What may be spent (docs/spending.md). */
  gchar *budget;                /* more limits; NULL: the user's only */
  gboolean from_uri;            /* set from an apigo:// URI */
  gboolean ask_application;     /* callbacks.approve_create first */
} ApigoJobSettings;

void apigo_job_settings_clear (ApigoJobSettings * settings);
void apigo_job_settings_copy (ApigoJobSettings * dest,
    const ApigoJobSettings * src);

/* Whether both ask for the same clip (how to get it aside). */
gboolean apigo_job_settings_same_clip (const ApigoJobSettings * a,
    const ApigoJobSettings * b);

/* Whether both keep and find clips in the same place, the same way. */
gboolean apigo_job_settings_same_store (const ApigoJobSettings * a,
    const ApigoJobSettings * b);

/* A hex SHA-256 naming the clip: what kept clips are keyed by.  The key is
 * not part of it. */
gchar *apigo_job_settings_key (const ApigoJobSettings * settings);
/* The same without the variant: the task the clip comes from, which the
 * video, its thumbnail and its sprite sheet share.  The journal and the
 * lock are keyed by it.  For the video itself, both keys are the same. */
gchar *apigo_job_settings_task_key (const ApigoJobSettings * settings);

G_END_DECLS

#endif /* __APIGO_JOB_SETTINGS_H__ */
