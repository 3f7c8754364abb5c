/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "apigo-options.h"
#include "apigo-budget.h"
#include "apigo-client.h"
#include "apigo-error.h"
#include "apigo-images.h"
#include "apigo-parameters.h"
#include "apigo-proxy.h"
#include "apigo-reference.h"
#include "apigo-task.h"

#include <string.h>

#define DEFAULT_MODEL "sora-2"
#define DEFAULT_USER_AGENT "gst-apigo/" VERSION
#define SIZE_MAX_SIDE 16384

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

static gboolean
size_is_valid (gconstpointer value)
{
  return apigo_size_is_valid (*(gchar * const *) value);
}

static gboolean
id_is_valid (gconstpointer value)
{
  return apigo_task_id_is_valid (*(gchar * const *) value);
}

/* The property takes any number, so that GLib never keeps the default in
 * place of one it refuses (a clip nobody asked for, paid for): 0 is
 * refused at start, and what only a negative number can be ("-1" becomes
 * 4294967295 on a gst-launch-1.0 line); the service decides how long is
 * too long. */
static gboolean
seconds_is_valid (gconstpointer value)
{
  guint seconds = *(const guint *) value;

  return seconds >= 1 && seconds <= G_MAXINT;
}

static gboolean
one_line (gconstpointer value)
{
  return strpbrk (*(gchar * const *) value, "\r\n") == NULL;
}

static gchar *
parameters_why_invalid (gconstpointer value)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) object =
      apigo_parameters_parse (*(gchar * const *) value, &error);

  return object == NULL ? g_strdup (error->message) : NULL;
}

static gchar *
images_why_invalid (gconstpointer value)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) object =
      apigo_images_parse (*(gchar * const *) value, &error);

  return object == NULL ? g_strdup (error->message) : NULL;
}

static gchar *
budget_why_invalid (gconstpointer value)
{
  g_autoptr (GError) error = NULL;
  ApigoBudget budget;

  apigo_budget_init (&budget);
  if (apigo_budget_parse (&budget, *(gchar * const *) value, NULL, &error))
    return NULL;
  return g_strdup (error->message);
}

static const ApigoOptionChoice variants[] = {
  {"video", "The video itself (MP4)"},
  {"thumbnail", "A still image of it"},
  {"spritesheet", "An image of frames side by side"},
  {NULL, NULL},
};

static const ApigoOptionChoice fits[] = {
  {"none", "Sent as it is"},
  {"scale", "Stretched to the clip's size"},
  {"pad", "Scaled to fit, black borders around"},
  {NULL, NULL},
};

static const ApigoOptionChoice dialects[] = {
  {"auto", "Azure OpenAI or OpenRouter for their hosts, else OpenAI"},
  {"openai", "OpenAI's: Authorization: Bearer"},
  {"azure", "Azure OpenAI's: api-key header, api-version query"},
  {"openrouter", "OpenRouter's: JSON creates, duration, frame_images"},
  {NULL, NULL},
};

static const ApigoOptionChoice model_checks[] = {
  {"auto", "Where the gateway's list says what models take (openrouter)"},
  {"always", "In any dialect; no list to read is an error"},
  {"never", "The service decides"},
  {NULL, NULL},
};

#define ID_EXPECTED "a video id (letters, digits and -_.:~ only)"
#define ALL_URI_FORMS (APIGO_URI_GENERATE | APIGO_URI_VIDEO | \
    APIGO_URI_REMIX | APIGO_URI_EXTEND | APIGO_URI_EDIT)
#define DERIVED_URI_FORMS (APIGO_URI_REMIX | APIGO_URI_EXTEND | APIGO_URI_EDIT)

#define STRING(field, def) APIGO_OPTION_STRING, \
    G_STRUCT_OFFSET (ApigoOptions, field), def, 0, 0, 0, NULL, NULL
#define UINT(field, lo, hi, def) APIGO_OPTION_UINT, \
    G_STRUCT_OFFSET (ApigoOptions, field), NULL, lo, hi, def, NULL, NULL
#define BOOLEAN(field, def) APIGO_OPTION_BOOLEAN, \
    G_STRUCT_OFFSET (ApigoOptions, field), NULL, 0, 1, def, NULL, NULL
