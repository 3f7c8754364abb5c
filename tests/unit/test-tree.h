/* gst-apigo: removing a test's directory tree
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_TEST_TREE_H__
#define __APIGO_TEST_TREE_H__

#include <glib.h>

G_BEGIN_DECLS

/* Removes @path and all below it; a symbolic link is removed, never
 * followed (a test may link out of its directory). */
void test_remove_tree (const gchar * path);

G_END_DECLS

#endif
