"""Rectified flow on the shipped teacher (notebook 53), resumable at every stage:
1. 5,000 pairs (noise, ODE sample) from the teacher: DPM-Solver++(2M), 20 steps on the linear grid;
2. reflow: a copy of the teacher trained on them (s ~ U(0, 1)) -> reflow.safetensors (2-RF);
3. 5,000 pairs from the 2-RF flow (8 Euler steps) and 1-step distillation on them (s = 1) -> distilled.safetensors;
4. scores (5,000 samples, noise seed 0, eval network): teacher as a flow (1-RF) and 2-RF with 1, 2, 4 Euler steps,
   the distilled flow with 1; results/reflow_mnist.json and results/reflow_samples.png.
Usage: python scripts/reflow_run.py [--out runs/reflow] [--reflow-steps 600] [--distill-steps 400] [--lr 2e-4]"""
import argparse, copy, json, os
from pathlib import Path
import torch
from fastddss.data import image_grid
from fastddss.models import load_student, save_student
from fastddss.evaluation import Reference, evaluate
from fastddss.schedules import flow_grid
from fastddss.flow import make_pairs, train_flow
from fastddss.sampling import ddim
from fastddss.schedules import linear_grid
from fastddss.solvers import dpm_solver_pp
from fastddss.models import load_teacher

p = argparse.ArgumentParser()
p.add_argument("--out", default="runs/reflow"); p.add_argument("--pairs", type=int, default=5000)
p.add_argument("--reflow-steps", type=int, default=600); p.add_argument("--distill-steps", type=int, default=400)
p.add_argument("--lr", type=float, default=2e-4); p.add_argument("--n", type=int, default=5000)
a = p.parse_args()
out, res = Path(a.out), Path("results"); out.mkdir(parents=True, exist_ok=True)
teacher = load_teacher()
stages = json.loads((out / "stages.json").read_text()) if (out / "stages.json").exists() else []

def stage(name, model, noise, x, times, steps):
    f = out / f"{name}.safetensors"
    if not f.exists():
        ck = train_flow(model, noise, x, out / name, steps=steps, times=times, lr=a.lr)
        rec = dict(stage=name, steps=ck["step"], seconds=round(ck["seconds"], 1), times=times, lr=a.lr, n_pairs=len(x),
                   final_loss=sum(ck["losses"][-50:]) / len(ck["losses"][-50:]), losses=ck["losses"][::10])
        save_student(model, f, 1 if times == "start" else 0, **{k: v for k, v in rec.items() if k != "losses"})
        stages.append(rec); (out / "stages.json").write_text(json.dumps(stages))
    return load_student(f, like=teacher)

noise, x = make_pairs(teacher, a.pairs, out / "pairs_teacher.pt", sampler=dpm_solver_pp, ts=linear_grid(teacher.schedule, 20), seed=100)
rf2 = stage("reflow", copy.deepcopy(teacher), noise, x, "uniform", a.reflow_steps)
noise2, x2 = make_pairs(rf2, a.pairs, out / "pairs_reflow.pt", sampler=ddim, ts=flow_grid(rf2.schedule, 8), seed=200)
dist = stage("distilled", copy.deepcopy(rf2), noise2, x2, "start", a.distill_steps)

rows = json.loads((out / "eval.json").read_text()) if (out / "eval.json").exists() else []
ref = Reference.mnist("eval")
for name, model, Ks in (("teacher as a flow (1-RF)", teacher, (1, 2, 4)), ("reflow (2-RF)", rf2, (1, 2, 4)),
                        ("2-RF + 1-step distillation", dist, (1,))):
    for K in Ks:
        if any(r["name"] == name and r["K"] == K for r in rows): continue
        rec, _ = evaluate(model, "ddim", K, ref, grid="flow", n=a.n, progress=False)
        rows.append(dict(name=name, **rec)); (out / "eval.json").write_text(json.dumps(rows, indent=1))
        print(f"{name:28s} K={K}: FID {rec['fid']:.2f} KID×1e3 {rec['kid_x1e3']:.0f} IS {rec['inception_score']:.2f}", flush=True)
what = (f"Rectified flow from the shipped teacher (scripts/reflow_run.py): {a.pairs} pairs from DPM-Solver++(2M) 20 linear steps, "
        f"reflow {a.reflow_steps} updates x 64 (s ~ U(0,1)), 1-step distillation {a.distill_steps} updates x 64 on {a.pairs} pairs of "
        f"the 2-RF flow (8 Euler steps), Adam lr {a.lr:g}; Euler = DDIM on the flow grid; {a.n} samples (noise seed 0) vs the "
        "4,500 training digits on the eval network")
tmp = res / "reflow_mnist.tmp"; tmp.write_text(json.dumps(dict(what=what, stages=stages, rows=rows), indent=1)); os.replace(tmp, res / "reflow_mnist.json")
z = torch.randn(16, 1, 28, 28, generator=torch.Generator().manual_seed(0))
grids = [("teacher, DPM++ 20", dpm_solver_pp(teacher, z, linear_grid(teacher.schedule, 20)))]
with torch.no_grad():
    for name, m, K in (("1-RF, 1 step", teacher, 1), ("1-RF, 4 steps", teacher, 4), ("2-RF, 1 step", rf2, 1),
                       ("2-RF, 4 steps", rf2, 4), ("2-RF+distill, 1 step", dist, 1)):
        grids.append((name, ddim(m, z, flow_grid(m.schedule, K))))
import matplotlib; matplotlib.use("Agg"); import matplotlib.pyplot as plt
fig, ax = plt.subplots(len(grids), 1, figsize=(8, 0.62 * len(grids) + 0.3))
for ax_, (name, xs) in zip(ax, grids):
    ax_.imshow(image_grid(xs, nrow=16)[0], cmap="gray"); ax_.set_xticks([]); ax_.set_yticks([])
    ax_.set_ylabel(name, rotation=0, ha="right", va="center", fontsize=8)
fig.tight_layout(); fig.savefig(res / "reflow_samples.png", dpi=100)
print(f"written {res / 'reflow_mnist.json'}, {res / 'reflow_samples.png'}")
