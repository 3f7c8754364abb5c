#!/usr/bin/env python3
# gst-apigo: the documented install puts the plugin where GStreamer finds it,
# and an installed plugin loads from there alone.
#
#   check-install.py --meson MESON --source-root DIR --build-root DIR
#       --gst-plugins-dir DIR --origin TEXT
#
# 1. The `meson setup` line of docs/quickstart.md ("Build and install"),
#    run in a scratch directory (configured only, nothing compiled), installs
#    the plugin into GStreamer's own plugin directory (pkg-config
#    gstreamer-1.0 pluginsdir: what Debian's GStreamer searches).
# 2. This build, installed with `meson install --destdir` into a staging
#    directory, is found by gst-inspect-1.0 there and only there: the
#    staged plugin directory is the whole system plugin path,
#    GST_PLUGIN_PATH is unset, the registry is a new one.

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

PLUGIN_FILE = "libgstapigo.so"


def fail(text):
    print("FAIL: " + text)
    sys.exit(1)


def documented_setup(quickstart):
    """The `meson setup` and `meson install` commands of the quick start's
    "Build and install" section, as word lists."""
    with open(quickstart, encoding="utf-8") as f:
        text = f.read()
    section = re.search(r"^## Build and install\n(.*?)(?=^## )", text,
                        re.S | re.M)
    if not section:
        fail("%s has no \"Build and install\" section" % quickstart)
    setup = install = None
    for block in re.findall(r"^```[^\n]*\n(.*?)^```", section.group(1),
                            re.S | re.M):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["sudo"]:
                words = words[1:]
            if words[:2] == ["meson", "setup"] and setup is None:
                setup = words
            elif words[:2] == ["meson", "install"] and install is None:
                install = words
        if setup:
            break
    if not setup or not install:
        fail("no `meson setup` and `meson install` in the first block of "
             "\"Build and install\" of %s" % quickstart)
    return setup, install


def installed_plugin(meson, build_dir):
    out = subprocess.run([meson, "introspect", build_dir, "--installed"],
                         check=True, capture_output=True, text=True).stdout
    for source, dest in json.loads(out).items():
        if os.path.basename(source) == PLUGIN_FILE:
            return dest
    fail("%s installs no %s" % (build_dir, PLUGIN_FILE))


def check_documented_install(args, scratch):
    setup, install = documented_setup(
        os.path.join(args.source_root, "docs", "quickstart.md"))
    print("documented: %s; %s" % (shlex.join(setup), shlex.join(install)))
    # The build directory the docs name, here a scratch one; no tests or
    # examples, which install nothing.
    positional = [w for w in setup[2:] if not w.startswith("-")]
    if len(positional) != 1 or positional[0] not in install:
        fail("the documented setup and install do not name one build "
             "directory: %s / %s" % (setup, install))
    build_dir = os.path.join(scratch, "documented-build")
    command = [args.meson, "setup"] + [build_dir if w == positional[0] else w
                                       for w in setup[2:]]
    command += ["-Dtests=disabled", "-Dexamples=disabled"]
    done = subprocess.run(command, cwd=args.source_root, capture_output=True,
                          text=True)
    if done.returncode != 0:
        fail("%s failed:\n%s%s" % (shlex.join(command), done.stdout,
                                   done.stderr))
    dest = installed_plugin(args.meson, build_dir)
    if os.path.dirname(dest) != args.gst_plugins_dir:
        fail("the documented install puts the plugin in %s; GStreamer looks "
             "in %s" % (os.path.dirname(dest), args.gst_plugins_dir))
    print("documented install: %s" % dest)


def gst_inspect(plugin_dir, registry):
    env = dict(os.environ)
    for var in ("GST_PLUGIN_PATH", "GST_PLUGIN_PATH_1_0"):
        env.pop(var, None)
    env["GST_PLUGIN_SYSTEM_PATH_1_0"] = plugin_dir
    env["GST_REGISTRY_1_0"] = registry
    return subprocess.run(["gst-inspect-1.0", "apigovideosrc"], env=env,
                          capture_output=True, text=True)


def inspect_field(output, name):
    match = re.search(r"^\s*%s\s+(.*?)\s*$" % re.escape(name), output, re.M)
    return match.group(1) if match else None


def check_staged_install(args, scratch):
    stage = os.path.join(scratch, "stage")
    done = subprocess.run([args.meson, "install", "-C", args.build_root,
                           "--no-rebuild", "--destdir", stage],
                          capture_output=True, text=True)
    if done.returncode != 0:
        fail("meson install --destdir failed:\n%s%s" % (done.stdout,
                                                       done.stderr))
    dest = installed_plugin(args.meson, args.build_root)
    staged = stage + dest
    if not os.path.isfile(staged):
        fail("%s was not installed" % staged)

    # Nothing but the staged directory supplies the element.
    empty = os.path.join(scratch, "empty")
    os.mkdir(empty)
    done = gst_inspect(empty, os.path.join(scratch, "empty.bin"))
    if done.returncode == 0:
        fail("apigovideosrc found without the staged plugin:\n" + done.stdout)

    done = gst_inspect(os.path.dirname(staged),
                       os.path.join(scratch, "registry.bin"))
    if done.returncode != 0:
        fail("gst-inspect-1.0 apigovideosrc, from %s only:\n%s%s"
             % (os.path.dirname(staged), done.stdout, done.stderr))
    filename = inspect_field(done.stdout, "Filename")
    if filename != staged:
        fail("loaded from %s, not %s" % (filename, staged))
    origin = inspect_field(done.stdout, "Origin URL")
    if origin != args.origin:
        fail("Origin URL is %r, not %r" % (origin, args.origin))
    print("staged install: %s, Origin URL %r" % (staged, origin))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--meson", required=True)
    parser.add_argument("--source-root", required=True)
    parser.add_argument("--build-root", required=True)
    parser.add_argument("--gst-plugins-dir", required=True)
    parser.add_argument("--origin", required=True)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="apigo-install-") as scratch:
        check_documented_install(args, scratch)
        check_staged_install(args, scratch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
