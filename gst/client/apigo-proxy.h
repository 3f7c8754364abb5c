/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_PROXY_H__
#define __APIGO_PROXY_H__

#include <gio/gio.h>

G_BEGIN_DECLS

/* Which proxy the client's requests go through, and whether that lets the
 * API key travel in the clear.  The client's session and the check below
 * use the same resolver, so what is judged is what is used. */

/* The resolver for the client's requests.  When any of http_proxy,
 * HTTP_PROXY, https_proxy, HTTPS_PROXY, all_proxy or ALL_PROXY is set (and
 * not empty), one built from them as curl reads them: http_proxy for http://
 * URLs, https_proxy (or HTTPS_PROXY) for https://, else all_proxy (or
 * ALL_PROXY); no_proxy (or NO_PROXY) lists the hosts reached directly ("*":
 * all).  HTTP_PROXY is ignored: CGI turns a request's "Proxy:" header into
 * it (httpoxy).  Otherwise GIO's default resolver (desktop settings, or
 * libproxy).  Whatever the GIO modules do, the variables mean the same. */
GProxyResolver *apigo_proxy_resolver_new (void);

/* Looks @url up with @resolver: FALSE with an error when that fails.  Else
 * TRUE, and *@remote is the first proxy of the answer that is not on this
 * machine (localhost, 127.0.0.0/8, ::1), as scheme://host:port without the
 * proxy's user or password, or NULL when every hop is direct or local. */
gboolean apigo_proxy_find_remote (GProxyResolver * resolver,
    const gchar * url, gchar ** remote, GError ** error);

/* Whether the key may be sent to @base_url (a valid http or https URL)
 * through @resolver (NULL: apigo_proxy_resolver_new()'s): plain http:// to
 * another machine, or through a proxy on another machine, is refused with
 * an APIGO_ERROR_INVALID_SETTING error (naming the proxy) unless
 * @allow_plain_http.  https:// through any proxy is fine: the proxy only
 * relays TLS (CONNECT).  Connects to nothing. */
gboolean apigo_proxy_check_plain_http (GProxyResolver * resolver,
    const gchar * base_url, gboolean allow_plain_http, GError ** error);

G_END_DECLS

#endif /* __APIGO_PROXY_H__ */
