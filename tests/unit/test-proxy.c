/* gst-apigo: which proxy the client uses, and when the key may go through it
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Decisions only: nothing here connects anywhere.  192.0.2.1 (TEST-NET-1)
 * stands for a proxy on another machine.
 */

#include <gst/check/gstcheck.h>

#include "apigo-client-private.h"
#include "apigo-proxy.h"
#include "proxy-env.h"

#define KEY "sk-proxy-test-key-never-shown"
#define LOCAL_URL "http://127.0.0.1:9/v1"
#define FAR_PROXY "http://192.0.2.1:3128"

/* The first proxy a fresh resolver gives for @url ("direct://": none). */
static gchar *
proxy_for (const gchar * url)
{
  g_autoptr (GProxyResolver) resolver = apigo_proxy_resolver_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) proxies = g_proxy_resolver_lookup (resolver, url, NULL,
      &error);

  g_assert_no_error (error);
  return g_strdup (proxies[0]);
}

#define assert_proxy(url, expected) G_STMT_START {                         \
  g_autofree gchar *_got = proxy_for (url);                               \
  fail_unless_equals_string (_got, expected);                             \
} G_STMT_END

/* Without any proxy variable, GIO's own resolver decides (the desktop's
 * settings); the tests run with the dummy one. */
GST_START_TEST (test_no_variables_default)
{
  g_autoptr (GProxyResolver) resolver = apigo_proxy_resolver_new ();

  fail_unless (resolver == g_proxy_resolver_get_default ());
  g_setenv ("http_proxy", "", TRUE);
  g_setenv ("no_proxy", "example.com", TRUE);
  g_clear_object (&resolver);
  resolver = apigo_proxy_resolver_new ();
  fail_unless (resolver == g_proxy_resolver_get_default (),
      "an empty variable is no proxy");
}

GST_END_TEST;

/* curl's reading: http_proxy for http://, https_proxy for https://,
 * all_proxy for the rest, the lowercase name first. */
GST_START_TEST (test_variables_by_scheme)
{
  g_setenv ("http_proxy", FAR_PROXY, TRUE);
  assert_proxy (LOCAL_URL, FAR_PROXY);
  /* Unlike libproxy, http_proxy is not used for https. */
  assert_proxy ("https://maas.apigo.ai/v1", "direct://");

  g_setenv ("HTTPS_PROXY", "http://192.0.2.2:8080", TRUE);
  assert_proxy ("https://maas.apigo.ai/v1", "http://192.0.2.2:8080");
  g_setenv ("https_proxy", "http://192.0.2.3:8080", TRUE);
  assert_proxy ("https://maas.apigo.ai/v1", "http://192.0.2.3:8080");
  assert_proxy (LOCAL_URL, FAR_PROXY);

  proxy_env_clear ();
  g_setenv ("ALL_PROXY", "socks5://192.0.2.4:1080", TRUE);
  assert_proxy (LOCAL_URL, "socks5://192.0.2.4:1080");
  assert_proxy ("https://maas.apigo.ai/v1", "socks5://192.0.2.4:1080");
  g_setenv ("all_proxy", "192.0.2.5:3128", TRUE);
  /* No scheme: an http proxy, as curl takes it. */
  assert_proxy ("https://maas.apigo.ai/v1", "http://192.0.2.5:3128");
  g_setenv ("http_proxy", FAR_PROXY, TRUE);
  assert_proxy (LOCAL_URL, FAR_PROXY);
  assert_proxy ("https://maas.apigo.ai/v1", "http://192.0.2.5:3128");
}

GST_END_TEST;

/* HTTP_PROXY can come from a CGI request's "Proxy:" header (httpoxy):
 * ignored, even by GIO's libproxy module, which would follow it. */