#define CHOICE(field, list, type) APIGO_OPTION_CHOICE, \
    G_STRUCT_OFFSET (ApigoOptions, field), NULL, 0, \
    G_N_ELEMENTS (list) - 2, 0, list, type

/* In the order gst-inspect-1.0 and URIs show them. */
static const ApigoOptionSpec specs[] = {
  {"prompt", "Prompt",
        "What the video shows; with remix, extend or edit, what to change "
        "(required unless video-id is set)",
        STRING (prompt, NULL),
      APIGO_URI_GENERATE | DERIVED_URI_FORMS, 0, FALSE, NULL, NULL},
  {"model", "Model",
        "Video model, as the service names it (sora-2, sora-2-pro...); "
        "remix, extend and edit keep the source's",
        STRING (model, DEFAULT_MODEL),
      APIGO_URI_GENERATE, 0, FALSE, NULL, NULL},
  {"size", "Size",
        "Frame size WIDTHxHEIGHT, e.g. 720x1280 or 1280x720; remix, extend "
        "and edit keep the source's",
        STRING (size, "720x1280"),
        APIGO_URI_GENERATE, 0, FALSE, size_is_valid,
      "WIDTHxHEIGHT, e.g. 720x1280 or 1280x720"},
  {"seconds", "Seconds",
        "Length of the clip in seconds (the service decides which it "
        "offers); with extend, the seconds to add",
        UINT (seconds, 0, G_MAXUINT, 4),
        APIGO_URI_GENERATE | APIGO_URI_EXTEND, 0, FALSE, seconds_is_valid,
      "a length in seconds from 1 to 2147483647, e.g. 4"},
  {"input-reference", "Input reference",
        "Path of a JPEG, PNG or WebP image to use as the first frame "
        "(best at the clip's size)",
      STRING (input_reference, NULL), 0, 0, FALSE, NULL, NULL},
  {"api-key", "API key",
        "Secret key for the service (write-only; default: the "
        "APIGO_API_KEY environment variable)",
      STRING (api_key, NULL), 0, 0, TRUE, NULL, NULL},
  {"base-url", "Base URL",
        "API base URL with its version (default: $APIGO_BASE_URL, else "
        APIGO_CLIENT_DEFAULT_BASE_URL ")",
        STRING (base_url, APIGO_CLIENT_DEFAULT_BASE_URL), 0, 0, FALSE, NULL,
      NULL},
  {"dialect", "Dialect",
        "How the service wants to be spoken to (docs/dialects.md); auto: "
        "azure or openrouter by the host, else openai",
      CHOICE (dialect, dialects, "ApigoDialect"), 0, 0, FALSE, NULL, NULL},
  {"api-version", "API version",
        "The api-version query of dialect azure (default: preview); "
        "refused with other dialects",
        STRING (api_version, NULL), 0, 0, FALSE, one_line,
      "one line (no line break)"},
  {"model-check", "Model check",
        "Check a create against the gateway's model list before paying "
        "(auto: where the list says what models take)",
        CHOICE (model_check, model_checks, "ApigoModelCheck"), 0, 0, FALSE,
      NULL, NULL},
  {"video-id", "Video ID",
        "Existing video task to poll and download instead of creating "
        "one; after a create, the id of the new task",
      STRING (video_id, NULL), 0, APIGO_URI_VIDEO, FALSE, id_is_valid,
      ID_EXPECTED},
  {"poll-interval", "Poll interval",
        "Milliseconds between status requests while the progress does not "
        "tell when the video will be done",
      UINT (poll_interval, 100, 600000, 2000), 0, 0, FALSE, NULL, NULL},
  {"timeout", "Timeout",
        "Seconds the whole run may take: create, generation, download "
        "(0 = no limit)",
      UINT (timeout, 0, 7 * 24 * 3600, 1200), 0, 0, FALSE, NULL, NULL},
  {"user-agent", "User-Agent",
        "Value of the User-Agent HTTP request header field",
        STRING (user_agent, DEFAULT_USER_AGENT), 0, 0, FALSE, one_line,
      "one header line (no line break)"},
  {"retries", "Retries",
        "Further tries of a request after a transient failure (408, 409, "
        "429, 5xx, connection errors)",
      UINT (retries, 0, 10, 2), 0, 0, FALSE, NULL, NULL},
  {"cache-dir", "Cache directory",
        "Where finished clips and the tasks of unfinished generations are "
        "kept (default: $XDG_CACHE_HOME/gst-apigo)",
      STRING (cache_dir, NULL), 0, 0, FALSE, NULL, NULL},
  {"cache-max-size", "Cache size",
        "MiB of finished clips to keep; the least recently played go first "
        "(0 = keep none)",
      UINT (cache_max_size, 0, G_MAXINT, 2048), 0, 0, FALSE, NULL, NULL},
  {"reuse", "Reuse",
        "Replay a kept clip or resume an unfinished task of the same "
        "request (false: a fresh take)",
      BOOLEAN (reuse, TRUE), 0, 0, FALSE, NULL, NULL},
  {"ssl-ca-file", "SSL CA file",
        "PEM file of certificate authorities to trust instead of the "
        "system's",
      STRING (ssl_ca_file, NULL), 0, 0, FALSE, NULL, NULL},
  {"allow-plain-http", "Allow plain HTTP",
        "Send the API key over plain http:// beyond this machine, where it "
        "can be read on the way",
      BOOLEAN (allow_plain_http, FALSE), 0, 0, FALSE, NULL, NULL},
  {"remix", "Remix",
        "Id of a finished video to remix as the prompt says "
        "(POST /videos/{id}/remix)",
      STRING (remix, NULL), 0, APIGO_URI_REMIX, FALSE, id_is_valid,
      ID_EXPECTED},
  {"extend", "Extend",
        "Id of a finished video to continue for seconds more, as the "
        "prompt says (POST /videos/extensions)",
      STRING (extend, NULL), 0, APIGO_URI_EXTEND, FALSE, id_is_valid,
      ID_EXPECTED},
  {"edit", "Edit",
        "Id of a finished video to edit as the prompt says "
        "(POST /videos/edits)",
      STRING (edit, NULL), 0, APIGO_URI_EDIT, FALSE, id_is_valid,
      ID_EXPECTED},
  {"variant", "Variant",
        "Which asset to output: the video (MP4), its thumbnail or its "
        "sprite sheet (images)",
      CHOICE (variant, variants, "ApigoVariant"), ALL_URI_FORMS, 0, FALSE,
      NULL, NULL},
  {"delete-remote", "Delete remote",
        "Delete the task and its assets from the service once the clip is "
        "downloaded and kept",
      BOOLEAN (delete_remote, FALSE), 0, 0, FALSE, NULL, NULL},
  {"input-reference-fit", "Input reference fit",
        "How the input reference is brought to the clip's size before it "
        "is sent",
      CHOICE (input_reference_fit, fits, "ApigoFit"), 0, 0, FALSE, NULL,
      NULL},
  {"parameters", "Parameters",
        "More fields of the create request, as a JSON object, e.g. "
        "{\"seed\": 42, \"aspect_ratio\": \"16:9\"}",
        STRING (parameters, NULL), APIGO_URI_GENERATE | DERIVED_URI_FORMS, 0,
      FALSE, NULL, NULL, parameters_why_invalid},
  /* Paths, like input-reference: not in URIs. */
  {"images", "Images",
        "More image files of a new video, each its own field, as a JSON "
        "object, e.g. {\"last_frame\": \"end.png\"}",
        STRING (images, NULL), 0, 0, FALSE, NULL, NULL,
      images_why_invalid},
  {"budget", "Budget",
        "Spending limits added to the user's budget, e.g. "
        "generations-per-day=5 (docs/spending.md)",
      STRING (budget, NULL), 0, 0, FALSE, NULL, NULL, budget_why_invalid},
  {"ask-application", "Ask application",
        "Before each paid create, post apigo-create-request and wait for "
        "the application's answer",
      BOOLEAN (ask_application, FALSE), 0, 0, FALSE, NULL, NULL},
};

