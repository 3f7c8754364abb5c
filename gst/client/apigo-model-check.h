/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_MODEL_CHECK_H__
#define __APIGO_MODEL_CHECK_H__

#include "apigo-client.h"

G_BEGIN_DECLS

/* Whether @request may be sent, as @mode (ApigoModelCheck) and the model
 * list of @client's service say (apigo_model_list_check()): before a
 * create pays.  auto reads the list only in dialect openrouter, whose
 * /videos/models states capabilities, and lets the service decide when it
 * cannot be read; always reads it in any dialect (/videos/models, else
 * /models) and fails when it cannot; never reads nothing.  Only new videos
 * are checked: remix, extend and edit keep their source's model.
 * The list is read afresh for each create: one small request before one
 * that is paid for, never a stale list.  Cancellation and the client's
 * deadline end it as any request. */
gboolean apigo_model_check_request (ApigoClient * client, gint mode,
    ApigoDialect dialect, const ApigoCreateRequest * request, GCancellable * cancellable,
    GError ** error);

G_END_DECLS

#endif /* __APIGO_MODEL_CHECK_H__ */
