#!/usr/bin/env bash
# The DDSS runs behind the table of nbs/04_ddss.ipynb: each learns a GGDM sampler for the shipped teacher
# on CPU and scores 5,000 samples (noise seed 0, sampler seed 1, as the baselines) on the eval network.
# Resumable: a finished run (eval.json present) is skipped, an interrupted one continues from its checkpoint.
# Usage: bash scripts/ddss_runs.sh [runs folder, default runs/ddss]
set -euo pipefail
root=${1:-runs/ddss}
run() {  # variant K iters
  out="$root/${1}_k$2"
  [ -f "$out/eval.json" ] && { echo "done: $out"; return; }
  resume=""; [ -f "$out/checkpoint.pt" ] && resume="--resume"
  fastddss ddss --variant "$1" --steps "$2" --iters "$3" --eval-n 5000 --out "$out" $resume --quiet
}
run ggdm+pred+time 5 80
run ggdm+pred+time 10 50
run vars 5 80
run ggdm 5 80
run ggdm+pred 5 80
run vars 10 40
run ggdm 10 40
run ggdm+pred 10 40
