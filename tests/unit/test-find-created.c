/* gst-apigo: which listed task a create whose answer was lost made
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A server of our own lists exactly the tasks each test needs, with the
 * created_at times (and the clock, in its Date header) that it needs.
 */

#include <gst/check/gstcheck.h>
#include <libsoup/soup.h>
#include <string.h>

#include "apigo-client.h"
#include "test-server.h"

typedef struct
{
  TestServer *server;
  GMutex lock;
  gchar *list;                  /* the "data" array of GET /videos */
  gint64 clock_offset;          /* its Date header: our clock plus this */
  guint lists;                  /* GET /videos answered */
  guint others;                 /* anything else asked */
} Lister;

static Lister lister;

static void
lister_handler (SoupServer * server, SoupServerMessage * msg,
    const char *path, GHashTable * query, gpointer user_data)
{
  Lister *l = user_data;
  SoupMessageHeaders *headers =
      soup_server_message_get_response_headers (msg);
  g_autoptr (GDateTime) now = NULL;
  g_autofree gchar *date = NULL;
  gchar *body;

  g_mutex_lock (&l->lock);
  if (!g_str_equal (path, "/v1/videos")
      || !g_str_equal (soup_server_message_get_method (msg), "GET")) {
    l->others++;
    g_mutex_unlock (&l->lock);
    soup_server_message_set_status (msg, 404, NULL);
    return;
  }
  l->lists++;
  body = g_strdup_printf ("{\"object\": \"list\", \"data\": [%s], "
      "\"has_more\": false}", l->list ? l->list : "");
  now = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC
      + l->clock_offset);
  g_mutex_unlock (&l->lock);

  date = soup_date_time_to_string (now, SOUP_DATE_HTTP);
  soup_message_headers_replace (headers, "Date", date);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json",
      SOUP_MEMORY_TAKE, body, strlen (body));
}

static void
setup (void)
{
  Lister *l = &lister;

  memset (l, 0, sizeof (*l));
  g_mutex_init (&l->lock);
  l->server = test_server_new (lister_handler, l);
}

static void
teardown (void)
{
  Lister *l = &lister;

  test_server_free (l->server);
  g_free (l->list);
  g_mutex_clear (&l->lock);
}

static gint64
now_s (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* The tasks the list shows, newest first: each a JSON object's members. */
static void
set_list (const gchar * first, ...)
{
  g_autoptr (GString) list = g_string_new (NULL);
  const gchar *task;
  va_list args;

  va_start (args, first);
  for (task = first; task != NULL; task = va_arg (args, const gchar *))
    g_string_append_printf (list, "%s{\"object\": \"video\", "
        "\"status\": \"completed\", \"progress\": 100, %s}",
        list->len ? ", " : "", task);
  va_end (args);

  g_mutex_lock (&lister.lock);
  g_free (lister.list);
  lister.list = g_string_free (g_steal_pointer (&list), FALSE);
  g_mutex_unlock (&lister.lock);
}

/* A new video's task as the API describes it: every field said. */
static gchar *
plain (const gchar * id, gint64 created_at, const gchar * prompt,
    const gchar * size)
{
  return g_strdup_printf ("\"id\": \"%s\", \"created_at\": %" G_GINT64_FORMAT
      ", \"model\": \"sora-2\", \"prompt\": \"%s\", \"size\": \"%s\", "
      "\"seconds\": \"4\", \"remixed_from_video_id\": null", id, created_at,
      prompt, size);
}

static const ApigoCreateRequest fox = {
  .kind = APIGO_CREATE_GENERATE,
  .model = "sora-2",
  .prompt = "a fox",
  .size = "1280x720",
  .seconds = "4",
};

/* What the lost create of @request, sent at @since, is taken to have made:
 * the task's id, or NULL; @error for an unconfirmed one. */
static gchar *
find (const ApigoCreateRequest * request, gint64 since, GError ** error)
{
  g_autoptr (GError) client_error = NULL;
  g_autoptr (ApigoClient) client =
      apigo_client_new (test_server_get_base_url (lister.server),
      "sk-find-created", "apigo-test/1", &client_error);
  g_autoptr (ApigoTask) task = NULL;

  g_assert_no_error (client_error);
  task = apigo_client_find_created (client, request, since, NULL, error);
  return task ? g_strdup (task->id) : NULL;
}

static void
assert_found (const ApigoCreateRequest * request, gint64 since,
    const gchar * want)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *id = find (request, since, &error);

  g_assert_no_error (error);
  fail_unless_equals_string (id, want);
}

