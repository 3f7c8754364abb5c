/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-task.h"
#include "apigo-error.h"
#include "apigo-json.h"

#include <math.h>
#include <string.h>

#define ID_MAX_LEN 256

G_DEFINE_BOXED_TYPE (ApigoTask, apigo_task, apigo_task_copy, apigo_task_free);

ApigoTaskStatus
apigo_task_status_from_string (const gchar * word)
{
  static const struct
  {
    const gchar *word;
    ApigoTaskStatus status;
  } words[] = {
    {"queued", APIGO_TASK_STATUS_QUEUED},
    {"pending", APIGO_TASK_STATUS_QUEUED},
    {"in_progress", APIGO_TASK_STATUS_IN_PROGRESS},
    {"completed", APIGO_TASK_STATUS_COMPLETED},
    {"failed", APIGO_TASK_STATUS_FAILED},
    {"expired", APIGO_TASK_STATUS_EXPIRED},
    {"cancelled", APIGO_TASK_STATUS_CANCELLED},
    {"canceled", APIGO_TASK_STATUS_CANCELLED},
  };
  guint i;

  if (word == NULL)
    return APIGO_TASK_STATUS_UNKNOWN;

  for (i = 0; i < G_N_ELEMENTS (words); i++)
    if (g_ascii_strcasecmp (word, words[i].word) == 0)
      return words[i].status;

  return APIGO_TASK_STATUS_UNKNOWN;
}

gboolean
apigo_task_status_is_final (ApigoTaskStatus status)
{
  switch (status) {
    case APIGO_TASK_STATUS_COMPLETED:
    case APIGO_TASK_STATUS_FAILED:
    case APIGO_TASK_STATUS_EXPIRED:
    case APIGO_TASK_STATUS_CANCELLED:
      return TRUE;
    default:
      return FALSE;
  }
}

gboolean
apigo_task_id_is_valid (const gchar * id)
{
  const gchar *p;

  if (id == NULL || *id == '\0' || strlen (id) > ID_MAX_LEN)
    return FALSE;
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return FALSE;

  for (p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-_.:~", *p) == NULL)
      return FALSE;

  return TRUE;
}

static gint64
time_member (JsonObject * obj, const gchar * name)
{
  gint64 t = 0;

  if (!apigo_json_get_int64 (obj, name, &t) || t < 0)
    return 0;
  return t;
}

/* A member that is shown (in messages, on the bus), tidied as
 * apigo_service_text() says. */
static gchar *
dup_shown (JsonObject * obj, const gchar * name, guint max_chars)
{
  g_autofree gchar *raw = apigo_json_dup_string (obj, name);

  return apigo_service_text (raw, -1, max_chars);
}

gboolean
apigo_cost_from_node (JsonNode * node, gdouble * cost)
{
  gdouble value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  switch (json_node_get_value_type (node)) {
    case G_TYPE_INT64:
      value = json_node_get_int (node);
      break;
    case G_TYPE_DOUBLE:
      value = json_node_get_double (node);
      break;
    default:
      return FALSE;
  }
  if (!isfinite (value) || value < 0 || value > APIGO_COST_MAX)
    return FALSE;
  *cost = value;
  return TRUE;
}

/* usage.cost: a number of US dollars (OpenRouter; null until known).  What
 * is no believable cost is as good as not said. */
static void
parse_task_cost (ApigoTask * task, JsonObject * obj)
{
  JsonNode *node = json_object_get_member (obj, "usage");

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  task->has_cost = apigo_cost_from_node (json_object_get_member
      (json_node_get_object (node), "cost"), &task->cost);
}

static void
parse_task_error (ApigoTask * task, JsonObject * obj)
{
  JsonNode *node = json_object_get_member (obj, "error");

  if (node == NULL)
    return;

  if (JSON_NODE_HOLDS_OBJECT (node)) {
    JsonObject *err = json_node_get_object (node);

    task->error_code = dup_shown (err, "code", APIGO_SERVICE_WORD_MAX);
    task->error_message = dup_shown (err, "message",
        APIGO_SERVICE_MESSAGE_MAX);
    task->error_type = dup_shown (err, "type", APIGO_SERVICE_WORD_MAX);
    task->error_param = dup_shown (err, "param", APIGO_SERVICE_WORD_MAX);
  } else {
    /* Some gateways give the failure as plain text. */
    task->error_message = dup_shown (obj, "error",
        APIGO_SERVICE_MESSAGE_MAX);
  }
}

ApigoTask *
apigo_task_new_from_node (JsonNode * node, GError ** error)
{
  g_autoptr (ApigoTask) task = NULL;
  JsonObject *obj;
  gint64 progress;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_PROTOCOL,
        "The service's answer is not a video task (not a JSON object)");
    return NULL;
  }
  obj = json_node_get_object (node);

  task = g_new0 (ApigoTask, 1);
  task->progress = -1;

  task->id = apigo_json_dup_string (obj, "id");
  if (!apigo_task_id_is_valid (task->id)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_PROTOCOL,
        "The service's answer has no usable video id");
    return NULL;
  }

  task->status_text = dup_shown (obj, "status", APIGO_SERVICE_WORD_MAX);
  if (task->status_text == NULL || *task->status_text == '\0') {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_PROTOCOL,
        "The service's answer for %s has no status", task->id);
    return NULL;
  }
  task->status = apigo_task_status_from_string (task->status_text);

  if (apigo_json_get_int64 (obj, "progress", &progress))
    task->progress = CLAMP (progress, 0, 100);

  task->created_at = time_member (obj, "created_at");
  task->completed_at = time_member (obj, "completed_at");
  task->expires_at = time_member (obj, "expires_at");

  task->model = apigo_json_dup_string (obj, "model");
  task->prompt = apigo_json_dup_string (obj, "prompt");
  task->size = apigo_json_dup_string (obj, "size");
  task->seconds = apigo_json_dup_string (obj, "seconds");
  task->remixed_from_video_id =
      apigo_json_dup_string (obj, "remixed_from_video_id");
  task->not_a_remix = json_object_has_member (obj, "remixed_from_video_id")
      && json_node_is_null (json_object_get_member (obj,
          "remixed_from_video_id"));
  task->extended_from_video_id =
      apigo_json_dup_string (obj, "extended_from_video_id");
  task->edited_from_video_id =
      apigo_json_dup_string (obj, "edited_from_video_id");

  parse_task_error (task, obj);
  parse_task_cost (task, obj);

  return g_steal_pointer (&task);
}

