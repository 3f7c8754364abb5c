/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-deadline.h"

/* Shared by every request of the process: one sleeping thread, whatever the
 * number of requests in flight. */
static GMainContext *timer_context;

static gpointer
timer_thread (gpointer data)
{
  for (;;)
    g_main_context_iteration (timer_context, TRUE);
  return NULL;
}

static GMainContext *
get_timer_context (void)
{
  static gsize started = 0;

  if (g_once_init_enter (&started)) {
    timer_context = g_main_context_new ();
    /* Never joined: it lives as long as the process. */
    g_thread_unref (g_thread_new ("apigo-timer", timer_thread, NULL));
    g_once_init_leave (&started, 1);
  }
  return timer_context;
}

struct _ApigoDeadline
{
  gint refcount;                /* the owner's and the timer source's */
  GMutex lock;
  GCancellable *cancellable;
  GCancellable *parent;
  gulong parent_handler;
  GSource *source;              /* NULL when no moment is set */
  gboolean expired;
};

static void
deadline_unref (ApigoDeadline * d)
{
  if (!g_atomic_int_dec_and_test (&d->refcount))
    return;
  g_object_unref (d->cancellable);
  g_mutex_clear (&d->lock);
  g_free (d);
}

static gboolean
on_moment (gpointer data)
{
  ApigoDeadline *d = data;
  gboolean fire = FALSE;

  g_mutex_lock (&d->lock);
  /* Not moved or freed in the meantime. */
  if (d->source != NULL && g_source_get_ready_time (d->source) >= 0
      && g_get_monotonic_time () >= g_source_get_ready_time (d->source)
      && !g_cancellable_is_cancelled (d->cancellable)) {
    d->expired = TRUE;
    fire = TRUE;
  }
  g_mutex_unlock (&d->lock);

  if (fire)
    g_cancellable_cancel (d->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_parent_cancelled (GCancellable * parent, ApigoDeadline * d)
{
  g_cancellable_cancel (d->cancellable);
}

static gboolean
moment_dispatch (GSource * source, GSourceFunc callback, gpointer data)
{
  return callback (data);
}

/* A source that is ready at its ready time, and nothing else. */
static GSourceFuncs moment_funcs = { NULL, NULL, moment_dispatch, NULL,
  NULL, NULL
};

/* Called with the lock held. */
static void
arm (ApigoDeadline * d, gint64 at_us)
{
  if (d->source != NULL) {
    g_source_destroy (d->source);
    g_source_unref (d->source);
    d->source = NULL;
  }
  if (at_us == G_MAXINT64 || d->expired)
    return;

  d->source = g_source_new (&moment_funcs, sizeof (GSource));
  g_source_set_ready_time (d->source, at_us);
  g_atomic_int_inc (&d->refcount);
  g_source_set_callback (d->source, on_moment, d,
      (GDestroyNotify) deadline_unref);
  g_source_attach (d->source, get_timer_context ());
}

ApigoDeadline *
apigo_deadline_new (GCancellable * parent, gint64 at_us)
{
  ApigoDeadline *d = g_new0 (ApigoDeadline, 1);

  d->refcount = 1;
  g_mutex_init (&d->lock);
  d->cancellable = g_cancellable_new ();
  if (parent != NULL) {
    d->parent = g_object_ref (parent);
    /* Runs at once if the parent is already cancelled. */
    d->parent_handler = g_cancellable_connect (parent,
        G_CALLBACK (on_parent_cancelled), d, NULL);
  }
  g_mutex_lock (&d->lock);
  arm (d, at_us);
  g_mutex_unlock (&d->lock);
  return d;
}

void
apigo_deadline_set (ApigoDeadline * d, gint64 at_us)
{
  g_mutex_lock (&d->lock);
  if (!g_cancellable_is_cancelled (d->cancellable))
    arm (d, at_us);
  g_mutex_unlock (&d->lock);
}

GCancellable *
apigo_deadline_get_cancellable (ApigoDeadline * d)
{
  return d->cancellable;
}

gboolean
apigo_deadline_expired (ApigoDeadline * d)
{
  gboolean expired;

  g_mutex_lock (&d->lock);
  expired = d->expired;
  g_mutex_unlock (&d->lock);
  return expired;
}

void
apigo_deadline_free (ApigoDeadline * d)
{
  if (d == NULL)
    return;
  if (d->parent != NULL) {
    g_cancellable_disconnect (d->parent, d->parent_handler);
    g_object_unref (d->parent);
  }
  g_mutex_lock (&d->lock);
  arm (d, G_MAXINT64);
  g_mutex_unlock (&d->lock);
  deadline_unref (d);
}
