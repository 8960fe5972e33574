#!/usr/bin/env bash
# Makes docs/images/viewer-editor.png: aunet-viewer on the TotalSegmentator example CT
# with its mask, the brush chosen, label 7 painted across the liver by real X events
# (xdotool) while the viewer waits for its screenshot, the pointer left over the slice
# so the brush outline shows. Run under a virtual X server:
#   xvfb-run -a -s "-screen 0 1600x1200x24" bash scripts/viewer-editor-screenshot.sh [BUILD_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
D="$ROOT/../shared/data/totalsegmentator-example"
[ -f "$D/ct_small.nii.gz" ] || { echo "viewer-editor-screenshot.sh: $D/ct_small.nii.gz: missing" >&2; exit 1; }
# A fresh settings folder: no remembered window, no recovery offer.
HOME_DIR="$(mktemp -d)"
trap 'rm -rf "$HOME_DIR"' EXIT
export HOME="$HOME_DIR" XDG_CONFIG_HOME="$HOME_DIR/config" XDG_DATA_HOME="$HOME_DIR/data"
"$BUILD/bin/aunet-viewer" "$D/ct_small.nii.gz" --mask "$D/ct_small_seg.nii.gz" --view axial --tool brush \
  --size 1280x800 --screenshot "$ROOT/docs/images/viewer-editor.png" --screenshot-delay 9000 --palette &
PID=$!
WID=$(xdotool search --sync --onlyvisible --name "aunet viewer - ct_small" | head -1)
xdotool windowmove --sync "$WID" 0 0
xdotool windowfocus --sync "$WID"
sleep 1.5
eval "$(xdotool getwindowgeometry --shell "$WID")"
CX=$((WIDTH / 2)); CY=$((HEIGHT / 2))
xdotool key 7
for _ in 1 2 3; do xdotool key bracketright; done
xdotool mousemove --window "$WID" $((CX - 110)) $((CY + 60)) mousedown 1
for s in $(seq 1 22); do
  xdotool mousemove --window "$WID" $((CX - 110 + s * 10)) $((CY + 60 - s * 2))
  sleep 0.03
done
xdotool mouseup 1
xdotool mousemove --window "$WID" $((CX + 40)) $((CY - 70))
wait "$PID"
