/* gst-apigo: benchmark helpers
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * bench-hints: does the element wait as the service asks between polls?
 * Two runs against an in-process emulator (faults are injected through its
 * library API, which the command-line emulator does not offer):
 *   - a poll answered 429 with "Retry-After: 2": the gap to the next poll;
 *   - every answer with "openai-poll-after-ms: 1500": the shortest gap
 *     between two polls.
 * Prints one JSON object: {"retry_after_s", "retry_after_gap_ms",
 * "poll_after_ms", "poll_after_min_gap_ms", "polls"}.
 *
 *   bench-hints WORK-DIR RENDER-CACHE
 * (the element's cache goes in WORK-DIR, the emulator's renders in
 * RENDER-CACHE, to reuse them across runs).
 */

#include "apigo-emulator.h"

#include <gst/gst.h>
#include <stdio.h>

#define RETRY_AFTER "2"
#define POLL_AFTER_MS 1500
#define KEY "bench-key"

/* Plays one element against @emu to EOS; FALSE on error or timeout. */
static gboolean
play (ApigoEmulator * emu, const gchar * prompt, const gchar * cache_dir)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) src = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) msg = NULL;
  g_autoptr (GError) error = NULL;

  pipeline = gst_parse_launch ("apigovideosrc name=src size=64x64 seconds=1 "
      "reuse=false ! fakesink", &error);
  if (pipeline == NULL) {
    g_printerr ("%s\n", error->message);
    return FALSE;
  }
  src = gst_bin_get_by_name (GST_BIN (pipeline), "src");
  g_object_set (src, "base-url", apigo_emulator_get_base_url (emu),
      "api-key", KEY, "prompt", prompt, "cache-dir", cache_dir, NULL);
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  msg = gst_bus_timed_pop_filtered (bus, 60 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (msg == NULL || GST_MESSAGE_TYPE (msg) != GST_MESSAGE_EOS) {
    if (msg)
      gst_message_parse_error (msg, &error, NULL);
    g_printerr ("The run failed: %s\n", error ? error->message : "timeout");
    return FALSE;
  }
  return TRUE;
}

/* The polls (GET /videos/{id}) seen, oldest first. */
static GPtrArray *
polls (ApigoEmulator * emu)
{
  g_autoptr (GPtrArray) all = apigo_emulator_get_requests (emu);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify)
      apigo_emulator_request_free);
  guint i;

  for (i = 0; i < all->len; i++) {
    ApigoEmulatorRequest *req = all->pdata[i];

    if (req->route == APIGO_EMULATOR_ROUTE_RETRIEVE)
      g_ptr_array_add (out, apigo_emulator_request_copy (req));
  }
  return out;
}

static ApigoEmulator *
start_emulator (const gchar * cache_dir, gdouble generation_time)
{
  ApigoEmulator *emu = apigo_emulator_new ();

  g_object_set (emu, "api-key", KEY, "any-size", TRUE, "generation-time",
      generation_time, "cache-dir", cache_dir, NULL);
  if (!apigo_emulator_start (emu, 0, NULL)) {
    g_object_unref (emu);
    return NULL;
  }
  return emu;
}

int
main (int argc, char **argv)
{
  g_autoptr (ApigoEmulator) emu = NULL;
  g_autoptr (GPtrArray) seen = NULL;
  const gchar *work, *render_cache;
  ApigoEmulatorFault fault = { APIGO_EMULATOR_ROUTE_RETRIEVE, 429,
    APIGO_EMULATOR_BODY_JSON, RETRY_AFTER, NULL, NULL, 1
  };
  gint64 retry_gap = -1, min_gap = -1;
  guint i, n_polls;

  gst_init (&argc, &argv);
  if (argc != 3) {
    g_printerr ("usage: bench-hints WORK-DIR RENDER-CACHE\n");
    return 2;
  }
  work = argv[1];
  render_cache = argv[2];

  /* Retry-After on a poll: the one right after the create. */
  emu = start_emulator (render_cache, 3.0);
  if (emu == NULL)
    return 1;
  apigo_emulator_inject (emu, &fault);
  if (!play (emu, "bench hints retry-after", work))
    return 1;
  seen = polls (emu);
  for (i = 0; i + 1 < seen->len; i++) {
    ApigoEmulatorRequest *req = seen->pdata[i];
    ApigoEmulatorRequest *next = seen->pdata[i + 1];

    if (req->status == 429) {
      retry_gap = (next->monotonic_time - req->monotonic_time) / 1000;
      break;
    }
  }
  g_clear_pointer (&seen, g_ptr_array_unref);
  apigo_emulator_stop (emu);
  g_clear_object (&emu);

  /* openai-poll-after-ms on every answer. */
  emu = start_emulator (render_cache, 6.0);
  if (emu == NULL)
    return 1;
  g_object_set (emu, "poll-after-ms", (guint) POLL_AFTER_MS, NULL);
  if (!play (emu, "bench hints poll-after", work))
    return 1;
  seen = polls (emu);
  n_polls = seen->len;
  for (i = 0; i + 1 < seen->len; i++) {
    ApigoEmulatorRequest *req = seen->pdata[i];
    ApigoEmulatorRequest *next = seen->pdata[i + 1];
    gint64 gap = (next->monotonic_time - req->monotonic_time) / 1000;

    if (min_gap < 0 || gap < min_gap)
      min_gap = gap;
  }
  apigo_emulator_stop (emu);

  printf ("{\"retry_after_s\": %s, \"retry_after_gap_ms\": %" G_GINT64_FORMAT
      ", \"poll_after_ms\": %d, \"poll_after_min_gap_ms\": %" G_GINT64_FORMAT
      ", \"polls\": %u}\n", RETRY_AFTER, retry_gap, POLL_AFTER_MS, min_gap,
      n_polls);
  return 0;
}
