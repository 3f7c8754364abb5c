/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A directory of rendered assets, keyed by a hash of everything that changes
 * the rendering, so that identical requests (across runs when the directory
 * is kept) skip the encoder.
 */

#ifndef __EMULATOR_CACHE_H__
#define __EMULATOR_CACHE_H__

#include "emulator-render.h"

G_BEGIN_DECLS

gchar *emu_cache_key (const EmuRenderSpec * spec);
gboolean emu_cache_load (const gchar * dir, const gchar * key,
    EmuRenderOutput * out);
void emu_cache_store (const gchar * dir, const gchar * key,
    const EmuRenderOutput * out);

/* A private directory, and its removal with everything in it. */
gchar *emu_cache_make_private_dir (GError ** error);
void emu_cache_remove_dir (const gchar * dir);

G_END_DECLS

#endif /* __EMULATOR_CACHE_H__ */
