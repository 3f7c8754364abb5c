/* gst-apigo: the element as a GStreamer citizen: installing it changes
 * nothing for autovideosrc, apigo:// still finds it, gst-inspect shows
 * short blurbs and the project's origin, its enums are plugin API, and its
 * answer to the scheduling query is the deliberate one
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#include <string.h>

#ifndef APIGO_PACKAGE_ORIGIN
#error "APIGO_PACKAGE_ORIGIN: the package-origin meson option"
#endif

/* Factory names of the elements added anywhere inside a bin, in order. */
typedef struct
{
  GMutex lock;
  GPtrArray *names;
} Added;

static void
on_deep_element_added (GstBin * bin, GstBin * sub_bin, GstElement * element,
    gpointer user_data)
{
  Added *added = user_data;
  GstElementFactory *factory = gst_element_get_factory (element);

  g_mutex_lock (&added->lock);
  g_ptr_array_add (added->names, g_strdup (factory ?
          GST_OBJECT_NAME (factory) : G_OBJECT_TYPE_NAME (element)));
  g_mutex_unlock (&added->lock);
}

static void
added_init (Added * added, GstElement * bin)
{
  g_mutex_init (&added->lock);
  added->names = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (bin, "deep-element-added",
      G_CALLBACK (on_deep_element_added), added);
}

static void
added_clear (Added * added)
{
  g_ptr_array_unref (added->names);
  g_mutex_clear (&added->lock);
}

static gboolean
added_has (Added * added, const gchar * name)
{
  guint i;

  for (i = 0; i < added->names->len; i++)
    if (strcmp (g_ptr_array_index (added->names, i), name) == 0)
      return TRUE;
  return FALSE;
}

/* Runs autovideosrc into a fakesink and returns the factory name of the
 * source it chose (what it added at NULL -> READY). */
static gchar *
run_autovideosrc (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch ("autovideosrc "
      "name=auto ! fakesink num-buffers=3", &error);
  g_autoptr (TestRun) run = NULL;
  Added added;
  gchar *chosen;

  g_assert_no_error (error);
  /* Connected once the pipeline is built: the placeholder autovideosrc
   * makes for itself is not counted. */
  added_init (&added, test_pipeline_get (pipeline, "auto"));

  run = test_run (pipeline, 60);
  test_run_assert_eos (run);
  fail_unless (added.names->len > 0, "autovideosrc added no element");
  fail_if (added_has (&added, "apigovideosrc"),
      "autovideosrc made an apigovideosrc");
  chosen = g_strdup (g_ptr_array_index (added.names, 0));
  added_clear (&added);
  return chosen;
}

/* autovideosrc takes every "Source" + "Video" element of rank marginal or
 * more that reaches READY: apigovideosrc once did (and then failed for
 * want of a prompt).  It must choose what it chooses without the plugin:
 * here, with apigovideosrc's rank taken away for a first run. */
GST_START_TEST (test_autovideosrc)
{
  g_autoptr (GstPluginFeature) feature =
      gst_registry_lookup_feature (gst_registry_get (), "apigovideosrc");
  g_autofree gchar *without = NULL;
  g_autofree gchar *with = NULL;
  guint rank;

  fail_unless (feature != NULL, "apigovideosrc is not in the registry");
  rank = gst_plugin_feature_get_rank (feature);
  /* playbin and uridecodebin pick the highest-ranked handler of apigo:. */
  fail_unless_equals_int (rank, GST_RANK_PRIMARY);

  gst_plugin_feature_set_rank (feature, GST_RANK_NONE);
  without = run_autovideosrc ();
  gst_plugin_feature_set_rank (feature, rank);

  with = run_autovideosrc ();
  GST_INFO ("autovideosrc chose %s, %s without apigovideosrc", with,
      without);
  fail_unless_equals_string (with, without);
}

GST_END_TEST;

GST_START_TEST (test_uri_still_chosen)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) src = gst_element_make_from_uri (GST_URI_SRC,
      "apigo://generate?prompt=a+fox", NULL, &error);

  g_assert_no_error (error);
  fail_unless_equals_string (GST_OBJECT_NAME (gst_element_get_factory (src)),
      "apigovideosrc");
  fail_unless (gst_uri_protocol_is_supported (GST_URI_SRC, "apigo"));
}

