/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What tests have in store for the next requests and tasks: injected
 * answers, dropped connections, cut downloads, failing and scripted tasks.
 * Queued from test threads, consumed on the server thread.  Thread-safe.
 */

#ifndef __EMULATOR_FAULTS_H__
#define __EMULATOR_FAULTS_H__

#include "apigo-emulator.h"

G_BEGIN_DECLS

typedef struct _EmuFaults EmuFaults;

typedef enum
{
  EMU_FAULT_NONE = 0,
  EMU_FAULT_ANSWER,             /* answer with the injected status instead */
  EMU_FAULT_DROP,               /* close the connection, do nothing */
  EMU_FAULT_DROP_ANSWER,        /* do the work, close without answering */
} EmuFaultAction;

/* What one request gets. */
typedef struct
{
  EmuFaultAction action;
  guint http_status;
  ApigoEmulatorBody body;
  gchar *retry_after;
  gchar *retry_after_ms;
  gchar *x_should_retry;
} EmuFault;

void emu_fault_clear (EmuFault * fault);

EmuFaults *emu_faults_new (void);
void emu_faults_free (EmuFaults * faults);

/* Queues @spec->count of @action for @spec->route; only ANSWER reads the
 * status, body and headers. */
void emu_faults_push (EmuFaults * faults, EmuFaultAction action,
    const ApigoEmulatorFault * spec);
/* The first queued fault for @route (or for any route) into @out, which
 * the caller clears; FALSE, and @out zeroed, when none is due. */
gboolean emu_faults_take (EmuFaults * faults, ApigoEmulatorRoute route,
    EmuFault * out);

void emu_faults_set_cut (EmuFaults * faults, gsize after_bytes, guint count);
gboolean emu_faults_take_cut (EmuFaults * faults, gsize * after_bytes);

void emu_faults_set_task_failures (EmuFaults * faults, guint count);
gboolean emu_faults_take_task_failure (EmuFaults * faults);

/* @words NULL or empty: none. */
void emu_faults_set_script (EmuFaults * faults, const gchar * const *words,
    gdouble step_seconds);
/* The script for the next task (transfer full), or NULL. */
gchar **emu_faults_take_script (EmuFaults * faults, gdouble * step_seconds);

G_END_DECLS

#endif /* __EMULATOR_FAULTS_H__ */
