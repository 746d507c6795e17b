#!/usr/bin/env bash
# Inter-patient recipe search on DS1 alone (docs/RESULTS.md, search 5): trains the shipped inter recipe, plus any
# extra `train` options, once per DS1 patient fold and seed, with that fold as the validation part and the DS2
# figures hidden (--hide-test: DS2 never chooses anything). The five folds hold out every DS1 record once.
# Each run writes DIR/out/<PREFIX>-<fold>-s<seed> (model), DIR/runs/... (checkpoints), DIR/log/....json (the
# validation confusion, pooled by scripts/inter-cv-pool.mjs) and .err (progress). Finished runs are skipped.
# The recipe's net only: the shipped models' rhythm guard (--rhythm-guard S,0.13,0.5, after the net) is left out
# so that search 5's logged figures reproduce; scripts/inter-cv-guard.mjs scores a guard on the runs.
# ~2 min per run on 2 cores. Usage: scripts/inter-cv.sh DIR PREFIX "FOLDS" "SEEDS" [train options...]
#   e.g. scripts/inter-cv.sh /tmp/cv T "A B C D E" "1 2" && scripts/inter-cv.sh /tmp/cv I "A B C D E" "1 2" --irregularity
set -euo pipefail
[ $# -ge 4 ] || { sed -n 2,8p "$0"; exit 2; }
root="$(cd "$(dirname "$0")/.." && pwd)"
[ -e "$root/dist/src/cli/main.js" ] || (cd "$root" && npm run build)
dir=$1 prefix=$2 folds=$3 seeds=$4
shift 4
# The five DS1 folds (every DS1 record held out once): scripts/ds1-folds.json, also read by inter-cv-guard.mjs.
declare -A FOLD
while IFS=' ' read -r f recs; do FOLD[$f]=$recs; done < <(
  node -e 'for (const [f, r] of Object.entries(require(process.argv[1]))) console.log(f, r.join(","))' \
    "$root/scripts/ds1-folds.json"
)
mkdir -p "$dir/out" "$dir/runs" "$dir/log"
for s in $seeds; do for f in $folds; do
  [ -n "${FOLD[$f]:-}" ] || { echo "unknown fold $f (${!FOLD[*]})" >&2; exit 2; }
  n=$prefix-$f-s$s
  [ -e "$dir/out/$n/model.json" ] && continue
  rm -rf "${dir:?}/runs/$n"
  node "$root/dist/src/cli/main.js" train --arch v1 --scheme aami --split inter --rr --morph pair --augment \
    --premature-swap 0.5 --epochs 5 --average-from 2 --shift-average 2 --threads 2 \
    --val-records "${FOLD[$f]}" --seed "$s" --hide-test --json --out "$dir/out/$n" --run-dir "$dir/runs/$n" "$@" \
    > "$dir/log/$n.json" 2> "$dir/log/$n.err"
  echo "$n done $(date -u +%T)"
done; done
