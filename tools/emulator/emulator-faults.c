/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "emulator-faults.h"

#include <string.h>

/* One queued call: the next @count requests on @route get @fault. */
typedef struct
{
  ApigoEmulatorRoute route;
  guint count;
  EmuFault fault;
} Pending;

struct _EmuFaults
{
  GMutex lock;
  GQueue pending;               /* Pending, applied in order */
  gsize cut_after;
  guint cut_count;
  guint fail_tasks;
  gchar **script;
  gdouble script_step;
};

void
emu_fault_clear (EmuFault * fault)
{
  g_free (fault->retry_after);
  g_free (fault->retry_after_ms);
  g_free (fault->x_should_retry);
  memset (fault, 0, sizeof (*fault));
}

static void
pending_free (Pending * pending)
{
  emu_fault_clear (&pending->fault);
  g_free (pending);
}

EmuFaults *
emu_faults_new (void)
{
  EmuFaults *faults = g_new0 (EmuFaults, 1);

  g_mutex_init (&faults->lock);
  g_queue_init (&faults->pending);
  return faults;
}

void
emu_faults_free (EmuFaults * faults)
{
  g_queue_clear_full (&faults->pending, (GDestroyNotify) pending_free);
  g_strfreev (faults->script);
  g_mutex_clear (&faults->lock);
  g_free (faults);
}

void
emu_faults_push (EmuFaults * faults, EmuFaultAction action,
    const ApigoEmulatorFault * spec)
{
  Pending *pending;

  if (spec->count == 0)
    return;

  pending = g_new0 (Pending, 1);
  pending->route = spec->route;
  pending->count = spec->count;
  pending->fault.action = action;
  if (action == EMU_FAULT_ANSWER) {
    pending->fault.http_status = spec->http_status;
    pending->fault.body = spec->body;
    pending->fault.retry_after = g_strdup (spec->retry_after);
    pending->fault.retry_after_ms = g_strdup (spec->retry_after_ms);
    pending->fault.x_should_retry = g_strdup (spec->x_should_retry);
  }

  g_mutex_lock (&faults->lock);
  g_queue_push_tail (&faults->pending, pending);
  g_mutex_unlock (&faults->lock);
}

gboolean
emu_faults_take (EmuFaults * faults, ApigoEmulatorRoute route, EmuFault * out)
{
  GList *l;
  gboolean found = FALSE;

  memset (out, 0, sizeof (*out));

  g_mutex_lock (&faults->lock);
  for (l = faults->pending.head; l; l = l->next) {
    Pending *pending = l->data;

    if (pending->route != APIGO_EMULATOR_ROUTE_ANY && pending->route != route)
      continue;
    *out = pending->fault;
    out->retry_after = g_strdup (pending->fault.retry_after);
    out->retry_after_ms = g_strdup (pending->fault.retry_after_ms);
    out->x_should_retry = g_strdup (pending->fault.x_should_retry);
    if (--pending->count == 0) {
      g_queue_delete_link (&faults->pending, l);
      pending_free (pending);
    }
    found = TRUE;
    break;
  }
  g_mutex_unlock (&faults->lock);
  return found;
}

void
emu_faults_set_cut (EmuFaults * faults, gsize after_bytes, guint count)
{
  g_mutex_lock (&faults->lock);
  faults->cut_after = after_bytes;
  faults->cut_count = count;
  g_mutex_unlock (&faults->lock);
}

gboolean
emu_faults_take_cut (EmuFaults * faults, gsize * after_bytes)
{
  gboolean cut = FALSE;

  g_mutex_lock (&faults->lock);
  if (faults->cut_count > 0) {
    faults->cut_count--;
    *after_bytes = faults->cut_after;
    cut = TRUE;
  }
  g_mutex_unlock (&faults->lock);
  return cut;
}

void
emu_faults_set_task_failures (EmuFaults * faults, guint count)
{
  g_mutex_lock (&faults->lock);
  faults->fail_tasks = count;
  g_mutex_unlock (&faults->lock);
}

gboolean
emu_faults_take_task_failure (EmuFaults * faults)
{
  gboolean fail = FALSE;

  g_mutex_lock (&faults->lock);
  if (faults->fail_tasks > 0) {
    faults->fail_tasks--;
    fail = TRUE;
  }
  g_mutex_unlock (&faults->lock);
  return fail;
}

void
emu_faults_set_script (EmuFaults * faults, const gchar * const *words,
    gdouble step_seconds)
{
  gchar **copy = NULL;

  if (words && words[0])
    copy = g_strdupv ((gchar **) words);

  g_mutex_lock (&faults->lock);
  g_strfreev (faults->script);
  faults->script = copy;
  faults->script_step = step_seconds;
  g_mutex_unlock (&faults->lock);
}

gchar **
emu_faults_take_script (EmuFaults * faults, gdouble * step_seconds)
{
  gchar **script;

  g_mutex_lock (&faults->lock);
  script = g_steal_pointer (&faults->script);
  *step_seconds = faults->script_step;
  g_mutex_unlock (&faults->lock);
  return script;
}