const ApigoOptionSpec *
apigo_option_specs (guint * n_specs)
{
  *n_specs = G_N_ELEMENTS (specs);
  return specs;
}

const ApigoOptionSpec *
apigo_option_spec_find (const gchar * name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (specs); i++)
    if (g_str_equal (specs[i].name, name))
      return &specs[i];
  return NULL;
}

void
apigo_options_init (ApigoOptions * options)
{
  guint i;

  memset (options, 0, sizeof (*options));
  for (i = 0; i < G_N_ELEMENTS (specs); i++) {
    const ApigoOptionSpec *spec = &specs[i];

    /* The base URL's default depends on the environment, read when it is
     * used: unset here. */
    if (spec->type == APIGO_OPTION_STRING)
      *APIGO_OPTION_FIELD (options, spec, gchar *) =
          spec->offset == G_STRUCT_OFFSET (ApigoOptions, base_url) ? NULL :
          g_strdup (spec->default_string);
    else if (spec->type == APIGO_OPTION_BOOLEAN)
      *APIGO_OPTION_FIELD (options, spec, gboolean) = spec->default_uint;
    else
      *APIGO_OPTION_FIELD (options, spec, guint) = spec->default_uint;
  }
}

void
apigo_options_set_string (ApigoOptions * options,
    const ApigoOptionSpec * spec, const gchar * value)
{
  gchar **field = APIGO_OPTION_FIELD (options, spec, gchar *);

  g_return_if_fail (spec->type == APIGO_OPTION_STRING);
  if (*field != NULL && spec->secret)
    memset (*field, 0, strlen (*field));
  g_free (*field);
  /* An empty string means "not set", as for most GStreamer elements. */
  *field = value != NULL && *value != '\0' ? g_strdup (value) : NULL;
}

