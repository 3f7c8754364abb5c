/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Writing answers: JSON bodies and OpenAI-style error objects
 * {"error": {"message", "type", "param", "code"}}, the HTML page a proxy
 * would send, or nothing at all.
 */

#ifndef __EMULATOR_ANSWER_H__
#define __EMULATOR_ANSWER_H__

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "emulator-faults.h"

G_BEGIN_DECLS

/* Why a request is refused; param and code are static strings or NULL. */
typedef struct
{
  gchar *message;
  const gchar *param;
  const gchar *code;
} EmuProblem;

void emu_problem_set (EmuProblem * problem, const gchar * param,
    const gchar * code, const gchar * format, ...) G_GNUC_PRINTF (4, 5);
void emu_problem_clear (EmuProblem * problem);

void emu_answer_json (SoupServerMessage * msg, guint status, JsonNode * node);
void emu_answer_error (SoupServerMessage * msg, guint status,
    const gchar * type, const gchar * param, const gchar * code,
    const gchar * message);
/* What a gateway answers for an endpoint it does not offer: 404
 * {"error": {"message": "Not found", "type": "invalid_request_error",
 * "code": "unknown_url"}}, exactly (no param). */
void emu_answer_not_offered (SoupServerMessage * msg);
/* What Azure OpenAI's front answers before the service sees a request:
 * {"error": {"code": "<status or @code>", "message": @message}}. */
void emu_answer_azure_error (SoupServerMessage * msg, guint status,
    const gchar * code, const gchar * message);
/* 400 invalid_request_error from @problem. */
void emu_answer_problem (SoupServerMessage * msg, const EmuProblem * problem);
/* An injected fault (action ANSWER): its status, body and exactly its
 * headers. */
void emu_answer_fault (SoupServerMessage * msg, const EmuFault * fault);

G_END_DECLS

#endif /* __EMULATOR_ANSWER_H__ */
