/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * ApigoEmulator serves /v1/videos on a loopback port from its own thread and
 * renders real H.264 MP4 clips with GStreamer.  The command-line program
 * (apigo-emulator) and the test suites both use it; tests read back every
 * request it saw and inject faults between requests.
 */

#ifndef __APIGO_EMULATOR_H__
#define __APIGO_EMULATOR_H__

#include <glib-object.h>

G_BEGIN_DECLS

#define APIGO_TYPE_EMULATOR (apigo_emulator_get_type ())
G_DECLARE_FINAL_TYPE (ApigoEmulator, apigo_emulator, APIGO, EMULATOR, GObject)

/* Which requests a fault applies to. */
typedef enum
{
  APIGO_EMULATOR_ROUTE_ANY = 0,
  APIGO_EMULATOR_ROUTE_CREATE,    /* POST /videos */
  APIGO_EMULATOR_ROUTE_RETRIEVE,  /* GET /videos/{id} */
  APIGO_EMULATOR_ROUTE_CONTENT,   /* GET /videos/{id}/content */
  APIGO_EMULATOR_ROUTE_LIST,      /* GET /videos */
  APIGO_EMULATOR_ROUTE_CDN,       /* GET /cdn/{id} on the CDN origin */
  APIGO_EMULATOR_ROUTE_REMIX,     /* POST /videos/{id}/remix */
  APIGO_EMULATOR_ROUTE_EXTEND,    /* POST /videos/extensions */
  APIGO_EMULATOR_ROUTE_EDIT,      /* POST /videos/edits */
  APIGO_EMULATOR_ROUTE_DELETE,    /* DELETE /videos/{id} */
  APIGO_EMULATOR_ROUTE_MODELS,    /* GET /models, GET /videos/models */
} ApigoEmulatorRoute;

/* A file part of a create's multipart form (input_reference, last_frame,
 * any name). */
typedef struct
{
  gchar *name;                  /* the part's field name */
  gchar *filename;              /* as sent, or NULL */
  gchar *content_type;          /* the part's type as sent, or NULL */
  GBytes *data;                 /* its bytes */
} ApigoEmulatorFile;

/* One request the emulator answered (or dropped). */
typedef struct
{
  gchar *method;                /* "POST" */
  gchar *path;                  /* "/v1/videos/video_abc/content" */
  gchar *query;                 /* "variant=video" or NULL */
  ApigoEmulatorRoute route;
  guint status;                 /* status sent, 0 when the connection was dropped */
  gboolean authorized;          /* carried the right bearer token */
  gchar *user_agent;            /* or NULL */
  gchar *idempotency_key;       /* or NULL */
  gchar *range;                 /* Range header, or NULL */
  gchar *if_range;              /* If-Range header, or NULL */
  gchar *content_type;          /* request Content-Type, or NULL */
  GHashTable *form;             /* create, remix, extend, edit: field name ->
                                 * value (gchar*) */
  gchar *file_name;             /* create only: input_reference file name */
  gchar *file_content_type;     /* create only: input_reference part type */
  gsize file_size;              /* create only: input_reference byte count */
  gchar *video_id;              /* the task the request was about / created
                                 * (remix, extend, edit: the new one) */
  gint64 monotonic_time;        /* g_get_monotonic_time() when it arrived */
  gboolean authorization_present;       /* any Authorization header at all */
  gboolean api_key_present;     /* any api-key header (Azure's) at all */
  gchar *api_version;           /* its api-version query parameter, or NULL */
  GPtrArray *files;             /* create: every file part in the order
                                 * sent (ApigoEmulatorFile), or NULL */
  gchar *json_body;             /* openrouter dialect: a create's JSON body
                                 * as sent, or NULL */
} ApigoEmulatorRequest;

ApigoEmulator *apigo_emulator_new (void);

/* Binds 127.0.0.1 (port 0: any free port) and starts serving from a private
 * thread.  Properties set before start take effect; most can change later. */
gboolean apigo_emulator_start (ApigoEmulator * emu, guint port,
    GError ** error);
void apigo_emulator_stop (ApigoEmulator * emu);

/* "http://127.0.0.1:PORT/v1": what a client uses as its base URL. */
const gchar *apigo_emulator_get_base_url (ApigoEmulator * emu);

/* Requests seen so far, oldest first: a new array of copies (free with
 * g_ptr_array_unref).  count_requests() counts those of one route (ANY: all),
 * method NULL meaning any method. */