void
apigo_options_clear (ApigoOptions * options)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (specs); i++)
    if (specs[i].type == APIGO_OPTION_STRING)
      apigo_options_set_string (options, &specs[i], NULL);
  memset (options, 0, sizeof (*options));
}

void
apigo_options_copy (ApigoOptions * dest, const ApigoOptions * src)
{
  guint i;

  *dest = *src;
  for (i = 0; i < G_N_ELEMENTS (specs); i++)
    if (specs[i].type == APIGO_OPTION_STRING) {
      gchar **field = APIGO_OPTION_FIELD (dest, &specs[i], gchar *);

      *field = g_strdup (*field);
    }
}

static const gchar *
noun (ApigoOptionsOrigin origin)
{
  return origin == APIGO_OPTIONS_FROM_PROPERTIES ? "property" : "parameter";
}

gchar *
apigo_options_value_to_string (const ApigoOptions * options,
    const ApigoOptionSpec * spec)
{
  gconstpointer field = (const guint8 *) options + spec->offset;

  switch (spec->type) {
    case APIGO_OPTION_STRING:
      return g_strdup (*(gchar * const *) field);
    case APIGO_OPTION_UINT:
      return g_strdup_printf ("%u", *(const guint *) field);
    case APIGO_OPTION_BOOLEAN:
      return g_strdup (*(const gboolean *) field ? "true" : "false");
    case APIGO_OPTION_CHOICE:
      return g_strdup (spec->choices[*(const guint *) field].nick);
  }
  g_return_val_if_reached (NULL);
}

/* Whether the value of @spec in @options is valid; FALSE with a message
 * naming it otherwise. */
static gboolean
check_value (const ApigoOptions * options, const ApigoOptionSpec * spec,
    ApigoOptionsOrigin origin, GError ** error)
{
  gconstpointer field = (const guint8 *) options + spec->offset;
  g_autofree gchar *text = NULL;
  g_autofree gchar *why = NULL;

  if (spec->why_invalid != NULL && *(gchar * const *) field != NULL
      && (why = spec->why_invalid (field)) != NULL) {
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
        "The %s %s is not usable: %s", spec->name, noun (origin), why);
    return FALSE;
  }
  if (spec->is_valid == NULL
      || (spec->type == APIGO_OPTION_STRING
          && *(gchar * const *) field == NULL) || spec->is_valid (field))
    return TRUE;
  text = apigo_options_value_to_string (options, spec);
  /* A message is one line: a line break shows as \n. */
  if (strpbrk (text, "\r\n") != NULL) {
    gchar *escaped = g_strescape (text, NULL);

    g_free (text);
    text = escaped;
  }
  g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
      "The %s %s \"%s\" is not %s", spec->name, noun (origin), text,
      spec->expected);
  return FALSE;
}

