#!/usr/bin/env bash
# The whole test suite: every backend this machine builds natively, then NEON
# and SIMDe under qemu-aarch64 and scalar and SIMDe on big-endian s390x, then
# the consumer projects (tests/consumers/run.sh), then the hardening checks
# (scripts/hardening.sh: sanitizers, valgrind, fuzzing, NEON replay, TSan).
# Installs what a fresh Debian machine lacks. Ends with the line "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
bash scripts/deps.sh test || { echo "could not install the dependencies"; echo "0 passed, 1 failed"; exit 1; }
out=${LINLOSS_BUILD_ROOT:-build-tests}
passed=0 failed=0 skipped=0
# run NAME MESON-SETUP-ARGS...: configure, build, test one configuration
run() {
  local name=$1 dir="$out/$1"; shift
  echo "=== $name"
  if ! { meson setup --wipe "$dir" "$@" > "$dir.setup.log" 2>&1 || meson setup "$dir" "$@" > "$dir.setup.log" 2>&1; } ||
     ! ninja -C "$dir" > "$dir.build.log" 2>&1; then
    mkdir -p "$dir"; cat "$dir.setup.log" "$dir.build.log" 2>/dev/null | tail -40
    echo "not ok - $name: configure or build failed"; failed=$((failed + 1)); return
  fi
  meson test -C "$dir" --print-errorlogs --num-processes 2 | grep -E "^ *[0-9]+/[0-9]+ |^(Ok|Fail|Skipped|Timeout|Expected Fail|Unexpected Pass):"
  local log="$dir/meson-logs/testlog.json"
  local p f s
  p=$(grep -c -E '"result": "(OK|EXPECTEDFAIL)"' "$log" 2>/dev/null); f=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log" 2>/dev/null); s=$(grep -c '"result": "SKIP"' "$log" 2>/dev/null)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
}
mkdir -p "$out"
run native-gcc -Dbuildtype=release
CC=clang CXX=clang++ run native-clang -Dbuildtype=release -Dexamples=disabled
run aarch64 --cross-file cross/aarch64-linux-gnu.txt -Dexamples=disabled
run s390x --cross-file cross/s390x-linux-gnu.txt -Dexamples=disabled
# script NAME PATH: a test script that ends with "N passed, N failed"
script() {
  local name=$1 log="$out/$1.log"; shift
  echo "=== $name"
  bash "$@" > "$log" 2>&1
  grep -E "^not ok" "$log" | head -20
  local last p f
  last=$(grep -E "^[0-9]+ passed, [0-9]+ failed$" "$log" | tail -1)
  if [ -z "$last" ]; then
    tail -20 "$log"; echo "not ok - $name: no summary line"; failed=$((failed + 1)); return
  fi
  echo "$last"
  p=${last%% passed*}; f=${last#*, }; f=${f%% failed*}
  passed=$((passed + p)); failed=$((failed + f))
}
script consumers tests/consumers/run.sh
LINLOSS_BUILD_ROOT="$out/hardening" script hardening scripts/hardening.sh
echo "$skipped skipped (instructions this CPU lacks)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
