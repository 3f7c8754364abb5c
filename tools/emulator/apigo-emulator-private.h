/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What the HTTP routes need from the emulator object: a snapshot of the
 * settings, the fault queues, the request log and the task table.
 */

#ifndef __APIGO_EMULATOR_PRIVATE_H__
#define __APIGO_EMULATOR_PRIVATE_H__

#include "apigo-emulator.h"
#include "emulator-faults.h"
#include "emulator-tasks.h"

G_BEGIN_DECLS

/* The properties that shape answers, copied once per request. */
typedef struct
{
  gchar *api_key;
  gdouble generation_time;
  gboolean initial_pending;
  gboolean progress_stuck;
  guint poll_after_ms;
  gboolean any_size;
  guint64 throttle;
  gboolean chunked;
  gboolean ignore_range;
  gdouble create_delay;
  gboolean faststart;
  gboolean audio;
  gboolean ignore_idempotency_key;
  gdouble expires_in;
  gboolean cdn;
  gboolean list_without_prompt;
  /* Endpoints offered; gateways differ, and answer 404 for the others. */
  gboolean remix;
  gboolean extensions;
  gboolean edits;
  /* GET /models and /videos/models: offered, and the body of the
   * latter (NULL: the built-in list). */
  gboolean models;
  gchar *video_models;
  /* Where to send video downloads instead (a 302), or NULL. */
  gchar *content_redirect;
  /* Azure OpenAI's dialect: api-key, api-version, under /openai/v1. */
  gboolean azure;
  /* OpenRouter's: JSON creates, under /api/v1, no list (see
   * emulator-openrouter.h). */
  gboolean openrouter;
  /* usage.cost of completed tasks per second of clip (0: no usage). */
  gdouble cost_per_second;
} EmuSettings;

void emu_settings_clear (EmuSettings * settings);

void apigo_emulator_get_settings (ApigoEmulator * emu, EmuSettings * out);
EmuTaskTable *apigo_emulator_get_tasks (ApigoEmulator * emu);

/* The emulator's own, for as long as it lives. */
EmuFaults *apigo_emulator_get_faults (ApigoEmulator * emu);

/* A list of ApigoEmulatorFile, and a copy of a part added to one. */
GPtrArray *apigo_emulator_files_new (void);
void apigo_emulator_files_add (GPtrArray * files, const gchar * name,
    const gchar * filename, const gchar * content_type, GBytes * data);

/* Appends @req (transfer full) to the log and emits "request-logged". */
void apigo_emulator_log_request (ApigoEmulator * emu,
    ApigoEmulatorRequest * req);
void apigo_emulator_download_completed (ApigoEmulator * emu);

/* The whole log as {"object": "list", "data": [...]}. */
JsonNode *apigo_emulator_requests_to_json (ApigoEmulator * emu);

const gchar *apigo_emulator_route_to_string (ApigoEmulatorRoute route);

G_END_DECLS

#endif /* __APIGO_EMULATOR_PRIVATE_H__ */
