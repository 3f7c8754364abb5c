#!/bin/sh
# Installs what is missing, builds, and turns a prompt into a video:
#   tools/run-demo.sh ["a red fox in snow"]
# With APIGO_API_KEY set it asks the real service (APIGO_BASE_URL, default
# the apigo gateway); without, it starts the bundled emulator.  With a
# display it plays the clip, otherwise it writes build/apigo-demo.mp4.
set -eu
cd "$(dirname "$0")/.."
prompt=${1:-"a red fox running through fresh snow at dawn"}

tools/install-deps.sh demo
tools/build.sh

export GST_PLUGIN_PATH_1_0="$PWD/build/gst/apigo"
emulator_pid=""
cleanup() { [ -z "$emulator_pid" ] || kill "$emulator_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM

if [ -z "${APIGO_API_KEY:-}" ]; then
  echo "APIGO_API_KEY is not set: using the bundled emulator."
  log=build/emulator.log
  APIGO_EMULATOR_API_KEY=demo-key build/tools/emulator/apigo-emulator \
    --port 0 --generation-time 3 --quiet >"$log" 2>build/emulator.err &
  emulator_pid=$!
  url=""
  for _ in $(seq 100); do
    url=$(head -n 1 "$log")
    [ -z "$url" ] || break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "The emulator did not start:"; cat build/emulator.err; exit 1; }
  export APIGO_BASE_URL="$url" APIGO_API_KEY=demo-key
  echo "Emulator at $url"
fi

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  gst-launch-1.0 apigovideosrc prompt="$prompt" ! decodebin ! \
    videoconvert ! autovideosink
else
  out="$PWD/build/apigo-demo.mp4"
  gst-launch-1.0 apigovideosrc prompt="$prompt" ! filesink location="$out"
  echo "No display: the clip is in $out"
  gst-discoverer-1.0 "$out" | sed -n '/Properties/,$p'
fi
