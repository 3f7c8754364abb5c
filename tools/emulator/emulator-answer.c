/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "emulator-answer.h"

#include <string.h>

/* libsoup 3.2 has no name (nor reason phrase) for it. */
#define STATUS_TOO_MANY_REQUESTS 429

void
emu_problem_set (EmuProblem * problem, const gchar * param,
    const gchar * code, const gchar * format, ...)
{
  va_list args;

  g_free (problem->message);
  va_start (args, format);
  problem->message = g_strdup_vprintf (format, args);
  va_end (args);
  problem->param = param;
  problem->code = code;
}

void
emu_problem_clear (EmuProblem * problem)
{
  g_clear_pointer (&problem->message, g_free);
  problem->param = problem->code = NULL;
}

static const gchar *
reason_phrase (guint status)
{
  return status == STATUS_TOO_MANY_REQUESTS ? "Too Many Requests" :
      soup_status_get_phrase (status);
}

void
emu_answer_json (SoupServerMessage * msg, guint status, JsonNode * node)
{
  gchar *text = json_to_string (node, FALSE);

  soup_server_message_set_status (msg, status, reason_phrase (status));
  soup_server_message_set_response (msg, "application/json",
      SOUP_MEMORY_TAKE, text, strlen (text));
}

static void
add_string_or_null (JsonBuilder * b, const gchar * name, const gchar * value)
{
  json_builder_set_member_name (b, name);
  if (value)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

void
emu_answer_error (SoupServerMessage * msg, guint status, const gchar * type,
    const gchar * param, const gchar * code, const gchar * message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  add_string_or_null (b, "message", message);
  add_string_or_null (b, "type", type);
  add_string_or_null (b, "param", param);
  add_string_or_null (b, "code", code);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  emu_answer_json (msg, status, root);
}

void
emu_answer_azure_error (SoupServerMessage * msg, guint status,
    const gchar * code, const gchar * message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *number = g_strdup_printf ("%u", status);

  /* Azure's gateway: the code a string, no type nor param. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  add_string_or_null (b, "code", code ? code : number);
  add_string_or_null (b, "message", message);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  emu_answer_json (msg, status, root);
}

void
emu_answer_not_offered (SoupServerMessage * msg)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  /* Not the service's own shape: the gateway in front of it answers. */
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  add_string_or_null (b, "message", "Not found");
  add_string_or_null (b, "type", "invalid_request_error");
  add_string_or_null (b, "code", "unknown_url");
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  emu_answer_json (msg, SOUP_STATUS_NOT_FOUND, root);
}

void
emu_answer_problem (SoupServerMessage * msg, const EmuProblem * problem)
{
  emu_answer_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_request_error",
      problem->param, problem->code, problem->message);
}

static void
set_header (SoupMessageHeaders * headers, const gchar * name,
    const gchar * value)
{
  if (value)
    soup_message_headers_replace (headers, name, value);
}

void
emu_answer_fault (SoupServerMessage * msg, const EmuFault * fault)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  guint status = fault->http_status;
  const gchar *phrase = reason_phrase (status);
  const gchar *type = "invalid_request_error";
  const gchar *code = NULL;
  g_autofree gchar *message = NULL;

  set_header (headers, "Retry-After", fault->retry_after);
  set_header (headers, "retry-after-ms", fault->retry_after_ms);
  set_header (headers, "x-should-retry", fault->x_should_retry);

  switch (fault->body) {
    case APIGO_EMULATOR_BODY_HTML:{
      gchar *page = g_strdup_printf ("<html>\r\n<head><title>%u %s</title>"
          "</head>\r\n<body>\r\n<center><h1>%u %s</h1></center>\r\n"
          "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
          status, phrase, status, phrase);

      soup_server_message_set_status (msg, status, phrase);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_TAKE,
          page, strlen (page));
      return;
    }
    case APIGO_EMULATOR_BODY_EMPTY:
      soup_server_message_set_status (msg, status, phrase);
      /* Said outright: a proxy's bare status, not a body still to come. */
      if (status >= 200 && status != SOUP_STATUS_NO_CONTENT &&
          status != SOUP_STATUS_NOT_MODIFIED)
        soup_message_headers_set_content_length (headers, 0);
      return;
    case APIGO_EMULATOR_BODY_JSON:
    default:
      break;
  }

  switch (status) {
    case SOUP_STATUS_UNAUTHORIZED:
      code = "invalid_api_key";
      break;
    case SOUP_STATUS_FORBIDDEN:
      code = "permission_denied";
      break;
    case SOUP_STATUS_NOT_FOUND:
      code = "not_found";
      break;
    case SOUP_STATUS_REQUEST_TIMEOUT:
      code = "request_timeout";
      break;
    case SOUP_STATUS_CONFLICT:
      code = "conflict";
      break;
    case STATUS_TOO_MANY_REQUESTS:
      type = "requests";
      code = "rate_limit_exceeded";
      break;
    default:
      if (status >= 500) {
        type = "server_error";
        code = "server_error";
      }
      break;
  }
  message = g_strdup_printf ("The emulator injected a fault: %u %s.",
      status, phrase);
  emu_answer_error (msg, status, type, NULL, code, message);
}
