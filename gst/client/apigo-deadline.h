/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_DEADLINE_H__
#define __APIGO_DEADLINE_H__

#include <gio/gio.h>

G_BEGIN_DECLS

/* A GCancellable that fires when its parent does or when a moment passes.
 * libsoup's own timeout only bounds each read: a server that trickles a
 * byte a second keeps a request alive for ever.  Handing a request this
 * cancellable bounds it whole.  The moment may be moved later (a download
 * that keeps making progress) or earlier; a process-wide timer thread
 * fires it. */
typedef struct _ApigoDeadline ApigoDeadline;

/* @at_us: g_get_monotonic_time() instant; G_MAXINT64 for none.  @parent
 * may be NULL. */
ApigoDeadline *apigo_deadline_new (GCancellable * parent, gint64 at_us);
void apigo_deadline_free (ApigoDeadline * deadline);

GCancellable *apigo_deadline_get_cancellable (ApigoDeadline * deadline);
/* Moves the moment; no effect once it has fired. */
void apigo_deadline_set (ApigoDeadline * deadline, gint64 at_us);
/* Whether it fired because the moment passed (not because of the parent). */
gboolean apigo_deadline_expired (ApigoDeadline * deadline);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApigoDeadline, apigo_deadline_free)

G_END_DECLS

#endif /* __APIGO_DEADLINE_H__ */
