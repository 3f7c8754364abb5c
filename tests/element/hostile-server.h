/* gst-apigo: a programmable, misbehaving /v1/videos service for tests
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * HostileServer answers the Videos API on 127.0.0.1 from a thread of its
 * own.  A real SoupServer reads and routes the requests, but every answer
 * is written by the server itself on the connection taken from libsoup:
 * status line, headers and body go out exactly as given, whole, cut short,
 * without a length, one byte at a time, or not at all.  Each answer starts
 * as the polite one; a hook of the test's may change it before it goes.
 * Every request is recorded.  Unlike the emulator, nothing is helpful:
 * libsoup adds no header and turns no 200 into a 206.
 *
 * Polite behaviour: POST /v1/videos makes a task (an Idempotency-Key seen
 * before gives the same task) answered "queued"; GET /v1/videos/{id}
 * answers "in_progress" a set number of times, then "completed"; GET
 * /v1/videos/{id}/content serves the task's clip with ETag, Last-Modified,
 * Range (206, 416) and If-Range; DELETE /v1/videos/{id} deletes; GET
 * /v1/videos lists the tasks, newest first.  A wrong key gets a 401, an
 * unknown path or task a 404, all as OpenAI-style JSON.
 */

#ifndef __HOSTILE_SERVER_H__
#define __HOSTILE_SERVER_H__

#include <gst/gst.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _HostileServer HostileServer;

typedef enum
{
  HOSTILE_ROUTE_ANY = 0,        /* in counts: every route */
  HOSTILE_ROUTE_CREATE,         /* POST /v1/videos */
  HOSTILE_ROUTE_LIST,           /* GET /v1/videos */
  HOSTILE_ROUTE_RETRIEVE,       /* GET /v1/videos/{id} */
  HOSTILE_ROUTE_CONTENT,        /* GET /v1/videos/{id}/content */
  HOSTILE_ROUTE_DELETE,         /* DELETE /v1/videos/{id} */
  HOSTILE_ROUTE_OTHER,          /* anything else (answered 404) */
  HOSTILE_ROUTE_LAST
} HostileRoute;

/* One request, as it arrived. */
typedef struct
{
  HostileRoute route;
  guint index;                  /* among those of its route, from 0 */
  gchar *method;
  gchar *path;
  gchar *video_id;              /* {id} of the path; a create: the task made */
  gchar *range;                 /* request headers, NULL when absent */
  gchar *if_range;
  gchar *idempotency_key;
  gboolean authorized;          /* carried the right bearer token */
  gint64 arrived;               /* g_get_monotonic_time () */
} HostileRequest;

/* How an answer goes on the wire.  The connection is closed after every
 * answer (Connection: close), or held open where said. */
typedef enum
{
  HOSTILE_WIRE_WHOLE = 0,       /* everything at once */
  HOSTILE_WIRE_CUT,             /* the headers (full Content-Length) and
                                 * cut_after body bytes, then closed */
  HOSTILE_WIRE_UNTIL_CLOSE,     /* HTTP/1.0 style: no Content-Length, not
                                 * chunked; cut_after body bytes, closed */
  HOSTILE_WIRE_TRICKLE,         /* everything, one byte per interval_ms */
  HOSTILE_WIRE_TRICKLE_BODY,    /* the headers at once, then the body one
                                 * byte per interval_ms */
  HOSTILE_WIRE_STALL,           /* nothing at all, the connection held */
  HOSTILE_WIRE_STALL_BODY,      /* the headers and cut_after body bytes,
                                 * then nothing, the connection held */
} HostileWire;

/* An answer about to be written.  Content-Length (from @body) and
 * Connection: close are added when writing, unless @headers has a
 * Content-Length already (a lie the test wants told) or the wire is
 * UNTIL_CLOSE. */
typedef struct
{
  guint status;
  SoupMessageHeaders *headers;
  GBytes *body;                 /* never NULL */
  HostileWire wire;
  gsize cut_after;              /* body bytes, for CUT, UNTIL_CLOSE and
                                 * STALL_BODY (more than the body: all) */
  guint interval_ms;            /* for TRICKLE*: 1000 unless changed */
} HostileAnswer;

