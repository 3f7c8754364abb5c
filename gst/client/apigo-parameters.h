/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_PARAMETERS_H__
#define __APIGO_PARAMETERS_H__

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Fields a user adds to the create request as they are, for what a model
 * offers beyond Sora's fields (aspect_ratio, seed, negative_prompt...): a
 * JSON object of strings, numbers and booleans, written as the `parameters`
 * property or URI parameter.  The fields the element sends itself are not
 * among them. */

/* The object @text holds; NULL with a message saying what is wrong. */
JsonObject *apigo_parameters_parse (const gchar * text, GError ** error);

/* @text as one canonical line (members sorted by name, no spaces), so that
 * the same fields in another order ask for the same clip; NULL for an
 * empty object.  @text must be valid. */
gchar *apigo_parameters_canonical (const gchar * text);

/* Calls @func on each member of @text (NULL: none), in the order given.
 * @text must be valid: it was checked when the settings were taken. */
void apigo_parameters_foreach (const gchar * text, JsonObjectForeach func,
    gpointer user_data);

/* Whether the element sends a field of that name itself (model, prompt,
 * input_reference...): no parameter nor image may take it. */
gboolean apigo_parameters_is_own_field (const gchar * name);

/* A member's value as a form field carries it: "42", "true", "16:9". */
gchar *apigo_parameters_value_text (JsonNode * value);

G_END_DECLS

#endif /* __APIGO_PARAMETERS_H__ */
