/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-uri.h"

#include <string.h>

static const struct
{
  const gchar *host;
  ApigoUriForm form;
} forms[] = {
  {"generate", APIGO_URI_GENERATE},
  {"video", APIGO_URI_VIDEO},
  {"remix", APIGO_URI_REMIX},
  {"extend", APIGO_URI_EXTEND},
  {"edit", APIGO_URI_EDIT},
};

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

static const gchar *
host_of (ApigoUriForm form)
{
  guint i;

  for (i = 0; forms[i].form != form; i++);
  return forms[i].host;
}

/* The option whose value is the path of @form; NULL for generate. */
static const ApigoOptionSpec *
path_option (ApigoUriForm form)
{
  const ApigoOptionSpec *specs;
  guint n, i;

  specs = apigo_option_specs (&n);
  for (i = 0; i < n; i++)
    if (specs[i].uri_path == form)
      return &specs[i];
  return NULL;
}

/* The options a URI of @form takes in its query. */
static const ApigoOptionSpec *
query_option (ApigoUriForm form, const gchar * name)
{
  const ApigoOptionSpec *spec = apigo_option_spec_find (name);

  return spec != NULL && (spec->uri_query & form) ? spec : NULL;
}

static gchar *
query_names (ApigoUriForm form)
{
  const ApigoOptionSpec *specs;
  GString *names = g_string_new (NULL);
  guint n, i;

  specs = apigo_option_specs (&n);
  for (i = 0; i < n; i++)
    if (specs[i].uri_query & form)
      g_string_append_printf (names, "%s%s", names->len ? ", " : "",
          specs[i].name);
  return g_string_free (names, FALSE);
}

/* Every form that takes a prompt needs one. */
static gboolean
needs_prompt (ApigoUriForm form)
{
  return query_option (form, "prompt") != NULL;
}

static gboolean
parse_query (ApigoOptions * options, ApigoUriForm form, const gchar * query,
    GError ** error)
{
  g_auto (GStrv) pairs = g_strsplit (query ? query : "", "&", -1);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, NULL);
  guint i;

  for (i = 0; pairs[i] != NULL; i++) {
    g_auto (GStrv) kv = NULL;
    g_autofree gchar *value = NULL;
    g_autoptr (GError) value_error = NULL;
    const ApigoOptionSpec *spec;

    if (*pairs[i] == '\0')
      continue;
    kv = g_strsplit (pairs[i], "=", 2);
    if (kv[1] == NULL)
      return fail (error, "\"%s\" has no value", kv[0]);
    spec = query_option (form, kv[0]);
    if (spec == NULL) {
      g_autofree gchar *known = query_names (form);

      return fail (error, "apigo://%s takes no \"%s\" (it takes: %s)",
          host_of (form), kv[0], known);
    }
    if (!g_hash_table_add (seen, g_strdup (kv[0])))
      return fail (error, "\"%s\" is given twice", kv[0]);
    value = decode (kv[1]);
    if (value == NULL)
      return fail (error, "the %s is not percent-encoded UTF-8", kv[0]);
    if (!apigo_options_parse_value (options, spec, value,
            APIGO_OPTIONS_FROM_URI, &value_error))
      return fail (error, "%s", value_error->message);
  }

  if (needs_prompt (form) && options->prompt == NULL)
    return fail (error, "apigo://%s needs a prompt", host_of (form));
  return TRUE;
}