GST_START_TEST (test_uppercase_http_proxy_ignored)
{
  g_autoptr (GProxyResolver) resolver = NULL;

  g_setenv ("HTTP_PROXY", FAR_PROXY, TRUE);
  resolver = apigo_proxy_resolver_new ();
  fail_if (resolver == g_proxy_resolver_get_default ());
  assert_proxy (LOCAL_URL, "direct://");
  assert_proxy ("https://maas.apigo.ai/v1", "direct://");
  fail_unless (apigo_proxy_check_plain_http (NULL, LOCAL_URL, FALSE, NULL));
}

GST_END_TEST;

GST_START_TEST (test_no_proxy)
{
  g_setenv ("all_proxy", FAR_PROXY, TRUE);
  g_setenv ("NO_PROXY", " localhost , .example.com,10.0.0.0/8,[::1]", TRUE);
  assert_proxy ("http://localhost:8100/v1", "direct://");
  assert_proxy ("https://api.example.com/v1", "direct://");
  assert_proxy ("https://example.com/v1", "direct://");
  assert_proxy ("https://notexample.com/v1", FAR_PROXY);
  assert_proxy ("http://10.1.2.3:80/v1", "direct://");
  assert_proxy ("http://[::1]:8100/v1", "direct://");
  assert_proxy (LOCAL_URL, FAR_PROXY);

  /* The lowercase one wins. */
  g_setenv ("no_proxy", "127.0.0.1", TRUE);
  assert_proxy (LOCAL_URL, "direct://");
  assert_proxy ("http://localhost:8100/v1", FAR_PROXY);

  g_setenv ("no_proxy", "*", TRUE);
  assert_proxy ("https://maas.apigo.ai/v1", "direct://");
  assert_proxy (LOCAL_URL, "direct://");
}

GST_END_TEST;

/* The decision: which proxy on another machine plain requests would reach,
 * and whether the key may go. */
GST_START_TEST (test_remote_proxy_decision)
{
  g_autoptr (GProxyResolver) resolver = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *remote = NULL;

  g_setenv ("http_proxy", "http://someone:proxy-password@192.0.2.1:3128/",
      TRUE);
  resolver = apigo_proxy_resolver_new ();
  fail_unless (apigo_proxy_find_remote (resolver, LOCAL_URL, &remote, NULL));
  /* Its host and port, never its user or password. */
  fail_unless_equals_string (remote, FAR_PROXY);

  fail_if (apigo_proxy_check_plain_http (resolver, LOCAL_URL, FALSE,
          &error));
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING);
  fail_unless (strstr (error->message, FAR_PROXY) != NULL, "%s",
      error->message);
  fail_unless (strstr (error->message, "allow-plain-http") != NULL, "%s",
      error->message);
  fail_if (strstr (error->message, "someone") != NULL, "%s", error->message);
  fail_if (strstr (error->message, "password") != NULL, "%s",
      error->message);
  g_clear_error (&error);

  /* Allowed: the client would then go through that proxy. */
  fail_unless (apigo_proxy_check_plain_http (resolver, LOCAL_URL, TRUE,
          &error));
  g_assert_no_error (error);
  /* NULL: a resolver of its own, from the same variables. */
  fail_if (apigo_proxy_check_plain_http (NULL, LOCAL_URL, FALSE, NULL));

  /* https:// through it is fine: the proxy relays TLS (CONNECT). */
  g_setenv ("https_proxy", FAR_PROXY, TRUE);
  fail_unless (apigo_proxy_check_plain_http (NULL, "https://maas.apigo.ai/v1",
          FALSE, NULL));
  fail_unless (apigo_proxy_check_plain_http (NULL, "https://127.0.0.1:9/v1",
          FALSE, NULL));

  /* A host in no_proxy is reached directly. */
  g_setenv ("no_proxy", "127.0.0.1", TRUE);
  fail_unless (apigo_proxy_check_plain_http (NULL, LOCAL_URL, FALSE, NULL));
}

GST_END_TEST;

