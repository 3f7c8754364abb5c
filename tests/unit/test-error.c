/* gst-apigo: reading the service's error answers
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>

#include "apigo-error.h"

static void
parse (ApigoServiceError * se, const gchar * type, const gchar * body)
{
  apigo_service_error_parse (se, type, body, body ? strlen (body) : 0);
}

GST_START_TEST (test_openai_error)
{
  ApigoServiceError se;

  parse (&se, "application/json", "{\"error\": {\"message\": \"Invalid "
      "value: '999x1'. Supported values are: '720x1280'\", \"type\": "
      "\"invalid_request_error\", \"param\": \"size\", \"code\": "
      "\"invalid_value\"}}");
  fail_unless_equals_string (se.message,
      "Invalid value: '999x1'. Supported values are: '720x1280'");
  fail_unless_equals_string (se.type, "invalid_request_error");
  fail_unless_equals_string (se.param, "size");
  fail_unless_equals_string (se.code, "invalid_value");
  apigo_service_error_clear (&se);
}

GST_END_TEST;

GST_START_TEST (test_gateway_variants)
{
  ApigoServiceError se;

  parse (&se, "application/json", "{\"error\": \"quota exhausted\"}");
  fail_unless_equals_string (se.message, "quota exhausted");
  apigo_service_error_clear (&se);

  parse (&se, "application/json", "{\"message\": \"busy\", \"code\": 1003}");
  fail_unless_equals_string (se.message, "busy");
  fail_unless_equals_string (se.code, "1003");
  apigo_service_error_clear (&se);

  parse (&se, "application/json", "{\"detail\": \"Not authenticated\"}");
  fail_unless_equals_string (se.message, "Not authenticated");
  fail_unless (se.code == NULL);
  apigo_service_error_clear (&se);

  /* JSON without any words: its code still counts. */
  parse (&se, "application/json", "{\"error\": {\"code\": \"x1\"}}");
  fail_unless (se.message == NULL);
  fail_unless_equals_string (se.code, "x1");
  apigo_service_error_clear (&se);
}

GST_END_TEST;

GST_START_TEST (test_proxy_pages)
{
  ApigoServiceError se;

  parse (&se, "text/html", "<html>\r\n<head><title>502 Bad Gateway</title>"
      "</head>\r\n<body><center><h1>502 Bad Gateway</h1></center><hr>"
      "<center>nginx</center></body></html>");
  fail_unless_equals_string (se.message, "502 Bad Gateway");
  apigo_service_error_clear (&se);

  /* No content type, no title: the heading. */
  parse (&se, NULL, "<!DOCTYPE html><HTML><BODY><H1>Service\n  Unavailable"
      "</H1></BODY></HTML>");
  fail_unless_equals_string (se.message, "Service Unavailable");
  apigo_service_error_clear (&se);

  parse (&se, "text/plain", "  upstream connect error\n or disconnect  ");
  fail_unless_equals_string (se.message,
      "upstream connect error or disconnect");
  apigo_service_error_clear (&se);

  parse (&se, NULL, "");
  fail_unless (se.message == NULL && se.code == NULL);
  apigo_service_error_clear (&se);

  parse (&se, NULL, NULL);
  fail_unless (se.message == NULL);
}

GST_END_TEST;

GST_START_TEST (test_long_and_broken_text)
{
  ApigoServiceError se;
  g_autofree gchar *long_text = g_strnfill (1000, 'e');
  const gchar bad_utf8[] = "caf\xc3 \xff!";
  /* Not NUL-terminated where the length ends. */
  const gchar unterminated[] = "short-body-XXXX";

  parse (&se, "text/plain", long_text);
  fail_unless (g_str_has_suffix (se.message, "... (700 more characters)"),
      "%s", se.message);
  fail_unless (g_str_has_prefix (se.message, "eeee"));
  apigo_service_error_clear (&se);

  parse (&se, "text/plain", bad_utf8);
  fail_unless (g_utf8_validate (se.message, -1, NULL));
  apigo_service_error_clear (&se);

  apigo_service_error_parse (&se, "text/plain", unterminated, 10);
  fail_unless_equals_string (se.message, "short-body");
  apigo_service_error_clear (&se);
}

