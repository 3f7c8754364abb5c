/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_TAGS_H__
#define __GST_APIGO_TAGS_H__

#include <gst/gst.h>

G_BEGIN_DECLS

/* The task the clip came from: no standard tag fits a service's id. */
#define GST_APIGO_TAG_VIDEO_ID "apigo-video-id"

void gst_apigo_tags_register (void);

/* The clip's tags: the prompt as title, the model as encoder, the task id
 * (also as an extended comment "apigo-video-id=ID", which containers keep).
 * NULL fields are left out. */
GstTagList *gst_apigo_tags_new (const gchar * prompt, const gchar * model,
    const gchar * video_id);

G_END_DECLS

#endif /* __GST_APIGO_TAGS_H__ */
