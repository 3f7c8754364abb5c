/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_OPTIONS_H__
#define __APIGO_OPTIONS_H__

#include <glib.h>

#include "apigo-client.h"
#include "apigo-job-settings.h"

G_BEGIN_DECLS

/* What a user sets, by name: the element's properties, the parameters of
 * an apigo:// URI and the command-line tool's options are all read and
 * checked through one table (apigo_option_specs()), so that a name, its
 * default, its range and what makes it valid are written once. */
typedef struct
{
  gchar *prompt;
  gchar *model;
  gchar *size;
  guint seconds;
  gchar *input_reference;       /* a path */
  gchar *api_key;               /* NULL: $APIGO_API_KEY */
  gchar *base_url;              /* NULL: $APIGO_BASE_URL, else the gateway */
  gchar *video_id;
  guint poll_interval;          /* ms */
  guint timeout;                /* s */
  gchar *user_agent;
  guint retries;
  gchar *cache_dir;             /* NULL: $XDG_CACHE_HOME/gst-apigo */
  guint cache_max_size;         /* MiB */
  gboolean reuse;
  gchar *ssl_ca_file;
  gboolean allow_plain_http;
  gchar *remix;                 /* ids of finished videos to derive from */
  gchar *extend;
  gchar *edit;
  guint variant;                /* ApigoVariant */
  gboolean delete_remote;
  guint input_reference_fit;    /* ApigoFit */
  gchar *parameters;            /* a JSON object (apigo-parameters.h) */
  guint dialect;                /* ApigoOptionDialect */
  gchar *api_version;           /* azure; NULL: "preview" */
  gchar *images;                /* a JSON object of paths (apigo-images.h) */
  gchar *budget;                /* more limits (apigo-budget.h) */
  gboolean ask_application;     /* before each create */
  guint model_check;            /* ApigoModelCheck */
} ApigoOptions;

typedef enum
{
  APIGO_VARIANT_VIDEO,
  APIGO_VARIANT_THUMBNAIL,
  APIGO_VARIANT_SPRITESHEET,
} ApigoVariant;

typedef enum
{
  APIGO_FIT_NONE,
  APIGO_FIT_SCALE,
  APIGO_FIT_PAD,
} ApigoFit;

/* The dialect option: ApigoDialect's, after "auto". */
typedef enum
{
  APIGO_OPTION_DIALECT_AUTO,
  APIGO_OPTION_DIALECT_OPENAI,
  APIGO_OPTION_DIALECT_AZURE,
  APIGO_OPTION_DIALECT_OPENROUTER,
} ApigoOptionDialect;

typedef enum
{
  APIGO_OPTION_STRING,
  APIGO_OPTION_UINT,
  APIGO_OPTION_BOOLEAN,
  APIGO_OPTION_CHOICE,          /* one of a list of names, kept as its index */
} ApigoOptionType;

/* The forms of apigo:// URIs (docs/uri.md), as bits: which take an
 * option. */
typedef enum
{
  APIGO_URI_GENERATE = 1 << 0,
  APIGO_URI_VIDEO = 1 << 1,
  APIGO_URI_REMIX = 1 << 2,
  APIGO_URI_EXTEND = 1 << 3,
  APIGO_URI_EDIT = 1 << 4,
} ApigoUriForm;

/* Who sets the options: it words the messages ("the size property", "the
 * size parameter"). */
typedef enum
{
  APIGO_OPTIONS_FROM_PROPERTIES,
  APIGO_OPTIONS_FROM_URI,
} ApigoOptionsOrigin;

typedef struct
{
  const gchar *nick;            /* the name users give: "thumbnail" */
  const gchar *description;
} ApigoOptionChoice;

typedef struct
{
  const gchar *name;            /* property and URI parameter name */
  const gchar *nick;
  const gchar *blurb;           /* one short line, as gst-inspect-1.0 shows */
  ApigoOptionType type;
  gsize offset;                 /* of the value in ApigoOptions */
  const gchar *default_string;
  guint min, max;               /* uint: the range a value may be set to */
  guint default_uint;           /* also a boolean's or a choice's default */
  const ApigoOptionChoice *choices;     /* ends with a NULL nick */
  const gchar *choice_type;     /* a type name for the choices */
  guint uri_query;              /* ApigoUriForm: whose query takes it */
  guint uri_path;               /* ApigoUriForm: whose path it is, or 0 */
  gboolean secret;              /* written, never read back nor shown */
  /* What a set value must be, checked at start and in URIs; NULL: any. */
  gboolean (*is_valid) (gconstpointer value);
  const gchar *expected;        /* says what is valid, in messages */
  /* Instead of the two above: NULL when valid, else why not. */
  gchar *(*why_invalid) (gconstpointer value);
} ApigoOptionSpec;

const ApigoOptionSpec *apigo_option_specs (guint * n_specs);
const ApigoOptionSpec *apigo_option_spec_find (const gchar * name);

/* The field of @spec in @options. */
#define APIGO_OPTION_FIELD(options, spec, type) \
  ((type *) ((guint8 *) (options) + (spec)->offset))

void apigo_options_init (ApigoOptions * options);
void apigo_options_clear (ApigoOptions * options);
void apigo_options_copy (ApigoOptions * dest, const ApigoOptions * src);

/* Sets a string option; NULL or "" unsets it (wiping a secret). */
void apigo_options_set_string (ApigoOptions * options,
    const ApigoOptionSpec * spec, const gchar * value);
/* Sets @spec from text as a user typed it ("8", "true", "thumbnail"),
 * checked as at start; FALSE with a message naming it otherwise. */
gboolean apigo_options_parse_value (ApigoOptions * options,
    const ApigoOptionSpec * spec, const gchar * text,
    ApigoOptionsOrigin origin, GError ** error);
/* The value of @spec as a user would type it; NULL for an unset string. */
gchar *apigo_options_value_to_string (const ApigoOptions * options,
    const ApigoOptionSpec * spec);

/* The base URL in effect: the option, else $APIGO_BASE_URL, else the
 * apigo gateway. */
const gchar *apigo_options_base_url (const ApigoOptions * options);

/* The dialect a base URL's host leaves no doubt about: Azure OpenAI's
 * hosts are azure, openrouter.ai and below it openrouter, anything else
 * openai (docs/dialects.md). */
ApigoDialect apigo_dialect_for_base_url (const gchar * base_url);

/* The dialect @option (ApigoOptionDialect; auto: from the host) means for
 * @base_url (a valid one), and the base URL to use with it: Azure's
 * endpoint without a path (or with /openai alone) is brought to
 * /openai/v1, an /openai/deployments/ one refused.  Connects nowhere. */
gboolean apigo_dialect_resolve (guint option, const gchar * base_url,
    ApigoDialect * dialect, gchar ** resolved_base_url, GError ** error);

/* Whether @size is WIDTHxHEIGHT, each side 1 to 16384. */
gboolean apigo_size_is_valid (const gchar * size);

/* Checks @options and fills @settings with what a job needs: every front
 * end gets the same checks, before any network traffic.  Reads the input
 * reference file.  FALSE with a message naming the option otherwise. */
gboolean apigo_options_to_job_settings (const ApigoOptions * options,
    ApigoOptionsOrigin origin, ApigoJobSettings * settings, GError ** error);

G_END_DECLS

#endif /* __APIGO_OPTIONS_H__ */
