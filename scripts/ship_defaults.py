"""The shipped defaults of `fastddss sample --steps K` (notebook 51a, "The shipped defaults"): for the shipped teacher and each K from 4 to
10, the learned sampler with the lowest mean FID (MNIST features, eval network, 3 sets x 5,000) among the records of
  results/ld3_mnist.json (LD3 grids of DDIM and DPM-Solver++), results/loss_family/*.json (the loss x family 2 x 2) and
  results/seed_table_learned_mnist.json (DDSS, its default recipe),
written as a GGDM sampler file fastddss/assets/defaults/{teacher fingerprint}_k{K}.safetensors with its provenance: the method, its
scores, the runner-up, the best learning-free sampler at that K (results/seed_table_mnist.json, results/ld3_mnist.json) and where it was made.
An LD3 grid becomes the `time` variant on its solver's backbone (`grid_sampler`): the same sampler. Existing files are replaced only with --force.
Usage: python scripts/ship_defaults.py [--force]"""
import json, sys
from pathlib import Path
from fastddss.evaluation import load_results
from fastddss.ggdm import load_sampler, save_sampler
from fastddss.defaults import DEFAULTS
from fastddss.ld3 import grid_sampler
from fastddss.models import fingerprint, load_teacher

KS = range(4, 11)
LEARNED = ["results/ld3_mnist.json", *sorted(map(str, Path("results/loss_family").glob("*.json"))), "results/seed_table_learned_mnist.json"]
FREE = ["results/seed_table_mnist.json", "results/ld3_mnist.json"]

def records(files, learned: bool):
    for f in files:
        if not Path(f).exists(): continue
        for r in load_results(f)[0]:
            if r.get("fid_std") is None or r.get("repeats") is None or r.get("model", "shipped teacher") != "shipped teacher": continue
            if (r.get("family") == "learned sampler") == learned: yield dict(r, file=f)

def sampler_of(r, teacher):
    "The GGDM sampler a record scored: its sampler file, or its LD3 grid as the time variant."
    prov = r.get("provenance") or {}
    if r["sampler"] == "ggdm":
        f = prov.get("sampler_file")
        if not f or not Path(f).exists(): return None
        return load_sampler(f, teacher)
    if r["method"].startswith("LD3") and r["sampler"] in ("ddim", "dpm++"):
        g = Path("results/ld3") / f"{r['sampler']}_k{r['K']}.json"
        if not g.exists(): return None
        return grid_sampler(r["sampler"], json.loads(g.read_text())["times"], r.get("hyper"))
    return None

def main(force: bool):
    teacher = load_teacher()
    fp, learned, free = fingerprint(teacher), list(records(LEARNED, True)), list(records(FREE, False))
    DEFAULTS.mkdir(parents=True, exist_ok=True)
    for K in KS:
        cands = sorted((r for r in learned if r["K"] == K and r["nfe"] == K), key=lambda r: r["fid"])
        cands = [(r, s) for r in cands if (s := sampler_of(r, teacher)) is not None]
        if not cands: print(f"K={K}: no learned sampler measured"); continue
        (best, params), runner = cands[0], (cands[1][0] if len(cands) > 1 else None)
        lf = min((r for r in free if r["nfe"] == K), key=lambda r: r["fid"], default=None)     # the same network evaluations
        score = lambda r: None if r is None else dict(method=r["method"], fid=round(r["fid"], 4), fid_std=round(r["fid_std"], 4), record=r["file"])
        separated = runner is not None and best["fid"] + best["fid_std"] < runner["fid"] - runner["fid_std"]
        params.info = dict(params.info, method=best["method"], teacher=fp, default_for=f"fastddss sample --steps {K} on the shipped teacher",
                           fid_mnist_features=score(best), runner_up=score(runner), separated_from_runner_up=separated,
                           best_learning_free=score(lf), chosen_by="python scripts/ship_defaults.py (lowest mean FID, 3 sets x 5,000, eval network)")
        path = DEFAULTS / f"{fp}_k{K}.safetensors"
        if path.exists() and not force: print(f"K={K}: {path} exists (pass --force to replace it)"); continue
        save_sampler(params, path)
        print(f"K={K}: {best['method']} {best['fid']:.3f} ± {best['fid_std']:.3f}"
              + (f"; runner-up {runner['method']} {runner['fid']:.3f} ± {runner['fid_std']:.3f}" + ("" if separated else " (intervals overlap)") if runner else "")
              + (f"; best learning-free {lf['method']} {lf['fid']:.3f} ± {lf['fid_std']:.3f}" if lf else ""))

if __name__ == "__main__":
    main("--force" in sys.argv[1:])