GST_END_TEST;

/* What the service says reaches terminals and logs: escape sequences and
 * control characters never do, the words do. */
GST_START_TEST (test_service_text_tidied)
{
  ApigoServiceError se;
  g_autofree gchar *long_text = g_strnfill (1500, 'w');
  g_autofree gchar *long_json = g_strdup_printf ("{\"message\": \"%s\"}",
      long_text);
  g_autofree gchar *shown = NULL;

  parse (&se, "application/json", "{\"error\": {\"message\": \"Bad "
      "\\u001b]0;pwned\\u0007size\\u001b[2J\\r\\nX-Forged: yes\\u0000\", "
      "\"code\": \"\\u001b[31minvalid_value\\u001b[0m\", \"type\": "
      "\"bad\\u007ftype\", \"param\": \"si\\u009b2Jze\"}}");
  fail_unless_equals_string (se.message, "Bad size X-Forged: yes");
  fail_unless_equals_string (se.code, "invalid_value");
  fail_unless_equals_string (se.type, "bad type");
  fail_unless_equals_string (se.param, "si 2Jze");
  apigo_service_error_clear (&se);

  /* Nothing but escapes: the body is shown as text, harmless. */
  parse (&se, "application/json", "{\"message\": \"\\u001b[2J\"}");
  fail_unless_equals_string (se.message, "{\"message\": \"\\u001b[2J\"}");
  apigo_service_error_clear (&se);

  parse (&se, "text/html", "<title>\x1b]0;pwned\aBad\x1b[2J\rGateway"
      "</title>");
  fail_unless_equals_string (se.message, "Bad Gateway");
  apigo_service_error_clear (&se);

  /* A long message is cut where it says so. */
  parse (&se, "application/json", long_json);
  fail_unless (g_str_has_suffix (se.message, "... (500 more characters)"),
      "%s", se.message);
  apigo_service_error_clear (&se);

  /* An escape sequence left open is no licence to swallow the rest. */
  shown = apigo_service_text ("a\x1b]0;b c", -1, 100);
  fail_unless_equals_string (shown, "a ]0;b c");
}

GST_END_TEST;

GST_START_TEST (test_error_details)
{
  g_autoptr (GError) error = g_error_new (APIGO_ERROR, APIGO_ERROR_AUTH,
      "rejected");
  g_autoptr (GError) copy = NULL;
  const ApigoErrorDetails *d;

  d = apigo_error_get_details (error);
  fail_unless_equals_int (d->http_status, 0);
  fail_unless (d->service_code == NULL);

  apigo_error_set_http_status (error, 401);
  apigo_error_set_service (error, "invalid_api_key", "invalid_request_error",
      NULL);
  apigo_error_set_video_id (error, "video_1");

  copy = g_error_copy (error);
  d = apigo_error_get_details (copy);
  fail_unless_equals_int (d->http_status, 401);
  fail_unless_equals_string (d->service_code, "invalid_api_key");
  fail_unless_equals_string (d->service_type, "invalid_request_error");
  fail_unless (d->service_param == NULL);
  fail_unless_equals_string (d->video_id, "video_1");
}

GST_END_TEST;

static Suite *
error_suite (void)
{
  Suite *s = suite_create ("apigo-error");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_openai_error);
  tcase_add_test (tc, test_gateway_variants);
  tcase_add_test (tc, test_proxy_pages);
  tcase_add_test (tc, test_long_and_broken_text);
  tcase_add_test (tc, test_service_text_tidied);
  tcase_add_test (tc, test_error_details);
  return s;
}

GST_CHECK_MAIN (error);
