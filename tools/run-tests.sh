#!/bin/sh
# Installs what is missing, builds with warnings as errors and runs every
# test suite.  Extra arguments go to `meson test` (e.g. a suite name).
set -eu
cd "$(dirname "$0")/.."

tools/install-deps.sh test
tools/build.sh -Dwerror=true -Dtests=enabled

# The official OpenAI Node SDK, for the emulator's compatibility check.
if command -v npm >/dev/null 2>&1 && [ -f tests/sdk/package-lock.json ]; then
  (cd tests/sdk && npm ci --no-audit --no-fund --loglevel=error >/dev/null) \
    || echo "npm ci failed: the OpenAI SDK check will be skipped"
fi

status=0
meson test -C build --print-errorlogs "$@" || status=$?

# One closing line any CI can read.
python3 - build/meson-logs/testlog.json <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0}
for line in open(sys.argv[1]):
    result = json.loads(line)["result"]
    key = result if result in counts else "FAIL"
    counts[key] += 1
print(f"{counts['OK']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
PY
exit $status
