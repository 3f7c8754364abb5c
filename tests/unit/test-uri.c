/* gst-apigo: the apigo:// URI grammar
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gst/check/gstcheck.h>

#include "apigo-options.h"
#include "apigo-uri.h"

static void
parse_ok (const gchar * text, ApigoOptions * options)
{
  g_autoptr (GError) error = NULL;

  apigo_options_init (options);
  fail_unless (apigo_uri_parse (text, options, &error), "%s: %s", text,
      error ? error->message : "?");
  g_assert_no_error (error);
}

/* The id in the URI's path, whichever option it went to. */
static const gchar *
path_id (const ApigoOptions * o)
{
  return o->video_id ? o->video_id : o->remix ? o->remix : o->extend ?
      o->extend : o->edit;
}

static void
assert_same (const ApigoOptions * a, const ApigoOptions * b)
{
  fail_unless_equals_int (apigo_uri_form_of (a), apigo_uri_form_of (b));
  fail_unless_equals_string (path_id (a), path_id (b));
  fail_unless_equals_string (a->prompt, b->prompt);
  fail_unless_equals_string (a->model, b->model);
  fail_unless_equals_string (a->size, b->size);
  fail_unless_equals_int (a->seconds, b->seconds);
  fail_unless_equals_int (a->variant, b->variant);
}

/* parse -> to_string -> parse gives the same options, and printing again
 * gives the same text. */
static void
assert_round_trip (const gchar * text)
{
  ApigoOptions first, second;
  g_autofree gchar *printed = NULL;
  g_autofree gchar *reprinted = NULL;

  parse_ok (text, &first);
  printed = apigo_uri_to_string (&first);
  fail_unless (g_str_has_prefix (printed, "apigo://"), "%s", printed);
  parse_ok (printed, &second);
  assert_same (&first, &second);
  reprinted = apigo_uri_to_string (&second);
  fail_unless_equals_string (printed, reprinted);
  apigo_options_clear (&first);
  apigo_options_clear (&second);
}

/* Rejected, with a message holding @words, and the options untouched. */
static void
assert_rejected (const gchar * text, const gchar * words)
{
  g_autoptr (GError) error = NULL;
  ApigoOptions options;

  apigo_options_init (&options);
  apigo_options_set_string (&options, apigo_option_spec_find ("prompt"),
      "before");
  fail_if (apigo_uri_parse (text, &options, &error), "%s was accepted", text);
  fail_unless (error != NULL, "%s: no error", text);
  fail_unless (strstr (error->message, "apigo") != NULL, "%s: '%s'", text,
      error->message);
  fail_unless (strstr (error->message, words) != NULL,
      "%s: '%s' does not say '%s'", text, error->message, words);
  fail_unless (g_utf8_validate (error->message, -1, NULL));
  fail_unless_equals_string (options.prompt, "before");
  fail_unless (options.video_id == NULL && options.remix == NULL);
  apigo_options_clear (&options);
}

GST_START_TEST (test_generate)
{
  ApigoOptions o;

  parse_ok ("apigo://generate?prompt=a+red+fox&model=sora-2-pro"
      "&size=1280x720&seconds=8&variant=thumbnail", &o);
  fail_unless_equals_int (apigo_uri_form_of (&o), APIGO_URI_GENERATE);
  fail_unless (path_id (&o) == NULL);
  fail_unless_equals_string (o.prompt, "a red fox");
  fail_unless_equals_string (o.model, "sora-2-pro");
  fail_unless_equals_string (o.size, "1280x720");
  fail_unless_equals_int (o.seconds, 8);
  fail_unless_equals_int (o.variant, APIGO_VARIANT_THUMBNAIL);
  apigo_options_clear (&o);

  /* Only the prompt: the rest at the element's defaults. */
  parse_ok ("apigo://generate?prompt=x", &o);
  fail_unless_equals_string (o.model, "sora-2");
  fail_unless_equals_string (o.size, "720x1280");
  fail_unless_equals_int (o.seconds, 4);
  fail_unless_equals_int (o.variant, APIGO_VARIANT_VIDEO);
  apigo_options_clear (&o);

  /* Parameters in any order, a trailing slash, scheme and form in any
   * case, empty pairs skipped. */
  parse_ok ("APIGO://Generate/?seconds=6&&prompt=y&", &o);
  fail_unless_equals_int (apigo_uri_form_of (&o), APIGO_URI_GENERATE);
  fail_unless_equals_string (o.prompt, "y");
  fail_unless_equals_int (o.seconds, 6);
  apigo_options_clear (&o);
}

