#!/usr/bin/env bash
# One-command setup: installs the system packages and LibTorch (the torch==2.11.0
# wheel in a project-local virtual environment), builds aunet (Release, ccache), and
# runs the demo. Re-running skips whatever is already in place.
#
#   bash scripts/setup.sh              # install, build, run the demo
#   bash scripts/setup.sh --no-demo    # install and build only (used by scripts/test.sh)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${AUNET_BUILD_DIR:-$ROOT/build}"
VENV="${AUNET_VENV:-$ROOT/.venv}"
TORCH_VERSION="2.11.0"
RUN_DEMO=1
for arg in "$@"; do
  case "$arg" in
    --no-demo) RUN_DEMO=0 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

# --- 1. System packages (Debian 12) -------------------------------------------------
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git python3 python3-venv
  libinsighttoolkit5-dev libopencv-dev
  qt6-base-dev libqt6opengl6-dev
  libcli11-dev nlohmann-json3-dev libspdlog-dev libfmt-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev libopenblas0-pthread libgoogle-perftools-dev
  libgdcm-tools mricron-data xvfb xauth xdotool libgl1-mesa-dri
  libdcmtk-dev dcmtk dicom3tools orthanc
  libvtk9-dev libgloo-dev
  file patchelf desktop-file-utils
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing ${#missing[@]} Debian package(s): ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  say "System packages: all present"
fi

# --- 2. LibTorch from PyTorch's wheel, in a project-local venv -----------------------
MARKER="$VENV/.aunet-torch-$TORCH_VERSION"
if [ ! -f "$MARKER" ]; then
  say "Installing torch==$TORCH_VERSION into $VENV (PyTorch's own LibTorch with CUDA; a few GB)"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q "torch==$TORCH_VERSION" numpy
  touch "$MARKER"
else
  say "LibTorch: torch==$TORCH_VERSION already in $VENV"
fi
TORCH_PREFIX="$("$VENV/bin/python" -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null)"

# LibTorch's CMake config looks for the CUDA toolkit (nvcc) even for CPU-only use.
CUDA_ARGS=()
if [ -z "${CUDACXX:-}" ]; then
  if command -v nvcc >/dev/null 2>&1; then export CUDACXX="$(command -v nvcc)";
  elif [ -x /usr/local/cuda/bin/nvcc ]; then export CUDACXX=/usr/local/cuda/bin/nvcc; fi
fi
if [ -z "${CUDACXX:-}" ]; then
  echo "setup.sh: LibTorch's CMake config needs the CUDA toolkit (nvcc), which is not installed." >&2
  echo "          Install the CUDA 13.0 toolkit (https://developer.nvidia.com/cuda-downloads, Debian 12) and re-run." >&2
  exit 1
fi
CUDA_ARGS+=("-DCMAKE_CUDA_COMPILER=$CUDACXX" "-DCUDAToolkit_ROOT=$(dirname "$(dirname "$CUDACXX")")")

# --- 3. Configure and build ---------------------------------------------------------
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
  say "Configuring (Release) in $BUILD_DIR"
  mkdir -p "$BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$TORCH_PREFIX" -DTORCH_CUDA_ARCH_LIST="8.0;9.0" "${CUDA_ARGS[@]}" \
    ${AUNET_CMAKE_ARGS:-} >"$BUILD_DIR/configure.log" 2>&1 || { cat "$BUILD_DIR/configure.log" >&2; exit 1; }
fi
say "Building"
cmake --build "$BUILD_DIR" --parallel "$(nproc)"

# --- 4. The main job on the embedded default ------------------------------------------
if [ "$RUN_DEMO" -eq 1 ]; then
  DEMO="$ROOT/aunet-demo"
  say "Demo 1/2: the whole pipeline on a generated phantom"
  "$BUILD_DIR/bin/aunet" demo -o "$DEMO"

  T1=/usr/share/mricron/templates/ch2.nii.gz
  MODEL="$ROOT/resources/models/demo-brain.aunet"
  if [ -f "$T1" ] && [ -f "$MODEL" ]; then
    BRAIN="$DEMO/brain"
    say "Demo 2/2: segmenting the Colin27 T1 MRI (mricron-data) with the shipped demonstration model"
    "$BUILD_DIR/bin/aunet" segment -m "$MODEL" -i "$T1" -o "$BRAIN" --save-attention --stats --overwrite
    # Three orthogonal slices with the mask and the deepest gate's attention map.
    QT_QPA_PLATFORM=offscreen "$BUILD_DIR/bin/aunet-viewer" "$T1" --mask "$BRAIN/ch2.nii.gz" \
      --attention "$BRAIN/ch2_attention_level3.nii.gz" --model "$MODEL" \
      --size 1280x800 --screenshot "$BRAIN/overview.png" >/dev/null 2>&1 \
      || echo "(no overview picture: the viewer could not render offscreen)"
    echo
    echo "Per-structure volumes (mL) from $BRAIN/statistics.csv:"
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
             { printf "  %-28s %8.1f mL\n", $col["name"], $col["volume_ml"] }' "$BRAIN/statistics.csv"
    echo
    echo "Results: $BRAIN (mask ch2.nii.gz, attention maps, statistics, overview.png)"
    echo "This model is a demonstration trained on one brain (docs/demo-model.md), not a clinical tool."
    echo "Open it in the viewer:"
    echo "  $BUILD_DIR/bin/aunet-viewer $T1 --mask $BRAIN/ch2.nii.gz --attention $BRAIN/ch2_attention_level3.nii.gz --model $MODEL"
  fi
fi
