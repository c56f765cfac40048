"""Collect the run of scripts/distill_run.sh into results/: the rounds (updates, seconds, loss) and the students' scores
next to DDIM with the teacher at the same number of steps (scored here, same seeds) in results/distill_mnist.json;
sample grids of every round's student in results/distill_samples.png; the 4-, 2- and 1-step students copied to
fastddss/assets for the demo.
Usage: python scripts/distill_table.py [run folder, default runs/distill]"""
import json, shutil, sys
from pathlib import Path
import torch
from fastddss.data import image_grid
from fastddss.models import load_student
from fastddss.evaluation import Reference, evaluate, load_results, save_results
from fastddss.runs import atomic_write
from fastddss.sampling import ddim
from fastddss.schedules import linear_grid
from fastddss.models import load_teacher

root, res = Path(sys.argv[1] if len(sys.argv) > 1 else "runs/distill"), Path("results")
rounds = json.loads((root / "rounds.json").read_text())
students = load_results(root / "eval.json")[0]
teacher = load_teacher()
cache = root / "ddim_baselines.json"      # DDIM with the teacher at the students' step counts, same seeds as every table
ddim_rows = load_results(cache)[0] if cache.exists() else []
ref = None
for r in students:
    if any(d["K"] == r["K"] for d in ddim_rows): continue
    ref = ref or Reference.mnist("eval")
    rec, _ = evaluate(teacher, "ddim", r["K"], ref, grid="linear", n=r["n"], progress=False, method="DDIM linear")
    ddim_rows.append(rec); save_results(cache, ddim_rows, what="DDIM at the students' step counts", how="scripts/distill_table.py")
for r in students:
    d = next(d for d in ddim_rows if d["K"] == r["K"])
    print(f"{r['K']} steps: student FID {r['fid']:.2f} KID×1e3 {r['kid_x1e3']:.0f} IS {r['inception_score']:.2f}  |  "
          f"DDIM FID {d['fid']:.2f} KID×1e3 {d['kid_x1e3']:.0f} IS {d['inception_score']:.2f}")
for r in rounds: print(f"round N={r['N']:3d}: {r['steps']} updates in {r['seconds']:.0f} s, final loss {r['final_loss']:.4f}")
what = ("Progressive distillation of the shipped teacher (scripts/distill_run.sh) from 128 DDIM steps to 1; students and DDIM "
        "baselines scored on 5,000 samples (noise seed 0) against the 4,500 training digits on the eval network")
save_results(res / "distill_mnist.json", students + ddim_rows, what=what, how="bash scripts/distill_run.sh && python scripts/distill_table.py", rounds=rounds)
for N in (4, 2, 1):
    atomic_write(Path("fastddss/assets") / f"pd_student_{N}.safetensors", lambda tmp: shutil.copy(root / f"student_{N:04d}.safetensors", tmp))
z = torch.randn(16, 1, 28, 28, generator=torch.Generator().manual_seed(0))
rows = [ddim(teacher, z, linear_grid(teacher.schedule, 128))]
with torch.no_grad():
    for r in rounds:
        s = load_student(root / f"student_{r['N']:04d}.safetensors")
        rows.append(ddim(s, z, linear_grid(s.schedule, r["N"])))
import matplotlib.pyplot as plt
fig, ax = plt.subplots(len(rows), 1, figsize=(8, 0.62 * len(rows) + 0.3))
for a, x, name in zip(ax, rows, ["teacher, DDIM 128"] + [f"student, {r['N']} step{'s' * (r['N'] > 1)}" for r in rounds]):
    a.imshow(image_grid(x, nrow=16)[0], cmap="gray"); a.set_xticks([]); a.set_yticks([]); a.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
fig.tight_layout(); atomic_write(res / "distill_samples.png", lambda tmp: fig.savefig(tmp, dpi=100, format="png"))
print(f"written {res / 'distill_mnist.json'}, {res / 'distill_samples.png'}")
