/* gst-apigo: what the fuzz targets share
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apigo-error.h"

void
fuzz_fail (const gchar * file, gint line, const gchar * what)
{
  fprintf (stderr, "%s:%d: invariant broken: %s\n", file, line, what);
  abort ();
}

/* Errors, criticals and warnings mean misuse or a bug: shown, then a
 * crash the fuzzer keeps.  Anything else the libraries log is noise at
 * thousands of inputs a second. */
static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags level, const GLogField * fields,
    gsize n_fields, gpointer user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL |
          G_LOG_LEVEL_WARNING)) {
    g_log_writer_standard_streams (level, fields, n_fields, user_data);
    abort ();
  }
  return G_LOG_WRITER_HANDLED;
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
  return 0;
}

void
fuzz_check_shown (const gchar * text)
{
  const gchar *p;

  if (text == NULL)
    return;
  fuzz_check (g_utf8_validate (text, -1, NULL));
  fuzz_check (text[0] != '\0' && text[0] != ' ');
  fuzz_check (text[strlen (text) - 1] != ' ');
  for (p = text; *p != '\0'; p = g_utf8_next_char (p))
    fuzz_check (!g_unichar_iscntrl (g_utf8_get_char (p)));
}

void
fuzz_check_task (const ApigoTask * task)
{
  ApigoTask *copy;

  fuzz_check (task != NULL);
  fuzz_check (apigo_task_id_is_valid (task->id));
  fuzz_check (task->status_text != NULL && task->status_text[0] != '\0');
  fuzz_check (task->status ==
      apigo_task_status_from_string (task->status_text));
  fuzz_check (task->progress == -1
      || (task->progress >= 0 && task->progress <= 100));
  fuzz_check (task->created_at >= 0);
  fuzz_check (task->completed_at >= 0);
  fuzz_check (task->expires_at >= 0);
  fuzz_check_shown (task->status_text);
  fuzz_check_shown (task->error_code);
  fuzz_check_shown (task->error_message);
  fuzz_check_shown (task->error_type);
  fuzz_check_shown (task->error_param);
  /* Not checked: that the other text fields are valid UTF-8.  json-glib 1.6
   * passes a lone surrogate escape ("\udc00") through as invalid UTF-8. */

  copy = apigo_task_copy (task);
  fuzz_check (copy != task);
  fuzz_check (g_strcmp0 (copy->id, task->id) == 0);
  fuzz_check (copy->status == task->status);
  fuzz_check (g_strcmp0 (copy->status_text, task->status_text) == 0);
  fuzz_check (copy->progress == task->progress);
  fuzz_check (copy->created_at == task->created_at);
  fuzz_check (copy->completed_at == task->completed_at);
  fuzz_check (copy->expires_at == task->expires_at);
  fuzz_check (g_strcmp0 (copy->model, task->model) == 0);
  fuzz_check (g_strcmp0 (copy->prompt, task->prompt) == 0);
  fuzz_check (g_strcmp0 (copy->size, task->size) == 0);
  fuzz_check (g_strcmp0 (copy->seconds, task->seconds) == 0);
  fuzz_check (g_strcmp0 (copy->remixed_from_video_id,
          task->remixed_from_video_id) == 0);
  fuzz_check (g_strcmp0 (copy->error_code, task->error_code) == 0);
  fuzz_check (g_strcmp0 (copy->error_message, task->error_message) == 0);
  fuzz_check (g_strcmp0 (copy->error_type, task->error_type) == 0);
  fuzz_check (g_strcmp0 (copy->error_param, task->error_param) == 0);
  apigo_task_free (copy);
}

void
fuzz_check_protocol_error (const GError * error)
{
  fuzz_check (error != NULL);
  fuzz_check (g_error_matches (error, APIGO_ERROR, APIGO_ERROR_PROTOCOL));
  fuzz_check (error->message != NULL && error->message[0] != '\0');
  /* An extended error: its details come along. */
  fuzz_check (apigo_error_get_details (error) != NULL);
}
