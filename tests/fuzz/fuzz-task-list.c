/* gst-apigo: fuzz target for the task list parser
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: the body of a GET /videos answer, {"data": [...], "has_more"}.
 */

#include "fuzz-common.h"

#include "apigo-task.h"

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  const gchar *body = fuzz_body (data, size);
  GError *error = NULL;
  GPtrArray *tasks, *again;
  gboolean has_more = TRUE;
  guint i;

  tasks = apigo_task_list_new_from_json (body, size, &has_more, &error);
  if (tasks != NULL) {
    fuzz_check (error == NULL);
    for (i = 0; i < tasks->len; i++)
      fuzz_check_task (g_ptr_array_index (tasks, i));
  } else {
    fuzz_check_protocol_error (error);
    fuzz_check (!has_more);
    g_error_free (error);
  }

  /* apigo_client_list() asks without has_more: the same tasks. */
  again = apigo_task_list_new_from_json (body, size, NULL, NULL);
  fuzz_check ((again == NULL) == (tasks == NULL));
  if (tasks != NULL) {
    fuzz_check (again->len == tasks->len);
    for (i = 0; i < tasks->len; i++) {
      const ApigoTask *a = g_ptr_array_index (tasks, i);
      const ApigoTask *b = g_ptr_array_index (again, i);

      fuzz_check (g_strcmp0 (a->id, b->id) == 0);
    }
    g_ptr_array_unref (again);
    g_ptr_array_unref (tasks);
  }

  return 0;
}
