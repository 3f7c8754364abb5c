/* gst-apigo: the element reference, written from the plugin's own metadata
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* gen-element-doc [--output FILE] [ELEMENT]
 * gen-element-doc --write ELEMENT=FILE [--write ELEMENT=FILE...]
 *
 * Loads ELEMENT (apigovideosrc by default) from the registry, as
 * gst-inspect-1.0 does (GST_PLUGIN_PATH_1_0 picks the build), and writes
 * Markdown: the plugin, the element, its pads, URIs, properties, signals and
 * tags.  docs/element-reference.md (apigovideosrc) and
 * docs/channel-reference.md (apigochannel) are its output; the "docs" test
 * suite fails when they differ.  Only class metadata is used, never an
 * instance's values, so nothing of the machine or its environment (the
 * user's cache directory, APIGO_BASE_URL, the key) can end up in the file. */

#include <gst/gst.h>
#include <stdio.h>
#include <string.h>

/* The page that says how each element works, linked from its reference. */
static const gchar *const guides[][2] = {
  {"apigovideosrc", "element.md"},
  {"apigochannel", "channel.md"},
};

/* Tags the plugin registers: GStreamer cannot list them. */
static const gchar *const plugin_tags[] = { "apigo-video-id", NULL };

typedef struct
{
  GString *out;
  const gchar *version;         /* the plugin's, written as VERSION */
  GstElement *element;          /* a new one, for defaults set in init */
} Doc;

/* Text for a Markdown table cell or paragraph. */
static gchar *
md_escape (const gchar * text, gboolean in_table)
{
  GString *s = g_string_new (NULL);
  const gchar *p;

  for (p = text ? text : ""; *p != '\0'; p++) {
    switch (*p) {
      case '|':
        g_string_append (s, in_table ? "\\|" : "|");
        break;
      case '*':
      case '`':
      case '\\':
        g_string_append_c (s, '\\');
        g_string_append_c (s, *p);
        break;
      case '<':
        g_string_append (s, "&lt;");
        break;
      case '\n':
        g_string_append_c (s, ' ');
        break;
      default:
        g_string_append_c (s, *p);
    }
  }
  return g_string_free (s, FALSE);
}

/* The version changes with each release; what depends on it is written
 * VERSION so that the reference changes only when the element does. */
static gchar *
without_version (const Doc * doc, const gchar * text)
{
  g_auto (GStrv) parts = NULL;

  if (doc->version == NULL || *doc->version == '\0')
    return g_strdup (text);
  parts = g_strsplit (text, doc->version, -1);
  return g_strjoinv ("VERSION", parts);
}

static const gchar *
rank_name (guint rank)
{
  switch (rank) {
    case GST_RANK_NONE:
      return "none";
    case GST_RANK_MARGINAL:
      return "marginal";
    case GST_RANK_SECONDARY:
      return "secondary";
    case GST_RANK_PRIMARY:
      return "primary";
  }
  return "custom";
}

static const gchar *
type_name (GParamSpec * pspec)
{
  switch (G_TYPE_FUNDAMENTAL (pspec->value_type)) {
    case G_TYPE_STRING:
      return "string";
    case G_TYPE_BOOLEAN:
      return "boolean";
    case G_TYPE_INT:
      return "int";
    case G_TYPE_UINT:
      return "unsigned int";
    case G_TYPE_INT64:
      return "int64";
    case G_TYPE_UINT64:
      return "unsigned int64";
    case G_TYPE_LONG:
      return "long";
    case G_TYPE_ULONG:
      return "unsigned long";
    case G_TYPE_FLOAT:
      return "float";
    case G_TYPE_DOUBLE:
      return "double";
    case G_TYPE_ENUM:
      return "enum";
    case G_TYPE_FLAGS:
      return "flags";
  }
  return g_type_name (pspec->value_type);
}

