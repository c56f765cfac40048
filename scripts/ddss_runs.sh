#!/usr/bin/env bash
# The DDSS runs behind the FIRST table of nbs/51_ddss.ipynb (results/ddss_mnist.json), made with the first recipe: one learning
# rate for every coefficient, no warm-up or decay, no validation, clamped samples in the loss. `fastddss ddss` has other defaults
# since (step scales, warm-up and cosine decay, the best sampler on validation noise kept, unclamped loss: scripts/ddss_recipe_runs.sh),
# so this script reproduces that table at commit d31c416 only (git checkout d31c416). Each run learns a GGDM sampler for the shipped teacher and
# scores 5,000 samples (noise seed 0, sampler seed 1, as the baselines) on the eval network.
# Resumable: a finished run (eval.json present) is skipped, an interrupted one continues from its checkpoint.
# Usage: bash scripts/ddss_runs.sh [runs folder, default runs/ddss]   (DEVICE=cuda to run on a GPU;
#        PYTHON=... to choose the interpreter; LAUNCH="torchrun --nproc-per-node 8" to shard each batch over 8 processes)
# About two hours of 2 CPU cores in all, evaluation included.
set -euo pipefail
root=${1:-runs/ddss}
export PYTHONPATH="$(cd "$(dirname "$0")/.." && pwd)${PYTHONPATH:+:$PYTHONPATH}"   # this repository's fastddss
run() {  # variant K iters [lr]
  lr=${4:-5e-3}
  out="$root/${1}_k$2"; [ "$lr" != 5e-3 ] && out="${out}_lr$lr"
  [ -f "$out/eval.json" ] && { echo "done: $out"; return; }
  resume=""; [ -f "$out/checkpoint.pt" ] && resume="--resume"
  ${LAUNCH:-${PYTHON:-python}} -m fastddss.cli ddss --variant "$1" --steps "$2" --iters "$3" --lr "$lr" --eval-n 5000 --out "$out" \
    --device "${DEVICE:-cpu}" $resume --quiet
}
run ggdm+pred+time 5 80
run ggdm+pred+time 10 50
run vars 5 80
run ggdm 5 80
run ggdm+pred 5 80
run vars 10 40
run ggdm 10 40
run ggdm+pred 10 40
run ggdm+pred+time 15 30
run ggdm+pred+time 15 30 1e-3   # lr 5e-3 made K=15 worse than DDIM: the smaller learning rate
run ggdm+pred+time 20 30 1e-3
run ggdm+pred+time 25 30 1e-3
