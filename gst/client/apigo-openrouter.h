/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * OpenRouter's create request: a JSON body with an integer duration,
 * resolution and aspect_ratio for the size, and images as data: URLs
 * (docs/dialects.md).
 */

#ifndef __APIGO_OPENROUTER_H__
#define __APIGO_OPENROUTER_H__

#include "apigo-client.h"

G_BEGIN_DECLS

/* The largest body OpenRouter takes (its 413 above). */
#define APIGO_OPENROUTER_MAX_BODY ((gsize) 50 << 20)

/* @size (WIDTHxHEIGHT) as OpenRouter names it: *@resolution "720p" (the
 * short side) and *@aspect_ratio "16:9".  FALSE, both NULL, when either has
 * no name in OpenRouter's lists: the size is then sent as it is. */
gboolean apigo_openrouter_map_size (const gchar * size, gchar ** resolution,
    gchar ** aspect_ratio);

/* The JSON body of @request, a generate: model, prompt, duration (from
 * seconds, a whole number), resolution and aspect_ratio (or size),
 * frame_images (the input reference as the first frame, images named
 * first_frame or last_frame), input_references (the other images), then
 * the parameters, which win over the members derived above.  NULL with an
 * APIGO_ERROR_INVALID_SETTING error naming the setting when it cannot be
 * said, or when the body would be larger than OpenRouter takes. */
GBytes *apigo_openrouter_create_body (const ApigoCreateRequest * request,
    GError ** error);

G_END_DECLS

#endif /* __APIGO_OPENROUTER_H__ */
