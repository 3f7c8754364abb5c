/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-uri.h"
#include "apigo-task.h"

#include <string.h>

#define SIZE_MAX_SIDE 16384
/* As the seconds property: the service decides how long is too long. */
#define SECONDS_MAX G_MAXINT

static const struct
{
  const gchar *host;
  ApigoUriForm form;
  /* The parameters the form takes, the first one required. */
  const gchar *params[6];
  gboolean prompt_required;
} forms[] = {
  {"generate", APIGO_URI_GENERATE,
      {"prompt", "model", "size", "seconds", "variant", NULL}, TRUE},
  {"video", APIGO_URI_VIDEO, {"variant", NULL}, FALSE},
  {"remix", APIGO_URI_REMIX, {"prompt", "variant", NULL}, TRUE},
  {"extend", APIGO_URI_EXTEND, {"prompt", "seconds", "variant", NULL}, TRUE},
  {"edit", APIGO_URI_EDIT, {"prompt", "variant", NULL}, TRUE},
};

gboolean
apigo_size_is_valid (const gchar * size)
{
  g_auto (GStrv) parts = NULL;
  guint64 side;
  gint i;

  if (size == NULL)
    return FALSE;
  parts = g_strsplit (size, "x", -1);
  if (g_strv_length (parts) != 2)
    return FALSE;
  for (i = 0; i < 2; i++)
    if (!g_ascii_isdigit (parts[i][0])
        || !g_ascii_string_to_unsigned (parts[i], 10, 1, SIZE_MAX_SIDE,
            &side, NULL))
      return FALSE;
  return TRUE;
}

gboolean
apigo_variant_is_valid (const gchar * variant)
{
  return g_strcmp0 (variant, "video") == 0
      || g_strcmp0 (variant, "thumbnail") == 0
      || g_strcmp0 (variant, "spritesheet") == 0;
}

void
apigo_uri_clear (ApigoUri * uri)
{
  g_clear_pointer (&uri->video_id, g_free);
  g_clear_pointer (&uri->prompt, g_free);
  g_clear_pointer (&uri->model, g_free);
  g_clear_pointer (&uri->size, g_free);
  g_clear_pointer (&uri->variant, g_free);
  memset (uri, 0, sizeof (*uri));
}

static gboolean
fail (GError ** error, const gchar * format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail (GError ** error, const gchar * format, ...)
{
  va_list args;
  g_autofree gchar *why = NULL;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, G_URI_ERROR, G_URI_ERROR_FAILED,
      "Invalid apigo: URI: %s", why);
  return FALSE;
}

/* A query value, '+' for space, percent-decoded, as valid UTF-8. */
static gchar *
decode (const gchar * raw)
{
  g_autofree gchar *spaced = g_strdelimit (g_strdup (raw), "+", ' ');
  gchar *value = g_uri_unescape_string (spaced, NULL);

  if (value != NULL && !g_utf8_validate (value, -1, NULL))
    g_clear_pointer (&value, g_free);
  return value;
}

static gboolean
takes (guint form, const gchar * name)
{
  guint i;

  for (i = 0; forms[form].params[i] != NULL; i++)
    if (g_str_equal (forms[form].params[i], name))
      return TRUE;
  return FALSE;
}

/* Takes @value when it succeeds. */
static gboolean
set_param (ApigoUri * uri, const gchar * name, gchar * value,
    GError ** error)
{
  if (g_str_equal (name, "prompt")) {
    if (*value == '\0')
      return fail (error, "the prompt is empty");
    uri->prompt = value;
  } else if (g_str_equal (name, "model")) {
    if (*value == '\0')
      return fail (error, "the model is empty");
    uri->model = value;
  } else if (g_str_equal (name, "size")) {
    if (!apigo_size_is_valid (value))
      return fail (error, "size \"%s\" is not WIDTHxHEIGHT", value);
    uri->size = value;
  } else if (g_str_equal (name, "variant")) {
    if (!apigo_variant_is_valid (value))
      return fail (error, "variant \"%s\" is not video, thumbnail or "
          "spritesheet", value);
    uri->variant = value;
  } else {
    guint64 seconds;
    gboolean ok = g_ascii_string_to_unsigned (value, 10, 1, SECONDS_MAX,
        &seconds, NULL);

    if (!ok)
      return fail (error, "seconds \"%s\" is not a number of seconds (1 or "
          "more)", value);
    uri->seconds = seconds;
    g_free (value);     /* taken: the caller frees it only on failure */
  }
  return TRUE;
}

