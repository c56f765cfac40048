"""The seed table's shape on the shipped teacher, with error bars: learned GGDM+PRED+TIME samplers (DDSS) at K = 5..25 next to
the learning-free samplers at the same NFE, each cell the mean ± standard deviation of FID over 3 independent sets of 5,000
samples (set r: initial-noise seed 2r, step-noise seed 2r + 1), against the 4,500 training digits on the eval network.

    python scripts/seed_table.py run [--part baselines|learned|students|all] [--samplers DIR] [--out results/seed_table_mnist.json]
                                     [--only SAMPLER:K ...]
    python scripts/seed_table.py table [--out results/seed_table_mnist.json] [--more FILE ...]

Two `run`s must not share an --out (each rewrites the file with its own records); the parts run side by side as
    python scripts/seed_table.py run --part baselines
    python scripts/seed_table.py run --part learned --out results/seed_table_learned_mnist.json
    python scripts/seed_table.py run --part students --out results/seed_table_students_mnist.json

`run` is resumable (finished cells are kept in the output file and skipped); the learned samplers are the files
DIR/ggdm_pred_time_kK.safetensors written by `fastddss ddss` (scripts/ddss_recipe_runs.sh copies them to results/ddss_recipe).
`table` prints the markdown table of the README: per K, the learned sampler, the best learning-free sampler at that NFE, and
whether the learned one wins with separated intervals (`fastddss.evaluation.separated`)."""
import argparse, sys
from pathlib import Path
import torch
from fastddss.evaluation import Reference, evaluate, load_results, save_results, separated, summarize_sets
from fastddss.ggdm import load_sampler
from fastddss.metrics import paired
from fastddss.models import ASSETS, load_model, load_teacher
from fastddss.runs import finished
from fastddss.schedules import logsnr_grid

N, REPEATS, KS = 5000, 3, (5, 10, 15, 20, 25)
NAMES = {"dpm++": "DPM-Solver++(2M)", "heun": "EDM Heun", "ddim": "DDIM", "ddpm": "DDPM", "dpm": "DPM-Solver"}
BASELINES = [  # in order of need, so that a run cut short has the cells that decide the table: the best learning-free sampler at each NFE first
    ("dpm++", "karras", 10), ("dpm", "linear", 10), ("dpm", "linear", 15),   # the best single sets of solvers_table.py at 10 and 15
    ("dpm++", "linear", 5), ("heun", "karras", 10), ("dpm++", "logsnr T=0.9946", 10), ("heun", "karras", 8), ("heun", "karras", 13),
    ("dpm++", "linear", 15), ("dpm++", "linear", 25), ("dpm++", "linear", 20), ("dpm++", "linear", 10),   # Heun: NFE 2K - 1
    ("ddpm", "linear", 15), ("ddpm", "linear", 25), ("ddpm", "linear", 20),
    ("ddim", "linear", 5), ("ddim", "linear", 10), ("ddim", "linear", 15), ("ddim", "linear", 20), ("ddim", "linear", 25),
    ("ddpm", "linear", 10), ("ddpm", "linear", 5), ("heun", "karras", 5), ("dpm++", "logsnr T=0.9946", 5),
    ("dpm++", "karras", 5), ("dpm", "linear", 5), ("dpm++", "karras", 15), ("dpm++", "karras", 20), ("dpm", "linear", 20)]
WHAT = (f"The seed table on the shipped teacher with error bars (scripts/seed_table.py): FID (MNIST features), KID x 1e3 and IS on the "
        f"eval network, each the mean and standard deviation over {REPEATS} independent sets of {N:,} samples (seeds 0/1, 2/3, 4/5) "
        "against the 4,500 training digits")

def _first_set(sampler_file: str | None, n: int) -> dict | None:
    "The scores of set 0 (seed 0, n samples) of a learned sampler, from the eval.json its ddss run wrote next to it (copied as NAME_eval.json)."
    f = sampler_file and Path(sampler_file.replace(".safetensors", "_eval.json"))
    if not f or not f.exists(): return None
    (r,), _ = load_results(f)
    return r if (r["n"], r["seed"], r["repeats"], r["sampler"]) == (n, 0, None, "ggdm") else None