GST_END_TEST;

/* gst-inspect-1.0 shows blurbs on one line: souphttpsrc's longest is about
 * 110 characters; the detail is in docs/element.md. */
#define MAX_BLURB 110

GST_START_TEST (test_blurbs_short)
{
  g_autoptr (GstElement) src = gst_element_factory_make ("apigovideosrc",
      NULL);
  g_autofree GParamSpec **specs = NULL;
  guint n, i, own = 0;

  specs = g_object_class_list_properties (G_OBJECT_GET_CLASS (src), &n);
  for (i = 0; i < n; i++) {
    const gchar *blurb = g_param_spec_get_blurb (specs[i]);

    if (specs[i]->owner_type != G_OBJECT_TYPE (src))
      continue;
    own++;
    fail_unless (blurb != NULL && *blurb != '\0', "%s has no blurb",
        specs[i]->name);
    fail_unless (g_utf8_strlen (blurb, -1) <= MAX_BLURB,
        "the blurb of %s has %ld characters (at most %d): \"%s\"",
        specs[i]->name, (long) g_utf8_strlen (blurb, -1), MAX_BLURB, blurb);
  }
  fail_unless (own > 20, "only %u properties of its own", own);
}

GST_END_TEST;

/* gst-inspect-1.0's "Origin URL": who built the package (Debian's tracker
 * for Debian's plugins), not the paid service the element talks to. */
GST_START_TEST (test_package_origin)
{
  g_autoptr (GstPlugin) plugin = gst_registry_find_plugin (gst_registry_get (),
      "apigo");

  fail_unless (plugin != NULL);
  fail_unless_equals_string (gst_plugin_get_origin (plugin),
      APIGO_PACKAGE_ORIGIN);
  fail_if (strstr (gst_plugin_get_origin (plugin), "apigo.ai") != NULL);
}

GST_END_TEST;

/* Enums of properties are plugin API: the documentation tools list them
 * with the element. */
GST_START_TEST (test_enums_plugin_api)
{
  const gchar *names[] = { "GstApigoVariant", "GstApigoFit",
    "GstApigoDialect"
  };
  g_autoptr (GstElement) src = gst_element_factory_make ("apigovideosrc",
      NULL);
  guint i;

  fail_unless (src != NULL);
  for (i = 0; i < G_N_ELEMENTS (names); i++) {
    GType type = g_type_from_name (names[i]);
    GstPluginAPIFlags flags = 0;

    fail_unless (type != 0, "%s is not registered", names[i]);
    fail_unless (G_TYPE_IS_ENUM (type));
    fail_unless (gst_type_is_plugin_api (type, &flags),
        "%s is not marked as plugin API", names[i]);
  }
}

GST_END_TEST;

/* The answer docs/element.md promises: seekable, pull and push, never
 * bandwidth-limited (urisourcebin and uridecodebin would then put a queue2
 * or downloadbuffer after it: the element is its own download buffer). */
static void
assert_scheduling (GstElement * src)
{
  g_autoptr (GstQuery) query = gst_query_new_scheduling ();
  GstSchedulingFlags flags = 0;
  gint minsize, maxsize, align;

  fail_unless (gst_element_query (src, query), "scheduling query refused");
  gst_query_parse_scheduling (query, &flags, &minsize, &maxsize, &align);
  fail_unless_equals_int (flags, GST_SCHEDULING_FLAG_SEEKABLE);
  fail_unless (gst_query_has_scheduling_mode (query, GST_PAD_MODE_PULL),
      "pull mode not offered");
  fail_unless (gst_query_has_scheduling_mode (query, GST_PAD_MODE_PUSH),
      "push mode not offered");
}

/* urisourcebin asks before the element has a prompt or a key, in NULL.
 * GstBaseSrc's own answer starts and stops the element to find out whether
 * it can be pulled: that start checked the settings and posted an error
 * ("No prompt") for a query. */
