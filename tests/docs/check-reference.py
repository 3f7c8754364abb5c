#!/usr/bin/env python3
# gst-apigo: the element references in docs/ must be what the built plugin
# says.
# Copyright (C) 2026 gst-apigo authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   check-reference.py GEN-ELEMENT-DOC OUTPUT-DIR ELEMENT=COMMITTED.md...
#
# Regenerates each element's reference into OUTPUT-DIR (in the build
# directory) and fails with a unified diff when a committed file differs.

import difflib
import os
import subprocess
import sys


def check(gen, element, committed, output):
    subprocess.run([gen, "--output", output, element], check=True)
    name = "docs/" + os.path.basename(committed)
    with open(committed, encoding="utf-8") as f:
        want = f.read().splitlines(keepends=True)
    with open(output, encoding="utf-8") as f:
        have = f.read().splitlines(keepends=True)
    if want == have:
        print(f"{name} matches the plugin ({element})")
        return True
    sys.stdout.writelines(difflib.unified_diff(
        want, have, f"{name} (committed)", "generated from the plugin"))
    print(f"\n{name} is out of date: run "
          "'ninja -C build element-reference' and commit the result.")
    return False


def main():
    gen, outdir = sys.argv[1:3]
    ok = True
    for pair in sys.argv[3:]:
        element, committed = pair.split("=", 1)
        output = os.path.join(outdir, os.path.basename(committed))
        ok = check(gen, element, committed, output) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