gboolean
apigo_options_parse_value (ApigoOptions * options,
    const ApigoOptionSpec * spec, const gchar * text,
    ApigoOptionsOrigin origin, GError ** error)
{
  /* Read into a scratch copy first: @options change only if it is
   * valid. */
  ApigoOptions scratch = { 0 };
  gpointer field = (guint8 *) & scratch + spec->offset;
  guint64 number;
  gboolean ok;
  guint i;

  switch (spec->type) {
    case APIGO_OPTION_STRING:
      if (*text == '\0') {
        g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
            "The %s %s is empty", spec->name, noun (origin));
        return FALSE;
      }
      *(gchar **) field = g_strdup (text);
      break;
    case APIGO_OPTION_UINT:
      if (!g_ascii_isdigit (*text)
          || !g_ascii_string_to_unsigned (text, 10, spec->min, spec->max,
              &number, NULL)) {
        g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
            "The %s %s \"%s\" is not %s", spec->name, noun (origin), text,
            spec->expected ? spec->expected : "a whole number in range");
        return FALSE;
      }
      *(guint *) field = number;
      break;
    case APIGO_OPTION_BOOLEAN:
      if (g_strcmp0 (text, "true") != 0 && g_strcmp0 (text, "false") != 0) {
        g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
            "The %s %s \"%s\" is not true or false", spec->name,
            noun (origin), text);
        return FALSE;
      }
      *(gboolean *) field = g_str_equal (text, "true");
      break;
    case APIGO_OPTION_CHOICE:
      for (i = 0; spec->choices[i].nick != NULL; i++)
        if (g_str_equal (spec->choices[i].nick, text))
          break;
      if (spec->choices[i].nick == NULL) {
        g_autoptr (GString) names = g_string_new (NULL);

        for (i = 0; spec->choices[i].nick != NULL; i++)
          g_string_append_printf (names, "%s%s", i == 0 ? "" :
              spec->choices[i + 1].nick == NULL ? " or " : ", ",
              spec->choices[i].nick);
        g_set_error (error, APIGO_ERROR, APIGO_ERROR_INVALID_SETTING,
            "The %s %s \"%s\" is not %s", spec->name, noun (origin), text,
            names->str);
        return FALSE;
      }
      *(guint *) field = i;
      break;
  }
  ok = check_value (&scratch, spec, origin, error);
  if (spec->type == APIGO_OPTION_STRING) {
    if (ok)
      apigo_options_set_string (options, spec, text);
    g_free (*(gchar **) field);
  } else if (ok) {
    /* guint and gboolean alike */
    *APIGO_OPTION_FIELD (options, spec, guint) = *(guint *) field;
  }
  return ok;
}

const gchar *
apigo_options_base_url (const ApigoOptions * options)
{
  const gchar *env = g_getenv ("APIGO_BASE_URL");

  if (options->base_url != NULL)
    return options->base_url;
  return env != NULL && *env != '\0' ? env : APIGO_CLIENT_DEFAULT_BASE_URL;
}

/* Which of video-id, remix, extend and edit is set: the one source of the
 * clip, if any.  FALSE when more than one is. */
