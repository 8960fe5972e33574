#!/usr/bin/env bash
# Rebuilds the demo model from scratch: dataset from Debian's mricron-data Colin27 files, training with
# `aunet train`, then segmentation and evaluation of the held-out right hemisphere.
# Usage: scripts/build_demo_model.sh [OUTPUT_DIR (default build/demo-model)]
# Env: AUNET (default build/bin/aunet), TEMPLATES (default /usr/share/mricron/templates), DEVICE (default cpu).
# Results: OUTPUT_DIR/run/model.aunet, run/metrics.csv, heldout_eval.json, timing.txt. See docs/demo-model.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/build/demo-model}"
AUNET="${AUNET:-$ROOT/build/bin/aunet}"
TEMPLATES="${TEMPLATES:-/usr/share/mricron/templates}"
DEVICE="${DEVICE:-cpu}"

for f in ch2.nii.gz ch2bet.nii.gz aal.nii.gz aal.nii.txt; do
  [[ -f "$TEMPLATES/$f" ]] || { echo "missing $TEMPLATES/$f: install it with 'sudo apt-get install mricron-data'" >&2; exit 1; }
done
[[ -x "$AUNET" ]] || { echo "missing $AUNET: build the project first (see docs/building.md) or set AUNET" >&2; exit 1; }

mkdir -p "$OUT"
DATASET="$OUT/Dataset900_Colin27Demo"
RUN="$OUT/run"
start=$(date +%s)

# 1. Dataset (rewritten every time; standard-library Python only).
python3 "$ROOT/scripts/build_demo_dataset.py" "$TEMPLATES" "$DATASET"
"$AUNET" check-dataset "$DATASET"

# 2. Training from scratch: 2 mm, 64^3 patches, small network, 20 iterations per epoch. Three stages,
#    as the shipped model was trained: 12 epochs, then --resume to 26 and to 40 epochs (each resume
#    restarts the learning rate from the longer schedule: warm restarts). Resuming is deterministic on
#    the CPU, so this reproduces the shipped model's run, which was float32 (--mixed-precision off:
#    auto would be bf16 on CPUs with AVX-512 BF16 or AMX).
#    --fold all: the validation Dice in metrics.csv is on the training cases; the honest figure is step 3's.
rm -rf "$RUN"
t0=$(date +%s)
"$AUNET" train -d "$DATASET" -o "$RUN" --fold all --device "$DEVICE" --seed 12345 \
  --epochs 12 --iterations-per-epoch 20 \
  --set 'preprocessing.target_spacing=[2,2,2]' --set 'preprocessing.patch_size=[64,64,64]' \
  --set 'network_channels=[8,16,32,64,128]' --set batch_size=2 --set foreground_fraction=0.5 \
  --set validate_every=4 --mixed-precision off
for epochs in 26 40; do
  "$AUNET" train -d "$DATASET" --resume "$RUN" --epochs "$epochs" --device "$DEVICE" --mixed-precision off
done
t1=$(date +%s)

# 3. Held-out right hemisphere: segment and compare with its reference labels.
rm -rf "$OUT/heldout_pred"
"$AUNET" segment -m "$RUN/model.aunet" -i "$DATASET/heldout/images" -o "$OUT/heldout_pred" \
  --device "$DEVICE" --progress lines
t2=$(date +%s)
"$AUNET" evaluate --pred "$OUT/heldout_pred" --ref "$DATASET/heldout/labels" \
  -o "$OUT/heldout_eval.json" --csv "$OUT/heldout_eval.csv"
end=$(date +%s)

{
  echo "dataset_s $((t0 - start))"
  echo "train_s $((t1 - t0))"
  echo "segment_heldout_s $((t2 - t1))"
  echo "total_s $((end - start))"
} | tee "$OUT/timing.txt"
echo "model: $RUN/model.aunet ($(du -k "$RUN/model.aunet" | cut -f1) KiB); copy it to resources/models/demo-brain.aunet"