static gchar *
type_text (GParamSpec * pspec)
{
  if (G_IS_PARAM_SPEC_ENUM (pspec) || G_IS_PARAM_SPEC_FLAGS (pspec)
      || G_IS_PARAM_SPEC_OBJECT (pspec) || G_IS_PARAM_SPEC_BOXED (pspec))
    return g_strdup_printf ("%s `%s`", type_name (pspec),
        g_type_name (pspec->value_type));
  return g_strdup (type_name (pspec));
}

static gchar *
access_text (GParamSpec * pspec)
{
  if ((pspec->flags & G_PARAM_READWRITE) == G_PARAM_READWRITE)
    return g_strdup ("read/write");
  if (pspec->flags & G_PARAM_READABLE)
    return g_strdup ("read-only");
  return g_strdup ("write-only");
}

static gchar *
flags_text (GParamSpec * pspec)
{
  GPtrArray *flags = g_ptr_array_new ();
  const gchar *mutable = NULL;
  gchar *text;

  if (pspec->flags & G_PARAM_READABLE)
    g_ptr_array_add (flags, (gpointer) "readable");
  if (pspec->flags & G_PARAM_WRITABLE)
    g_ptr_array_add (flags, (gpointer) "writable");
  if (pspec->flags & G_PARAM_CONSTRUCT_ONLY)
    g_ptr_array_add (flags, (gpointer) "construct only");
  if (pspec->flags & GST_PARAM_CONTROLLABLE)
    g_ptr_array_add (flags, (gpointer) "controllable");
  if (pspec->flags & G_PARAM_DEPRECATED)
    g_ptr_array_add (flags, (gpointer) "deprecated");
  if (!(pspec->flags & G_PARAM_WRITABLE))
    mutable = NULL;
  else if (pspec->flags & GST_PARAM_MUTABLE_PLAYING)
    mutable = "changeable in any state";
  else if (pspec->flags & GST_PARAM_MUTABLE_PAUSED)
    mutable = "changeable only in NULL, READY or PAUSED state";
  else if (pspec->flags & GST_PARAM_MUTABLE_READY)
    mutable = "changeable only in NULL or READY state";
  if (mutable != NULL)
    g_ptr_array_add (flags, (gpointer) mutable);
  g_ptr_array_add (flags, NULL);
  text = g_strjoinv (", ", (gchar **) flags->pdata);
  g_ptr_array_free (flags, TRUE);
  return text;
}

static gchar *
enum_nick (GType type, gint value)
{
  g_autoptr (GTypeClass) klass = g_type_class_ref (type);
  GEnumValue *v = g_enum_get_value (G_ENUM_CLASS (klass), value);

  return v ? g_strdup_printf ("%s (%d)", v->value_nick, value) :
      g_strdup_printf ("%d", value);
}

static gchar *
flags_nicks (GType type, guint value)
{
  g_autoptr (GTypeClass) klass = g_type_class_ref (type);
  GFlagsClass *fclass = G_FLAGS_CLASS (klass);
  GString *s = g_string_new (NULL);
  guint i;

  for (i = 0; i < fclass->n_values; i++) {
    guint bits = fclass->values[i].value;

    if (bits != 0 && (value & bits) == bits)
      g_string_append_printf (s, "%s%s", s->len ? "+" : "",
          fclass->values[i].value_nick);
  }
  if (s->len == 0)
    g_string_append (s, "none");
  return g_string_free (s, FALSE);
}

/* The default in Markdown: a new element's value, as gst-inspect-1.0
 * shows it (a subclass may change an inherited default: blocksize).  But
 * strings as the class declares them: an element reads some from the
 * environment (APIGO_BASE_URL, XDG_CACHE_HOME), and the blurbs say so. */
