/* gst-apigo: the options table and the checks every front end shares
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "apigo-client.h"
#include "apigo-error.h"
#include "apigo-options.h"
#include "apigo-uri.h"

#define KEY "sk-test-options-0123456789"

static const ApigoOptionSpec *
spec (const gchar * name)
{
  const ApigoOptionSpec *found = apigo_option_spec_find (name);

  fail_unless (found != NULL, "no option %s", name);
  return found;
}

static void
set (ApigoOptions * o, const gchar * name, const gchar * value)
{
  apigo_options_set_string (o, spec (name), value);
}

/* Options at their defaults with a prompt and a key: enough for a job. */
static void
init_usable (ApigoOptions * o)
{
  apigo_options_init (o);
  set (o, "prompt", "a red fox");
  set (o, "api-key", KEY);
  set (o, "base-url", "http://127.0.0.1:9/v1");
}

/* Refused with a message holding each of @words (NULL-terminated). */
static void
assert_refused (const ApigoOptions * o, ApigoOptionsOrigin origin, ...)
{
  ApigoJobSettings s;
  g_autoptr (GError) error = NULL;
  const gchar *word;
  va_list args;

  va_start (args, origin);
  fail_if (apigo_options_to_job_settings (o, origin, &s, &error),
      "accepted, though it should say '%s'", va_arg (args, const gchar *));
  va_end (args);
  fail_unless (g_error_matches (error, APIGO_ERROR,
          APIGO_ERROR_INVALID_SETTING), "%s", error ? error->message : "?");
  va_start (args, origin);
  while ((word = va_arg (args, const gchar *)) != NULL)
    fail_unless (strstr (error->message, word) != NULL,
        "'%s' does not say '%s'", error->message, word);
  va_end (args);
  fail_unless (strstr (error->message, KEY) == NULL, "%s", error->message);
  apigo_job_settings_clear (&s);
}

/* Every option has a name, a blurb short enough for gst-inspect-1.0, and
 * a default inside its own range. */
GST_START_TEST (test_table)
{
  const ApigoOptionSpec *specs;
  guint n, i;

  specs = apigo_option_specs (&n);
  fail_unless (n > 20);
  for (i = 0; i < n; i++) {
    fail_unless (specs[i].name != NULL && specs[i].nick != NULL);
    fail_unless (strlen (specs[i].blurb) <= 110, "%s: %u characters",
        specs[i].name, (guint) strlen (specs[i].blurb));
    fail_unless (apigo_option_spec_find (specs[i].name) == &specs[i]);
    if (specs[i].type == APIGO_OPTION_UINT)
      fail_unless (specs[i].default_uint >= specs[i].min
          && specs[i].default_uint <= specs[i].max, "%s", specs[i].name);
    if (specs[i].is_valid != NULL)
      fail_unless (specs[i].expected != NULL, "%s", specs[i].name);
    /* No URI may carry a secret or say where it goes. */
    if (specs[i].secret || g_str_equal (specs[i].name, "base-url"))
      fail_unless (specs[i].uri_query == 0 && specs[i].uri_path == 0);
  }
  fail_unless (apigo_option_spec_find ("colour") == NULL);
}

GST_END_TEST;

/* The defaults a job gets are the table's: the element, a URI and the
 * command-line tool ask for the same clip. */