/* Unconfirmed: an error that names exactly @ids (NULL-terminated) and
 * tells how to attach the first. */
static void
assert_unconfirmed (const ApigoCreateRequest * request, gint64 since,
    const gchar * const *ids, const gchar * const *not_ids)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *id = find (request, since, &error);
  g_autofree gchar *attach = NULL;

  fail_unless (id == NULL, "%s was adopted", id);
  fail_unless (g_error_matches (error, APIGO_ERROR, APIGO_ERROR_UNCONFIRMED),
      "not an unconfirmed create: %s", error ? error->message : "no error");
  for (; *ids != NULL; ids++)
    fail_unless (strstr (error->message, *ids) != NULL, "%s not named: %s",
        *ids, error->message);
  for (; not_ids != NULL && *not_ids != NULL; not_ids++)
    fail_unless (strstr (error->message, *not_ids) == NULL, "%s named: %s",
        *not_ids, error->message);
  attach = g_strdup_printf ("video-id=%s", apigo_error_get_details
      (error)->video_id);
  fail_unless (strstr (error->message, attach) != NULL, "%s",
      error->message);
}

/* The newest task that says all the request has is the one. */
GST_START_TEST (test_confirmed_task_adopted)
{
  gint64 now = now_s ();
  g_autofree gchar *other = plain ("video_other", now + 2, "a cat",
      "1280x720");
  g_autofree gchar *ours = plain ("video_ours", now + 1, "a fox",
      "1280x720");
  g_autofree gchar *bigger = plain ("video_bigger", now + 1, "a fox",
      "1792x1024");

  set_list (other, bigger, ours, NULL);
  assert_found (&fox, now, "video_ours");
}

GST_END_TEST;

/* Made 200 s before the request was sent: another request's, however
 * alike. */
GST_START_TEST (test_older_task_not_adopted)
{
  gint64 now = now_s ();
  g_autofree gchar *old = plain ("video_old", now - 200, "a fox",
      "1280x720");
  g_autofree gchar *id = NULL;
  g_autoptr (GError) error = NULL;

  set_list (old, NULL);
  id = find (&fox, now, &error);
  g_assert_no_error (error);
  fail_unless (id == NULL, "%s, made 200 s before, was adopted", id);
}

GST_END_TEST;

/* An older task with the same prompt, made from another image (the list
 * cannot show which): not ours. */
GST_START_TEST (test_older_task_other_reference)
{
  gint64 now = now_s ();
  g_autoptr (GBytes) image = g_bytes_new_static ("\x89PNG", 4);
  ApigoCreateRequest request = fox;
  g_autofree gchar *old = plain ("video_old", now - 60, "a fox",
      "1280x720");
  g_autofree gchar *id = NULL;
  g_autoptr (GError) error = NULL;

  request.input_reference = image;
  request.input_reference_name = "frame.png";
  request.input_reference_type = "image/png";
  set_list (old, NULL);
  id = find (&request, now, &error);
  g_assert_no_error (error);
  fail_unless (id == NULL, "%s, made from another image, was adopted", id);
}

GST_END_TEST;

/* A remix is made from its source: a new video with the same prompt, or a
 * remix of another video, is not it. */
