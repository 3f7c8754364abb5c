#!/usr/bin/python3
# gst-apigo example: ask the user before each paid generation.
# Copyright (C) 2026 gst-apigo authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Generate a video from a prompt, but only once the user says yes.

    APIGO_API_KEY=... ./ask-before-paying.py "a lighthouse at dusk"

apigovideosrc runs with ask-application=true: before it pays for a
create, it posts the element message apigo-create-request with what it is
about to ask for, and waits until the application replies to the message's
GstPromise (docs/spending.md). This program shows the request and asks on
the terminal. A clip kept from before plays without asking: it costs
nothing.

--answer yes|no answers without asking (for scripts and tests).

Exit status: 0 when the clip played to its end, 1 on an error or a
refusal (the element's message is printed).
"""

import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

# The element message apigovideosrc posts before a paid create.
REQUEST_MESSAGE = "apigo-create-request"


def parse_args():
    parser = argparse.ArgumentParser(
        description="Generate a video with apigovideosrc, asking first.")
    parser.add_argument("prompt", help="what the video shows")
    parser.add_argument("--size", default="1280x720",
                        help="WIDTHxHEIGHT (default: %(default)s)")
    parser.add_argument("--seconds", type=int, default=4,
                        help="length in seconds (default: %(default)s)")
    parser.add_argument("--answer", choices=["ask", "yes", "no"],
                        default="ask",
                        help="ask on the terminal (default), or answer so")
    parser.add_argument("--sink", default="autovideosink",
                        help="video sink description (default: %(default)s)")
    return parser.parse_args()


def describe(s):
    """One line about the request in the message's structure @s."""
    parts = [s.get_string(name) for name in ("model", "size")
             if s.has_field(name)]
    if s.has_field("seconds"):
        parts.append(s.get_string("seconds") + " s")
    return '%s "%s" (%s)' % (s.get_string("kind"), s.get_string("prompt"),
                             ", ".join(parts))


def decide(answer, request):
    if answer != "ask":
        return answer == "yes"
    try:
        said = input("Pay for %s? [y/N] " % request)
    except EOFError:
        return False
    return said.strip().lower() in ("y", "yes")


def main():
    args = parse_args()
    Gst.init(None)

    pipeline = Gst.parse_launch(
        "apigovideosrc name=src ask-application=true ! decodebin ! "
        "videoconvert ! " + args.sink)
    src = pipeline.get_by_name("src")
    src.set_property("prompt", args.prompt)
    src.set_property("size", args.size)
    src.set_property("seconds", args.seconds)

    loop = GLib.MainLoop()
    result = {"status": 1}

    def on_message(bus, msg):
        if msg.type == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            if s.has_name(REQUEST_MESSAGE):
                request = describe(s)
                print("Asked: " + request, flush=True)
                allow = decide(args.answer, request)
                print("Allowed." if allow else "Refused.", flush=True)
                reply = Gst.Structure.new_empty("answer")
                reply.set_value("allow", allow)
                if not allow:
                    reply.set_value("reason", "the user said no")
                s.get_value("promise").reply(reply)
        elif msg.type == Gst.MessageType.EOS:
            print("Played to the end.", flush=True)
            result["status"] = 0
            loop.quit()
        elif msg.type == Gst.MessageType.ERROR:
            err, _ = msg.parse_error()
            print("Error from %s: %s" % (msg.src.get_name(), err.message),
                  file=sys.stderr, flush=True)
            loop.quit()

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    pipeline.set_state(Gst.State.PLAYING)
    try:
        loop.run()
    finally:
        pipeline.set_state(Gst.State.NULL)
        bus.remove_signal_watch()
    return result["status"]


if __name__ == "__main__":
    sys.exit(main())