GST_END_TEST;

/* A URI says everything about the clip: what it leaves out goes back to
 * the default, whatever was set before; what no URI names stays. */
GST_START_TEST (test_resets_clip_options)
{
  ApigoOptions o;
  g_autoptr (GError) error = NULL;

  apigo_options_init (&o);
  apigo_options_set_string (&o, apigo_option_spec_find ("model"), "m2");
  apigo_options_set_string (&o, apigo_option_spec_find ("remix"), "v9");
  apigo_options_set_string (&o, apigo_option_spec_find ("cache-dir"), "/c");
  apigo_options_set_string (&o, apigo_option_spec_find ("api-key"), "k");
  o.seconds = 12;
  o.variant = APIGO_VARIANT_SPRITESHEET;
  o.retries = 7;
  fail_unless (apigo_uri_parse ("apigo://generate?prompt=p", &o, &error));
  fail_unless_equals_string (o.prompt, "p");
  fail_unless_equals_string (o.model, "sora-2");
  fail_unless (o.remix == NULL);
  fail_unless_equals_int (o.seconds, 4);
  fail_unless_equals_int (o.variant, APIGO_VARIANT_VIDEO);
  fail_unless_equals_string (o.cache_dir, "/c");
  fail_unless_equals_string (o.api_key, "k");
  fail_unless_equals_int (o.retries, 7);
  apigo_options_clear (&o);
}

GST_END_TEST;

GST_START_TEST (test_derived_forms)
{
  ApigoOptions o;

  parse_ok ("apigo://video/video_68d7512d07848190?variant=spritesheet", &o);
  fail_unless_equals_int (apigo_uri_form_of (&o), APIGO_URI_VIDEO);
  fail_unless_equals_string (o.video_id, "video_68d7512d07848190");
  fail_unless (o.prompt == NULL);
  fail_unless_equals_int (o.variant, APIGO_VARIANT_SPRITESHEET);
  apigo_options_clear (&o);

  parse_ok ("apigo://video/abc-1_2.3:4~5", &o);
  fail_unless_equals_string (o.video_id, "abc-1_2.3:4~5");
  fail_unless_equals_int (o.variant, APIGO_VARIANT_VIDEO);
  apigo_options_clear (&o);

  parse_ok ("apigo://remix/video_1?prompt=at+night&variant=video", &o);
  fail_unless_equals_int (apigo_uri_form_of (&o), APIGO_URI_REMIX);
  fail_unless_equals_string (o.remix, "video_1");
  fail_unless (o.video_id == NULL);
  fail_unless_equals_string (o.prompt, "at night");
  fail_unless_equals_int (o.variant, APIGO_VARIANT_VIDEO);
  apigo_options_clear (&o);

  parse_ok ("apigo://extend/video_2?prompt=then+it+rains&seconds=12", &o);
  fail_unless_equals_int (apigo_uri_form_of (&o), APIGO_URI_EXTEND);
  fail_unless_equals_string (o.extend, "video_2");
  fail_unless_equals_string (o.prompt, "then it rains");
  fail_unless_equals_int (o.seconds, 12);
  apigo_options_clear (&o);

  parse_ok ("apigo://extend/video_2?prompt=more", &o);
  fail_unless_equals_int (o.seconds, 4);
  apigo_options_clear (&o);

  parse_ok ("apigo://edit/video_3?prompt=make+it+blue&variant=thumbnail",
      &o);
  fail_unless_equals_int (apigo_uri_form_of (&o), APIGO_URI_EDIT);
  fail_unless_equals_string (o.edit, "video_3");
  fail_unless_equals_string (o.prompt, "make it blue");
  fail_unless_equals_int (o.variant, APIGO_VARIANT_THUMBNAIL);
  apigo_options_clear (&o);

  /* A percent-encoded id is decoded. */
  parse_ok ("apigo://video/video%5F4", &o);
  fail_unless_equals_string (o.video_id, "video_4");
  apigo_options_clear (&o);
}

GST_END_TEST;

