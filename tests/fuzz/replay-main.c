/* gst-apigo: runs a fuzz target over its corpus, without libFuzzer
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   fuzz-NAME DIR|FILE...
 * Every file given, and every file in each directory given (in name order,
 * so that runs are alike), goes once through LLVMFuzzerTestOneInput().  A
 * broken invariant aborts; an empty corpus fails, as it is surely a wrong
 * path.
 */

#include "fuzz-common.h"

#include <stdio.h>
#include <string.h>

static gboolean
replay_file (const gchar * path, guint * count)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *contents = NULL;
  guint8 *copy;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, &error)) {
    fprintf (stderr, "%s\n", error->message);
    return FALSE;
  }

  /* An exact-size copy, as libFuzzer gives: reading past the end is then
   * seen by valgrind (meson test --setup valgrind), not hidden by the NUL
   * g_file_get_contents() adds. */
  copy = g_malloc (MAX (len, 1));
  memcpy (copy, contents, len);
  LLVMFuzzerTestOneInput (copy, len);
  g_free (copy);

  (*count)++;
  return TRUE;
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar * const *) a, *(const gchar * const *) b);
}

static gboolean
replay_dir (const gchar * path, guint * count)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (path, 0, &error);
  const gchar *name;
  gboolean ok = TRUE;
  guint i;

  if (dir == NULL) {
    fprintf (stderr, "%s\n", error->message);
    return FALSE;
  }
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_dir_close (dir);

  g_ptr_array_sort (names, compare_names);
  for (i = 0; i < names->len; i++) {
    const gchar *file = g_ptr_array_index (names, i);

    if (g_file_test (file, G_FILE_TEST_IS_REGULAR))
      ok &= replay_file (file, count);
  }
  return ok;
}

int
main (int argc, char **argv)
{
  gboolean ok = TRUE;
  guint count = 0;
  int i;

  LLVMFuzzerInitialize (&argc, &argv);

  if (argc < 2) {
    fprintf (stderr, "usage: %s DIR|FILE...\n", argv[0]);
    return 2;
  }

  for (i = 1; i < argc; i++) {
    if (g_file_test (argv[i], G_FILE_TEST_IS_DIR))
      ok &= replay_dir (argv[i], &count);
    else
      ok &= replay_file (argv[i], &count);
  }

  printf ("%s: %u inputs replayed\n", argv[0], count);
  return ok && count > 0 ? 0 : 1;
}
