/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-log.h"

static const gchar *const domain_names[APIGO_LOG_N_DOMAINS] = {
  "apigo-client",
  "apigo-job",
  "apigo-cache",
  "apigo-lock",
  "apigo-spend",
};

static const ApigoLogSink *sink;
/* Thread-local: owners die with their threads' use of them. */
static GPrivate owner;

void
apigo_log_set_sink (const ApigoLogSink * new_sink)
{
  g_atomic_pointer_set (&sink, new_sink);
}

gpointer
apigo_log_set_owner (gpointer new_owner)
{
  gpointer old = g_private_get (&owner);

  g_private_set (&owner, new_owner);
  return old;
}

gpointer
apigo_log_get_owner (void)
{
  return g_private_get (&owner);
}

const gchar *
apigo_log_domain_name (ApigoLogDomain domain)
{
  g_return_val_if_fail (domain < APIGO_LOG_N_DOMAINS, "apigo");

  return domain_names[domain];
}

/* GLib's level for ours: warnings here are things we got over, which
 * GLib's WARNING (fatal in test programs) is not meant for. */
static GLogLevelFlags
glib_level (ApigoLogLevel level)
{
  switch (level) {
    case APIGO_LOG_LEVEL_WARNING:
      return G_LOG_LEVEL_MESSAGE;
    case APIGO_LOG_LEVEL_INFO:
      return G_LOG_LEVEL_INFO;
    default:
      return G_LOG_LEVEL_DEBUG;
  }
}

gboolean
apigo_log_enabled (ApigoLogDomain domain, ApigoLogLevel level)
{
  const ApigoLogSink *s = g_atomic_pointer_get (&sink);

  if (s != NULL)
    return s->enabled (domain, level);
  return !g_log_writer_default_would_drop (glib_level (level),
      domain_names[domain]);
}

void
apigo_log_write (ApigoLogDomain domain, ApigoLogLevel level,
    const gchar * file, const gchar * function, gint line,
    const gchar * format, ...)
{
  const ApigoLogSink *s = g_atomic_pointer_get (&sink);
  g_autofree gchar *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (s != NULL) {
    s->write (domain, level, file, function, line, message);
  } else {
    gchar line_text[16];

    g_snprintf (line_text, sizeof (line_text), "%d", line);
    g_log_structured_standard (domain_names[domain], glib_level (level),
        file, line_text, function, "%s", message);
  }
}
