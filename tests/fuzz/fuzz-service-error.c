/* gst-apigo: fuzz target for the error body parser
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: one byte that picks the Content-Type (its value modulo 4: none,
 * JSON, HTML, plain text; '0' to '3' in a readable file), then the body of
 * a non-2xx answer.
 */

#include "fuzz-common.h"

#include <string.h>

#include "apigo-error.h"

#define TEXT_MESSAGE_MAX 300

static const gchar *const content_types[] = {
  NULL, "application/json", "text/html; charset=utf-8", "text/plain",
};

/* Whether json-glib could take @body for an object.  When it cannot, the
 * message comes from the text or HTML path, whose output is tidied. */
static gboolean
may_be_json_object (const gchar * body, gsize len)
{
  gsize i = 0;

  while (i < len && g_ascii_isspace (body[i]))
    i++;
  /* Also a comment or a byte order mark, in case the parser skips them. */
  return i < len && (body[i] == '{' || body[i] == '/'
      || (guchar) body[i] >= 0x80);
}

/* The text path's promise: valid UTF-8, single spaces between words, none
 * at either end, and a long text cut to TEXT_MESSAGE_MAX characters plus a
 * note of how much was left out. */
static void
check_tidy_text (const gchar * text)
{
  const gchar *p;

  if (text == NULL)
    return;

  fuzz_check (g_utf8_validate (text, -1, NULL));
  fuzz_check (text[0] != '\0' && text[0] != ' ');
  fuzz_check (text[strlen (text) - 1] != ' ');
  for (p = text; *p != '\0'; p++) {
    fuzz_check (*p == ' ' || !g_ascii_isspace (*p));
    fuzz_check (!(p[0] == ' ' && p[1] == ' '));
  }
  fuzz_check (g_utf8_strlen (text, -1) <= TEXT_MESSAGE_MAX
      || g_str_has_suffix (text, " more characters)"));
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  const gchar *content_type = NULL;
  const gchar *body;
  ApigoServiceError se;
  gsize len = 0;

  if (size > 0) {
    content_type = content_types[data[0] % G_N_ELEMENTS (content_types)];
    len = size - 1;
  }
  body = fuzz_body (data + (size > 0), len);

  apigo_service_error_parse (&se, content_type, body, len);
  fuzz_check_shown (se.message);
  fuzz_check_shown (se.code);
  fuzz_check_shown (se.type);
  fuzz_check_shown (se.param);

  if (len == 0) {
    fuzz_check (se.message == NULL && se.code == NULL && se.type == NULL
        && se.param == NULL);
  } else if (!may_be_json_object (body, len)) {
    fuzz_check (se.code == NULL && se.type == NULL && se.param == NULL);
    check_tidy_text (se.message);
  }

  apigo_service_error_clear (&se);
  fuzz_check (se.message == NULL && se.code == NULL && se.type == NULL
      && se.param == NULL);
  /* Clearing twice is allowed (g_clear_pointer). */
  apigo_service_error_clear (&se);

  return 0;
}
