"""Peak memory of `fastddss sample` (to a folder) and `fastddss eval` at n = 1,000 and 20,000: samples stream to disk and
features to the scorer, so peak memory should not grow with n (the features, 96 floats a sample, are all that is kept).

    python benchmarks/stream_memory.py            # prints one table; about 4 minutes on 2 CPU cores

Each command runs in a fresh process that reports its own peak resident set size (ru_maxrss) when it ends.
"""
import argparse, subprocess, sys, tempfile, time
from pathlib import Path

CHILD = """
import resource, sys
try: from fastddss.cli import console
except ImportError: from fastddss.cli import main as console   # before the one-line errors
try: console(sys.argv[1:])
except SystemExit as e:
    if e.code not in (0, None): raise
print("PEAK_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

def peak_mb(args: list[str], cwd) -> tuple[float, float]:
    "(peak RSS in MB, seconds) of `fastddss ARGS` in a fresh process."
    t0 = time.time()
    p = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, cwd=cwd)
    if p.returncode: raise SystemExit(f"fastddss {' '.join(args)} failed: {p.stderr.strip()[-500:]}")
    kb = int(next(l for l in p.stdout.splitlines() if l.startswith("PEAK_KB")).split()[1])
    return kb / 1024, time.time() - t0

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ns", default="1000,20000", help="sample counts, separated by commas")
    a = ap.parse_args()
    ns = [int(n) for n in a.ns.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for what, args in (("sample -> folder of PNGs", lambda n: ["sample", "--steps", "1", "-n", str(n), "--out", f"s{n}"]),
                           ("eval (FID, KID, IS)", lambda n: ["eval", "--steps", "1", "-n", str(n), "--out", f"e{n}.json", "--quiet"])):
            for n in ns:
                mb, s = peak_mb(args(n), d)
                rows.append((what, n, mb, s))
                print(f"{what:26s} n={n:>6,}: peak RSS {mb:7.1f} MB ({s:.0f} s)", flush=True)
    print("\n| command | n | peak RSS (MB) | seconds |\n|---|---|---|---|")
    for what, n, mb, s in rows: print(f"| {what} | {n:,} | {mb:.0f} | {s:.0f} |")
    for what in dict.fromkeys(r[0] for r in rows):
        mine = [r for r in rows if r[0] == what]
        print(f"{what}: peak at n={mine[-1][1]:,} / peak at n={mine[0][1]:,} = {mine[-1][2] / mine[0][2]:.2f}")

if __name__ == "__main__": main()