/* Reads @text into @options, which start at their defaults. */
static gboolean
parse_into (const gchar * text, ApigoOptions * options, GError ** error)
{
  g_autoptr (GUri) parsed = NULL;
  g_autoptr (GError) parse_error = NULL;
  const gchar *scheme;
  const gchar *host, *path;
  guint i;

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
  for (i = 0; i < G_N_ELEMENTS (forms); i++)
    if (host != NULL && g_ascii_strcasecmp (host, forms[i].host) == 0)
      break;
  if (i == G_N_ELEMENTS (forms))
    return fail (error, "\"%s\" is none of generate, video, remix, extend, "
        "edit (expected apigo://generate?prompt=...)", host ? host : "");

  path = g_uri_get_path (parsed);
  if (forms[i].form == APIGO_URI_GENERATE) {
    if (*path != '\0' && strcmp (path, "/") != 0)
      return fail (error, "apigo://generate takes no path");
  } else {
    g_autofree gchar *id = g_uri_unescape_string (path + (*path == '/'),
        NULL);
    g_autoptr (GError) id_error = NULL;

    if (id == NULL || *id == '\0')
      return fail (error, "apigo://%s/ needs a video id", forms[i].host);
    if (!g_utf8_validate (id, -1, NULL))
      return fail (error, "the video id is not percent-encoded UTF-8");
    if (!apigo_options_parse_value (options, path_option (forms[i].form), id,
            APIGO_OPTIONS_FROM_URI, &id_error))
      return fail (error, "\"%s\" is not a video id (letters, digits and "
          "-_.:~ only)", id);
  }

  return parse_query (options, forms[i].form, g_uri_get_query (parsed),
      error);
}

gboolean
apigo_uri_parse (const gchar * text, ApigoOptions * options,
    GError ** error)
{
  ApigoOptions parsed;
  const ApigoOptionSpec *specs;
  guint n, i;

  apigo_options_init (&parsed);
  if (!parse_into (text, &parsed, error)) {
    apigo_options_clear (&parsed);
    return FALSE;
  }
  specs = apigo_option_specs (&n);
  for (i = 0; i < n; i++) {
    if (!apigo_uri_names (&specs[i]))
      continue;
    if (specs[i].type == APIGO_OPTION_STRING) {
      apigo_options_set_string (options, &specs[i],
          *APIGO_OPTION_FIELD (&parsed, &specs[i], gchar *));
    } else {
      /* guint and gboolean alike */
      *APIGO_OPTION_FIELD (options, &specs[i], guint) =
          *APIGO_OPTION_FIELD (&parsed, &specs[i], guint);
    }
  }
  apigo_options_clear (&parsed);
  return TRUE;
}

gboolean
apigo_uri_names (const ApigoOptionSpec * spec)
{
  return spec->uri_query != 0 || spec->uri_path != 0;
}

ApigoUriForm
apigo_uri_form_of (const ApigoOptions * options)
{
  if (options->remix != NULL)
    return APIGO_URI_REMIX;
  if (options->extend != NULL)
    return APIGO_URI_EXTEND;
  if (options->edit != NULL)
    return APIGO_URI_EDIT;
  if (options->video_id != NULL)
    return APIGO_URI_VIDEO;
  return APIGO_URI_GENERATE;
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
apigo_uri_to_string (const ApigoOptions * options)
{
  ApigoUriForm form = apigo_uri_form_of (options);
  const ApigoOptionSpec *specs, *path = path_option (form);
  GString *s;
  guint n, i;

  if (needs_prompt (form) && options->prompt == NULL)
    return NULL;
  s = g_string_new ("apigo://");
  g_string_append (s, host_of (form));
  if (path != NULL)
    g_string_append_printf (s, "/%s", *APIGO_OPTION_FIELD (options, path,
            gchar *));

  specs = apigo_option_specs (&n);
  for (i = 0; i < n; i++) {
    g_autofree gchar *value = NULL;

    if (!(specs[i].uri_query & form))
      continue;
    /* A choice at its default says nothing: left out. */
    if (specs[i].type == APIGO_OPTION_CHOICE
        && *APIGO_OPTION_FIELD (options, &specs[i], guint) ==
        specs[i].default_uint)
      continue;
    value = apigo_options_value_to_string (options, &specs[i]);
    append_param (s, specs[i].name, value);
  }
  return g_string_free (s, FALSE);
}
