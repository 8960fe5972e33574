#!/usr/bin/env bash
# Builds the .deb (cpack -G DEB) and tries it as a user would: unpacked with `dpkg -x`
# into an empty folder, run from there with a clean environment (no venv, no build
# tree on any path), it prints its version, finds its demo model by name, segments an
# image with it, and the viewer renders the result offscreen.
#
#   bash scripts/package_test.sh            # build/ (AUNET_BUILD_DIR), xz-compressed .deb
#   bash scripts/package_test.sh --gzip     # faster to build, about 1.5x larger
#   bash scripts/package_test.sh --keep     # keep the unpacked tree and outputs
#   bash scripts/package_test.sh --deb FILE # test a .deb built before (no cpack)
#
# The image: the Colin27 T1 from mricron-data when installed, else a phantom the
# packaged `aunet demo` generates. Ends with "package test: OK" and exit 0.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${AUNET_BUILD_DIR:-$ROOT/build}"
COMPRESSION=xz
KEEP=0
DEB=""
while [ $# -gt 0 ]; do
  case "$1" in
    --gzip) COMPRESSION=gzip ;;
    --keep) KEEP=1 ;;
    --deb) DEB="$(realpath "${2:?--deb needs a file}")"; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "package_test.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { echo "package test: FAILED: $*" >&2; exit 1; }
for tool in cpack dpkg-deb dpkg-shlibdeps patchelf; do
  command -v "$tool" >/dev/null || fail "$tool is missing (bash scripts/setup.sh installs it)"
done
[ -x "$BUILD_DIR/bin/aunet" ] || fail "no $BUILD_DIR/bin/aunet: build first (bash scripts/setup.sh --no-demo)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/aunet-package-test.XXXXXX")"
[ "$KEEP" -eq 1 ] || trap 'rm -rf "$WORK"' EXIT

if [ -z "$DEB" ]; then
  say "Building the .deb ($COMPRESSION) from $BUILD_DIR"
  start=$(date +%s)
  (cd "$BUILD_DIR" && cpack -G DEB -B "$WORK/cpack" -D CPACK_DEBIAN_COMPRESSION_TYPE="$COMPRESSION" >"$WORK/cpack.log" 2>&1) \
    || { cat "$WORK/cpack.log" >&2; fail "cpack"; }
  DEB="$(ls "$WORK"/cpack/aunet_*.deb)"
  echo "built in $(( $(date +%s) - start )) s"
fi
[ -f "$DEB" ] || fail "no such .deb: $DEB"
echo "$(basename "$DEB"): $(du -m "$DEB" | cut -f1) MB, installed size $(dpkg-deb -f "$DEB" Installed-Size | awk '{printf "%d MB", $1/1024}')"

say "Package metadata"
DEPENDS="$(dpkg-deb -f "$DEB" Depends)"
echo "Depends: $DEPENDS"
for need in libinsighttoolkit5 libopencv-core libqt6widgets6 libgdcm qt6-qpa-plugins; do
  grep -q "$need" <<<"$DEPENDS" || fail "Depends lacks $need"
