/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every request goes through serve(): route it, apply an injected fault if
 * one is due, check the bearer token, answer (a 404 for an endpoint
 * switched off, as from a gateway without it), and log it (with the status
 * it got).  /_emulator/requests, the log itself, is neither checked nor
 * logged.  The CDN origin, a second server, serves /cdn/{id} the same way,
 * with a signed URL's token instead of a bearer token.
 */

#include "emulator-routes.h"

#include "apigo-emulator-private.h"
#include "emulator-answer.h"
#include "emulator-cdn.h"
#include "emulator-form.h"
#include "emulator-models.h"
#include "emulator-openrouter.h"
#include "emulator-stream.h"

#include <string.h>

#define DEFAULT_SIZE "720x1280"
#define DEFAULT_SECONDS "4"
#define EDIT_CAPTION "edit: "
#define MAX_PROMPT_BYTES 32000
#define ANY_SIZE_MIN 16
#define ANY_SIZE_MAX 4096
#define ANY_SECONDS_MAX 60
#define LIST_DEFAULT_LIMIT 20
#define LIST_MAX_LIMIT 100
#define LOG_PATH "/_emulator/requests"
#define CDN_PREFIX "/cdn/"

struct _EmuRoutes
{
  ApigoEmulator *emu;
  EmuInFlight *in_flight;
  EmuCdn *cdn;
};

typedef enum
{
  ACTION_UNKNOWN,
  ACTION_CREATE,
  ACTION_LIST,
  ACTION_RETRIEVE,
  ACTION_DELETE,
  ACTION_CONTENT,
  ACTION_REMIX,
  ACTION_EXTEND,
  ACTION_EDIT,
  ACTION_CDN,
  ACTION_MODELS,                /* GET /models */
  ACTION_VIDEO_MODELS,          /* GET /videos/models */
} Action;

/* One request being answered. */
typedef struct
{
  EmuRoutes *routes;
  SoupServerMessage *msg;
  GHashTable *query;            /* decoded, or NULL */
  EmuSettings settings;
  ApigoEmulatorRequest *log;
  gchar *video_id;              /* from the path, or NULL */
  gboolean on_cdn;              /* came to the CDN origin */
  gboolean drop_answer;         /* do the work, but do not answer */
  gboolean dropped;             /* the connection will be cut */
  gchar **script;               /* taken for the task being made */
} Call;

static const gchar *const default_sizes[] = {
  "720x1280", "1280x720", "1024x1792", "1792x1024",
};

static const guint default_seconds[] = { 4, 8, 12 };

static EmuTaskTable *
call_tasks (Call * call)
{
  return apigo_emulator_get_tasks (call->routes->emu);
}

static EmuFaults *
call_faults (Call * call)
{
  return apigo_emulator_get_faults (call->routes->emu);
}

static const gchar *
request_header (Call * call, const gchar * name)
{
  return soup_message_headers_get_one
      (soup_server_message_get_request_headers (call->msg), name);
}

static const gchar *
query_param (Call * call, const gchar * name)
{
  return call->query ? g_hash_table_lookup (call->query, name) : NULL;
}

/* Answers */

static void
answer_no_such_video (Call * call, const gchar * id, const gchar * param)
{
  g_autofree gchar *message = g_strdup_printf ("Video with id '%s' not "
      "found.", id);

  emu_answer_error (call->msg, SOUP_STATUS_NOT_FOUND,
      "invalid_request_error", param, "not_found", message);
}

static void
answer_not_found (Call * call)
{
  answer_no_such_video (call, call->video_id, "video_id");
}

static void
answer_task (Call * call, EmuTask * task)
{
  g_autoptr (JsonNode) node = emu_task_to_json (task,
      call->settings.expires_in);

  if (call->settings.openrouter) {
    JsonNode *job = emu_openrouter_job (call->msg, node);

    json_node_unref (node);
    node = job;
  }

  if (call->settings.poll_after_ms > 0) {
    g_autofree gchar *value = g_strdup_printf ("%u",
        call->settings.poll_after_ms);

    soup_message_headers_replace (soup_server_message_get_response_headers
        (call->msg), "openai-poll-after-ms", value);
  }
  emu_answer_json (call->msg, SOUP_STATUS_OK, node);
  g_free (call->log->video_id);
  call->log->video_id = g_strdup (emu_task_get_id (task));
}

/* Validation */

static gboolean
parse_uint (const gchar * text, guint min, guint max, guint * value)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &v, NULL))
    return FALSE;
  *value = (guint) v;
  return TRUE;
}

static gboolean
parse_size (const gchar * text, gboolean any_size, guint * width,
    guint * height)
{
  g_auto (GStrv) dims = g_strsplit (text, "x", -1);
  guint i;

  if (g_strv_length (dims) != 2 ||
      !parse_uint (dims[0], ANY_SIZE_MIN, ANY_SIZE_MAX, width) ||
      !parse_uint (dims[1], ANY_SIZE_MIN, ANY_SIZE_MAX, height))
    return FALSE;
  if (any_size)
    return *width % 2 == 0 && *height % 2 == 0;

  for (i = 0; i < G_N_ELEMENTS (default_sizes); i++) {
    if (g_str_equal (text, default_sizes[i]))
      return TRUE;
  }
  return FALSE;
}

static gboolean
parse_seconds (const gchar * text, gboolean any_size, guint * seconds)
{
  guint i;

  if (!parse_uint (text, 1, ANY_SECONDS_MAX, seconds))
    return FALSE;
  if (any_size)
    return TRUE;
  for (i = 0; i < G_N_ELEMENTS (default_seconds); i++) {
    if (*seconds == default_seconds[i])
      return TRUE;
  }
  return FALSE;
}

