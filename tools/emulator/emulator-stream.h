/* gst-apigo: an emulator of the OpenAI-compatible Videos API
 * Copyright (C) 2026 gst-apigo authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Answers that outlive their handler: a create held back by create-delay,
 * content bodies fed to libsoup in chunks, paced by a timer, possibly cut
 * short by closing the connection, and requests never answered at all.
 * Never blocks the server loop.
 */

#ifndef __EMULATOR_STREAM_H__
#define __EMULATOR_STREAM_H__

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* The answers in flight, dropped all at once at shutdown. */
typedef struct _EmuInFlight EmuInFlight;

typedef struct
{
  gboolean chunked;             /* chunked encoding instead of Content-Length */
  guint64 throttle;             /* bytes per second, 0: as fast as possible */
  gboolean cut;                 /* close the connection after cut_after bytes */
  gsize cut_after;
  /* Called when the whole body was written (never for a cut one). */
  void (*completed) (gpointer user_data);
  gpointer user_data;
} EmuStreamOptions;

EmuInFlight *emu_in_flight_new (void);
void emu_in_flight_free (EmuInFlight * in_flight);

/* Holds the (already set) answer to @msg back for @seconds. */
void emu_in_flight_delay (EmuInFlight * in_flight, SoupServerMessage * msg,
    gdouble seconds);

/* Writes nothing for @msg and closes its connection after @seconds (0: as
 * soon as the handler has returned). */
void emu_in_flight_drop (EmuInFlight * in_flight, SoupServerMessage * msg,
    gdouble seconds);

/* Sends @body as the response body of @msg, whose status and other headers
 * are already set; sets Content-Length or chunked encoding itself. */
void emu_in_flight_stream (EmuInFlight * in_flight, SoupServerMessage * msg,
    GBytes * body, const EmuStreamOptions * options);

G_END_DECLS

#endif /* __EMULATOR_STREAM_H__ */
