/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The models it lists: GET /models as OpenAI answers it (ids only), GET
 * /videos/models as OpenRouter answers it (what each model takes).  Both
 * below whatever base path the dialect mounts the API at.
 */

#ifndef __EMULATOR_MODELS_H__
#define __EMULATOR_MODELS_H__

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* GET /videos/models: @body (the "video-models" property) as it is, or
 * the built-in list (sora-2, sora-2-pro, veo-3) when NULL. */
void emu_models_answer_video (SoupServerMessage * msg, const gchar * body,
    gboolean openrouter);

/* GET /models: the same ids, OpenAI's shape (id, object, created,
 * owned_by); @body as it is when it is no list of models. */
void emu_models_answer_generic (SoupServerMessage * msg, const gchar * body);

G_END_DECLS

#endif /* __EMULATOR_MODELS_H__ */
