#!/usr/bin/env python3
# gst-apigo: runs every recipe of docs/cookbook.md against the emulator.
# Copyright (C) 2026 gst-apigo authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   run-cookbook.py --cookbook docs/cookbook.md --emulator apigo-emulator
#                   [--only NAME]...
#
# A recipe is a ```sh block right after a comment
#   <!-- recipe NAME [files=A,B] [routes=R,S] [again] -->
# It runs as a bash script (-e -o pipefail) in a fresh directory, with a
# fresh cache, against an apigo-emulator on 127.0.0.1 (through
# APIGO_BASE_URL and APIGO_API_KEY, as a user would), after these changes:
# display sinks become fakesink (playbin, gst-play-1.0 and ges-launch-1.0
# are given fakesinks), gst-launch-1.0 gets -e, clips become 320x180 and
# 1 s long (what a recipe leaves out is added), and $VIDEO_ID names a
# finished video made for the recipe.  It passes when the script exits 0
# within the time limit, prints no ERROR or WARNING line and never the key,
# each of files= is there, non-empty, and decodes, the emulator saw a
# request on each of routes= (create, remix, extend, edit, delete...) and
# none on those written !ROUTE, and,
# with "again", a second run plays the kept clip without any request.

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

KEY = "cookbook-key-0123456789"
SIZE = "320x180"
SECONDS = "1"
RECIPE_TIMEOUT = 120

MARKER = re.compile(r"<!--\s*recipe\s+(.*?)\s*-->\s*\n```sh\n(.*?)\n```",
                    re.S)

# Loopback only: no proxy, whatever the environment says.
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Recipe:
    def __init__(self, line, script, number):
        words = line.split()
        self.name = words[0]
        self.files = []
        self.routes = []
        self.again = False
        for word in words[1:]:
            key, _, value = word.partition("=")
            if key == "files":
                self.files = value.split(",")
            elif key == "routes":
                self.routes = value.split(",")
            elif key == "again":
                self.again = True
            else:
                raise ValueError(f"recipe {self.name}: unknown '{word}'")
        self.script = script
        self.number = number


def parse(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    recipes = [Recipe(m.group(1), m.group(2), i + 1)
               for i, m in enumerate(MARKER.finditer(text))]
    # A recipe marker that did not match a block would go untested.
    if text.count("<!-- recipe ") != len(recipes):
        raise ValueError("a <!-- recipe --> comment is not right before "
                         "a ```sh block")
    names = [r.name for r in recipes]
    if len(set(names)) != len(names):
        raise ValueError("two recipes have the same name")
    return recipes


def add_uri_params(match):
    uri = match.group(0)
    for name, value in (("size", SIZE), ("seconds", SECONDS)):
        uri = re.sub(rf"([?&]{name}=)[^&\"' ]*", rf"\g<1>{value}", uri)
        if f"{name}=" not in uri:
            uri += f"&{name}={value}"
    return uri


def headless(script):
    """The recipe as CI runs it: no display, small short clips."""
    s = script
    s = re.sub(r"\bauto(video|audio)sink\b", "fakesink", s)
    s = re.sub(r"\bgst-launch-1\.0 ", "gst-launch-1.0 -e ", s)
    s = re.sub(r"\bplaybin ", "playbin video-sink=fakesink "
               "audio-sink=fakesink ", s)
    s = re.sub(r"\bgst-play-1\.0 ", "gst-play-1.0 --no-interactive "
               "--videosink=fakesink --audiosink=fakesink ", s)
    s = re.sub(r"\bges-launch-1\.0 ", "ges-launch-1.0 --no-interactive "
               "--videosink=fakesink --audiosink=fakesink ", s)
    # Later settings win: the recipe's own sizes and lengths are replaced
    # below, and these fill in what it leaves to the defaults.
    s = re.sub(r"\bapigovideosrc ", f"apigovideosrc size={SIZE} "
               f"seconds={SECONDS} ", s)
    s = re.sub(r"(?<![?&\w-])size=\d+x\d+", f"size={SIZE}", s)
    s = re.sub(r"(?<![?&\w-])seconds=\d+", f"seconds={SECONDS}", s)
    s = re.sub(r"apigo://generate\?[^\"' ]*", add_uri_params, s)
    return s


class Emulator:
    def __init__(self, program, workdir):
        args = [program, "--port", "0", "--api-key", KEY, "--any-size",
                "--generation-time", "1", "--quiet"]
        cache = os.environ.get("APIGO_TEST_CLIP_CACHE")
        if cache:
            args += ["--cache-dir", cache]
        self.log = open(os.path.join(workdir, "emulator.err"), "w+b")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                                     stderr=self.log)
        line = self.proc.stdout.readline().decode().strip()
        if not line.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"the emulator printed {line!r}")
        self.base_url = line
        self.origin = line.rsplit("/v1", 1)[0]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.log.close()

    def _call(self, method, url, body=None):
        request = urllib.request.Request(url, method=method, data=body)
        request.add_header("Authorization", "Bearer " + KEY)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        with opener.open(request, timeout=30) as answer:
            return json.load(answer)

    def requests(self):
        return self._call("GET", self.origin + "/_emulator/requests")["data"]

    def finished_video(self):
        """A completed task, as a recipe's $VIDEO_ID."""
        body = json.dumps({"model": "sora-2", "size": SIZE,
                           "seconds": SECONDS,
                           "prompt": "a red fox running through fresh snow"
                           }).encode()
        task = self._call("POST", self.base_url + "/videos", body)
        deadline = time.monotonic() + 60
        while task["status"] != "completed":
            if task["status"] == "failed" or time.monotonic() > deadline:
                raise RuntimeError(f"$VIDEO_ID: {task}")
            time.sleep(0.2)
            task = self._call("GET", self.base_url + "/videos/" + task["id"])
        return task["id"]


