"""Run every check of the project and print one closing line `N passed, N failed`.

Checks: each notebook under nbs/ through `nbdev_test` (one check per notebook, run two at a time),
then `pytest tests/` (one check per test). Exits non-zero if anything failed.
"""
import os, subprocess, sys, time, xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# two notebooks run at once on two cores: one thread each, as torch's default of one per core would oversubscribe them
ONE_THREAD = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}

def run_notebook(nb: Path):
    t0 = time.time()
    p = subprocess.run([str(BIN / "nbdev_test"), "--path", str(nb)], cwd=ROOT, capture_output=True, text=True, env=ONE_THREAD)
    return nb.name, p.returncode == 0, time.time() - t0, (p.stdout + p.stderr)[-3000:]

def main():
    nbs = sorted((ROOT / "nbs").glob("[0-9]*.ipynb"))
    passed = failed = skipped = 0
    with ThreadPoolExecutor(2) as pool:
        for name, ok, secs, log in pool.map(run_notebook, nbs):
            print(f"nbdev_test {name:<32} {'ok' if ok else 'FAILED'} ({secs:.0f}s)", flush=True)
            if not ok: print(log)
            passed, failed = passed + ok, failed + (not ok)
    xml = ROOT / ".pytest-report.xml"
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={xml}", "tests"], cwd=ROOT)
    if xml.exists():
        suite = ET.parse(xml).getroot()
        suite = suite.find("testsuite") if suite.tag == "testsuites" else suite
        n, f, e, s = (int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped"))
        passed, failed, skipped = passed + n - f - e - s, failed + f + e, skipped + s
        xml.unlink()
    elif p.returncode != 0:
        failed += 1
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    sys.exit(1 if failed else 0)

if __name__ == "__main__":
    main()