GST_START_TEST (test_encoding)
{
  ApigoOptions o;
  g_autofree gchar *printed = NULL;

  /* '+' and %20 are spaces, %2B a plus, UTF-8 in any script, reserved
   * characters encoded. */
  parse_ok ("apigo://generate?prompt=%E7%8C%AB+%C3%A9t%C3%A9%20a%2Bb%26c%3Dd"
      "%3F%23%25", &o);
  fail_unless_equals_string (o.prompt, "猫 été a+b&c=d?#%");
  printed = apigo_uri_to_string (&o);
  /* Printed with everything but unreserved characters escaped: no raw
   * space, '+', '&' or '=' in the value. */
  fail_unless (g_str_has_prefix (printed, "apigo://generate?prompt="),
      "%s", printed);
  fail_if (strchr (printed, ' ') != NULL || strchr (printed, '+') != NULL
      || strchr (printed, '#') != NULL, "%s", printed);
  fail_unless (strstr (printed, "%2B") != NULL, "%s", printed);
  apigo_options_clear (&o);

  /* Raw UTF-8 (as typed in a shell) is taken as it is. */
  parse_ok ("apigo://generate?prompt=猫", &o);
  fail_unless_equals_string (o.prompt, "猫");
  apigo_options_clear (&o);
}

GST_END_TEST;

GST_START_TEST (test_round_trip)
{
  const gchar *uris[] = {
    "apigo://generate?prompt=a+red+fox&model=sora-2-pro&size=1280x720"
        "&seconds=8&variant=thumbnail",
    "apigo://generate?prompt=x",
    "apigo://generate?variant=spritesheet&prompt=%E7%8C%AB%2B%26%3D%25",
    "apigo://video/video_1",
    "apigo://video/video_1?variant=thumbnail",
    "apigo://remix/video_1?prompt=at+night",
    "apigo://remix/video_1?prompt=at+night&variant=spritesheet",
    "apigo://extend/v.2?prompt=then&seconds=4",
    "apigo://extend/v.2?prompt=then",
    "apigo://edit/a:b~c?prompt=blue&variant=video",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (uris); i++)
    assert_round_trip (uris[i]);
}

GST_END_TEST;

/* Built from options (as the element does), printed, parsed back: what the
 * form does not take is left out. */
GST_START_TEST (test_to_string)
{
  ApigoOptions o, back;
  g_autofree gchar *text = NULL;

  apigo_options_init (&o);
  apigo_options_set_string (&o, apigo_option_spec_find ("extend"),
      "video_9");
  apigo_options_set_string (&o, apigo_option_spec_find ("prompt"),
      "and then & so on = 100%");
  o.seconds = 8;
  o.variant = APIGO_VARIANT_THUMBNAIL;
  apigo_options_set_string (&o, apigo_option_spec_find ("size"), "320x180");
  text = apigo_uri_to_string (&o);
  fail_unless_equals_string (text, "apigo://extend/video_9?prompt="
      "and%20then%20%26%20so%20on%20%3D%20100%25&seconds=8&variant=thumbnail");
  parse_ok (text, &back);
  fail_unless_equals_string (back.prompt, o.prompt);
  fail_unless_equals_string (back.size, "720x1280");
  apigo_options_clear (&back);

  /* No prompt: no URI for a form that needs one. */
  apigo_options_set_string (&o, apigo_option_spec_find ("prompt"), NULL);
  fail_unless (apigo_uri_to_string (&o) == NULL);
  apigo_options_clear (&o);
}

GST_END_TEST;

