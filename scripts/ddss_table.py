"""Collect the DDSS runs of scripts/ddss_runs.sh into results/: their records (results/ddss_mnist.json, each with its run's
loss history in `provenance`) and the learned samplers (results/ddss/*.safetensors, a few KB each). The learned
GGDM+PRED+TIME sampler at K = 10 is also copied to fastddss/assets (at K = 5 the
teacher's one shipped sampler is its default, fastddss.defaults).
Usage: python scripts/ddss_table.py [runs folder, default runs/ddss]"""
import shutil, sys
from pathlib import Path
from fastddss.evaluation import load_results, save_results
from fastddss.runs import atomic_write

root, res = Path(sys.argv[1] if len(sys.argv) > 1 else "runs/ddss"), Path("results")
records = []
for d in sorted(root.iterdir()):
    if not (d / "eval.json").exists(): print(f"skipping {d}: not finished"); continue
    (rec,), doc = load_results(d / "eval.json")
    name = d.name.replace("+", "_")                 # variant_kK, with _lrX when the learning rate is not 5e-3
    target = res / "ddss" / f"{name}.safetensors"
    atomic_write(target, lambda tmp: shutil.copy(d / "sampler.safetensors", tmp))
    rec["provenance"].update(loss_history=doc.get("losses"), sampler_file=str(target))
    records.append(rec)
    print(f"{rec['method']:36s} K={rec['K']:2d}: FID {rec['fid']:.2f}  KID×1e3 {rec['kid_x1e3']:.0f}  IS {rec['inception_score']:.2f}"
          f"  ({rec['train_seconds']:.0f} s of DDSS)")
what = ("GGDM samplers learned with DDSS (scripts/ddss_runs.sh) for the shipped teacher on 2 CPU cores; each scored on 5,000 "
        "samples (noise seed 0, sampler seed 1, as results/baselines_mnist.json) against the 4,500 training digits on the eval network")
save_results(res / "ddss_mnist.json", records, what=what, how="bash scripts/ddss_runs.sh && python scripts/ddss_table.py")
print(f"{len(records)} runs written to {res / 'ddss_mnist.json'}")
