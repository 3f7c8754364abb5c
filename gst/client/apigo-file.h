/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_FILE_H__
#define __APIGO_FILE_H__

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/* Opens the regular file @path (open(2) @flags, @mode for O_CREAT) without
 * ever blocking and without following a symbolic link at its end: a FIFO,
 * a device, a directory or a link someone left in the cache is refused
 * (G_FILE_ERROR; G_FILE_ERROR_NOENT when it does not exist), never waited
 * on, read for ever or written through.  -1 on failure. */
gint apigo_file_open_regular (const gchar * path, gint flags, mode_t mode,
    GError ** error);

/* The whole regular file @path, if it is at most @max bytes. */
gboolean apigo_file_read_small (const gchar * path, gsize max,
    gchar ** contents, gsize * len, GError ** error);

G_END_DECLS

#endif /* __APIGO_FILE_H__ */
