#!/usr/bin/env bash
# DDSS with one recipe for every K (nbs/51_ddss.ipynb, "One recipe for every K"): GGDM+PRED+TIME at K = 25, 15, 20, 10, 5 for the
# shipped teacher, and at the own steps of the shipped 4- and 2-step distilled students, each at the defaults of
# `fastddss ddss` (step scales, lr 0.03 after a warm-up, halved with a return to the best sampler whenever the validation KID on 500
# fixed samples, scored every 10 iterations, is no better than the best; unclamped loss), then 5,000 samples scored on the eval network (noise seed 0, sampler seed 1); the samplers are copied to results/ddss_recipe/.
# The error bars (3 sets of 5,000) come after, from scripts/seed_table.py.
# Resumable: a finished run (eval.json present) is skipped, an interrupted one continues from its checkpoint.
# Usage: bash scripts/ddss_recipe_runs.sh [runs folder, default runs/ddss_recipe]   (DEVICE=cuda on a GPU; ITERS=80; KS="25 15 20 10 5"; STUDENTS="4 2")
set -euo pipefail
root=${1:-runs/ddss_recipe}
export PYTHONPATH="$(cd "$(dirname "$0")/.." && pwd)${PYTHONPATH:+:$PYTHONPATH}"   # this repository's fastddss
run() {  # name, then the options of fastddss ddss
  out="$root/$1"; shift
  if [ ! -f "$out/eval.json" ]; then
    resume=""; [ -f "$out/checkpoint.pt" ] && resume="--resume"
    ${PYTHON:-python} -m fastddss.cli ddss "$@" --iters "${ITERS:-80}" --eval-n 5000 --out "$out" --device "${DEVICE:-cpu}" $resume --quiet
  fi
  mkdir -p results/ddss_recipe && cp "$out/sampler.safetensors" "results/ddss_recipe/$(basename "$out").safetensors"
  cp "$out/eval.json" "results/ddss_recipe/$(basename "$out")_eval.json"     # set 0 of the error bars (seed_table.py reuses it)
}
for K in ${KS:-25 15 20 10 5}; do run "ggdm_pred_time_k$K" --steps "$K"; done
for N in ${STUDENTS-4 2}; do run "ggdm_pred_time_pd_student_$N" --model "fastddss/assets/pd_student_$N.safetensors"; done
