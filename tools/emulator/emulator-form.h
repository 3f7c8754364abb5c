/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Reads the fields of a create, remix, extension or edit request, whichever
 * way the client encoded them: multipart/form-data (our plugin, the SDKs
 * with a file), application/json or application/x-www-form-urlencoded.
 */

#ifndef __EMULATOR_FORM_H__
#define __EMULATOR_FORM_H__

#include "emulator-answer.h"

G_BEGIN_DECLS

/* The field that carries the image. */
#define EMU_FORM_FILE_FIELD "input_reference"
/* The source of an extension or edit: JSON {"video": {"id": ...}} becomes
 * the field EMU_FORM_VIDEO_ID; anything else there (a file part, a URL)
 * sets video_other. */
#define EMU_FORM_VIDEO_FIELD "video"
#define EMU_FORM_VIDEO_ID "video_id"

typedef struct
{
  GHashTable *fields;           /* name -> value (both gchar*), scalars only */
  GBytes *file;                 /* input_reference bytes, or NULL */
  gchar *file_name;             /* as sent, or NULL */
  gchar *file_type;             /* as sent, or NULL */
  gboolean video_other;         /* "video" given, but not as an id */
  GPtrArray *files;             /* every file part (ApigoEmulatorFile) */
} EmuForm;

/* FALSE with @problem set when the body cannot be read. */
gboolean emu_form_parse (SoupServerMessage * msg, EmuForm * form,
    EmuProblem * problem);
void emu_form_clear (EmuForm * form);

/* "image/jpeg", "image/png" or "image/webp" from the first bytes, else
 * NULL: never trust the declared type. */
const gchar *emu_sniff_image (GBytes * bytes);

G_END_DECLS

#endif /* __EMULATOR_FORM_H__ */