GST_START_TEST (test_scheduling_unstarted)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) msg = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *key = g_strdup (g_getenv ("APIGO_API_KEY"));

  g_unsetenv ("APIGO_API_KEY");
  pipeline = gst_parse_launch ("apigovideosrc name=src ! fakesink", &error);
  g_assert_no_error (error);
  bus = gst_element_get_bus (pipeline);

  assert_scheduling (test_pipeline_get (pipeline, "src"));
  msg = gst_bus_pop (bus);
  fail_unless (msg == NULL, "the query posted %s",
      msg ? GST_MESSAGE_TYPE_NAME (msg) : "");
  fail_unless_equals_int (GST_STATE (pipeline), GST_STATE_NULL);

  if (key != NULL)
    g_setenv ("APIGO_API_KEY", key, TRUE);
}

GST_END_TEST;

/* The same answer once prerolled, and what uridecodebin makes of it: no
 * buffering element of its own, and the demuxer pulls. */
static void
on_source_setup (GstElement * bin, GstElement * source, gpointer user_data)
{
  test_source_configure (source, user_data, NULL);
}

GST_START_TEST (test_scheduling_uridecodebin)
{
  g_autoptr (ApigoEmulator) emu = test_emulator_new ();
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) src = NULL;
  g_autoptr (GstElement) demux = NULL;
  g_autoptr (GstPad) sinkpad = NULL;
  g_autoptr (GError) error = NULL;
  GstStateChangeReturn ret;
  GstIterator *it;
  GValue item = G_VALUE_INIT;
  Added added;

  pipeline = gst_parse_launch ("uridecodebin name=dec "
      "uri=apigo://generate?prompt=pulled&size=320x180&seconds=1 ! "
      "fakesink", &error);
  g_assert_no_error (error);
  g_signal_connect (test_pipeline_get (pipeline, "dec"), "source-setup",
      G_CALLBACK (on_source_setup), emu);
  added_init (&added, pipeline);

  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  ret = gst_element_get_state (pipeline, NULL, NULL,
      test_timeout (60) * GST_SECOND);
  fail_unless_equals_int (ret, GST_STATE_CHANGE_SUCCESS);

  fail_unless (added_has (&added, "apigovideosrc"));
  fail_unless (added_has (&added, "qtdemux"));
  fail_if (added_has (&added, "queue2"), "uridecodebin added a queue2");
  fail_if (added_has (&added, "downloadbuffer"),
      "uridecodebin added a downloadbuffer");

  /* The element that handled the URI, started. */
  it = gst_bin_iterate_all_by_element_factory_name (GST_BIN (pipeline),
      "apigovideosrc");
  fail_unless_equals_int (gst_iterator_next (it, &item), GST_ITERATOR_OK);
  src = g_value_dup_object (&item);
  g_value_reset (&item);
  gst_iterator_free (it);
  assert_scheduling (src);

  it = gst_bin_iterate_all_by_element_factory_name (GST_BIN (pipeline),
      "qtdemux");
  fail_unless_equals_int (gst_iterator_next (it, &item), GST_ITERATOR_OK);
  demux = g_value_dup_object (&item);
  g_value_unset (&item);
  gst_iterator_free (it);
  sinkpad = gst_element_get_static_pad (demux, "sink");
  fail_unless_equals_int (GST_PAD_MODE (sinkpad), GST_PAD_MODE_PULL);

  gst_element_set_state (pipeline, GST_STATE_NULL);
  added_clear (&added);
}

GST_END_TEST;

static Suite *
conventions_suite (void)
{
  Suite *s = suite_create ("apigovideosrc-conventions");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_set_timeout (tc, 180);
  test_add_fixtures (tc);
  tcase_add_test (tc, test_autovideosrc);
  tcase_add_test (tc, test_uri_still_chosen);
  tcase_add_test (tc, test_blurbs_short);
  tcase_add_test (tc, test_package_origin);
  tcase_add_test (tc, test_enums_plugin_api);
  tcase_add_test (tc, test_scheduling_unstarted);
  tcase_add_test (tc, test_scheduling_uridecodebin);
  return s;
}

GST_CHECK_MAIN (conventions);
