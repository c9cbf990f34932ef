#!/usr/bin/env bash
# tests/consumers/run.sh - builds and runs small programs that use linloss.h
# the way its users do, by every route the README gives:
#   copy      the header beside the program: cc consumer.c -lm (and renamed,
#             and with the build modifiers set)
#   C++       consumer.cpp with g++ and clang++, C++11 and C++17
#   meson     a project with linloss as a subproject (subprojects/linloss.wrap,
#             dependency('linloss')); linloss's own tests are not built there
#   install   `meson install` into a temporary prefix, then pkg-config and
#             CMake's find_package(linloss CONFIG) against it, also with
#             -Dlinloss_backend=avx2 and =simde (the flags travel with it)
# then the warning matrix (every backend this machine builds, gcc and clang,
# C99, C11, C++11, C++17, -Wall -Wextra -Wpedantic -Werror), and that the
# header leaks nothing: no pragma or fp-contract change, no reserved names.
#
# Usage: bash tests/consumers/run.sh   (from anywhere; builds in a temporary
# directory under ${TMPDIR:-/tmp}, removed at the end; LINLOSS_CONSUMERS_KEEP=1
# keeps it). Installs missing Debian packages when it can (root or sudo).
# Prints "ok - ..." or "not ok - ..." per check; ends with "N passed, N failed"
# and exits non-zero on any failure.
set -u
export LC_ALL=C
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/../.." && pwd -P)
started=$SECONDS
W="-Wall -Wextra -Wpedantic -Werror"

# ------------------------------------------------------------------ tools
missing=""
for t in meson:meson ninja:ninja-build gcc:gcc g++:g++ clang:clang clang++:clang \
         pkg-config:pkg-config cmake:cmake python3:python3; do
  command -v "${t%%:*}" > /dev/null 2>&1 || missing="$missing ${t#*:}"
done
if ! command -v gcc > /dev/null 2>&1 ||
   ! printf '#include <simde/x86/avx2.h>\n' | gcc -x c -fsyntax-only - > /dev/null 2>&1; then
  missing="$missing libsimde-dev"
fi
if [ -n "$missing" ] && command -v apt-get > /dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  echo "# installing:$missing"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      --no-install-recommends $(echo "$missing" | tr ' ' '\n' | sort -u); } > /dev/null 2>&1 ||
    echo "# could not install:$missing"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/linloss-consumers.XXXXXX") || { echo "0 passed, 1 failed"; exit 1; }
work=$(cd "$work" && pwd -P)
cleanup() {
  if [ "${LINLOSS_CONSUMERS_KEEP:-0}" = 1 ]; then echo "# kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0 failed=0 nlog=0
ok() { passed=$((passed + 1)); echo "ok - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $*"; }
# check NAME CMD...: runs CMD, its output to a log; ok when it exits 0, else
# "not ok" and the end of the log.
check() {
  local name=$1 log
  shift
  nlog=$((nlog + 1))
  log="$work/log.$nlog"
  if "$@" > "$log" 2>&1; then
    ok "$name"
  else
    not_ok "$name"
    tail -n 25 "$log" | sed 's/^/#   /'
  fi
}
have() { command -v "$1" > /dev/null 2>&1; }
section() { echo "# --- $* ($((SECONDS - started)) s)"; }
cpu_has() { grep -qw "$1" /proc/cpuinfo 2> /dev/null; }

# The version, as meson.build and linloss.h say it.
meson_version=$(sed -n "s/^ *version *: *'\([0-9.]*\)'.*/\1/p" "$root/meson.build" | head -n 1)
header_version=$(awk '/^#define LINLOSS_VERSION_(MAJOR|MINOR|PATCH) /{v = v (v == "" ? "" : ".") $3} END{print v}' "$root/linloss.h")

# The backends this machine builds: name, flags, whether its CPU runs them.
arch=$(uname -m)
backends=()
declare -A bflags=() brun=()
add_backend() { backends+=("$1"); bflags[$1]=$2; brun[$1]=$3; }
add_backend scalar "-DLINLOSS_BACKEND=LINLOSS_BACKEND_SCALAR" 1
# SIMDe's 256-bit vectors, passed by value between inline functions on a CPU
# without AVX, make gcc and clang warn of the ABI (-Wpsabi; gcc's warning has
# no source location, so no pragma in the header can silence it): -Wno-psabi
# is part of what the backend needs, as in meson.build.
if have gcc && printf '#include <simde/x86/avx2.h>\n#include <simde/x86/fma.h>\n' |
     gcc -x c -fsyntax-only - > /dev/null 2>&1; then
  add_backend simde "-DLINLOSS_BACKEND=LINLOSS_BACKEND_SIMDE -Wno-psabi" 1
fi
case "$arch" in
  x86_64 | i?86 | amd64)
    r=0; cpu_has avx2 && cpu_has fma && r=1
    add_backend avx2 "-mavx2 -mfma" $r
    r=0; cpu_has avx512f && r=1
    add_backend avx512 "-mavx512f -mavx2 -mfma" $r ;;
  aarch64 | arm64)
    add_backend neon "" 1 ;;
