/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstapigotags.h"

void
gst_apigo_tags_register (void)
{
  gst_tag_register_static (GST_APIGO_TAG_VIDEO_ID, GST_TAG_FLAG_META,
      G_TYPE_STRING, "apigo video id",
      "Id of the video generation task the clip came from", NULL);
}

GstTagList *
gst_apigo_tags_new (const gchar * prompt, const gchar * model,
    const gchar * video_id)
{
  GstTagList *tags = gst_tag_list_new_empty ();

  gst_tag_list_set_scope (tags, GST_TAG_SCOPE_GLOBAL);
  if (prompt != NULL)
    gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, GST_TAG_TITLE, prompt,
        NULL);
  if (model != NULL)
    gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, GST_TAG_ENCODER, model,
        NULL);
  if (video_id != NULL) {
    g_autofree gchar *comment = g_strdup_printf ("apigo-video-id=%s",
        video_id);

    gst_tag_list_add (tags, GST_TAG_MERGE_REPLACE, GST_APIGO_TAG_VIDEO_ID,
        video_id, GST_TAG_EXTENDED_COMMENT, comment, NULL);
  }
  return tags;
}
