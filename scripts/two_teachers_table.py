"""The seed table's orderings on both testbed teachers, as ratios of FID (MNIST features), next to the seed table's CIFAR-10
(DDPM's linear-β ε-model) and ImageNet-64 (cosine) blocks.

    python scripts/two_teachers_table.py [RUNS, default runs/ddpm_mnist32_table] [--out results/ddpm_mnist32/records.json]

Reads the records `scripts/ddpm_mnist32_runs.sh` wrote under RUNS (every *.json results file, eval.json of the DDSS and
distillation runs included), gathers them into one results file (--out, committed), and prints the markdown table of the
README from them and from the shipped teacher's committed results (kept in results/ddpm_mnist32/, a folder of its own, so the
shipped teacher's comparison in results/*.json stays one model's) (results/baselines_mnist.json, ddss_mnist.json,
distill_mnist.json, solvers_mnist.json). A ratio below 1 means the first method of the row wins.
"""
import argparse, json, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fastddss.evaluation import load_results, save_results

SEED = {  # the seed table (shared/seeds/000_*): FID of DDPM/DDIM linear/quadratic and GGDM+PRED+TIME
    "cifar10": {("ddpm", "linear"): {5: 84.27, 10: 43.39, 25: 22.60}, ("ddpm", "quadratic"): {5: 76.25, 10: 42.03, 25: 16.17},
                ("ddim", "linear"): {5: 44.41, 10: 19.11, 25: 10.52}, ("ddim", "quadratic"): {5: 32.66, 10: 13.62, 25: 6.560},
                ("ggdm", "learned"): {5: 13.77, 10: 8.227}},
    "imagenet64": {("ddpm", "linear"): {5: 122.0, 10: 58.78, 25: 26.36}, ("ddpm", "quadratic"): {5: 394.8, 10: 129.5, 25: 49.60},
                   ("ddim", "linear"): {5: 135.4, 10: 40.70, 25: 22.13}, ("ddim", "quadratic"): {5: 409.1, 10: 148.6, 25: 36.11},
                   ("ggdm", "learned"): {5: 55.14, 10: 37.32}},
}

def table(records) -> dict:
    "(sampler, grid) -> {K: FID}; learned GGDM+PRED+TIME samplers as ('ggdm', 'learned'), distilled students as ('pd', 'student')."
    out = {}
    for r in records:
        if r["seed"] != 0: continue                                   # other seeds measure the noise of a cell, below
        if r["family"] == "learned sampler" and "PRED+TIME" in r["method"]: key = ("ggdm", "learned")
        elif r["family"] == "new model" and "distill" in r["method"]: key = ("pd", "student")
        elif r["family"] == "learning-free": key = (r["sampler"], r["grid"])
        else: continue
        cell = out.setdefault(key, {})
        cell[r["K"]] = min(cell.get(r["K"], float("inf")), r["fid"])
    return out

def ratio(t, a, b, K):
    "FID(a) / FID(b) at K, or None where either is missing."
    x, y = t.get(a, {}).get(K), t.get(b, {}).get(K)
    return None if x is None or y is None else x / y

def fmt(v): return "·" if v is None else f"**{v:.2f}**" if v < 1 else f"{v:.2f}"

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("runs", nargs="?", default="runs/ddpm_mnist32_table")
p.add_argument("--out", default="results/ddpm_mnist32/records.json")
a = p.parse_args()
new = [r for f in sorted(Path(a.runs).rglob("*.json")) if json.loads(f.read_text()).__class__ is dict
       and json.loads(f.read_text()).get("format") == "fastddss.results/1" for r in load_results(f)[0]]
save_results(a.out, sorted(new, key=lambda r: (r["nfe"], r["method"])),
             what="The seed table on the second testbed teacher (fastddss/assets/ddpm_mnist32: diffusers UNet2DModel, ε-prediction, linear β, "
                  "T = 1000, MNIST padded to 32×32), every run through the fastddss command line; FID (MNIST features) on the eval classifier "
                  "(32×32 centre-cropped to 28×28) against the 4,500 training digits padded the same way",
             how=f"bash scripts/ddpm_mnist32_runs.sh {a.runs}; python scripts/two_teachers_table.py {a.runs}")
ours = {"ddpm_mnist32": table(new),
        "shipped": table([r for f in ("baselines", "ddss", "distill", "solvers") for r in load_results(Path("results") / f"{f}_mnist.json")[0]])}
rows = [("DDIM quadratic / DDIM linear", ("ddim", "quadratic"), ("ddim", "linear")),
        ("DDPM quadratic / DDPM linear", ("ddpm", "quadratic"), ("ddpm", "linear")),
        ("DDIM / DDPM, linear grid", ("ddim", "linear"), ("ddpm", "linear")),
        ("DDIM / DDPM, quadratic grid", ("ddim", "quadratic"), ("ddpm", "quadratic")),
        ("DDSS GGDM+PRED+TIME / DDIM linear", ("ggdm", "learned"), ("ddim", "linear")),
        ("DDSS GGDM+PRED+TIME / DDIM quadratic", ("ggdm", "learned"), ("ddim", "quadratic")),
        ("DPM-Solver++(2M) linear / DDIM linear", ("dpm++", "linear"), ("ddim", "linear")),
        ("DPM-Solver++(2M) log-SNR / DDIM linear", ("dpm++", "logsnr"), ("ddim", "linear"))]
cols = [("seed CIFAR-10 (linear β, ε)", SEED["cifar10"]), ("ddpm_mnist32 (linear β, ε)", ours["ddpm_mnist32"]),
        ("seed ImageNet-64 (cosine)", SEED["imagenet64"]), ("shipped teacher (cosine, v)", ours["shipped"])]
Ks = (5, 10, 25)
print("| FID ratio | " + " | ".join(f"{c} K={K}" for c, _ in cols for K in Ks) + " |")
print("|---|" + "---|" * (len(cols) * len(Ks)))
for label, x, y in rows:
    print(f"| {label} | " + " | ".join(fmt(ratio(t, x, y, K)) for _, t in cols for K in Ks) + " |")
print()
print("| FID ratio | " + " | ".join(f"{c} N={N}" for c in ("ddpm_mnist32", "shipped teacher") for N in (4, 2, 1)) + " |")
print("|---|" + "---|" * 6)
print("| distilled student / DDIM linear, same steps | " + " | ".join(fmt(ratio(ours[c], ("pd", "student"), ("ddim", "linear"), N))
                                                               for c in ("ddpm_mnist32", "shipped") for N in (4, 2, 1)) + " |")
print()
for r in sorted((r for r in new if r["seed"] != 0), key=lambda r: r["K"]):
    same = [q for q in new if q["seed"] == 0 and (q["method"], q["K"], q["n"]) == (r["method"], r["K"], r["n"])]
    if same: print(f"noise of a cell: {r['method']} K={r['K']}, n={r['n']}: FID {same[0]['fid']:.2f} (seed 0) vs {r['fid']:.2f} (seed {r['seed']})")
print()
for name, t in ours.items():
    print(name, {f"{s}/{g}": {K: round(v, 2) for K, v in sorted(d.items())} for (s, g), d in sorted(t.items())})
