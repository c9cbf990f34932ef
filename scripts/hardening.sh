#!/usr/bin/env bash
# Hardening checks of linloss.h (issue 7), from a fresh clone on Debian:
#   (a) the whole test suite (meson test) built by clang with
#       -fsanitize=address,undefined -fno-sanitize-recover=all, for every
#       backend the host builds (scalar, SIMDe, AVX2, AVX-512);
#   (b) valgrind (--partial-loads-ok=no) on the AVX2 test binaries of a gcc
#       build: memory errors and definite leaks;
#   (c) the libFuzzer targets tests/fuzz/fuzz_*.c (the backend against the
#       float64 reference, see tests/fuzz/fuzz_common.h) for each x86
#       backend, each run bounded by LINLOSS_FUZZ_SECONDS (60) or
#       LINLOSS_FUZZ_RUNS (1000000) executions, from the committed seed
#       corpus tests/fuzz/corpus/ (left untouched; new inputs go to the build
#       directory), two at a time;
#   (d) that corpus (and what the fuzzers added to it) replayed on NEON: an
#       aarch64 build of tests/fuzz/replay.c under qemu-aarch64, and natively
#       by gcc builds of the x86 backends; and NEON's test_exp (a strided
#       subset of the floats), test_special and test_threads under qemu;
#   (e) test_threads under ThreadSanitizer.
# Installs what it needs (scripts/deps.sh hardening). Builds under
# ${LINLOSS_BUILD_ROOT:-build-hardening}. Every check prints "ok - ..." or
# "not ok - ..."; the last line is "N passed, N failed"; the exit status is
# 1 if any check failed. About 15-20 minutes on 2 cores.
set -u
cd "$(dirname "$0")/.."
out=${LINLOSS_BUILD_ROOT:-build-hardening}
fuzz_seconds=${LINLOSS_FUZZ_SECONDS:-60}
fuzz_runs=${LINLOSS_FUZZ_RUNS:-1000000}
passed=0 failed=0
t_start=$(date +%s)

ok() { echo "ok - $*"; passed=$((passed + 1)); }
notok() { echo "not ok - $*"; failed=$((failed + 1)); }
finish() {
  echo "# $(($(date +%s) - t_start)) s"
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit
}
# the last lines of a log, as "#" lines
show() { tail -n "${2:-15}" "$1" 2>/dev/null | sed 's/^/#   /'; }

if ! bash scripts/deps.sh hardening; then
  notok "install the dependencies (scripts/deps.sh hardening)"
  finish
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

# the x86 backends: LINLOSS_BACKEND value and compiler flags
backends="scalar simde avx2"
grep -q avx512f /proc/cpuinfo 2>/dev/null && backends="$backends avx512"
declare -A define=([scalar]=LINLOSS_BACKEND_SCALAR [simde]=LINLOSS_BACKEND_SIMDE
                   [avx2]=LINLOSS_BACKEND_AVX2 [avx512]=LINLOSS_BACKEND_AVX512)
declare -A flags=([scalar]="" [simde]="-Wno-psabi" [avx2]="-mavx2 -mfma" [avx512]="-mavx512f -mavx2 -mfma")

# ---------------------------------------------------- (a) ASan + UBSan
echo "# (a) clang -fsanitize=address,undefined -fno-sanitize-recover=all, the whole test suite"
san="$out/asan"
if ! { CC=clang CXX=clang++ meson setup --wipe "$san" -Dbuildtype=debugoptimized \
         -Db_sanitize=address,undefined -Db_lundef=false \
         -Dc_args=-fno-sanitize-recover=all -Dcpp_args=-fno-sanitize-recover=all \
         -Dexamples=disabled -Dbenchmarks=disabled > "$san.setup.log" 2>&1 ||
       CC=clang CXX=clang++ meson setup "$san" -Dbuildtype=debugoptimized \
         -Db_sanitize=address,undefined -Db_lundef=false \
         -Dc_args=-fno-sanitize-recover=all -Dcpp_args=-fno-sanitize-recover=all \
         -Dexamples=disabled -Dbenchmarks=disabled > "$san.setup.log" 2>&1; } ||
   ! nice ninja -C "$san" > "$san.build.log" 2>&1; then
  show "$san.setup.log"; show "$san.build.log" 30
  notok "sanitizers: configure or build failed"