GST_START_TEST (test_defaults_reach_the_job)
{
  ApigoOptions o;
  ApigoJobSettings s;
  g_autoptr (GError) error = NULL;

  init_usable (&o);
  fail_unless (apigo_options_to_job_settings (&o,
          APIGO_OPTIONS_FROM_PROPERTIES, &s, &error), "%s",
      error ? error->message : "?");
  fail_unless_equals_string (s.model, "sora-2");
  fail_unless_equals_string (s.size, "720x1280");
  fail_unless_equals_string (s.seconds, "4");
  fail_unless_equals_int (s.poll_interval_ms, 2000);
  fail_unless_equals_int (s.timeout_s, 1200);
  fail_unless_equals_int (s.retries, 2);
  fail_unless_equals_uint64 (s.cache_max_bytes, (guint64) 2048 << 20);
  fail_unless (s.reuse && !s.delete_remote && !s.allow_plain_http);
  fail_unless (s.variant == NULL && s.reference_fit == NULL);
  fail_unless (s.video_id == NULL && s.source_id == NULL);
  fail_unless_equals_int (s.create_kind, APIGO_CREATE_GENERATE);
  fail_unless (g_str_has_prefix (s.user_agent, "gst-apigo/"));
  fail_unless_equals_string (s.api_key, KEY);
  apigo_job_settings_clear (&s);

  /* A URI with only a prompt makes the same request as the properties at
   * their defaults. */
  {
    ApigoOptions from_uri;
    ApigoJobSettings t;
    g_autofree gchar *key_a = NULL;
    g_autofree gchar *key_b = NULL;

    init_usable (&from_uri);
    fail_unless (apigo_uri_parse ("apigo://generate?prompt=a+red+fox",
            &from_uri, &error));
    fail_unless (apigo_options_to_job_settings (&from_uri,
            APIGO_OPTIONS_FROM_URI, &t, &error));
    fail_unless (apigo_options_to_job_settings (&o,
            APIGO_OPTIONS_FROM_PROPERTIES, &s, &error));
    key_a = apigo_job_settings_key (&s);
    key_b = apigo_job_settings_key (&t);
    fail_unless_equals_string (key_a, key_b);
    apigo_job_settings_clear (&s);
    apigo_job_settings_clear (&t);
    apigo_options_clear (&from_uri);
  }
  apigo_options_clear (&o);
}

GST_END_TEST;

GST_START_TEST (test_sources)
{
  ApigoOptions o;
  ApigoJobSettings s;
  g_autoptr (GError) error = NULL;

  init_usable (&o);
  set (&o, "extend", "video_1");
  o.seconds = 8;
  o.variant = APIGO_VARIANT_THUMBNAIL;
  o.input_reference_fit = APIGO_FIT_PAD;
  fail_unless (apigo_options_to_job_settings (&o, APIGO_OPTIONS_FROM_URI, &s,
          &error));
  fail_unless_equals_int (s.create_kind, APIGO_CREATE_EXTEND);
  fail_unless_equals_string (s.source_id, "video_1");
  fail_unless_equals_string (s.seconds, "8");
  fail_unless_equals_string (s.variant, "thumbnail");
  fail_unless_equals_string (s.reference_fit, "pad");
  apigo_job_settings_clear (&s);

  /* Attaching needs no prompt. */
  set (&o, "extend", NULL);
  set (&o, "prompt", NULL);
  set (&o, "video-id", "video_2");
  fail_unless (apigo_options_to_job_settings (&o, APIGO_OPTIONS_FROM_URI, &s,
          &error));
  fail_unless_equals_string (s.video_id, "video_2");
  apigo_job_settings_clear (&s);

  set (&o, "remix", "video_3");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES,
      "video-id and remix properties are set", NULL);
  set (&o, "video-id", NULL);
  set (&o, "edit", "video_4");
  assert_refused (&o, APIGO_OPTIONS_FROM_URI,
      "remix and edit parameters are set", NULL);
  apigo_options_clear (&o);
}

GST_END_TEST;

/* Each bad setting is refused before anything is sent, naming it in the
 * words of the front end that set it. */
GST_START_TEST (test_refusals)
{
  ApigoOptions o;

  init_usable (&o);
  set (&o, "prompt", NULL);
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "No prompt",
      "prompt property", NULL);
  assert_refused (&o, APIGO_OPTIONS_FROM_URI, "No prompt",
      "prompt parameter", NULL);
  apigo_options_clear (&o);

  init_usable (&o);
  set (&o, "size", "big");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES,
      "size property \"big\" is not WIDTHxHEIGHT", NULL);
  set (&o, "size", NULL);
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "size property", NULL);
  apigo_options_clear (&o);

  init_usable (&o);
  o.seconds = 0;
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES,
      "seconds property \"0\"", NULL);
  o.seconds = G_MAXUINT;
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES,
      "seconds property \"4294967295\"", NULL);
  apigo_options_clear (&o);

  init_usable (&o);
  set (&o, "edit", "a b");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES,
      "edit property \"a b\" is not a video id", NULL);
  apigo_options_clear (&o);

  init_usable (&o);
  set (&o, "model", NULL);
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "model property", NULL);
  apigo_options_clear (&o);

  init_usable (&o);
  set (&o, "user-agent", "a\r\nX-Injected: 1");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "user-agent property",
      "line break", NULL);
  apigo_options_clear (&o);

  init_usable (&o);
  set (&o, "base-url", "ftp://127.0.0.1/v1");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "base-url property",
      NULL);
  apigo_options_clear (&o);

  /* The key: from the option or the environment, never shown. */
  init_usable (&o);
  set (&o, "api-key", NULL);
  g_unsetenv ("APIGO_API_KEY");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "No API key",
      "api-key property", "APIGO_API_KEY", NULL);
  {
    ApigoJobSettings s;
    g_autoptr (GError) error = NULL;

    fail_if (apigo_options_to_job_settings (&o, APIGO_OPTIONS_FROM_URI, &s,
            &error));
    fail_unless (strstr (error->message, "api-key property") == NULL,
        "%s", error->message);
    apigo_job_settings_clear (&s);
  }
  set (&o, "api-key", "sk-a\nb");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "api-key property",
      NULL);
  apigo_options_clear (&o);
}

