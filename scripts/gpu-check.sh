#!/usr/bin/env bash
# The GPU check: run this first whenever a GPU node is lent (about 15 minutes, start-up
# included). From a fresh copy of the tree it
#   1. builds what LibTorch alone builds (AUNET_WITH_IO=OFF, AUNET_WITH_GUI=OFF): the
#      model layer, its tests (the CUDA ones among them), aunet_bench (forward and
#      train step) and aunet_dist_bench (all-reduce), with ccache when present;
#   2. runs the CUDA tests (tests/model/Cuda*);
#   3. times the default 3D network's forward pass on the GPU in bf16 and fp32 (Gvoxel/s);
#   4. times one training step of it on the GPU;
#   5. all-reduces gradient-sized buffers between 2 processes over NCCL when there are
#      2 GPUs;
# and prints one summary table (also written to $BUILD/gpu-check-summary.md).
# Without a GPU every CUDA part is skipped with a line that says so, and the rest runs
# (the build, the tests, a 2-process Gloo all-reduce), so the script is checked on the
# CPU before a GPU window is spent on it. Budget on an H100 node: under 8 minutes.
#
# Usage: scripts/gpu-check.sh [--build-dir DIR] [--prebuilt DIR] [--fetch-debs]
#   --prebuilt    skip configure and build, run the steps with DIR's binaries (the CTest
#                 entry gpu_check.cpu_run does this with the main build tree)
#   --fetch-debs  (on a Debian 12 machine with network) download the -dev packages the
#                 LibTorch-only build needs besides LibTorch into .gpu-check-debs/, to
#                 carry to a GPU node that lacks them; the check unpacks them there.
# Environment: AUNET_VENV (the venv with torch, default .venv), CUDACXX (nvcc),
#              AUNET_GPU_CHECK_ARCH (default "9.0": H100/H200).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build-gpu-check"
DEBS="$ROOT/.gpu-check-debs"
FETCH=0
PREBUILT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD="$2"; shift 2 ;;
    --fetch-debs) FETCH=1; shift ;;
    --prebuilt) PREBUILT="$2"; BUILD="$2/gpu-check"; shift 2 ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "gpu-check.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
mkdir -p "$BUILD"

# Debian packages a LibTorch-only build needs (headers and the two shared libraries
# spdlog links); LibTorch itself comes from the torch wheel.
PACKAGES=(libgloo-dev libcli11-dev nlohmann-json3-dev libspdlog-dev libspdlog1.10 libfmt-dev libfmt9 libgtest-dev zlib1g-dev)
if [ "$FETCH" -eq 1 ]; then
  mkdir -p "$DEBS" && cd "$DEBS" && apt-get download "${PACKAGES[@]}" && ls -la "$DEBS"
  exit $?
fi

START=$(date +%s)
elapsed() { echo $(( $(date +%s) - START )); }
say() { printf '\033[1m==> [%4ss] %s\033[0m\n' "$(elapsed)" "$*"; }
ROWS=()
row() { ROWS+=("| $1 | $2 | $3 |"); }   # step | result | detail
skip() { say "SKIP: $1"; row "$2" "skipped" "$1"; }

# --- The toolchain -------------------------------------------------------------------
VENV="${AUNET_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
[ -x "$PY" ] || PY="$(command -v python3)"
TORCH_PREFIX="$("$PY" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)"
if [ -z "$TORCH_PREFIX" ]; then
  echo "gpu-check.sh: no torch in $PY (set AUNET_VENV to the venv with torch)" >&2
  exit 1
fi
TORCH_VERSION="$("$PY" -c 'import torch; print(torch.__version__)')"
if [ -z "${CUDACXX:-}" ]; then
  if command -v nvcc >/dev/null 2>&1; then export CUDACXX="$(command -v nvcc)";
  elif [ -x /usr/local/cuda/bin/nvcc ]; then export CUDACXX=/usr/local/cuda/bin/nvcc; fi
fi
GPUS=0
if command -v nvidia-smi >/dev/null 2>&1; then
  GPUS=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | grep -c . || true)
fi
GPU_NAME="none"
[ "$GPUS" -gt 0 ] && GPU_NAME="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1) x $GPUS"
CPU_NAME="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(nproc) cores)"
say "torch $TORCH_VERSION from $PY; nvcc ${CUDACXX:-none}; GPUs: $GPU_NAME; CPU: $CPU_NAME"
[ "$GPUS" -eq 0 ] && say "SKIP: no NVIDIA GPU on this machine (nvidia-smi finds none): every CUDA step below is skipped"

