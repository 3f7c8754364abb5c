/* gst-apigo: a programmable, misbehaving /v1/videos service for tests
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Writes answers on connections taken from libsoup, in the forms of
 * HostileWire.  For the server's thread only.
 */

#ifndef __HOSTILE_WIRE_H__
#define __HOSTILE_WIRE_H__

#include "hostile-server.h"

G_BEGIN_DECLS

typedef struct _HostileWires HostileWires;

HostileWires *hostile_wires_new (void);
/* Closes every connection still held, ending the writes under way. */
void hostile_wires_free (HostileWires * wires);
/* Once libsoup has let go of @msg (from within its handler), writes
 * @answer (copied) on its connection. */
void hostile_wires_send (HostileWires * wires, SoupServerMessage * msg,
    const HostileAnswer * answer);

G_END_DECLS

#endif /* __HOSTILE_WIRE_H__ */