static gchar *
default_text (const Doc * doc, GParamSpec * pspec)
{
  g_auto (GValue) value = G_VALUE_INIT;
  const GValue *v = g_param_spec_get_default_value (pspec);

  if ((pspec->flags & G_PARAM_READABLE)
      && G_TYPE_FUNDAMENTAL (pspec->value_type) != G_TYPE_STRING
      && G_TYPE_FUNDAMENTAL (pspec->value_type) != G_TYPE_OBJECT) {
    g_value_init (&value, pspec->value_type);
    g_object_get_property (G_OBJECT (doc->element), pspec->name, &value);
    v = &value;
  }

  if (GST_VALUE_HOLDS_FRACTION (v))
    return g_strdup_printf ("%d/%d", gst_value_get_fraction_numerator (v),
        gst_value_get_fraction_denominator (v));

  switch (G_TYPE_FUNDAMENTAL (pspec->value_type)) {
    case G_TYPE_STRING:{
      const gchar *s = g_value_get_string (v);
      g_autofree gchar *stable = NULL;
      g_autofree gchar *escaped = NULL;

      if (s == NULL)
        return g_strdup ("NULL");
      stable = without_version (doc, s);
      escaped = md_escape (stable, TRUE);
      return g_strdup_printf ("\"%s\"", escaped);
    }
    case G_TYPE_BOOLEAN:
      return g_strdup (g_value_get_boolean (v) ? "true" : "false");
    case G_TYPE_INT:
      return g_strdup_printf ("%d", g_value_get_int (v));
    case G_TYPE_UINT:
      return g_strdup_printf ("%u", g_value_get_uint (v));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, g_value_get_int64 (v));
    case G_TYPE_UINT64:
      return g_strdup_printf ("%" G_GUINT64_FORMAT, g_value_get_uint64 (v));
    case G_TYPE_LONG:
      return g_strdup_printf ("%ld", g_value_get_long (v));
    case G_TYPE_ULONG:
      return g_strdup_printf ("%lu", g_value_get_ulong (v));
    case G_TYPE_FLOAT:
      return g_strdup_printf ("%g", g_value_get_float (v));
    case G_TYPE_DOUBLE:
      return g_strdup_printf ("%g", g_value_get_double (v));
    case G_TYPE_ENUM:
      return enum_nick (pspec->value_type, g_value_get_enum (v));
    case G_TYPE_FLAGS:
      return flags_nicks (pspec->value_type, g_value_get_flags (v));
  }
  return g_strdup ("—");
}