static gboolean
check_prompt (const gchar * prompt, EmuProblem * problem)
{
  if (prompt == NULL || *prompt == '\0') {
    emu_problem_set (problem, "prompt", "missing_required_parameter",
        "Missing required parameter: 'prompt'.");
    return FALSE;
  }
  if (!g_utf8_validate (prompt, -1, NULL)) {
    emu_problem_set (problem, "prompt", "invalid_value",
        "Invalid 'prompt': the text must be UTF-8.");
    return FALSE;
  }
  if (strlen (prompt) > MAX_PROMPT_BYTES) {
    emu_problem_set (problem, "prompt", "string_above_max_length",
        "Invalid 'prompt': string too long (at most %d bytes).",
        MAX_PROMPT_BYTES);
    return FALSE;
  }
  return TRUE;
}

/* @text NULL: the default. */
static gboolean
check_seconds (const gchar * text, gboolean any_size, guint * seconds,
    EmuProblem * problem)
{
  if (parse_seconds (text ? text : DEFAULT_SECONDS, any_size, seconds))
    return TRUE;

  if (any_size)
    emu_problem_set (problem, "seconds", "invalid_value", "Invalid value "
        "for 'seconds': '%s'. Expected a whole number from 1 to %d.",
        text, ANY_SECONDS_MAX);
  else
    emu_problem_set (problem, "seconds", "invalid_value", "Invalid value "
        "for 'seconds': '%s'. Supported values are: '4', '8', and '12'.",
        text);
  return FALSE;
}

/* Fills @params (borrowing from @form) or says what is wrong. */
static gboolean
validate_create (Call * call, EmuForm * form, EmuTaskParams * params,
    EmuProblem * problem)
{
  gboolean any_size = call->settings.any_size;
  const gchar *model = g_hash_table_lookup (form->fields, "model");
  const gchar *prompt = g_hash_table_lookup (form->fields, "prompt");
  const gchar *size = g_hash_table_lookup (form->fields, "size");
  const gchar *seconds = g_hash_table_lookup (form->fields, "seconds");
  guint i;

  if (model == NULL || *model == '\0') {
    emu_problem_set (problem, "model", "missing_required_parameter",
        "Missing required parameter: 'model'.");
    return FALSE;
  }
  if (!check_prompt (prompt, problem))
    return FALSE;

  if (!parse_size (size ? size : DEFAULT_SIZE, any_size, &params->width,
          &params->height)) {
    if (any_size)
      emu_problem_set (problem, "size", "invalid_value", "Invalid value for "
          "'size': '%s'. Expected WIDTHxHEIGHT, both even, %d to %d.", size,
          ANY_SIZE_MIN, ANY_SIZE_MAX);
    else
      emu_problem_set (problem, "size", "invalid_value", "Invalid value for "
          "'size': '%s'. Supported values are: '720x1280', '1280x720', "
          "'1024x1792', and '1792x1024'.", size);
    return FALSE;
  }

  if (!check_seconds (seconds, any_size, &params->seconds, problem))
    return FALSE;

  if (form->file && emu_sniff_image (form->file) == NULL) {
    emu_problem_set (problem, EMU_FORM_FILE_FIELD, "invalid_image_format",
        "Invalid file for 'input_reference': expected a JPEG, PNG or WebP "
        "image.");
    return FALSE;
  }

  /* Other images (a last frame...) are checked like it, not used. */
  for (i = 0; form->files != NULL && i < form->files->len; i++) {
    ApigoEmulatorFile *file = g_ptr_array_index (form->files, i);

    if (!g_str_equal (file->name, EMU_FORM_FILE_FIELD)
        && emu_sniff_image (file->data) == NULL) {
      emu_problem_set (problem, file->name, "invalid_image_format",
          "Invalid file for '%s': expected a JPEG, PNG or WebP image.",
          file->name);
      return FALSE;
    }
  }

  params->model = (gchar *) model;
  params->prompt = (gchar *) prompt;
  params->reference = form->file;
  return TRUE;
}

/* Fields a task takes from the emulator's settings (and from what tests
 * have in store for it) when it is made. */
static void
apply_settings (Call * call, EmuTaskParams * params)
{
  params->pending = call->settings.initial_pending;
  params->progress_stuck = call->settings.progress_stuck;
  params->generation_time = call->settings.generation_time;
  params->faststart = call->settings.faststart;
  params->audio = call->settings.audio;
  params->cost_per_second = call->settings.cost_per_second;
  /* The counter first, so that "the next N tasks" means exactly that. */
  params->fail = emu_faults_take_task_failure (call_faults (call));
  params->fail |= strstr (params->prompt, "[fail]") != NULL;
  call->script = emu_faults_take_script (call_faults (call),
      &params->script_step);
  params->script = call->script;
}

/* The Idempotency-Key to honour, if any. */
static const gchar *
idempotency_key (Call * call)
{
  /* OpenAI's service ignores it: a retried create is a second task (and a
   * second bill). */
  if (call->settings.ignore_idempotency_key)
    return NULL;
  return request_header (call, "Idempotency-Key");
}

static void
log_form (Call * call, EmuForm * form)
{
  call->log->form = g_hash_table_ref (form->fields);
  if (form->files->len > 0)
    call->log->files = g_ptr_array_ref (form->files);
  if (form->file) {
    call->log->file_name = g_strdup (form->file_name);
    call->log->file_content_type = g_strdup (form->file_type);
    call->log->file_size = g_bytes_get_size (form->file);
  }
}

/* Handlers */

