/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "emulator-clock.h"

struct _EmuClock
{
  GMutex lock;
  gint64 offset;                /* from CLOCK_MONOTONIC while running */
  gint64 held_at;               /* the time it stands at, -1: running */
};

static void
emu_clock_clear (EmuClock * clock)
{
  g_mutex_clear (&clock->lock);
}

EmuClock *
emu_clock_new (void)
{
  EmuClock *clock = g_atomic_rc_box_new0 (EmuClock);

  g_mutex_init (&clock->lock);
  clock->held_at = -1;
  return clock;
}

EmuClock *
emu_clock_ref (EmuClock * clock)
{
  return g_atomic_rc_box_acquire (clock);
}

void
emu_clock_unref (EmuClock * clock)
{
  g_atomic_rc_box_release_full (clock, (GDestroyNotify) emu_clock_clear);
}

gint64
emu_clock_now (EmuClock * clock)
{
  gint64 now;

  g_mutex_lock (&clock->lock);
  now = clock->held_at >= 0 ? clock->held_at :
      g_get_monotonic_time () + clock->offset;
  g_mutex_unlock (&clock->lock);
  return now;
}

void
emu_clock_set_held (EmuClock * clock, gboolean held)
{
  g_mutex_lock (&clock->lock);
  if (held && clock->held_at < 0)
    clock->held_at = g_get_monotonic_time () + clock->offset;
  else if (!held && clock->held_at >= 0) {
    clock->offset = clock->held_at - g_get_monotonic_time ();
    clock->held_at = -1;
  }
  g_mutex_unlock (&clock->lock);
}

gboolean
emu_clock_get_held (EmuClock * clock)
{
  gboolean held;

  g_mutex_lock (&clock->lock);
  held = clock->held_at >= 0;
  g_mutex_unlock (&clock->lock);
  return held;
}

void
emu_clock_advance (EmuClock * clock, gint64 microseconds)
{
  g_mutex_lock (&clock->lock);
  if (clock->held_at >= 0)
    clock->held_at += microseconds;
  else
    clock->offset += microseconds;
  g_mutex_unlock (&clock->lock);
}
