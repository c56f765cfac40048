"""Score Gotta Go Fast (notebook 32a) with the shipped teacher at a range of relative tolerances (absolute tolerance 0.0078,
the paper's), against DDPM and DDIM on the linear grid at the same NFE (GGF's mean per-sample NFE, rounded): N samples per
set (default 2,000), REPEATS independent sets (default 3; set r: noise seeds 2r and 2r + 1) for error bars, against the
4,500 training digits on the eval network. Finished records are kept in the output file, so an interrupted run resumes.
With PROTOCOL=1: the joint table's protocol instead (one set of 5,000 samples, seed 0, GGF only, labelled "GGF (adaptive)"),
into results/ggf_protocol_mnist.json, for notebook 43.
Usage: python scripts/ggf_table.py [output, default results/ggf_mnist.json]   (env N, REPEATS, RTOLS="2.0 1.0 0.5", PROTOCOL)"""
import os, sys
from pathlib import Path
from fastddss.evaluation import Reference, evaluate, load_results, save_results
from fastddss.models import load_teacher
from fastddss.runs import finished

protocol = os.environ.get("PROTOCOL") == "1"
out = Path(sys.argv[1] if len(sys.argv) > 1 else "results/ggf_protocol_mnist.json" if protocol else "results/ggf_mnist.json")
n, repeats = (5000, 1) if protocol else (int(os.environ.get("N", 2000)), int(os.environ.get("REPEATS", 3)))
rtols = [float(r) for r in os.environ.get("RTOLS", "2.0 1.0 0.5").split()]
what = (f"Gotta Go Fast (the joint table's protocol: one set of 5,000, seed 0) at relative tolerances {rtols}, atol 0.0078, with the shipped teacher, "
        "against the 4,500 training digits on the eval network") if protocol else (f"Gotta Go Fast (adaptive SDE steps, atol 0.0078) at relative tolerances {rtols} with the shipped teacher, and DDPM / DDIM on the "
        f"linear grid at the same (rounded mean) NFE; {n} samples x {repeats} sets each, scored against the 4,500 training digits on the eval network")
records = load_results(out)[0] if out.exists() else []
teacher, ref = load_teacher(), Reference.mnist("eval")
def save(rec):
    records.append(rec)
    save_results(out, records, what=what, how=("PROTOCOL=1 " if protocol else "") + f'RTOLS="{" ".join(map(str, rtols))}" python scripts/ggf_table.py')
    print(f"{rec['method']:28s} NFE={rec['nfe']:6.1f}: FID {rec['fid']:.3f}" + (f" ± {rec['fid_std']:.3f}" if rec["fid_std"] is not None else "")
          + f" ({rec['seconds']:.0f} s)", flush=True)
for rtol in rtols:
    mine = [r for r in records if r["sampler"] == "ggf" and r["hyper"]["rtol"] == rtol and r["n"] == n]
    if not mine:
        rec, _ = evaluate(teacher, "ggf", 0, ref, grid=None, n=n, progress=False, keep_samples=False, repeats=repeats, rtol=rtol,
                          method="GGF (adaptive)" if protocol else None)
        save(rec); mine = [rec]
    if protocol: continue
    K = round(mine[0]["nfe"])
    for s in ("ddpm", "ddim"):
        if not finished(records, sampler=s, K=K, n=n):
            save(evaluate(teacher, s, K, ref, grid="linear", n=n, progress=False, keep_samples=False, repeats=repeats)[0])
