#!/usr/bin/env bash
# The whole test suite: makes sure everything is installed and built (scripts/setup.sh
# --no-demo), then runs CTest. Extra arguments go to ctest (e.g. -L unit, -R Gate).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${AUNET_BUILD_DIR:-$ROOT/build}"
bash "$ROOT/scripts/setup.sh" --no-demo
LOG="$BUILD_DIR/ctest.log"
set +e
ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "$(nproc)" "$@" 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
set -e
# End with CTest's summary line so logs and CI show the verdict last.
grep -E '^[0-9]+% tests passed' "$LOG" | tail -1 || echo "ctest produced no summary (exit $status)"
exit "$status"
