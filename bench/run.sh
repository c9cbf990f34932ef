#!/usr/bin/env bash
# bench/run.sh - build the benchmark suite (meson, release: -O3, the baselines
# at -O2) and run it the way docs/bench.json and docs/bench.png are made:
# every backend, the naive loops and the OpenBLAS two-pass in one binary, one
# thread, 0.1 s per benchmark, the key shapes 5 times (medians), the runs of all
# benchmarks in a random order (Google Benchmark's random interleaving), so
# that a slow spell of a shared machine falls on every implementation alike
# rather than on one. About four minutes on an idle 2-core machine. Prints the
# Markdown tables of plot.py.
#
#   bash bench/run.sh                     # the whole suite -> docs/
#   bash bench/run.sh --benchmark_filter='softmax/(avx2|openblas)/'
#                                         # any linloss_bench / Google Benchmark flags;
#                                         # a filtered run goes to $build/bench.json
#                                         # and $build/bench.png, not to docs/
# Environment: LINLOSS_BENCH_BUILD (build directory, default build-bench),
#              CC / CXX (compilers, at the first configure).
set -eu
cd "$(dirname "$0")/.."
bash scripts/deps.sh bench
build=${LINLOSS_BENCH_BUILD:-build-bench}
setup_args=(--buildtype=release -Dbenchmarks=enabled -Dtests=disabled -Dexamples=disabled)
if [ -f "$build/build.ninja" ]; then
  meson setup --reconfigure "$build" "${setup_args[@]}" > /dev/null
else
  meson setup "$build" "${setup_args[@]}" > /dev/null
fi
ninja -C "$build" bench/linloss_bench

out=docs
for a in "$@"; do
  case "$a" in --benchmark_filter=*) out=$build ;; esac
done
mkdir -p "$out"
start=$(date +%s)
"$build/bench/linloss_bench" --benchmark_min_time=0.1 --linloss_reps=5 --benchmark_enable_random_interleaving=true \
  --benchmark_out="$out/bench.json" --benchmark_out_format=json "$@"
echo "benchmark run: $(( $(date +%s) - start )) s"
/usr/bin/python3 bench/plot.py "$out/bench.json" -o "$out/bench.png" --md "$build/bench.md"
