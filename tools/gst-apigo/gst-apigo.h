/* gst-apigo: the command-line tool
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the commands share.  The tool is built on the client layer alone
 * (apigo-cache.h, apigo-client.h): no GStreamer.
 */

#ifndef __GST_APIGO_TOOL_H__
#define __GST_APIGO_TOOL_H__

#include <glib.h>

#include "apigo-client.h"

G_BEGIN_DECLS

/* Exit statuses. */
#define TOOL_OK 0
#define TOOL_FAILED 1               /* something could not be done */
#define TOOL_USAGE 2                /* the command line is wrong */

typedef struct
{
  gchar *cache_dir;             /* NULL: the default */
  gchar *base_url;              /* NULL: $APIGO_BASE_URL, else the default */
  gchar *ca_file;
  gboolean allow_plain_http;
  gboolean json;
  gint limit;
  gdouble max_size_mib;         /* < 0: not given */
  gdouble older_than_days;      /* < 0: not given */
  gchar **args;                 /* what follows the command */
} ToolOptions;

/* Kept clips (gst-apigo-clips.c). */
gint tool_clips (const ToolOptions * options);
gint tool_show (const ToolOptions * options);
gint tool_remove (const ToolOptions * options);
gint tool_prune (const ToolOptions * options);
gint tool_clear (const ToolOptions * options);
gint tool_spend (const ToolOptions * options);

/* Tasks at the service (gst-apigo-tasks.c). */
gint tool_tasks (const ToolOptions * options);
gint tool_delete (const ToolOptions * options);
/* A client of the service for @options, the key from APIGO_API_KEY; NULL
 * once the reason is printed. */
ApigoClient *tool_new_client (const ToolOptions * options);

/* The models the service lists (gst-apigo-models.c). */
gint tool_models (const ToolOptions * options);

/* Clips made ahead of time (gst-apigo-generate.c). */
gint tool_generate (const ToolOptions * options);

/* The budget and what was spent (gst-apigo-budget.c). */
gint tool_budget (const ToolOptions * options);

/* Shared helpers (gst-apigo.c). */
void tool_error (const gchar * format, ...) G_GNUC_PRINTF (1, 2);
/* Text from a file or the service, fit for a terminal, at most @max
 * characters (longer: cut, ending with "..."); "-" for none. */
gchar *tool_text (const gchar * text, guint max);
/* "45 s", "12 min", "3 h", "5 d" since @unix_time; "-" for 0. */
gchar *tool_age (gint64 unix_time);
/* "2026-01-02 10:00:00" in local time; "-" for 0. */
gchar *tool_time (gint64 unix_time);

G_END_DECLS

#endif /* __GST_APIGO_TOOL_H__ */