static void
handle_create (Call * call)
{
  EmuForm form = { NULL, };
  EmuProblem problem = { NULL, };
  EmuTaskParams params = { NULL, };
  const gchar *key = idempotency_key (call);
  g_autoptr (EmuTask) task = NULL;

  if (!emu_form_parse (call->msg, &form, &problem)) {
    emu_answer_problem (call->msg, &problem);
    goto out;
  }
  log_form (call, &form);
  if (!validate_create (call, &form, &params, &problem)) {
    emu_answer_problem (call->msg, &problem);
    goto out;
  }

  /* A retried create must not make (nor bill) a second task. */
  if (key)
    task = emu_task_table_find_idempotent (call_tasks (call), key);
  if (task == NULL) {
    apply_settings (call, &params);
    task = emu_task_table_create (call_tasks (call), &params, key);
  }
  answer_task (call, task);

  /* A dropped answer is held back by serve(). */
  if (call->settings.create_delay > 0 && !call->drop_answer)
    emu_in_flight_delay (call->routes->in_flight, call->msg,
        call->settings.create_delay);

out:
  emu_problem_clear (&problem);
  emu_form_clear (&form);
}

/* OpenRouter's create: a JSON body only, answered 202 with a job. */
static void
handle_openrouter_create (Call * call)
{
  EmuForm sent = { NULL, };
  EmuForm sora = { NULL, };
  EmuProblem problem = { NULL, };
  EmuTaskParams params = { NULL, };
  const gchar *key = idempotency_key (call);
  g_autoptr (EmuTask) task = NULL;

  if (!emu_openrouter_read_create (call->msg, &sora, &call->log->json_body,
          &problem)) {
    emu_answer_problem (call->msg, &problem);
    goto out;
  }
  /* The members as sent (scalars); the whole body is in json_body. */
  if (emu_form_parse (call->msg, &sent, &problem))
    log_form (call, &sent);
  emu_problem_clear (&problem);
  if (!validate_create (call, &sora, &params, &problem)) {
    emu_answer_problem (call->msg, &problem);
    goto out;
  }

  if (key)
    task = emu_task_table_find_idempotent (call_tasks (call), key);
  if (task == NULL) {
    apply_settings (call, &params);
    task = emu_task_table_create (call_tasks (call), &params, key);
  }
  answer_task (call, task);
  soup_server_message_set_status (call->msg, SOUP_STATUS_ACCEPTED, NULL);

  if (call->settings.create_delay > 0 && !call->drop_answer)
    emu_in_flight_delay (call->routes->in_flight, call->msg,
        call->settings.create_delay);

out:
  emu_problem_clear (&problem);
  emu_form_clear (&sent);
  emu_form_clear (&sora);
}

static void
handle_retrieve (Call * call)
{
  g_autoptr (EmuTask) task = emu_task_table_lookup (call_tasks (call),
      call->video_id);

  if (task)
    answer_task (call, task);
  else
    answer_not_found (call);
}

static void
handle_delete (Call * call)
{
  g_autoptr (JsonBuilder) b = NULL;
  g_autoptr (JsonNode) root = NULL;

  if (!emu_task_table_remove (call_tasks (call), call->video_id)) {
    answer_not_found (call);
    return;
  }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, call->video_id);
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "video.deleted");
  json_builder_set_member_name (b, "deleted");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  emu_answer_json (call->msg, SOUP_STATUS_OK, root);
}

static void
handle_list (Call * call)
{
  const gchar *limit_text = query_param (call, "limit");
  const gchar *order = query_param (call, "order");
  const gchar *after = query_param (call, "after");
  g_autoptr (GPtrArray) tasks = NULL;
  g_autoptr (JsonBuilder) b = NULL;
  g_autoptr (JsonNode) root = NULL;
  gboolean has_more = FALSE;
  guint limit = LIST_DEFAULT_LIMIT, i;

  if (limit_text && !parse_uint (limit_text, 1, LIST_MAX_LIMIT, &limit)) {
    emu_answer_error (call->msg, SOUP_STATUS_BAD_REQUEST,
        "invalid_request_error", "limit", "invalid_value",
        "Invalid 'limit': expected an integer from 1 to 100.");
    return;
  }
  if (order && !g_str_equal (order, "asc") && !g_str_equal (order, "desc")) {
    emu_answer_error (call->msg, SOUP_STATUS_BAD_REQUEST,
        "invalid_request_error", "order", "invalid_value",
        "Invalid 'order': expected 'asc' or 'desc'.");
    return;
  }

  tasks = emu_task_table_list (call_tasks (call), g_strcmp0 (order,
          "asc") == 0, after, limit, &has_more);
  if (tasks == NULL) {
    emu_answer_error (call->msg, SOUP_STATUS_BAD_REQUEST,
        "invalid_request_error", "after", "invalid_value",
        "Invalid 'after': no video with that id.");
    return;
  }

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "object");
  json_builder_add_string_value (b, "list");
  json_builder_set_member_name (b, "data");
  json_builder_begin_array (b);
  for (i = 0; i < tasks->len; i++) {
    JsonNode *node = emu_task_to_json (tasks->pdata[i],
        call->settings.expires_in);

    if (call->settings.list_without_prompt)
      json_object_remove_member (json_node_get_object (node), "prompt");
    json_builder_add_value (b, node);
  }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "first_id");
  if (tasks->len)
    json_builder_add_string_value (b, emu_task_get_id (tasks->pdata[0]));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "last_id");
  if (tasks->len)
    json_builder_add_string_value (b,
        emu_task_get_id (tasks->pdata[tasks->len - 1]));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "has_more");
  json_builder_add_boolean_value (b, has_more);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  emu_answer_json (call->msg, SOUP_STATUS_OK, root);
}