esac
echo "# linloss.h $header_version (meson.build $meson_version); backends: ${backends[*]} ($arch)"
for b in "${backends[@]}"; do
  [ "${brun[$b]}" = 1 ] || echo "# $b: built, not run (this CPU lacks it)"
done

# compile_run RUN OUT CMD...: CMD (a compile line) -o OUT -lm, then OUT when RUN is 1.
compile_run() {
  local run=$1 out=$2
  shift 2
  "$@" -o "$out" -lm || return 1
  [ "$run" = 1 ] || return 0
  "$out"
}

# ---------------------------------------------------------------- version
section "version"
check "version: LINLOSS_VERSION_MAJOR.MINOR.PATCH ($header_version) = meson.build's project version ($meson_version)" \
  test -n "$meson_version" -a "$header_version" = "$meson_version"
check "version: CHANGELOG.md has a section for $header_version" \
  grep -qE "^## \[$header_version\]" "$root/CHANGELOG.md"

# ------------------------------------------------------------ (a) copy
section "copy"
copy="$work/copy"
mkdir -p "$copy/bare" "$copy/renamed/third_party"
cp "$root/linloss.h" "$here/consumer.c" "$here/consumer2.c" "$here/consumer_modifiers.c" "$copy/"
cp "$root/linloss.h" "$copy/renamed/third_party/ll.h"
cp "$here/consumer.c" "$here/consumer2.c" "$copy/bare/"

copy_plain() (cd "$copy/bare" && cc -I"$root" consumer.c consumer2.c -o app -lm && ./app)
check "copy: cc -I<repository> consumer.c consumer2.c -lm builds and runs" copy_plain
for std in c99 c11; do
  copy_std() (cd "$copy" && cc -std="$1" -O2 $W "-DEXPECT_VERSION=\"$meson_version\"" \
                 consumer.c consumer2.c -o "app-$1" -lm && "./app-$1")
  check "copy: linloss.h beside the program, cc -std=$std $W, builds and runs" copy_std $std
done

cat > "$copy/renamed/renamed.c" << 'EOF'
/* linloss.h copied as third_party/ll.h (and no linloss.h anywhere):
   LINLOSS_HEADER_FILE names it. */
#define LINLOSS_HEADER_FILE "ll.h"
#include "third_party/ll.h"
int main(void) {
  float S[4] = {0, 0, 0, 0}, loss = 0;
  int32_t y[2] = {0, 1};
  return linloss_softmax_scores_f32(2, 2, S, 2, y, NULL, &loss, S, 2) != LINLOSS_OK ||
         loss < 0.6931f || loss > 0.6932f || S[0] != -0.25f;
}
EOF
copy_renamed() (cd "$copy/renamed" && cc -std=c99 -O2 $W renamed.c -o renamed -lm && ./renamed)
check "copy: renamed to third_party/ll.h with -DLINLOSS_HEADER_FILE, builds and runs" copy_renamed

