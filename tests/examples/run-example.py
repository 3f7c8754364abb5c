#!/usr/bin/python3
# gst-apigo: run one program of examples/ headless against a fresh emulator
# Copyright (C) 2026 gst-apigo authors
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Usage: run-example.py CASE SOURCE_ROOT BUILD_ROOT

Starts tools/emulator/apigo-emulator on 127.0.0.1 (any port), runs the
example named by CASE as a user would (the key and URL in the environment,
fakesink for output), checks its exit status, its output, the file it wrote
and the requests the emulator saw, and always stops the emulator.

Each run gets an empty element cache (XDG_CACHE_HOME), so the number of
paid creates it sees does not depend on earlier runs; the emulator's own
renderings are shared through APIGO_TEST_CLIP_CACHE.
"""

import json
import os
import re
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

PYTHON = "/usr/bin/python3"     # the one with PyGObject on Debian
SIZE = "320x180"
FRAME = 1 / 30                  # the emulator renders 30 frames a second


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)


class Emulator:
    """apigo-emulator as a child process, with its JSON-lines request log."""

    def __init__(self, build_root, tmp, key, *extra):
        exe = os.path.join(build_root, "tools", "emulator", "apigo-emulator")
        self.log_path = os.path.join(tmp, "emulator.jsonl")
        args = [exe, "--port", "0", "--any-size", "--quiet",
                "--log", self.log_path] + list(extra)
        clips = os.environ.get("APIGO_TEST_CLIP_CACHE")
        if clips:
            os.makedirs(clips, exist_ok=True)
            args += ["--cache-dir", clips]
        # The key goes through the environment, never a command line.
        env = dict(os.environ, APIGO_EMULATOR_API_KEY=key)
        self.stderr = open(os.path.join(tmp, "emulator.err"), "w+")
        self.proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE,
                                     stderr=self.stderr, text=True)
        # Its first line on stdout is the base URL.
        ready, _, _ = select.select([self.proc.stdout], [], [], 60)
        line = self.proc.stdout.readline().strip() if ready else ""
        if not line.startswith("http://127.0.0.1:"):
            self.stderr.seek(0)
            said = self.stderr.read()
            self.stop()
            raise Failure("the emulator did not start: %r %s" % (line, said))
        self.url = line

    def requests(self, route=None):
        if not os.path.exists(self.log_path):
            return []
        with open(self.log_path) as f:
            entries = [json.loads(line) for line in f if line.strip()]
        return [e for e in entries if route is None or e["route"] == route]

    def created_prompts(self):
        return [e["form"]["prompt"] for e in self.requests("create")]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stderr.close()


class Case:
    def __init__(self, source_root, build_root, tmp):
        self.source_root = source_root
        self.build_root = build_root
        self.tmp = tmp
        self.key = "sk-example-" + secrets.token_hex(8)
        self.emulators = []

    def emulator(self, *extra):
        emu = Emulator(self.build_root, self.tmp, self.key, *extra)
        self.emulators.append(emu)
        return emu

    def env(self, emu):
        env = dict(os.environ)
        env.update(APIGO_BASE_URL=emu.url, APIGO_API_KEY=self.key,
                   XDG_CACHE_HOME=os.path.join(self.tmp, "cache"),
                   XDG_STATE_HOME=os.path.join(self.tmp, "state"),
                   LC_ALL="C.UTF-8")
        return env

    def example(self, *parts):
        return os.path.join(self.source_root, "examples", *parts)

    def run(self, emu, args, timeout=240):
        """Runs a program to its end; returns (status, stdout, stderr)."""
        print("$ " + " ".join(args), flush=True)
        proc = subprocess.run(args, env=self.env(emu), capture_output=True,
                              text=True, timeout=timeout)
        print(proc.stdout, end="")
        print(proc.stderr, end="", file=sys.stderr)
        print("exit status %d" % proc.returncode, flush=True)
        self.check_no_key(proc.stdout + proc.stderr)
        return proc.returncode, proc.stdout, proc.stderr

    def check_no_key(self, text):
        check(self.key not in text, "the API key appeared in the output")

    def stop(self):
        for emu in self.emulators:
            emu.stop()


def duration_of(case, emu, uri):
    """A URI's or file's duration in seconds, as gst-discoverer-1.0 says."""
    status, out, err = case.run(emu, ["gst-discoverer-1.0", uri])
    m = re.search(r"Duration: (\d+):(\d+):(\d+\.\d+)", out)
    check(status == 0 and m, "gst-discoverer-1.0 found no duration in " + uri)
    h, mi, s = m.groups()
    return int(h) * 3600 + int(mi) * 60 + float(s)


def apigo_uri(prompt, seconds):
    return "apigo://generate?" + urllib.parse.urlencode(
        {"prompt": prompt, "size": SIZE, "seconds": seconds},
        quote_via=urllib.parse.quote)


def video_id_printed(out):
    m = re.search(r"^video-id: (\S+)$", out, re.M)
    return m.group(1) if m else None


# --- The cases ------------------------------------------------------------

def case_player(case):
    """progress-player.py plays a clip, showing each phase; a second run
    with the same settings replays it without a new generation."""
    emu = case.emulator("--generation-time", "1")
    prompt = "a red fox, example player %s" % SIZE
    cmd = [PYTHON, case.example("python", "progress-player.py"), prompt,
           "--size", SIZE, "--seconds", "1", "--model", "sora-2",
           "--video-sink", "fakesink", "--audio-sink", "fakesink"]
    status, out, err = case.run(emu, cmd)
    check(status == 0, "the player failed")
    check("generate: Creating a 1 s %s video with sora-2" % SIZE in out,
          "no create step printed")
    check(re.search(r"^generating +video_\S+ \[#{20}\] 100% \(completed\)$",
                    out, re.M), "no progress line reaching 100%")
    # Download percentages depend on how the bytes arrive: not asserted.
    check(re.search(r"^download: Downloading video_\S+$", out, re.M),
          "no download step printed")
    check(re.search(r"^done +video_\S+$", out, re.M), "no final status line")
    check("Played to the end." in out, "the clip did not play to its end")
    creates = emu.requests("create")
    check(len(creates) == 1, "%d creates, not 1" % len(creates))
    check(creates[0]["form"] == {"model": "sora-2", "prompt": prompt,
                                 "seconds": "1", "size": SIZE},
          "the create did not carry the options: %r" % creates[0]["form"])
    video_id = video_id_printed(out)
    check(video_id == creates[0]["video_id"],
          "video-id %r is not the task created" % video_id)

    status, out, err = case.run(emu, cmd)
    check(status == 0 and "Played to the end." in out, "the replay failed")
    check(len(emu.requests("create")) == 1, "the replay generated again")
    check(video_id_printed(out) == video_id, "the replay's video-id differs")


def case_player_error(case):
    """A failed generation: the element's error text, exit status 1."""
    emu = case.emulator("--generation-time", "1")
    status, out, err = case.run(emu, [
        PYTHON, case.example("python", "progress-player.py"),
        "a [fail] fox", "--size", SIZE, "--seconds", "1",
        "--video-sink", "fakesink", "--audio-sink", "fakesink"])
    check(status == 1, "exit status %d, not 1" % status)
    check(re.search(r"^Error from src: The service could not generate "
                    r"video_\S+ \(moderation_blocked\)", err, re.M),
          "the element's error text was not printed")
    check("service-code: moderation_blocked" in err,
          "the error's service code was not printed")
    check("Traceback" not in err, "the player crashed")
    check("Played to the end." not in out, "a failed clip 'played'")


