#!/bin/sh
# Configures (once) and builds gst-apigo in ./build.
#   tools/build.sh [meson options...]
set -eu
cd "$(dirname "$0")/.."

if [ -f build/build.ninja ]; then
  [ $# -eq 0 ] || meson configure build "$@" >/dev/null
else
  meson setup build "$@" >/dev/null
fi
if ! log=$(meson compile -C build 2>&1); then
  echo "$log"
  exit 1
fi
