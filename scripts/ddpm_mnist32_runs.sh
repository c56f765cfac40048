#!/usr/bin/env bash
# The seed table on the second shipped teacher (fastddss/assets/ddpm_mnist32: a diffusers UNet2DModel, ε-prediction, linear β,
# T = 1000, MNIST padded to 32×32), through the command line only, exactly as a user with their own diffusers model would run it:
#   DDSS GGDM+PRED+TIME at K = 5 and 10; progressive distillation from 16 DDIM steps to 4, 2 and 1 (and DDIM at 1, 2, 4);
#   DPM-Solver++(2M) at 10 (log-SNR and linear grids); DDPM and DDIM on the linear and quadratic grids at K = 5, 10, 15, 20, 25;
#   DDIM on the DDIM code's own strides (ddim_linear, ddim_quadratic) at K = 5 and 10.
# Every score: N samples (noise seed 0, step noise seed 1) against the embedded digits padded the same way (--fit pad), on the
# shipped eval classifier (the 32×32 images centre-cropped back to 28×28). Resumable: a finished record is skipped.
# Usage: bash scripts/ddpm_mnist32_runs.sh [runs folder, default runs/ddpm_mnist32_table] (N=2000 samples per score, DEVICE=cpu,
#        DDSS_ITERS=80 / DDSS_ITERS10=40 Adam iterations at K = 5 / 10, PD_STEPS=300 updates per distillation round)
set -euo pipefail
root=${1:-runs/ddpm_mnist32_table}; n=${N:-2000}; dev=${DEVICE:-cpu}
model=${MODEL:-fastddss/assets/ddpm_mnist32}
export PYTHONPATH="$(cd "$(dirname "$0")/.." && pwd)${PYTHONPATH:+:$PYTHONPATH}"
fd="${PYTHON:-python} -m fastddss.cli"
mkdir -p "$root"
ev() {  # sampler grid K
  out="$root/${1}_${2}_k$3.json"
  [ -f "$out" ] || $fd eval --model "$model" --sampler $1 --grid $2 --steps $3 -n $n --device $dev --quiet --out "$out"
}
ddss() {  # K iters
  out="$root/ddss_k$1"
  [ -f "$out/eval.json" ] || { resume=""; [ -f "$out/checkpoint.pt" ] && resume="--resume"
    $fd ddss --model "$model" --variant ggdm+pred+time --steps $1 --iters $2 --eval-n $n --device $dev --quiet --out "$out" $resume; }
}
ddss 5 ${DDSS_ITERS:-80}
out="$root/distill"
[ -f "$out/eval.json" ] || { resume=""; [ -d "$out" ] && resume="--resume"
  $fd distill --model "$model" --from-steps 16 --to-steps 1 --steps-per-round ${PD_STEPS:-300} --eval-n $n --eval-steps 4,2,1 \
    --device $dev --quiet --out "$out" $resume; }
for K in 1 2 4 5 10; do ev ddim linear $K; done
ev dpm++ logsnr 10; ev dpm++ linear 10
for K in 5 10 25; do for s in ddim ddpm; do for g in linear quadratic; do ev $s $g $K; done; done; done
ddss 10 ${DDSS_ITERS10:-40}
for K in 15 20; do for s in ddim ddpm; do for g in linear quadratic; do ev $s $g $K; done; done; done
for K in 5 10; do ev ddim ddim_linear $K; ev ddim ddim_quadratic $K; done
echo "all runs in $root"