def case_player_sigint(case):
    """Ctrl-C while the service is still generating: the pipeline stops at
    once, exit status 130, and nothing is downloaded."""
    emu = case.emulator("--generation-time", "600")
    args = [PYTHON, case.example("python", "progress-player.py"),
            "interrupted fox", "--size", SIZE, "--seconds", "1",
            "--video-sink", "fakesink", "--audio-sink", "fakesink"]
    print("$ " + " ".join(args), flush=True)
    proc = subprocess.Popen(args, env=case.env(emu), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, bufsize=0)
    try:
        seen = b""
        deadline = time.monotonic() + 120
        # Wait for the task to be generating (no timing asserted: the bound
        # only keeps a broken example from hanging the suite).  Raw reads:
        # a buffered reader could hold the awaited line while select waits.
        while (not re.search(rb"^generating ", seen, re.M)
               and time.monotonic() < deadline):
            ready, _, _ = select.select([proc.stdout], [], [], 1)
            if ready:
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    break
                seen += chunk
        check(re.search(rb"^generating ", seen, re.M),
              "no generating line before the end: %r" % seen)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    out = (seen + out).decode()
    err = err.decode()
    print(out, end="")
    print(err, end="", file=sys.stderr)
    case.check_no_key(out + err)
    check(proc.returncode == 130, "exit status %d, not 130"
          % proc.returncode)
    check("Interrupted: stopping." in err, "no word of the interruption")
    check("Traceback" not in err, "the player crashed")
    check(len(emu.requests("create")) == 1, "not exactly one create")
    check(not emu.requests("content"), "a content request while generating")