static gchar *
range_text (GParamSpec * pspec)
{
  if (G_IS_PARAM_SPEC_INT (pspec))
    return g_strdup_printf ("%d – %d", G_PARAM_SPEC_INT (pspec)->minimum,
        G_PARAM_SPEC_INT (pspec)->maximum);
  if (G_IS_PARAM_SPEC_UINT (pspec))
    return g_strdup_printf ("%u – %u", G_PARAM_SPEC_UINT (pspec)->minimum,
        G_PARAM_SPEC_UINT (pspec)->maximum);
  if (G_IS_PARAM_SPEC_INT64 (pspec))
    return g_strdup_printf ("%" G_GINT64_FORMAT " – %" G_GINT64_FORMAT,
        G_PARAM_SPEC_INT64 (pspec)->minimum,
        G_PARAM_SPEC_INT64 (pspec)->maximum);
  if (G_IS_PARAM_SPEC_UINT64 (pspec))
    return g_strdup_printf ("%" G_GUINT64_FORMAT " – %" G_GUINT64_FORMAT,
        G_PARAM_SPEC_UINT64 (pspec)->minimum,
        G_PARAM_SPEC_UINT64 (pspec)->maximum);
  if (G_IS_PARAM_SPEC_LONG (pspec))
    return g_strdup_printf ("%ld – %ld", G_PARAM_SPEC_LONG (pspec)->minimum,
        G_PARAM_SPEC_LONG (pspec)->maximum);
  if (G_IS_PARAM_SPEC_ULONG (pspec))
    return g_strdup_printf ("%lu – %lu", G_PARAM_SPEC_ULONG (pspec)->minimum,
        G_PARAM_SPEC_ULONG (pspec)->maximum);
  if (G_IS_PARAM_SPEC_DOUBLE (pspec))
    return g_strdup_printf ("%g – %g", G_PARAM_SPEC_DOUBLE (pspec)->minimum,
        G_PARAM_SPEC_DOUBLE (pspec)->maximum);
  if (G_IS_PARAM_SPEC_FLOAT (pspec))
    return g_strdup_printf ("%g – %g", G_PARAM_SPEC_FLOAT (pspec)->minimum,
        G_PARAM_SPEC_FLOAT (pspec)->maximum);
  if (GST_IS_PARAM_SPEC_FRACTION (pspec)) {
    GstParamSpecFraction *f = GST_PARAM_SPEC_FRACTION (pspec);

    return g_strdup_printf ("%d/%d – %d/%d", f->min_num, f->min_den,
        f->max_num, f->max_den);
  }
  if (G_IS_PARAM_SPEC_ENUM (pspec)) {
    GEnumClass *klass = G_PARAM_SPEC_ENUM (pspec)->enum_class;
    GString *s = g_string_new (NULL);
    guint i;

    for (i = 0; i < klass->n_values; i++)
      g_string_append_printf (s, "%s`%s`", i ? ", " : "",
          klass->values[i].value_nick);
    return g_string_free (s, FALSE);
  }
  if (G_IS_PARAM_SPEC_FLAGS (pspec)) {
    GFlagsClass *klass = G_PARAM_SPEC_FLAGS (pspec)->flags_class;
    GString *s = g_string_new (NULL);
    guint i;

    for (i = 0; i < klass->n_values; i++)
      g_string_append_printf (s, "%s`%s`", i ? ", " : "",
          klass->values[i].value_nick);
    return g_string_free (s, FALSE);
  }
  return g_strdup ("—");
}

static gint
compare_pspec_names (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(GParamSpec **) a)->name, (*(GParamSpec **) b)->name);
}

/* The properties installed by @type itself (@own) or by its ancestors,
 * GstObject's name and parent left out, sorted by name. */
static GPtrArray *
list_properties (GObjectClass * klass, GType type, gboolean own)
{
  GPtrArray *list = g_ptr_array_new ();
  GParamSpec **all;
  guint n, i;

  all = g_object_class_list_properties (klass, &n);
  for (i = 0; i < n; i++) {
    if ((all[i]->owner_type == type) != own)
      continue;
    if (all[i]->owner_type == GST_TYPE_OBJECT)
      continue;
    g_ptr_array_add (list, all[i]);
  }
  g_free (all);
  g_ptr_array_sort (list, compare_pspec_names);
  return list;
}

static void
write_property_row (Doc * doc, GParamSpec * pspec, gboolean with_owner)
{
  g_autofree gchar *type = type_text (pspec);
  g_autofree gchar *access = access_text (pspec);
  g_autofree gchar *def = default_text (doc, pspec);
  g_autofree gchar *range = range_text (pspec);

  g_string_append_printf (doc->out, "| [`%s`](#%s) | %s | %s | %s | %s |",
      pspec->name, pspec->name, type, access, def, range);
  if (with_owner)
    g_string_append_printf (doc->out, " %s |", g_type_name (pspec->owner_type));
  g_string_append_c (doc->out, '\n');
}

