#!/usr/bin/env bash
# Every method on the third shipped teacher (latent_mnist: a latent, class-conditional flow-matching DiT), through the CLI, at
# K = 4 and 8 and guidance w = 1 (the conditional model, no guidance) and 3. Each scored on 3 sets x 1,000 samples (classes
# uniform over the 10 digits) against the 4,500 training digits: FID (MNIST features) and the eval classifier's class accuracy.
# Learned samplers: DDSS (KID x DPM-Solver++ times) and LD3 (teacher matching x DPM-Solver++ times); progressive distillation
# from 32 DDIM steps to 4 (600 updates of 64 per round, each digit with its own label; at w = 3 a first round learns the
# guided teacher in one network call per step). Resumable: a finished record is skipped, a stopped learner continues.
# The training-seed spread of the cells where a learned sampler leads: distillation at w = 1 and DDSS at K = 4, w = 3 (seeds 1, 2;
# seed 0 is the table's run).
# Usage: bash scripts/latent_mnist_runs.sh   (PART=table: the solvers and learned samplers; PART=distill: distillation;
#        PART=seeds: the seed spread)
set -euo pipefail
M=fastddss/assets/latent_mnist; runs=runs/latent_mnist_table; res=results/latent_mnist
PY=${PYTHON:-.venv/bin/python}
mkdir -p "$res"
ev() {  # record name, then eval options
  name=$1; shift
  [ -f "$res/$name.json" ] || $PY -m fastddss.cli eval --model $M "$@" -n 1000 --repeats 3 --out "$res/$name.json" --quiet
}
learn() {  # run name, then the command and its options
  out="$runs/$1"; shift
  if [ ! -f "$out/done" ]; then
    resume=""; [ -d "$out" ] && resume="--resume"
    $PY -m fastddss.cli "$@" --model $M --out "$out" --quiet $resume && touch "$out/done"
  fi
}
PART=${PART:-all}
for K in 4 8; do
  [ "$PART" = distill ] || [ "$PART" = seeds ] && break
  for w in 1 3; do
    g=""; [ "$w" != 1 ] && g="--guidance $w"
    c="k${K}_w${w}"
    ev "ddim_$c" --sampler ddim --steps $K $g
    ev "dpmpp_$c" --sampler dpm++ --steps $K $g
    ev "heun_$c" --sampler heun --steps $(( K / 2 + 1 )) $g
    learn "ld3_$c" ld3 --sampler dpm++ --steps $K --pairs 200 --iters 300 $g
    ev "ld3_$c" --grid "$runs/ld3_$c/grid.json" $g
    learn "ddss_$c" ddss --variant time --backbone dpm++ --steps $K --iters 40 --val-n 200 $g
    ev "ddss_$c" --ggdm "$runs/ddss_$c/sampler.safetensors" $g
  done
done
for w in 1 3; do
  [ "$PART" = table ] || [ "$PART" = seeds ] && break
  g=""; [ "$w" != 1 ] && g="--guidance $w"
  learn "pd_w$w" distill --from-steps 32 --to-steps 4 --steps-per-round 600 --labels data $g
  for K in 4 8; do   # a student samples with DDIM on its own steps, one network call each (its guidance is learned)
    [ -f "$res/pd_k${K}_w$w.json" ] || $PY -m fastddss.cli eval --model "$runs/pd_w$w/student_000$K.safetensors" --sampler ddim \
      --steps $K -n 1000 --repeats 3 --out "$res/pd_k${K}_w$w.json" --quiet
  done
done
for seed in 1 2; do
  [ "$PART" = table ] || [ "$PART" = distill ] && break
  learn "pd_w1_s$seed" distill --from-steps 32 --to-steps 4 --steps-per-round 600 --labels data --seed $seed
  [ -f "$res/pd_k4_w1_s$seed.json" ] || $PY -m fastddss.cli eval --model "$runs/pd_w1_s$seed/student_0004.safetensors" \
    --sampler ddim --steps 4 -n 1000 --repeats 3 --out "$res/pd_k4_w1_s$seed.json" --quiet
  learn "ddss_k4_w3_s$seed" ddss --variant time --backbone dpm++ --steps 4 --iters 40 --val-n 200 --guidance 3 --seed $seed
  ev "ddss_k4_w3_s$seed" --ggdm "$runs/ddss_k4_w3_s$seed/sampler.safetensors" --guidance 3
done
echo "all records in $res"
