#!/usr/bin/python3
# gst-apigo example: play a generated video and show its progress.
# Copyright (C) 2026 gst-apigo authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Generate a video from a prompt and play it, with a progress line.

    APIGO_API_KEY=... ./progress-player.py "a red fox running through snow"

The pipeline is  apigovideosrc ! decodebin ! videoconvert ! <video sink>
(and audioconvert ! audioresample ! <audio sink> when the clip has sound).
The key and the service come from APIGO_API_KEY and APIGO_BASE_URL, never
from the command line, where every user of the machine could read them.

Exit status: 0 when the clip played to its end, 1 on an error (the
element's message is printed), 130 after Ctrl-C.
"""

import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402

# The element message apigovideosrc posts on every change (docs/element.md).
STATUS_MESSAGE = "apigo-status"


def parse_args():
    parser = argparse.ArgumentParser(
        description="Generate a video with apigovideosrc and play it.")
    parser.add_argument("prompt", help="what the video shows")
    parser.add_argument("--size", default="1280x720",
                        help="WIDTHxHEIGHT (default: %(default)s)")
    parser.add_argument("--seconds", type=int, default=4,
                        help="length in seconds (default: %(default)s)")
    parser.add_argument("--model", default="sora-2",
                        help="model name (default: %(default)s)")
    parser.add_argument("--video-sink", default="autovideosink",
                        help="video sink description, e.g. fakesink "
                        "(default: %(default)s)")
    parser.add_argument("--audio-sink", default="autoaudiosink",
                        help="audio sink description (default: %(default)s)")
    return parser.parse_args()


class ProgressLine:
    """One status line: redrawn in place on a terminal, one line per change
    otherwise (a log file, a CI run)."""

    def __init__(self, stream):
        self.stream = stream
        self.in_place = stream.isatty()
        self.last = None

    def show(self, text):
        if text == self.last:
            return
        self.last = text
        if self.in_place:
            # \r and "erase to end of line" redraw the same line.
            self.stream.write("\r\033[K" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def log(self, text):
        """A line of its own, above the status line."""
        if self.in_place and self.last is not None:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        if self.in_place and self.last is not None:
            self.stream.write(self.last)
        self.stream.flush()

    def finish(self):
        if self.in_place and self.last is not None:
            self.stream.write("\n")
            self.stream.flush()
        self.last = None


def bar(percent, width=20):
    filled = width * percent // 100
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def status_text(s):
    """The status line from the fields of an apigo-status message."""
    phase = s.get_string("phase")
    video_id = s.get_string("id") or "(no id yet)"
    if phase == "downloading":
        ok, total = s.get_uint64("total")
        ok, downloaded = s.get_uint64("downloaded")
        percent = downloaded * 100 // total if total else 0
        return "downloading %s %s %3d%% (%s of %s)" % (
            video_id, bar(percent), percent, GLib.format_size(downloaded),
            GLib.format_size(total) if total else "?")
    if phase == "generating":
        ok, progress = s.get_uint("progress")
        return "generating  %s %s %3d%% (%s)" % (
            video_id, bar(progress), progress, s.get_string("status") or "")
    return "%-11s %s" % (phase, video_id)


class Player:
    def __init__(self, args):
        self.args = args
        self.exit_code = 0
        self.line = ProgressLine(sys.stdout)
        self.loop = GLib.MainLoop()

        self.pipeline = Gst.Pipeline.new("player")
        self.src = Gst.ElementFactory.make("apigovideosrc", "src")
        decode = Gst.ElementFactory.make("decodebin", "decode")
        if self.src is None or decode is None:
            raise RuntimeError(
                "apigovideosrc or decodebin is missing: install the "
                "plugin, or point GST_PLUGIN_PATH at its build directory")
        # Settings only: nothing is sent to the service before the first
        # read, and base-url/api-key default to the environment.
        self.src.set_property("prompt", args.prompt)
        self.src.set_property("size", args.size)
        self.src.set_property("seconds", args.seconds)
        self.src.set_property("model", args.model)

        self.pipeline.add(self.src)
        self.pipeline.add(decode)
        # decodebin right after the source: random access, any MP4 layout.
        self.src.link(decode)
        decode.connect("pad-added", self.on_pad_added)
        # A mistyped sink fails here, not later in a streaming thread.
        for desc in (args.video_sink, args.audio_sink):
            Gst.parse_bin_from_description(desc, True)

        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self.on_message)

    def on_pad_added(self, decode, pad):
        """A decoded stream appeared: give it a sink of its kind."""
        caps = pad.get_current_caps() or pad.query_caps(None)
        kind = caps.get_structure(0).get_name()
        if kind.startswith("video/"):
            desc = "videoconvert ! " + self.args.video_sink
        elif kind.startswith("audio/"):
            desc = "audioconvert ! audioresample ! " + self.args.audio_sink
        else:
            return
        sink = Gst.parse_bin_from_description(desc, True)
        self.pipeline.add(sink)
        sink.sync_state_with_parent()
        pad.link(sink.get_static_pad("sink"))

    def on_message(self, bus, msg):
        t = msg.type
        if t == Gst.MessageType.PROGRESS:
            # Human-readable steps: "Creating a 4 s 1280x720 video...".
            ptype, code, text = msg.parse_progress()
            if ptype in (Gst.ProgressType.START, Gst.ProgressType.COMPLETE,
                         Gst.ProgressType.ERROR, Gst.ProgressType.CANCELED):
                self.line.log("%s: %s" % (code, text))
        elif t == Gst.MessageType.ELEMENT:
            s = msg.get_structure()
            if s is not None and s.get_name() == STATUS_MESSAGE:
                self.line.show(status_text(s))
        elif t == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            self.line.finish()
            print("Error from %s: %s" % (msg.src.get_name(), err.message),
                  file=sys.stderr)
            # What an application can act on: the HTTP status, the
            # service's error code, the task's id.
            details = msg.parse_error_details()
            if details is not None:
                for field in ("http-status-code", "service-code",
                              "video-id"):
                    if details.has_field(field):
                        print("  %s: %s" % (field, details.get_value(field)),
                              file=sys.stderr)
            self.exit_code = 1
            self.loop.quit()
        elif t == Gst.MessageType.EOS:
            self.line.finish()
            print("Played to the end.")
            self.loop.quit()

    def on_sigint(self):
        # Stopping is immediate in any phase: the create, the polls and the
        # download are all interrupted by the state change.
        self.line.finish()
        print("Interrupted: stopping.", file=sys.stderr)
        self.pipeline.set_state(Gst.State.NULL)
        self.exit_code = 130
        self.loop.quit()
        return GLib.SOURCE_REMOVE

    def run(self):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT,
                             self.on_sigint)
        if self.pipeline.set_state(Gst.State.PLAYING) == \
                Gst.StateChangeReturn.FAILURE:
            # The ERROR message on the bus says why; the loop prints it.
            pass
        self.loop.run()
        self.pipeline.set_state(Gst.State.NULL)
        self.pipeline.get_bus().remove_signal_watch()

        # The task id stays readable: replay it with apigo://video/ID (or
        # the video-id property) without paying again.
        video_id = self.src.get_property("video-id")
        if video_id:
            print("video-id: %s" % video_id)
        return self.exit_code


def main():
    args = parse_args()
    Gst.init(None)
    try:
        player = Player(args)
    except RuntimeError as e:
        print(e, file=sys.stderr)
        return 2
    except GLib.Error as e:
        print("Bad sink description: %s" % e.message, file=sys.stderr)
        return 2
    return player.run()


if __name__ == "__main__":
    sys.exit(main())
