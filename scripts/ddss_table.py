"""Collect the DDSS runs of scripts/ddss_runs.sh into results/: the records with their loss histories
(results/ddss_mnist.json) and the learned samplers (results/ddss/*.safetensors, a few KB each).
The learned GGDM+PRED+TIME samplers at K = 5 and 10 are also copied to fastddss/assets for the demo.
Usage: python scripts/ddss_table.py [runs folder, default runs/ddss]"""
import json, shutil, sys
from pathlib import Path

root, res = Path(sys.argv[1] if len(sys.argv) > 1 else "runs/ddss"), Path("results")
(res / "ddss").mkdir(parents=True, exist_ok=True)
rows = []
for d in sorted(root.iterdir()):
    if not (d / "eval.json").exists(): print(f"skipping {d}: not finished"); continue
    rec = json.loads((d / "eval.json").read_text())
    rec["history"] = json.loads((d / "history.json").read_text())
    name = d.name.replace("+", "_")                 # variant_kK, with _lrX when the learning rate is not 5e-3
    shutil.copy(d / "sampler.safetensors", res / "ddss" / f"{name}.safetensors")
    if name in ("ggdm_pred_time_k5", "ggdm_pred_time_k10"):
        shutil.copy(d / "sampler.safetensors", Path("fastddss/assets") / f"ggdm_{name}.safetensors".replace("ggdm_ggdm", "ggdm"))
    rec["sampler_file"] = f"results/ddss/{name}.safetensors"
    rows.append(rec)
    print(f"{rec['variant']:16s} K={rec['K']:2d} lr {rec['ddss']['lr']:g}: FID {rec['fid']:.2f}  KID×1e3 {rec['kid_x1e3']:.0f}  IS {rec['inception_score']:.2f}"
          f"  ({rec['ddss']['iters']} iterations, {rec['ddss']['seconds']} s)")
what = ("GGDM samplers learned with DDSS (scripts/ddss_runs.sh) for the shipped teacher on 2 CPU cores; each scored on 5,000 "
        "samples (noise seed 0, sampler seed 1, as results/baselines_mnist.json) against the 4,500 training digits on the eval network")
(res / "ddss_mnist.json").write_text(json.dumps(dict(what=what, rows=rows), indent=1))
print(f"{len(rows)} runs written to {res / 'ddss_mnist.json'}")
