#!/usr/bin/env bash
# Makes sure the Debian packages ompscale builds and plots with are present.
# As root (or with password-less sudo) it installs what is missing; otherwise
# it stops and prints the exact command to run.  `deps.sh llvm` adds clang,
# LLVM's OpenMP runtime with Archer, and the sanitizer and libFuzzer runtimes
# (make test-race, make fuzz); `deps.sh cluster` adds Slurm and munge
# (make test-cluster).  Open MPI runs the process kernels across ranks and
# nodes (--ranks, --hostfile).
set -euo pipefail

packages=(cmake make gcc g++ pkg-config git libbenchmark-dev libjansson-dev
          libcsv-dev libhwloc-dev libsqlite3-dev openmpi-bin libopenmpi-dev gnuplot-nox
          fonts-dejavu-core chromium)
[ "${1:-}" = llvm ] && packages+=(clang libomp-dev libclang-rt-dev)
# `deps.sh cluster`: Slurm and munge for tests/slurm.sh (make test-cluster).
[ "${1:-}" = cluster ] && packages+=(slurmd slurmctld slurm-client munge)

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "ompscale: not a Debian-based system; install by hand: ${packages[*]}" >&2
    exit 0
fi

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
        missing+=("$p")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

install=(apt-get install -y --no-install-recommends "${missing[@]}")
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo)
else
    echo "ompscale: missing packages: ${missing[*]}" >&2
    echo "ompscale: install them with: sudo ${install[*]}" >&2
    exit 1
fi
echo "ompscale: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" "${install[@]}" >&2
