#!/bin/sh
# The backend ladder of linloss.h, checked at compile time with the compiler
# meson uses: the automatic choice for a few sets of flags, and an #error for
# a backend the flags do not enable.
# Usage: ladder.sh SOURCE_ROOT CPU_FAMILY COMPILER [ARGS...]
root=$1 family=$2
shift 2
tmp=${TMPDIR:-/tmp}/linloss-ladder.$$
mkdir -p "$tmp" && trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/t.c" <<'EOT'
#include "linloss.h"
#if LINLOSS_BACKEND != EXPECT
#error "wrong backend"
#endif
int main(void) { return linloss_backend_name()[0] == 0; }
EOT
pass=0 fail=0
# expect OUTCOME WHAT FLAGS...: OUTCOME is a backend macro, or "error"
expect() {
  want=$1 what=$2
  shift 2
  if [ "$want" = error ]; then
    if "$@" -I"$root" -DEXPECT=0 -c "$tmp/t.c" -o "$tmp/t.o" > "$tmp/log" 2>&1; then
      echo "not ok - $what: compiled, expected an #error"; fail=$((fail + 1))
    else
      echo "ok - $what: #error"; pass=$((pass + 1))
    fi
  elif "$@" -I"$root" -DEXPECT="$want" -c "$tmp/t.c" -o "$tmp/t.o" > "$tmp/log" 2>&1; then
    echo "ok - $what: $want"; pass=$((pass + 1))
  else
    echo "not ok - $what: not $want"; sed 's/^/# /' "$tmp/log" | head -5; fail=$((fail + 1))
  fi
}
case "$family" in
  x86_64)
    expect LINLOSS_BACKEND_SCALAR "plain x86-64" "$@"
    expect LINLOSS_BACKEND_AVX2 "-march=x86-64-v3" "$@" -march=x86-64-v3
    expect LINLOSS_BACKEND_AVX512 "-march=x86-64-v4" "$@" -march=x86-64-v4
    expect LINLOSS_BACKEND_AVX2 "-mavx2 -mfma" "$@" -mavx2 -mfma
    expect LINLOSS_BACKEND_SCALAR "-mavx2 without -mfma" "$@" -mavx2
    expect error "AVX2 asked for without -mavx2" "$@" -DLINLOSS_BACKEND=LINLOSS_BACKEND_AVX2
    expect error "AVX-512 asked for with only AVX2" "$@" -mavx2 -mfma -DLINLOSS_BACKEND=LINLOSS_BACKEND_AVX512
    expect error "NEON asked for on x86" "$@" -DLINLOSS_BACKEND=LINLOSS_BACKEND_NEON
    # -march=native: what this CPU has, as the compiler sees it
    native=LINLOSS_BACKEND_SCALAR
    defs=$("$@" -march=native -dM -E - < /dev/null 2>/dev/null)
    if echo "$defs" | grep -q "__AVX512F__"; then native=LINLOSS_BACKEND_AVX512
    elif echo "$defs" | grep -q "__AVX2__" && echo "$defs" | grep -q "__FMA__"; then native=LINLOSS_BACKEND_AVX2; fi
    expect "$native" "-march=native" "$@" -march=native
    ;;
  aarch64)
    expect LINLOSS_BACKEND_NEON "plain aarch64" "$@"
    expect error "AVX2 asked for on aarch64" "$@" -DLINLOSS_BACKEND=LINLOSS_BACKEND_AVX2
    ;;
  *)
    expect LINLOSS_BACKEND_SCALAR "plain $family" "$@"
    expect error "NEON asked for on $family" "$@" -DLINLOSS_BACKEND=LINLOSS_BACKEND_NEON
    ;;
esac
expect LINLOSS_BACKEND_SCALAR "scalar asked for" "$@" -DLINLOSS_BACKEND=LINLOSS_BACKEND_SCALAR
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
