/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "emulator-cache.h"

#include <errno.h>
#include <glib/gstdio.h>

/* Bump when the rendering changes, so old cache entries are not reused. */
#define CACHE_VERSION "apigo-emulator-cache-2"

static const gchar *const suffixes[] = { ".mp4", ".thumbnail.jpg",
  ".spritesheet.jpg"
};

/* Length-prefixed, so that no two different specs hash the same input. */
static void
checksum_add (GChecksum * sum, gconstpointer data, gsize size)
{
  guint64 len = GUINT64_TO_LE ((guint64) size);

  g_checksum_update (sum, (const guchar *) &len, sizeof (len));
  g_checksum_update (sum, data, size);
}

static void
checksum_add_uint (GChecksum * sum, guint value)
{
  guint32 le = GUINT32_TO_LE (value);

  checksum_add (sum, &le, sizeof (le));
}

static void
checksum_add_part (GChecksum * sum, const EmuRenderPart * part)
{
  checksum_add (sum, part->text, strlen (part->text));
  checksum_add_uint (sum, part->seconds);
}

gchar *
emu_cache_key (const EmuRenderSpec * spec)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const EmuRenderPart *first = &spec->parts[0];
  guint i;

  /* The first part where a clip's only one always was, the others after
   * everything: keys of one-part clips did not change with stitching. */
  checksum_add (sum, CACHE_VERSION, strlen (CACHE_VERSION));
  checksum_add (sum, first->text, strlen (first->text));
  checksum_add_uint (sum, spec->width);
  checksum_add_uint (sum, spec->height);
  checksum_add_uint (sum, first->seconds);
  checksum_add_uint (sum, spec->faststart ? 1 : 0);
  checksum_add_uint (sum, spec->audio ? 1 : 0);
  if (spec->reference) {
    gsize size;
    gconstpointer data = g_bytes_get_data (spec->reference, &size);

    checksum_add (sum, data, size);
  } else {
    checksum_add (sum, NULL, 0);
  }
  for (i = 1; i < spec->n_parts; i++)
    checksum_add_part (sum, &spec->parts[i]);

  return g_strdup (g_checksum_get_string (sum));
}

static gchar *
entry_path (const gchar * dir, const gchar * key, guint i)
{
  g_autofree gchar *name = g_strconcat (key, suffixes[i], NULL);

  return g_build_filename (dir, name, NULL);
}

gboolean
emu_cache_load (const gchar * dir, const gchar * key, EmuRenderOutput * out)
{
  GBytes **slots[] = { &out->video, &out->thumbnail, &out->spritesheet };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (suffixes); i++) {
    g_autofree gchar *path = entry_path (dir, key, i);
    gchar *contents;
    gsize length;

    if (!g_file_get_contents (path, &contents, &length, NULL) || length == 0) {
      emu_render_output_clear (out);
      return FALSE;
    }
    *slots[i] = g_bytes_new_take (contents, length);
  }
  return TRUE;
}

void
emu_cache_store (const gchar * dir, const gchar * key,
    const EmuRenderOutput * out)
{
  GBytes *items[] = { out->video, out->thumbnail, out->spritesheet };
  guint i;

  /* Video last: a reader needs all three, and each write is atomic. */
  for (i = G_N_ELEMENTS (suffixes); i-- > 0;) {
    g_autofree gchar *path = entry_path (dir, key, i);
    g_autoptr (GError) error = NULL;
    gsize size;
    gconstpointer data = g_bytes_get_data (items[i], &size);

    if (!g_file_set_contents (path, data, size, &error)) {
      g_warning ("Cannot cache %s: %s", path, error->message);
      return;
    }
  }
}

gchar *
emu_cache_make_private_dir (GError ** error)
{
  return g_dir_make_tmp ("apigo-emulator-XXXXXX", error);
}

void
emu_cache_remove_dir (const gchar * dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  /* Only our own flat directory: no recursion needed. */
  while (d && (name = g_dir_read_name (d))) {
    g_autofree gchar *path = g_build_filename (dir, name, NULL);

    if (g_unlink (path) != 0)
      g_warning ("Cannot remove %s: %s", path, g_strerror (errno));
  }
  if (g_rmdir (dir) != 0)
    g_warning ("Cannot remove %s: %s", dir, g_strerror (errno));
}
