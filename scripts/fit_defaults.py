"""The shipped defaults made by the command a user runs: `fastddss fit` for each teacher and K, its choice shipped.

For each teacher (the shipped cosine teacher, ddpm_mnist32, latent_mnist at guidance w = 3) and each K it runs
(or resumes)
    fastddss fit --model M --steps K [--guidance 3 --labels data] --budget B --out runs/fit_defaults/NAME_kK --resume
and, once a fit has finished, ships what it chose as fastddss/assets/defaults/{model fingerprint}_k{K}.safetensors: a
learned sampler as is, a DDIM or DPM-Solver++ choice as that solver on its grid in GGDM form (`grid_sampler`); a choice
with no GGDM form (DPM-Solver-3, Heun) is printed and not shipped (`sample --steps K` then keeps DDIM for that K, and
says
so). Existing defaults are replaced only with --force. The fits are long on a CPU (about the budget each): run it where
there is time, e.g. on a GPU with --device cuda.

    python scripts/fit_defaults.py [--teachers shipped,ddpm_mnist32,latent_mnist] [--Ks 3,4,5,6,8,10,15,20,25]
                                   [--budget 20] [--device cpu] [--force] [--dry-run]
"""
import argparse, json, subprocess, sys
from pathlib import Path
from fastddss.fit import as_ggdm
from fastddss.ggdm import save_sampler
from fastddss.ld3 import DEFAULTS
from fastddss.models import ASSETS, fingerprint, load_model

TEACHERS = {"shipped": (None, []), "ddpm_mnist32": (str(ASSETS / "ddpm_mnist32"), []),
            "latent_mnist": (str(ASSETS / "latent_mnist"), ["--guidance", "3", "--labels", "data"])}

def main(a):
    for name in a.teachers.split(","):
        source, extra = TEACHERS[name]
        model = load_model(source)
        for K in map(int, a.Ks.split(",")):
            out = Path(a.runs) / f"{name}_k{K}"
            cmd = [sys.executable, "-m", "fastddss.cli", "fit", "--steps", str(K), "--budget", str(a.budget),
                   "--device", a.device, "--quiet", "--out", str(out), *(["--model", source] if source else []), *extra,
                   *(["--resume"] if out.exists() else [])]
            print(" ".join(cmd[2:]), flush=True)
            if a.dry_run: continue
            subprocess.run(cmd, check=True)
            state = json.loads((out / "fit.json").read_text())
            best = state["chosen"]
            src = out / ("sampler.safetensors" if best["kind"] != "free" else "grid.json")
            if best["kind"] == "free" and best["sampler"] not in ("ddim", "dpm++"):
                print(f"{name} K={K}: {best['key']} chosen, no GGDM form: not shipped")
                continue
            dest = DEFAULTS / f"{fingerprint(model)}_k{K}.safetensors"
            if dest.exists() and not a.force:
                print(f"{name} K={K}: {dest} exists (pass --force to replace it)")
                continue
            params = as_ggdm(src, model)
            params.info = dict(params.info, default_for=f"fastddss sample --steps {K}",
                               fit_report=str(out / "report.md"))
            DEFAULTS.mkdir(parents=True, exist_ok=True)
            save_sampler(params, dest)
            print(f"{name} K={K}: {best['key']} shipped as {dest}")

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--teachers", default=",".join(TEACHERS))
    p.add_argument("--Ks", default="3,4,5,6,8,10,15,20,25")
    p.add_argument("--budget", type=float, default=20.0, help="minutes per fit")
    p.add_argument("--device", default="cpu")
    p.add_argument("--runs", default="runs/fit_defaults")
    p.add_argument("--force", action="store_true")
    p.add_argument("--dry-run", action="store_true", help="print the commands only")
    main(p.parse_args())