done
if grep -Eq 'nvidia|cuda|torch' <<<"$DEPENDS"; then fail "Depends names a CUDA/torch package: $DEPENDS"; fi
# Every dependency must exist in the configured Debian archive (apt resolves them).
if command -v apt-get >/dev/null && [ -d /var/lib/apt/lists ] && ls /var/lib/apt/lists/*Packages* >/dev/null 2>&1; then
  apt-get install -s "$DEB" >"$WORK/apt-sim.log" 2>&1 || { cat "$WORK/apt-sim.log" >&2; fail "apt cannot resolve the Depends"; }
  echo "apt-get install -s: dependencies resolve"
fi

say "Unpacking with dpkg -x into an empty folder"
TREE="$WORK/root"
dpkg -x "$DEB" "$TREE"
for f in usr/bin/aunet usr/bin/aunet-viewer usr/bin/aunet-image-reader usr/share/aunet/models/demo-brain.aunet \
         usr/share/applications/aunet-viewer.desktop usr/share/icons/hicolor/scalable/apps/aunet.svg \
         usr/lib/aunet/libtorch_cpu.so usr/lib/aunet/libc10.so usr/share/doc/aunet/README.md; do
  [ -e "$TREE/$f" ] || fail "$f is not in the package"
done
if ls "$TREE"/usr/lib/aunet | grep -Eq 'torch_cuda|cublas|cudnn|nccl'; then fail "CUDA libraries in the CPU package"; fi
du -sh "$TREE/usr/lib/aunet" | awk '{print "usr/lib/aunet (LibTorch CPU runtime): " $1}'
ls "$TREE/usr/lib/aunet"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$TREE/usr/share/applications/aunet-viewer.desktop" || fail "desktop entry"
fi
for exe in aunet aunet-viewer; do
  rpath="$(patchelf --print-rpath "$TREE/usr/bin/$exe")"
  [ "$rpath" = '$ORIGIN/../lib/aunet' ] || fail "$exe RPATH is '$rpath'"
  missing="$(env -i PATH=/usr/bin:/bin ldd "$TREE/usr/bin/$exe" | grep -E 'not found|\.venv|/usr/local/cuda|/build/' || true)"
  [ -z "$missing" ] || fail "$exe resolves libraries outside the package or not at all: $missing"
done
# The image reader helper links ITK and OpenCV only (system packages), no LibTorch.
missing="$(env -i PATH=/usr/bin:/bin ldd "$TREE/usr/bin/aunet-image-reader" | grep -E 'not found|\.venv|/usr/local/cuda|/build/|torch' || true)"
[ -z "$missing" ] || fail "aunet-image-reader resolves libraries outside the system or needs LibTorch: $missing"
echo "RPATH \$ORIGIN/../lib/aunet; every library resolves inside the package or the system"

# A user's environment: nothing of the build on any path; every symbol bound at start.
run() { env -i PATH=/usr/bin:/bin HOME="$WORK/home" LD_BIND_NOW=1 QT_QPA_PLATFORM=offscreen "$@"; }
mkdir -p "$WORK/home"
AUNET="$TREE/usr/bin/aunet"

say "aunet --version, help, the demo model by name"
run "$AUNET" --version | tee "$WORK/version.txt"
grep -q "^aunet .*(LibTorch .*, CUDA devices: none[;)]" "$WORK/version.txt" || fail "--version"
run "$AUNET" --help | grep -q "Models by name (-m NAME): demo-brain in $TREE/usr/share/aunet/models" \
  || fail "--help does not list the installed demo model"
run "$AUNET" info demo-brain >"$WORK/info.txt"
grep -q "Description: .*demonstration" "$WORK/info.txt" || { cat "$WORK/info.txt"; fail "info demo-brain"; }
head -3 "$WORK/info.txt"
if run "$AUNET" info no-such-model.aunet 2>"$WORK/err.txt"; then fail "a missing model succeeded"; fi
grep -q "aunet: hint: .*demo-brain" "$WORK/err.txt" || { cat "$WORK/err.txt"; fail "no hint naming demo-brain"; }

T1=/usr/share/mricron/templates/ch2.nii.gz
if [ -f "$T1" ]; then
  IMAGE="$T1"; CASE=ch2
  say "Segmenting the Colin27 T1 (mricron-data) with the packaged demo model"
else
  say "mricron-data not installed: segmenting a phantom from the packaged 'aunet demo'"
  run "$AUNET" demo -o "$WORK/phantom" --size 32 --fit-steps 0 --device cpu >/dev/null
  IMAGE="$WORK/phantom/image.nii.gz"; CASE=image
fi
start=$(date +%s)
run "$AUNET" segment -m demo-brain -i "$IMAGE" -o "$WORK/out" --save-attention --stats --progress none
echo "segmented in $(( $(date +%s) - start )) s"
[ -f "$WORK/out/$CASE.nii.gz" ] || fail "no mask $CASE.nii.gz"
ls "$WORK/out/${CASE}"_attention_level*.nii.gz >/dev/null || fail "no attention maps"
if [ "$CASE" = ch2 ]; then
  # Seven structures that together fill the brain of the Colin27 T1 (about 1.6 L;
  # docs/demo-model.md lists what the demo model finds).
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
           { n++; total += $col["volume_ml"] }
           END { printf "%d structures, %.0f mL in all\n", n, total; exit !(n == 7 && total > 1000 && total < 2200) }' \
    "$WORK/out/statistics.csv" || fail "implausible volumes in statistics.csv"
fi

say "aunet-viewer renders the result offscreen"
run "$TREE/usr/bin/aunet-viewer" "$IMAGE" --mask "$WORK/out/$CASE.nii.gz" --model demo-brain \
  --screenshot "$WORK/viewer.png" --size 800x600 >/dev/null
[ -s "$WORK/viewer.png" ] || fail "no screenshot"

[ "$KEEP" -eq 0 ] || echo "kept: $WORK"
echo "package test: OK ($(basename "$DEB"), $(du -m "$DEB" | cut -f1) MB)"
