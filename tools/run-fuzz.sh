#!/bin/sh
# Fuzzes what the client reads from the network with libFuzzer, for a
# bounded time per target (tests/fuzz/README.md):
#   tools/run-fuzz.sh [SECONDS]      (default 20 s per target)
# Builds the targets in ./build-fuzz with clang and -Dfuzzing=true (override
# with FUZZ_BUILD_DIR and FUZZ_CC).  Each target starts from a copy of its
# corpus: the repo's tests/fuzz/corpus is never written.  New inputs and
# crash reproducers are left in build-fuzz/fuzz-work/<target>/.
# Exits 1 on any crash, leak, timeout or sanitizer report, 77 when clang or
# libFuzzer is not there.
set -eu
cd "$(dirname "$0")/.."

seconds=${1:-20}
case $seconds in
  '' | *[!0-9]* | 0)
    echo "usage: $0 [SECONDS per target]" >&2
    exit 2 ;;
esac
builddir=${FUZZ_BUILD_DIR:-build-fuzz}
fuzz_cc=${FUZZ_CC:-clang}
targets="task task-list service-error retry models"

if ! command -v "$fuzz_cc" >/dev/null 2>&1; then
  echo "run-fuzz: $fuzz_cc not found (Debian: apt-get install clang" \
    "libclang-rt-14-dev); not fuzzing"
  exit 77
fi

# clang alone is not enough: libFuzzer and the sanitizer runtimes come
# separately (libclang-rt-14-dev on Debian 12).
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
cat >"$probe/probe.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{ return (int) (data != NULL && size > 0); }
EOF
if ! "$fuzz_cc" -fsanitize=fuzzer,address,undefined "$probe/probe.c" \
    -o "$probe/probe" >"$probe/log" 2>&1; then
  sed 's/^/  /' "$probe/log" | head -5
  echo "run-fuzz: $fuzz_cc cannot link libFuzzer with ASan and UBSan" \
    "(Debian: apt-get install libclang-rt-14-dev); not fuzzing"
  exit 77
fi

if [ ! -f "$builddir/build.ninja" ]; then
  if ! CC=$fuzz_cc meson setup "$builddir" -Dfuzzing=true -Dtests=enabled \
      >"$probe/log" 2>&1; then
    cat "$probe/log"
    exit 1
  fi
elif ! meson configure "$builddir" -Dfuzzing=true -Dtests=enabled \
    >"$probe/log" 2>&1; then
  cat "$probe/log"
  echo "run-fuzz: $builddir is unusable; remove it and try again" >&2
  exit 1
fi
compile_targets=""
for t in $targets; do
  compile_targets="$compile_targets fuzz-$t"
done
# shellcheck disable=SC2086
if ! meson compile -C "$builddir" $compile_targets >"$probe/log" 2>&1; then
  cat "$probe/log"
  exit 1
fi

# Plain malloc for GLib 2.74's slice allocator, so that ASan sees every
# block; abort on the first report of any sanitizer.
export G_SLICE=always-malloc G_DEBUG=gc-friendly
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

status=0
for t in $targets; do
  work="$builddir/fuzz-work/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp tests/fuzz/corpus/"$t"/* "$work/corpus/"
  case $t in
    retry) max_len=256 ;;
    *) max_len=4096 ;;
  esac

  rc=0
  "$builddir/tests/fuzz/fuzz-$t" "$work/corpus" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -error_exitcode=1 -max_len="$max_len" -dict="tests/fuzz/dict/$t.dict" \
    -artifact_prefix="$work/artifacts/" -print_final_stats=1 \
    >"$work/log" 2>&1 || rc=$?

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log")
  added=$(sed -n 's/^stat::new_units_added: *//p' "$work/log")
  # From libFuzzer's last status line, "#N DONE cov: C ft: F corp: U/S ...".
  cov=$(awk '/ cov: / { for (i = 1; i < NF; i++) v[$i] = $(i + 1) }
    END { if ("cov:" in v)
      printf "cov %s, ft %s, corpus %s", v["cov:"], v["ft:"], v["corp:"] }' \
    "$work/log")
  if [ "$rc" -eq 0 ]; then
    verdict=ok
  else
    verdict="FAILED (exit $rc)"
    status=1
  fi
  echo "fuzz-$t: ${seconds}s, ${execs:-?} execs (${rate:-?}/s)," \
    "${cov:-cov ?}, ${added:-0} new inputs: $verdict"
  if [ "$rc" -ne 0 ]; then
    # Once more with slow unwinding, for whole stacks through GLib and
    # json-glib (built without frame pointers).
    report="$work/log"
    for a in "$work"/artifacts/*; do
      [ -e "$a" ] || continue
      echo "  reproducer: $a"
      if [ "$report" = "$work/log" ]; then
        report="$work/reproduce.log"
        ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0" \
          "$builddir/tests/fuzz/fuzz-$t" "$a" >"$report" 2>&1 || true
      fi
    done
    pattern='^==[0-9]+==ERROR|^SUMMARY|invariant broken|CRITICAL|WARNING'
    pattern="$pattern|runtime error|leak of|^ +#[0-9]+ "
    # Frames of libFuzzer, of the abort and of GLib's logging say nothing.
    noise=' in (fuzzer::|main|_start|__libc_start|__sanitizer_|raise|abort)'
    noise="$noise| in (__pthread_kill|g_logv?|g_log_)|0x[0-9a-f]+  \("
    grep -E "$pattern" "$report" \
      | grep -v -E "$noise" \
      | sed -e 's/ (BuildId: [0-9a-f]*)//' -e 's/^/  /' | head -n 30
    echo "  full logs: $work/log $report"
  fi
done

exit $status
