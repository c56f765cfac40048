"""The joint table and FID-vs-NFE plot of notebook 43 as files for the README: results/comparison_mnist.md
(the best FID per method and NFE bucket, then every scored sampler with NFE, FID, KID, IS and its extra training CPU time)
and results/fid_vs_nfe_all.png (one line per main method).
Usage: python scripts/comparison_table.py"""
import matplotlib; matplotlib.use("Agg")
from pathlib import Path
from fastddss.report import MAIN_METHODS, collect, pivot, plot_fid_vs_nfe

rows = collect("results")
def cost(r): return "none" if r["train_cpu_s"] == 0 else "·" if r["train_cpu_s"] is None else f"{r['train_cpu_s'] / 60:.0f} min"
full = ["| NFE | method | family | FID | KID×10³ | IS | extra training (CPU) |", "|---|---|---|---|---|---|---|"]
full += [f"| {r['nfe']} | {r['method']} | {r['family']} | {r['fid']:.2f} | {r['kid_x1e3']:.0f} | {r['inception_score']:.2f} | {cost(r)} |" for r in rows]
Path("results/comparison_mnist.md").write_text("Best FID per method and NFE bucket:\n\n" + pivot(rows) + "\n\nEvery row, by NFE:\n\n" + "\n".join(full) + "\n")
ax = plot_fid_vs_nfe(rows, methods=[m for m in MAIN_METHODS if any(r["method"] == m for r in rows)])
ax.set_title("FID (MNIST features) vs NFE, shipped teacher, 5,000 samples each"); ax.figure.tight_layout()
ax.figure.savefig("results/fid_vs_nfe_all.png", dpi=110)
print(pivot(rows)); print("written results/comparison_mnist.md, results/fid_vs_nfe_all.png")