GST_START_TEST (test_rejected)
{
  /* The scheme, the form, the whole. */
  assert_rejected ("", "empty");
  assert_rejected ("http://generate?prompt=x", "\"http\", not apigo");
  assert_rejected ("generate?prompt=x", "scheme is missing");
  assert_rejected ("apigo://make?prompt=x", "\"make\" is none of");
  assert_rejected ("apigo:generate?prompt=x", "is none of");
  assert_rejected ("apigo://generate:80?prompt=x", "port");
  assert_rejected ("apigo://me@generate?prompt=x", "user");
  assert_rejected ("apigo://generate?prompt=x#top", "fragment");
  assert_rejected ("apigo://generate/more?prompt=x", "takes no path");

  /* Parameters. */
  assert_rejected ("apigo://generate?prompt=x&quality=high",
      "takes no \"quality\"");
  assert_rejected ("apigo://video/v1?prompt=x", "takes no \"prompt\"");
  assert_rejected ("apigo://remix/v1?prompt=x&seconds=4",
      "takes no \"seconds\"");
  assert_rejected ("apigo://edit/v1?prompt=x&size=64x64",
      "takes no \"size\"");
  assert_rejected ("apigo://generate?prompt=x&model=a&model=b",
      "\"model\" is given twice");
  assert_rejected ("apigo://generate?prompt=x&prompt=x",
      "\"prompt\" is given twice");
  assert_rejected ("apigo://generate?prompt", "\"prompt\" has no value");

  /* The prompt. */
  assert_rejected ("apigo://generate", "needs a prompt");
  assert_rejected ("apigo://generate?model=m", "needs a prompt");
  assert_rejected ("apigo://remix/v1", "apigo://remix needs a prompt");
  assert_rejected ("apigo://extend/v1?seconds=4", "needs a prompt");
  assert_rejected ("apigo://edit/v1?variant=video", "needs a prompt");
  assert_rejected ("apigo://generate?prompt=", "The prompt parameter is empty");
  assert_rejected ("apigo://generate?prompt=x&model=",
      "The model parameter is empty");

  /* Values. */
  assert_rejected ("apigo://generate?prompt=x&size=big",
      "size parameter \"big\"");
  assert_rejected ("apigo://generate?prompt=x&size=0x180",
      "size parameter \"0x180\"");
  assert_rejected ("apigo://generate?prompt=x&size=320x",
      "size parameter \"320x\"");
  assert_rejected ("apigo://generate?prompt=x&size=320x180x2",
      "size parameter \"320x180x2\"");
  assert_rejected ("apigo://generate?prompt=x&size=-320x180", "size");
  assert_rejected ("apigo://generate?prompt=x&size=99999x180", "size");
  assert_rejected ("apigo://generate?prompt=x&seconds=0",
      "seconds parameter \"0\"");
  assert_rejected ("apigo://generate?prompt=x&seconds=four",
      "seconds parameter \"four\"");
  assert_rejected ("apigo://generate?prompt=x&seconds=-4",
      "seconds parameter \"-4\"");
  assert_rejected ("apigo://generate?prompt=x&seconds=%2B4",
      "seconds parameter \"+4\"");
  assert_rejected ("apigo://extend/v1?prompt=x&seconds=2147483648",
      "seconds parameter \"2147483648\" is not a length in seconds from 1 "
      "to 2147483647");
  assert_rejected ("apigo://generate?prompt=x&variant=poster",
      "variant parameter \"poster\" is not video, thumbnail or spritesheet");
  assert_rejected ("apigo://video/v1?variant=", "variant parameter \"\"");

  /* The id. */
  assert_rejected ("apigo://video", "apigo://video/ needs a video id");
  assert_rejected ("apigo://video/", "needs a video id");
  assert_rejected ("apigo://remix/?prompt=x", "needs a video id");
  assert_rejected ("apigo://video/a/b", "\"a/b\" is not a video id");
  assert_rejected ("apigo://video/a%2Fb", "\"a/b\" is not a video id");
  /* GUri drops dot segments, encoded or not. */
  assert_rejected ("apigo://video/..", "needs a video id");
  assert_rejected ("apigo://edit/a%20b?prompt=x", "\"a b\" is not a video id");
  assert_rejected ("apigo://video/%FF", "the video id is not percent-encoded");

  /* Encoding. */
  assert_rejected ("apigo://generate?prompt=%zz", "%-encoding");
  assert_rejected ("apigo://generate?prompt=50%", "%-encoding");
  assert_rejected ("apigo://generate?prompt=%C3%28",
      "the prompt is not percent-encoded UTF-8");
  assert_rejected ("apigo://generate?prompt=%FF",
      "the prompt is not percent-encoded UTF-8");
  assert_rejected ("apigo://generate?prompt=a%00b",
      "the prompt is not percent-encoded UTF-8");
  assert_rejected ("apigo://generate?prompt=x&model=%C3",
      "the model is not percent-encoded UTF-8");
}

GST_END_TEST;

GST_START_TEST (test_checks)
{
  fail_unless (apigo_size_is_valid ("1x1"));
  fail_unless (apigo_size_is_valid ("16384x16384"));
  fail_if (apigo_size_is_valid ("16385x16"));
  fail_if (apigo_size_is_valid (NULL));
  fail_if (apigo_size_is_valid (""));
  fail_if (apigo_size_is_valid ("x"));
  fail_if (apigo_size_is_valid ("+1x1"));
  fail_if (apigo_size_is_valid ("1 x1"));
  fail_if (apigo_size_is_valid ("1X1"));
}

GST_END_TEST;

static Suite *
uri_suite (void)
{
  Suite *s = suite_create ("apigo-uri");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_generate);
  tcase_add_test (tc, test_resets_clip_options);
  tcase_add_test (tc, test_derived_forms);
  tcase_add_test (tc, test_encoding);
  tcase_add_test (tc, test_round_trip);
  tcase_add_test (tc, test_to_string);
  tcase_add_test (tc, test_rejected);
  tcase_add_test (tc, test_checks);
  return s;
}

GST_CHECK_MAIN (uri);