else
  for b in scalar simde avx2 avx512; do
    if [ -x "$san/tests/test_linloss_$b" ]; then ok "sanitizers: the $b backend is built"
    else notok "sanitizers: the $b backend is not built (see $san.setup.log)"; fi
  done
  # the exhaustive exp sweep is the plain suite's job: strided here
  ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LINLOSS_TEST_EXP_STRIDE=16 LINLOSS_TEST_EXP_SAMPLES=1048576 \
    nice meson test -C "$san" --num-processes 2 --print-errorlogs > "$san.test.log" 2>&1
  log="$san/meson-logs/testlog.json"
  if [ ! -s "$log" ]; then
    show "$san.test.log" 30
    notok "sanitizers: meson test ran nothing"
  else
    # one line per test, with the first lines of what a failing one said
    while IFS=$'\t' read -r name result detail; do
      case "$result" in
        OK) ok "sanitizers: $name" ;;
        SKIP) ok "sanitizers: $name (skipped: the CPU lacks its instructions)" ;;
        *) notok "sanitizers: $name: $result"
           [ -n "$detail" ] && printf '%s\n' "$detail" | tr '\036' '\n' | sed 's/^/#   /' ;;
      esac
    done < <(python3 - "$log" <<'PY'
import json, re, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    out = (t.get("stdout") or "") + "\n" + (t.get("stderr") or "")
    bad = [l[:300] for l in out.splitlines()
           if re.match(r"(not ok|==\d+==ERROR|SUMMARY: |.*runtime error)", l)][:8]
    print("%s\t%s\t%s" % (t["name"], t["result"], "\x1e".join(bad)))
PY
)
  fi
fi

# ---------------------------------------------------- (b) valgrind
echo "# (b) valgrind --partial-loads-ok=no on the AVX2 test binaries (gcc -O2 -g)"
plain="$out/plain"
vg_tests="test_linloss_avx2 test_special_avx2 test_threads_avx2 test_exp_avx2"
if ! { meson setup --wipe "$plain" -Dbuildtype=debugoptimized -Dexamples=disabled -Dbenchmarks=disabled \
         > "$plain.setup.log" 2>&1 ||
       meson setup "$plain" -Dbuildtype=debugoptimized -Dexamples=disabled -Dbenchmarks=disabled \
         > "$plain.setup.log" 2>&1; } ||
   ! nice ninja -C "$plain" $(for t in $vg_tests; do echo "tests/$t"; done) > "$plain.build.log" 2>&1; then
  show "$plain.setup.log"; show "$plain.build.log" 30
  notok "valgrind: configure or build failed"
else
  for t in $vg_tests; do
    # exit status 101: valgrind found errors (the tests' own verdicts are
    # the sanitizer run's and the plain suite's business)
    LINLOSS_TEST_EXP_STRIDE=4099 LINLOSS_TEST_EXP_SAMPLES=65536 LINLOSS_TEST_ROUNDS=3 LINLOSS_TEST_SPECIAL_BIG_C=3000 \
      nice valgrind --error-exitcode=101 --partial-loads-ok=no --leak-check=full --errors-for-leak-kinds=definite \
      "$plain/tests/$t" > "$out/valgrind-$t.log" 2>&1
    rc=$?
    verdict=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$out/valgrind-$t.log" | tail -1)
    errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$out/valgrind-$t.log" | tail -1)
    if [ "$rc" -ne 101 ] && [ "$rc" -le 1 ] && [ "${errors:-x}" = 0 ]; then
      ok "valgrind: $t: 0 errors, no definite leaks (the test itself: ${verdict:-no verdict})"
    else
      notok "valgrind: $t: exit status $rc, ${errors:-?} errors (see $out/valgrind-$t.log)"
      grep -E "==[0-9]+== (Invalid|Conditional|Use of|Syscall|.*definitely lost)" "$out/valgrind-$t.log" | head -5 | sed 's/^/#   /'
    fi
  done
fi