static void
write_property (Doc * doc, GParamSpec * pspec)
{
  g_autofree gchar *nick = md_escape (g_param_spec_get_nick (pspec), FALSE);
  g_autofree gchar *blurb = md_escape (g_param_spec_get_blurb (pspec), FALSE);
  g_autofree gchar *type = type_text (pspec);
  g_autofree gchar *flags = flags_text (pspec);
  g_autofree gchar *def = default_text (doc, pspec);
  g_autofree gchar *range = range_text (pspec);

  g_string_append_printf (doc->out, "### %s\n\n%s\n\n", pspec->name, blurb);
  g_string_append_printf (doc->out, "- nick: %s\n- type: %s\n- flags: %s\n",
      nick, type, flags);
  if (pspec->flags & G_PARAM_READABLE)
    g_string_append_printf (doc->out, "- default: %s\n", def);
  else
    g_string_append_printf (doc->out, "- default: %s (write-only: it "
        "cannot be read back)\n", def);
  if (!G_IS_PARAM_SPEC_ENUM (pspec) && !G_IS_PARAM_SPEC_FLAGS (pspec)
      && !g_str_equal (range, "—"))
    g_string_append_printf (doc->out, "- range: %s\n", range);

  if (G_IS_PARAM_SPEC_ENUM (pspec)) {
    GEnumClass *klass = G_PARAM_SPEC_ENUM (pspec)->enum_class;
    guint i;

    g_string_append (doc->out, "\n| value | nick | meaning |\n"
        "|---|---|---|\n");
    for (i = 0; i < klass->n_values; i++) {
      g_autofree gchar *meaning = md_escape (klass->values[i].value_name,
          TRUE);

      g_string_append_printf (doc->out, "| %d | `%s` | %s |\n",
          klass->values[i].value, klass->values[i].value_nick, meaning);
    }
  }
  g_string_append_c (doc->out, '\n');
}

static void
write_plugin (Doc * doc, GstPlugin * plugin)
{
  g_autofree gchar *desc = md_escape (gst_plugin_get_description (plugin),
      TRUE);
  g_autofree gchar *file = g_path_get_basename (gst_plugin_get_filename
      (plugin));

  g_string_append_printf (doc->out, "## Plugin `%s`\n\n",
      gst_plugin_get_name (plugin));
  g_string_append (doc->out, "| field | value |\n|---|---|\n");
  g_string_append_printf (doc->out, "| description | %s |\n", desc);
  g_string_append_printf (doc->out, "| version | %s |\n",
      gst_plugin_get_version (plugin));
  g_string_append_printf (doc->out, "| license | %s |\n",
      gst_plugin_get_license (plugin));
  g_string_append_printf (doc->out, "| source module | %s |\n",
      gst_plugin_get_source (plugin));
  g_string_append_printf (doc->out, "| binary package | %s |\n",
      gst_plugin_get_package (plugin));
  /* A link when it is a URL; a source build's is "Unknown package origin". */
  if (strstr (gst_plugin_get_origin (plugin), "://") != NULL)
    g_string_append_printf (doc->out, "| origin | <%s> |\n",
        gst_plugin_get_origin (plugin));
  else {
    g_autofree gchar *origin = md_escape (gst_plugin_get_origin (plugin),
        TRUE);

    g_string_append_printf (doc->out, "| origin | %s |\n", origin);
  }
  g_string_append_printf (doc->out, "| file | `%s` |\n\n", file);
}