mods=""
for b in "${backends[@]}"; do
  copy_mods() (cd "$copy" && compile_run "${brun[$1]}" "./mods-$1" cc -std=c99 -O2 $W ${bflags[$1]} consumer_modifiers.c)
  if copy_mods "$b" > "$work/mods-$b.log" 2>&1; then mods="$mods $b"; else
    not_ok "copy: build modifiers LINLOSS_MALLOC, LINLOSS_FREE, LINLOSS_STACK_SCRATCH, LINLOSS_BLOCK_ROWS ($b)"
    tail -n 25 "$work/mods-$b.log" | sed 's/^/#   /'
  fi
done
[ -n "$mods" ] && ok "copy: build modifiers LINLOSS_MALLOC, LINLOSS_FREE, LINLOSS_STACK_SCRATCH, LINLOSS_BLOCK_ROWS work (${mods# })"

# ------------------------------------------------------------- (e) C++
section "C++"
cp "$here/consumer.cpp" "$copy/"
for cxx in g++ clang++; do
  if [ "$cxx" = g++ ]; then c=gcc; else c=clang; fi
  for std in c++11 c++17; do
    cpp_consumer() (cd "$copy" && "$c" -std=c99 -O2 $W -c consumer2.c -o "c2-$1.o" &&
                      "$1" -std="$2" -O2 $W consumer.cpp "c2-$1.o" -o "app-$1-$2" -lm && "./app-$1-$2")
    check "C++: $cxx -std=$std $W consumer.cpp, linked with consumer2.c ($c -std=c99), builds and runs" \
      cpp_consumer "$cxx" "$std"
  done
done

# ------------------------------------------------- (b) meson subproject
section "meson subproject"
sub="$work/meson-sub"
mkdir -p "$sub/subprojects"
cp "$here/meson/meson.build" "$here/meson/meson_options.txt" "$here/consumer.c" "$here/consumer.cpp" \
   "$here/consumer2.c" "$sub/"
cp "$here/meson/linloss.wrap" "$sub/subprojects/"
ln -s "$root" "$sub/subprojects/linloss"
# no_linloss_targets BUILDDIR: the subproject built nothing of its own.
no_linloss_targets() {
  meson introspect --targets "$1" | python3 -c '
import json, sys
t = json.load(sys.stdin)
own = [x["name"] for x in t if x.get("subproject")]
print("targets:", [x["name"] for x in t], "of subprojects:", own)
sys.exit(1 if own else 0)'
}
sub_setup() { meson setup "$sub/build" "$sub" "-Dexpect_version=$meson_version"; }
check "meson subproject: setup, dependency('linloss') through subprojects/linloss.wrap" sub_setup
check "meson subproject: linloss's tests, examples and benchmarks are not built" no_linloss_targets "$sub/build"
check "meson subproject: the C and C++ consumers build (warning_level=3, werror)" ninja -C "$sub/build"
check "meson subproject: meson test runs them" meson test -C "$sub/build" --print-errorlogs
if [ -n "${bflags[avx2]+x}" ]; then
  sub_avx2() {
    meson setup "$sub/build-avx2" "$sub" -Dlinloss:linloss_backend=avx2 -Dexpect_backend=avx2 &&
      ninja -C "$sub/build-avx2" || return 1
    [ "${brun[avx2]}" = 1 ] || return 0
    meson test -C "$sub/build-avx2" --print-errorlogs
  }
  check "meson subproject: -Dlinloss:linloss_backend=avx2, linloss_dep carries it (linloss_backend_name() == \"avx2\")" sub_avx2
fi

# ------------------------------------------ (c) meson install, pkg-config
section "meson install, pkg-config"
# install_prefix PREFIX [MESON OPTIONS]: linloss.h, linloss.pc and the CMake
# package into PREFIX, without the tests, examples and benchmarks.
install_prefix() {
  local prefix=$1 b="$work/build-$(basename "$1")"
  shift
  meson setup "$b" "$root" --prefix="$prefix" -Dtests=disabled -Dexamples=disabled \
    -Dbenchmarks=disabled "$@" && meson install -C "$b"
}
# pc_dir PREFIX: the directory linloss.pc went to (share/ or lib/.../ of PREFIX)
pc_dir() { dirname "$(find "$1" -name linloss.pc | head -n 1)"; }

