/* gst-apigo: fuzz target for the model list parser and check
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: the body of a GET /videos/models or /models answer.
 */

#include "fuzz-common.h"

#include "apigo-error.h"
#include "apigo-models.h"

static void
check_strv (GStrv list)
{
  guint i;

  for (i = 0; list != NULL && list[i] != NULL; i++)
    fuzz_check_shown (list[i]);
}

static void
check_model (const ApigoModel * m)
{
  guint i;

  fuzz_check (m->id != NULL);
  fuzz_check_shown (m->id);
  fuzz_check_shown (m->name);
  fuzz_check_shown (m->description);
  for (i = 0; m->durations != NULL && i < m->durations->len; i++)
    fuzz_check (g_array_index (m->durations, guint, i) >= 1
        && g_array_index (m->durations, guint, i) <= G_MAXINT);
  check_strv (m->sizes);
  check_strv (m->resolutions);
  check_strv (m->aspect_ratios);
  check_strv (m->frame_images);
  check_strv (m->passthrough);
  check_strv (m->pricing);
  fuzz_check (m->generate_audio >= -1 && m->generate_audio <= 1);
  fuzz_check (m->seed >= -1 && m->seed <= 1);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  const gchar *body = fuzz_body (data, size);
  const gchar *images[] = { "last_frame", NULL };
  GError *error = NULL;
  ApigoModelList *list;
  guint i;

  list = apigo_model_list_new_from_json (body, size, APIGO_MODELS_VIDEO,
      &error);
  if (list == NULL) {
    fuzz_check_protocol_error (error);
    g_error_free (error);
    return 0;
  }
  fuzz_check (error == NULL);
  for (i = 0; i < list->models->len; i++) {
    const ApigoModel *m = g_ptr_array_index (list->models, i);
    ApigoModelAsk ask = {.model = m->id,.size = "1280x720",.seconds = "8",
      .parameters = "{\"resolution\":\"720p\",\"seed\":1,"
          "\"generate_audio\":true}",.first_frame = TRUE,.images = images
    };

    check_model (m);
    /* Listed, so found; a refusal is a setting's error. */
    fuzz_check (apigo_model_list_find (list, m->id) != NULL);
    if (!apigo_model_list_check (list, &ask, &error)) {
      fuzz_check (g_error_matches (error, APIGO_ERROR,
              APIGO_ERROR_INVALID_SETTING));
      g_clear_error (&error);
    }
  }
  {
    ApigoModelAsk unknown = {.model = "no such model" };
    gchar *closest = apigo_model_list_closest (list, "veo-3", 3);

    fuzz_check ((closest == NULL) == (list->models->len == 0));
    g_free (closest);
    if (!apigo_model_list_check (list, &unknown, &error)) {
      fuzz_check (error != NULL);
      g_clear_error (&error);
    }
  }
  apigo_model_list_free (list);
  return 0;
}
