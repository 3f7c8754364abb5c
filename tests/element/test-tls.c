/* gst-apigo: TLS certificates are verified
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#include <gio/gio.h>

#define FILE_PIPELINE "apigovideosrc name=src ! fakesink name=sink"

/* In ASan builds: LeakSanitizer's tracer crashes at exit once
 * glib-networking's TLS threads have run (GCC 12), so this one suite checks
 * memory errors only; valgrind checks its leaks. */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "detect_leaks=0";
}

static gchar *
tls_file (const gchar * name)
{
  return g_build_filename (g_getenv ("APIGO_TEST_DATA"), "tls", name, NULL);
}

static ApigoEmulator *
tls_emulator (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *cert = tls_file ("server.pem");
  g_autofree gchar *key = tls_file ("server.key");
  g_autoptr (GTlsCertificate) tls = g_tls_certificate_new_from_files (cert,
      key, &error);
  ApigoEmulator *emu = apigo_emulator_new ();

  g_assert_no_error (error);
  g_object_set (emu, "api-key", TEST_API_KEY, "any-size", TRUE, "audio",
      FALSE, "generation-time", 0.3, "tls-certificate", tls, "cache-dir",
      g_getenv ("APIGO_TEST_CLIP_CACHE"), NULL);
  fail_unless (apigo_emulator_start (emu, 0, &error), "%s",
      error ? error->message : "");
  fail_unless (g_str_has_prefix (apigo_emulator_get_base_url (emu),
          "https://"));
  return emu;
}

/* Certificates are verified: a server the system does not trust is
 * refused, at once; trusted through ssl-ca-file, it works. */
GST_START_TEST (test_tls_verified)
{
  g_autoptr (ApigoEmulator) emu = tls_emulator ();
  g_autoptr (GstElement) untrusted = test_pipeline_new (emu, "tls",
      FILE_PIPELINE);
  g_autoptr (GstElement) trusted = test_pipeline_new (emu, "tls",
      FILE_PIPELINE);
  g_autofree gchar *ca = tls_file ("ca.pem");
  g_autoptr (TestRun) refused = NULL;
  g_autoptr (TestRun) accepted = NULL;

  refused = test_run (untrusted, 60);
  test_run_assert_error (refused, GST_RESOURCE_ERROR,
      GST_RESOURCE_ERROR_OPEN_READ, NULL);
  fail_unless_equals_int (apigo_emulator_count_requests (emu,
          APIGO_EMULATOR_ROUTE_ANY, NULL), 0);

  g_object_set (test_pipeline_get (trusted, "src"), "ssl-ca-file", ca,
      NULL);
  accepted = test_run (trusted, 60);
  test_run_assert_eos (accepted);
}

GST_END_TEST;

static Suite *
tls_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-tls");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  suite_add_tcase (s, tc);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_tls_verified);
  return s;
}

GST_CHECK_MAIN (tls);
