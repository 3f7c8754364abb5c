/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __APIGO_URI_H__
#define __APIGO_URI_H__

#include <glib.h>

#include "apigo-options.h"

G_BEGIN_DECLS

/* apigo: URIs (see docs/uri.md):
 *   apigo://generate?prompt=P[&model=M][&size=WxH][&seconds=N][&variant=V]
 *   apigo://video/ID[?variant=V]
 *   apigo://remix/ID?prompt=P[&variant=V]
 *   apigo://extend/ID?prompt=P[&seconds=N][&variant=V]
 *   apigo://edit/ID?prompt=P[&variant=V]
 * generate, remix, extend and edit also take parameters=JSON-OBJECT.
 * Values are percent-encoded UTF-8 ('+' is a space).  Never a key, never a
 * base URL: those come from the element's properties or the environment.
 * Which form takes which parameter is said in the options table
 * (apigo-options.c), whose names the parameters are. */

/* Sets the options @text names in @options, the others of any URI to their
 * defaults: a URI says everything about the clip.  Options no URI names
 * (the key, the cache...) are left alone.  FALSE with a message saying
 * what is wrong, @options unchanged. */
gboolean apigo_uri_parse (const gchar * text, ApigoOptions * options,
    GError ** error);
/* The URI of what @options ask for; NULL when they make none (no prompt
 * for a form that needs one). */
gchar *apigo_uri_to_string (const ApigoOptions * options);
/* Whether some form of URI names @spec: then a URI that leaves it out
 * sets it back to its default. */
gboolean apigo_uri_names (const ApigoOptionSpec * spec);
/* The form @options ask for: remix, extend or edit when one is set, else
 * video when video-id is, else generate. */
ApigoUriForm apigo_uri_form_of (const ApigoOptions * options);

G_END_DECLS

#endif /* __APIGO_URI_H__ */
