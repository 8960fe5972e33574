#!/usr/bin/env bash
# Issue 28's benchmark: does a model trained on one contrast hold up on contrasts and
# resolutions it never saw? Trains on the Colin27 T1 (brain mask from ch2bet) with the
# same budget per arm, and validates every arm on unseen versions of it (contrast
# inverted, T2-like remap of k-means tissue classes, 8 mm thick slices, 6 mm voxels)
# and on another head (MONAI's anatomical.nii) through `aunet train --val-dataset`.
#
#   scripts/robustness_benchmark.sh [OUTPUT_DIR (default build/robustness)]
#   Env: AUNET (build/bin/aunet), DATA_TOOL (build/bin/aunet_robustness_data),
#        TEMPLATES (/usr/share/mricron/templates), MONAI (../shared/data/monai-testing),
#        EPOCHS (60), ITERATIONS (50), PATCH (32: cubic patches), SEEDS ("1 2 3"),
#        ARMS ("off on synthetic"), THREADS (2)
# Arms: off = nnU-Net's default augmentation; on = --intensity-randomization on;
# synthetic = on + half the samples generated from label maps (--synthetic, ratio 0.5).
# Prints a Markdown table (OUTPUT_DIR/table.md): Dice per condition and training time.
# The defaults (3000 iterations per arm, 3 seeds, 3 arms) take about 6 minutes per run on
# one idle Zen 4 core (THREADS=1): about 55 minutes, or half that with two runs side by side.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/build/robustness}"
AUNET="${AUNET:-$ROOT/build/bin/aunet}"
DATA_TOOL="${DATA_TOOL:-$ROOT/build/bin/aunet_robustness_data}"
TEMPLATES="${TEMPLATES:-/usr/share/mricron/templates}"
MONAI="${MONAI:-$ROOT/../shared/data/monai-testing}"
EPOCHS="${EPOCHS:-60}"
ITERATIONS="${ITERATIONS:-50}"
PATCH="${PATCH:-32}"
SEEDS="${SEEDS:-1 2 3}"
ARMS="${ARMS:-off on synthetic}"
THREADS="${THREADS:-2}"

for f in "$AUNET" "$DATA_TOOL"; do [[ -x "$f" ]] || { echo "missing $f: build it first" >&2; exit 1; }; done
[[ -f "$TEMPLATES/ch2.nii.gz" ]] || { echo "missing $TEMPLATES/ch2.nii.gz: apt-get install mricron-data" >&2; exit 1; }
[[ -f "$MONAI/anatomical.nii" ]] || { echo "missing $MONAI/anatomical.nii: set MONAI" >&2; exit 1; }

mkdir -p "$OUT"
"$DATA_TOOL" "$TEMPLATES" "$MONAI" "$OUT/data"
# The in-contrast figure (t1) is the run's own validation (--fold all: the training image).
CONDITIONS=(inverted t2like thick8mm lowres6mm otherhead)
VAL=()
for c in "${CONDITIONS[@]}"; do VAL+=(--val-dataset "$c=$OUT/data/val_$c"); done

for seed in $SEEDS; do
  for arm in $ARMS; do
    run="$OUT/run_${arm}_seed$seed"
    case "$arm" in
      off) flags=(--intensity-randomization off) ;;
      on) flags=(--intensity-randomization on) ;;
      synthetic) flags=(--intensity-randomization on --synthetic --set augmentation.synthetic=0.5) ;;
      *) echo "unknown arm $arm" >&2; exit 2 ;;
    esac
    rm -rf "$run"
    echo "== arm $arm, seed $seed"
    # 3 mm brain (60 x 72 x 60), PATCH^3 patches, a 4-level network: what 2 shared cores train in minutes.
    # Validation only after the last epoch (every condition then), so time is training time.
    "$AUNET" --threads "$THREADS" train -d "$OUT/data/Dataset950_Colin27T1" -o "$run" --fold all --device cpu \
      --seed "$seed" --epochs "$EPOCHS" --iterations-per-epoch "$ITERATIONS" --progress none \
      --set 'network_channels=[8,16,32,64]' --set "preprocessing.patch_size=[$PATCH,$PATCH,$PATCH]" --set batch_size=2 \
      --set validate_every="$EPOCHS" --mixed-precision off "${flags[@]}" "${VAL[@]}" > "$run.log" 2>&1
    grep -E "epoch $EPOCHS/|intensity randomization|synthetic" "$run.log" || true
  done
done

python3 - "$OUT" "$SEEDS" "$ARMS" "${CONDITIONS[@]}" <<'PY' | tee "$OUT/table.md"
import json, os, sys
out, seeds, arms, conditions = sys.argv[1], sys.argv[2].split(), sys.argv[3].split(), sys.argv[4:]
print("| arm | seed | t1 (in-contrast) | " + " | ".join(conditions) + " | worst unseen - t1 | training s |")
print("|---|---|---|" + "---|" * len(conditions) + "---|---|")
for arm in arms:
    for seed in seeds:
        p = json.load(open(os.path.join(out, f"run_{arm}_seed{seed}", "progress.json")))
        last = p["history"][-1]
        dice = dict(zip(p["extra_validation"], last["extra_mean_dice"]))
        dice["t1"] = last["mean_dice"]
        unseen = [dice[c] for c in conditions if c != "otherhead"]
        train_s = sum(h.get("train_seconds", h["seconds"]) for h in p["history"])
        print(f"| {arm} | {seed} | {dice['t1']:.3f} | " + " | ".join(f"{dice[c]:.3f}" for c in conditions)
              + f" | {min(unseen) - dice['t1']:+.3f} | {train_s:.0f} |")
PY
