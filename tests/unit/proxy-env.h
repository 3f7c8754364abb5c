/* gst-apigo: the proxy variables of the environment, for the proxy tests
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_PROXY_ENV_H__
#define __APIGO_PROXY_ENV_H__

#include <glib.h>

G_BEGIN_DECLS

/* Unsets http_proxy, https_proxy, all_proxy, no_proxy (both cases). */
void proxy_env_clear (void);
/* A checked fixture: saves those variables and clears them, then puts
 * them back as they were. */
void proxy_env_save (void);
void proxy_env_restore (void);

G_END_DECLS

#endif
