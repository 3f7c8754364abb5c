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
      if (errno != 0)
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
