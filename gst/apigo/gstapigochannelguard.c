/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstapigochannelguard.h"

GST_DEBUG_CATEGORY_EXTERN (gst_apigo_channel_debug);
#define GST_CAT_DEFAULT gst_apigo_channel_debug

/* After a 429's wait, new clips wait this much more: the retries of the
 * clips that met it go out first. */
#define RATE_LIMIT_GRACE_MS 1000
/* A clip that gave up on 429s said no wait: this one. */
#define RATE_LIMIT_FALLBACK_MS (10 * 1000)
/* After a budget refusal, how long until a paid clip is tried again (the
 * budget may have reset, or been raised).  A refusal sends nothing, so a
 * try costs nothing; it is only not to try in a loop. */
#define BUDGET_BACKOFF_MS (10 * 60 * 1000)
/* The service unreachable or failing (5xx, network) after a clip's own
 * retries: the next clips wait this long, doubled at each such failure up
 * to the most, so that an outage is not a warning every second. */
#define DOWN_BACKOFF_FIRST_MS (5 * 1000)
#define DOWN_BACKOFF_MAX_MS (60 * 1000)
/* A prompt the service refused (400, a failed task: moderation...) is
 * passed over this long: a looping channel would ask again every round. */
#define REFUSED_BACKOFF_MS (10 * 60 * 1000)

struct _GstApigoChannelGuard
{
  GMutex lock;
  gint64 rate_until;            /* monotonic µs: no start before */
  gint64 budget_until;          /* monotonic µs: no paid start before */
  gint64 down_until;            /* monotonic µs: the service is down */
  gint64 down_wait_ms;          /* the next wait when it fails again */
  const gchar *down_why;        /* "service-down" or "auth" */
  GHashTable *refused;          /* prompt -> monotonic µs until retried */
  gint64 told_rate_until;       /* the last backoffs posted */
  gint64 told_budget_until;
  gint64 told_down_until;
  GHashTable *aired;            /* prompts aired (set) */
};

GstApigoChannelGuard *
gst_apigo_channel_guard_new (void)
{
  GstApigoChannelGuard *guard = g_new0 (GstApigoChannelGuard, 1);

  g_mutex_init (&guard->lock);
  guard->aired = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);
  guard->refused = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  guard->down_why = "service-down";
  return guard;
}

void
gst_apigo_channel_guard_free (GstApigoChannelGuard * guard)
{
  if (guard == NULL)
    return;
  g_hash_table_unref (guard->aired);
  g_hash_table_unref (guard->refused);
  g_mutex_clear (&guard->lock);
  g_free (guard);
}

static void
back_off (GstApigoChannelGuard * guard, gint64 * until, gint64 wait_ms,
    const gchar * why)
{
  gint64 at = g_get_monotonic_time () + MAX (wait_ms, 0) * 1000;

  g_mutex_lock (&guard->lock);
  if (at > *until) {
    *until = at;
    GST_INFO ("%s: no new clip for %" G_GINT64_FORMAT " ms", why, wait_ms);
  }
  g_mutex_unlock (&guard->lock);
}

void
gst_apigo_channel_guard_rate_limited (GstApigoChannelGuard * guard,
    gint64 wait_ms)
{
  /* A second more: the clips that were told to wait go first. */
  back_off (guard, &guard->rate_until, wait_ms + RATE_LIMIT_GRACE_MS,
      "rate-limited");
}

void
gst_apigo_channel_guard_aired (GstApigoChannelGuard * guard,
    const gchar * prompt)
{
  g_mutex_lock (&guard->lock);
  g_hash_table_add (guard->aired, g_strdup (prompt));
  g_mutex_unlock (&guard->lock);
}

const gchar *
gst_apigo_channel_guard_why (const GstStructure * details)
{
  guint status = 0;

  const gchar *cause;

  if (details == NULL)
    return "failed";
  cause = gst_structure_get_string (details, "cause");
  if (g_strcmp0 (cause, "budget") == 0)
    return "budget";
  if (gst_structure_get_uint (details, "http-status-code", &status)
      && status == 429)
    return "rate-limited";
  if (g_strcmp0 (cause, "transient") == 0
      || g_strcmp0 (cause, "network") == 0)
    return "service-down";
  if (g_strcmp0 (cause, "auth") == 0)
    return "auth";
  if (g_strcmp0 (cause, "bad-request") == 0
      || g_strcmp0 (cause, "task-failed") == 0)
    return "refused";
  return "failed";
}