GST_END_TEST;

/* The key never travels in the clear beyond this machine unless allowed:
 * decided from the options alone, before any connection (the base URL
 * names a host that is never contacted). */
GST_START_TEST (test_plain_http_refused)
{
  ApigoOptions o;
  ApigoJobSettings s;
  g_autoptr (GError) error = NULL;

  init_usable (&o);
  set (&o, "base-url", "http://api.example.invalid/v1");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "allow-plain-http",
      NULL);
  o.allow_plain_http = TRUE;
  fail_unless (apigo_options_to_job_settings (&o,
          APIGO_OPTIONS_FROM_PROPERTIES, &s, &error), "%s",
      error ? error->message : "?");
  apigo_job_settings_clear (&s);
  apigo_options_clear (&o);
}

GST_END_TEST;

/* Settings from @o, which must be usable. */
static void
take (const ApigoOptions * o, ApigoJobSettings * s)
{
  g_autoptr (GError) error = NULL;

  fail_unless (apigo_options_to_job_settings (o,
          APIGO_OPTIONS_FROM_PROPERTIES, s, &error), "%s",
      error ? error->message : "?");
}

static void
set_dialect (ApigoOptions * o, const gchar * dialect)
{
  g_autoptr (GError) error = NULL;

  fail_unless (apigo_options_parse_value (o, spec ("dialect"), dialect,
          APIGO_OPTIONS_FROM_PROPERTIES, &error), "%s",
      error ? error->message : "?");
}

/* dialect=auto decides from the base URL's host alone, before any
 * connection (none is made here: only settings are checked), and brings
 * Azure's endpoint as its portal shows it to /openai/v1. */
GST_START_TEST (test_dialect_auto)
{
  const struct
  {
    const gchar *base_url;
    ApigoDialect dialect;
    const gchar *resolved;
  } cases[] = {
    {"https://myres.openai.azure.com/openai/v1", APIGO_DIALECT_AZURE,
        "https://myres.openai.azure.com/openai/v1"},
    {"https://MyRes.OpenAI.Azure.COM/", APIGO_DIALECT_AZURE,
        "https://MyRes.OpenAI.Azure.COM/openai/v1"},
    {"https://myres.openai.azure.com", APIGO_DIALECT_AZURE,
        "https://myres.openai.azure.com/openai/v1"},
    {"https://r.cognitiveservices.azure.com/openai", APIGO_DIALECT_AZURE,
        "https://r.cognitiveservices.azure.com/openai/v1"},
    {"https://p.services.ai.azure.com/openai/", APIGO_DIALECT_AZURE,
        "https://p.services.ai.azure.com/openai/v1"},
    {"https://myres.openai.azure.com/openai/v1/", APIGO_DIALECT_AZURE,
        "https://myres.openai.azure.com/openai/v1/"},
    /* Not Azure OpenAI's hosts: the path proves nothing. */
    {"https://api.openai.com/v1", APIGO_DIALECT_OPENAI,
        "https://api.openai.com/v1"},
    {"https://openai.azure.com.example.org/openai/v1", APIGO_DIALECT_OPENAI,
        "https://openai.azure.com.example.org/openai/v1"},
    {"https://evilopenai.azure.com/openai/v1", APIGO_DIALECT_OPENAI,
        "https://evilopenai.azure.com/openai/v1"},
    {"https://gw.azure-api.net/openai/v1", APIGO_DIALECT_OPENAI,
        "https://gw.azure-api.net/openai/v1"},
    {"https://openai.azure.com/", APIGO_DIALECT_OPENAI,
        "https://openai.azure.com/"},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    ApigoOptions o;
    ApigoJobSettings s;

    init_usable (&o);
    set (&o, "base-url", cases[i].base_url);
    take (&o, &s);
    fail_unless_equals_int (s.dialect, cases[i].dialect);
    fail_unless_equals_string (s.base_url, cases[i].resolved);
    if (cases[i].dialect == APIGO_DIALECT_AZURE) {
      fail_unless_equals_string (s.api_version, "preview");
    } else {
      fail_unless (s.api_version == NULL, "%s", s.api_version);
    }
    apigo_job_settings_clear (&s);
    apigo_options_clear (&o);
  }
}