static gboolean
parse_query (ApigoUri * uri, guint form, const gchar * query,
    GError ** error)
{
  g_auto (GStrv) pairs = g_strsplit (query ? query : "", "&", -1);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, NULL);
  guint i;

  for (i = 0; pairs[i] != NULL; i++) {
    g_auto (GStrv) kv = NULL;
    gchar *value;

    if (*pairs[i] == '\0')
      continue;
    kv = g_strsplit (pairs[i], "=", 2);
    if (kv[1] == NULL)
      return fail (error, "\"%s\" has no value", kv[0]);
    if (!takes (form, kv[0])) {
      g_autofree gchar *known = g_strjoinv (", ",
          (gchar **) forms[form].params);

      return fail (error, "apigo://%s takes no \"%s\" (it takes: %s)",
          forms[form].host, kv[0], known);
    }
    if (!g_hash_table_add (seen, g_strdup (kv[0])))
      return fail (error, "\"%s\" is given twice", kv[0]);
    value = decode (kv[1]);
    if (value == NULL)
      return fail (error, "the %s is not percent-encoded UTF-8", kv[0]);
    if (!set_param (uri, kv[0], value, error)) {
      g_free (value);
      return FALSE;
    }
  }

  if (forms[form].prompt_required && uri->prompt == NULL)
    return fail (error, "apigo://%s needs a prompt", forms[form].host);
  return TRUE;
}

gboolean
apigo_uri_parse (const gchar * text, ApigoUri * uri, GError ** error)
{
  g_autoptr (GUri) parsed = NULL;
  g_autoptr (GError) parse_error = NULL;
  const gchar *scheme;
  const gchar *host, *path;
  guint form;

  memset (uri, 0, sizeof (*uri));
  if (text == NULL || *text == '\0')
    return fail (error, "it is empty (expected apigo://generate?prompt=...)");
  scheme = g_uri_peek_scheme (text);
  if (g_strcmp0 (scheme, "apigo") != 0)
    return fail (error, "the scheme is %s%s%s, not apigo (expected "
        "apigo://generate?prompt=...)", scheme ? "\"" : "", scheme ?
        scheme : "missing", scheme ? "\"" : "");
  /* GUri checks the percent-encoding of every part: say so, not only
   * that the URI is bad. */
  parsed = g_uri_parse (text, G_URI_FLAGS_ENCODED, &parse_error);
  if (parsed == NULL)
    return fail (error, "%s", parse_error->message);
  if (g_uri_get_userinfo (parsed) != NULL || g_uri_get_port (parsed) != -1
      || g_uri_get_fragment (parsed) != NULL)
    return fail (error, "no user, port or fragment belongs in it");

  host = g_uri_get_host (parsed);
  for (form = 0; form < G_N_ELEMENTS (forms); form++)
    if (host != NULL && g_ascii_strcasecmp (host, forms[form].host) == 0)
      break;
  if (form == G_N_ELEMENTS (forms))
    return fail (error, "\"%s\" is none of generate, video, remix, extend, "
        "edit (expected apigo://generate?prompt=...)", host ? host : "");
  uri->form = forms[form].form;

  path = g_uri_get_path (parsed);
  if (uri->form == APIGO_URI_GENERATE) {
    if (*path != '\0' && strcmp (path, "/") != 0)
      return fail (error, "apigo://generate takes no path");
  } else {
    g_autofree gchar *id = g_uri_unescape_string (path + (*path == '/'),
        NULL);

    if (id == NULL || *id == '\0')
      return fail (error, "apigo://%s/ needs a video id", forms[form].host);
    if (!g_utf8_validate (id, -1, NULL))
      return fail (error, "the video id is not percent-encoded UTF-8");
    if (!apigo_task_id_is_valid (id))
      return fail (error, "\"%s\" is not a video id (letters, digits and "
          "-_.:~ only)", id);
    uri->video_id = g_steal_pointer (&id);
  }

  if (!parse_query (uri, form, g_uri_get_query (parsed), error)) {
    apigo_uri_clear (uri);
    return FALSE;
  }
  return TRUE;
}

static void
append_param (GString * s, const gchar * name, const gchar * value)
{
  g_autofree gchar *escaped = NULL;

  if (value == NULL)
    return;
  escaped = g_uri_escape_string (value, NULL, FALSE);
  g_string_append_printf (s, "%c%s=%s", strchr (s->str, '?') ? '&' : '?',
      name, escaped);
}

gchar *
apigo_uri_to_string (const ApigoUri * uri)
{
  GString *s = g_string_new ("apigo://");
  g_autofree gchar *seconds = uri->seconds ?
      g_strdup_printf ("%u", uri->seconds) : NULL;
  guint form;

  for (form = 0; forms[form].form != uri->form; form++);
  g_string_append (s, forms[form].host);
  if (uri->form != APIGO_URI_GENERATE)
    g_string_append_printf (s, "/%s", uri->video_id);

  if (takes (form, "prompt"))
    append_param (s, "prompt", uri->prompt);
  if (takes (form, "model"))
    append_param (s, "model", uri->model);
  if (takes (form, "size"))
    append_param (s, "size", uri->size);
  if (takes (form, "seconds"))
    append_param (s, "seconds", seconds);
  append_param (s, "variant", uri->variant);
  return g_string_free (s, FALSE);
}
