/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "apigo-client"
#define APIGO_LOG_DOMAIN APIGO_LOG_CLIENT

#include "apigo-proxy.h"
#include "apigo-log.h"

#include <string.h>

#include "apigo-client.h"

/* A variable's value, NULL when unset or empty (as curl takes it). */
static const gchar *
env_value (const gchar * name)
{
  const gchar *value = g_getenv (name);

  return value != NULL && *value != '\0' ? value : NULL;
}

static const gchar *
env_either (const gchar * lower, const gchar * upper)
{
  const gchar *value = env_value (lower);

  return value != NULL ? value : env_value (upper);
}

/* curl reads a proxy without a scheme as an http one; GIO would not know
 * what to do with it. */
static gchar *
proxy_uri (const gchar * value)
{
  if (value == NULL)
    return NULL;
  if (strstr (value, "://") == NULL)
    return g_strconcat ("http://", value, NULL);
  return g_strdup (value);
}

/* no_proxy as GSimpleProxyResolver's ignore-hosts: trimmed entries, and
 * curl's "[::1]" as the bare address GIO expects. */
static gchar **
ignore_hosts (const gchar * no_proxy)
{
  g_auto (GStrv) entries = g_strsplit (no_proxy, ",", -1);
  GPtrArray *hosts = g_ptr_array_new ();
  guint i;

  for (i = 0; entries[i] != NULL; i++) {
    gchar *entry = g_strstrip (entries[i]);
    gsize len = strlen (entry);

    if (len == 0)
      continue;
    if (entry[0] == '[' && entry[len - 1] == ']')
      g_ptr_array_add (hosts, g_strndup (entry + 1, len - 2));
    else
      g_ptr_array_add (hosts, g_strdup (entry));
  }
  g_ptr_array_add (hosts, NULL);
  return (gchar **) g_ptr_array_free (hosts, FALSE);
}

GProxyResolver *
apigo_proxy_resolver_new (void)
{
  const gchar *http = env_value ("http_proxy");
  const gchar *https = env_either ("https_proxy", "HTTPS_PROXY");
  const gchar *all = env_either ("all_proxy", "ALL_PROXY");
  const gchar *no_proxy = env_either ("no_proxy", "NO_PROXY");
  g_autofree gchar *http_uri = proxy_uri (http);
  g_autofree gchar *https_uri = proxy_uri (https);
  g_autofree gchar *all_uri = proxy_uri (all);
  g_auto (GStrv) ignore = NULL;
  GSimpleProxyResolver *resolver;

  if (http == NULL && https == NULL && all == NULL) {
    /* HTTP_PROXY alone still gets a resolver of ours: GIO's libproxy
     * module would follow it. */
    if (env_value ("HTTP_PROXY") == NULL)
      return g_object_ref (g_proxy_resolver_get_default ());
  }
  if (http == NULL && env_value ("HTTP_PROXY") != NULL)
    APIGO_INFO ("HTTP_PROXY is ignored (CGI may have set it from a request); "
        "set http_proxy");

  ignore = no_proxy != NULL ? ignore_hosts (no_proxy) : NULL;
  if (ignore != NULL && g_strv_contains ((const gchar * const *) ignore, "*"))
    return g_simple_proxy_resolver_new (NULL, NULL);

  resolver = G_SIMPLE_PROXY_RESOLVER (g_simple_proxy_resolver_new (all_uri,
          ignore));
  if (http_uri != NULL)
    g_simple_proxy_resolver_set_uri_proxy (resolver, "http", http_uri);
  if (https_uri != NULL)
    g_simple_proxy_resolver_set_uri_proxy (resolver, "https", https_uri);
  return G_PROXY_RESOLVER (resolver);
}

/* What a message may say of a proxy: never its user or password. */
static gchar *
proxy_shown (const gchar * proxy)
{
  g_autoptr (GUri) uri = g_uri_parse (proxy, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return g_strdup ("(an address that is not a valid URL)");
  return g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL,
      g_uri_get_host (uri), g_uri_get_port (uri), "", NULL, NULL);
}

gboolean
apigo_proxy_find_remote (GProxyResolver * resolver, const gchar * url,
    gchar ** remote, GError ** error)
{
  g_auto (GStrv) proxies = NULL;
  guint i;

  *remote = NULL;
  proxies = g_proxy_resolver_lookup (resolver, url, NULL, error);
  if (proxies == NULL)
    return FALSE;
  /* GIO tries them in turn: any of them may carry the request. */
  for (i = 0; proxies[i] != NULL; i++) {
    if (g_ascii_strcasecmp (proxies[i], "direct://") == 0
        || apigo_client_base_url_is_loopback (proxies[i]))
      continue;
    *remote = proxy_shown (proxies[i]);
    break;
  }
  return TRUE;
}

gboolean
apigo_proxy_check_plain_http (GProxyResolver * resolver,
    const gchar * base_url, gboolean allow_plain_http, GError ** error)
{
  g_autoptr (GProxyResolver) own = NULL;
  g_autoptr (GError) lookup_error = NULL;
  g_autofree gchar *remote = NULL;

  if (allow_plain_http || g_ascii_strncasecmp (base_url, "http:", 5) != 0)
    return TRUE;
  if (!apigo_client_base_url_is_loopback (base_url)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "Refusing to send the API key in the clear: the base-url property "
        "uses plain http:// to another machine.  Use https://, or set "
        "allow-plain-http=true");
    return FALSE;
  }

  if (resolver == NULL)
    resolver = own = apigo_proxy_resolver_new ();
  if (!apigo_proxy_find_remote (resolver, base_url, &remote, &lookup_error)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "Cannot tell which proxy plain http:// requests to the base URL "
        "would go through (%s): refusing to send the API key in the clear.  "
        "Use https://, or set allow-plain-http=true", lookup_error->message);
    return FALSE;
  }
  if (remote != NULL) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "Refusing to send the API key in the clear: plain http:// requests "
        "to the base URL would go through the proxy %s, on another machine.  "
        "Use https:// (proxied with CONNECT), list the host in no_proxy, or "
        "set allow-plain-http=true", remote);
    return FALSE;
  }
  return TRUE;
}
