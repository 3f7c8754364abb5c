/* gst-apigo: fuzz target for the task object parser
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: the body of a create, retrieve or remix answer.  The same bytes
 * are also checked as a video id against a restatement of its rule.
 */

#include "fuzz-common.h"

#include <string.h>

#include "apigo-task.h"

/* apigo_task_id_is_valid() said again, plainly: ids go into URL paths. */
static gboolean
id_is_valid_reference (const gchar * id)
{
  gsize len = strlen (id);
  gsize i;

  if (len == 0 || len > 256 || strcmp (id, ".") == 0
      || strcmp (id, "..") == 0)
    return FALSE;

  for (i = 0; i < len; i++) {
    gchar c = id[i];

    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
            || c == ':' || c == '~'))
      return FALSE;
  }
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  GError *error = NULL;
  ApigoTask *task;
  gchar *id;

  task = apigo_task_new_from_json (fuzz_body (data, size), size, &error);
  if (task != NULL) {
    fuzz_check (error == NULL);
    fuzz_check_task (task);
    apigo_task_free (task);
  } else {
    fuzz_check_protocol_error (error);
    g_error_free (error);
  }

  id = g_strndup ((const gchar *) data, size);
  fuzz_check (apigo_task_id_is_valid (id) == id_is_valid_reference (id));
  g_free (id);

  return 0;
}