static void
handle_remix (Call * call)
{
  g_autoptr (EmuTask) source = NULL;
  g_autoptr (EmuTask) task = NULL;
  EmuForm form = { NULL, };
  EmuProblem problem = { NULL, };
  EmuTaskParams params;
  const gchar *key = idempotency_key (call);
  const gchar *prompt;

  source = emu_task_table_lookup (call_tasks (call), call->video_id);
  if (source == NULL) {
    answer_not_found (call);
    return;
  }

  if (!emu_form_parse (call->msg, &form, &problem)) {
    emu_answer_problem (call->msg, &problem);
    goto out;
  }
  log_form (call, &form);
  prompt = g_hash_table_lookup (form.fields, "prompt");
  if (!check_prompt (prompt, &problem)) {
    emu_answer_problem (call->msg, &problem);
    goto out;
  }
  if (emu_task_get_status (source) != EMU_TASK_COMPLETED) {
    emu_answer_error (call->msg, SOUP_STATUS_BAD_REQUEST,
        "invalid_request_error", "video_id", "video_not_ready",
        "Only a completed video can be remixed.");
    goto out;
  }

  if (key)
    task = emu_task_table_find_idempotent (call_tasks (call), key);
  if (task == NULL) {
    /* Same model, size and length as the source; a new prompt, shown
     * throughout. */
    params = *emu_task_get_params (source);
    params.prompt = (gchar *) prompt;
    params.reference = NULL;
    params.remixed_from = call->video_id;
    params.extended_from = params.edited_from = NULL;
    params.parts = NULL;
    params.n_parts = 0;
    apply_settings (call, &params);
    task = emu_task_table_create (call_tasks (call), &params, key);
  }
  answer_task (call, task);

out:
  emu_problem_clear (&problem);
  emu_form_clear (&form);
}

/* The source an extension or edit names, in any of the accepted ways. */
static const gchar *
source_id (EmuForm * form)
{
  const gchar *id = g_hash_table_lookup (form->fields, EMU_FORM_VIDEO_ID);

  /* How the SDKs spell a nested field in a form. */
  if (id == NULL)
    id = g_hash_table_lookup (form->fields, "video[id]");
  return id;
}

/* Checks the body of an extension (@extend) or edit; on success the
 * completed source is in @source and the extension's length in @seconds.
 * Otherwise answers. */
static gboolean
validate_derive (Call * call, EmuForm * form, gboolean extend,
    EmuTask ** source, guint * seconds)
{
  EmuProblem problem = { NULL, };
  const gchar *id;

  if (form->video_other) {
    emu_problem_set (&problem, EMU_FORM_VIDEO_FIELD, "unsupported_upload",
        "The emulator takes the video to %s by id only: {\"video\": "
        "{\"id\": \"video_...\"}} or a 'video_id' field, not an upload.",
        extend ? "extend" : "edit");
    goto refuse;
  }
  if (!check_prompt (g_hash_table_lookup (form->fields, "prompt"), &problem))
    goto refuse;
  if (extend && !check_seconds (g_hash_table_lookup (form->fields,
              "seconds"), call->settings.any_size, seconds, &problem))
    goto refuse;
  id = source_id (form);
  if (id == NULL || *id == '\0') {
    emu_problem_set (&problem, EMU_FORM_VIDEO_FIELD,
        "missing_required_parameter", "Missing required parameter: "
        "'video'.");
    goto refuse;
  }

  g_free (call->log->video_id);
  call->log->video_id = g_strdup (id);
  *source = emu_task_table_lookup (call_tasks (call), id);
  if (*source == NULL) {
    answer_no_such_video (call, id, EMU_FORM_VIDEO_FIELD);
    return FALSE;
  }
  if (emu_task_get_status (*source) != EMU_TASK_COMPLETED) {
    g_clear_pointer (source, emu_task_unref);
    emu_answer_error (call->msg, SOUP_STATUS_BAD_REQUEST,
        "invalid_request_error", EMU_FORM_VIDEO_FIELD, "video_not_ready",
        extend ? "Only a completed video can be extended." :
        "Only a completed video can be edited.");
    return FALSE;
  }
  return TRUE;

refuse:
  emu_answer_problem (call->msg, &problem);
  emu_problem_clear (&problem);
  return FALSE;
}

/* POST /videos/extensions (@extend) and /videos/edits: a new task made
 * from a completed one, named in the body.  An extension's clip is its
 * source's (all of its parts) followed by the new prompt for @seconds
 * more; an edit's is as long as its source's, showing the new prompt. */
static void
handle_derive (Call * call, gboolean extend)
{
  g_autoptr (EmuTask) source = NULL;
  g_autoptr (EmuTask) task = NULL;
  g_autofree EmuRenderPart *parts = NULL;
  g_autofree gchar *caption = NULL;
  EmuForm form = { NULL, };
  EmuProblem problem = { NULL, };
  EmuTaskParams params;
  const gchar *key = idempotency_key (call);
  const gchar *prompt, *model;
  guint seconds = 0;

  if (!emu_form_parse (call->msg, &form, &problem)) {
    emu_answer_problem (call->msg, &problem);
    goto out;
  }
  log_form (call, &form);
  if (!validate_derive (call, &form, extend, &source, &seconds))
    goto out;
  prompt = g_hash_table_lookup (form.fields, "prompt");
  model = g_hash_table_lookup (form.fields, "model");

  if (key)
    task = emu_task_table_find_idempotent (call_tasks (call), key);
  if (task == NULL) {
    const EmuTaskParams *from = emu_task_get_params (source);

    /* Same size (and model, unless one is given) as the source. */
    params = *from;
    params.prompt = (gchar *) prompt;
    if (model && *model)
      params.model = (gchar *) model;
    params.remixed_from = params.extended_from = params.edited_from = NULL;

    if (extend) {
      EmuRenderPart whole = { from->prompt, from->seconds };
      guint n = MAX (from->n_parts, 1);

      /* The source's first frame stays first: its reference is kept. */
      parts = g_new (EmuRenderPart, n + 1);
      memcpy (parts, from->n_parts ? from->parts : &whole,
          n * sizeof (EmuRenderPart));
      parts[n].text = (gchar *) prompt;
      parts[n].seconds = seconds;
      params.n_parts = n + 1;
      params.seconds = from->seconds + seconds;
      params.extended_from = (gchar *) emu_task_get_id (source);
    } else {
      caption = g_strconcat (EDIT_CAPTION, prompt, NULL);
      parts = g_new (EmuRenderPart, 1);
      parts[0].text = caption;
      parts[0].seconds = from->seconds;
      params.n_parts = 1;
      params.reference = NULL;
      params.edited_from = (gchar *) emu_task_get_id (source);
    }
    params.parts = parts;
    apply_settings (call, &params);
    task = emu_task_table_create (call_tasks (call), &params, key);
  }
  answer_task (call, task);

out:
  emu_problem_clear (&problem);
  emu_form_clear (&form);
}

