"""Which axis carries the gain of a learned sampler: the loss or the family (issue 19)? The 2 x 2 on the shipped teacher:
{KID against the data (DDSS, notebook 51), squared distance to the teacher's many-step sample (LD3, notebook 51a)}
x {a solver's times alone (the GGDM `time` variant on the DDIM or the DPM-Solver++(2M) backbone), the full GGDM+PRED+TIME}.

- KID cells: `fastddss ddss` at its defaults (80 iterations of 64 samples, the guard), with --variant time [--backbone dpm++] or the
  default variant; runs in runs/loss_family/, samplers copied to results/loss_family/.
- Teacher cells: LD3 as in scripts/ld3_table.py (teacher DPM-Solver order 3, 30 NFE; 100 / 100 pairs, noise seed 12345; 300 updates of
  batch 2); the times-only cells are ld3_table.py's records, the full-GGDM cell trains a GGDM+PRED+TIME student (step scales, lr 5e-3).
- Every new cell is scored with 3 sets x 5,000 samples, FID (MNIST features) on the eval network; one JSON per cell in
  results/loss_family/ (finished cells are kept: the run resumes, and WORKER=i/n splits the cells between processes).
Usage: python scripts/loss_family_table.py run     (env KS="5 10 4 6 8", WORKER=0/1, CELLS="KID x DPM-Solver++ times,...")
       python scripts/loss_family_table.py reference   (the teacher the teacher-matching cells aim at)
       python scripts/loss_family_table.py table   (the 2 x 2 from every record: results/loss_family_mnist.json, each record's
                                                    `cell` names its place; records measured elsewhere keep their method)"""
import os, subprocess, sys, time
from pathlib import Path
from fastddss.evaluation import Reference, evaluate, load_results, save_results
from fastddss.ggdm import GGDM, load_sampler, save_sampler
from fastddss.defaults import LD3_PAIRS_SEED, LD3_RECIPE, LD3_TEACHER
from fastddss.ld3 import LD3Student, slack_radius, teacher_pairs, train_ld3
from fastddss.models import fingerprint, load_teacher
from fastddss.schedules import linear_grid

CELLS, RUNS, OUT = Path("results/loss_family"), Path("runs/loss_family"), Path("results/loss_family_mnist.json")
KS = [int(k) for k in os.environ.get("KS", "5 10 4 6 8").split()]
KID = {"KID x DDIM times": ("time", "ddim"), "KID x DPM-Solver++ times": ("time", "dpm++"), "KID x GGDM+PRED+TIME": ("ggdm+pred+time", "ddim")}
# the cells other scripts measured with the same protocol: (file, method) for each 2 x 2 cell
KNOWN = {"teacher x DDIM times": ("results/ld3_mnist.json", "LD3 DDIM (times)"),
         "teacher x DPM-Solver++ times": ("results/ld3_mnist.json", "LD3 DPM-Solver++(2M) (times)"),
         "KID x GGDM+PRED+TIME": ("results/seed_table_learned_mnist.json", "DDSS GGDM+PRED+TIME (one recipe)")}
solver, steps = LD3_TEACHER                      # LD3's recipe (notebook 51b): its teacher, pairs and seed
half = LD3_RECIPE["pairs"] // 2                  # pairs to train, and as many to validate
BASE = {"DDIM linear": "ddim", "DPM-Solver++(2M) linear": "dpm++"}

def known(cell: str, K: int):
    "A record of the same protocol measured by another script, if any."
    if cell not in KNOWN or not Path(KNOWN[cell][0]).exists(): return None
    f, method = KNOWN[cell]
    r = next((r for r in load_results(f)[0] if r["method"] == method and r["K"] == K and r.get("fid_std") is not None), None)
    first = Path(f"results/ddss_recipe/ggdm_pred_time_k{K}_eval.json")      # the seed table's DDSS cells: training time from their run
    if r is not None and not r.get("train_seconds") and first.exists(): r = dict(r, train_seconds=load_results(first)[0][0]["train_seconds"])
    return r

def score(teacher, ref, K, params, cell, seconds, info):
    rec, _ = evaluate(teacher, "ggdm", K, ref, n=5000, repeats=3, progress=False, keep_samples=False, params=params.eval(), method=cell,
                      family="learned sampler", train_seconds=round(seconds, 1), provenance=info)
    return rec

def kid_cell(teacher, ref, K, cell):
    variant, backbone = KID[cell]
    name = f"{variant.replace('+', '_')}_{backbone.replace('+', 'p')}_k{K}"
    out = RUNS / name
    done = (out / "sampler.safetensors").exists() and load_sampler(out / "sampler.safetensors").info.get("iters") == 80
    if not done:
        cmd = [sys.executable, "-m", "fastddss.cli", "ddss", "--variant", variant, "--backbone", backbone, "--steps", str(K), "--eval-n", "0",
               "--out", str(out), "--quiet"] + (["--resume"] if (out / "checkpoint.pt").exists() else [])
        subprocess.run(cmd, check=True)
    params = load_sampler(out / "sampler.safetensors", teacher)
    CELLS.mkdir(parents=True, exist_ok=True); save_sampler(params, CELLS / f"{name}.safetensors")
    return score(teacher, ref, K, params, cell, params.info["seconds"], dict(sampler_file=str(CELLS / f"{name}.safetensors"), ddss=params.info))

