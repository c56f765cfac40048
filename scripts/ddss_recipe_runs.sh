#!/usr/bin/env bash
# DDSS with one recipe for every K (nbs/51_ddss.ipynb, "One recipe for every K"): GGDM+PRED+TIME at K = 25, 15, 20, 10, 5, each
# ITERS iterations at the default settings of `fastddss ddss` (lr 0.02 with step scales, warm-up then cosine decay, the best sampler
# on 500 fixed validation samples kept), then 5,000 samples scored on the eval network (noise seed 0, sampler seed 1, as the baselines).
# Resumable: a finished run (eval.json present) is skipped, an interrupted one continues from its checkpoint.
# Usage: bash scripts/ddss_recipe_runs.sh [runs folder, default runs/ddss_recipe]   (DEVICE=cuda on a GPU; ITERS=40; KS="25 15 20 10 5")
set -euo pipefail
root=${1:-runs/ddss_recipe}
export PYTHONPATH="$(cd "$(dirname "$0")/.." && pwd)${PYTHONPATH:+:$PYTHONPATH}"   # this repository's fastddss
for K in ${KS:-25 15 20 10 5}; do
  out="$root/ggdm_pred_time_k$K"
  [ -f "$out/eval.json" ] && { echo "done: $out"; continue; }
  resume=""; [ -f "$out/checkpoint.pt" ] && resume="--resume"
  ${PYTHON:-python} -m fastddss.cli ddss --steps "$K" --iters "${ITERS:-40}" --eval-n 5000 --out "$out" --device "${DEVICE:-cpu}" $resume --quiet
done
