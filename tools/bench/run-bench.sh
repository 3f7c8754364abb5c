#!/bin/sh
# The benchmark of docs/performance.md: apigovideosrc against curl,
# souphttpsrc, filesrc and a 1 s polling loop, on this machine, on
# 127.0.0.1 only.  Prints a Markdown table, also written to
# BUILD/bench/results.md.
#   tools/bench/run-bench.sh [--quick] [--runs N] [--build DIR]
# --quick: one run of each (5 of the replay), 20.5 s generations only
# (about a minute); the default takes about three minutes on two cores.
# Everything is measured as a user sees it: whole processes (gst-launch-1.0,
# curl), default settings, the cache on.
# --build: a build directory of this tree (default: build, made with
# tools/build.sh when missing).
set -eu
cd "$(dirname "$0")/../.."

build=build
args=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) args="$args --quick" ;;
    --runs) args="$args --runs $2"; shift ;;
    --build) build=$2; shift ;;
    *) echo "usage: $0 [--quick] [--runs N] [--build DIR]" >&2; exit 2 ;;
  esac
  shift
done

tools/install-deps.sh build bench
if [ "$build" = build ]; then
  tools/build.sh
elif ! log=$(ninja -C "$build" 2>&1); then
  echo "$log"
  exit 1
fi

# shellcheck disable=SC2086
exec /usr/bin/python3 tools/bench/bench.py --source . --build "$build" $args