# Packages carried from a Debian machine (--fetch-debs), unpacked when present.
PREFIXES="$TORCH_PREFIX"
if compgen -G "$DEBS/*.deb" >/dev/null; then
  SYSROOT="$BUILD/sysroot"
  if [ ! -f "$SYSROOT/.unpacked" ]; then
    say "Unpacking $(ls "$DEBS"/*.deb | wc -l) carried Debian package(s) into $SYSROOT"
    mkdir -p "$SYSROOT"
    for d in "$DEBS"/*.deb; do
      if command -v dpkg-deb >/dev/null 2>&1; then dpkg-deb -x "$d" "$SYSROOT";
      else (cd "$SYSROOT" && ar p "$d" "$(ar t "$d" | grep '^data.tar')" | tar -x -f - -a 2>/dev/null || ar p "$d" "$(ar t "$d" | grep '^data.tar')" | tar -xJ); fi
    done
    touch "$SYSROOT/.unpacked"
  fi
  PREFIXES="$PREFIXES;$SYSROOT/usr"
  export CPATH="$SYSROOT/usr/include${CPATH:+:$CPATH}"
  export LIBRARY_PATH="$SYSROOT/usr/lib/x86_64-linux-gnu${LIBRARY_PATH:+:$LIBRARY_PATH}"
  export LD_LIBRARY_PATH="$SYSROOT/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

# --- 1. Build --------------------------------------------------------------------------
BIN="$BUILD/bin"
TESTS="$BUILD/tests"
if [ -n "$PREBUILT" ]; then
  BIN="$PREBUILT/bin"
  TESTS="$PREBUILT/tests"
  say "SKIP: build (--prebuilt $PREBUILT: using its binaries)"
  row "build (LibTorch only)" "skipped" "--prebuilt $PREBUILT"
else
CUDA_ARGS=()
[ -n "${CUDACXX:-}" ] && CUDA_ARGS=("-DCMAKE_CUDA_COMPILER=$CUDACXX" "-DCUDAToolkit_ROOT=$(dirname "$(dirname "$CUDACXX")")")
GEN=(-G Ninja); command -v ninja >/dev/null 2>&1 || GEN=()
say "Configuring (AUNET_WITH_IO=OFF, AUNET_WITH_GUI=OFF) in $BUILD"
if ! cmake -S "$ROOT" -B "$BUILD" "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release -DAUNET_WITH_IO=OFF -DAUNET_WITH_GUI=OFF \
     -DCMAKE_PREFIX_PATH="$PREFIXES" -DTORCH_CUDA_ARCH_LIST="${AUNET_GPU_CHECK_ARCH:-9.0}" "${CUDA_ARGS[@]}" \
     >"$BUILD/configure.log" 2>&1; then
  tail -30 "$BUILD/configure.log"
  echo "gpu-check.sh: configure failed (log: $BUILD/configure.log); on a node without the -dev packages, carry .gpu-check-debs (--fetch-debs)" >&2
  exit 1
fi
TARGETS=(aunet_model_tests aunet_bench aunet_dist_bench)
grep -q "NCCL backend (libaunet_nccl.so)" "$BUILD/configure.log" && TARGETS+=(aunet_nccl)
say "Building ${TARGETS[*]} ($(nproc) jobs)"
BUILD_START=$(date +%s)
if ! cmake --build "$BUILD" --parallel "$(nproc)" --target "${TARGETS[@]}" >"$BUILD/build.log" 2>&1; then
  grep -E "error|Error" "$BUILD/build.log" | head -30
  echo "gpu-check.sh: build failed (log: $BUILD/build.log)" >&2
  exit 1
fi
row "build (LibTorch only)" "ok" "$(( $(date +%s) - BUILD_START )) s, targets ${TARGETS[*]}"
fi

# --- 2. CUDA tests ----------------------------------------------------------------------
say "CUDA tests (tests/model/Cuda*)"
"$TESTS/aunet_model_tests" --gtest_filter='Cuda*' >"$BUILD/cuda-tests.log" 2>&1
rc=$?
# One line per test as it ends ("... (12 ms)"); the closing lists repeat the names without a time.
passed=$(grep -c '^\[       OK \] .* ms)$' "$BUILD/cuda-tests.log" || true)
skipped=$(grep -c '^\[  SKIPPED \] .* ms)$' "$BUILD/cuda-tests.log" || true)
failed=$(grep -c '^\[  FAILED  \] .* ms)$' "$BUILD/cuda-tests.log" || true)
tail -4 "$BUILD/cuda-tests.log"
if [ $rc -ne 0 ]; then row "CUDA tests" "FAILED" "$failed failed (log $BUILD/cuda-tests.log)";
elif [ "$GPUS" -eq 0 ]; then row "CUDA tests" "skipped" "no GPU: $passed passed, $skipped skipped themselves";
else row "CUDA tests" "ok" "$passed passed, $skipped skipped"; fi

# --- 3. and 4. Forward (bf16, fp32) and a train step on the GPU --------------------------
if [ "$GPUS" -gt 0 ]; then
  for precision in bf16 off; do
    say "Forward pass of the default networks on cuda, precision $precision"
    if "$BIN/aunet_bench" --device cuda --sections forward --precision "$precision" --repeats 10 \
         --json "$BUILD/forward-$precision.json" >"$BUILD/forward-$precision.log" 2>&1; then
      cat "$BUILD/forward-$precision.log"
      figure=$("$PY" -c "import json,sys; r=json.load(open(sys.argv[1]))['forward']; f=[x for x in r if x['dims']==3 and x['batch']==2][0]; print('%.3f Gvoxel/s (3D 96^3, batch 2, %.4f s)' % (f['voxels_per_second']/1e9, f['seconds']))" "$BUILD/forward-$precision.json")
      row "forward, default 3D net, ${precision/off/fp32}" "ok" "$figure"
    else
      tail -5 "$BUILD/forward-$precision.log"; row "forward ${precision/off/fp32}" "FAILED" "log $BUILD/forward-$precision.log"
    fi
  done
  say "One training step of the default 3D network on cuda (bf16 autocast)"
  if "$BIN/aunet_bench" --device cuda --sections train --precision bf16 --train-size 128 --train-batch 2 \
       --json "$BUILD/train.json" >"$BUILD/train.log" 2>&1; then
    cat "$BUILD/train.log"
    figure=$("$PY" -c "import json,sys; t=json.load(open(sys.argv[1]))['train']; print('%.3f s per step (128^3, batch 2, deep supervision)' % t['seconds'])" "$BUILD/train.json")
    row "train step, default 3D net, bf16" "ok" "$figure"
  else
    tail -5 "$BUILD/train.log"; row "train step" "FAILED" "log $BUILD/train.log"
  fi
else
  skip "no GPU: forward pass (bf16, fp32) on CUDA not run" "forward, default 3D net, bf16 and fp32"
  skip "no GPU: training step on CUDA not run" "train step, default 3D net"
fi

# "| whole gradient, default 3D net | 24.3 | fp32 | 42.3 | 0.58 | 0.58 |" -> "24.3 MB fp32 in 42.3 ms (0.58 GB/s)"
allreduceFigure() {
  grep "whole gradient" "$1" | awk -F'|' '{gsub(/ /, "", $3); gsub(/ /, "", $4); gsub(/ /, "", $5); gsub(/ /, "", $6); printf "%s%s MB %s in %s ms (%s GB/s)", (NR > 1 ? "; " : "whole gradient of the default 3D net: "), $3, $4, $5, $6}'
}

# --- 5. Collectives between 2 processes -------------------------------------------------
if [ "$GPUS" -ge 2 ]; then
  say "NCCL all-reduce between 2 processes on 2 GPUs, and a data-parallel train step"
  if "$BIN/aunet_dist_bench" --device cuda --processes 2 --repeats 10 --train-size 96 >"$BUILD/nccl.log" 2>&1; then
    cat "$BUILD/nccl.log"
    row "NCCL all-reduce, 2 GPUs" "ok" "$(allreduceFigure "$BUILD/nccl.log")"
  else
    tail -8 "$BUILD/nccl.log"; row "NCCL all-reduce, 2 GPUs" "FAILED" "log $BUILD/nccl.log"
  fi
else
  skip "fewer than 2 GPUs ($GPUS): NCCL all-reduce not run" "NCCL all-reduce, 2 GPUs"
fi
say "Gloo all-reduce between 2 CPU processes (the same engine the CPU training uses)"
if "$BIN/aunet_dist_bench" --device cpu --processes 2 --repeats 3 --skip-train --sizes-mb 1 >"$BUILD/gloo.log" 2>&1; then
  cat "$BUILD/gloo.log"
  row "Gloo all-reduce, 2 CPU processes" "ok" "$(allreduceFigure "$BUILD/gloo.log")"
else
  tail -8 "$BUILD/gloo.log"; row "Gloo all-reduce, 2 CPU processes" "FAILED" "log $BUILD/gloo.log"
fi

# --- Summary ----------------------------------------------------------------------------
SUMMARY="$BUILD/gpu-check-summary.md"
{
  echo "GPU check $(date -u '+%Y-%m-%d %H:%M UTC'): GPUs $GPU_NAME; CPU $CPU_NAME; torch $TORCH_VERSION; $(elapsed) s in all"
  echo
  echo "| step | result | figure or reason |"
  echo "| --- | --- | --- |"
  printf '%s\n' "${ROWS[@]}"
} >"$SUMMARY"
echo
cat "$SUMMARY"
grep -q "| FAILED |" "$SUMMARY" && exit 1
exit 0