prefix="$work/prefix"
check "install: meson setup --prefix=<temporary> && meson install" install_prefix "$prefix"
installed_files() {
  (cd "$prefix" && find . -type f | sort) > "$work/installed.txt"
  cat "$work/installed.txt"
  printf '%s\n' ./include/linloss.h ./share/cmake/linloss/linlossConfig.cmake \
    ./share/cmake/linloss/linlossConfigVersion.cmake ./share/pkgconfig/linloss.pc |
    diff - "$work/installed.txt" && cmp "$root/linloss.h" "$prefix/include/linloss.h"
}
check "install: the prefix holds include/linloss.h, share/pkgconfig/linloss.pc, share/cmake/linloss/linloss{Config,ConfigVersion}.cmake and nothing else" installed_files

mkdir -p "$work/pc"
cp "$here/consumer.c" "$here/consumer2.c" "$here/consumer.cpp" "$work/pc/"
export PKG_CONFIG_PATH
PKG_CONFIG_PATH="$(pc_dir "$prefix")"
pc_meta() {
  [ "$(pkg-config --modversion linloss)" = "$meson_version" ] &&
    pkg-config --exists "linloss >= 0.1" && ! pkg-config --exists "linloss >= 99" &&
    pkg-config --cflags linloss | grep -q -- "-I$prefix/include" &&
    ! pkg-config --cflags linloss | grep -q LINLOSS_BACKEND &&
    pkg-config --libs linloss | grep -q -- -lm
}
check "pkg-config: --modversion $meson_version, -I<prefix>/include, -lm, no backend (auto)" pc_meta
pc_c() (cd "$work/pc" && cc -std=c11 -O2 $W "-DEXPECT_VERSION=\"$meson_version\"" $(pkg-config --cflags linloss) \
          consumer.c consumer2.c -o app $(pkg-config --libs linloss) && ./app)
check "pkg-config: cc \$(pkg-config --cflags linloss) consumer.c consumer2.c \$(pkg-config --libs linloss) builds and runs" pc_c
pc_cpp() (cd "$work/pc" && cc -std=c99 -O2 $W $(pkg-config --cflags linloss) -c consumer2.c -o c2.o &&
            c++ -std=c++11 -O2 $W $(pkg-config --cflags linloss) consumer.cpp c2.o -o app_cpp \
              $(pkg-config --libs linloss) && ./app_cpp)
check "pkg-config: c++ -std=c++11 consumer.cpp with the same flags builds and runs" pc_cpp

# ------------------------------------------------- (d) CMake find_package
section "CMake find_package"
# cmake_consumer PREFIX BUILD [-D...]: configure tests/consumers/cmake against
# PREFIX, build app (C11) and app_cpp (C++17), run them when RUN=1.
cmake_consumer() {
  local prefix=$1 build=$2 run=$3
  shift 3
  cmake -S "$here/cmake" -B "$build" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=$prefix" \
    "-DEXPECT_PREFIX=$prefix" "$@" && cmake --build "$build" || return 1
  [ "$run" = 1 ] || return 0
  "$build/app" && "$build/app_cpp"
}
check "cmake: find_package(linloss 0.1 CONFIG REQUIRED) (99, 0.2 and 0.0.1 refused), linloss::linloss, app (C11) and app_cpp (C++17) build with $W and run" \
  cmake_consumer "$prefix" "$work/cmake" 1
cmake_moved() {
  cp -a "$prefix" "$work/prefix-moved" &&
    cmake -S "$here/cmake" -B "$work/cmake-moved" "-DCMAKE_PREFIX_PATH=$work/prefix-moved" \
      "-DEXPECT_PREFIX=$work/prefix-moved"
}
check "cmake: the package is relocatable (the prefix copied elsewhere is found there)" cmake_moved

