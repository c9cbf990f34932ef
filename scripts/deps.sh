#!/usr/bin/env bash
# Installs the Debian packages that linloss.h's build, tests and examples use,
# where they are missing. Usage: scripts/deps.sh [test|train|bench|hardening]...
set -eu
pkgs="meson ninja-build gcc g++ clang pkg-config zlib1g-dev libsimde-dev"
for what in "$@"; do
  case "$what" in
    test) pkgs="$pkgs libomp-14-dev libclang-rt-14-dev gcc-aarch64-linux-gnu libc6-dev-arm64-cross gcc-s390x-linux-gnu libc6-dev-s390x-cross qemu-user" ;;
    train) pkgs="$pkgs python3-numpy python3-matplotlib dataset-fashion-mnist" ;;
    bench) pkgs="$pkgs libbenchmark-dev libopenblas-dev python3-numpy python3-matplotlib" ;;
    # scripts/hardening.sh: sanitizers and libFuzzer (clang's runtime of
    # Debian 12's clang 14), valgrind, the aarch64 replay under qemu
    hardening) pkgs="$pkgs clang libclang-rt-14-dev valgrind qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross" ;;
  esac
done
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends $missing > /dev/null