GST_END_TEST;

/* Set by hand, the dialect wins over the host; api-version only goes with
 * azure, and the old /openai/deployments/ routes are refused with the
 * right address. */
GST_START_TEST (test_dialect_explicit)
{
  ApigoOptions o;
  ApigoJobSettings s;

  init_usable (&o);
  set_dialect (&o, "azure");
  take (&o, &s);
  fail_unless_equals_int (s.dialect, APIGO_DIALECT_AZURE);
  fail_unless_equals_string (s.base_url, "http://127.0.0.1:9/v1");
  fail_unless_equals_string (s.api_version, "preview");
  apigo_job_settings_clear (&s);

  set (&o, "api-version", "2026-01-01-preview");
  take (&o, &s);
  fail_unless_equals_string (s.api_version, "2026-01-01-preview");
  apigo_job_settings_clear (&s);

  set (&o, "base-url", "https://r.openai.azure.com/openai/deployments/d");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "/openai/deployments",
      "/openai/v1", "model", NULL);

  /* openai by hand: an Azure host spoken to as OpenAI, as it was. */
  set (&o, "base-url", "https://r.openai.azure.com/openai/v1");
  set_dialect (&o, "openai");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "api-version",
      "dialect=azure", NULL);
  set (&o, "api-version", NULL);
  take (&o, &s);
  fail_unless_equals_int (s.dialect, APIGO_DIALECT_OPENAI);
  fail_unless (s.api_version == NULL);
  apigo_job_settings_clear (&s);

  /* auto resolving to openai refuses it too. */
  set_dialect (&o, "auto");
  set (&o, "base-url", "http://127.0.0.1:9/v1");
  set (&o, "api-version", "preview");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "api-version",
      "openai", NULL);
  apigo_options_clear (&o);

  /* Neither is a URI's business. */
  fail_if (spec ("dialect")->uri_query != 0 || spec ("dialect")->uri_path);
  fail_if (spec ("api-version")->uri_query != 0
      || spec ("api-version")->uri_path);
}

GST_END_TEST;

/* The dialect is part of the clip's identity, but OpenAI's adds nothing:
 * clips kept before dialects keep their keys. */
GST_START_TEST (test_dialect_in_key)
{
  ApigoOptions o;
  ApigoJobSettings s;
  g_autofree gchar *openai = NULL;
  g_autofree gchar *azure = NULL;
  g_autofree gchar *azure_other = NULL;

  init_usable (&o);
  take (&o, &s);
  openai = apigo_job_settings_key (&s);
  /* The key of these settings before dialects existed (d84c6a0). */
  fail_unless_equals_string (openai,
      "82ed8e73ee448c73b560e9c49e92669c5fa81fe50912ba71fdb09cae94efdc30");
  apigo_job_settings_clear (&s);

  set_dialect (&o, "azure");
  take (&o, &s);
  azure = apigo_job_settings_key (&s);
  apigo_job_settings_clear (&s);
  set (&o, "api-version", "v1");
  take (&o, &s);
  azure_other = apigo_job_settings_key (&s);
  apigo_job_settings_clear (&s);
  apigo_options_clear (&o);

  fail_if (g_str_equal (openai, azure));
  fail_if (g_str_equal (azure, azure_other));
}

