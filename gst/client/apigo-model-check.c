/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#define G_LOG_DOMAIN "apigo-job"
#define APIGO_LOG_DOMAIN APIGO_LOG_JOB

#include "apigo-model-check.h"
#include "apigo-log.h"

/* What the list is asked about @request. */
static void
fill_ask (ApigoModelAsk * ask, const ApigoCreateRequest * request,
    GPtrArray * image_names)
{
  guint i;

  ask->model = request->model;
  ask->size = request->size;
  ask->seconds = request->seconds;
  ask->parameters = request->parameters;
  ask->first_frame = request->input_reference != NULL;
  for (i = 0; i < request->n_images; i++)
    g_ptr_array_add (image_names, (gpointer) request->images[i].name);
  g_ptr_array_add (image_names, NULL);
  ask->images = (const gchar * const *) image_names->pdata;
}

gboolean
apigo_model_check_request (ApigoClient * client, gint mode,
    ApigoDialect dialect, const ApigoCreateRequest * request, GCancellable * cancellable,
    GError ** error)
{
  g_autoptr (GPtrArray) image_names = g_ptr_array_new ();
  ApigoModelsEndpoint endpoint;
  ApigoModelList *list;
  ApigoModelAsk ask = { 0 };
  GError *err = NULL;
  gboolean ok;

  if (mode == APIGO_MODEL_CHECK_NEVER
      || request->kind != APIGO_CREATE_GENERATE)
    return TRUE;
  /* Only OpenRouter's list says what a model takes; /models says ids, and
   * on Azure not even the deployments that are its model names. */
  if (dialect == APIGO_DIALECT_OPENROUTER)
    endpoint = APIGO_MODELS_VIDEO;
  else if (mode == APIGO_MODEL_CHECK_ALWAYS)
    endpoint = APIGO_MODELS_ANY;
  else
    return TRUE;

  fill_ask (&ask, request, image_names);
  list = apigo_client_list_models (client, endpoint, cancellable, &err);
  if (list == NULL) {
    /* A stop or the timeout would end the create all the same. */
    if (g_error_matches (err, G_IO_ERROR, G_IO_ERROR_CANCELLED)
        || g_error_matches (err, APIGO_ERROR, APIGO_ERROR_TIMEOUT)) {
      g_propagate_error (error, err);
      return FALSE;
    }
    if (mode == APIGO_MODEL_CHECK_ALWAYS) {
      g_prefix_error (&err, "model-check=always, and the service's model "
          "list cannot be read (model-check=auto lets the service decide "
          "then): ");
      g_propagate_error (error, err);
      return FALSE;
    }
    APIGO_INFO ("Not checking model %s against the service's list: %s; "
        "the service decides", request->model, err->message);
    g_error_free (err);
    return TRUE;
  }

  APIGO_INFO ("The service lists %u models (GET %s)", list->models->len,
      apigo_models_endpoint_path (list->source));
  ok = apigo_model_list_check (list, &ask, error);
  apigo_model_list_free (list);
  return ok;
}
