/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The HTTP side: one SoupServer handler that routes /v1/videos requests,
 * checks auth, applies injected faults, validates and answers, and streams
 * content (ranges, pacing, chunked encoding, cut and dropped connections);
 * another for the CDN origin's /cdn/{id}.  Everything here runs on the
 * server thread.
 */

#ifndef __EMULATOR_ROUTES_H__
#define __EMULATOR_ROUTES_H__

#include <libsoup/soup.h>

#include "apigo-emulator.h"

G_BEGIN_DECLS

typedef struct _EmuRoutes EmuRoutes;

/* @emu must outlive the routes; @cdn_server serves @cdn_origin. */
EmuRoutes *emu_routes_new (ApigoEmulator * emu, SoupServer * server,
    SoupServer * cdn_server, const gchar * cdn_origin);
/* Drops the answers still being paced or delayed. */
void emu_routes_free (EmuRoutes * routes);

G_END_DECLS

#endif /* __EMULATOR_ROUTES_H__ */
