/* gst-apigo: a tiny HTTP server of a test's own, on 127.0.0.1
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_TEST_SERVER_H__
#define __APIGO_TEST_SERVER_H__

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _TestServer TestServer;

/* A SoupServer on 127.0.0.1 (a free port) answering every path with
 * @callback, called on a thread of the server's own. */
TestServer *test_server_new (SoupServerCallback callback,
    gpointer user_data);
/* http://127.0.0.1:PORT/v1 */
const gchar *test_server_get_base_url (TestServer * server);
/* Stops the server and waits for its thread. */
void test_server_free (TestServer * server);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestServer, test_server_free)

G_END_DECLS

#endif
