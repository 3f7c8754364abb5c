/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-error.h"
#include "apigo-json.h"

#include <string.h>
#include <json-glib/json-glib.h>

/* A proxy page can be long; users need its gist, and say so when cut. */
#define TEXT_MESSAGE_MAX 300

typedef ApigoErrorDetails ApigoErrorPrivate;

static void
apigo_error_private_init (ApigoErrorPrivate * priv)
{
  memset (priv, 0, sizeof (*priv));
  priv->retry_after_ms = -1;
  priv->should_retry = -1;
}

static void
apigo_error_private_copy (const ApigoErrorPrivate * src,
    ApigoErrorPrivate * dest)
{
  dest->http_status = src->http_status;
  dest->service_code = g_strdup (src->service_code);
  dest->service_type = g_strdup (src->service_type);
  dest->service_param = g_strdup (src->service_param);
  dest->video_id = g_strdup (src->video_id);
  dest->retry_after_ms = src->retry_after_ms;
  dest->should_retry = src->should_retry;
}

static void
apigo_error_private_clear (ApigoErrorPrivate * priv)
{
  g_clear_pointer (&priv->service_code, g_free);
  g_clear_pointer (&priv->service_type, g_free);
  g_clear_pointer (&priv->service_param, g_free);
  g_clear_pointer (&priv->video_id, g_free);
}

/* *INDENT-OFF* */
G_DEFINE_EXTENDED_ERROR (ApigoError, apigo_error)
/* *INDENT-ON* */

const ApigoErrorDetails *
apigo_error_get_details (const GError * error)
{
  g_return_val_if_fail (error != NULL, NULL);
  g_return_val_if_fail (error->domain == APIGO_ERROR, NULL);

  return apigo_error_get_private (error);
}

void
apigo_set_video_error (GError ** error, ApigoErrorCode code,
    const gchar * video_id, const gchar * format, ...)
{
  GError *err;
  va_list args;

  if (error == NULL)
    return;

  va_start (args, format);
  err = g_error_new_valist (APIGO_ERROR, code, format, args);
  va_end (args);
  apigo_error_set_video_id (err, video_id);
  g_propagate_error (error, err);
}

gboolean
apigo_bad_setting (GError ** error, const gchar * format, ...)
{
  va_list args;

  if (error == NULL)
    return FALSE;
  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (APIGO_ERROR,
          APIGO_ERROR_INVALID_SETTING, format, args));
  va_end (args);
  return FALSE;
}

void
apigo_error_set_http_status (GError * error, guint http_status)
{
  g_return_if_fail (error != NULL && error->domain == APIGO_ERROR);

  apigo_error_get_private (error)->http_status = http_status;
}

void
apigo_error_set_service (GError * error, const gchar * code,
    const gchar * type, const gchar * param)
{
  ApigoErrorPrivate *priv;

  g_return_if_fail (error != NULL && error->domain == APIGO_ERROR);

  priv = apigo_error_get_private (error);
  g_free (priv->service_code);
  priv->service_code = g_strdup (code);
  g_free (priv->service_type);
  priv->service_type = g_strdup (type);
  g_free (priv->service_param);
  priv->service_param = g_strdup (param);
}

void
apigo_error_set_video_id (GError * error, const gchar * video_id)
{
  ApigoErrorPrivate *priv;

  g_return_if_fail (error != NULL && error->domain == APIGO_ERROR);

  priv = apigo_error_get_private (error);
  g_free (priv->video_id);
  priv->video_id = g_strdup (video_id);
}

static void
fill_from_object (ApigoServiceError * out, JsonObject * obj)
{
  if (out->message == NULL)
    out->message = apigo_json_dup_string (obj, "message");
  if (out->code == NULL)
    out->code = apigo_json_dup_string (obj, "code");
  if (out->type == NULL)
    out->type = apigo_json_dup_string (obj, "type");
  if (out->param == NULL)
    out->param = apigo_json_dup_string (obj, "param");
}

static gboolean
parse_json (ApigoServiceError * out, const gchar * body, gsize len)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root;
  JsonObject *obj;
  JsonNode *err;

  if (!apigo_json_load (parser, body, len, NULL))
    return FALSE;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  obj = json_node_get_object (root);

  /* OpenAI: {"error": {...}}; some gateways: {"error": "text", ...} or a
   * flat {"message", "code"} or FastAPI's {"detail": "..."}. */
  err = json_object_get_member (obj, "error");
  if (err != NULL && JSON_NODE_HOLDS_OBJECT (err))
    fill_from_object (out, json_node_get_object (err));
  else if (err != NULL && JSON_NODE_HOLDS_VALUE (err))
    out->message = apigo_json_dup_string (obj, "error");

  fill_from_object (out, obj);
  if (out->message == NULL)
    out->message = apigo_json_dup_string (obj, "detail");

  return TRUE;
}

/* The length of the terminal escape sequence at @p: ESC [ parameters and a
 * final byte (colours, cursor moves, clearing the screen), ESC ] text ended
 * by BEL or ESC \ (window titles), ESC and one character; 0 when there is
 * none. */
static gsize
escape_length (const gchar * p)
{
  const gchar *q;

  if (p[0] != '\x1b')
    return 0;
  if (p[1] == '[') {
    for (q = p + 2; *q >= 0x20 && *q <= 0x3f; q++);
    return *q >= 0x40 && *q <= 0x7e ? (gsize) (q + 1 - p) : 0;
  }
  if (p[1] == ']') {
    for (q = p + 2; *q != '\0'; q++) {
      if (*q == '\a')
        return q + 1 - p;
      if (q[0] == '\x1b' && q[1] == '\\')
        return q + 2 - p;
    }
    return 0;
  }
  return p[1] >= 0x20 && p[1] < 0x7f ? 2 : 0;
}

