#!/usr/bin/env bash
# The progressive-distillation run behind the table of nbs/52_distill.ipynb: the shipped teacher's 128-step DDIM
# distilled down to 1 step (7 rounds), each round STEPS updates of 64 digits, then the 8/4/2/1-step students scored
# on 5,000 samples on the eval network. Resumable: run it again after a kill and it continues where it stopped.
# Usage: bash scripts/distill_run.sh [run folder, default runs/distill]   (DEVICE=cuda to run on a GPU;
#        PYTHON=... to choose the interpreter; LAUNCH="torchrun --nproc-per-node 8" to shard each batch over 8 processes)
set -euo pipefail
out=${1:-runs/distill}
export PYTHONPATH="$(cd "$(dirname "$0")/.." && pwd)${PYTHONPATH:+:$PYTHONPATH}"   # this repository's fastddss
resume=""; compgen -G "$out/round_*" > /dev/null && resume="--resume"
${LAUNCH:-${PYTHON:-python}} -m fastddss.cli distill --from-steps 128 --to-steps 1 --steps-per-round ${STEPS:-600} --batch-size 64 \
  --lr ${LR:-2e-4} --eval-n 5000 --eval-steps 8,4,2,1 --device "${DEVICE:-cpu}" --out "$out" $resume --quiet
