/* gst-apigo: the proxy variables of the environment, for the proxy tests
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "proxy-env.h"

static const gchar *const proxy_vars[] = {
  "http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
  "ALL_PROXY", "no_proxy", "NO_PROXY",
};

static gchar *saved[G_N_ELEMENTS (proxy_vars)];

void
proxy_env_clear (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (proxy_vars); i++)
    g_unsetenv (proxy_vars[i]);
}

void
proxy_env_save (void)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (proxy_vars); i++)
    saved[i] = g_strdup (g_getenv (proxy_vars[i]));
  proxy_env_clear ();
}

void
proxy_env_restore (void)
{
  guint i;

  proxy_env_clear ();
  for (i = 0; i < G_N_ELEMENTS (proxy_vars); i++) {
    if (saved[i] != NULL)
      g_setenv (proxy_vars[i], saved[i], TRUE);
    g_clear_pointer (&saved[i], g_free);
  }
}
