#!/usr/bin/env python3
# gst-apigo: docs/element-reference.md must be what the built plugin says.
# Copyright (C) 2026 gst-apigo authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
#   check-reference.py GEN-ELEMENT-DOC COMMITTED.md OUTPUT.md
#
# Regenerates the reference into OUTPUT.md (in the build directory) and
# fails with a unified diff when the committed file differs.

import difflib
import subprocess
import sys


def main():
    gen, committed, output = sys.argv[1:4]
    subprocess.run([gen, "--output", output], check=True)
    with open(committed, encoding="utf-8") as f:
        want = f.read().splitlines(keepends=True)
    with open(output, encoding="utf-8") as f:
        have = f.read().splitlines(keepends=True)
    if want == have:
        print("docs/element-reference.md matches the plugin")
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        want, have, "docs/element-reference.md (committed)",
        "generated from the plugin"))
    print("\ndocs/element-reference.md is out of date: run "
          "'ninja -C build element-reference' and commit the result.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
