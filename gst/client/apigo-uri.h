/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_URI_H__
#define __APIGO_URI_H__

#include <glib.h>

G_BEGIN_DECLS

/* apigo: URIs (see docs/uri.md):
 *   apigo://generate?prompt=P[&model=M][&size=WxH][&seconds=N][&variant=V]
 *   apigo://video/ID[?variant=V]
 *   apigo://remix/ID?prompt=P[&variant=V]
 *   apigo://extend/ID?prompt=P[&seconds=N][&variant=V]
 *   apigo://edit/ID?prompt=P[&variant=V]
 * Values are percent-encoded UTF-8 ('+' is a space).  Never a key, never a
 * base URL: those come from the element's properties or the environment. */
typedef enum
{
  APIGO_URI_GENERATE,
  APIGO_URI_VIDEO,
  APIGO_URI_REMIX,
  APIGO_URI_EXTEND,
  APIGO_URI_EDIT,
} ApigoUriForm;

typedef struct
{
  ApigoUriForm form;
  gchar *video_id;              /* all forms but generate */
  gchar *prompt;
  gchar *model;                 /* NULL when not given */
  gchar *size;
  guint seconds;                /* 0 when not given */
  gchar *variant;
} ApigoUri;

/* FALSE with a message saying what is wrong. */
gboolean apigo_uri_parse (const gchar * text, ApigoUri * uri,
    GError ** error);
gchar *apigo_uri_to_string (const ApigoUri * uri);
void apigo_uri_clear (ApigoUri * uri);

/* Shared by the URI and the element's properties. */
gboolean apigo_size_is_valid (const gchar * size);
gboolean apigo_variant_is_valid (const gchar * variant);

G_END_DECLS

#endif /* __APIGO_URI_H__ */
