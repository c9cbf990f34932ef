#!/usr/bin/env bash
# The main job: builds examples/train (installing what a fresh Debian machine
# lacks) and trains softmax and SVM classifiers on the bundled UCI digits.
# Extra arguments go to both runs, e.g. --data DIR for Fashion-MNIST.
set -eu
cd "$(dirname "$0")/.."
bash scripts/deps.sh train
build=${LINLOSS_BUILD_DIR:-build}
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" -Dbuildtype=release -Dtests=disabled -Dbenchmarks=disabled > /dev/null
fi
ninja -C "$build" examples/train > /dev/null
for loss in softmax svm; do
  echo "=== $loss"
  "$build/examples/train" --loss "$loss" "$@"
done
