/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstapigochannel.h"
#include "gstapigolog.h"
#include "gstapigovideosrc.h"

static gboolean
plugin_init (GstPlugin * plugin)
{
  gst_apigo_log_init ();
  return GST_ELEMENT_REGISTER (apigovideosrc, plugin)
      && GST_ELEMENT_REGISTER (apigochannel, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, apigo,
    "Video generated from text prompts by OpenAI-compatible video services",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
