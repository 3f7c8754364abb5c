/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "apigo-job-settings.h"
#include "apigo-client.h"

#include <string.h>

static void
clear_images (ApigoJobSettings * s)
{
  guint i;

  for (i = 0; i < s->n_images; i++) {
    g_free (s->images[i].name);
    g_clear_pointer (&s->images[i].data, g_bytes_unref);
    g_free (s->images[i].filename);
    g_free (s->images[i].content_type);
  }
  g_clear_pointer (&s->images, g_free);
  s->n_images = 0;
}

void
apigo_job_settings_clear (ApigoJobSettings * s)
{
  g_clear_pointer (&s->base_url, g_free);
  g_clear_pointer (&s->model, g_free);
  g_clear_pointer (&s->prompt, g_free);
  g_clear_pointer (&s->size, g_free);
  g_clear_pointer (&s->seconds, g_free);
  g_clear_pointer (&s->input_reference, g_bytes_unref);
  g_clear_pointer (&s->input_reference_name, g_free);
  g_clear_pointer (&s->input_reference_type, g_free);
  g_clear_pointer (&s->video_id, g_free);
  g_clear_pointer (&s->variant, g_free);
  g_clear_pointer (&s->source_id, g_free);
  g_clear_pointer (&s->reference_fit, g_free);
  g_clear_pointer (&s->parameters, g_free);
  clear_images (s);
  g_clear_pointer (&s->api_version, g_free);
  if (s->api_key != NULL)
    memset (s->api_key, 0, strlen (s->api_key));
  g_clear_pointer (&s->api_key, g_free);
  g_clear_pointer (&s->user_agent, g_free);
  g_clear_pointer (&s->ca_file, g_free);
  g_clear_pointer (&s->cache_dir, g_free);
  g_clear_pointer (&s->budget, g_free);
}

void
apigo_job_settings_copy (ApigoJobSettings * dest, const ApigoJobSettings * src)
{
  guint i;

  *dest = *src;
  dest->base_url = g_strdup (src->base_url);
  dest->model = g_strdup (src->model);
  dest->prompt = g_strdup (src->prompt);
  dest->size = g_strdup (src->size);
  dest->seconds = g_strdup (src->seconds);
  dest->input_reference =
      src->input_reference ? g_bytes_ref (src->input_reference) : NULL;
  dest->input_reference_name = g_strdup (src->input_reference_name);
  dest->input_reference_type = g_strdup (src->input_reference_type);
  dest->video_id = g_strdup (src->video_id);
  dest->variant = g_strdup (src->variant);
  dest->source_id = g_strdup (src->source_id);
  dest->reference_fit = g_strdup (src->reference_fit);
  dest->parameters = g_strdup (src->parameters);
  dest->images = src->n_images ? g_new0 (ApigoJobImage, src->n_images) :
      NULL;
  for (i = 0; i < src->n_images; i++) {
    dest->images[i].name = g_strdup (src->images[i].name);
    dest->images[i].data = g_bytes_ref (src->images[i].data);
    dest->images[i].filename = g_strdup (src->images[i].filename);
    dest->images[i].content_type = g_strdup (src->images[i].content_type);
  }
  dest->api_version = g_strdup (src->api_version);
  dest->api_key = g_strdup (src->api_key);
  dest->user_agent = g_strdup (src->user_agent);
  dest->ca_file = g_strdup (src->ca_file);
  dest->cache_dir = g_strdup (src->cache_dir);
  dest->budget = g_strdup (src->budget);
}

static gboolean
same_bytes (GBytes * a, GBytes * b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_bytes_equal (a, b);
}

/* Names and bytes: what the clip is made from. */
static gboolean
same_images (const ApigoJobSettings * a, const ApigoJobSettings * b)
{
  guint i;

  if (a->n_images != b->n_images)
    return FALSE;
  for (i = 0; i < a->n_images; i++)
    if (g_strcmp0 (a->images[i].name, b->images[i].name) != 0
        || !same_bytes (a->images[i].data, b->images[i].data))
      return FALSE;
  return TRUE;
}