GST_END_TEST;

/* openrouter.ai and its subdomains are OpenRouter's, taken from the host
 * alone (no connection is made: only the resolved settings are looked
 * at); the base URL stays as given. */
GST_START_TEST (test_dialect_openrouter_auto)
{
  const struct
  {
    const gchar *base_url;
    ApigoDialect dialect;
  } cases[] = {
    {"https://openrouter.ai/api/v1", APIGO_DIALECT_OPENROUTER},
    {"https://OpenRouter.AI/api/v1/", APIGO_DIALECT_OPENROUTER},
    {"https://eu.openrouter.ai/api/v1", APIGO_DIALECT_OPENROUTER},
    /* Look-alikes are not. */
    {"https://openrouter.ai.example.org/api/v1", APIGO_DIALECT_OPENAI},
    {"https://notopenrouter.ai/api/v1", APIGO_DIALECT_OPENAI},
    {"https://example.org/openrouter.ai/api/v1", APIGO_DIALECT_OPENAI},
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++) {
    ApigoOptions o;
    ApigoJobSettings s;

    init_usable (&o);
    set (&o, "base-url", cases[i].base_url);
    take (&o, &s);
    fail_unless_equals_int (s.dialect, cases[i].dialect);
    fail_unless_equals_string (s.base_url, cases[i].base_url);
    fail_unless (s.api_version == NULL);
    apigo_job_settings_clear (&s);
    apigo_options_clear (&o);
  }
}

GST_END_TEST;

/* dialect=openrouter by hand; what OpenRouter has no endpoint for is
 * refused before any request, and api-version as with openai; the
 * dialect is in the clip key. */
GST_START_TEST (test_dialect_openrouter_explicit)
{
  ApigoOptions o;
  ApigoJobSettings s;
  g_autofree gchar *openai = NULL;
  g_autofree gchar *openrouter = NULL;

  init_usable (&o);
  take (&o, &s);
  openai = apigo_job_settings_key (&s);
  apigo_job_settings_clear (&s);

  set_dialect (&o, "openrouter");
  take (&o, &s);
  fail_unless_equals_int (s.dialect, APIGO_DIALECT_OPENROUTER);
  fail_unless_equals_string (s.base_url, "http://127.0.0.1:9/v1");
  openrouter = apigo_job_settings_key (&s);
  fail_if (g_str_equal (openai, openrouter));
  apigo_job_settings_clear (&s);

  set (&o, "api-version", "preview");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "api-version",
      "openrouter", NULL);
  set (&o, "api-version", NULL);

  set (&o, "remix", "video_abc");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "remix",
      "dialect openrouter", NULL);
  set (&o, "remix", NULL);
  set (&o, "extend", "video_abc");
  assert_refused (&o, APIGO_OPTIONS_FROM_URI, "extend parameter",
      "dialect openrouter", NULL);
  set (&o, "extend", NULL);
  set (&o, "edit", "video_abc");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "edit",
      "dialect openrouter", NULL);
  set (&o, "edit", NULL);

  fail_unless (apigo_options_parse_value (&o, spec ("variant"), "thumbnail",
          APIGO_OPTIONS_FROM_PROPERTIES, NULL));
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "thumbnail",
      "dialect openrouter", NULL);
  apigo_options_clear (&o);
}

GST_END_TEST;