/* Called on the server's thread, with no lock held (it may call any
 * hostile_server_*() function), to change @answer to @request. */
typedef void (*HostileHook) (HostileServer * server,
    const HostileRequest * request, HostileAnswer * answer,
    gpointer user_data);

/* Listens on 127.0.0.1 (a free port), accepting @api_key only. */
HostileServer *hostile_server_new (const gchar * api_key, GError ** error);
/* Stops, closing every connection it still holds. */
void hostile_server_free (HostileServer * server);
/* "http://127.0.0.1:PORT/v1" */
const gchar *hostile_server_get_base_url (HostileServer * server);

/* The clip every task created from now on serves. */
void hostile_server_set_clip (HostileServer * server, GBytes * clip);
/* How many polls a new task answers "in_progress" before "completed"
 * (default 1). */
void hostile_server_set_polls (HostileServer * server, guint polls);
/* Whether content answers carry ETag and Last-Modified (both by default;
 * each is derived from the clip's bytes). */
void hostile_server_set_validators (HostileServer * server, gboolean etag,
    gboolean last_modified);
/* Adds a completed task @id serving @clip. */
void hostile_server_add_task (HostileServer * server, const gchar * id,
    const gchar * prompt, GBytes * clip);
/* Replaces the clip task @id serves (a file replaced on the service);
 * its validators change with it. */
void hostile_server_replace_clip (HostileServer * server, const gchar * id,
    GBytes * clip);
/* The validators content answers give for @clip. */
gchar *hostile_clip_etag (GBytes * clip);
gchar *hostile_clip_last_modified (GBytes * clip);

/* @hook (NULL: none) changes every answer on @route from now on. */
void hostile_server_set_hook (HostileServer * server, HostileRoute route,
    HostileHook hook, gpointer user_data);

/* The requests so far, oldest first: a new array of copies. */
GPtrArray *hostile_server_get_requests (HostileServer * server);
/* Requests on @route (ANY: all) about @video_id (NULL: any). */
guint hostile_server_count (HostileServer * server, HostileRoute route,
    const gchar * video_id);
/* Forgets the requests; indexes count from 0 again. */
void hostile_server_clear_requests (HostileServer * server);
/* The id of the last task created, or NULL. */
gchar *hostile_server_dup_last_id (HostileServer * server);

void hostile_request_free (HostileRequest * request);
/* The START of a "bytes=START-" or "bytes=START-END" Range. */
gboolean hostile_request_range_start (const HostileRequest * request,
    guint64 * start);

/* Makes @answer a @status with only a Content-Type and @body (taken). */
void hostile_answer_replace (HostileAnswer * answer, guint status,
    const gchar * content_type, GBytes * body);

/* A real H.264 MP4 (320x180, @frames frames of videotestsrc @pattern),
 * rendered once into $APIGO_TEST_CLIP_CACHE (else a temporary file) and
 * read from there afterwards. */
GBytes *hostile_clip_render (const gchar * pattern, guint frames,
    GError ** error);
/* @clip grown to @size bytes with a trailing MP4 "free" box: still a valid
 * MP4, other bytes.  @size must exceed the clip's by 8 or more. */
GBytes *hostile_clip_pad (GBytes * clip, gsize size);

/* For the suites (hostile-suite.c): each fails the test when it cannot do
 * what it says. */

/* hostile_clip_render(); @what names the clip in the failure message. */
GBytes *hostile_test_clip (const gchar * pattern, guint frames,
    const gchar * what);
/* A server for TEST_API_KEY whose tasks serve @clip. */
HostileServer *hostile_test_server_new (GBytes * clip);
/* The cache directory the pipelines of hostile_test_pipeline_new() use. */
gchar *hostile_test_cache_dir (void);
/* As test_pipeline_new(), against @server: gst_parse_launch
 * (@description), its "src" asking for @prompt. */
GstElement *hostile_test_pipeline_new (HostileServer * server,
    const gchar * description, const gchar * prompt);
/* @out is, byte for byte, @clip. */
gboolean hostile_test_same_bytes (const GByteArray * out, GBytes * clip);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HostileServer, hostile_server_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HostileRequest, hostile_request_free)

G_END_DECLS

#endif /* __HOSTILE_SERVER_H__ */
