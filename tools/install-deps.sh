#!/bin/sh
# Installs the Debian 12 packages gst-apigo needs that are missing.
#   tools/install-deps.sh [build|demo|test|bench]...
# build: compiler, meson and the -dev packages; demo: plus the GStreamer
# plugins and tools the emulator and playback use; test: plus what the
# test suites run; bench: plus what tools/bench/run-bench.sh compares
# against.  (The OpenAI SDK check uses Node.js 20 or later where the
# machine has it; Debian 12's is too old, so it is not installed here.)
set -eu

want="meson ninja-build pkg-config gcc libc6-dev libglib2.0-dev \
libsoup-3.0-dev libjson-glib-dev libgstreamer1.0-dev \
libgstreamer-plugins-base1.0-dev"
# Rendering (videotestsrc, textoverlay, x264enc, mp4mux, jpegenc, avenc_aac)
# and decoding (qtdemux, avdec_h264) real MP4s; HLS for the channel's
# recipe (h264parse, mpegtsmux, hlssink2, hlsdemux: plugins-bad).
runtime="gstreamer1.0-tools gstreamer1.0-plugins-base \
gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-plugins-bad \
gstreamer1.0-libav fonts-dejavu-core"

[ $# -gt 0 ] || set -- build
for kind in "$@"; do
  case "$kind" in
    build) ;;
    demo) want="$want $runtime gstreamer1.0-plugins-base-apps gstreamer1.0-x \
      gstreamer1.0-gl" ;;
    # valgrind for memcheck runs; clang and its runtime for fuzzing.
    # GES, PyGObject and gst-play for the examples and the ecosystem tests.
    test) want="$want $runtime valgrind clang libclang-rt-14-dev \
      gstreamer1.0-plugins-base-apps ges1.0-tools libges-1.0-dev \
      gir1.2-ges-1.0 gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 \
      python3-gi" ;;
    # The benchmark's yardsticks: nginx as the real static server (started
    # by the benchmark itself on 127.0.0.1, never as a service; Debian's
    # package may start one on port 80 where services run), curl as the
    # plain client, GNU time for peak memory; python3 runs it.
    bench) want="$want $runtime nginx curl time python3" ;;
    *) echo "usage: $0 [build|demo|test|bench]..." >&2; exit 2 ;;
  esac
done

missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
    || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "Installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "Missing packages:$missing (run as root or install sudo)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