static void
write_element (Doc * doc, GstElementFactory * factory, GType type)
{
  GstPluginFeature *feature = GST_PLUGIN_FEATURE (factory);
  const gchar *keys[][2] = {
    {GST_ELEMENT_METADATA_LONGNAME, "long name"},
    {GST_ELEMENT_METADATA_KLASS, "klass"},
    {GST_ELEMENT_METADATA_DESCRIPTION, "description"},
    {GST_ELEMENT_METADATA_AUTHOR, "author"},
    {GST_ELEMENT_METADATA_DOC_URI, "documentation"},
    {GST_ELEMENT_METADATA_ICON_NAME, "icon"},
  };
  GString *hierarchy = g_string_new (NULL);
  g_autofree GType *ifaces = NULL;
  guint i, n_ifaces;
  GType t;

  g_string_append_printf (doc->out, "## Element `%s`\n\n",
      gst_plugin_feature_get_name (feature));
  g_string_append (doc->out, "| field | value |\n|---|---|\n");
  for (i = 0; i < G_N_ELEMENTS (keys); i++) {
    const gchar *value = gst_element_factory_get_metadata (factory,
        keys[i][0]);
    g_autofree gchar *escaped = NULL;

    if (value == NULL)
      continue;
    escaped = md_escape (value, TRUE);
    g_string_append_printf (doc->out, "| %s | %s |\n", keys[i][1], escaped);
  }
  g_string_append_printf (doc->out, "| rank | %s (%u) |\n",
      rank_name (gst_plugin_feature_get_rank (feature)),
      gst_plugin_feature_get_rank (feature));

  for (t = type; t != 0; t = g_type_parent (t)) {
    if (t != type)
      g_string_prepend (hierarchy, " → ");
    g_string_prepend (hierarchy, g_type_name (t));
  }
  g_string_append_printf (doc->out, "| type | %s |\n", hierarchy->str);
  g_string_free (hierarchy, TRUE);

  ifaces = g_type_interfaces (type, &n_ifaces);
  g_string_append (doc->out, "| interfaces | ");
  for (i = 0; i < n_ifaces; i++)
    g_string_append_printf (doc->out, "%s`%s`", i ? ", " : "",
        g_type_name (ifaces[i]));
  if (n_ifaces == 0)
    g_string_append (doc->out, "none");
  g_string_append (doc->out, " |\n\n");
}

static gint
compare_templates (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (((const GstStaticPadTemplate *) a)->name_template,
      ((const GstStaticPadTemplate *) b)->name_template);
}

static void
write_pads (Doc * doc, GstElementFactory * factory)
{
  g_autoptr (GList) templates = NULL;
  const GList *l;
  static const gchar *directions[] = { "unknown", "source", "sink" };
  static const gchar *presences[] = { "always", "sometimes", "request" };

  g_string_append (doc->out, "## Pad templates\n\n"
      "| name | direction | presence | caps |\n|---|---|---|---|\n");
  /* By name: the registry does not keep one order from scan to load. */
  templates = g_list_sort (g_list_copy ((GList *)
          gst_element_factory_get_static_pad_templates (factory)),
      compare_templates);
  for (l = templates; l; l = l->next) {
    GstStaticPadTemplate *tmpl = l->data;
    g_autoptr (GstCaps) caps = gst_static_pad_template_get_caps (tmpl);
    g_autofree gchar *text = gst_caps_to_string (caps);
    g_autofree gchar *escaped = md_escape (text, TRUE);

    g_string_append_printf (doc->out, "| `%s` | %s | %s | `%s` |\n",
        tmpl->name_template, directions[tmpl->direction],
        presences[tmpl->presence], escaped);
  }
  g_string_append_c (doc->out, '\n');
}

static void
write_uris (Doc * doc, GstElementFactory * factory)
{
  const gchar *const *protocols = gst_element_factory_get_uri_protocols
      (factory);
  GstURIType uri_type = gst_element_factory_get_uri_type (factory);
  guint i;

  g_string_append (doc->out, "## URI handling\n\n");
  if (uri_type == GST_URI_UNKNOWN || protocols == NULL) {
    g_string_append (doc->out, "None.\n\n");
    return;
  }
  g_string_append_printf (doc->out, "A %s for the protocols: ",
      uri_type == GST_URI_SRC ? "source" : "sink");
  for (i = 0; protocols[i] != NULL; i++)
    g_string_append_printf (doc->out, "%s`%s`", i ? ", " : "", protocols[i]);
  g_string_append (doc->out, ". The URI grammar is in [uri.md](uri.md).\n\n");
}