def teacher_full_cell(teacher, ref, K, cell, pairs):
    z, x = pairs
    st = LD3Student(GGDM(linear_grid(teacher.schedule, K), "ggdm+pred+time"), None, half, (1, 28, 28),
                    slack_radius((1, 28, 28), K))
    iters, lr = LD3_RECIPE["iters"], LD3_RECIPE["lr"]
    ck = train_ld3(teacher, st, z[:half], x[:half], z[half:], x[half:], RUNS / f"ld3_ggdm_pred_time_k{K}", iters=iters,
                   lr=lr, progress=False)
    st.params.info = dict(teacher=fingerprint(teacher), teacher_sampler=f"{solver} linear {steps} NFE",
                          pairs=f"{half} train / {half} validation, noise seed {LD3_PAIRS_SEED}",
                          iters=iters, batch_size=2, lr=lr,
                          validation=ck["validation"], seconds=round(ck["seconds"], 1))
    CELLS.mkdir(parents=True, exist_ok=True); save_sampler(st.params, CELLS / f"ld3_ggdm_pred_time_k{K}.safetensors")
    return score(teacher, ref, K, st.params, cell, ck["seconds"], dict(sampler_file=str(CELLS / f"ld3_ggdm_pred_time_k{K}.safetensors"), ld3=st.params.info))

def run():
    i, n = (int(v) for v in os.environ.get("WORKER", "0/1").split("/"))
    wanted = os.environ.get("CELLS", "").split(",") if os.environ.get("CELLS") else [*KID, "teacher x GGDM+PRED+TIME"]
    todo = [(K, c) for K in KS for c in wanted if known(c, K) is None]
    teacher, ref, pairs = load_teacher(), Reference.mnist("eval"), None
    for K, cell in todo[i::n]:
        path = CELLS / f"{cell.replace(' ', '_').replace('+', 'p')}_k{K}.json"
        if path.exists(): continue
        t0 = time.time()
        if cell.startswith("KID"): rec = kid_cell(teacher, ref, K, cell)
        else:
            if pairs is None:                                   # the pairs of scripts/ld3_table.py
                pairs = teacher_pairs(teacher, solver, linear_grid(teacher.schedule, steps), 2 * half, (1, 28, 28),
                                      LD3_PAIRS_SEED, batch_size=2 * half)[:2]     # one batch
            rec = teacher_full_cell(teacher, ref, K, cell, pairs)
        save_results(path, [rec], what=f"the loss x family 2 x 2, cell {cell} at K = {K}", how="python scripts/loss_family_table.py run")
        print(f"{cell:30s} K={K:2d}: FID {rec['fid']:.3f} ± {rec['fid_std']:.3f} (train {rec['train_seconds']:.0f} s, all {time.time() - t0:.0f} s)", flush=True)

def reference():
    "The teacher-matching cells' target: the teacher's DPM-Solver (order 3) at 30 NFE on the linear grid, 3 sets x 5,000."
    path = CELLS / "teacher_reference_k30.json"
    if path.exists(): return
    rec, _ = evaluate(load_teacher(), "dpm", 30, Reference.mnist("eval"), n=5000, repeats=3, progress=False, keep_samples=False,
                      method="the LD3 teacher: DPM-Solver linear, 30 NFE")
    CELLS.mkdir(parents=True, exist_ok=True)
    save_results(path, [rec], what="the teacher the 2 x 2's teacher-matching cells aim at", how="python scripts/loss_family_table.py reference")
    print(f"{rec['method']}: FID {rec['fid']:.3f} ± {rec['fid_std']:.3f}", flush=True)

def place(r: dict, cell: str) -> dict:
    "The record with its place in the 2 x 2 (its `cell`, kept in the provenance: a record keeps its method)."
    return dict(r, provenance=dict(r.get("provenance") or {}, cell=cell))

def table():
    cols = ["teacher x DDIM times", "teacher x DPM-Solver++ times", "teacher x GGDM+PRED+TIME", "KID x DDIM times", "KID x DPM-Solver++ times", "KID x GGDM+PRED+TIME"]
    recs = [place(r, r["method"]) for f in sorted(CELLS.glob("*_k*.json")) for r in load_results(f)[0] if r["method"] in cols]
    ks = sorted(set(KS) | {r["K"] for r in recs})                          # the 2 x 2's K and any K with a cell of its own (7, 9)
    recs += [place(k, c) for c in cols for K in ks if (k := known(c, K)) is not None and not any(x["provenance"]["cell"] == c and x["K"] == K for x in recs)]
    base = []
    for f in ("results/seed_table_mnist.json", "results/ld3_mnist.json"):   # the solvers on their default grids, 3 sets each
        base += [place(r, r["method"]) for r in load_results(f)[0] if r["method"] in BASE and r["K"] in ks and r.get("fid_std") is not None
                 and not any((b["method"], b["K"]) == (r["method"], r["K"]) for b in base)]
    save_results(OUT, base + recs, what="the loss x family 2 x 2 on the shipped teacher (scripts/loss_family_table.py), 3 sets x 5,000 samples, eval network",
                 how="python scripts/loss_family_table.py run && python scripts/loss_family_table.py table")
    get = lambda m, K: next((r for r in base + recs if r["provenance"]["cell"] == m and r["K"] == K), None)   # a record keeps its method; `cell` places it
    cell = lambda r: "" if r is None else f"{r['fid']:.2f} ± {r['fid_std']:.2f}" + (f" ({r['train_seconds']:.0f} s)" if r.get("train_seconds") else "")
    print("| K | " + " | ".join(list(BASE) + cols) + " |\n|" + "---|" * (len(cols) + len(BASE) + 1))
    for K in ks: print(f"| {K} | " + " | ".join(cell(get(m, K)) for m in list(BASE) + cols) + " |")

if __name__ == "__main__":
    {"run": run, "reference": reference, "table": table}[sys.argv[1] if len(sys.argv) > 1 else "run"]()
