/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The clock the tasks' timelines run on: CLOCK_MONOTONIC (microseconds),
 * unless a test holds it (it then stands still) or moves it on by hand, so
 * that what a task reports does not depend on how fast the machine is.
 * Reference-counted: tasks outlive the table.  Thread-safe.
 */

#ifndef __EMULATOR_CLOCK_H__
#define __EMULATOR_CLOCK_H__

#include <glib.h>

G_BEGIN_DECLS

typedef struct _EmuClock EmuClock;

EmuClock *emu_clock_new (void);
EmuClock *emu_clock_ref (EmuClock * clock);
void emu_clock_unref (EmuClock * clock);

gint64 emu_clock_now (EmuClock * clock);
/* Held, the clock stands still; released, it runs on from there. */
void emu_clock_set_held (EmuClock * clock, gboolean held);
gboolean emu_clock_get_held (EmuClock * clock);
void emu_clock_advance (EmuClock * clock, gint64 microseconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EmuClock, emu_clock_unref);

G_END_DECLS

#endif /* __EMULATOR_CLOCK_H__ */