GST_START_TEST (test_parse_value)
{
  ApigoOptions o;
  g_autoptr (GError) error = NULL;

  apigo_options_init (&o);
  fail_unless (apigo_options_parse_value (&o, spec ("reuse"), "false",
          APIGO_OPTIONS_FROM_URI, &error));
  fail_if (o.reuse);
  fail_unless (apigo_options_parse_value (&o, spec ("input-reference-fit"),
          "scale", APIGO_OPTIONS_FROM_URI, &error));
  fail_unless_equals_int (o.input_reference_fit, APIGO_FIT_SCALE);
  fail_unless (apigo_options_parse_value (&o, spec ("retries"), "10",
          APIGO_OPTIONS_FROM_URI, &error));
  fail_unless_equals_int (o.retries, 10);

  fail_if (apigo_options_parse_value (&o, spec ("retries"), "11",
          APIGO_OPTIONS_FROM_URI, &error));
  fail_unless (strstr (error->message, "retries parameter \"11\"") != NULL,
      "%s", error->message);
  g_clear_error (&error);
  fail_if (apigo_options_parse_value (&o, spec ("reuse"), "yes",
          APIGO_OPTIONS_FROM_URI, &error));
  fail_unless (strstr (error->message, "true or false") != NULL);
  g_clear_error (&error);
  fail_if (apigo_options_parse_value (&o, spec ("variant"), "poster",
          APIGO_OPTIONS_FROM_URI, &error));
  fail_unless (strstr (error->message,
          "is not video, thumbnail or spritesheet") != NULL, "%s",
      error->message);
  g_clear_error (&error);
  fail_unless_equals_int (o.retries, 10);
  fail_unless_equals_int (o.variant, APIGO_VARIANT_VIDEO);

  /* Read back as typed. */
  {
    g_autofree gchar *fit = apigo_options_value_to_string (&o,
        spec ("input-reference-fit"));
    g_autofree gchar *reuse = apigo_options_value_to_string (&o,
        spec ("reuse"));

    fail_unless_equals_string (fit, "scale");
    fail_unless_equals_string (reuse, "false");
  }
  apigo_options_clear (&o);
}

GST_END_TEST;

/* images */

static const guint8 png_head[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
  '\n', 0, 0, 0, 13
};
static const guint8 jpeg_head[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F',
  'I', 'F', 0
};

/* A file of @len bytes of @data, then @tail, in @dir; its path. */
static gchar *
write_file (const gchar * dir, const gchar * name, const guint8 * data,
    gsize len, const gchar * tail)
{
  gchar *path = g_build_filename (dir, name, NULL);
  g_autoptr (GByteArray) bytes = g_byte_array_new ();

  g_byte_array_append (bytes, data, len);
  g_byte_array_append (bytes, (const guint8 *) tail, strlen (tail));
  fail_unless (g_file_set_contents (path, (const gchar *) bytes->data,
          bytes->len, NULL));
  return path;
}

/* {"a": "PATH_A", "b": "PATH_B"}, with the paths escaped. */
static gchar *
images_json (const gchar * a, const gchar * path_a, const gchar * b,
    const gchar * path_b)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, a);
  json_builder_add_string_value (builder, path_a);
  if (b != NULL) {
    json_builder_set_member_name (builder, b);
    json_builder_add_string_value (builder, path_b);
  }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static void
remove_dir (gchar * dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const gchar *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL) {
    g_autofree gchar *path = g_build_filename (dir, name, NULL);

    g_unlink (path);
  }
  if (d != NULL)
    g_dir_close (d);
  g_rmdir (dir);
  g_free (dir);
}

/* Each image is read and sniffed, sorted by name, and part of the clip
 * key by its name and bytes; settings without images keep their key. */