gboolean
apigo_job_settings_same_clip (const ApigoJobSettings * a,
    const ApigoJobSettings * b)
{
  return g_strcmp0 (a->base_url, b->base_url) == 0
      && g_strcmp0 (a->model, b->model) == 0
      && g_strcmp0 (a->prompt, b->prompt) == 0
      && g_strcmp0 (a->size, b->size) == 0
      && g_strcmp0 (a->seconds, b->seconds) == 0
      && same_bytes (a->input_reference, b->input_reference)
      && g_strcmp0 (a->video_id, b->video_id) == 0
      && g_strcmp0 (a->variant, b->variant) == 0
      && a->create_kind == b->create_kind
      && g_strcmp0 (a->source_id, b->source_id) == 0
      && g_strcmp0 (a->reference_fit, b->reference_fit) == 0
      && g_strcmp0 (a->parameters, b->parameters) == 0
      && same_images (a, b)
      && a->dialect == b->dialect
      && g_strcmp0 (a->api_version, b->api_version) == 0;
}

gboolean
apigo_job_settings_same_store (const ApigoJobSettings * a,
    const ApigoJobSettings * b)
{
  return g_strcmp0 (a->cache_dir, b->cache_dir) == 0
      && a->cache_max_bytes == b->cache_max_bytes && a->reuse == b->reuse;
}

static void
add_field (GChecksum * sum, const gchar * value)
{
  /* Length-prefixed: no two different sets of fields hash alike. */
  gsize len = value ? strlen (value) : 0;
  gchar head[32];

  g_snprintf (head, sizeof (head), "%c%" G_GSIZE_FORMAT ":",
      value ? 's' : 'n', len);
  g_checksum_update (sum, (const guchar *) head, -1);
  if (value != NULL)
    g_checksum_update (sum, (const guchar *) value, len);
}

gchar *
apigo_job_settings_key (const ApigoJobSettings * s)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree gchar *reference = NULL;
  g_autofree gchar *base = g_strdup (s->base_url);
  g_autofree gchar *kind = g_strdup_printf ("%d", s->create_kind);
  gsize len = base ? strlen (base) : 0;

  /* ".../v1" and ".../v1/" are the same service. */
  while (len > 0 && base[len - 1] == '/')
    base[--len] = '\0';

  if (s->input_reference != NULL)
    reference = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256,
        s->input_reference);

  add_field (sum, "gst-apigo clip 1");
  add_field (sum, base);
  add_field (sum, s->model);
  add_field (sum, s->prompt);
  add_field (sum, s->size);
  add_field (sum, s->seconds);
  add_field (sum, reference);
  add_field (sum, s->video_id);
  add_field (sum, s->variant);
  add_field (sum, kind);
  add_field (sum, s->source_id);
  add_field (sum, s->reference_fit);
  /* Only when set: the keys of clips kept without parameters stay. */
  if (s->parameters != NULL)
    add_field (sum, s->parameters);
  /* The same for images, each by its name and a digest of its bytes;
   * tagged, like the dialect below. */
  if (s->n_images > 0) {
    g_autoptr (GString) images = g_string_new ("images");
    guint i;

    for (i = 0; i < s->n_images; i++) {
      g_autofree gchar *digest =
          g_compute_checksum_for_bytes (G_CHECKSUM_SHA256,
          s->images[i].data);

      g_string_append_printf (images, " %s=%s", s->images[i].name, digest);
    }
    add_field (sum, images->str);
  }
  /* Another dialect sends other requests; OpenAI's (0) adds nothing, so
   * that the keys of clips kept before dialects stay.  Tagged: never
   * mistaken for the parameters above. */
  if (s->dialect != APIGO_DIALECT_OPENAI) {
    g_autofree gchar *dialect = g_strdup_printf ("dialect %s api-version %s",
        apigo_dialect_name (s->dialect), s->api_version ? s->api_version :
        "");

    add_field (sum, dialect);
  }
  return g_strdup (g_checksum_get_string (sum));
}

gchar *
apigo_job_settings_task_key (const ApigoJobSettings * settings)
{
  ApigoJobSettings task = *settings;

  task.variant = NULL;
  return apigo_job_settings_key (&task);
}
