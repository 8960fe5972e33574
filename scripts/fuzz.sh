#!/usr/bin/env bash
# libFuzzer runs (issue 9): builds the fuzz targets with clang, libFuzzer, ASan and
# UBSan in build-fuzz/, writes seed corpora, and runs each target for a fixed time.
# Findings (crashing or leaking inputs, timeouts, huge allocations) land in
# build-fuzz/fuzz/findings/<target>/; reproduce one with
#   build-fuzz/fuzz/<target> build-fuzz/fuzz/findings/<target>/<file>
# and turn it into a regression test (tests/) before fixing it.
#
#   bash scripts/fuzz.sh                  # every target, 60 s each
#   bash scripts/fuzz.sh 300 fuzz_model_file
#
# Targets: fuzz_model_file (ModelFile::load), fuzz_dataset_json (NnUNetDataset::load +
# checkDataset), fuzz_image_reader (io::readImage/readLabelMap on in-memory files).
# Environment: AUNET_FUZZ_BUILD_DIR (default build-fuzz), AUNET_VENV (default .venv),
# AUNET_JOBS (build parallelism). Needs clang (Debian's clang package) and what
# scripts/setup.sh installs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${AUNET_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
VENV="${AUNET_VENV:-$ROOT/.venv}"
JOBS="${AUNET_JOBS:-$(nproc)}"
SECONDS_EACH="${1:-60}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(fuzz_model_file fuzz_dataset_json fuzz_image_reader)
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

command -v clang++ >/dev/null || { echo "fuzz.sh: needs clang++ (apt-get install clang)" >&2; exit 1; }
TORCH_PREFIX="$("$VENV/bin/python" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)" || {
  echo "fuzz.sh: no LibTorch in $VENV; run scripts/setup.sh first (or set AUNET_VENV)" >&2
  exit 1
}
CUDACXX="${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  say "Configuring the fuzz build (clang, libFuzzer, ASan + UBSan) in $BUILD_DIR"
  mkdir -p "$BUILD_DIR"
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DAUNET_FUZZ=ON -DAUNET_SANITIZE=address,undefined -DAUNET_WITH_GUI=OFF -DAUNET_BUILD_TESTS=OFF \
    -DCMAKE_PREFIX_PATH="$TORCH_PREFIX" -DTORCH_CUDA_ARCH_LIST="8.0;9.0" \
    -DCMAKE_CUDA_COMPILER="$CUDACXX" -DCMAKE_CUDA_HOST_COMPILER=g++ \
    -DCUDAToolkit_ROOT="$(dirname "$(dirname "$CUDACXX")")" \
    >"$BUILD_DIR/configure.log" 2>&1 || { cat "$BUILD_DIR/configure.log" >&2; exit 1; }
fi
say "Building the fuzz targets"
cmake --build "$BUILD_DIR" --parallel "$JOBS" --target "${TARGETS[@]}" aunet_fuzz_seeds

FUZZ="$BUILD_DIR/fuzz"
# Leaks are not findings here: ITK's NIfTI library leaks header names on every read
# (nifti_makehdrname), which would stop every run at its first input.
export ASAN_OPTIONS="detect_leaks=0:protect_shadow_gap=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
[ -d "$FUZZ/seeds/model" ] || "$FUZZ/aunet_fuzz_seeds" "$FUZZ/seeds"
failed=0
for t in "${TARGETS[@]}"; do
  case "$t" in
    fuzz_model_file) seeds="$FUZZ/seeds/model"; maxlen=65536 ;;
    fuzz_dataset_json) seeds="$FUZZ/seeds/dataset"; maxlen=4096 ;;
    fuzz_image_reader) seeds="$FUZZ/seeds/image"; maxlen=16384 ;;
    *) echo "fuzz.sh: unknown target $t" >&2; exit 2 ;;
  esac
  corpus="$FUZZ/corpus/$t"
  findings="$FUZZ/findings/$t"
  mkdir -p "$corpus" "$findings"
  stamp="$FUZZ/.started-$t"
  touch "$stamp"  # findings of earlier runs stay, but only this run's are counted
  say "$t for $SECONDS_EACH s"
  set +e
  (cd "$findings" && "$FUZZ/$t" -max_total_time="$SECONDS_EACH" -max_len="$maxlen" -timeout=30 \
      -rss_limit_mb=4096 -malloc_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" \
      "$corpus" "$seeds") >"$FUZZ/$t.log" 2>&1
  rc=$?
  set -e
  stats="$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$FUZZ/$t.log" | tail -1)"
  runs="$(grep -E '^stat::number_of_executed_units' "$FUZZ/$t.log" | awk '{print $2}')"
  n="$(find "$findings" -type f -newer "$stamp" | wc -l)"
  echo "$t: exit $rc, ${runs:-?} inputs run, corpus $(find "$corpus" -type f | wc -l) files, findings $n; last: $stats"
  if [ "$rc" -ne 0 ] || [ "$n" -gt 0 ]; then
    failed=1
    grep -E 'ERROR|SUMMARY|runtime error|terminate|uncaught|deadly' "$FUZZ/$t.log" | head -5 || true
  fi
done
exit "$failed"