def case_embed(case):
    """examples/c/embed.c: progress from the bus, the clip played to the
    sink given, the task's id read back after the run."""
    emu = case.emulator("--generation-time", "1")
    exe = os.path.join(case.build_root, "examples", "apigo-embed")
    prompt = "an embedded fox"
    status, out, err = case.run(emu, [exe, "--size", SIZE, "--seconds", "1",
                                      prompt, "fakesink"])
    check(status == 0, "apigo-embed failed")
    check("progress: (generate) Creating a 1 s %s video" % SIZE in out,
          "no progress message printed")
    check(re.search(r"^status: generating video_\S+ 100%$", out, re.M),
          "no status message at 100%")
    check(re.search(r"^status: done video_\S+$", out, re.M),
          "no final status naming the task")
    check("Played to the end." in out, "the clip did not play to its end")
    creates = emu.requests("create")
    check(len(creates) == 1 and creates[0]["form"]["prompt"] == prompt,
          "not exactly one create for the prompt")
    check(video_id_printed(out) == creates[0]["video_id"],
          "the video-id printed is not the task created")

    # A sink description that does not parse is a clear usage error.
    status, out, err = case.run(emu, [exe, prompt, "nosuchsink"])
    check(status == 1 and 'no element "nosuchsink"' in err,
          "a bad sink was not reported")
    check(len(emu.requests("create")) == 1, "a bad sink cost a generation")


def check_render(case, emu, output, uris, prompts):
    """The rendered file lasts as long as both clips together, and each
    prompt was generated exactly once (GES's discovery and the render
    shared it)."""
    # Discovering the URIs again replays them from the element's cache.
    durations = [duration_of(case, emu, uri) for uri in uris]
    total = duration_of(case, emu, output)
    print("clips %r s, output %.3f s" % (durations, total), flush=True)
    check(abs(total - sum(durations)) <= 2 * FRAME,
          "the output lasts %.3f s, the clips %.3f s together"
          % (total, sum(durations)))
    status, out, err = case.run(emu, ["gst-discoverer-1.0", output])
    check("video #" in out and "Width: 320" in out and "audio #" in out,
          "the output is not a 320-wide video with sound")
    created = sorted(emu.created_prompts())
    check(created == sorted(prompts),
          "one create per prompt expected, the emulator saw %r" % created)


def ges_launch_arg(uri):
    """ges-launch-1.0 reads its timeline as the path of a ges: URI, which
    is percent-decoded, and stops at '?': write '%' as %25, '?' as %3F, '&'
    as %26 and '#' as %23."""
    for char, code in (("%", "%25"), ("?", "%3F"), ("&", "%26"),
                       ("#", "%23")):
        uri = uri.replace(char, code)
    return uri