GST_START_TEST (test_images_loaded)
{
  gchar *dir = g_dir_make_tmp ("apigo-images-XXXXXX", NULL);
  g_autofree gchar *png = write_file (dir, "end.png", png_head,
      sizeof (png_head), "end");
  g_autofree gchar *jpeg = write_file (dir, "ref.jpg", jpeg_head,
      sizeof (jpeg_head), "ref");
  g_autofree gchar *one = images_json ("reference_image", jpeg,
      "last_frame", png);
  g_autofree gchar *other_order = images_json ("last_frame", png,
      "reference_image", jpeg);
  g_autofree gchar *renamed = images_json ("first_frame", png,
      "reference_image", jpeg);
  g_autofree gchar *plain = NULL, *key_one = NULL, *key_order = NULL;
  g_autofree gchar *key_changed = NULL, *key_renamed = NULL;
  g_autofree gchar *key_empty = NULL;
  ApigoOptions o;
  ApigoJobSettings s, copy;
  g_autoptr (GBytes) expected = NULL;
  gchar *data;
  gsize len;

  init_usable (&o);
  take (&o, &s);
  plain = apigo_job_settings_key (&s);
  /* As before images (see test_dialect_in_key). */
  fail_unless_equals_string (plain,
      "82ed8e73ee448c73b560e9c49e92669c5fa81fe50912ba71fdb09cae94efdc30");
  fail_unless (s.images == NULL && s.n_images == 0);
  apigo_job_settings_clear (&s);

  set (&o, "images", one);
  take (&o, &s);
  fail_unless_equals_int (s.n_images, 2);
  fail_unless_equals_string (s.images[0].name, "last_frame");
  fail_unless_equals_string (s.images[0].filename, "end.png");
  fail_unless_equals_string (s.images[0].content_type, "image/png");
  fail_unless_equals_string (s.images[1].name, "reference_image");
  fail_unless_equals_string (s.images[1].filename, "ref.jpg");
  fail_unless_equals_string (s.images[1].content_type, "image/jpeg");
  fail_unless (g_file_get_contents (png, &data, &len, NULL));
  expected = g_bytes_new_take (data, len);
  fail_unless (g_bytes_equal (s.images[0].data, expected));
  key_one = apigo_job_settings_key (&s);
  fail_if (g_str_equal (key_one, plain));

  /* Copied and compared like the other settings. */
  apigo_job_settings_copy (&copy, &s);
  fail_unless (apigo_job_settings_same_clip (&s, &copy));
  fail_unless (copy.images != s.images);
  fail_unless_equals_string (copy.images[1].name, "reference_image");
  apigo_job_settings_clear (&copy);
  apigo_job_settings_clear (&s);

  /* Another order: the same request. */
  set (&o, "images", other_order);
  take (&o, &s);
  key_order = apigo_job_settings_key (&s);
  fail_unless_equals_string (key_order, key_one);
  apigo_job_settings_clear (&s);

  /* Another name, or other bytes: another clip. */
  set (&o, "images", renamed);
  take (&o, &s);
  key_renamed = apigo_job_settings_key (&s);
  fail_if (g_str_equal (key_renamed, key_one));
  apigo_job_settings_clear (&s);

  g_free (write_file (dir, "end.png", png_head, sizeof (png_head), "End"));
  set (&o, "images", one);
  take (&o, &s);
  apigo_job_settings_copy (&copy, &s);
  key_changed = apigo_job_settings_key (&s);
  fail_if (g_str_equal (key_changed, key_one));
  g_bytes_unref (copy.images[0].data);
  copy.images[0].data = g_bytes_ref (expected);
  fail_if (apigo_job_settings_same_clip (&s, &copy));
  apigo_job_settings_clear (&copy);
  apigo_job_settings_clear (&s);

  /* {} is none. */
  set (&o, "images", "{}");
  take (&o, &s);
  fail_unless (s.images == NULL && s.n_images == 0);
  key_empty = apigo_job_settings_key (&s);
  fail_unless_equals_string (key_empty, plain);
  apigo_job_settings_clear (&s);
  apigo_options_clear (&o);
  remove_dir (dir);
}

GST_END_TEST;

/* Refused with @words, set as a property, a URI could not. */
static void
assert_images_refused (const gchar * value, ...)
{
  ApigoOptions o;
  ApigoJobSettings s;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) parse_error = NULL;
  const gchar *word;
  va_list args;

  init_usable (&o);
  set (&o, "images", value);
  fail_if (apigo_options_to_job_settings (&o, APIGO_OPTIONS_FROM_PROPERTIES,
          &s, &error), "%s accepted", value);
  fail_unless (g_error_matches (error, APIGO_ERROR,
          APIGO_ERROR_INVALID_SETTING), "%s", error ? error->message : "?");
  fail_unless (strstr (error->message, "images property") != NULL, "%s",
      error->message);
  va_start (args, value);
  while ((word = va_arg (args, const gchar *)) != NULL)
    fail_unless (strstr (error->message, word) != NULL,
        "'%s' does not say '%s'", error->message, word);
  va_end (args);
  apigo_job_settings_clear (&s);
  apigo_options_clear (&o);
}

