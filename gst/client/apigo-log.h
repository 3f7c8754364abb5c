/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_LOG_H__
#define __APIGO_LOG_H__

#include <glib.h>

G_BEGIN_DECLS

/* What the client layer tells of its work: requests and answers, retries
 * and their waits, resumes, cache decisions, turns between runs.  It knows
 * nothing of GStreamer: a front end with a log of its own installs a sink
 * (the plugin: GStreamer debug categories, gstapigolog.c).  Without one,
 * lines go to GLib's log under the domains apigo_log_domain_name() gives
 * (G_MESSAGES_DEBUG=apigo-client shows that one's debug lines).
 *
 * A sink rather than a GLib log handler: g_log_set_writer_func() can be
 * set once per process and belongs to the application, and a handler sees
 * neither the source line nor whether anyone listens before the message is
 * formatted.  The key is never logged. */

typedef enum
{
  APIGO_LOG_CLIENT,             /* requests, answers, retries, downloads */
  APIGO_LOG_JOB,                /* one generation: phases, resumes, the
                                 * lost-create search, delete-remote */
  APIGO_LOG_CACHE,              /* journal and kept clips: hits, misses,
                                 * clips kept, evicted, parts continued */
  APIGO_LOG_LOCK,               /* runs of one request taking turns */
  APIGO_LOG_SPEND,              /* the budget: creates counted, refused */
  APIGO_LOG_N_DOMAINS
} ApigoLogDomain;

/* Numbered as GstDebugLevel, so that a GStreamer sink maps them as they
 * are. */
typedef enum
{
  APIGO_LOG_LEVEL_WARNING = 2,  /* something went wrong that we got over */
  APIGO_LOG_LEVEL_INFO = 4,     /* a decision: retry, resume, cache hit */
  APIGO_LOG_LEVEL_DEBUG = 5,    /* each request and answer */
  APIGO_LOG_LEVEL_TRACE = 6,    /* finer steps */
} ApigoLogLevel;

typedef struct
{
  /* Whether a line of @level in @domain would be written: nothing is
   * formatted otherwise. */
  gboolean (*enabled) (ApigoLogDomain domain, ApigoLogLevel level);
  /* On the thread that logs: apigo_log_get_owner() says for whom. */
  void (*write) (ApigoLogDomain domain, ApigoLogLevel level,
      const gchar * file, const gchar * function, gint line,
      const gchar * message);
} ApigoLogSink;

/* Installs @sink (static, never freed) for the whole process; NULL goes
 * back to GLib's log. */
void apigo_log_set_sink (const ApigoLogSink * sink);

/* The object the lines written on this thread are told on behalf of: an
 * opaque pointer the client only passes on (the plugin's element, which
 * its sink gives GStreamer as the line's object), NULL for none.  A job
 * sets it on its thread (apigo_job_set_log_owner()); a front end sets it
 * around the calls it makes on its own threads.  Returns the owner before,
 * to put back.  The owner must outlive every line logged for it. */
gpointer apigo_log_set_owner (gpointer owner);
gpointer apigo_log_get_owner (void);

/* "apigo-client", "apigo-job", "apigo-cache", "apigo-lock". */
const gchar *apigo_log_domain_name (ApigoLogDomain domain);

gboolean apigo_log_enabled (ApigoLogDomain domain, ApigoLogLevel level);
void apigo_log_write (ApigoLogDomain domain, ApigoLogLevel level,
    const gchar * file, const gchar * function, gint line,
    const gchar * format, ...) G_GNUC_PRINTF (6, 7);

/* Each file defines APIGO_LOG_DOMAIN before it uses these. */
#define APIGO_LOG(level, ...) G_STMT_START {                              \
  if (apigo_log_enabled (APIGO_LOG_DOMAIN, (level)))                      \
    apigo_log_write (APIGO_LOG_DOMAIN, (level), __FILE__, G_STRFUNC,      \
        __LINE__, __VA_ARGS__);                                           \
} G_STMT_END

#define APIGO_WARNING(...) APIGO_LOG (APIGO_LOG_LEVEL_WARNING, __VA_ARGS__)
#define APIGO_INFO(...) APIGO_LOG (APIGO_LOG_LEVEL_INFO, __VA_ARGS__)
#define APIGO_DEBUG(...) APIGO_LOG (APIGO_LOG_LEVEL_DEBUG, __VA_ARGS__)
#define APIGO_TRACE(...) APIGO_LOG (APIGO_LOG_LEVEL_TRACE, __VA_ARGS__)

G_END_DECLS

#endif /* __APIGO_LOG_H__ */
