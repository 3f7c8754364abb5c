/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "emulator-cdn.h"

struct _EmuCdn
{
  gchar *origin;
  GHashTable *tokens;           /* token -> video id */
};

EmuCdn *
emu_cdn_new (const gchar * origin)
{
  EmuCdn *cdn = g_new0 (EmuCdn, 1);

  cdn->origin = g_strdup (origin);
  cdn->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return cdn;
}

void
emu_cdn_free (EmuCdn * cdn)
{
  g_hash_table_unref (cdn->tokens);
  g_free (cdn->origin);
  g_free (cdn);
}

gchar *
emu_cdn_sign (EmuCdn * cdn, const gchar * video_id, const gchar * variant)
{
  g_autofree gchar *id = g_uri_escape_string (video_id, NULL, FALSE);
  g_autofree gchar *kind = g_uri_escape_string (variant ? variant : "video",
      NULL, FALSE);
  GString *token = g_string_new (NULL);
  gchar *url;
  guint i;

  /* A fresh token per redirect, valid until the emulator stops: like a
   * pre-signed URL that outlives the download it was made for (ranges,
   * resumes). */
  for (i = 0; i < 4; i++)
    g_string_append_printf (token, "%08x", g_random_int ());
  url = g_strdup_printf ("%s/cdn/%s?variant=%s&token=%s", cdn->origin, id,
      kind, token->str);
  g_hash_table_insert (cdn->tokens, g_string_free (token, FALSE),
      g_strdup (video_id));
  return url;
}

gboolean
emu_cdn_check (EmuCdn * cdn, const gchar * token, const gchar * video_id)
{
  const gchar *id;

  if (token == NULL)
    return FALSE;
  id = g_hash_table_lookup (cdn->tokens, token);
  return id != NULL && g_strcmp0 (id, video_id) == 0;
}
