/* gst-apigo: a programmable, misbehaving /v1/videos service for tests
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The routes and the task table.  The answers go out through
 * hostile-wire.c; clips come from hostile-clip.c.
 */

#include "hostile-server.h"
#include "hostile-wire.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define PREFIX "/v1/videos"
#define EXPIRES_IN_S 3600

typedef struct
{
  gchar *id;
  gchar *prompt;
  gchar *model;
  gchar *size;
  gchar *seconds;
  gint64 created_at;
  guint64 serial;               /* creation order, for the list */
  guint polls_left;             /* "in_progress" answers still to give */
  gboolean deleted;
  GBytes *clip;
} Task;

struct _HostileServer
{
  gchar *authorization;         /* "Bearer KEY" */
  gchar *base_url;

  GMutex lock;
  GCond cond;
  /* Under the lock. */
  GHashTable *tasks;            /* id -> Task */
  GHashTable *keys;             /* Idempotency-Key -> id */
  GBytes *clip;
  guint polls;
  gboolean etag;
  gboolean last_modified;
  guint64 serial;
  gchar *last_id;
  GPtrArray *requests;          /* HostileRequest */
  guint counts[HOSTILE_ROUTE_LAST];
  HostileHook hooks[HOSTILE_ROUTE_LAST];
  gpointer hook_data[HOSTILE_ROUTE_LAST];
  gboolean ready;
  GError *start_error;

  /* The server thread's. */
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  HostileWires *wires;
};

static void
task_free (Task * task)
{
  g_free (task->id);
  g_free (task->prompt);
  g_free (task->model);
  g_free (task->size);
  g_free (task->seconds);
  g_clear_pointer (&task->clip, g_bytes_unref);
  g_free (task);
}

void
hostile_request_free (HostileRequest * request)
{
  if (request == NULL)
    return;
  g_free (request->method);
  g_free (request->path);
  g_free (request->video_id);
  g_free (request->range);
  g_free (request->if_range);
  g_free (request->idempotency_key);
  g_free (request);
}

static HostileRequest *
request_copy (const HostileRequest * r)
{
  HostileRequest *copy = g_memdup2 (r, sizeof (*r));

  copy->method = g_strdup (r->method);
  copy->path = g_strdup (r->path);
  copy->video_id = g_strdup (r->video_id);
  copy->range = g_strdup (r->range);
  copy->if_range = g_strdup (r->if_range);
  copy->idempotency_key = g_strdup (r->idempotency_key);
  return copy;
}

gboolean
hostile_request_range_start (const HostileRequest * request, guint64 * start)
{
  const gchar *p = request->range;
  gchar *end = NULL;

  if (p == NULL || !g_str_has_prefix (p, "bytes="))
    return FALSE;
  p += strlen ("bytes=");
  if (!g_ascii_isdigit (*p))
    return FALSE;
  *start = g_ascii_strtoull (p, &end, 10);
  return *end == '-';
}

/* Routing */

/* /v1/videos[/ID[/content]] -> route and ID. */
static HostileRoute
route_of (const gchar * method, const gchar * path, gchar ** id)
{
  g_auto (GStrv) parts = NULL;
  guint n;

  *id = NULL;
  if (!g_str_has_prefix (path, PREFIX))
    return HOSTILE_ROUTE_OTHER;
  path += strlen (PREFIX);
  if (*path == '\0')
    return g_str_equal (method, "POST") ? HOSTILE_ROUTE_CREATE :
        g_str_equal (method, "GET") ? HOSTILE_ROUTE_LIST : HOSTILE_ROUTE_OTHER;
  if (*path != '/')
    return HOSTILE_ROUTE_OTHER;

  parts = g_strsplit (path + 1, "/", -1);
  n = g_strv_length (parts);
  if (n == 0 || *parts[0] == '\0' || n > 2)
    return HOSTILE_ROUTE_OTHER;
  *id = g_strdup (parts[0]);
  if (n == 2 && g_str_equal (parts[1], "content")
      && g_str_equal (method, "GET"))
    return HOSTILE_ROUTE_CONTENT;
  if (n == 1 && g_str_equal (method, "GET"))
    return HOSTILE_ROUTE_RETRIEVE;
  if (n == 1 && g_str_equal (method, "DELETE"))
    return HOSTILE_ROUTE_DELETE;
  g_clear_pointer (id, g_free);
  return HOSTILE_ROUTE_OTHER;
}