# ---------------------------------------------------- (c) libFuzzer
echo "# (c) libFuzzer: every target on every x86 backend, $fuzz_seconds s or $fuzz_runs executions each"
fz="$out/fuzz"
mkdir -p "$fz"
targets=$(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//')
jobs=()
build_fuzzer() { # TARGET BACKEND DEFINE FLAGS
  clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -I. -Itests \
    -DLINLOSS_BACKEND="$3" $4 "tests/fuzz/$1.c" -o "$fz/$1_$2" -lm > "$fz/$1_$2.build.log" 2>&1
}
run_fuzzer() { # TARGET BACKEND
  local t=$1 b=$2 work="$fz/work-$1-$2"
  rm -rf "$work" "$fz/art-$t-$b"
  mkdir -p "$work" "$fz/art-$t-$b"
  ASAN_OPTIONS=abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    nice "$fz/${t}_$b" -max_total_time="$fuzz_seconds" -runs="$fuzz_runs" -max_len=1024 -timeout=60 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$fz/art-$t-$b/" \
    "$work" "tests/fuzz/corpus/$t" > "$fz/$t-$b.log" 2>&1
  echo $? > "$fz/$t-$b.rc"
}
report_fuzzer() { # TARGET BACKEND
  local t=$1 b=$2 rc runs secs crash
  rc=$(cat "$fz/$t-$b.rc" 2>/dev/null || echo 1)
  runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$fz/$t-$b.log" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$fz/$t-$b.log" | tail -1)
  crash=$(ls "$fz/art-$t-$b" 2>/dev/null | head -1)
  if [ "$rc" = 0 ] && [ -z "$crash" ]; then
    ok "fuzz $t $b: ${runs:-?} executions in ${secs:-?} s, no finding"
  else
    notok "fuzz $t $b: exit status $rc after ${runs:-?} executions${crash:+, input $fz/art-$t-$b/$crash}"
    grep -E -m 3 "linloss fuzz FAILURE|ERROR: AddressSanitizer|runtime error|ERROR: libFuzzer" "$fz/$t-$b.log" | sed 's/^/#   /'
    grep -E -m 4 "^    #[0-9] .* in linloss" "$fz/$t-$b.log" | sed 's/^/#   /'
  fi
}
pairs=""
case " $backends " in *" avx512 "*) ;; *) echo "# avx512: not fuzzed, the CPU lacks AVX-512F" ;; esac
# built two at a time (2 cores): the targets of one backend together
for b in $backends; do
  for t in $targets; do
    rm -f "$fz/${t}_$b"
    build_fuzzer "$t" "$b" "${define[$b]}" "${flags[$b]}" &
  done
  wait
  for t in $targets; do
    if [ -x "$fz/${t}_$b" ]; then pairs="$pairs $t:$b"
    else notok "fuzz $t $b: build failed"; show "$fz/${t}_$b.build.log"; fi
  done
