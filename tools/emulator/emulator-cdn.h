/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The CDN origin's signed URLs: content requests are redirected to
 * /cdn/{id}?variant=V&token=T on another port, where the token, not a
 * bearer key, grants access.  Server thread only.
 */

#ifndef __EMULATOR_CDN_H__
#define __EMULATOR_CDN_H__

#include <glib.h>

G_BEGIN_DECLS

typedef struct _EmuCdn EmuCdn;

/* @origin: "http://127.0.0.1:PORT". */
EmuCdn *emu_cdn_new (const gchar * origin);
void emu_cdn_free (EmuCdn * cdn);

/* A new URL with a new token for @video_id (@variant NULL: "video"). */
gchar *emu_cdn_sign (EmuCdn * cdn, const gchar * video_id,
    const gchar * variant);
/* Whether @token was issued for @video_id. */
gboolean emu_cdn_check (EmuCdn * cdn, const gchar * token,
    const gchar * video_id);

G_END_DECLS

#endif /* __EMULATOR_CDN_H__ */