static HostileRequest *
request_new (HostileServer * server, SoupServerMessage * msg,
    const gchar * path)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  HostileRequest *r = g_new0 (HostileRequest, 1);

  r->method = g_strdup (soup_server_message_get_method (msg));
  r->path = g_strdup (path);
  r->route = route_of (r->method, path, &r->video_id);
  r->range = g_strdup (soup_message_headers_get_one (h, "Range"));
  r->if_range = g_strdup (soup_message_headers_get_one (h, "If-Range"));
  r->idempotency_key = g_strdup (soup_message_headers_get_one (h,
          "Idempotency-Key"));
  r->authorized = g_strcmp0 (soup_message_headers_get_one (h,
          "Authorization"), server->authorization) == 0;
  r->arrived = g_get_monotonic_time ();
  return r;
}

/* Answers */

void
hostile_answer_replace (HostileAnswer * answer, guint status,
    const gchar * content_type, GBytes * body)
{
  answer->status = status;
  soup_message_headers_clear (answer->headers);
  if (content_type != NULL)
    soup_message_headers_replace (answer->headers, "Content-Type",
        content_type);
  g_bytes_unref (answer->body);
  answer->body = body ? body : g_bytes_new (NULL, 0);
}

static void
answer_json (HostileAnswer * answer, guint status, JsonNode * root)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  gchar *text;
  gsize len;

  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &len);
  hostile_answer_replace (answer, status, "application/json",
      g_bytes_new_take (text, len));
  json_node_unref (root);
}

static void
answer_error (HostileAnswer * answer, guint status, const gchar * code,
    const gchar * message)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "invalid_request_error");
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_end_object (b);
  json_builder_end_object (b);
  answer_json (answer, status, json_builder_get_root (b));
}

static void
add_string (JsonBuilder * b, const gchar * name, const gchar * value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_int (JsonBuilder * b, const gchar * name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
build_task (JsonBuilder * b, const Task * task, const gchar * status)
{
  gboolean done = g_str_equal (status, "completed");

  json_builder_begin_object (b);
  add_string (b, "id", task->id);
  add_string (b, "object", "video");
  add_string (b, "model", task->model);
  add_string (b, "status", status);
  add_int (b, "progress", done ? 100 : g_str_equal (status, "queued") ? 0 :
      50);
  add_int (b, "created_at", task->created_at);
  json_builder_set_member_name (b, "completed_at");
  if (done)
    json_builder_add_int_value (b, task->created_at + 1);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "expires_at");
  if (done)
    json_builder_add_int_value (b, g_get_real_time () / G_USEC_PER_SEC +
        EXPIRES_IN_S);
  else
    json_builder_add_null_value (b);
  add_string (b, "size", task->size);
  add_string (b, "seconds", task->seconds);
  add_string (b, "prompt", task->prompt);
  add_string (b, "error", NULL);
  json_builder_end_object (b);
}

static void
answer_task (HostileAnswer * answer, const Task * task, const gchar * status)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  build_task (b, task, status);
  answer_json (answer, 200, json_builder_get_root (b));
}

static const gchar *
current_status (const Task * task)
{
  return task->polls_left > 0 ? "in_progress" : "completed";
}

static Task *
task_new (HostileServer * server, const gchar * id, GBytes * clip)
{
  Task *task = g_new0 (Task, 1);

  task->id = g_strdup (id);
  task->created_at = g_get_real_time () / G_USEC_PER_SEC;
  task->serial = ++server->serial;
  task->clip = clip ? g_bytes_ref (clip) : NULL;
  g_hash_table_replace (server->tasks, task->id, task);
  return task;
}

/* The form fields of a multipart create, or NULL. */
static GHashTable *
create_fields (SoupServerMessage * msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (body);
  SoupMultipart *multipart = soup_multipart_new_from_message
      (soup_server_message_get_request_headers (msg), bytes);

  if (multipart == NULL)
    return NULL;
  /* Takes @multipart. */
  return soup_form_decode_multipart (multipart, NULL, NULL, NULL, NULL);
}

