"""The first reproduction table (notebook 42): DDPM and DDIM on the linear and quadratic grids at K = 5, 10, 15, 20, 25, plus
DDIM with 250 steps, on the shipped teacher; 5,000 samples each (noise seed 0, step noise seed 1, per sample), scored
against the 4,500 training digits on the eval network. Finished records are kept in the output file, so a killed run
resumes; K = 5 sample grids go to results/baseline_{sampler}_{grid}_k5.png.
About 2.5 hours on 2 CPU cores, a minute or two on one GPU (--device cuda).
Usage: python scripts/baselines_table.py [--device cpu|cuda] [--out results/baselines_mnist.json]"""
import argparse
from pathlib import Path
from fastddss.data import save_images
from fastddss.evaluation import BASELINES, Reference, evaluate, load_results, save_results
from fastddss.models import load_teacher
from fastddss.runs import finished

p = argparse.ArgumentParser(); p.add_argument("--device", default="cpu"); p.add_argument("--out", default="results/baselines_mnist.json")
a = p.parse_args()
out = Path(a.out)
what = ("DDPM/DDIM baselines on the shipped MNIST teacher; FID (MNIST features), KID x 1e3 (100 subsets of 1000) and IS on the "
        "eval classifier, 5,000 samples from noise seed 0 (step noise seed 1, per sample)")
records = load_results(out)[0] if out.exists() else []
teacher, ref = load_teacher(), Reference.mnist("eval")
for sampler, grid, K in [(s, g, K) for s, g in BASELINES for K in (5, 10, 15, 20, 25)] + [("ddim", "linear", 250)]:
    if finished(records, sampler=sampler, grid=grid, K=K): continue
    rec, x = evaluate(teacher, sampler, K, ref, grid=grid, n=5000, device=a.device, progress=False, method=f"{sampler.upper()} {grid}")
    records.append(rec)
    save_results(out, records, what=what, how=f"python scripts/baselines_table.py --device {a.device}")
    if K == 5: save_images(x[:32], out.parent / f"baseline_{sampler}_{grid}_k5.png", nrow=8)
    print(f"{sampler:>5} {grid:<9} K={K:<4} FID {rec['fid']:7.2f}  KIDx1e3 {rec['kid_x1e3']:7.2f}  IS {rec['inception_score']:.2f}", flush=True)
print(f"{len(records)} records in {out}")