typedef enum
{
  RANGE_NONE,                   /* absent or not understood: send it all */
  RANGE_OK,
  RANGE_UNSATISFIABLE,
} RangeResult;

/* One "bytes=" range: "N-", "N-M" or the suffix form "-N". */
static RangeResult
parse_range (const gchar * header, gsize total, gsize * start, gsize * end)
{
  g_auto (GStrv) ends = NULL;
  guint64 first, last;
  const gchar *spec;

  if (header == NULL || !g_str_has_prefix (header, "bytes="))
    return RANGE_NONE;
  spec = header + strlen ("bytes=");
  if (strchr (spec, ',') != NULL)
    return RANGE_NONE;
  ends = g_strsplit (spec, "-", 2);
  if (g_strv_length (ends) != 2)
    return RANGE_NONE;
  g_strstrip (ends[0]);
  g_strstrip (ends[1]);

  if (*ends[0] == '\0') {
    if (!g_ascii_string_to_unsigned (ends[1], 10, 0, G_MAXUINT64, &last, NULL))
      return RANGE_NONE;
    if (last == 0)
      return RANGE_UNSATISFIABLE;
    *start = last >= total ? 0 : total - last;
    *end = total - 1;
    return RANGE_OK;
  }

  if (!g_ascii_string_to_unsigned (ends[0], 10, 0, G_MAXUINT64, &first, NULL))
    return RANGE_NONE;
  if (*ends[1] == '\0')
    last = G_MAXUINT64;
  else if (!g_ascii_string_to_unsigned (ends[1], 10, 0, G_MAXUINT64, &last,
          NULL) || last < first)
    return RANGE_NONE;
  if (first >= total)
    return RANGE_UNSATISFIABLE;
  *start = first;
  *end = MIN (last, total - 1);
  return RANGE_OK;
}

static void
answer_not_ready (Call * call, EmuTask * task)
{
  g_autofree gchar *message = NULL;

  switch (emu_task_get_status (task)) {
    case EMU_TASK_FAILED:
      message = g_strdup ("Video generation failed: there is no content to "
          "download.");
      break;
    case EMU_TASK_SCRIPTED:
      message = g_strdup_printf ("Video has no content: its status is "
          "'%s'.", emu_task_get_status_word (task));
      break;
    default:
      message = g_strdup ("Video is not ready yet: wait until its status is "
          "'completed'.");
      break;
  }
  emu_answer_error (call->msg, SOUP_STATUS_NOT_FOUND, "invalid_request_error",
      "video_id", "video_not_ready", message);
}

static void
download_completed (gpointer user_data)
{
  apigo_emulator_download_completed (user_data);
}

