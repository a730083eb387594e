#!/usr/bin/env bash
# SIGTERM and SIGINT at 20 random instants of each phase outside the sweep
# (tests/signals.sh with TRIES=20): the exit code, the slowest exit after
# the signal per phase, nothing half-written, no process left.  The sweep's
# own 31 trials are tests/interrupt.sh.
# Usage: bench/signals.sh [SEED]   (after make build)
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash tests/signals.sh build/ompscale plots/plot.sh 20 "${1:-2026}"
