/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_APPROVAL_H__
#define __GST_APIGO_APPROVAL_H__

#include <gst/gst.h>
#include <gio/gio.h>

#include "apigo-client.h"

G_BEGIN_DECLS

/* The element message that asks the application whether a paid create may
 * go out (ask-application=true; docs/spending.md).  Its "promise" field is
 * a GstPromise the application replies to with a structure whose boolean
 * "allow" says yes; anything else, or no reply before the element stops,
 * is no. */
#define GST_APIGO_CREATE_REQUEST_MESSAGE "apigo-create-request"

/* Posts the message for @request from @element and waits for the reply or
 * @cancellable.  FALSE with an APIGO_ERROR_BUDGET error when the
 * application said no (its "reason", if it gave one, in the message), or
 * with G_IO_ERROR_CANCELLED. */
gboolean gst_apigo_ask_application (GstElement * element,
    const ApigoCreateRequest * request, GCancellable * cancellable,
    GError ** error);

G_END_DECLS

#endif /* __GST_APIGO_APPROVAL_H__ */