static gboolean
take_source (const ApigoOptions * o, ApigoOptionsOrigin origin,
    ApigoJobSettings * s, GError ** error)
{
  const struct
  {
    const gchar *name;
    ApigoCreateKind kind;
    const gchar *id;
  } sources[] = {
    {"video-id", APIGO_CREATE_GENERATE, o->video_id},
    {"remix", APIGO_CREATE_REMIX, o->remix},
    {"extend", APIGO_CREATE_EXTEND, o->extend},
    {"edit", APIGO_CREATE_EDIT, o->edit},
  };
  g_autoptr (GPtrArray) set = g_ptr_array_new ();
  guint i;

  for (i = 0; i < G_N_ELEMENTS (sources); i++) {
    if (sources[i].id == NULL)
      continue;
    g_ptr_array_add (set, (gpointer) sources[i].name);
    if (i == 0) {
      s->video_id = g_strdup (sources[i].id);
    } else {
      s->create_kind = sources[i].kind;
      g_free (s->source_id);
      s->source_id = g_strdup (sources[i].id);
    }
  }
  if (set->len > 1) {
    g_autofree gchar *both = NULL;

    g_ptr_array_add (set, NULL);
    both = g_strjoinv (" and ", (gchar **) set->pdata);
    return apigo_bad_setting (error,
        "The %s %s are set: set at most one of video-id, "
        "remix, extend and edit", both,
        origin == APIGO_OPTIONS_FROM_PROPERTIES ? "properties" :
        "parameters");
  }
  return TRUE;
}

static gboolean
take_reference (const ApigoOptions * o, ApigoOptionsOrigin origin,
    ApigoJobSettings * s, GError ** error)
{
  const gchar *type = NULL;
  g_autoptr (GError) ref_error = NULL;

  s->input_reference = apigo_reference_load (o->input_reference, &type,
      &ref_error);
  if (s->input_reference == NULL)
    return apigo_bad_setting (error,
        "Bad input-reference %s: %s", noun (origin),
        ref_error->message);
  s->input_reference_name = g_path_get_basename (o->input_reference);
  s->input_reference_type = g_strdup (type);
  return TRUE;
}

static gboolean
take_images (const ApigoOptions * o, ApigoOptionsOrigin origin,
    ApigoJobSettings * s, GError ** error)
{
  if (apigo_images_load (o->images, s->parameters, &s->images,
          &s->n_images, error))
    return TRUE;
  g_prefix_error (error, "Bad images %s: ", noun (origin));
  return FALSE;
}

static gboolean
take_key (const ApigoOptions * o, ApigoOptionsOrigin origin,
    ApigoJobSettings * s, GError ** error)
{
  gboolean from_option = o->api_key != NULL;

  s->api_key = g_strdup (from_option ? o->api_key :
      g_getenv ("APIGO_API_KEY"));
  if (s->api_key == NULL || *s->api_key == '\0')
    return apigo_bad_setting (error,
        "No API key: set %sthe APIGO_API_KEY environment "
        "variable", origin == APIGO_OPTIONS_FROM_PROPERTIES ?
        "the api-key property or " : "");
  if (!apigo_client_check_api_key (s->api_key, error)) {
    g_prefix_error (error, "Bad %s: ", from_option ? "api-key property" :
        "APIGO_API_KEY environment variable");
    return FALSE;
  }
  return TRUE;
}

/* Whether @host is @domain or below it, case aside. */
static gboolean
host_is_under (const gchar * host, const gchar * domain)
{
  gsize len = strlen (host), dlen = strlen (domain);

  return len > dlen + 1 && host[len - dlen - 1] == '.'
      && g_ascii_strcasecmp (host + len - dlen, domain) == 0;
}

ApigoDialect
apigo_dialect_for_base_url (const gchar * base_url)
{
  static const gchar *const azure_domains[] = { "openai.azure.com",
    "cognitiveservices.azure.com", "services.ai.azure.com"
  };
  g_autoptr (GUri) uri = base_url ? g_uri_parse (base_url, G_URI_FLAGS_NONE,
      NULL) : NULL;
  const gchar *host = uri ? g_uri_get_host (uri) : NULL;
  guint i;

  /* The host only: a path proves nothing, and API Management hosts
   * (azure-api.net) front any backend. */
  if (host != NULL && (g_ascii_strcasecmp (host, "openrouter.ai") == 0
          || host_is_under (host, "openrouter.ai")))
    return APIGO_DIALECT_OPENROUTER;
  for (i = 0; host != NULL && i < G_N_ELEMENTS (azure_domains); i++)
    if (host_is_under (host, azure_domains[i]))
      return APIGO_DIALECT_AZURE;
  return APIGO_DIALECT_OPENAI;
}