/* The next service-down wait: doubled from the first, up to the most. */
static gint64
next_down_wait (GstApigoChannelGuard * guard)
{
  gint64 wait;

  g_mutex_lock (&guard->lock);
  wait = guard->down_wait_ms ? guard->down_wait_ms : DOWN_BACKOFF_FIRST_MS;
  guard->down_wait_ms = MIN (wait * 2, DOWN_BACKOFF_MAX_MS);
  g_mutex_unlock (&guard->lock);
  return wait;
}

void
gst_apigo_channel_guard_ready (GstApigoChannelGuard * guard)
{
  g_mutex_lock (&guard->lock);
  guard->down_wait_ms = 0;
  g_mutex_unlock (&guard->lock);
}

/* The service (or our key) fails whatever the prompt: everything waits. */
static void
service_down (GstApigoChannelGuard * guard, const gchar * why)
{
  gint64 wait = next_down_wait (guard);

  g_mutex_lock (&guard->lock);
  guard->down_why = why;
  g_mutex_unlock (&guard->lock);
  back_off (guard, &guard->down_until, wait, why);
}

static void
refuse (GstApigoChannelGuard * guard, const gchar * prompt)
{
  gint64 until = g_get_monotonic_time () + REFUSED_BACKOFF_MS * 1000;

  g_mutex_lock (&guard->lock);
  g_hash_table_insert (guard->refused, g_strdup (prompt),
      g_memdup2 (&until, sizeof until));
  g_mutex_unlock (&guard->lock);
  GST_INFO ("\"%s\" refused: passed over for %d s", prompt,
      REFUSED_BACKOFF_MS / 1000);
}

void
gst_apigo_channel_guard_failed (GstApigoChannelGuard * guard,
    const gchar * prompt, const GstStructure * details)
{
  const gchar *why = gst_apigo_channel_guard_why (details);

  if (g_str_equal (why, "budget"))
    back_off (guard, &guard->budget_until, BUDGET_BACKOFF_MS, why);
  else if (g_str_equal (why, "rate-limited"))
    back_off (guard, &guard->rate_until, RATE_LIMIT_FALLBACK_MS, why);
  else if (g_str_equal (why, "service-down") || g_str_equal (why, "auth"))
    service_down (guard, why);
  else if (g_str_equal (why, "refused"))
    refuse (guard, prompt);
}

/* Whether @prompt was refused lately; under lock. */
static gboolean
is_refused (GstApigoChannelGuard * guard, const gchar * prompt, gint64 now)
{
  const gint64 *until = g_hash_table_lookup (guard->refused, prompt);

  if (until == NULL)
    return FALSE;
  if (now < *until)
    return TRUE;
  g_hash_table_remove (guard->refused, prompt);
  return FALSE;
}

GstApigoChannelGuardVerdict
gst_apigo_channel_guard_check (GstApigoChannelGuard * guard,
    const gchar * prompt)
{
  GstApigoChannelGuardVerdict verdict = GST_APIGO_CHANNEL_GUARD_START;
  gint64 now = g_get_monotonic_time ();

  g_mutex_lock (&guard->lock);
  /* A clip the channel aired is kept: its replay asks nothing. */
  if (g_hash_table_contains (guard->aired, prompt))
    verdict = GST_APIGO_CHANNEL_GUARD_START;
  /* Refused lately: asking again would be refused again. */
  else if (is_refused (guard, prompt, now))
    verdict = GST_APIGO_CHANNEL_GUARD_SKIP;
  /* Spent for long: air what the channel has, skip the rest. */
  else if (now < guard->budget_until)
    verdict = GST_APIGO_CHANNEL_GUARD_SKIP;
  /* Soon over: the order of the prompts is kept. */
  else if (now < guard->rate_until || now < guard->down_until)
    verdict = GST_APIGO_CHANNEL_GUARD_WAIT;
  g_mutex_unlock (&guard->lock);
  return verdict;
}

static gboolean
news_of (gint64 until, gint64 * told, gint64 now, gdouble * seconds)
{
  if (now >= until || *told == until)
    return FALSE;
  *told = until;
  *seconds = (until - now) / (gdouble) G_USEC_PER_SEC;
  return TRUE;
}

gboolean
gst_apigo_channel_guard_take_news (GstApigoChannelGuard * guard,
    const gchar ** why, gdouble * seconds)
{
  gint64 now = g_get_monotonic_time ();
  gboolean news = TRUE;

  g_mutex_lock (&guard->lock);
  if (news_of (guard->budget_until, &guard->told_budget_until, now, seconds))
    *why = "budget";
  else if (news_of (guard->rate_until, &guard->told_rate_until, now,
          seconds))
    *why = "rate-limited";
  else if (news_of (guard->down_until, &guard->told_down_until, now,
          seconds))
    *why = guard->down_why;
  else
    news = FALSE;
  g_mutex_unlock (&guard->lock);
  return news;
}
