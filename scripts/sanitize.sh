#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (issue 9): builds
# aunet, its libraries and the core/io/model/app test suites with
# -DAUNET_SANITIZE=address,undefined in build-asan/ (no viewer: Qt is not instrumented
# and the GUI tests add nothing the sanitizers see), then runs CTest there. Any
# invalid memory access or undefined behaviour stops the test that hit it.
#
#   bash scripts/sanitize.sh            # build (incremental) and run every test
#   bash scripts/sanitize.sh -R Dicom   # extra arguments go to ctest
#   AUNET_ASAN_SUITES="core io" bash scripts/sanitize.sh   # only those layers' suites
#
# Environment: AUNET_ASAN_BUILD_DIR (default build-asan), AUNET_VENV (default .venv),
# AUNET_JOBS (build parallelism, default: all cores), AUNET_ASAN_SUITES (test suites to
# build and run, any of core imaging io model pipeline app; default all: the io suite
# alone, where the file parsers are, builds in a fraction of the time). Needs what scripts/setup.sh
# installs; run that once first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${AUNET_ASAN_BUILD_DIR:-$ROOT/build-asan}"
VENV="${AUNET_VENV:-$ROOT/.venv}"
JOBS="${AUNET_JOBS:-$(nproc)}"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

TORCH_PREFIX="$("$VENV/bin/python" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)" || {
  echo "sanitize.sh: no LibTorch in $VENV; run scripts/setup.sh first (or set AUNET_VENV)" >&2
  exit 1
}
CUDACXX="${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  say "Configuring ASan + UBSan build in $BUILD_DIR"
  mkdir -p "$BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DAUNET_SANITIZE=address,undefined -DAUNET_WITH_GUI=OFF \
    -DCMAKE_PREFIX_PATH="$TORCH_PREFIX" -DTORCH_CUDA_ARCH_LIST="8.0;9.0" \
    -DCMAKE_CUDA_COMPILER="$CUDACXX" -DCUDAToolkit_ROOT="$(dirname "$(dirname "$CUDACXX")")" \
    >"$BUILD_DIR/configure.log" 2>&1 || { cat "$BUILD_DIR/configure.log" >&2; exit 1; }
fi
say "Building (ASan + UBSan)"
SUITES=(${AUNET_ASAN_SUITES:-core imaging io model pipeline app})
TARGETS=()
LABELS=""
for suite in "${SUITES[@]}"; do
  case "$suite" in
    core | imaging | io | model | pipeline | app) TARGETS+=("aunet_${suite}_tests"); LABELS="${LABELS:+$LABELS|}^$suite\$" ;;
    *) echo "sanitize.sh: unknown suite '$suite' (core, imaging, io, model, pipeline, app)" >&2; exit 2 ;;
  esac
done
# The CLI binary only with the app suite (its tests run it).
if [[ " ${SUITES[*]} " == *" app "* ]]; then TARGETS+=(aunet); LABELS="$LABELS|^cli\$"; fi
cmake --build "$BUILD_DIR" --parallel "$JOBS" --target "${TARGETS[@]}"

# Leak checking is off: LibTorch, ITK and GDCM keep process-lifetime allocations that
# LeakSanitizer would report at exit. CUDA's runtime needs the shadow gap unprotected.
export ASAN_OPTIONS="detect_leaks=0:protect_shadow_gap=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
say "Running the test suite under the sanitizers"
LOG="$BUILD_DIR/ctest.log"
set +e
start=$(date +%s)
ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "$JOBS" --timeout 1800 -L "$LABELS" "$@" 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
set -e
echo "sanitize.sh: $(( $(date +%s) - start )) s of tests"
grep -E '^[0-9]+% tests passed' "$LOG" | tail -1 || echo "ctest produced no summary (exit $status)"
exit "$status"
