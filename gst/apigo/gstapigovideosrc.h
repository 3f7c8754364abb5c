/* gst-apigo
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#ifndef __GST_APIGO_VIDEO_SRC_H__
#define __GST_APIGO_VIDEO_SRC_H__

#include <gst/gst.h>
#include <gst/base/gstbasesrc.h>

#include "apigo-options.h"

G_BEGIN_DECLS

/* The enum types of the variant and input-reference-fit properties, made
 * from the choices of the options table (apigo-options.h: ApigoVariant,
 * ApigoFit). */
#define GST_TYPE_APIGO_VARIANT (gst_apigo_variant_get_type ())
GType gst_apigo_variant_get_type (void);

#define GST_TYPE_APIGO_FIT (gst_apigo_fit_get_type ())
GType gst_apigo_fit_get_type (void);

#define GST_TYPE_APIGO_DIALECT (gst_apigo_dialect_get_type ())
GType gst_apigo_dialect_get_type (void);
#define GST_TYPE_APIGO_MODEL_CHECK (gst_apigo_model_check_get_type ())
GType gst_apigo_model_check_get_type (void);

#define GST_TYPE_APIGO_VIDEO_SRC (gst_apigo_video_src_get_type ())
G_DECLARE_FINAL_TYPE (GstApigoVideoSrc, gst_apigo_video_src, GST,
    APIGO_VIDEO_SRC, GstBaseSrc)

GST_ELEMENT_REGISTER_DECLARE (apigovideosrc);

/* The property of an option of the table, as apigovideosrc installs it
 * (apigochannel installs the same ones, to hand them on to its clips). */
GParamSpec *gst_apigo_option_param_spec (const ApigoOptionSpec * spec);

/* Whether its properties make a request it could send, checked as its
 * start checks them (no network); FALSE with a message naming the
 * property.  For apigochannel, which checks its clips' settings once. */
gboolean gst_apigo_video_src_check_properties (GstApigoVideoSrc * src,
    GError ** error);

G_END_DECLS

#endif /* __GST_APIGO_VIDEO_SRC_H__ */