static void
handle_content (Call * call)
{
  SoupMessageHeaders *headers =
      soup_server_message_get_response_headers (call->msg);
  const gchar *variant = query_param (call, "variant");
  const gchar *range = request_header (call, "Range");
  g_autoptr (EmuTask) task = NULL;
  g_autoptr (GBytes) asset = NULL;
  g_autoptr (GBytes) body = NULL;
  EmuStreamOptions options = { 0, };
  EmuAsset which;
  const gchar *type;
  gsize total, start = 0, end;
  guint status = SOUP_STATUS_OK;

  task = emu_task_table_lookup (call_tasks (call), call->video_id);
  if (task == NULL) {
    answer_not_found (call);
    return;
  }

  if (variant == NULL || g_str_equal (variant, "video")) {
    which = EMU_ASSET_VIDEO;
    type = "video/mp4";
  } else if (g_str_equal (variant, "thumbnail")) {
    which = EMU_ASSET_THUMBNAIL;
    type = "image/jpeg";
  } else if (g_str_equal (variant, "spritesheet")) {
    which = EMU_ASSET_SPRITESHEET;
    type = "image/jpeg";
  } else {
    emu_answer_error (call->msg, SOUP_STATUS_BAD_REQUEST,
        "invalid_request_error", "variant", "invalid_value",
        "Invalid 'variant': expected 'video', 'thumbnail' or "
        "'spritesheet'.");
    return;
  }

  asset = emu_task_get_asset (task, which);
  if (asset == NULL) {
    answer_not_ready (call, task);
    return;
  }
  if (emu_task_is_expired (task, call->settings.expires_in)) {
    emu_answer_error (call->msg, SOUP_STATUS_NOT_FOUND,
        "invalid_request_error", "video_id", "video_expired",
        "The content of this video has expired: it can no longer be "
        "downloaded.");
    return;
  }
  /* Another server's bytes (a benchmark's big file) for a ready task. */
  if (which == EMU_ASSET_VIDEO && call->settings.content_redirect &&
      !call->on_cdn) {
    soup_server_message_set_redirect (call->msg, SOUP_STATUS_FOUND,
        call->settings.content_redirect);
    return;
  }
  /* The API only points at the CDN, which checks all of the above again. */
  if (call->settings.cdn && !call->on_cdn) {
    g_autofree gchar *location = emu_cdn_sign (call->routes->cdn,
        call->video_id, variant);

    soup_server_message_set_redirect (call->msg, SOUP_STATUS_FOUND, location);
    return;
  }

  total = g_bytes_get_size (asset);
  end = total - 1;
  soup_message_headers_replace (headers, "Accept-Ranges", "bytes");
  soup_message_headers_set_content_type (headers, type, NULL);
  /* A strong validator, as storage services send: clients resume with
   * If-Range and get the whole file if it changed. */
  {
    g_autofree gchar *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256,
        asset);
    g_autofree gchar *etag = g_strdup_printf ("\"%.16s\"", sum);
    const gchar *if_range = request_header (call, "If-Range");

    soup_message_headers_replace (headers, "ETag", etag);
    if (if_range != NULL && strcmp (if_range, etag) != 0)
      range = NULL;
  }

  if (!call->settings.ignore_range) {
    switch (parse_range (range, total, &start, &end)) {
      case RANGE_NONE:
        break;
      case RANGE_OK:
        status = SOUP_STATUS_PARTIAL_CONTENT;
        soup_message_headers_set_content_range (headers, start, end, total);
        break;
      case RANGE_UNSATISFIABLE:{
        g_autofree gchar *value = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT,
            total);

        soup_message_headers_replace (headers, "Content-Range", value);
        emu_answer_error (call->msg,
            SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE,
            "invalid_request_error", NULL, "range_not_satisfiable",
            "The requested range is not satisfiable.");
        return;
      }
    }
  }

  body = g_bytes_new_from_bytes (asset, start, end - start + 1);
  soup_server_message_set_status (call->msg, status, NULL);

  if (soup_server_message_get_method (call->msg) == SOUP_METHOD_HEAD) {
    if (call->settings.chunked)
      soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
    else
      soup_message_headers_set_content_length (headers,
          g_bytes_get_size (body));
    return;
  }

  options.chunked = call->settings.chunked;
  options.throttle = call->settings.throttle;
  options.cut = emu_faults_take_cut (call_faults (call), &options.cut_after)
      && options.cut_after < g_bytes_get_size (body);
  options.completed = download_completed;
  options.user_data = call->routes->emu;
  call->dropped = options.cut;
  emu_in_flight_stream (call->routes->in_flight, call->msg, body, &options);
}

