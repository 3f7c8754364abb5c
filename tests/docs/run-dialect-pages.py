#!/usr/bin/env python3
# gst-apigo: runs the "Try it offline" block of each docs/dialect-*.md.
# Copyright (C) 2026 gst-apigo authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   run-dialect-pages.py --emulator apigo-emulator PAGE...
#
# Each dialect page shows the bundled emulator started in that dialect and
# a gst-launch-1.0 pipeline against it.  The block runs as a bash script
# (-e -o pipefail) in a fresh directory with fresh XDG directories, as a
# user would copy it, after these changes only: the emulator is the built
# one, on a free port instead of the page's, and autovideosink is fakesink
# (no display here).  It passes when the pipeline exits 0 within the time
# limit and prints no ERROR line; the emulator is stopped either way.

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile

BLOCK = re.compile(r"## Try it offline\n.*?```sh\n(.*?)\n```", re.S)
TIMEOUT = 240


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_page(page, emulator):
    with open(page, encoding="utf-8") as f:
        m = BLOCK.search(f.read())
    if m is None:
        return "no ```sh block under \"## Try it offline\""
    script = m.group(1)
    ports = set(re.findall(r"--port (\d+)", script))
    if len(ports) != 1:
        return "the block does not start one emulator on one port"
    port = ports.pop()
    new_port = str(free_port())
    script = script.replace(port, new_port)
    script = script.replace("build/tools/emulator/apigo-emulator", emulator)
    script = script.replace("autovideosink", "fakesink")
    # The emulator started in the background is the script's job %1.
    script = ("set -e -o pipefail\n" + script.replace(
        "&\n", "&\nEMU=$!\ntrap 'kill $EMU' EXIT\n"
        "for i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/" + new_port +
        ") 2>/dev/null && break; sleep 0.1; done\n", 1))
    with tempfile.TemporaryDirectory(prefix="apigo-dialect-") as tmp:
        env = dict(os.environ)
        for var in ("XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
            env[var] = os.path.join(tmp, var.lower())
        for var in ("APIGO_BASE_URL", "APIGO_API_KEY", "APIGO_BUDGET"):
            env.pop(var, None)
        try:
            proc = subprocess.run(["bash", "-c", script], cwd=tmp, env=env,
                                  capture_output=True, text=True,
                                  timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return "did not end within %d s" % TIMEOUT
    out = proc.stdout + proc.stderr
    print(out, end="")
    if proc.returncode != 0:
        return "exit status %d" % proc.returncode
    if re.search(r"^ERROR", out, re.M):
        return "printed an ERROR"
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--emulator", required=True)
    parser.add_argument("pages", nargs="+")
    args = parser.parse_args()
    failed = 0
    for page in args.pages:
        print("== %s" % os.path.basename(page), flush=True)
        why = run_page(page, os.path.abspath(args.emulator))
        if why:
            print("FAIL: %s: %s" % (os.path.basename(page), why))
            failed += 1
        else:
            print("ok: %s" % os.path.basename(page))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
