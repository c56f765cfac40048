#!/usr/bin/env bash
# The loss x family 2 x 2 at K = 5 on the second teacher (fastddss/assets/ddpm_mnist32: a diffusers UNet2DModel, ε-prediction,
# linear β, T = 1000), through the command line only, as a user with their own model would. KID cells: `fastddss ddss` (--iters
# DDSS_ITERS, default 60, as that teacher's seed-table DDSS run); teacher cells: `fastddss ld3` at its defaults (DPM-Solver 30 NFE
# teacher, 100 / 100 pairs, 300 updates). Each scored with --eval-n N (default 1000, one set: the protocol of that teacher's table).
# The full GGDM with KID is the seed table's run (results/ddpm_mnist32/records.json). Resumable (a finished run is skipped).
# Usage: bash scripts/loss_family_ddpm_mnist32.sh [runs folder, default runs/loss_family_ddpm_mnist32]
set -euo pipefail
root=${1:-runs/loss_family_ddpm_mnist32}
model=${MODEL:-fastddss/assets/ddpm_mnist32}
run() {  # name, then the command and its options
  out="$root/$1"; shift
  if [ ! -f "$out/eval.json" ]; then
    resume=""; [ -f "$out/checkpoint.pt" ] && resume="--resume"
    ${PYTHON:-python} -m fastddss.cli "$@" --model "$model" --eval-n "${N:-1000}" --out "$out" --quiet $resume
  fi
}
run teacher_ddim_times ld3 --sampler ddim --steps 5
run teacher_dpmpp_times ld3 --sampler dpm++ --steps 5
run teacher_ggdm_pred_time ld3 --sampler ggdm --steps 5
run kid_ddim_times ddss --variant time --steps 5 --iters "${DDSS_ITERS:-60}"
run kid_dpmpp_times ddss --variant time --backbone dpm++ --steps 5 --iters "${DDSS_ITERS:-60}"
run kid_ggdm_pred_time ddss --steps 5 --iters "${DDSS_ITERS:-60}"          # today's DDSS defaults (the seed table's run used lr 0.005)
eval_out="$root/dpmpp_linear/eval.json"                                     # the learning-free reference at the same NFE
[ -f "$eval_out" ] || ${PYTHON:-python} -m fastddss.cli eval --model "$model" --sampler dpm++ --steps 5 -n "${N:-1000}" --out "$eval_out" --quiet