static void
write_signals (Doc * doc, GType type)
{
  g_autofree guint *ids = NULL;
  guint n, i;

  g_string_append (doc->out, "## Signals\n\n");
  ids = g_signal_list_ids (type, &n);
  if (n == 0) {
    g_string_append_printf (doc->out, "None of its own (those of `%s` and "
        "its ancestors apply; property changes are notified with "
        "`notify::NAME`).\n\n", g_type_name (g_type_parent (type)));
    return;
  }
  for (i = 0; i < n; i++) {
    GSignalQuery q;
    guint p;

    g_signal_query (ids[i], &q);
    g_string_append_printf (doc->out, "- `%s`%s: `%s` (`%s`",
        q.signal_name, q.signal_flags & G_SIGNAL_ACTION ? " (action)" : "",
        g_type_name (q.return_type), g_type_name (q.itype));
    for (p = 0; p < q.n_params; p++)
      g_string_append_printf (doc->out, ", `%s`", g_type_name
          (q.param_types[p] & ~G_SIGNAL_TYPE_STATIC_SCOPE));
    g_string_append (doc->out, ")\n");
  }
  g_string_append_c (doc->out, '\n');
}

static gboolean
write_tags (Doc * doc, GError ** error)
{
  guint i;

  g_string_append (doc->out, "## Tags registered by the plugin\n\n"
      "| tag | type | nick | description |\n|---|---|---|---|\n");
  for (i = 0; plugin_tags[i] != NULL; i++) {
    g_autofree gchar *desc = NULL;

    if (!gst_tag_exists (plugin_tags[i])) {
      g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
          "the plugin registered no tag \"%s\"", plugin_tags[i]);
      return FALSE;
    }
    desc = md_escape (gst_tag_get_description (plugin_tags[i]), TRUE);
    g_string_append_printf (doc->out, "| `%s` | %s | %s | %s |\n",
        plugin_tags[i], gst_tag_get_type (plugin_tags[i]) == G_TYPE_STRING ?
        "string" : g_type_name (gst_tag_get_type (plugin_tags[i])),
        gst_tag_get_nick (plugin_tags[i]), desc);
  }
  g_string_append_c (doc->out, '\n');
  return TRUE;
}