/* A signed URL's token, not a key: a storage service's own refusal. */
static void
handle_cdn (Call * call)
{
  static const gchar denied[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "\n<Error><Code>AccessDenied</Code><Message>Request has expired or "
      "its signature is invalid.</Message></Error>\n";

  if (!emu_cdn_check (call->routes->cdn, query_param (call, "token"),
          call->video_id)) {
    soup_server_message_set_status (call->msg, SOUP_STATUS_FORBIDDEN, NULL);
    soup_server_message_set_response (call->msg, "application/xml",
        SOUP_MEMORY_STATIC, denied, strlen (denied));
    return;
  }
  handle_content (call);
}

static void
handle_log (Call * call)
{
  g_autoptr (JsonNode) root =
      apigo_emulator_requests_to_json (call->routes->emu);

  emu_answer_json (call->msg, SOUP_STATUS_OK, root);
}

/* Routing */

static Action
route_path (const gchar * method, const gchar * path, gchar ** video_id)
{
  g_auto (GStrv) parts = NULL;
  guint n;

  if (g_str_equal (path, "/v1/models") || g_str_equal (path, "/v1/models/"))
    return g_str_equal (method, "GET") ? ACTION_MODELS : ACTION_UNKNOWN;
  if (!g_str_has_prefix (path, "/v1/videos"))
    return ACTION_UNKNOWN;
  parts = g_strsplit (path + 1, "/", -1);
  n = g_strv_length (parts);
  /* Tolerate one trailing slash. */
  if (n > 0 && *parts[n - 1] == '\0')
    n--;
  if (n < 2 || !g_str_equal (parts[1], "videos"))
    return ACTION_UNKNOWN;

  if (n == 2) {
    if (g_str_equal (method, "POST"))
      return ACTION_CREATE;
    if (g_str_equal (method, "GET"))
      return ACTION_LIST;
    return ACTION_UNKNOWN;
  }
  if (*parts[2] == '\0' || n > 4)
    return ACTION_UNKNOWN;
  /* Not a task: ids the emulator makes are video_... */
  if (n == 3 && g_str_equal (method, "GET")
      && g_str_equal (parts[2], "models"))
    return ACTION_VIDEO_MODELS;
  if (n == 3 && g_str_equal (method, "POST")) {
    if (g_str_equal (parts[2], "extensions"))
      return ACTION_EXTEND;
    if (g_str_equal (parts[2], "edits"))
      return ACTION_EDIT;
  }
  *video_id = g_uri_unescape_string (parts[2], NULL);
  if (*video_id == NULL)
    return ACTION_UNKNOWN;

  if (n == 3 && g_str_equal (method, "GET"))
    return ACTION_RETRIEVE;
  if (n == 3 && g_str_equal (method, "DELETE"))
    return ACTION_DELETE;
  if (n == 4 && g_str_equal (parts[3], "content") &&
      (g_str_equal (method, "GET") || g_str_equal (method, "HEAD")))
    return ACTION_CONTENT;
  if (n == 4 && g_str_equal (parts[3], "remix") && g_str_equal (method, "POST"))
    return ACTION_REMIX;
  return ACTION_UNKNOWN;
}

/* "/cdn/{id}", on the CDN origin. */
static Action
route_cdn_path (const gchar * method, const gchar * path, gchar ** video_id)
{
  const gchar *id = path + strlen (CDN_PREFIX);

  if (!g_str_has_prefix (path, CDN_PREFIX) || *id == '\0' ||
      strchr (id, '/') != NULL)
    return ACTION_UNKNOWN;
  if (!g_str_equal (method, "GET") && !g_str_equal (method, "HEAD"))
    return ACTION_UNKNOWN;
  *video_id = g_uri_unescape_string (id, NULL);
  return *video_id ? ACTION_CDN : ACTION_UNKNOWN;
}

static ApigoEmulatorRoute
action_route (Action action)
{
  switch (action) {
    case ACTION_CDN:
      return APIGO_EMULATOR_ROUTE_CDN;
    case ACTION_CREATE:
      return APIGO_EMULATOR_ROUTE_CREATE;
    case ACTION_LIST:
      return APIGO_EMULATOR_ROUTE_LIST;
    case ACTION_RETRIEVE:
      return APIGO_EMULATOR_ROUTE_RETRIEVE;
    case ACTION_CONTENT:
      return APIGO_EMULATOR_ROUTE_CONTENT;
    case ACTION_DELETE:
      return APIGO_EMULATOR_ROUTE_DELETE;
    case ACTION_REMIX:
      return APIGO_EMULATOR_ROUTE_REMIX;
    case ACTION_EXTEND:
      return APIGO_EMULATOR_ROUTE_EXTEND;
    case ACTION_EDIT:
      return APIGO_EMULATOR_ROUTE_EDIT;
    case ACTION_MODELS:
    case ACTION_VIDEO_MODELS:
      return APIGO_EMULATOR_ROUTE_MODELS;
    default:
      return APIGO_EMULATOR_ROUTE_ANY;
  }
}

/* "Authorization: Bearer <token>"; any non-empty token when no key is set. */
static gboolean
check_auth (const gchar * header, const gchar * api_key)
{
  const gchar *token;

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return FALSE;
  token = header + 7;
  while (*token == ' ')
    token++;
  if (*token == '\0')
    return FALSE;
  return api_key == NULL || *api_key == '\0' || g_str_equal (token, api_key);
}

/* Azure's "api-key: <key>"; any non-empty key when none is set.  A bearer
 * token is refused: the key is what this dialect takes. */
static gboolean
check_azure_auth (const gchar * api_key_header, const gchar * authorization,
    const gchar * api_key)
{
  if (authorization != NULL || api_key_header == NULL
      || *api_key_header == '\0')
    return FALSE;
  return api_key == NULL || *api_key == '\0'
      || g_str_equal (api_key_header, api_key);
}

/* In the azure dialect the API is under /openai/v1: the path as the
 * OpenAI routes know it, or NULL when it is not there. */
static const gchar *
azure_route_path (const gchar * path)
{
  return g_str_has_prefix (path, "/openai/v1/") ? path + strlen ("/openai") :
      NULL;
}

static ApigoEmulatorRequest *
new_log_entry (SoupServerMessage * msg, const gchar * path, GHashTable * query)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  ApigoEmulatorRequest *log = g_new0 (ApigoEmulatorRequest, 1);

  log->monotonic_time = g_get_monotonic_time ();
  log->authorization_present = soup_message_headers_get_one (headers,
      "Authorization") != NULL;
  log->api_key_present = soup_message_headers_get_one (headers,
      "api-key") != NULL;
  log->api_version = query ? g_strdup (g_hash_table_lookup (query,
          "api-version")) : NULL;
  log->method = g_strdup (soup_server_message_get_method (msg));
  log->path = g_strdup (path);
  log->query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  log->user_agent = g_strdup (soup_message_headers_get_one (headers,
          "User-Agent"));
  log->idempotency_key = g_strdup (soup_message_headers_get_one (headers,
          "Idempotency-Key"));
  log->range = g_strdup (soup_message_headers_get_one (headers, "Range"));
  log->if_range = g_strdup (soup_message_headers_get_one (headers,
          "If-Range"));
  log->content_type = g_strdup (soup_message_headers_get_one (headers,
          "Content-Type"));
  return log;
}

/* Writes nothing, and closes the connection after @seconds. */
static void
drop_connection (Call * call, gdouble seconds)
{
  emu_in_flight_drop (call->routes->in_flight, call->msg, seconds);
  call->dropped = TRUE;
}

static void
dispatch (Call * call, Action action, const gchar * path)
{
  const gchar *method = soup_server_message_get_method (call->msg);

  switch (action) {
    case ACTION_CREATE:
      if (call->settings.openrouter)
        handle_openrouter_create (call);
      else
        handle_create (call);
      break;
    case ACTION_LIST:
      handle_list (call);
      break;
    case ACTION_RETRIEVE:
      handle_retrieve (call);
      break;
    case ACTION_DELETE:
      handle_delete (call);
      break;
    case ACTION_CONTENT:
      if (!call->settings.openrouter
          || emu_openrouter_check_content (call->msg, call->query))
        handle_content (call);
      break;
    case ACTION_REMIX:
      if (call->settings.remix)
        handle_remix (call);
      else
        emu_answer_not_offered (call->msg);
      break;
    case ACTION_EXTEND:
      if (call->settings.extensions)
        handle_derive (call, TRUE);
      else
        emu_answer_not_offered (call->msg);
      break;
    case ACTION_EDIT:
      if (call->settings.edits)
        handle_derive (call, FALSE);
      else
        emu_answer_not_offered (call->msg);
      break;
    case ACTION_CDN:
      handle_cdn (call);
      break;
    case ACTION_MODELS:
      if (call->settings.models)
        emu_models_answer_generic (call->msg, call->settings.video_models);
      else
        emu_answer_not_offered (call->msg);
      break;
    case ACTION_VIDEO_MODELS:
      if (call->settings.models)
        emu_models_answer_video (call->msg, call->settings.video_models,
            call->settings.openrouter);
      else
        emu_answer_not_offered (call->msg);
      break;
    case ACTION_UNKNOWN:{
      g_autofree gchar *message = g_strdup_printf ("Invalid URL (%s %s)",
          method, path);

      if (call->settings.azure) {
        emu_answer_azure_error (call->msg, SOUP_STATUS_NOT_FOUND, NULL,
            "Resource not found");
        break;
      }
      emu_answer_error (call->msg, SOUP_STATUS_NOT_FOUND,
          "invalid_request_error", NULL, "unknown_url", message);
      break;
    }
  }
}