/* Under the lock. */
static void
route_create (HostileServer * server, SoupServerMessage * msg,
    HostileRequest * r, HostileAnswer * answer)
{
  const gchar *known = r->idempotency_key ?
      g_hash_table_lookup (server->keys, r->idempotency_key) : NULL;
  g_autoptr (GHashTable) fields = NULL;
  g_autofree gchar *id = NULL;
  Task *task;

  if (known != NULL) {
    task = g_hash_table_lookup (server->tasks, known);
    r->video_id = g_strdup (task->id);
    answer_task (answer, task, "queued");
    return;
  }

  fields = create_fields (msg);
  if (fields == NULL || g_hash_table_lookup (fields, "prompt") == NULL) {
    answer_error (answer, 400, "invalid_request", "prompt is required");
    return;
  }

  id = g_strdup_printf ("video_hostile_%" G_GUINT64_FORMAT,
      server->serial + 1);
  task = task_new (server, id, server->clip);
  task->prompt = g_strdup (g_hash_table_lookup (fields, "prompt"));
  task->model = g_strdup (g_hash_table_lookup (fields, "model"));
  task->size = g_strdup (g_hash_table_lookup (fields, "size"));
  task->seconds = g_strdup (g_hash_table_lookup (fields, "seconds"));
  task->polls_left = server->polls;
  if (r->idempotency_key != NULL)
    g_hash_table_replace (server->keys, g_strdup (r->idempotency_key),
        g_strdup (id));
  g_free (server->last_id);
  server->last_id = g_strdup (id);
  r->video_id = g_strdup (id);
  answer_task (answer, task, "queued");
}

static gint
newest_first (gconstpointer a, gconstpointer b)
{
  const Task *x = *(const Task * const *) a;
  const Task *y = *(const Task * const *) b;

  return x->serial < y->serial ? 1 : x->serial > y->serial ? -1 : 0;
}

static void
route_list (HostileServer * server, HostileAnswer * answer)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (GPtrArray) tasks = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  guint i;

  g_hash_table_iter_init (&iter, server->tasks);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!((Task *) value)->deleted)
      g_ptr_array_add (tasks, value);
  g_ptr_array_sort (tasks, newest_first);

  json_builder_begin_object (b);
  add_string (b, "object", "list");
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  for (i = 0; i < tasks->len; i++) {
    Task *task = g_ptr_array_index (tasks, i);

    build_task (b, task, current_status (task));
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "has_more");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_end_object (b);
  answer_json (answer, 200, json_builder_get_root (b));
}

gchar *
hostile_clip_etag (GBytes * clip)
{
  g_autofree gchar *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256,
      clip);

  return g_strdup_printf ("\"%.16s\"", sum);
}

/* A date of its own for each clip, in the past. */
gchar *
hostile_clip_last_modified (GBytes * clip)
{
  g_autofree gchar *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256,
      clip);
  guint64 days = g_ascii_strtoull (sum + 56, NULL, 16) % 3000;
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (1500000000 +
      (gint64) days * 86400);

  return soup_date_time_to_string (when, SOUP_DATE_HTTP);
}

/* Under the lock: the clip as a careful origin serves it. */
static void
route_content (HostileServer * server, const HostileRequest * r,
    const Task * task, HostileAnswer * answer)
{
  SoupMessageHeaders *h = answer->headers;
  gsize total = g_bytes_get_size (task->clip);
  g_autofree gchar *etag = hostile_clip_etag (task->clip);
  g_autofree gchar *date = hostile_clip_last_modified (task->clip);
  guint64 start, end = total - 1;
  gboolean ranged = hostile_request_range_start (r, &start);
  const gchar *dash;

  /* A validator that no longer matches asks for the whole new clip. */
  if (ranged && r->if_range != NULL
      && !(server->etag && g_str_equal (r->if_range, etag))
      && !(server->last_modified && g_str_equal (r->if_range, date)))
    ranged = FALSE;

  if (!ranged) {
    hostile_answer_replace (answer, 200, "video/mp4",
        g_bytes_ref (task->clip));
  } else if (start >= total) {
    g_autofree gchar *range = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT,
        total);

    hostile_answer_replace (answer, 416, NULL, NULL);
    soup_message_headers_replace (h, "Content-Range", range);
  } else {
    dash = strchr (r->range, '-');
    if (g_ascii_isdigit (dash[1]))
      end = MIN (g_ascii_strtoull (dash + 1, NULL, 10), end);
    hostile_answer_replace (answer, 206, "video/mp4",
        g_bytes_new_from_bytes (task->clip, start, end + 1 - start));
  }
  soup_message_headers_replace (h, "Accept-Ranges", "bytes");
  if (server->etag)
    soup_message_headers_replace (h, "ETag", etag);
  if (server->last_modified)
    soup_message_headers_replace (h, "Last-Modified", date);
  if (answer->status == 206) {
    g_autofree gchar *range = g_strdup_printf ("bytes %" G_GUINT64_FORMAT
        "-%" G_GUINT64_FORMAT "/%" G_GSIZE_FORMAT, start, end, total);

    soup_message_headers_replace (h, "Content-Range", range);
  }
}