def case_ges_launch(case):
    """The README's ges-launch-1.0 recipe: two generated clips back to back,
    rendered to MP4."""
    emu = case.emulator("--generation-time", "1")
    prompts = ["first clip, ges-launch", "second clip & more, 100%?"]
    uris = [apigo_uri(prompts[0], 1), apigo_uri(prompts[1], 2)]
    output = os.path.join(case.tmp, "ges-launch.mp4")
    status, out, err = case.run(emu, [
        "ges-launch-1.0", "--no-interactive",
        "--video-caps", "video/x-raw,width=320,height=180",
        "+clip", ges_launch_arg(uris[0]), "+clip", ges_launch_arg(uris[1]),
        "-o", "file://" + output,
        "-f", "video/quicktime,variant=iso:video/x-h264:"
              "audio/mpeg,mpegversion=4"])
    check(status == 0, "ges-launch-1.0 failed")
    check_render(case, emu, output, uris, prompts)


def case_ges_python(case):
    """examples/ges/two-clips.py renders two generated clips to one MP4."""
    emu = case.emulator("--generation-time", "1")
    prompts = ["a paper boat, ges python", "the boat reaches the sea"]
    output = os.path.join(case.tmp, "two-clips.mp4")
    status, out, err = case.run(emu, [
        PYTHON, case.example("ges", "two-clips.py"), "-o", output,
        "--size", SIZE, "--seconds", "1"] + prompts)
    check(status == 0, "two-clips.py failed")
    check("Wrote " + output in out, "no word of the file written")
    # Without model=: the default, sora-2, is the same clip.
    uris = [apigo_uri(p, 1) for p in prompts]
    check_render(case, emu, output, uris, prompts)


# --- Generations longer than the tools wait -------------------------------
# gst-discoverer-1.0 gives up on a URI after 10 s by default, GES after 60 s
# (GES_DISCOVERY_TIMEOUT); real generations take minutes.  A 12 s emulated
# generation stands in for them against the 10 s default and a 5 s
# GES_DISCOVERY_TIMEOUT.
LONG_GENERATION = "12"


def gst_apigo(case, *parts):
    return [os.path.join(case.build_root, "tools", "gst-apigo", "gst-apigo")
            ] + list(parts)


def case_ges_pregenerate(case):
    """gst-apigo generate makes the clips first and prints apigo://video/ID
    URIs, which gst-discoverer-1.0 and ges-launch-1.0 open at once; the
    generate URIs replay from the cache; one create per prompt, even after
    a discovery that gave up half way."""
    emu = case.emulator("--generation-time", LONG_GENERATION)
    prompts = ["a long generation, first", "a long generation, second"]
    uris = [apigo_uri(prompts[0], 1), apigo_uri(prompts[1], 2)]

    # The problem: the discoverer's default 10 s is shorter.
    status, out, err = case.run(emu, ["gst-discoverer-1.0", uris[0]])
    check("timed out" in out and "Duration: " not in out,
          "gst-discoverer-1.0 waited for a 12 s generation by default")

    status, out, err = case.run(emu, gst_apigo(case, "generate", *uris))
    check(status == 0, "gst-apigo generate failed")
    printed = out.split()
    check(len(printed) == 2 and all(
        re.fullmatch(r"apigo://video/[A-Za-z0-9_.:~-]+", u) for u in printed),
        "gst-apigo generate printed %r, not two apigo://video/ID" % printed)
    # The first one resumed the task the discoverer left behind.
    created = sorted(emu.created_prompts())
    check(created == sorted(prompts),
          "one create per prompt expected, the emulator saw %r" % created)

    # With the default timeout now: the video URIs, the generate URIs too.
    for uri in printed + uris:
        duration_of(case, emu, uri)

    output = os.path.join(case.tmp, "pregenerated.mp4")
    status, out, err = case.run(emu, [
        "ges-launch-1.0", "--no-interactive",
        "--video-caps", "video/x-raw,width=320,height=180",
        "+clip", ges_launch_arg(printed[0]),
        "+clip", ges_launch_arg(printed[1]),
        "-o", "file://" + output,
        "-f", "video/quicktime,variant=iso:video/x-h264:"
              "audio/mpeg,mpegversion=4"])
    check(status == 0, "ges-launch-1.0 failed on the printed URIs")
    check_render(case, emu, output, uris, prompts)