/* A proxy on this machine may see the key: it is the user's own. */
GST_START_TEST (test_loopback_proxy_allowed)
{
  const gchar *local[] = { "http://127.0.0.1:3128", "http://localhost:3128",
    "socks5://[::1]:1080", "http://user:pw@127.1.2.3:8080/"
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (local); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree gchar *remote = NULL;
    g_autoptr (GProxyResolver) resolver = NULL;

    g_setenv ("http_proxy", local[i], TRUE);
    resolver = apigo_proxy_resolver_new ();
    fail_unless (apigo_proxy_find_remote (resolver, LOCAL_URL, &remote,
            NULL));
    fail_unless (remote == NULL, "%s: %s", local[i], remote);
    fail_unless (apigo_proxy_check_plain_http (NULL, LOCAL_URL, FALSE,
            &error), "%s: %s", local[i], error->message);
  }

  /* socks:// is tried as socks5, socks4a and socks4: all on this machine. */
  g_setenv ("http_proxy", "socks://127.0.0.1:1080", TRUE);
  fail_unless (apigo_proxy_check_plain_http (NULL, LOCAL_URL, FALSE, NULL));
  g_setenv ("http_proxy", "socks://192.0.2.1:1080", TRUE);
  fail_if (apigo_proxy_check_plain_http (NULL, LOCAL_URL, FALSE, NULL));
}

GST_END_TEST;

/* Plain http:// to another machine is refused whatever the proxies. */
GST_START_TEST (test_remote_plain_http_refused)
{
  g_autoptr (GError) error = NULL;

  fail_if (apigo_proxy_check_plain_http (NULL, "http://192.0.2.10/v1", FALSE,
          &error));
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING);
  fail_unless (strstr (error->message, "allow-plain-http") != NULL);
  fail_unless (apigo_proxy_check_plain_http (NULL, "http://192.0.2.10/v1",
          TRUE, NULL));
}

GST_END_TEST;

/* The client is judged with the resolver its session uses: refused, or
 * made and going through the proxy it was judged with.  Making a client
 * connects to nothing. */
GST_START_TEST (test_client_uses_judged_proxy)
{
  ApigoClientOptions options = {
    .base_url = LOCAL_URL,
    .api_key = KEY,
    .user_agent = "apigo-proxy-test/1",
  };
  g_autoptr (ApigoClient) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *remote = NULL;
  GProxyResolver *used;

  g_setenv ("http_proxy", "http://someone:proxy-password@192.0.2.1:3128",
      TRUE);
  client = apigo_client_new_full (&options, &error);
  fail_unless (client == NULL);
  g_assert_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING);
  fail_unless (strstr (error->message, FAR_PROXY) != NULL, "%s",
      error->message);
  fail_if (strstr (error->message, KEY) != NULL);
  fail_if (strstr (error->message, "password") != NULL);
  g_clear_error (&error);

  options.allow_plain_http = TRUE;
  client = apigo_client_new_full (&options, &error);
  g_assert_no_error (error);
  used = soup_session_get_proxy_resolver (client->session);
  fail_unless (apigo_proxy_find_remote (used, LOCAL_URL, &remote, NULL));
  fail_unless_equals_string (remote, FAR_PROXY);
  g_clear_object (&client);

  /* No variables: GIO's resolver, for the session as for the check. */
  proxy_env_clear ();
  options.allow_plain_http = FALSE;
  client = apigo_client_new_full (&options, &error);
  g_assert_no_error (error);
  fail_unless (soup_session_get_proxy_resolver (client->session) ==
      g_proxy_resolver_get_default ());
}

GST_END_TEST;

static Suite *
proxy_suite (void)
{
  Suite *s = suite_create ("apigo-proxy");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, proxy_env_save, proxy_env_restore);
  tcase_add_test (tc, test_no_variables_default);
  tcase_add_test (tc, test_variables_by_scheme);
  tcase_add_test (tc, test_uppercase_http_proxy_ignored);
  tcase_add_test (tc, test_no_proxy);
  tcase_add_test (tc, test_remote_proxy_decision);
  tcase_add_test (tc, test_loopback_proxy_allowed);
  tcase_add_test (tc, test_remote_plain_http_refused);
  tcase_add_test (tc, test_client_uses_judged_proxy);
  return s;
}

GST_CHECK_MAIN (proxy);