static gboolean
write_doc (Doc * doc, const gchar * name, GError ** error)
{
  g_autoptr (GstElementFactory) factory = NULL;
  g_autoptr (GstPluginFeature) loaded = NULL;
  g_autoptr (GstPlugin) plugin = NULL;
  g_autoptr (GTypeClass) klass = NULL;
  g_autoptr (GstElement) element = NULL;
  GPtrArray *own, *inherited;
  const gchar *guide = "element.md";
  GType type;
  guint i;

  for (i = 0; i < G_N_ELEMENTS (guides); i++)
    if (g_str_equal (guides[i][0], name))
      guide = guides[i][1];

  factory = gst_element_factory_find (name);
  if (factory == NULL) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
        "no element \"%s\" (is GST_PLUGIN_PATH_1_0 the build's gst/apigo?)",
        name);
    return FALSE;
  }
  /* The registry's copy may not be loaded yet: gst_plugin_feature_load()
   * gives the one with the element type. */
  loaded = gst_plugin_feature_load (GST_PLUGIN_FEATURE (factory));
  if (loaded == NULL) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "cannot load the element \"%s\"", name);
    return FALSE;
  }
  gst_object_unref (factory);
  factory = GST_ELEMENT_FACTORY (g_steal_pointer (&loaded));
  plugin = gst_plugin_feature_get_plugin (GST_PLUGIN_FEATURE (factory));
  type = gst_element_factory_get_element_type (factory);
  klass = g_type_class_ref (type);
  doc->version = gst_plugin_get_version (plugin);
  element = gst_element_factory_create (factory, NULL);
  if (element == NULL) {
    g_set_error (error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
        "cannot create the element \"%s\"", name);
    return FALSE;
  }
  doc->element = gst_object_ref_sink (element);

  g_string_append_printf (doc->out,
      "<!-- Generated by tools/gen-element-doc from the built plugin: do not "
      "edit.\n     Regenerate it after changing the element with\n"
      "       ninja -C build element-reference\n"
      "     (the \"docs\" test suite fails while it is out of date). -->\n\n"
      "# %s: generated reference\n\n"
      "What the plugin and the element say about themselves, as "
      "`gst-inspect-1.0 %s` shows it. How the element works, its bus "
      "messages and its errors are in [%s](%s). Defaults "
      "are those of a new element, before the environment is looked at: "
      "the descriptions say where a property looks when it is not set. "
      "VERSION stands for the plugin's version.\n\n", name, name, guide,
      guide);

  write_plugin (doc, plugin);
  write_element (doc, factory, type);
  write_pads (doc, factory);
  write_uris (doc, factory);

  own = list_properties (G_OBJECT_CLASS (klass), type, TRUE);
  inherited = list_properties (G_OBJECT_CLASS (klass), type, FALSE);

  g_string_append (doc->out, "## Properties\n\n"
      "| property | type | access | default | range or values |\n"
      "|---|---|---|---|---|\n");
  for (i = 0; i < own->len; i++)
    write_property_row (doc, own->pdata[i], FALSE);
  g_string_append_c (doc->out, '\n');
  for (i = 0; i < own->len; i++)
    write_property (doc, own->pdata[i]);

  g_string_append (doc->out, "## Inherited properties\n\n"
      "| property | type | access | default | range or values | from |\n"
      "|---|---|---|---|---|---|\n");
  for (i = 0; i < inherited->len; i++)
    write_property_row (doc, inherited->pdata[i], TRUE);
  g_string_append_c (doc->out, '\n');
  for (i = 0; i < inherited->len; i++)
    write_property (doc, inherited->pdata[i]);

  g_ptr_array_free (own, TRUE);
  g_ptr_array_free (inherited, TRUE);

  write_signals (doc, type);
  return write_tags (doc, error);
}

/* Writes the reference of @name to @output, or to stdout when NULL. */
static gboolean
write_one (const gchar * name, const gchar * output, GError ** error)
{
  Doc doc = { 0 };
  gboolean ok;

  doc.out = g_string_new (NULL);
  ok = write_doc (&doc, name, error);
  if (ok && output != NULL)
    ok = g_file_set_contents (output, doc.out->str, doc.out->len, error);
  else if (ok)
    ok = fwrite (doc.out->str, 1, doc.out->len, stdout) == doc.out->len
        && fflush (stdout) == 0;
  g_string_free (doc.out, TRUE);
  return ok;
}

int
main (int argc, char **argv)
{
  g_autofree gchar *output = NULL;
  g_auto (GStrv) writes = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  const GOptionEntry entries[] = {
    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
        "Write to FILE instead of standard output", "FILE"},
    {"write", 'w', 0, G_OPTION_ARG_FILENAME_ARRAY, &writes,
        "Write the reference of ELEMENT to FILE (repeatable)",
        "ELEMENT=FILE"},
    {NULL},
  };
  gboolean ok = TRUE;
  guint i;

  context = g_option_context_new ("[ELEMENT] - write the element reference "
      "in Markdown");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return 2;
  }

  if (writes == NULL)
    ok = write_one (argc > 1 ? argv[1] : "apigovideosrc", output, &error);
  for (i = 0; ok && writes != NULL && writes[i] != NULL; i++) {
    g_auto (GStrv) pair = g_strsplit (writes[i], "=", 2);

    if (g_strv_length (pair) != 2) {
      g_printerr ("--write takes ELEMENT=FILE, not %s\n", writes[i]);
      return 2;
    }
    ok = write_one (pair[0], pair[1], &error);
  }

  if (!ok) {
    g_printerr ("gen-element-doc: %s\n", error ? error->message :
        "cannot write the output");
    return 1;
  }
  gst_deinit ();
  return 0;
}
