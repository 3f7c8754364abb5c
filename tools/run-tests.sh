#!/bin/sh
# Installs what is missing, builds with warnings as errors and runs every
# test suite; then, as CI does, the suites again under valgrind memcheck,
# an AddressSanitizer + UBSan build of everything, and a bounded fuzzing
# run.  With arguments, only `meson test` with them (e.g. a suite name).
set -eu
cd "$(dirname "$0")/.."

tools/install-deps.sh test
tools/build.sh -Dwerror=true -Dtests=enabled

# The official OpenAI Node SDK, for the emulator's compatibility check.
if command -v npm >/dev/null 2>&1 && [ -f tests/sdk/package-lock.json ]; then
  (cd tests/sdk && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
    || echo "npm ci failed: the OpenAI SDK check will be skipped"
fi

failed=0
rm -f build/meson-logs/testlog*.json build-asan/meson-logs/testlog*.json \
  build/fuzz.log
meson test -C build --print-errorlogs "$@" || failed=1

if [ $# -eq 0 ]; then
  echo "== The suites under valgrind memcheck"
  meson test -C build --setup valgrind --num-processes 2 --print-errorlogs \
    || failed=1

  echo "== The suites built with AddressSanitizer and UBSan"
  if [ ! -f build-asan/build.ninja ]; then
    meson setup build-asan -Dwerror=true -Dtests=enabled \
      -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
  fi
  if ! log=$(meson compile -C build-asan 2>&1); then
    echo "$log"
    exit 1
  fi
  # The plugin registry, scanned once with leak checks off: the tests scan
  # in-process (GST_REGISTRY_FORK=no), and some system plugins (OpenNI2's
  # drivers...) leak when loaded.
  rm -f build-asan/tests/registry.bin
  LD_PRELOAD="$(cc -print-file-name=libasan.so)" ASAN_OPTIONS=detect_leaks=0 \
    GST_REGISTRY_FORK=no GST_REGISTRY_1_0="$PWD/build-asan/tests/registry.bin" \
    GST_PLUGIN_PATH_1_0="$PWD/build-asan/gst/apigo" \
    gst-inspect-1.0 apigovideosrc >/dev/null
  meson test -C build-asan --setup asan --print-errorlogs || failed=1

  echo "== Fuzzing what is read from the network"
  fuzz=0
  tools/run-fuzz.sh 20 >build/fuzz.log 2>&1 || fuzz=$?
  cat build/fuzz.log
  case $fuzz in
    0|77) ;;
    *) failed=1 ;;
  esac
fi

# One closing line any CI can read, over every run above.
python3 - build/meson-logs build-asan/meson-logs build/fuzz.log <<'PY'
import glob, json, os, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0}
for d in sys.argv[1:3]:
    for path in glob.glob(os.path.join(d, "testlog*.json")):
        for line in open(path):
            result = json.loads(line)["result"]
            counts[result if result in counts else "FAIL"] += 1
if os.path.exists(sys.argv[3]):
    for line in open(sys.argv[3]):
        if line.startswith("fuzz-"):
            counts["OK" if line.rstrip().endswith(": ok") else "FAIL"] += 1
print(f"{counts['OK']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
PY
exit $failed
