/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The task table: every video task, its status timeline (computed from the
 * clock and from its render's progress each time it is read), its rendered
 * assets and its JSON form.  Renders run on a small thread pool.
 * Thread-safe.
 */

#ifndef __EMULATOR_TASKS_H__
#define __EMULATOR_TASKS_H__

#include <json-glib/json-glib.h>

#include "emulator-clock.h"
#include "emulator-render.h"

G_BEGIN_DECLS

typedef struct _EmuTask EmuTask;
typedef struct _EmuTaskTable EmuTaskTable;

typedef enum
{
  EMU_TASK_QUEUED,
  EMU_TASK_PENDING,
  EMU_TASK_IN_PROGRESS,
  EMU_TASK_COMPLETED,
  EMU_TASK_FAILED,
  EMU_TASK_SCRIPTED,            /* a word from a script: see get_status_word */
} EmuTaskStatus;

typedef enum
{
  EMU_ASSET_VIDEO,
  EMU_ASSET_THUMBNAIL,
  EMU_ASSET_SPRITESHEET,
} EmuAsset;

/* What a new task is made of.  The table copies it. */
typedef struct
{
  gchar *model;
  gchar *prompt;
  guint width;
  guint height;
  guint seconds;
  GBytes *reference;            /* input_reference image, or NULL */
  gchar *remixed_from;          /* or NULL */
  gchar *extended_from;         /* or NULL */
  gchar *edited_from;           /* or NULL */
  /* What the clip shows, when not the prompt throughout: an extension's
   * source parts then its own, an edit's caption.  Their seconds add up to
   * @seconds.  NULL (and 0) otherwise. */
  EmuRenderPart *parts;
  guint n_parts;
  gboolean pending;             /* start as "pending" instead of "queued" */
  gboolean progress_stuck;      /* progress 0 until completed */
  gdouble generation_time;      /* seconds from created to completed, at least */
  gboolean faststart;
  gboolean audio;
  gboolean fail;                /* end "failed" by moderation */
  gchar **script;               /* statuses to report first, or NULL */
  gdouble script_step;          /* seconds each scripted word lasts */
  /* Once completed, "usage": {"cost": seconds * this} as OpenRouter says
   * it (0: no usage member, as OpenAI). */
  gdouble cost_per_second;
} EmuTaskParams;

/* The tasks' timelines run on @clock. */
EmuTaskTable *emu_task_table_new (const gchar * cache_dir, EmuClock * clock);
/* Cancels the renders, waits for them, drops every task. */
void emu_task_table_free (EmuTaskTable * table);

/* A new task (reference returned), registered under @idempotency_key if
 * not NULL; its render starts at once unless it is to fail. */
EmuTask *emu_task_table_create (EmuTaskTable * table,
    const EmuTaskParams * params, const gchar * idempotency_key);
/* The task first created with @idempotency_key, or NULL. */
EmuTask *emu_task_table_find_idempotent (EmuTaskTable * table,
    const gchar * idempotency_key);
EmuTask *emu_task_table_lookup (EmuTaskTable * table, const gchar * id);
gboolean emu_task_table_remove (EmuTaskTable * table, const gchar * id);

/* Up to @limit tasks after @after (exclusive; NULL: from the start), oldest
 * first if @ascending.  Returns NULL when @after is not a known id. */
GPtrArray *emu_task_table_list (EmuTaskTable * table, gboolean ascending,
    const gchar * after, guint limit, gboolean * has_more);

EmuTask *emu_task_ref (EmuTask * task);
void emu_task_unref (EmuTask * task);

const gchar *emu_task_get_id (EmuTask * task);
const EmuTaskParams *emu_task_get_params (EmuTask * task);
EmuTaskStatus emu_task_get_status (EmuTask * task);
/* What "status" says: the name of the status, or the scripted word. */
const gchar *emu_task_get_status_word (EmuTask * task);
/* The asset once the task is completed, else NULL. */
GBytes *emu_task_get_asset (EmuTask * task, EmuAsset asset);
/* Completed, and the time is past its expires_at: its assets are gone for
 * the clients (the task itself stays completed, as on OpenAI). */
gboolean emu_task_is_expired (EmuTask * task, gdouble expires_in);
/* expires_at is completed_at + @expires_in, rounded up. */
JsonNode *emu_task_to_json (EmuTask * task, gdouble expires_in);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmuTask, emu_task_unref);

G_END_DECLS

#endif /* __EMULATOR_TASKS_H__ */
