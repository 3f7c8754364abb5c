/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstapigoapproval.h"
#include "apigo-error.h"

static void
interrupt (GCancellable * cancellable, GstPromise * promise)
{
  gst_promise_interrupt (promise);
}

/* The request as the application sees it: what is asked for, never the
 * key. */
static GstStructure *
describe (const ApigoCreateRequest * r, GstPromise * promise)
{
  GstStructure *s = gst_structure_new (GST_APIGO_CREATE_REQUEST_MESSAGE,
      "kind", G_TYPE_STRING, apigo_create_kind_name (r->kind),
      "prompt", G_TYPE_STRING, r->prompt,
      "promise", GST_TYPE_PROMISE, promise, NULL);

  if (r->model != NULL)
    gst_structure_set (s, "model", G_TYPE_STRING, r->model, NULL);
  if (r->size != NULL)
    gst_structure_set (s, "size", G_TYPE_STRING, r->size, NULL);
  if (r->seconds != NULL)
    gst_structure_set (s, "seconds", G_TYPE_STRING, r->seconds, NULL);
  if (r->source_id != NULL)
    gst_structure_set (s, "source-video-id", G_TYPE_STRING, r->source_id,
        NULL);
  if (r->parameters != NULL)
    gst_structure_set (s, "parameters", G_TYPE_STRING, r->parameters, NULL);
  gst_structure_set (s, "input-reference", G_TYPE_BOOLEAN,
      r->input_reference != NULL, NULL);
  if (r->n_images > 0) {
    g_autoptr (GString) names = g_string_new (NULL);
    guint i;

    for (i = 0; i < r->n_images; i++)
      g_string_append_printf (names, "%s%s", i ? "," : "", r->images[i].name);
    gst_structure_set (s, "images", G_TYPE_STRING, names->str, NULL);
  }
  return s;
}

gboolean
gst_apigo_ask_application (GstElement * element,
    const ApigoCreateRequest * request, GCancellable * cancellable,
    GError ** error)
{
  GstPromise *promise = gst_promise_new ();
  GstPromiseResult result;
  const GstStructure *reply;
  gboolean allow = FALSE;
  const gchar *reason = NULL;
  gulong id;

  id = g_cancellable_connect (cancellable, G_CALLBACK (interrupt), promise,
      NULL);
  GST_INFO_OBJECT (element, "Asking the application whether this %s may "
      "go out", apigo_create_kind_name (request->kind));
  /* No bus (an element in no pipeline): nobody could ever answer. */
  if (!gst_element_post_message (element,
          gst_message_new_element (GST_OBJECT (element), describe (request,
                  promise)))) {
    g_cancellable_disconnect (cancellable, id);
    gst_promise_unref (promise);
    g_set_error (error, APIGO_ERROR, APIGO_ERROR_BUDGET,
        "ask-application is set, but the element has no bus to ask the "
        "application on (it is in no pipeline). Nothing was sent to the "
        "service.");
    return FALSE;
  }
  result = gst_promise_wait (promise);
  g_cancellable_disconnect (cancellable, id);

  if (g_cancellable_set_error_if_cancelled (cancellable, error)) {
    gst_promise_unref (promise);
    return FALSE;
  }
  reply = result == GST_PROMISE_RESULT_REPLIED ?
      gst_promise_get_reply (promise) : NULL;
  if (reply != NULL) {
    gst_structure_get_boolean (reply, "allow", &allow);
    reason = gst_structure_get_string (reply, "reason");
  }
  if (!allow) {
    g_autofree gchar *said = reason ? apigo_service_text (reason, -1,
        APIGO_SERVICE_MESSAGE_MAX) : NULL;

    g_set_error (error, APIGO_ERROR, APIGO_ERROR_BUDGET,
        "The application did not allow this %s%s%s. Nothing was sent to "
        "the service.", apigo_create_kind_name (request->kind), said ? ": " : "",
        said ? said : "");
  }
  GST_INFO_OBJECT (element, "The application %s the %s",
      allow ? "allowed" : "refused", apigo_create_kind_name (request->kind));
  gst_promise_unref (promise);
  return allow;
}