done
# two at a time (2 cores)
set -- $pairs
while [ $# -gt 0 ]; do
  run_fuzzer "${1%%:*}" "${1#*:}" &
  if [ $# -gt 1 ]; then run_fuzzer "${2%%:*}" "${2#*:}" & fi
  wait
  report_fuzzer "${1%%:*}" "${1#*:}"; shift
  if [ $# -gt 0 ]; then report_fuzzer "${1%%:*}" "${1#*:}"; shift; fi
done

# ---------------------------------------------------- (d) corpus replays
echo "# (d) the corpus replayed: NEON under qemu-aarch64, and gcc builds of the x86 backends; NEON's tests"
for t in $targets; do
  dirs="tests/fuzz/corpus/$t"
  [ -d "$fz/work-$t-avx2" ] && dirs="$dirs $fz/work-$t-avx2"
  if aarch64-linux-gnu-gcc -std=c99 -O2 -I. -Itests -DLINLOSS_BACKEND=LINLOSS_BACKEND_NEON \
       tests/fuzz/replay.c "tests/fuzz/$t.c" -o "$fz/replay-$t-neon" -lm > "$fz/replay-$t-neon.build.log" 2>&1; then
    if nice qemu-aarch64 -L /usr/aarch64-linux-gnu "$fz/replay-$t-neon" $dirs > "$fz/replay-$t-neon.log" 2>&1; then
      ok "replay $t neon (qemu-aarch64): $(grep -m1 '^replayed' "$fz/replay-$t-neon.log")"
    else
      notok "replay $t neon (qemu-aarch64)"; show "$fz/replay-$t-neon.log"
    fi
  else
    notok "replay $t neon: aarch64 build failed"; show "$fz/replay-$t-neon.build.log"
  fi
  for b in $backends; do
    if gcc -std=c99 -O2 -I. -Itests -DLINLOSS_BACKEND="${define[$b]}" ${flags[$b]} tests/fuzz/replay.c \
         "tests/fuzz/$t.c" -o "$fz/replay-$t-$b" -lm > "$fz/replay-$t-$b.build.log" 2>&1 &&
       "$fz/replay-$t-$b" $dirs > "$fz/replay-$t-$b.log" 2>&1; then
      ok "replay $t $b (gcc -O2): $(grep -m1 '^replayed' "$fz/replay-$t-$b.log")"
    else
      notok "replay $t $b (gcc -O2)"; show "$fz/replay-$t-$b.build.log" 5; show "$fz/replay-$t-$b.log" 8
    fi
  done
done

# NEON's own tests (the meson suite builds them natively only): the exp on
# every 61st float of its range, the special values, the threads
for t in exp special threads; do
  if aarch64-linux-gnu-gcc -std=c99 -O2 -I. "tests/test_$t.c" -o "$fz/test_${t}_neon" -lm -lpthread \
       > "$fz/test_${t}_neon.build.log" 2>&1; then
    if LINLOSS_TEST_SPECIAL_BIG_C=3000 nice qemu-aarch64 -L /usr/aarch64-linux-gnu "$fz/test_${t}_neon" \
         > "$fz/test_${t}_neon.log" 2>&1; then
      ok "test_${t} neon (qemu-aarch64): $(tail -1 "$fz/test_${t}_neon.log")$(sed -n 's/^ok [0-9]* - neon f32 exp: max error \([0-9.]* ulp\).*/; f32 exp max \1/p' "$fz/test_${t}_neon.log")"
    else
      notok "test_${t} neon (qemu-aarch64)"; grep -E "^not ok" "$fz/test_${t}_neon.log" | head -5 | sed 's/^/#   /'
    fi
  else
    notok "test_${t} neon: aarch64 build failed"; show "$fz/test_${t}_neon.build.log"
  fi
done

# ---------------------------------------------------- (e) ThreadSanitizer
echo "# (e) test_threads under ThreadSanitizer (clang -fsanitize=thread, AVX2)"
if clang -std=c99 -g -O1 -fsanitize=thread -I. -DLINLOSS_BACKEND=LINLOSS_BACKEND_AVX2 -mavx2 -mfma \
     tests/test_threads.c -o "$out/test_threads_tsan" -lm -lpthread > "$out/tsan.build.log" 2>&1; then
  if TSAN_OPTIONS=halt_on_error=1 LINLOSS_TEST_ROUNDS=5 nice "$out/test_threads_tsan" > "$out/tsan.log" 2>&1; then
    ok "tsan: test_threads_avx2: $(tail -1 "$out/tsan.log")"
  else
    notok "tsan: test_threads_avx2"; show "$out/tsan.log"
  fi
else
  notok "tsan: build failed"; show "$out/tsan.build.log"
fi

# ---------------------------------------------------- (f) build modifiers
echo "# (f) tests/consumers/consumer_modifiers.c (tiny blocks, stack scratch, own allocator) under ASan + UBSan"
for b in $backends; do
  if clang -std=c99 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -I. \
       -DLINLOSS_BACKEND="${define[$b]}" ${flags[$b]} \
       tests/consumers/consumer_modifiers.c -o "$out/modifiers_$b" -lm > "$out/modifiers_$b.log" 2>&1 &&
     ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 "$out/modifiers_$b" >> "$out/modifiers_$b.log" 2>&1; then
    ok "sanitizers: build modifiers, $b: $(tail -1 "$out/modifiers_$b.log")"
  else
    notok "sanitizers: build modifiers, $b"; show "$out/modifiers_$b.log"
  fi
done

finish