def _merge(first: dict, rest: dict) -> dict:
    "One record of set 0 (`first`) and the sets of `rest`: the record `evaluate(..., repeats=REPEATS)` would have made."
    keys = ("fid", "kid_x1e3", "inception_score")
    sets = [dict(seed=0, **{k: first[k] for k in keys})] + (rest["repeats"] or [dict(seed=rest["seed"], **{k: rest[k] for k in keys})])
    return dict(rest, seed=0, seconds=round(first["seconds"] + rest["seconds"], 1), **summarize_sets(sets))

def run(a):
    out = Path(a.out)
    records = load_results(out)[0] if out.exists() else []
    teacher, ref = load_teacher(), Reference.mnist("eval")
    todo = []
    if a.part in ("learned", "all"):
        for K in sorted(KS, reverse=True):           # the large K first: there the learning-free samplers are close
            f = Path(a.samplers) / f"ggdm_pred_time_k{K}.safetensors"
            if f.exists(): todo.append(("ggdm", None, K, dict(params=load_sampler(f, teacher).eval()), "DDSS GGDM+PRED+TIME (one recipe)", str(f)))
            else: print(f"no learned sampler {f}: skipped", file=sys.stderr)
    if a.part in ("baselines", "all"):
        todo += [(s, g, K, {}, f"{NAMES[s]} {g}", None) for s, g, K in BASELINES if a.only is None or (s, K) in a.only]
    if a.part in ("students", "all"):                 # DDSS on a distilled student: its own DDIM against the GGDM learned for it
        for steps in (4, 2):
            student = load_model(str(ASSETS / f"pd_student_{steps}.safetensors"))
            todo.append(("ddim", "linear", steps, dict(model=student), f"PD student {steps} steps, DDIM", None))
            f = Path(a.samplers) / f"ggdm_pred_time_pd_student_{steps}.safetensors"
            if f.exists(): todo.append(("ggdm", None, steps, dict(model=student, params=load_sampler(f, student).eval()),
                                        f"PD student {steps} steps, DDSS GGDM+PRED+TIME", str(f)))
    for s, g, K, hyper, method, source in todo:
        if finished(records, method=method, K=K): continue
        model = hyper.pop("model", teacher)
        grid = logsnr_grid(teacher.schedule, K, t_max=0.9946).tolist() if g == "logsnr T=0.9946" else g
        first = _first_set(source, N)               # a learned sampler's `fastddss ddss --eval-n 5000` record is set 0: not sampled twice
        try:
            rec, _ = evaluate(model, s, K, ref, grid=grid, n=N, repeats=REPEATS - (first is not None), seed=0 if first is None else 2,
                              progress=False, keep_samples=False, limit=4.0,
                              method=method, family="learned sampler" if s == "ggdm" else "new model" if model is not teacher else "learning-free",
                              model_name="shipped teacher" if model is teacher else f"fastddss/assets/pd_student_{K}.safetensors",
                              provenance=dict(sampler_file=source, ddss=hyper["params"].info) if source else None, **hyper)
        except ValueError as e:                     # a sampler whose samples diverge at these steps: say so, no record
            print(f"{method} K={K}: {e}", file=sys.stderr); continue
        if first is not None: rec = _merge(first, rec)
        if g is not None: rec["grid"] = g
        records.append(rec)
        print(f"{method:36s} K={K:2d} NFE={rec['nfe']:2d}: FID {rec['fid']:.3f} ± {rec['fid_std']:.3f} ({rec['seconds']:.0f} s)", flush=True)
        save_results(out, records, what=WHAT, how="python scripts/seed_table.py run --part all")

def paired_cell(a: dict, b: dict) -> str:
    "FID of `a` minus FID of `b` set by set (`fastddss.metrics.paired`), mean ± sd: sharper than the two intervals."
    p = paired(a, b)
    return "·" if p is None else f"{p['mean']:+.3f} ± {p['std']:.3f} ({p['lower']} of {p['n']} sets lower)"