GST_START_TEST (test_plain_task_not_a_remix)
{
  gint64 now = now_s ();
  ApigoCreateRequest remix = {
    .kind = APIGO_CREATE_REMIX,
    .source_id = "video_src",
    .model = "sora-2",
    .prompt = "a fox",
  };
  g_autofree gchar *fresh = plain ("video_plain", now + 1, "a fox",
      "1280x720");
  g_autofree gchar *elsewhere = g_strdup_printf ("\"id\": \"video_remix2\", "
      "\"created_at\": %" G_GINT64_FORMAT ", \"prompt\": \"a fox\", "
      "\"remixed_from_video_id\": \"video_else\"", now + 1);
  g_autofree gchar *ours = g_strdup_printf ("\"id\": \"video_remix\", "
      "\"created_at\": %" G_GINT64_FORMAT ", \"model\": \"sora-2\", "
      "\"prompt\": \"a fox\", \"remixed_from_video_id\": \"video_src\"",
      now + 1);
  g_autofree gchar *id = NULL;
  g_autoptr (GError) error = NULL;

  set_list (fresh, elsewhere, NULL);
  id = find (&remix, now, &error);
  g_assert_no_error (error);
  fail_unless (id == NULL, "%s was adopted for a remix of video_src", id);

  /* The remix of video_src is. */
  set_list (fresh, elsewhere, ours, NULL);
  assert_found (&remix, now, "video_remix");
}

GST_END_TEST;

/* Extensions and edits where the service names their source. */
GST_START_TEST (test_extension_source)
{
  gint64 now = now_s ();
  ApigoCreateRequest extend = {
    .kind = APIGO_CREATE_EXTEND,
    .source_id = "video_src",
    .prompt = "further",
    .seconds = "4",
  };
  /* An extension's seconds are the stitched length: 8, not 4. */
  g_autofree gchar *ours = g_strdup_printf ("\"id\": \"video_ext\", "
      "\"created_at\": %" G_GINT64_FORMAT ", \"prompt\": \"further\", "
      "\"seconds\": \"8\", \"remixed_from_video_id\": null, "
      "\"extended_from_video_id\": \"video_src\"", now);
  g_autofree gchar *remix = g_strdup_printf ("\"id\": \"video_rmx\", "
      "\"created_at\": %" G_GINT64_FORMAT ", \"prompt\": \"further\", "
      "\"remixed_from_video_id\": \"video_src\"", now + 1);

  set_list (remix, ours, NULL);
  assert_found (&extend, now, "video_ext");
}

GST_END_TEST;

/* The list has no prompts: tasks alike in everything it says may be ours,
 * and none can be confirmed.  They are named, not guessed at. */
GST_START_TEST (test_unconfirmed_names_candidates)
{
  gint64 now = now_s ();
  const gchar *named[] = { "video_a", "video_b", NULL };
  const gchar *not_named[] = { "video_big", "video_old", NULL };
  g_autofree gchar *a = g_strdup_printf ("\"id\": \"video_a\", "
      "\"created_at\": %" G_GINT64_FORMAT ", \"model\": \"sora-2\", "
      "\"size\": \"1280x720\", \"seconds\": \"4\"", now + 2);
  g_autofree gchar *big = g_strdup_printf ("\"id\": \"video_big\", "
      "\"created_at\": %" G_GINT64_FORMAT ", \"model\": \"sora-2\", "
      "\"size\": \"1792x1024\", \"seconds\": \"4\"", now + 1);
  g_autofree gchar *b = g_strdup_printf ("\"id\": \"video_b\", "
      "\"created_at\": %" G_GINT64_FORMAT ", \"model\": \"sora-2\", "
      "\"size\": \"1280x720\", \"seconds\": \"4\"", now);
  g_autofree gchar *old = g_strdup_printf ("\"id\": \"video_old\", "
      "\"created_at\": %" G_GINT64_FORMAT ", \"model\": \"sora-2\", "
      "\"size\": \"1280x720\", \"seconds\": \"4\"", now - 120);

  set_list (a, big, b, old, NULL);
  assert_unconfirmed (&fox, now, named, not_named);
}