GST_START_TEST (test_images_refused)
{
  gchar *dir = g_dir_make_tmp ("apigo-images-XXXXXX", NULL);
  g_autofree gchar *png = write_file (dir, "end.png", png_head,
      sizeof (png_head), "");
  g_autofree gchar *text = write_file (dir, "notes.txt",
      (const guint8 *) "hello", 5, "");
  g_autofree gchar *missing = g_build_filename (dir, "gone.png", NULL);
  g_autofree gchar *json = NULL;
  g_autoptr (GString) many = g_string_new ("{");
  ApigoOptions o;
  guint i;

  assert_images_refused ("[\"end.png\"]", "not a JSON object", NULL);
  assert_images_refused ("{\"last_frame\": ", "not JSON", NULL);
  assert_images_refused ("{\"last_frame\": 3}", "last_frame",
      "not the path", NULL);
  assert_images_refused ("{\"last_frame\": \"\"}", "last_frame",
      "not the path", NULL);
  assert_images_refused ("{\"last frame\": \"end.png\"}", "field name",
      NULL);
  assert_images_refused ("{\"a\\r\\nX-Injected: 1\": \"end.png\"}",
      "field name", NULL);
  assert_images_refused ("{\"\": \"end.png\"}", "field name", NULL);
  assert_images_refused ("{\"input_reference\": \"end.png\"}",
      "\"input_reference\"", "its own property", NULL);
  assert_images_refused ("{\"prompt\": \"end.png\"}", "\"prompt\"", NULL);
  for (i = 0; i <= 16; i++)
    g_string_append_printf (many, "%s\"image%u\": \"x.png\"", i ? ", " : "",
        i);
  g_string_append (many, "}");
  assert_images_refused (many->str, "17 images", "16", NULL);

  json = images_json ("last_frame", missing, NULL, NULL);
  assert_images_refused (json, "last_frame image", missing, NULL);
  g_free (json);
  json = images_json ("last_frame", text, NULL, NULL);
  assert_images_refused (json, "last_frame image", "not a JPEG, PNG or WebP",
      NULL);
  g_free (json);
  json = images_json ("last_frame", dir, NULL, NULL);
  assert_images_refused (json, "last_frame image", "directory", NULL);
  g_free (json);

  /* Set once: not also a parameter. */
  json = images_json ("last_frame", png, NULL, NULL);
  init_usable (&o);
  set (&o, "images", json);
  set (&o, "parameters", "{\"last_frame\": \"x\"}");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "images property",
      "\"last_frame\"", "parameters", NULL);
  apigo_options_clear (&o);

  /* Remix, extend and edit send JSON bodies: no file could go. */
  init_usable (&o);
  set (&o, "images", json);
  set (&o, "remix", "video_1");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "images property",
      "new videos only", NULL);
  set (&o, "remix", NULL);
  set (&o, "extend", "video_1");
  assert_refused (&o, APIGO_OPTIONS_FROM_PROPERTIES, "images property",
      "new videos only", NULL);
  apigo_options_clear (&o);

  /* Checked as typed, too; and never from a URI, like input-reference. */
  {
    g_autoptr (GError) error = NULL;

    init_usable (&o);
    fail_if (apigo_options_parse_value (&o, spec ("images"), "[]",
            APIGO_OPTIONS_FROM_PROPERTIES, &error));
    fail_unless (strstr (error->message, "images property") != NULL, "%s",
        error->message);
    fail_unless (o.images == NULL);
    fail_unless (apigo_options_parse_value (&o, spec ("images"), json,
            APIGO_OPTIONS_FROM_PROPERTIES, NULL));
    fail_unless_equals_string (o.images, json);
    apigo_options_clear (&o);
    fail_unless_equals_int (spec ("images")->uri_query, 0);
    fail_unless_equals_int (spec ("images")->uri_path, 0);
  }
  remove_dir (dir);
}

GST_END_TEST;

static Suite *
options_suite (void)
{
  Suite *s = suite_create ("apigo-options");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_table);
  tcase_add_test (tc, test_defaults_reach_the_job);
  tcase_add_test (tc, test_sources);
  tcase_add_test (tc, test_refusals);
  tcase_add_test (tc, test_plain_http_refused);
  tcase_add_test (tc, test_parse_value);
  tcase_add_test (tc, test_dialect_auto);
  tcase_add_test (tc, test_dialect_explicit);
  tcase_add_test (tc, test_dialect_in_key);
  tcase_add_test (tc, test_images_loaded);
  tcase_add_test (tc, test_images_refused);
  tcase_add_test (tc, test_dialect_openrouter_auto);
  tcase_add_test (tc, test_dialect_openrouter_explicit);
  return s;
}

GST_CHECK_MAIN (options);
