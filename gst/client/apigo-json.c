/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-json.h"

#include <errno.h>
#include <math.h>

gchar *
apigo_json_dup_string (JsonObject * obj, const gchar * name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  switch (json_node_get_value_type (node)) {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:{
      gchar buf[G_ASCII_DTOSTR_BUF_SIZE];

      return g_strdup (g_ascii_dtostr (buf, sizeof (buf),
              json_node_get_double (node)));
    }
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (node) ? "true" : "false");
    default:
      return NULL;
  }
}

gboolean
apigo_json_get_int64 (JsonObject * obj, const gchar * name, gint64 * out)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  switch (json_node_get_value_type (node)) {
    case G_TYPE_INT64:
      *out = json_node_get_int (node);
      return TRUE;
    case G_TYPE_DOUBLE:{
      gdouble d = json_node_get_double (node);

      /* Out of gint64 range (or NaN) is no number we can use. */
      if (!isfinite (d) || d >= 9.2e18 || d <= -9.2e18)
        return FALSE;
      *out = (gint64) d;
      return TRUE;
    }
    case G_TYPE_STRING:{
      const gchar *s = json_node_get_string (node);
      gchar *end = NULL;
      gint64 v;

      if (s == NULL)
        return FALSE;
      while (g_ascii_isspace (*s))
        s++;
      if (*s == '\0')
        return FALSE;
      errno = 0;
      v = g_ascii_strtoll (s, &end, 10);
      if (errno != 0 || end == s)
        return FALSE;
      /* "4", "4.0" are fine; "4 seconds" or "abc" are not numbers. */
      if (*end == '.')
        for (end++; g_ascii_isdigit (*end); end++);
      while (g_ascii_isspace (*end))
        end++;
      if (*end != '\0' || end == s)
        return FALSE;
      *out = v;
      return TRUE;
    }
    default:
      return FALSE;
  }
}

static gint
hex_value (gchar c)
{
  return g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

/* The code unit of the \\uXXXX at @p (which points at the 'u'), or -1. */
static gint
escape_unit (const gchar * p, const gchar * end)
{
  gint v = 0, i;

  if (end - p < 5)
    return -1;
  for (i = 1; i <= 4; i++) {
    gint h = hex_value (p[i]);

    if (h < 0)
      return -1;
    v = v * 16 + h;
  }
  return v;
}

static gboolean
bad_json (GError ** error, const gchar * why)
{
  g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
      "%s", why);
  return FALSE;
}

gboolean
apigo_json_precheck (const gchar * data, gsize len, GError ** error)
{
  const gchar *p, *end;
  gboolean in_string = FALSE;
  guint depth = 0;

  if (data == NULL || len == 0)
    return bad_json (error, "empty answer");
  end = data + len;
  if (!g_utf8_validate_len (data, len, NULL))
    return bad_json (error, "not UTF-8");

  for (p = data; p < end && g_ascii_isspace (*p); p++);
  if (p == end || (*p != '{' && *p != '['))
    return bad_json (error, "not a JSON object or array");

  for (; p < end; p++) {
    if (in_string) {
      if (*p == '"') {
        in_string = FALSE;
      } else if ((guchar) * p < 0x20) {
        return bad_json (error, "control character in a string");
      } else if (*p == '\\') {
        gint unit;

        if (++p == end)
          break;
        if (*p != 'u')
          continue;
        unit = escape_unit (p, end);
        if (unit < 0 || (unit >= 0xdc00 && unit <= 0xdfff))
          return bad_json (error, "broken \\u escape");
        p += 4;
        if (unit >= 0xd800 && unit <= 0xdbff) {
          /* A high surrogate must be followed by a low one. */
          if (end - p < 3 || p[1] != '\\' || p[2] != 'u')
            return bad_json (error, "lone surrogate");
          unit = escape_unit (p + 2, end);
          if (unit < 0xdc00 || unit > 0xdfff)
            return bad_json (error, "lone surrogate");
          p += 6;
        }
      }
    } else if (*p == '"') {
      in_string = TRUE;
    } else if (*p == '{' || *p == '[') {
      if (++depth > APIGO_JSON_MAX_DEPTH)
        return bad_json (error, "nested too deep");
    } else if (*p == '}' || *p == ']') {
      if (depth == 0 || --depth == 0)
        break;
    }
  }

  if (depth != 0 || p == end)
    return bad_json (error, "unfinished");
  for (p++; p < end; p++)
    if (!g_ascii_isspace (*p))
      return bad_json (error, "more than one JSON document");
  return TRUE;
}

gboolean
apigo_json_load (JsonParser * parser, const gchar * data, gsize len,
    GError ** error)
{
  GError *parse_error = NULL;

  if (!apigo_json_precheck (data, len, error))
    return FALSE;
  if (!json_parser_load_from_data (parser, data, len, &parse_error)) {
    /* json-glib may fail without saying why. */
    if (parse_error == NULL)
      parse_error = g_error_new (JSON_PARSER_ERROR,
          JSON_PARSER_ERROR_INVALID_DATA, "invalid JSON");
    g_propagate_error (error, parse_error);
    return FALSE;
  }
  return TRUE;
}