# ------------------------- -Dlinloss_backend=NAME: the flags travel with it
section "-Dlinloss_backend"
if [ -n "${bflags[avx2]+x}" ]; then
  p2="$work/prefix-avx2"
  check "install -Dlinloss_backend=avx2: meson setup && meson install" install_prefix "$p2" -Dlinloss_backend=avx2
  pc_avx2_flags() {
    local f
    f=$(PKG_CONFIG_PATH="$(pc_dir "$p2")" pkg-config --cflags linloss) && echo "$f" &&
      echo "$f" | grep -q -- "-DLINLOSS_BACKEND=LINLOSS_BACKEND_AVX2" && echo "$f" | grep -q -- "-mavx2" &&
      echo "$f" | grep -q -- "-mfma"
  }
  check "pkg-config (-Dlinloss_backend=avx2): --cflags carry -DLINLOSS_BACKEND=LINLOSS_BACKEND_AVX2 -mavx2 -mfma" pc_avx2_flags
  pc_avx2_run() (
    export PKG_CONFIG_PATH
    PKG_CONFIG_PATH="$(pc_dir "$p2")"
    cd "$work/pc" && compile_run "${brun[avx2]}" ./app-avx2 cc -std=c99 -O2 $W '-DEXPECT_BACKEND="avx2"' \
      $(pkg-config --cflags linloss) consumer.c consumer2.c $(pkg-config --libs linloss)
  )
  check "pkg-config (-Dlinloss_backend=avx2): a consumer built with the .pc's flags alone has linloss_backend_name() == \"avx2\"" pc_avx2_run
  check "cmake (-Dlinloss_backend=avx2): linloss::linloss carries the backend, app and app_cpp report \"avx2\"" \
    cmake_consumer "$p2" "$work/cmake-avx2" "${brun[avx2]}" -DEXPECT_BACKEND=avx2
fi
if [ -n "${bflags[simde]+x}" ]; then
  p3="$work/prefix-simde"
  check "install -Dlinloss_backend=simde: meson setup && meson install" install_prefix "$p3" -Dlinloss_backend=simde
  pc_simde_run() (
    export PKG_CONFIG_PATH
    PKG_CONFIG_PATH="$(pc_dir "$p3")"
    cd "$work/pc" && compile_run 1 ./app-simde cc -std=c99 -O2 $W '-DEXPECT_BACKEND="simde"' \
      $(pkg-config --cflags linloss) consumer.c consumer2.c $(pkg-config --libs linloss)
  )
  check "pkg-config (-Dlinloss_backend=simde): with the .pc's flags alone (-Wno-psabi among them) $W builds, linloss_backend_name() == \"simde\"" pc_simde_run
fi

# ------------------------------------------------------- warning matrix
section "warning matrix"
# warnings.c (every entry point, float and double) for each backend x
# compiler x standard, as many at a time as there are cores; the results
# printed in order. C99 and C++11 at -O2, C11 and C++17 at -O3 (meson's and
# CMake's release builds): gcc's flow-based warnings differ between them.
mkdir -p "$work/m"
cp "$here/warnings.c" "$work/m/"
ncpu=$(nproc 2> /dev/null || echo 2)
names=()
i=0
matrix_job() { # INDEX BACKEND -OLEVEL COMPILER [-x c++] -std=STD
  local idx=$1 b=$2 opt=$3
  shift 3
  (cd "$work/m" && compile_run "${brun[$b]}" "./w$idx" "$@" "$opt" $W ${bflags[$b]} \
     -I"$root" "-DEXPECT_BACKEND=\"$b\"" warnings.c) > "$work/m/$idx.log" 2>&1
  echo $? > "$work/m/$idx.rc"
}
for b in "${backends[@]}"; do
  for cc_std in "gcc -std=c99" "gcc -std=c11" "clang -std=c99" "clang -std=c11" \
                "g++ -x c++ -std=c++11" "g++ -x c++ -std=c++17" \
                "clang++ -x c++ -std=c++11" "clang++ -x c++ -std=c++17"; do
    set -- $cc_std
    case $cc_std in *c11 | *c++17) opt=-O3 ;; *) opt=-O2 ;; esac
    names[$i]="warnings: $b backend, ${cc_std/-x c++ /} $opt $W${bflags[$b]:+ ${bflags[$b]}}: builds$([ "${brun[$b]}" = 1 ] && echo " and runs")"
    while [ "$(jobs -rp | wc -l)" -ge "$ncpu" ]; do wait -n; done
    matrix_job "$i" "$b" "$opt" "$@" &
    i=$((i + 1))
  done
