/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * OpenRouter's dialect (docs/dialects.md): the API under /api/v1, creates
 * as JSON only, answered 202 with a job object (no progress), content at
 * ?index=0 only, errors {"error": {"code": <integer>, "message"}}.  The
 * tasks themselves are the OpenAI routes': this file only translates.
 */

#ifndef __EMULATOR_OPENROUTER_H__
#define __EMULATOR_OPENROUTER_H__

#include "emulator-form.h"

G_BEGIN_DECLS

/* Where the API is, as on openrouter.ai: {origin}/api/v1. */
#define EMU_OPENROUTER_PREFIX "/api"

/* Reads OpenRouter's JSON create body into @sora, the fields the OpenAI
 * routes check (model, prompt, size from resolution and aspect_ratio,
 * seconds from duration, the first frame as the reference image), and
 * *@json_body (the body as sent).  FALSE with @problem set when the body is
 * not what OpenRouter takes (not JSON, a duration that is no integer, an
 * image that is no data: URL...). */
gboolean emu_openrouter_read_create (SoupServerMessage * msg, EmuForm * sora,
    gchar ** json_body, EmuProblem * problem);

/* @task (an OpenAI video object) as OpenRouter's job object: id,
 * generation_id, polling_url, status (queued is pending), error as a
 * string, unsigned_urls once completed, usage if the task has it. */
JsonNode *emu_openrouter_job (SoupServerMessage * msg, JsonNode * task);

/* FALSE, having answered 400, when the content query asks for what
 * OpenRouter does not serve: an index other than 0, a variant. */
gboolean emu_openrouter_check_content (SoupServerMessage * msg,
    GHashTable * query);

/* The JSON error answer already set on @msg in OpenRouter's shape:
 * {"error": {"code": <status>, "message": ..., "metadata": {...}}}. */
void emu_openrouter_rewrite_error (SoupServerMessage * msg);

G_END_DECLS

#endif /* __EMULATOR_OPENROUTER_H__ */
