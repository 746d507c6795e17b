#!/usr/bin/env bash
# Re-trains the four shipped models (models/*) with the exact seeded commands that produced them
# (also recorded in each models/<name>/model.json "training.command" and in docs/RESULTS.md).
# Same seed + same settings + same thread count give the same weights. Checkpoints go to a fresh
# temporary run directory. ~8 min on 2 cores (measured 2026-11-25 18:20-18:28 UTC). Usage: scripts/train-shipped.sh [name ...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -e dist/src/cli/main.js ] || npm run build   # npm run train:shipped builds first
av() { node dist/src/cli/main.js "$@"; }
declare -A CMD=(
  [v1-paper-intra]="--arch v1 --scheme paper --split intra --rr --augment --epochs 12 --seed 1"
  [v2-paper-intra]="--arch v2 --scheme paper --split intra --rr --augment --epochs 12 --seed 1"
  [v1-aami-inter]="--arch v1m --scheme aami --split inter --rr --morph pair --augment --premature-swap 0.5 --epochs 5 --average-from 2 --val-records none --shift-average 2 --oversample-record-power 0.5 --rhythm-guard S,0.13,0.5,0.7,3,0.95,-0.75,N,-1.5 --qrs-veto V,F:0.95:S:0.9:0.85 --unusual-qrs S:V:0.9 --second-template --seed 1"
  [v2-aami-inter]="--arch v2m --scheme aami --split inter --rr --morph pair --augment --premature-swap 0.5 --epochs 5 --average-from 2 --val-records none --shift-average 2 --oversample-cap Q=1 --morph-smoothing N,V,F:0.75:20:0.999 --rhythm-guard S,0.13,0.5,0.7,3,0.95,-0.75,N,-1.5 --qrs-veto V,F:0.95:S:0.9:0.85 --unusual-qrs S:V:0.9 --seed 1"
)
names="${*:-v1-paper-intra v2-paper-intra v1-aami-inter v2-aami-inter}"
for n in $names; do [ -n "${CMD[$n]:-}" ] || { echo "unknown model $n (${!CMD[*]})"; exit 2; }; done
runs=$(mktemp -d "${TMPDIR:-/tmp}/av-shipped-XXXXXX")
for n in $names; do
  echo "== $n: arrhythmia-vision train ${CMD[$n]} --threads 2"
  # shellcheck disable=SC2086
  av train ${CMD[$n]} --threads 2 --out "models/$n" --run-dir "$runs/$n"
done
echo "checkpoints and confusion charts: $runs"
