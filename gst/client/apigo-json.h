/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_JSON_H__
#define __APIGO_JSON_H__

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Lenient readers for members of service answers: providers differ in
 * whether they send numbers as text and text as numbers, and any member may
 * be missing or null. */

/* A string, number or boolean member as newly allocated text; NULL when the
 * member is missing, null, an object or an array. */
gchar *apigo_json_dup_string (JsonObject * obj, const gchar * name);

/* An integer member, also from a float (truncated) or a numeric string;
 * FALSE (and *out untouched) when missing, null or not a number. */
gboolean apigo_json_get_int64 (JsonObject * obj, const gchar * name,
    gint64 * out);

/* What json-glib 1.6 must not be given: it recurses once per nesting
 * level (a deep enough answer overflows the stack), leaks all but one of
 * several concatenated documents, and leaks on broken \\u surrogates.  So
 * before parsing a network answer: one object or array, nested at most
 * APIGO_JSON_MAX_DEPTH deep, valid UTF-8 with well-formed escapes, nothing
 * after it but white space.  FALSE with @error saying what is wrong. */
#define APIGO_JSON_MAX_DEPTH 64
gboolean apigo_json_precheck (const gchar * data, gsize len,
    GError ** error);

/* apigo_json_precheck(), then json_parser_load_from_data(). */
gboolean apigo_json_load (JsonParser * parser, const gchar * data, gsize len,
    GError ** error);

G_END_DECLS

#endif /* __APIGO_JSON_H__ */
