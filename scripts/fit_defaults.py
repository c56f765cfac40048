"""The shipped defaults made by the command a user runs: `fastddss fit` for each teacher and K, its choice shipped.

For each teacher (the shipped cosine teacher, ddpm_mnist32, latent_mnist at guidance w = 3) and each K it runs
(or resumes)
    fastddss fit --model M --steps K [--guidance 3 --labels data] --budget B --out runs/fit_defaults/NAME_kK --resume
and, once a fit has finished, ships what it chose in fastddss/assets/defaults/, named by the model's fingerprint:
a learned sampler as {fingerprint}_k{K}.safetensors, a learning-free solver as its grid file {fingerprint}_k{K}.json
(`sample --steps K` and `eval --steps K` then use it and say which). A shipped default that the fit scored stays
unless the fit's choice is apart from it; other existing defaults are replaced only with --force, and a replaced
default's other form is removed: one default per (teacher, K). The fits are long on a CPU (about the
budget each): run it where there is time, e.g. on a GPU with --device cuda.

    python scripts/fit_defaults.py [--teachers shipped,ddpm_mnist32,latent_mnist] [--Ks 3,4,5,6,8,10,15,20,25]
                                   [--budget 20] [--device cpu] [--force] [--dry-run] [--ship-only]
"""
import argparse, json, subprocess, sys
from pathlib import Path
from fastddss.ggdm import load_sampler, save_sampler
from fastddss.fit import apart
from fastddss.defaults import DEFAULTS
from fastddss.ld3 import load_grid, save_grid
from fastddss.models import ASSETS, fingerprint, load_model

TEACHERS = {"shipped": (None, []), "ddpm_mnist32": (str(ASSETS / "ddpm_mnist32"), []),
            "latent_mnist": (str(ASSETS / "latent_mnist"), ["--guidance", "3", "--labels", "data"])}

def ship(out: Path, model, K: int, force: bool) -> str:
    "Copy a finished fit's choice into the shipped defaults; returns what was done."
    state = json.loads((out / "fit.json").read_text())
    best, fp = state["chosen"], fingerprint(model)
    learned = best["kind"] != "free"
    dest = DEFAULTS / f"{fp}_k{K}{'.safetensors' if learned else '.json'}"
    other = DEFAULTS / f"{fp}_k{K}{'.json' if learned else '.safetensors'}"
    incumbent = next((r for r in state["records"].values() if r["kind"] == "shipped"), None)
    if incumbent is not None and best["key"] == incumbent["key"]: return "the shipped default stays: the fit chose it"
    if incumbent is not None and not apart(best, incumbent):      # level with the default: it stays
        return f"the shipped default stays: the fit's choice, {best['key']}, is not apart from it"
    if (dest.exists() or other.exists()) and not force: return f"a default exists for K={K} (--force replaces it)"
    info = dict(default_for=f"fastddss sample --steps {K}", fit_report=f"results/fit/{out.name}_report.md",
                why=state["why"])
    DEFAULTS.mkdir(parents=True, exist_ok=True)
    if learned:
        params = load_sampler(out / "sampler.safetensors", model)
        params.info = dict(params.info, **info)
        save_sampler(params, dest)
    else:
        doc = load_grid(out / "grid.json")
        save_grid(dest, doc["sampler"], doc["times"], doc["hyper"], dict(doc["info"], **info))
    other.unlink(missing_ok=True)
    return f"{best['key']} shipped as {dest.name}"

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
            if not a.ship_only: subprocess.run(cmd, check=True)
            if (out / "fit.json").is_file(): print(f"{name} K={K}: {ship(out, model, K, a.force)}", flush=True)

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--teachers", default=",".join(TEACHERS))
    p.add_argument("--Ks", default="3,4,5,6,8,10,15,20,25")
    p.add_argument("--budget", type=float, default=20.0, help="minutes per fit")
    p.add_argument("--device", default="cpu")
    p.add_argument("--runs", default="runs/fit_defaults")
    p.add_argument("--force", action="store_true")
    p.add_argument("--dry-run", action="store_true", help="print the commands only")
    p.add_argument("--ship-only", action="store_true", help="ship the finished fits in --runs, run none")
    main(p.parse_args())