static void
route_delete (Task * task, HostileAnswer * answer)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  task->deleted = TRUE;
  json_builder_begin_object (b);
  add_string (b, "id", task->id);
  add_string (b, "object", "video.deleted");
  json_builder_set_member_name (b, "deleted");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  answer_json (answer, 200, json_builder_get_root (b));
}

/* Under the lock: the polite answer to @r. */
static void
route (HostileServer * server, SoupServerMessage * msg, HostileRequest * r,
    HostileAnswer * answer)
{
  Task *task = NULL;

  if (!r->authorized) {
    answer_error (answer, 401, "invalid_api_key", "Incorrect API key");
    return;
  }
  if (r->video_id != NULL) {
    task = g_hash_table_lookup (server->tasks, r->video_id);
    if (task == NULL || task->deleted) {
      answer_error (answer, 404, "not_found", "No such video");
      return;
    }
  }

  switch (r->route) {
    case HOSTILE_ROUTE_CREATE:
      route_create (server, msg, r, answer);
      break;
    case HOSTILE_ROUTE_LIST:
      route_list (server, answer);
      break;
    case HOSTILE_ROUTE_RETRIEVE:
      answer_task (answer, task, current_status (task));
      if (task->polls_left > 0)
        task->polls_left--;
      break;
    case HOSTILE_ROUTE_CONTENT:
      if (task->polls_left > 0 || task->clip == NULL)
        answer_error (answer, 400, "video_not_ready", "Not completed");
      else
        route_content (server, r, task, answer);
      break;
    case HOSTILE_ROUTE_DELETE:
      route_delete (task, answer);
      break;
    default:
      answer_error (answer, 404, "not_found", "No such endpoint");
      break;
  }
}

static void
handle (SoupServer * soup, SoupServerMessage * msg, const char *path,
    GHashTable * query, gpointer data)
{
  HostileServer *server = data;
  g_autoptr (HostileRequest) r = request_new (server, msg, path);
  HostileAnswer answer = { 200, NULL, NULL, HOSTILE_WIRE_WHOLE, G_MAXSIZE,
    1000
  };
  HostileHook hook;
  gpointer hook_data;

  answer.headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  answer.body = g_bytes_new (NULL, 0);

  g_mutex_lock (&server->lock);
  r->index = server->counts[r->route]++;
  route (server, msg, r, &answer);
  g_ptr_array_add (server->requests, request_copy (r));
  hook = server->hooks[r->route];
  hook_data = server->hook_data[r->route];
  g_mutex_unlock (&server->lock);

  if (hook != NULL)
    hook (server, r, &answer, hook_data);
  hostile_wires_send (server->wires, msg, &answer);

  soup_message_headers_unref (answer.headers);
  g_bytes_unref (answer.body);
}

/* The server's thread */

static gpointer
server_thread (gpointer data)
{
  HostileServer *server = data;
  g_autoptr (SoupServer) soup = NULL;
  g_autoptr (GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (server->context);
  soup = soup_server_new ("server-header", "hostile ", NULL);
  soup_server_add_handler (soup, NULL, handle, server, NULL);
  server->wires = hostile_wires_new ();

  g_mutex_lock (&server->lock);
  if (soup_server_listen_local (soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY,
          &error)) {
    uris = soup_server_get_uris (soup);
    server->base_url = g_strdup_printf ("http://127.0.0.1:%d/v1",
        g_uri_get_port (uris->data));
    g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  } else {
    server->start_error = g_steal_pointer (&error);
  }
  server->ready = TRUE;
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->lock);

  if (server->base_url != NULL)
    g_main_loop_run (server->loop);

  /* Connections taken from libsoup first, then libsoup's own. */
  hostile_wires_free (server->wires);
  soup_server_disconnect (soup);
  g_clear_object (&soup);
  while (g_main_context_iteration (server->context, FALSE));
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

HostileServer *
hostile_server_new (const gchar * api_key, GError ** error)
{
  HostileServer *server = g_new0 (HostileServer, 1);

  server->authorization = g_strconcat ("Bearer ", api_key, NULL);
  g_mutex_init (&server->lock);
  g_cond_init (&server->cond);
  server->tasks = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) task_free);
  server->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  server->requests = g_ptr_array_new_with_free_func ((GDestroyNotify)
      hostile_request_free);
  server->polls = 1;
  server->etag = TRUE;
  server->last_modified = TRUE;
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->thread = g_thread_new ("hostile-server", server_thread, server);

  g_mutex_lock (&server->lock);
  while (!server->ready)
    g_cond_wait (&server->cond, &server->lock);
  g_mutex_unlock (&server->lock);

  if (server->start_error != NULL) {
    g_propagate_error (error, g_steal_pointer (&server->start_error));
    hostile_server_free (server);
    return NULL;
  }
  return server;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
