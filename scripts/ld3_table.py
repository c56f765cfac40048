"""LD3 (notebook 51a) on the shipped teacher: the K times of DDIM and DPM-Solver++(2M) learned from a many-step teacher
(DPM-Solver, order 3, 30 NFE on the linear grid) with soft teacher forcing: 100 training and 100 validation pairs, 300 updates
of batch 2, the best grid on the validation pairs kept. Each learned grid is scored with 3 sets x 5,000 samples (seeds 2r,
2r + 1), FID (MNIST features) on the eval network against the 4,500 training digits, next to the same solver on its default
grid at the same K. Grids go to results/ld3/, records to results/ld3_mnist.json; finished cells are kept (the run resumes).
Usage: python scripts/ld3_table.py   (env KS="5 10", SAMPLERS="ddim dpm++")"""
import json, os, time
from pathlib import Path
from fastddss.evaluation import Reference, evaluate, load_results, save_results
from fastddss.defaults import LD3_PAIRS_SEED, LD3_RECIPE, LD3_TEACHER
from fastddss.ld3 import LD3Student, slack_radius, teacher_pairs, train_ld3
from fastddss.models import load_teacher
from fastddss.runs import finished
from fastddss.samplers import SAMPLERS
from fastddss.schedules import GRIDS, linear_grid

out, grids = Path("results/ld3_mnist.json"), Path("results/ld3")
Ks = [int(k) for k in os.environ.get("KS", "5 10").split()]
names = os.environ.get("SAMPLERS", "ddim dpm++").split()
labels = {"ddim": "DDIM", "dpm++": "DPM-Solver++(2M)"}
what = ("LD3 on the shipped teacher (scripts/ld3_table.py): learned times of DDIM and DPM-Solver++(2M) against the same solver on its "
        "default grid, 3 sets x 5,000 samples each, eval network")
records = load_results(out)[0] if out.exists() else []
seed_table = load_results("results/seed_table_mnist.json")[0] if Path("results/seed_table_mnist.json").exists() else []
teacher, ref = load_teacher(), Reference.mnist("eval")
solver, steps = LD3_TEACHER                      # LD3's recipe (notebook 51b): its teacher, pairs and seed
half = LD3_RECIPE["pairs"] // 2                  # pairs to train, and as many to validate
z, x, _ = teacher_pairs(teacher, solver, linear_grid(teacher.schedule, steps), 2 * half, (1, 28, 28), LD3_PAIRS_SEED,
                        batch_size=2 * half)     # one batch; the seed is not an evaluation seed
def save(rec):
    records.append(rec); save_results(out, records, what=what, how="python scripts/ld3_table.py")
    print(f"{rec['method']:34s} K={rec['K']:2d}: FID {rec['fid']:.3f} ± {rec['fid_std']:.3f} ({rec['seconds']:.0f} s)", flush=True)
for K in Ks:
    for s in names:
        default = f"{labels[s]} {SAMPLERS[s].grid}"
        known = [r for r in seed_table if r["method"] == default and r["K"] == K and r["fid_std"] is not None]   # the same protocol
        if known and not finished(records, method=default, K=K): save(known[0])
        if not finished(records, method=default, K=K):
            save(evaluate(teacher, s, K, ref, n=5000, progress=False, keep_samples=False, repeats=3, method=default)[0])
        method = f"LD3 {labels[s]} (times)"
        if finished(records, method=method, K=K): continue
        grid0 = GRIDS[SAMPLERS[s].grid](teacher.schedule, K)
        st = LD3Student(s, grid0, half, (1, 28, 28), slack_radius((1, 28, 28), K))
        t0 = time.time()
        ck = train_ld3(teacher, st, z[:half], x[:half], z[half:], x[half:], f"runs/ld3/{s}_k{K}",
                       iters=LD3_RECIPE["iters"], lr=LD3_RECIPE["lr"], progress=False)
        seconds, ts = time.time() - t0, st.times().detach()
        grids.mkdir(parents=True, exist_ok=True)
        info = dict(sampler=s, K=K, times=ts.tolist(), train_seconds=round(ck["seconds"], 1),
                    validation=ck["validation"],
                    teacher=f"{solver} linear {steps} NFE",
                    pairs=f"{half} train / {half} validation, noise seed {LD3_PAIRS_SEED}")
        (grids / f"{s}_k{K}.json").write_text(json.dumps(info, indent=1))
        rec, _ = evaluate(teacher, s, K, ref, grid=ts.tolist(), n=5000, progress=False, keep_samples=False, repeats=3, method=method,
                          family="learned sampler", train_seconds=round(ck["seconds"], 1), provenance=info)
        save(rec)
