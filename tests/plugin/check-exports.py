#!/usr/bin/env python3
# gst-apigo: the plugin exports its entry points and nothing else.
#   check-exports.py NM PLUGIN
#
# GStreamer loads a plugin through gst_plugin_NAME_get_desc; GST_PLUGIN_DEFINE
# also exports gst_plugin_NAME_register, for applications that link the
# plugin in (every GStreamer plugin exports these two, e.g. libgstsoup.so).
# Everything else in the .so (the element, the Videos API client) is built
# with hidden visibility: it can neither clash with another library's
# symbols nor be mistaken for an interface.

import subprocess
import sys

EXPECTED = {"gst_plugin_apigo_get_desc", "gst_plugin_apigo_register"}


def main():
    nm, plugin = sys.argv[1:3]
    out = subprocess.run([nm, "-D", "--defined-only", plugin], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3:
            names.add(fields[2])
    extra = sorted(names - EXPECTED)
    missing = sorted(EXPECTED - names)
    if missing:
        print("%s does not export: %s" % (plugin, ", ".join(missing)))
    if extra:
        print("%s exports %d more symbols, e.g.: %s"
              % (plugin, len(extra), ", ".join(extra[:10])))
    if missing or extra:
        return 1
    print("%s exports only %s" % (plugin, ", ".join(sorted(EXPECTED))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