gchar *
apigo_service_text (const gchar * text, gssize len, guint max_chars)
{
  g_autofree gchar *valid = NULL;
  GString *s;
  gboolean space = FALSE;
  glong chars;
  const gchar *p;

  if (text == NULL)
    return NULL;
  valid = g_utf8_make_valid (text, len);
  s = g_string_new (NULL);

  for (p = valid; *p != '\0';) {
    gsize skip = escape_length (p);
    const gchar *next;
    gunichar c;

    /* A sequence a terminal would act on goes, its text too. */
    if (skip > 0) {
      p += skip;
      continue;
    }
    /* Any other control character (C0, DEL, C1), line or paragraph
     * separator is a space: nothing can forge a line of a log. */
    c = g_utf8_get_char (p);
    next = g_utf8_next_char (p);
    if (c == ' ' || g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029) {
      space = s->len > 0;
    } else {
      if (space)
        g_string_append_c (s, ' ');
      space = FALSE;
      g_string_append_len (s, p, next - p);
    }
    p = next;
  }

  chars = g_utf8_strlen (s->str, -1);
  if (chars > max_chars) {
    const gchar *cut = g_utf8_offset_to_pointer (s->str, max_chars);
    glong rest = chars - max_chars;

    g_string_truncate (s, cut - s->str);
    g_string_append_printf (s, "... (%ld more characters)", rest);
  }

  if (s->len == 0) {
    g_string_free (s, TRUE);
    return NULL;
  }
  return g_string_free (s, FALSE);
}

static gchar *
tidy_text (const gchar * text, gssize len)
{
  return apigo_service_text (text, len, TEXT_MESSAGE_MAX);
}

static void
tidy_field (gchar ** field, guint max_chars)
{
  gchar *tidy = apigo_service_text (*field, -1, max_chars);

  g_free (*field);
  *field = tidy;
}

void
apigo_error_set_retry (GError * error, gint64 retry_after_ms,
    gint should_retry)
{
  ApigoErrorPrivate *priv;

  g_return_if_fail (error != NULL && error->domain == APIGO_ERROR);

  priv = apigo_error_get_private (error);
  priv->retry_after_ms = retry_after_ms;
  priv->should_retry = should_retry;
}

gboolean
apigo_error_is_retryable (const GError * error)
{
  const ApigoErrorPrivate *priv;

  if (error == NULL || error->domain != APIGO_ERROR)
    return FALSE;

  priv = apigo_error_get_private (error);
  if (priv->should_retry >= 0)
    return priv->should_retry == 1;
  return error->code == APIGO_ERROR_TRANSIENT
      || error->code == APIGO_ERROR_NETWORK;
}

/* The text between <tag ...> and </tag>, case-insensitively. */
static gchar *
html_element_text (const gchar * body, const gchar * tag)
{
  g_autofree gchar *lower = g_ascii_strdown (body, -1);
  g_autofree gchar *open = g_strdup_printf ("<%s", tag);
  g_autofree gchar *close = g_strdup_printf ("</%s>", tag);
  const gchar *start, *end;

  start = strstr (lower, open);
  if (start == NULL)
    return NULL;
  start = strchr (start, '>');
  if (start == NULL)
    return NULL;
  start++;
  end = strstr (start, close);
  if (end == NULL)
    return NULL;

  return tidy_text (body + (start - lower), end - start);
}

static gboolean
looks_like_html (const gchar * content_type, const gchar * body)
{
  if (content_type != NULL && strstr (content_type, "html") != NULL)
    return TRUE;
  while (g_ascii_isspace (*body))
    body++;
  return g_ascii_strncasecmp (body, "<!doctype html", 14) == 0
      || g_ascii_strncasecmp (body, "<html", 5) == 0;
}

void
apigo_service_error_parse (ApigoServiceError * out,
    const gchar * content_type, const gchar * body, gsize len)
{
  g_autofree gchar *text = NULL;

  g_return_if_fail (out != NULL);
  memset (out, 0, sizeof (*out));

  if (body == NULL || len == 0)
    return;

  /* The service's words go into messages and terminals: tidied here,
   * where they come in. */
  if (parse_json (out, body, len)) {
    tidy_field (&out->message, APIGO_SERVICE_MESSAGE_MAX);
    tidy_field (&out->code, APIGO_SERVICE_WORD_MAX);
    tidy_field (&out->type, APIGO_SERVICE_WORD_MAX);
    tidy_field (&out->param, APIGO_SERVICE_WORD_MAX);
    if (out->message != NULL)
      return;
  }

  /* Not JSON (or JSON without a message): a proxy's page or plain text.
   * Copy first: the body need not be NUL-terminated. */
  text = g_strndup (body, len);
  if (looks_like_html (content_type, text)) {
    out->message = html_element_text (text, "title");
    if (out->message == NULL)
      out->message = html_element_text (text, "h1");
    if (out->message == NULL)
      out->message = html_element_text (text, "body");
  } else if (out->code == NULL && out->type == NULL) {
    out->message = tidy_text (text, -1);
  }
}

void
apigo_service_error_clear (ApigoServiceError * err)
{
  g_clear_pointer (&err->message, g_free);
  g_clear_pointer (&err->code, g_free);
  g_clear_pointer (&err->type, g_free);
  g_clear_pointer (&err->param, g_free);
}
