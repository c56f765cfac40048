#!/usr/bin/env bash
# The seed table on the second shipped teacher (fastddss/assets/ddpm_mnist32: a diffusers UNet2DModel, ε-prediction, linear β,
# T = 1000, MNIST padded to 32×32), through the command line only, exactly as a user with their own diffusers model would run it:
#   DDPM and DDIM on the linear and quadratic grids at K = 5, 10, 15, 20, 25 (DDIM also at 1, 2, 4); DPM-Solver++(2M) at 10
#   (log-SNR and linear grids);
#   DDSS GGDM+PRED+TIME at K = 5 and 10; progressive distillation from 16 DDIM steps to 4, 2 and 1.
# Every score: N samples (noise seed 0, step noise seed 1) against the embedded digits padded the same way (--fit pad), on the
# shipped eval classifier (the 32×32 images centre-cropped back to 28×28). Resumable: a finished record is skipped.
# Usage: bash scripts/ddpm_mnist32_runs.sh [runs folder, default runs/ddpm_mnist32_table] (N=2000 samples per score, DEVICE=cpu)
set -euo pipefail
root=${1:-runs/ddpm_mnist32_table}; n=${N:-2000}; dev=${DEVICE:-cpu}
model=${MODEL:-fastddss/assets/ddpm_mnist32}
export PYTHONPATH="$(cd "$(dirname "$0")/.." && pwd)${PYTHONPATH:+:$PYTHONPATH}"
fd="${PYTHON:-python} -m fastddss.cli"
mkdir -p "$root"
for K in 5 10 15 20 25; do
  for sampler in ddim ddpm; do
    for grid in linear quadratic; do
      out="$root/${sampler}_${grid}_k$K.json"
      [ -f "$out" ] || $fd eval --model "$model" --sampler $sampler --grid $grid --steps $K -n $n --device $dev --quiet --out "$out"
    done
  done
done
for grid in logsnr linear; do
  out="$root/dpm++_${grid}_k10.json"
  [ -f "$out" ] || $fd eval --model "$model" --sampler dpm++ --grid $grid --steps 10 -n $n --device $dev --quiet --out "$out"
done
for K in 1 2 4; do   # DDIM at the distilled students' step counts
  out="$root/ddim_linear_k$K.json"; [ -f "$out" ] || $fd eval --model "$model" --steps $K -n $n --device $dev --quiet --out "$out"
done
for K in 5 10; do
  out="$root/ddss_k$K"
  [ -f "$out/eval.json" ] || { resume=""; [ -f "$out/checkpoint.pt" ] && resume="--resume"
    $fd ddss --model "$model" --variant ggdm+pred+time --steps $K --iters ${DDSS_ITERS:-80} --eval-n $n --device $dev --quiet --out "$out" $resume; }
done
out="$root/distill"
[ -f "$out/eval.json" ] || { resume=""; [ -d "$out" ] && resume="--resume"
  $fd distill --model "$model" --from-steps 16 --to-steps 1 --steps-per-round ${PD_STEPS:-300} --eval-n $n --eval-steps 4,2,1 \
    --device $dev --quiet --out "$out" $resume; }
echo "all runs in $root"