gboolean
apigo_dialect_resolve (guint option, const gchar * base_url,
    ApigoDialect * dialect, gchar ** resolved_base_url, GError ** error)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree gchar *path = NULL;
  gsize len;

  if (option == APIGO_OPTION_DIALECT_OPENAI)
    *dialect = APIGO_DIALECT_OPENAI;
  else if (option == APIGO_OPTION_DIALECT_AZURE)
    *dialect = APIGO_DIALECT_AZURE;
  else if (option == APIGO_OPTION_DIALECT_OPENROUTER)
    *dialect = APIGO_DIALECT_OPENROUTER;
  else
    *dialect = apigo_dialect_for_base_url (base_url);
  *resolved_base_url = g_strdup (base_url);
  if (*dialect != APIGO_DIALECT_AZURE)
    return TRUE;

  /* Azure's endpoint as its portal shows it (https://RES.openai.azure.com/)
   * or with /openai: the videos are below /openai/v1.  The older
   * /openai/deployments/ routes have no videos. */
  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, NULL);
  path = g_strdup (uri ? g_uri_get_path (uri) : "");
  len = strlen (path);
  while (len > 0 && path[len - 1] == '/')
    path[--len] = '\0';
  if (strstr (path, "/openai/deployments") != NULL) {
    g_clear_pointer (resolved_base_url, g_free);
    return apigo_bad_setting (error,
        "Azure OpenAI's videos are not under "
        "/openai/deployments/; use https://RESOURCE.openai.azure.com"
        "/openai/v1 and the deployment name as the model");
  }
  if (*path != '\0' && g_ascii_strcasecmp (path, "/openai") != 0)
    return TRUE;
  len = strlen (base_url);
  while (len > 0 && base_url[len - 1] == '/')
    len--;
  g_free (*resolved_base_url);
  *resolved_base_url = g_strdup_printf ("%.*s%s", (gint) len, base_url,
      *path == '\0' ? "/openai/v1" : "/v1");
  return TRUE;
}

/* What OpenRouter's video API has no endpoint for, refused before any
 * request: a remix, extension or edit, and content variants. */
static gboolean
openrouter_offers (const ApigoJobSettings * s, ApigoOptionsOrigin origin,
    GError ** error)
{
  static const gchar *const kinds[] = { NULL, "remix", "extend", "edit" };

  if (s->create_kind != APIGO_CREATE_GENERATE)
    return apigo_bad_setting (error,
        "The %s %s is not offered by dialect openrouter: "
        "OpenRouter's video API only generates new videos",
        kinds[s->create_kind], noun (origin));
  if (s->variant != NULL)
    return apigo_bad_setting (error,
        "The variant %s %s is not offered by dialect "
        "openrouter: OpenRouter serves the video only", s->variant,
        noun (origin));
  return TRUE;
}

/* The dialect in effect (auto: from the base URL's host) and what it
 * needs. */
static gboolean
take_dialect (const ApigoOptions * o, ApigoOptionsOrigin origin,
    ApigoJobSettings * s, GError ** error)
{
  ApigoDialect dialect;
  gchar *base_url;

  if (!apigo_dialect_resolve (o->dialect, s->base_url, &dialect, &base_url,
          error)) {
    g_prefix_error (error, "Bad base-url %s: ", noun (origin));
    return FALSE;
  }
  g_free (s->base_url);
  s->base_url = base_url;
  s->dialect = dialect;
  if (dialect == APIGO_DIALECT_OPENROUTER && !openrouter_offers (s, origin,
          error))
    return FALSE;
  if (dialect != APIGO_DIALECT_AZURE) {
    /* Silently dropped, it would hide a dialect that is not the one
     * meant. */
    if (o->api_version != NULL)
      return apigo_bad_setting (error,
          "The api-version %s is for dialect azure only, "
          "and the dialect is %s: set dialect=azure, or leave api-version "
          "unset", noun (origin), apigo_dialect_name (dialect));
    return TRUE;
  }
  s->api_version = g_strdup (o->api_version ? o->api_version :
      APIGO_AZURE_DEFAULT_API_VERSION);
  return TRUE;
}