def case_ges_long(case):
    """two-clips.py sets how long GES waits for a discovery (GES 1.22 gives
    up after 60 s, GES_DISCOVERY_TIMEOUT does not reach the discoverers it
    uses): 5 s gives up on a 12 s generation, the default waits for it;
    the task the first run left behind is the one the second renders."""
    emu = case.emulator("--generation-time", LONG_GENERATION)
    prompts = ["ges waits longer, first", "ges waits longer, second"]
    uris = [apigo_uri(p, 1) for p in prompts]
    output = os.path.join(case.tmp, "two-clips-long.mp4")
    run = [PYTHON, case.example("ges", "two-clips.py"), "-o", output,
           "--size", SIZE, "--seconds", "1"]
    status, out, err = case.run(emu, run + ["--discovery-timeout", "5"]
                                + prompts)
    check(status != 0 and "discovering failed" in err,
          "two-clips.py waited 12 s with a 5 s discovery timeout")
    status, out, err = case.run(emu, run + prompts)
    check(status == 0, "two-clips.py gave up on a 12 s generation")
    check_render(case, emu, output, uris, prompts)


def case_ask(case):
    """ask-before-paying.py: a refusal sends nothing; a yes generates and
    plays; the clip kept then plays without asking."""
    emu = case.emulator("--generation-time", "1")
    prompt = "a lighthouse, asked first"
    cmd = [PYTHON, case.example("python", "ask-before-paying.py"), prompt,
           "--size", SIZE, "--seconds", "1", "--sink", "fakesink"]

    status, out, err = case.run(emu, cmd + ["--answer", "no"])
    check(status == 1, "a refusal exited %d, not 1" % status)
    check('Asked: generate "%s" (sora-2, %s, 1 s)' % (prompt, SIZE) in out,
          "the request was not shown")
    check("Refused." in out, "no refusal printed")
    check("The application did not allow this generate: the user said no"
          in err, "the element's error does not say why")
    check(emu.requests() == [], "a refused create reached the service")

    status, out, err = case.run(emu, cmd + ["--answer", "yes"])
    check(status == 0 and "Played to the end." in out, "the yes did not play")
    check(len(emu.requests("create")) == 1, "not one create after yes")

    status, out, err = case.run(emu, cmd + ["--answer", "no"])
    check(status == 0 and "Played to the end." in out,
          "the kept clip did not play")
    check("Asked:" not in out, "a replay asked to pay")
    check(len(emu.requests("create")) == 1, "the replay generated again")


CASES = {
    "player": case_player,
    "ask": case_ask,
    "player-error": case_player_error,
    "player-sigint": case_player_sigint,
    "embed": case_embed,
    "ges-launch": case_ges_launch,
    "ges-python": case_ges_python,
    "ges-pregenerate": case_ges_pregenerate,
    "ges-long": case_ges_long,
}


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in CASES:
        print(__doc__ + "\nCASE: " + ", ".join(CASES), file=sys.stderr)
        return 2
    name, source_root, build_root = sys.argv[1:]
    tmp = tempfile.mkdtemp(prefix="apigo-example-")
    case = Case(source_root, build_root, tmp)
    try:
        CASES[name](case)
    except Failure as e:
        print("FAIL: %s: %s" % (name, e), file=sys.stderr)
        return 1
    finally:
        case.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("ok: %s" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
