#!/usr/bin/env bash
# Training spread of the 2 x 2's K = 5 cells (scripts/loss_family_table.py): the same recipes with other training seeds, each scored on
# one set of 5,000 samples (noise seed 0, the first set of the table's three). Resumable: a finished run (eval.json) is skipped.
# Usage: bash scripts/loss_family_seeds.sh   (SEEDS="1 2")
set -euo pipefail
root=runs/loss_family_seeds
run() {  # name, then the command and its options
  out="$root/$1"; shift
  if [ ! -f "$out/eval.json" ]; then
    resume=""; [ -f "$out/checkpoint.pt" ] && resume="--resume"
    ${PYTHON:-python} -m fastddss.cli "$@" --eval-n 5000 --out "$out" --quiet $resume
  fi
}
for s in ${SEEDS:-1 2}; do
  run "kid_time_dpmpp_k5_seed$s" ddss --variant time --backbone dpm++ --steps 5 --seed "$s"
  run "kid_ggdm_pred_time_k5_seed$s" ddss --steps 5 --seed "$s"
  run "teacher_time_dpmpp_k5_seed$s" ld3 --sampler dpm++ --steps 5 --pairs 200 --iters 300 --seed "$s"
  run "teacher_ggdm_pred_time_k5_seed$s" ld3 --sampler ggdm --steps 5 --pairs 200 --iters 300 --seed "$s"
done