/* The user's budget file and APIGO_BUDGET are read at start too: a slip
 * in them fails now, not at the create. */
static gboolean
take_budget (const ApigoJobSettings * s, ApigoOptionsOrigin origin,
    GError ** error)
{
  g_autofree gchar *origin_name = g_strdup_printf ("the budget %s",
      noun (origin));
  ApigoBudget budget;

  return apigo_budget_load (&budget, NULL, s->budget, origin_name, error);
}

gboolean
apigo_options_to_job_settings (const ApigoOptions * o,
    ApigoOptionsOrigin origin, ApigoJobSettings * s, GError ** error)
{
  guint i;

  memset (s, 0, sizeof (*s));
  for (i = 0; i < G_N_ELEMENTS (specs); i++)
    if (!check_value (o, &specs[i], origin, error))
      return FALSE;
  if (!take_source (o, origin, s, error))
    return FALSE;

  s->base_url = g_strdup (apigo_options_base_url (o));
  s->user_agent = g_strdup (o->user_agent ? o->user_agent :
      DEFAULT_USER_AGENT);
  s->model = g_strdup (o->model);
  s->prompt = g_strdup (o->prompt);
  s->size = g_strdup (o->size);
  s->seconds = g_strdup_printf ("%u", o->seconds);
  s->poll_interval_ms = o->poll_interval;
  s->timeout_s = o->timeout;
  s->retries = o->retries;
  s->cache_dir = g_strdup (o->cache_dir);
  s->cache_max_bytes = (guint64) o->cache_max_size << 20;
  s->reuse = o->reuse;
  s->delete_remote = o->delete_remote;
  s->model_check = o->model_check;
  s->ca_file = g_strdup (o->ssl_ca_file);
  s->allow_plain_http = o->allow_plain_http;
  /* "video" is the service's default: only other variants are named. */
  if (o->variant != APIGO_VARIANT_VIDEO)
    s->variant = g_strdup (variants[o->variant].nick);
  if (o->input_reference_fit != APIGO_FIT_NONE)
    s->reference_fit = g_strdup (fits[o->input_reference_fit].nick);
  if (o->parameters != NULL)
    s->parameters = apigo_parameters_canonical (o->parameters);
  s->budget = g_strdup (o->budget);
  s->ask_application = o->ask_application;

  if (s->video_id != NULL) {
    /* Attaching: what to generate is the task's business, not ours. */
  } else if (s->prompt == NULL) {
    return apigo_bad_setting (error,
        "No prompt: set the prompt %s to what the video "
        "should show (or video-id to download an existing video)",
        noun (origin));
  } else if (s->create_kind == APIGO_CREATE_GENERATE) {
    if (s->model == NULL)
      return apigo_bad_setting (error,
          "The model %s is empty: name a model, e.g. "
          DEFAULT_MODEL, noun (origin));
    if (s->size == NULL)
      return apigo_bad_setting (error,
          "The size %s is empty: set WIDTHxHEIGHT, e.g. "
          "720x1280 or 1280x720", noun (origin));
    if (o->input_reference != NULL && !take_reference (o, origin, s, error))
      return FALSE;
    if (o->images != NULL && !take_images (o, origin, s, error))
      return FALSE;
  } else if (o->images != NULL) {
    /* Their requests are JSON bodies: no file would go. */
    return apigo_bad_setting (error,
        "The images %s is for new videos only: remix, "
        "extend and edit send no image files; unset it", noun (origin));
  }

  if (!take_key (o, origin, s, error))
    return FALSE;
  if (!apigo_client_check_base_url (s->base_url, error)) {
    g_prefix_error (error, "Bad base-url %s: ", noun (origin));
    return FALSE;
  }
  if (!take_dialect (o, origin, s, error))
    return FALSE;
  if (!take_budget (s, origin, error))
    return FALSE;
  /* Decided here, before any connection: the key must not travel in the
   * clear beyond this machine (to the host or to a proxy) unless the user
   * says so.  The job's client decides the same again. */
  return apigo_proxy_check_plain_http (NULL, s->base_url,
      s->allow_plain_http, error);
}