static void
serve (EmuRoutes * routes, SoupServerMessage * msg, const char *path,
    GHashTable * query, gboolean on_cdn)
{
  const gchar *method = soup_server_message_get_method (msg);
  Call call = { routes, msg, query, };
  EmuFault fault;
  Action action;

  call.on_cdn = on_cdn;
  apigo_emulator_get_settings (routes->emu, &call.settings);
  if (on_cdn)
    action = route_cdn_path (method, path, &call.video_id);
  else if (call.settings.openrouter)
    action = g_str_has_prefix (path, EMU_OPENROUTER_PREFIX "/v1/") ?
        route_path (method, path + strlen (EMU_OPENROUTER_PREFIX),
        &call.video_id) : ACTION_UNKNOWN;
  else if (!call.settings.azure)
    action = route_path (method, path, &call.video_id);
  else if (azure_route_path (path) != NULL)
    action = route_path (method, azure_route_path (path), &call.video_id);
  else
    action = ACTION_UNKNOWN;
  call.log = new_log_entry (msg, path, query);
  call.log->route = action_route (action);
  call.log->video_id = g_strdup (call.video_id);
  /* Logged as what they ask, answered as OpenRouter does: it has none of
   * these (no list, remix, extensions, edits nor delete), but the video
   * models list. */
  if (call.settings.openrouter && !on_cdn && action != ACTION_CREATE
      && action != ACTION_RETRIEVE && action != ACTION_CONTENT
      && action != ACTION_VIDEO_MODELS)
    action = ACTION_UNKNOWN;
  if (call.settings.azure)
    call.log->authorized = check_azure_auth (request_header (&call,
            "api-key"), request_header (&call, "Authorization"),
        call.settings.api_key);
  else
    call.log->authorized = check_auth (request_header (&call,
            "Authorization"), call.settings.api_key);

  /* Faults come first, as from a proxy in front of the service; the CDN
   * wants no key, nor the video models list (as on OpenRouter). */
  emu_faults_take (call_faults (&call), call.log->route, &fault);
  if (fault.action == EMU_FAULT_DROP) {
    drop_connection (&call, 0);
  } else if (fault.action == EMU_FAULT_ANSWER) {
    emu_answer_fault (msg, &fault);
  } else {
    gboolean keyless = on_cdn || action == ACTION_VIDEO_MODELS;

    call.drop_answer = fault.action == EMU_FAULT_DROP_ANSWER;
    if (!keyless && !call.log->authorized && call.settings.azure)
      emu_answer_azure_error (msg, SOUP_STATUS_UNAUTHORIZED, NULL,
          "Access denied due to invalid subscription key or wrong API "
          "endpoint. Make sure to provide a valid key for an active "
          "subscription and use a correct regional API endpoint for your "
          "resource.");
    else if (!keyless && !call.log->authorized)
      emu_answer_error (msg, SOUP_STATUS_UNAUTHORIZED,
          "invalid_request_error", NULL, "invalid_api_key",
          "Incorrect API key provided.");
    else if (!on_cdn && call.settings.azure && call.log->api_version == NULL)
      emu_answer_azure_error (msg, SOUP_STATUS_BAD_REQUEST, "BadRequest",
          "Missing required query parameter: api-version");
    else
      dispatch (&call, action, path);
    /* Done (and billed), but the client never hears of it; as late as
     * the answer would have come. */
    if (call.drop_answer)
      drop_connection (&call, call.settings.create_delay);
  }
  /* Every error of the service, its gateway or a fault, in its shape. */
  if (call.settings.openrouter && !on_cdn && !call.dropped)
    emu_openrouter_rewrite_error (msg);

  call.log->status = call.dropped ? 0 : soup_server_message_get_status (msg);
  apigo_emulator_log_request (routes->emu, g_steal_pointer (&call.log));
  emu_fault_clear (&fault);
  emu_settings_clear (&call.settings);
  g_strfreev (call.script);
  g_free (call.video_id);
}

static void
handle_request (SoupServer * server, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  EmuRoutes *routes = user_data;

  /* The emulator's own log is not part of the API, nor logged itself. */
  if (g_str_equal (path, LOG_PATH) &&
      g_str_equal (soup_server_message_get_method (msg), "GET")) {
    Call call = { routes, msg, query, };

    handle_log (&call);
    return;
  }
  serve (routes, msg, path, query, FALSE);
}

static void
handle_cdn_request (SoupServer * server, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  serve (user_data, msg, path, query, TRUE);
}

EmuRoutes *
emu_routes_new (ApigoEmulator * emu, SoupServer * server,
    SoupServer * cdn_server, const gchar * cdn_origin)
{
  EmuRoutes *routes = g_new0 (EmuRoutes, 1);

  routes->emu = emu;
  routes->in_flight = emu_in_flight_new ();
  routes->cdn = emu_cdn_new (cdn_origin);
  soup_server_add_handler (server, NULL, handle_request, routes, NULL);
  soup_server_add_handler (cdn_server, NULL, handle_cdn_request, routes, NULL);
  return routes;
}

void
emu_routes_free (EmuRoutes * routes)
{
  emu_in_flight_free (routes->in_flight);
  emu_cdn_free (routes->cdn);
  g_free (routes);
}
