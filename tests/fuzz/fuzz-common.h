/* gst-apigo: what the fuzz targets share
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __FUZZ_COMMON_H__
#define __FUZZ_COMMON_H__

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "apigo-task.h"

G_BEGIN_DECLS

/* libFuzzer's entry points; replay-main.c calls them the same way. */
int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

/* A broken invariant aborts: libFuzzer and the replay both report an abort
 * as a crash, with the input that caused it. */
G_NORETURN void fuzz_fail (const gchar * file, gint line, const gchar * what);

#define fuzz_check(expr) G_STMT_START {                                 \
    if (G_UNLIKELY (!(expr)))                                           \
      fuzz_fail (__FILE__, __LINE__, #expr);                            \
  } G_STMT_END

/* An HTTP body as the client hands it over: g_bytes_get_data() gives NULL
 * for an empty body, so the parsers get NULL too. */
static inline const gchar *
fuzz_body (const uint8_t * data, size_t size)
{
  return size > 0 ? (const gchar *) data : NULL;
}

/* What the service says that is shown (messages, statuses): NULL, or
 * valid UTF-8 without control characters (C0, DEL, C1) or a space at
 * either end. */
void fuzz_check_shown (const gchar * text);

/* What every parsed task must satisfy, and that its copy is equal. */
void fuzz_check_task (const ApigoTask * task);

/* What every parse failure must be: an APIGO_ERROR_PROTOCOL. */
void fuzz_check_protocol_error (const GError * error);

G_END_DECLS

#endif /* __FUZZ_COMMON_H__ */
