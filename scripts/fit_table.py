"""The table of `fastddss fit` runs on the shipped teacher, from their committed records (results/fit/*.json).

One row per record: what ran (a full fit within its budget, or `fit --solvers-only`), the fit's choice, the best
learning-free solver, the default shipped for that K (a scored default stays unless the choice is apart from it, as
scripts/fit_defaults.py ships), how the shipped default stands against the best solver on the eval network (ahead or
behind when the one-sd intervals over the held-out sets are apart, else level), and the fit's wall time. FID (MNIST
features) on the eval network, mean ± sd over the fit's held-out sets.

    python scripts/fit_table.py [--results results/fit] > table.md
"""
import argparse, json
from pathlib import Path
from safetensors import safe_open
from fastddss.fit import apart
from fastddss.defaults import DEFAULTS

def cell(r: dict, on: str = "eval") -> str:
    return "·" if r is None or "error" in r else f"{r[f'{on}_fid']:.2f} ± {r[f'{on}_fid_std']:.2f}"

def verdict(a: dict, b: dict, on: str = "eval") -> str:
    "How record `a` stands against `b` on network `on`: ahead or behind when the intervals are apart, else level."
    return "ahead" if apart(a, b, on) else "behind" if apart(b, a, on) else "level"

def shipped_from(fp: str, K: int) -> str | None:
    "The fit report named by the default shipped for model `fp` at `K`, if it was shipped from a fit."
    if (f := DEFAULTS / f"{fp}_k{K}.json").is_file(): return json.loads(f.read_text())["info"].get("fit_report")
    if (f := DEFAULTS / f"{fp}_k{K}.safetensors").is_file():
        with safe_open(f, "pt") as g: return json.loads(g.metadata().get("info", "{}")).get("fit_report")

def row(path: Path) -> tuple[int, str]:
    state = json.loads(path.read_text())
    recs = [r for r in state["records"].values() if "error" not in r]
    best, K = state["chosen"], state["settings"]["K"]
    free = min((r for r in recs if r["kind"] == "free"), key=lambda r: r["loss_fid"])   # as fit ranks them
    shipped = next((r for r in recs if r["kind"] == "shipped"), None)
    kept = shipped if shipped and (best["key"] == shipped["key"] or not apart(best, shipped)) else best
    if shipped is None and shipped_from(state["settings"]["model"], K) != f"results/fit/{path.stem}_report.md":
        kept = None                                               # this fit did not score what is shipped at K
    ran = "fit --solvers-only" if not state["settings"]["recipes"] else f"fit ({state['budget'] / 60:.0f} min budget)"
    wall = f"{state['seconds'] / 60:.1f}" if "seconds" in state else "·"
    learned = sum(r["kind"] not in ("free", "shipped") for r in state["records"].values())
    against = "·" if kept is None else "is it" if kept["key"] == free["key"] else verdict(kept, free)
    ours = "not scored here" if kept is None else f"**{kept['key']}**: {cell(kept)}"
    return K, (f"| {K} | {ran} | {learned} | {best['key']}: {cell(best)} | {free['key']}: {cell(free)} | "
               f"{ours} | {against} | {wall} |")

def main(a):
    rows = sorted(row(p) for p in Path(a.results).glob("*.json") if "records" in json.loads(p.read_text()))
    print("| K | what ran | recipes trained | fit's choice | best learning-free | shipped default | shipped vs best "
          "solver | wall min |")
    print("|---|---|---|---|---|---|---|---|")
    for _, line in rows: print(line)

if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--results", default="results/fit")
    main(p.parse_args())