def run_script(script, cwd, env):
    try:
        done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script],
                              cwd=cwd, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              timeout=RECIPE_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        return None, (e.output or b"").decode(errors="replace")
    return done.returncode, done.stdout.decode(errors="replace")


def plays(path, env):
    try:
        done = subprocess.run(["gst-launch-1.0", "filesrc",
                               f"location={path}", "!", "decodebin", "!",
                               "fakesink"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT,
                              timeout=RECIPE_TIMEOUT)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


def check(recipe, emu, workdir):
    """A list of what went wrong (empty: the recipe works)."""
    problems = []
    cwd = os.path.join(workdir, recipe.name)
    os.makedirs(cwd)
    env = dict(os.environ)
    env.update({
        "APIGO_BASE_URL": emu.base_url,
        "APIGO_API_KEY": KEY,
        "XDG_CACHE_HOME": os.path.join(cwd, ".cache"),
        "XDG_STATE_HOME": os.path.join(cwd, ".state"),
    })
    script = headless(recipe.script)
    if "$VIDEO_ID" in script or "${VIDEO_ID}" in script:
        env["VIDEO_ID"] = emu.finished_video()

    def run_once(what):
        seen = len(emu.requests())
        rc, output = run_script(script, cwd, env)
        if rc is None:
            problems.append(f"{what}: no end within {RECIPE_TIMEOUT} s")
        elif rc != 0:
            problems.append(f"{what}: exit status {rc}")
        for line in output.splitlines():
            if re.match(r"\s*(\x1b\[[0-9;]*m)*(ERROR|WARNING)\b", line):
                problems.append(f"{what}: printed '{line.strip()}'")
        if KEY in output:
            problems.append(f"{what}: printed the API key")
        return output, emu.requests()[seen:]

    output, requests = run_once("run")
    for name in recipe.files:
        path = os.path.join(cwd, name)
        if not os.path.isfile(path) or os.path.getsize(path) == 0:
            problems.append(f"{name}: missing or empty")
        elif not plays(path, env):
            problems.append(f"{name}: does not decode")
    routes = {r["route"] for r in requests}
    for route in recipe.routes:
        if route.startswith("!") and route[1:] in routes:
            problems.append(f"a {route[1:]} request")
        elif not route.startswith("!") and route not in routes:
            problems.append(f"no {route} request (saw: "
                            f"{', '.join(sorted(routes)) or 'none'})")
    if recipe.again and not problems:
        output2, requests = run_once("second run")
        if requests:
            problems.append("second run: requests "
                            + ", ".join(r["route"] for r in requests)
                            + " instead of playing the kept clip")
        output += "\n--- second run ---\n" + output2

    if problems:
        print(f"--- {recipe.name}, as run:\n{script}\n--- its output:\n"
              f"{output}")
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cookbook", required=True)
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--only", action="append", default=[])
    args = parser.parse_args()

    recipes = parse(args.cookbook)
    if args.only:
        recipes = [r for r in recipes if r.name in args.only]
    if not recipes:
        print("no recipes")
        return 1

    workdir = tempfile.mkdtemp(prefix="apigo-cookbook-")
    emu = None
    failed = 0
    try:
        emu = Emulator(args.emulator, workdir)
        for recipe in recipes:
            start = time.monotonic()
            problems = check(recipe, emu, workdir)
            took = time.monotonic() - start
            if problems:
                failed += 1
                print(f"not ok {recipe.number} {recipe.name} ({took:.1f} s)")
                for p in problems:
                    print(f"  {p}")
            else:
                print(f"ok {recipe.number} {recipe.name} ({took:.1f} s)")
            sys.stdout.flush()
    finally:
        if emu is not None:
            emu.stop()
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"{len(recipes) - failed} of {len(recipes)} recipes work")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