done
wait
for ((j = 0; j < i; j++)); do
  if [ "$(cat "$work/m/$j.rc" 2> /dev/null)" = 0 ]; then ok "${names[$j]}"; else
    not_ok "${names[$j]}"
    grep -m 8 -E "error|warning" "$work/m/$j.log" | sed 's/^/#   /'
  fi
done

# ------------------------------------------------------ nothing leaks
section "nothing leaks"
pragmas() {
  local h="$root/linloss.h" push pop bad
  push=$(grep -cE '^\s*#\s*pragma\s+GCC\s+diagnostic\s+push' "$h")
  pop=$(grep -cE '^\s*#\s*pragma\s+GCC\s+diagnostic\s+pop' "$h")
  echo "#pragma GCC diagnostic push: $push, pop: $pop"
  [ "$push" = "$pop" ] || return 1
  # OpenMP's directives (#pragma omp, inside functions, compiled only under
  # _OPENMP) apply to the statement that follows them: nothing leaks
  bad=$(grep -nE '^\s*#\s*pragma' "$h" | grep -vE 'pragma\s+(GCC\s+diagnostic\s+(push|pop|ignored)|omp\s+(parallel|for|ordered)\b)')
  [ -z "$bad" ] || { echo "other #pragma lines: $bad"; return 1; }
  bad=$(grep -noE '_Pragma\s*\(\s*"[^"]*"' "$h" | grep -vE '"(GCC unroll|clang loop|GCC diagnostic)')
  [ -z "$bad" ] || { echo "other _Pragma: $bad"; return 1; }
  bad=$(grep -nE 'FP_CONTRACT|fp_contract|float_control|FENV_ACCESS|GCC\s+optimize|GCC\s+target|clang\s+attribute|__attribute__\s*\(\(\s*(optimize|target)' "$h")
  [ -z "$bad" ] || { echo "$bad"; return 1; }
}
check "no leak: linloss.h's #pragma GCC diagnostic push/pop are balanced; no other pragma (fp-contract, optimize, target, float_control) in it but OpenMP's statement directives" pragmas

cat > "$work/m/diag.c" << 'EOF'
#include "linloss.h"
int linloss_probe_diag(int c);
int linloss_probe_diag(int c) {
  int probe_unused;
  int probe_uninit;
  int probe_array[2] = {1, 2};
  return probe_uninit + c + probe_array[3];
}
EOF
printf 'double linloss_probe_fma(double a, double b, double c);\ndouble linloss_probe_fma(double a, double b, double c) { return a * b + c; }\n' > "$work/m/fma.c"
{ echo '#include "linloss.h"'; cat "$work/m/fma.c"; } > "$work/m/fma_with.c"
# the instructions of linloss_probe_fma in an assembly file
probe_insns() { sed -n '/^linloss_probe_fma:/,/\.size/p' "$1" | grep -E '^\s+[a-z]'; }
for b in "${backends[@]}"; do
  diag() {
    local c out
    for c in "gcc -std=c99" "clang -std=c99" "g++ -x c++ -std=c++11" "clang++ -x c++ -std=c++11"; do
      out=$(cd "$work/m" && $c -O2 -Wall -Wextra ${bflags[$1]} -I"$root" -c diag.c -o /dev/null 2>&1)
      echo "$c: $(echo "$out" | grep -oE '\-W(unused-variable|uninitialized|array-bounds)' | sort -u | tr '\n' ' ')"
      echo "$out" | grep -q -- -Wunused-variable && echo "$out" | grep -q -- -Wuninitialized &&
        echo "$out" | grep -q -- -Warray-bounds || return 1
    done
  }
  check "no leak ($b): after #include \"linloss.h\", -Wunused-variable, -Wuninitialized and -Warray-bounds still fire (gcc, clang, g++, clang++)" diag "$b"
