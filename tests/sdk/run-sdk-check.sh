#!/bin/sh
# gst-apigo: run openai-sdk-check.mjs against a freshly started emulator
# Copyright (C) 2026 gst-apigo authors
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: run-sdk-check.sh BUILD_DIR
# Exits 77 (meson's "skipped") when node (20 or later) or
# tests/sdk/node_modules is missing: run "npm ci" in tests/sdk first.

set -u

build_dir=${1:?usage: run-sdk-check.sh BUILD_DIR}
here=$(cd "$(dirname "$0")" && pwd)
emulator="$build_dir/tools/emulator/apigo-emulator"

if ! command -v node >/dev/null 2>&1; then
  echo "node not found: skipping"
  exit 77
fi
# The SDK relies on Node 20's globals (File, fetch); Debian 12 ships 18.
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 20 ]; then
  echo "node $major is older than the OpenAI SDK supports: skipping"
  exit 77
fi
if [ ! -d "$here/node_modules/openai" ]; then
  echo "$here/node_modules missing (run npm ci there): skipping"
  exit 77
fi
if [ ! -x "$emulator" ]; then
  echo "$emulator not built"
  exit 1
fi

tmp=$(mktemp -d)
pid=
cleanup () {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# A key of our own, passed through the environment, never on a command line.
APIGO_EMULATOR_API_KEY="sk-sdk-check-$$"
export APIGO_EMULATOR_API_KEY

"$emulator" --port 0 --generation-time 1 --quiet >"$tmp/url" 2>"$tmp/stderr" &
pid=$!

# The first line on stdout is the base URL.
tries=0
while [ ! -s "$tmp/url" ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 100 ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "the emulator did not start:"
    cat "$tmp/stderr"
    exit 1
  fi
  sleep 0.1
done
base_url=$(head -n 1 "$tmp/url")
echo "emulator at $base_url"

node "$here/openai-sdk-check.mjs" "$base_url"
