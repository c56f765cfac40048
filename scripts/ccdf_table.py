"""CCDF (notebook 34) with the shipped teacher, both uses:
- generation: the shipped 1-step progressive-distillation student's sample, diffused to t0 and refined by K teacher DDIM steps
  (NFE K + 1), against the students alone and the teacher alone (DDIM, DPM-Solver++(2M), linear grid) at equal NFE;
  a sweep over t0, K and eta on one set of 5,000 (seed 0), then the best setting at each NFE and the baselines on 3 sets x 5,000 samples (noise seeds 2r, 2r + 1), FID (MNIST features) on the eval network against the 4,500 training digits.
- inverse problems on the 500 held-out digits: inpainting of the lower half and 4x super-resolution (average pooling), from
  the consistent image nearest the training mean, μ - A⁺(Aμ - y), with data consistency on every x̂; CCDF at t0 < 1 against the same sampler from pure noise (t0 = 1); PSNR against the
  clean digits (data range [-1, 1]) and the eval classifier's accuracy on the restored digits, mean ± sd over 3 noise seeds.
Finished records are kept in the output file (an interrupted run resumes).
Usage: python scripts/ccdf_table.py [output, default results/ccdf_mnist.json]"""
import statistics, sys
from pathlib import Path
import torch
from fastddss.ccdf import ccdf, data_consistency, inpainting, super_resolution
from fastddss.data import load_mnist
from fastddss.evaluation import Reference, evaluate, load_results, save_results
from fastddss.metrics import load_classifier, psnr
from fastddss.models import ASSETS, load_student, load_teacher
from fastddss.runs import finished
from fastddss.schedules import linear_grid

out = Path(sys.argv[1] if len(sys.argv) > 1 else "results/ccdf_mnist.json")
what = ("CCDF with the shipped teacher (scripts/ccdf_table.py): generation from the 1-step PD student's sample (3 sets x 5,000, eval network) "
        "against the students and the teacher alone at equal NFE; inverse problems on the 500 held-out digits under 'inverse'")
doc = load_results(out)[1] if out.exists() else {}
records, inverse = (load_results(out)[0] if out.exists() else []), doc.get("inverse", [])
teacher, ref = load_teacher(), Reference.mnist("eval")
student1 = load_student(ASSETS / "pd_student_1.safetensors", like=teacher)
def save():
    save_results(out, records, what=what, how="python scripts/ccdf_table.py", inverse=inverse)
def run(method, nfe, *args, repeats=3, **kw):
    if any(r["method"] == method and r["nfe"] == nfe and (r["repeats"] and len(r["repeats"]) or 1) >= repeats for r in records): return
    rec, _ = evaluate(*args, n=5000, progress=False, keep_samples=False, repeats=repeats, method=method, **kw)
    records[:] = [r for r in records if not (r["method"] == method and r["nfe"] == nfe)] + [rec]; save()
    print(f"{method:34s} NFE={rec['nfe']}: FID {rec['fid']:.3f}" + (f" ± {rec['fid_std']:.3f}" if rec["fid_std"] is not None else "")
          + f" ({rec['seconds']:.0f} s)", flush=True)

# inverse problems
x, y_lab = load_mnist("held_out")
mu = load_mnist("train")[0].mean(0, keepdim=True)
clf = load_classifier("eval")
mask = torch.ones(1, 1, 28, 28); mask[..., 14:, :] = 0
tasks = {"inpaint lower half": inpainting(mask), "super-resolution 4x": super_resolution(4)}
def score(xr): return dict(psnr=psnr(xr.clamp(-1, 1), x), accuracy=(clf(xr.clamp(-1, 1)).argmax(1) == y_lab).float().mean().item())
def add(task, method, t0, K, eta, scores):
    row = dict(task=task, method=method, t0=t0, K=K, eta=eta, nfe=K, seeds=len(scores))
    for k in ("psnr", "accuracy"):
        v = [s[k] for s in scores]
        row[k], row[k + "_std"] = statistics.mean(v), (statistics.stdev(v) if len(v) > 1 else 0.0)
    inverse.append(row); save()
    print(f"{task:20s} {method:28s} NFE={K:2d}: PSNR {row['psnr']:.2f} ± {row['psnr_std']:.2f} dB, accuracy {row['accuracy']:.3f} ± {row['accuracy_std']:.3f}", flush=True)
configs = [(1.0, K, eta) for K in (2, 5, 10, 20) for eta in (0.0, 1.0)] + [(t0, K, eta) for t0 in (0.3, 0.5, 0.7) for K in (2, 5) for eta in (0.0, 1.0)]
with torch.no_grad():
    for task, (A, Ap) in tasks.items():
        y = A(x)
        if not finished(inverse, task=task, method="A⁺y"): add(task, "A⁺y", None, 0, None, [score(Ap(y))])
        proj = data_consistency(A, Ap, y)
        start = proj(mu.expand_as(x))                                # consistent with y, the training mean elsewhere
        if not finished(inverse, task=task, method="mean fill"): add(task, "mean fill", None, 0, None, [score(start)])
        for t0, K, eta in configs:
            method = ("from noise" if t0 == 1.0 else f"CCDF t0={t0}") + (" eta=1" if eta else "")
            if finished(inverse, task=task, method=method, K=K): continue
            scores = []
            for seed in range(3):
                g = torch.Generator().manual_seed(100 + seed)
                noise = [torch.randn(x.shape, generator=g) for _ in range(K + 1)]
                scores.append(score(ccdf(teacher, torch.zeros_like(x), linear_grid(teacher.schedule, K), start=start, t0=t0, eta=eta, project=proj, noise=noise)))
            add(task, method, t0, K, eta, scores)

# generation
for N in (1, 2, 4):
    st = load_student(ASSETS / f"pd_student_{N}.safetensors", like=teacher)
    run("progressive distillation", N, st, "ddim", N, ref, grid="linear", family="new model", model_name=f"pd_student_{N}", provenance=st.meta, train_seconds=None)
for K in (2, 3, 4, 5):
    run("DDIM linear", K, teacher, "ddim", K, ref, grid="linear")
    if K >= 3: run("DPM-Solver++(2M) linear", K, teacher, "dpm++", K, ref, grid="linear")
sweep = [(eta, t0, K) for eta, t0s, Ks in ((0.0, (0.3, 0.5, 0.7), (1, 2, 4)), (1.0, (0.5, 0.7), (2, 4))) for t0 in t0s for K in Ks]
label = lambda eta, t0: f"CCDF PD-1 t0={t0}" + (" eta=1" if eta else "")
ccdf_run = lambda eta, t0, K, repeats: run(label(eta, t0), K + 1, teacher, "ccdf", K, ref, grid="linear", family="new model", repeats=repeats,
                                        model_name="shipped teacher + pd_student_1", provenance=student1.meta, train_seconds=None,
                                        start=student1, t0=t0, eta=eta)
for eta, t0, K in sweep: ccdf_run(eta, t0, K, 1)       # the sweep: one set each (seed 0)
for K in (1, 2, 4):                                     # the best of the sweep at each NFE: three sets, for error bars
    best = min((r for r in records if r["method"].startswith("CCDF") and r["nfe"] == K + 1), key=lambda r: r["fid"])
    eta, t0 = float(best["hyper"]["eta"]), float(best["hyper"]["t0"])
    ccdf_run(eta, t0, K, 3)