done
fma_same() {
  local c fc b diffs=0
  for b in "${backends[@]}"; do
    case $b in avx2 | avx512) ;; *) continue ;; esac
    for c in gcc clang; do
      for fc in "" -ffp-contract=off -ffp-contract=fast; do
        (cd "$work/m" && $c -std=c99 -O2 ${bflags[$b]} $fc -I"$root" -S fma.c -o a.s &&
           $c -std=c99 -O2 ${bflags[$b]} $fc -I"$root" -S fma_with.c -o b.s) || return 1
        if [ "$(probe_insns "$work/m/a.s")" = "$(probe_insns "$work/m/b.s")" ] &&
           [ -n "$(probe_insns "$work/m/a.s")" ]; then
          echo "$b $c ${fc:-default}: same ($(probe_insns "$work/m/b.s" | grep -c fma) fma)"
        else
          echo "$b $c ${fc:-default}: DIFFERENT"; diffs=1
        fi
      done
    done
  done
  return $diffs
}
if [ -n "${bflags[avx2]+x}" ]; then
  check "no leak: a * b + c after #include \"linloss.h\" compiles as without it (gcc, clang; default, -ffp-contract=off, =fast; -mfma)" fma_same
fi

# Names: what linloss.h #defines, compared with a file that includes the same
# system headers, and the identifiers its code adds.
cat > "$work/m/base.c" << 'EOF'
#include <stddef.h>
#include <stdint.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include <stdlib.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#if defined(__aarch64__)
#include <arm_neon.h>
#endif
#if defined(PROBE_SIMDE)
#include <simde/x86/avx2.h>
#include <simde/x86/fma.h>
#endif
EOF
{ cat "$work/m/base.c"; echo '#include "linloss.h"'; } > "$work/m/with.c"
for b in "${backends[@]}"; do
  for lang in c c++; do
    names_check() {
      local b=$1 lang=$2 f=$work/m/n-$1-$2 fl bad
      fl="${bflags[$b]} -I$root"
      [ "$b" = simde ] && fl="$fl -DPROBE_SIMDE"
      (cd "$work/m" && gcc -x "$lang" $fl -dM -E base.c | sort > "$f.base.m" &&
         gcc -x "$lang" $fl -dM -E with.c | sort > "$f.with.m" &&
         gcc -x "$lang" $fl -E -P base.c > "$f.base.i" &&
         gcc -x "$lang" $fl -E -P with.c > "$f.with.i") || return 1
      comm -23 "$f.base.m" "$f.with.m" > "$f.changed"
      comm -13 "$f.base.m" "$f.with.m" | awk '{print $2}' | sed 's/(.*//' > "$f.new"
      echo "macros added: $(wc -l < "$f.new"); system macros changed or removed: $(wc -l < "$f.changed")"
      [ -s "$f.changed" ] && { head "$f.changed"; return 1; }
      bad=$(grep -vE '^(LINLOSS|linloss)_' "$f.new")
      [ -z "$bad" ] || { echo "outside the LINLOSS_/linloss_ prefix: $bad"; return 1; }
      # identifiers in the code: strings and character constants left out
      for x in base with; do
        sed -e 's/"\([^"\\]\|\\.\)*"//g' -e "s/'\\([^'\\\\]\\|\\\\.\\)*'//g" "$f.$x.i" |
          grep -oE '[A-Za-z_][A-Za-z0-9_]*' | sort -u > "$f.$x.t"
      done
      comm -13 "$f.base.t" "$f.with.t" > "$f.newt"
      bad=$(grep -E '^_' "$f.newt" | grep -vE '^(__builtin_[A-Za-z0-9_]*|__asm__|__attribute__|__restrict|__inline|__extension__|__typeof__)$')
      echo "identifiers added: $(wc -l < "$f.newt")"
      [ -z "$bad" ] || { echo "with a leading underscore: $bad"; return 1; }
      # a double underscore anywhere is reserved in C++: only the system's own
      # names (intrinsic types, SIMDe's simde__m256...) may carry one
      bad=$(cat "$f.new" "$f.newt" | grep -E '__' | grep -E '^(LINLOSS|linloss)' | sort -u | head -5)
      [ -z "$bad" ] || { echo "with a double underscore (reserved in C++): $bad"; return 1; }
    }
    check "names ($b, $lang): linloss.h defines only LINLOSS_*/linloss_* macros, changes no system macro, adds no identifier with a leading or double underscore" \
      names_check "$b" "$lang"
  done
done

section "done"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