hostile_server_free (HostileServer * server)
{
  if (server == NULL)
    return;

  /* Quit from inside the loop: a quit before it runs would be lost. */
  if (server->thread != NULL) {
    GSource *quit = g_idle_source_new ();

    g_source_set_callback (quit, quit_loop, server->loop, NULL);
    g_source_attach (quit, server->context);
    g_source_unref (quit);
    g_thread_join (server->thread);
  }

  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  g_hash_table_unref (server->tasks);
  g_hash_table_unref (server->keys);
  g_ptr_array_unref (server->requests);
  g_clear_pointer (&server->clip, g_bytes_unref);
  g_clear_error (&server->start_error);
  g_free (server->last_id);
  g_free (server->base_url);
  g_free (server->authorization);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->cond);
  g_free (server);
}

const gchar *
hostile_server_get_base_url (HostileServer * server)
{
  return server->base_url;
}

/* Settings */

void
hostile_server_set_clip (HostileServer * server, GBytes * clip)
{
  g_mutex_lock (&server->lock);
  g_clear_pointer (&server->clip, g_bytes_unref);
  server->clip = g_bytes_ref (clip);
  g_mutex_unlock (&server->lock);
}

void
hostile_server_set_polls (HostileServer * server, guint polls)
{
  g_mutex_lock (&server->lock);
  server->polls = polls;
  g_mutex_unlock (&server->lock);
}

void
hostile_server_set_validators (HostileServer * server, gboolean etag,
    gboolean last_modified)
{
  g_mutex_lock (&server->lock);
  server->etag = etag;
  server->last_modified = last_modified;
  g_mutex_unlock (&server->lock);
}

void
hostile_server_add_task (HostileServer * server, const gchar * id,
    const gchar * prompt, GBytes * clip)
{
  Task *task;

  g_mutex_lock (&server->lock);
  task = task_new (server, id, clip);
  task->prompt = g_strdup (prompt);
  g_mutex_unlock (&server->lock);
}

void
hostile_server_replace_clip (HostileServer * server, const gchar * id,
    GBytes * clip)
{
  Task *task;

  g_mutex_lock (&server->lock);
  task = g_hash_table_lookup (server->tasks, id);
  g_assert (task != NULL);
  g_clear_pointer (&task->clip, g_bytes_unref);
  task->clip = g_bytes_ref (clip);
  g_mutex_unlock (&server->lock);
}

void
hostile_server_set_hook (HostileServer * server, HostileRoute route,
    HostileHook hook, gpointer user_data)
{
  g_return_if_fail (route < HOSTILE_ROUTE_LAST);

  g_mutex_lock (&server->lock);
  server->hooks[route] = hook;
  server->hook_data[route] = user_data;
  g_mutex_unlock (&server->lock);
}

/* The record */

GPtrArray *
hostile_server_get_requests (HostileServer * server)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify)
      hostile_request_free);
  guint i;

  g_mutex_lock (&server->lock);
  for (i = 0; i < server->requests->len; i++)
    g_ptr_array_add (copy, request_copy (g_ptr_array_index (server->requests,
                i)));
  g_mutex_unlock (&server->lock);
  return copy;
}

guint
hostile_server_count (HostileServer * server, HostileRoute route,
    const gchar * video_id)
{
  guint i, n = 0;

  g_mutex_lock (&server->lock);
  for (i = 0; i < server->requests->len; i++) {
    HostileRequest *r = g_ptr_array_index (server->requests, i);

    if ((route == HOSTILE_ROUTE_ANY || r->route == route)
        && (video_id == NULL || g_strcmp0 (r->video_id, video_id) == 0))
      n++;
  }
  g_mutex_unlock (&server->lock);
  return n;
}

void
hostile_server_clear_requests (HostileServer * server)
{
  g_mutex_lock (&server->lock);
  g_ptr_array_set_size (server->requests, 0);
  memset (server->counts, 0, sizeof (server->counts));
  g_mutex_unlock (&server->lock);
}

gchar *
hostile_server_dup_last_id (HostileServer * server)
{
  gchar *id;

  g_mutex_lock (&server->lock);
  id = g_strdup (server->last_id);
  g_mutex_unlock (&server->lock);
  return id;
}
