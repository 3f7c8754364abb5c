#!/usr/bin/python3
# gst-apigo example: two generated clips, one after the other, in a GES
# timeline rendered to a file.
# Copyright (C) 2026 gst-apigo authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Render two generated clips back to back into one MP4.

    APIGO_API_KEY=... ./two-clips.py -o story.mp4 \\
        "a paper boat on a stream" "the boat reaches the sea"

Each prompt becomes an apigo:// URI, which GES loads like any media file.
GES first discovers each URI (the clip is generated and downloaded then);
the render reads the same clips again from apigovideosrc's clip cache, so
each prompt costs exactly one generation.  Running the script again with the
same prompts and settings renders without generating anything.

A generation takes minutes, longer than GES waits for a discovery by default
(60 s): the script raises that to --discovery-timeout (default 3600 s, the
most GstDiscoverer takes).  Clips generated beforehand with
`gst-apigo generate URI...` open at once, whatever the timeout (docs/uri.md).
"""

import argparse
import ctypes
import os
import signal
import sys
import urllib.parse

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstPbutils", "1.0")
gi.require_version("GES", "1.0")
from gi.repository import GES, GLib, Gst, GstPbutils  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(
        description="Put two generated clips one after the other and "
        "render them to a file.")
    parser.add_argument("prompts", nargs=2, metavar="PROMPT",
                        help="what each clip shows")
    parser.add_argument("-o", "--output", default="two-clips.mp4",
                        help="the MP4 to write (default: %(default)s)")
    parser.add_argument("--size", default="1280x720",
                        help="WIDTHxHEIGHT of both clips (default: "
                        "%(default)s)")
    parser.add_argument("--seconds", type=int, default=4,
                        help="length of each clip (default: %(default)s)")
    parser.add_argument("--model", default="sora-2",
                        help="model name (default: %(default)s)")
    parser.add_argument("--discovery-timeout", type=int, default=3600,
                        help="seconds GES waits for each clip to be "
                        "generated and downloaded (1-3600, default: "
                        "%(default)s)")
    return parser.parse_args()


def apigo_uri(prompt, args):
    """apigo://generate?prompt=...: values percent-encoded (docs/uri.md)."""
    query = urllib.parse.urlencode({
        "prompt": prompt, "model": args.model, "size": args.size,
        "seconds": args.seconds}, quote_via=urllib.parse.quote)
    return "apigo://generate?" + query


def set_discovery_timeout(seconds):
    """How long GES waits for a URI to be discovered: for an apigo:// URI,
    generated and its first bytes downloaded.  GES 1.24 has a property for
    it; GES 1.22 (Debian 12) only ges_uri_clip_asset_class_set_timeout(),
    which PyGObject cannot call on a class (GES_DISCOVERY_TIMEOUT does not
    reach the discoverers 1.22 uses), hence ctypes."""
    if hasattr(GES, "DiscovererManager"):
        GES.DiscovererManager.get_default().props.timeout = \
            seconds * Gst.SECOND
        return
    ges = ctypes.CDLL("libges-1.0.so.0")
    gobject = ctypes.CDLL("libgobject-2.0.so.0")
    ges.ges_uri_clip_asset_get_type.restype = ctypes.c_size_t
    gobject.g_type_class_ref.restype = ctypes.c_void_p
    gobject.g_type_class_ref.argtypes = [ctypes.c_size_t]
    ges.ges_uri_clip_asset_class_set_timeout.argtypes = [ctypes.c_void_p,
                                                         ctypes.c_uint64]
    klass = gobject.g_type_class_ref(ges.ges_uri_clip_asset_get_type())
    ges.ges_uri_clip_asset_class_set_timeout(klass, seconds * Gst.SECOND)


def seconds_text(ns):
    return "%.3f s" % (ns / Gst.SECOND)


def mp4_profile(width, height):
    """H.264 video and AAC audio in MP4, at the clips' own size."""
    container = GstPbutils.EncodingContainerProfile.new(
        "mp4", None, Gst.Caps.from_string("video/quicktime,variant=iso"),
        None)
    video = GstPbutils.EncodingVideoProfile.new(
        Gst.Caps.from_string("video/x-h264"), None,
        Gst.Caps.from_string("video/x-raw,width=%d,height=%d"
                             % (width, height)), 0)
    container.add_profile(video)
    container.add_profile(GstPbutils.EncodingAudioProfile.new(
        Gst.Caps.from_string("audio/mpeg,mpegversion=4"), None, None, 0))
    return container


def main():
    args = parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    Gst.init(None)
    GES.init()
    set_discovery_timeout(min(max(args.discovery_timeout, 1), 3600))

    # A timeline with one video and one audio track, the video track at the
    # clips' size (GES defaults to 1280x720 otherwise).
    timeline = GES.Timeline.new_audio_video()
    for track in timeline.get_tracks():
        if track.props.track_type == GES.TrackType.VIDEO:
            track.set_restriction_caps(Gst.Caps.from_string(
                "video/x-raw,width=%d,height=%d" % (width, height)))
    layer = timeline.append_layer()

    start = 0
    for prompt in args.prompts:
        uri = apigo_uri(prompt, args)
        print("Generating (GES discovers the clip first): %s" % uri,
              flush=True)
        try:
            # Runs GstDiscoverer on the URI: apigovideosrc generates the
            # clip, downloads it, and keeps it in its cache.
            asset = GES.UriClipAsset.request_sync(uri)
        except GLib.Error as e:
            print("Cannot use %s: %s" % (uri, e.message), file=sys.stderr)
            return 1
        duration = asset.get_duration()
        print("  %s long" % seconds_text(duration), flush=True)
        # One after the other: each clip starts where the previous ended.
        layer.add_asset(asset, start, 0, duration, GES.TrackType.UNKNOWN)
        start += duration

    output = os.path.abspath(args.output)
    pipeline = GES.Pipeline()
    pipeline.set_timeline(timeline)
    pipeline.set_render_settings(Gst.filename_to_uri(output),
                                 mp4_profile(width, height))
    pipeline.set_mode(GES.PipelineFlags.RENDER)

    loop = GLib.MainLoop()
    result = {"code": 0}

    def on_message(bus, msg):
        if msg.type == Gst.MessageType.PROGRESS:
            # A generation's steps, or that a kept clip is replayed.
            ptype, code, text = msg.parse_progress()
            print("  %s: %s" % (code, text), flush=True)
        elif msg.type == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            print("Error from %s: %s" % (msg.src.get_name(), err.message),
                  file=sys.stderr)
            result["code"] = 1
            loop.quit()
        elif msg.type == Gst.MessageType.EOS:
            loop.quit()

    def on_sigint():
        print("Interrupted: stopping.", file=sys.stderr)
        result["code"] = 130
        loop.quit()
        return GLib.SOURCE_REMOVE

    bus = pipeline.get_bus()
    bus.add_signal_watch()
    bus.connect("message", on_message)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, on_sigint)

    print("Rendering %s to %s" % (seconds_text(start), output), flush=True)
    pipeline.set_state(Gst.State.PLAYING)
    loop.run()
    pipeline.set_state(Gst.State.NULL)
    bus.remove_signal_watch()
    if result["code"] == 0:
        print("Wrote %s" % output)
    return result["code"]


if __name__ == "__main__":
    sys.exit(main())
