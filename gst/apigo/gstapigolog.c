/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "gstapigolog.h"
#include "apigo-log.h"

static GstDebugCategory *categories[APIGO_LOG_N_DOMAINS];

static gboolean
log_enabled (ApigoLogDomain domain, ApigoLogLevel level)
{
  /* NULL in a GStreamer built without debug logs. */
  return categories[domain] != NULL
      && (GstDebugLevel) level <= gst_debug_category_get_threshold
      (categories[domain]);
}

static void
log_write (ApigoLogDomain domain, ApigoLogLevel level, const gchar * file,
    const gchar * function, gint line, const gchar * message)
{
  /* The element the line is told for (apigo_log_set_owner()), if any. */
  gst_debug_log (categories[domain], (GstDebugLevel) level, file, function,
      line, apigo_log_get_owner (), "%s", message);
}

static const ApigoLogSink sink = { log_enabled, log_write };

void
gst_apigo_log_init (void)
{
  static const struct
  {
    ApigoLogDomain domain;
    const gchar *name;
    const gchar *description;
  } names[] = {
    {APIGO_LOG_CLIENT, "apigoclient",
        "Videos API requests, answers, retries and downloads"},
    {APIGO_LOG_JOB, "apigojob",
        "Generations: phases, resumed tasks, lost creates, delete-remote"},
    {APIGO_LOG_CACHE, "apigocache",
        "Journal and kept clips: hits, misses, kept, evicted, partials"},
    {APIGO_LOG_LOCK, "apigolock",
        "Runs of the same request taking turns"},
    {APIGO_LOG_SPEND, "apigospend",
        "The budget: creates counted against it, and refused"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (names); i++)
    GST_DEBUG_CATEGORY_INIT (categories[names[i].domain], names[i].name, 0,
        names[i].description);
  apigo_log_set_sink (&sink);
}