GPtrArray *apigo_emulator_get_requests (ApigoEmulator * emu);
guint apigo_emulator_count_requests (ApigoEmulator * emu,
    ApigoEmulatorRoute route, const gchar * method);
void apigo_emulator_clear_requests (ApigoEmulator * emu);

/* The exact bytes served as the content of @video_id (variant "video"), once
 * rendered; NULL before. */
GBytes *apigo_emulator_get_content (ApigoEmulator * emu,
    const gchar * video_id);

/* Number of content responses whose whole body was written. */
guint apigo_emulator_count_completed_downloads (ApigoEmulator * emu);

/* Faults.  Each applies to the next @count matching requests. */
void apigo_emulator_fail_status (ApigoEmulator * emu, ApigoEmulatorRoute route,
    guint http_status, guint count);
void apigo_emulator_fail_html (ApigoEmulator * emu, ApigoEmulatorRoute route,
    guint http_status, guint count);
void apigo_emulator_cut_download (ApigoEmulator * emu, gsize after_bytes,
    guint count);
void apigo_emulator_fail_next_tasks (ApigoEmulator * emu, guint count);

void apigo_emulator_request_free (ApigoEmulatorRequest * req);

/* Additions beyond the original contract. */

/* The bound port, 0 when not started. */
guint apigo_emulator_get_port (ApigoEmulator * emu);

/* ApigoEmulatorRequest as a boxed type: the "request-logged" signal
 * (void (*) (ApigoEmulator *, ApigoEmulatorRequest *, gpointer)) carries one,
 * emitted from the emulator's thread after each logged request. */
#define APIGO_TYPE_EMULATOR_REQUEST (apigo_emulator_request_get_type ())
GType apigo_emulator_request_get_type (void);
ApigoEmulatorRequest *apigo_emulator_request_copy (
    const ApigoEmulatorRequest * req);
/* One JSON object on one line (no secrets are ever recorded). */
gchar *apigo_emulator_request_to_json (const ApigoEmulatorRequest * req);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ApigoEmulatorRequest,
    apigo_emulator_request_free);

/* Faults of the network, the service and the machine (second contract). */

typedef enum
{
  APIGO_EMULATOR_BODY_JSON = 0, /* OpenAI-style error JSON */
  APIGO_EMULATOR_BODY_HTML,     /* a proxy's HTML page */
  APIGO_EMULATOR_BODY_EMPTY,    /* no body at all (Content-Length: 0) */
} ApigoEmulatorBody;

typedef struct
{
  ApigoEmulatorRoute route;
  guint http_status;
  ApigoEmulatorBody body;
  const gchar *retry_after;     /* Retry-After value to send, or NULL */
  const gchar *retry_after_ms;  /* retry-after-ms value to send, or NULL */
  const gchar *x_should_retry;  /* x-should-retry value to send, or NULL */
  guint count;                  /* how many matching requests get it */
} ApigoEmulatorFault;

/* The general form of fail_status() / fail_html(): exactly the headers
 * given are sent (no defaults). */
void apigo_emulator_inject (ApigoEmulator * emu,
    const ApigoEmulatorFault * fault);

/* The next @count requests on @route get no answer at all: the connection
 * is closed as soon as the request is read, before anything is done (for a
 * create: no task is made). */
void apigo_emulator_drop_connections (ApigoEmulator * emu,
    ApigoEmulatorRoute route, guint count);

/* The next @count creates ARE carried out (the task is made, and would be
 * billed) but the connection is closed without an answer: the client cannot
 * know.  The log entry has status 0 and the new task's video_id. */
void apigo_emulator_drop_create_answers (ApigoEmulator * emu, guint count);

/* The next task created reports the statuses in @words (NULL-terminated),
 * each for @step_seconds, before its normal course (queued, in_progress,
 * completed).  A final word ("failed", "expired", "cancelled",
 * "canceled") sticks: the task never completes. */
void apigo_emulator_script_next_task (ApigoEmulator * emu,
    const gchar * const *words, gdouble step_seconds);

/* Moves the clock the tasks' statuses follow on by @seconds at once.  With
 * the "clock-held" property TRUE that clock moves only so: what a task
 * reports then depends on nothing but the test (and, for completion, on its
 * clip being rendered), never on how fast the machine is. */
void apigo_emulator_advance_clock (ApigoEmulator * emu, gdouble seconds);

/* The CDN origin ("cdn" property): "http://127.0.0.1:CDN_PORT", NULL when
 * off or not started. */
const gchar *apigo_emulator_get_cdn_origin (ApigoEmulator * emu);

G_END_DECLS

#endif /* __APIGO_EMULATOR_H__ */
