"""Score the learning-free solvers of notebook 32 with the shipped teacher at about 5-25 network evaluations:
DPM-Solver++(2M) on the linear and log-SNR grids (NFE = K), EDM Heun on the Karras grid (NFE = 2K - 1) and DPM-Solver
(singlestep, order 3 with the fast schedule of orders; NFE = K) on the linear and log-SNR grids,
5,000 samples each; "logsnr T=0.9946" starts the log-SNR grid where DPM-Solver's code starts the cosine schedule (the
pure noise is taken as the state at t = 0.9946, alpha = 0.0085),
noise seed 0, against the 4,500 training digits on the eval network (the same protocol as every table).
Finished records are kept in the output file, so an interrupted run resumes where it stopped.
Usage: python scripts/solvers_table.py [output, default results/solvers_mnist.json]"""
import sys
from pathlib import Path
from fastddss.evaluation import Reference, evaluate, load_results, save_results
from fastddss.schedules import logsnr_grid
from fastddss.models import load_teacher
from fastddss.runs import finished

out = Path(sys.argv[1] if len(sys.argv) > 1 else "results/solvers_mnist.json")
runs = ([("dpm++", g, K) for g in ("linear", "logsnr") for K in (5, 10, 20)] + [("heun", "karras", K) for K in (3, 5, 10)]
        + [("dpm++", "logsnr T=0.9946", K) for K in (5, 10)]    # DPM-Solver's own start for the cosine schedule
        + [("dpm++", "logsnr", 15), ("heun", "karras", 8), ("dpm++", "karras", 10)]   # the last rows first to go when time is short
        + [("dpm", g, K) for g in ("linear", "logsnr T=0.9946") for K in (6, 10, 15)])   # DPM-Solver, singlestep, the fast orders (order 3)
names = {"dpm++": "DPM-Solver++(2M)", "heun": "EDM Heun", "dpm": "DPM-Solver"}
what = ("Learning-free solvers with the shipped teacher (scripts/solvers_table.py): DPM-Solver++(2M) on the linear and log-SNR grids, "
        "EDM Heun on the Karras grid (rho 7), DPM-Solver (singlestep, order 3) on the linear and log-SNR grids; 5,000 samples (noise seed 0) scored against the 4,500 training digits on the eval network")
records = load_results(out)[0] if out.exists() else []
teacher, ref = load_teacher(), Reference.mnist("eval")
for s, g, K in runs:
    if finished(records, sampler=s, grid=g, K=K): continue
    grid = logsnr_grid(teacher.schedule, K, t_max=0.9946).tolist() if g == "logsnr T=0.9946" else g
    rec, _ = evaluate(teacher, s, K, ref, grid=grid, n=5000, progress=False, method=f"{names[s]} {g}")
    rec["grid"] = g
    records.append(rec)
    print(f"{s:6s} {g:7s} K={K:2d} NFE={rec['nfe']:2d}: FID {rec['fid']:.2f} KID×1e3 {rec['kid_x1e3']:.0f} IS {rec['inception_score']:.2f} ({rec['seconds']:.0f} s)", flush=True)
    save_results(out, records, what=what, how="python scripts/solvers_table.py")
