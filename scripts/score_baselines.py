"""Score the baseline samples made on the GPU by scripts/baselines_gpu.py (npz files of uint8 images) into
results/baselines_mnist.json, a FID-vs-NFE plot and K=5 sample grids. Usage: python scripts/score_baselines.py DIR"""
import json, sys, time
from pathlib import Path
import numpy as np, torch
from fastddss.evaluation import Reference, score
from fastddss.schedules import CosineSchedule, linear_grid, quadratic_grid
from fastddss.data import save_images

src, out = Path(sys.argv[1]), Path("results")
ref, rows = Reference.mnist("eval"), []
grids = dict(linear=linear_grid, quadratic=quadratic_grid)
for f in sorted(src.glob("samples_*.npz")):
    sampler, grid = f.stem.split("_")[1:]
    data = np.load(f)
    for key in sorted(data.files, key=lambda k: int(k[1:])):
        K = int(key[1:])
        x = torch.from_numpy(data[key]).float() / 127.5 - 1
        t0 = time.time()
        rows.append(dict(sampler=sampler, grid=grid, K=K, nfe=K, n=len(x), seed=0, sampler_seed=1,
                         times=grids[grid](CosineSchedule(), K).tolist(),
                         feature_net=f"eval classifier (held-out acc {ref.net.info['held_out_accuracy']:.3f})",
                         reference=ref.name, samples_made_on="NVIDIA H100, torch 2.11 (scripts/baselines_gpu.py)", **score(x, ref)))
        print(f"{sampler:>5} {grid:<9} K={K:<4} FID {rows[-1]['fid']:7.2f}  KIDx1e3 {rows[-1]['kid_x1e3']:7.2f}  IS {rows[-1]['inception_score']:.2f}", flush=True)
        if K == 5: save_images(x[:32], out / f"baseline_{sampler}_{grid}_k5.png", nrow=8)
out.mkdir(exist_ok=True)
(out / "baselines_mnist.json").write_text(json.dumps(dict(
    what="DDPM/DDIM baselines on the shipped MNIST teacher; FID (MNIST features), KID x 1e3 (100 subsets of 1000) and IS on the eval classifier",
    teacher="fastddss/assets/teacher_mnist.safetensors", rows=rows), indent=1))
print("wrote results/baselines_mnist.json")