ApigoTask *
apigo_task_new_from_json (const gchar * data, gsize len, GError ** error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) parse_error = NULL;

  if (!apigo_json_load (parser, data, len, &parse_error)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_PROTOCOL,
        "The service's answer is not valid JSON: %s", parse_error->message);
    return NULL;
  }

  return apigo_task_new_from_node (json_parser_get_root (parser), error);
}

GPtrArray *
apigo_task_list_new_from_json (const gchar * data, gsize len,
    gboolean * has_more, GError ** error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) parse_error = NULL;
  GPtrArray *tasks;
  JsonNode *root, *items;
  JsonObject *obj;
  JsonArray *array;
  guint i;

  if (has_more != NULL)
    *has_more = FALSE;

  if (!apigo_json_load (parser, data, len, &parse_error)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_PROTOCOL,
        "The service's list is not valid JSON: %s", parse_error->message);
    return NULL;
  }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_PROTOCOL,
        "The service's list is not a JSON object");
    return NULL;
  }
  obj = json_node_get_object (root);
  items = json_object_get_member (obj, "data");
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items)) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_PROTOCOL,
        "The service's list has no \"data\" array");
    return NULL;
  }

  if (has_more != NULL) {
    JsonNode *more = json_object_get_member (obj, "has_more");

    *has_more = more != NULL && JSON_NODE_HOLDS_VALUE (more)
        && json_node_get_value_type (more) == G_TYPE_BOOLEAN
        && json_node_get_boolean (more);
  }

  tasks = g_ptr_array_new_with_free_func ((GDestroyNotify) apigo_task_free);
  array = json_node_get_array (items);
  for (i = 0; i < json_array_get_length (array); i++) {
    ApigoTask *task = apigo_task_new_from_node (json_array_get_element (array,
            i), NULL);

    if (task != NULL)
      g_ptr_array_add (tasks, task);
  }
  return tasks;
}

ApigoTask *
apigo_task_copy (const ApigoTask * task)
{
  ApigoTask *copy;

  g_return_val_if_fail (task != NULL, NULL);

  copy = g_memdup2 (task, sizeof (*task));
  copy->id = g_strdup (task->id);
  copy->status_text = g_strdup (task->status_text);
  copy->model = g_strdup (task->model);
  copy->prompt = g_strdup (task->prompt);
  copy->size = g_strdup (task->size);
  copy->seconds = g_strdup (task->seconds);
  copy->remixed_from_video_id = g_strdup (task->remixed_from_video_id);
  copy->extended_from_video_id = g_strdup (task->extended_from_video_id);
  copy->edited_from_video_id = g_strdup (task->edited_from_video_id);
  copy->error_code = g_strdup (task->error_code);
  copy->error_message = g_strdup (task->error_message);
  copy->error_type = g_strdup (task->error_type);
  copy->error_param = g_strdup (task->error_param);

  return copy;
}

void
apigo_task_free (ApigoTask * task)
{
  if (task == NULL)
    return;

  g_free (task->id);
  g_free (task->status_text);
  g_free (task->model);
  g_free (task->prompt);
  g_free (task->size);
  g_free (task->seconds);
  g_free (task->remixed_from_video_id);
  g_free (task->extended_from_video_id);
  g_free (task->edited_from_video_id);
  g_free (task->error_code);
  g_free (task->error_message);
  g_free (task->error_type);
  g_free (task->error_param);
  g_free (task);
}