def table(a):
    records = [r for f in [a.out, *a.more] if Path(f).exists() for r in load_results(f)[0]]
    cell = lambda r: f"{r['fid']:.3f} ± {r['fid_std']:.3f}"
    earlier = [r for f in a.earlier if Path(f).exists() for r in load_results(f)[0]]   # the earlier recipe's learned samplers, a column
    print("| NFE | learned: DDSS GGDM+PRED+TIME | best learning-free at this NFE | learned wins (intervals apart)? | learned − best, same noise | every learning-free cell |"
          + (" earlier recipe (warm-up, cosine decay, lr 0.01, 40 it.) |" if earlier else ""))
    print("|---|---|---|---|---|---|" + ("---|" if earlier else ""))
    for K in KS:
        near = lambda r: K - 1 <= r["nfe"] <= K          # Heun's NFE are odd (2K - 1): 9 and 19 sit with 10 and 20
        learned = [r for r in records if r["family"] == "learned sampler" and r["model"] == "shipped teacher" and near(r)]
        free = sorted((r for r in records if r["family"] == "learning-free" and near(r)), key=lambda r: r["fid"])
        if not free and not learned: continue
        best = free[0] if free else None
        verdict = "·" if not (learned and best) else ("**yes**" if separated(learned[0], best) else
                                                       "no: it loses" if separated(best, learned[0]) else "tie (intervals overlap)")
        others = "; ".join(f"{r['method']} ({r['nfe']}) {cell(r)}" for r in free) or "not scored yet"
        best_cell = f"{best['method']} {cell(best)}" if best else "·"
        old = [r for r in earlier if r["K"] == K and r["model"] == "shipped teacher"]
        print(f"| {K} | {cell(learned[0]) if learned else '·'} | {best_cell} | {verdict} | "
              f"{paired_cell(learned[0], best) if learned and best else '·'} | {others} |"
              + (f" {cell(old[0]) if old else '·'} |" if earlier else ""))
    students = [r for r in records if r["model"] != "shipped teacher"]
    if not students: return
    print("\n| PD student | its DDIM | DDSS GGDM+PRED+TIME learned for it | learned wins (intervals apart)? | learned − DDIM, same noise |"
          + (" earlier recipe |\n|---|---|---|---|---|---|" if earlier else "\n|---|---|---|---|---|"))
    for N in (4, 2):
        own = [r for r in students if r["K"] == N and r["sampler"] == "ddim"]
        new = [r for r in students if r["K"] == N and r["sampler"] == "ggdm"]
        if not own: continue
        verdict = "·" if not new else ("**yes**" if separated(new[0], own[0]) else "no: it loses" if separated(own[0], new[0]) else "tie (intervals overlap)")
        old = [r for r in earlier if r["K"] == N and r["model"] != "shipped teacher" and r["sampler"] == "ggdm"]
        pc = paired_cell(new[0], own[0]) if new else "·"
        print(f"| {N} steps | {cell(own[0])} | {cell(new[0]) if new else '·'} | {verdict} | {pc} |"
              + (f" {cell(old[0]) if old else '·'} |" if earlier else ""))

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("what", choices=["run", "table"])
    p.add_argument("--part", default="all", choices=["baselines", "learned", "students", "all"])
    p.add_argument("--samplers", default="results/ddss_recipe")
    p.add_argument("--out", default="results/seed_table_mnist.json")
    p.add_argument("--only", nargs="*", type=lambda v: (v.split(":")[0], int(v.split(":")[1])), default=None,
                   help="run: only these baseline cells, as SAMPLER:K (e.g. dpm:10)")
    p.add_argument("--more", nargs="*", default=["results/seed_table_learned_mnist.json", "results/seed_table_students_mnist.json"],
                   help="table: more results files to read")
    p.add_argument("--earlier", nargs="*", default=["results/seed_table_learned_cosine_mnist.json", "results/seed_table_students_cosine_mnist.json"],
                   help="table: the earlier recipe's learned samplers (a last column)")
    a = p.parse_args()
    torch.set_grad_enabled(False)
    (run if a.what == "run" else table)(a)
