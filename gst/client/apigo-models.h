/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_MODELS_H__
#define __APIGO_MODELS_H__

#include <glib.h>

G_BEGIN_DECLS

/* The models a gateway lists, and what each accepts (docs/dialects.md,
 * "Model list").  OpenRouter's GET {base}/videos/models states
 * capabilities; OpenAI's and Azure's GET {base}/models only ids.  Entries
 * are read leniently under OpenRouter's member names, whichever endpoint
 * answered: gateways imitate it. */

/* When the element checks a create against the list (model-check). */
typedef enum
{
  APIGO_MODEL_CHECK_AUTO,       /* where the dialect's list states
                                 * capabilities (openrouter); else not */
  APIGO_MODEL_CHECK_ALWAYS,     /* in any dialect; no list is an error */
  APIGO_MODEL_CHECK_NEVER,
} ApigoModelCheck;

/* Which list. */
typedef enum
{
  APIGO_MODELS_VIDEO,           /* GET {base}/videos/models */
  APIGO_MODELS_GENERIC,         /* GET {base}/models */
  APIGO_MODELS_ANY,             /* the first, else (404) the second */
} ApigoModelsEndpoint;

/* What a model accepts.  NULL (or -1) is "not stated": the service
 * decides. */
typedef struct
{
  gchar *id;
  gchar *name;
  gchar *description;
  GArray *durations;            /* guint seconds, as listed */
  GStrv sizes;                  /* "WxH" */
  GStrv resolutions;            /* "720p" */
  GStrv aspect_ratios;          /* "16:9" */
  GStrv frame_images;           /* "first_frame", "last_frame" */
  GStrv passthrough;            /* provider passthrough parameter names */
  gint generate_audio;          /* -1: not stated; else FALSE/TRUE */
  gint seed;                    /* -1: not stated; else FALSE/TRUE */
  GStrv pricing;                /* "sku=price" pairs, as listed */
} ApigoModel;

typedef struct
{
  ApigoModelsEndpoint source;   /* VIDEO or GENERIC: which one answered */
  GPtrArray *models;            /* ApigoModel, in the list's order */
} ApigoModelList;

/* The body of a models answer, {"data": [...]}: entries without an id are
 * left out, members of the wrong type are "not stated", text is tidied as
 * apigo_service_text() says.  An APIGO_ERROR_PROTOCOL error when it is not
 * such a list. */
ApigoModelList *apigo_model_list_new_from_json (const gchar * data,
    gsize len, ApigoModelsEndpoint source, GError ** error);
void apigo_model_list_free (ApigoModelList * list);

const ApigoModel *apigo_model_list_find (const ApigoModelList * list,
    const gchar * id);

/* Up to @max listed ids nearest to @id (edit distance, then order), as
 * "a, b or c"; NULL for an empty list. */
gchar *apigo_model_list_closest (const ApigoModelList * list,
    const gchar * id, guint max);

/* The path below the base URL: "/videos/models" or "/models". */
const gchar *apigo_models_endpoint_path (ApigoModelsEndpoint endpoint);

/* What a create asks of a model, for the check. */
typedef struct
{
  const gchar *model;
  const gchar *size;            /* NULL: not asked */
  const gchar *seconds;         /* NULL: not asked */
  const gchar *parameters;      /* a valid JSON object (apigo-parameters.h) */
  gboolean first_frame;         /* an input reference (the first frame) */
  const gchar *const *images;   /* names of further image fields */
} ApigoModelAsk;

/* Whether @list lets @ask through: FALSE with an APIGO_ERROR_INVALID_SETTING
 * error naming the setting and the values the model takes, when the model
 * is listed and states otherwise (seconds or parameters.duration, size,
 * parameters.resolution and aspect_ratio, frame images, generate_audio,
 * seed), or when a video models list (source VIDEO) does not have it.  A
 * generic /models list that lacks it says nothing (Azure lists base models,
 * not deployments). */
gboolean apigo_model_list_check (const ApigoModelList * list,
    const ApigoModelAsk * ask, GError ** error);

G_END_DECLS

#endif /* __APIGO_MODELS_H__ */