GST_END_TEST;

/* Lists never show an input reference: a task alike in all else may have
 * come from another image. */
GST_START_TEST (test_input_reference_unconfirmed)
{
  gint64 now = now_s ();
  g_autoptr (GBytes) image = g_bytes_new_static ("\x89PNG", 4);
  ApigoCreateRequest request = fox;
  const gchar *named[] = { "video_like", NULL };
  g_autofree gchar *like = plain ("video_like", now, "a fox", "1280x720");

  request.input_reference = image;
  request.input_reference_name = "frame.png";
  request.input_reference_type = "image/png";
  set_list (like, NULL);
  assert_unconfirmed (&request, now, named, NULL);
}

GST_END_TEST;

/* Nor the images beside it (a last frame...): the same. */
GST_START_TEST (test_images_unconfirmed)
{
  gint64 now = now_s ();
  g_autoptr (GBytes) image = g_bytes_new_static ("\x89PNG", 4);
  ApigoCreateImage images[] = {
    {"last_frame", NULL, "end.png", "image/png"},
  };
  ApigoCreateRequest request = fox;
  const gchar *named[] = { "video_like", NULL };
  g_autofree gchar *like = plain ("video_like", now, "a fox", "1280x720");

  images[0].data = image;
  request.images = images;
  request.n_images = 1;
  set_list (like, NULL);
  assert_unconfirmed (&request, now, named, NULL);
  /* Without them, the same task is adopted. */
  assert_found (&fox, now, "video_like");
}

GST_END_TEST;

/* Nor the parameters (a seed, an aspect ratio...): a task alike in all
 * else may be another request's, made with other parameters while the
 * answer to ours was lost (hostile review). */
GST_START_TEST (test_parameters_unconfirmed)
{
  gint64 now = now_s ();
  ApigoCreateRequest request = fox;
  const gchar *named[] = { "video_like", NULL };
  g_autofree gchar *like = plain ("video_like", now, "a fox", "1280x720");

  request.parameters = "{\"seed\":7}";
  set_list (like, NULL);
  assert_unconfirmed (&request, now, named, NULL);
  assert_found (&fox, now, "video_like");
}

GST_END_TEST;

/* The service's clock is 2 minutes behind ours: its created_at times are
 * read on its own clock (its Date header tells how far), so the task made
 * just after the request is found, and one made before it is not. */
GST_START_TEST (test_service_clock_behind)
{
  gint64 now = now_s ();
  g_autofree gchar *ours = plain ("video_ours", now - 120, "a fox",
      "1280x720");
  g_autofree gchar *older = plain ("video_older", now - 200, "a fox",
      "1280x720");
  g_autofree gchar *id = NULL;
  g_autoptr (GError) error = NULL;

  lister.clock_offset = -120;
  set_list (ours, older, NULL);
  assert_found (&fox, now, "video_ours");

  set_list (older, NULL);
  id = find (&fox, now, &error);
  g_assert_no_error (error);
  fail_unless (id == NULL, "%s was adopted", id);
}

GST_END_TEST;

static Suite *
find_created_suite (void)
{
  Suite *s = suite_create ("apigo-find-created");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_confirmed_task_adopted);
  tcase_add_test (tc, test_older_task_not_adopted);
  tcase_add_test (tc, test_older_task_other_reference);
  tcase_add_test (tc, test_plain_task_not_a_remix);
  tcase_add_test (tc, test_extension_source);
  tcase_add_test (tc, test_unconfirmed_names_candidates);
  tcase_add_test (tc, test_input_reference_unconfirmed);
  tcase_add_test (tc, test_images_unconfirmed);
  tcase_add_test (tc, test_parameters_unconfirmed);
  tcase_add_test (tc, test_service_clock_behind);
  return s;
}

GST_CHECK_MAIN (find_created);
