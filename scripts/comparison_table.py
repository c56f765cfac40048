"""The joint table and FID-vs-NFE plot of notebook 09 as files for the README: results/comparison_mnist.md
(every scored sampler) and results/fid_vs_nfe_all.png (one line per main method).
Usage: python scripts/comparison_table.py"""
import matplotlib; matplotlib.use("Agg")
from pathlib import Path
from fastddss.report import MAIN_METHODS, collect, pivot, plot_fid_vs_nfe

rows = collect("results")
Path("results/comparison_mnist.md").write_text(pivot(rows) + "\n")
ax = plot_fid_vs_nfe(rows, methods=[m for m in MAIN_METHODS if any(r["method"] == m for r in rows)])
ax.set_title("FID (MNIST features) vs NFE, shipped teacher, 5,000 samples each"); ax.figure.tight_layout()
ax.figure.savefig("results/fid_vs_nfe_all.png", dpi=110)
print(pivot(rows)); print("written results/comparison_mnist.md, results/fid_vs_nfe_all.png")
