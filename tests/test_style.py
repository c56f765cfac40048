"Code a reader can scan: ruff on the exported library (lines of 120, pyflakes, no `;`) and on the notebooks' code cells."
import json, shutil, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
RULES = "E501,E702,E703"

def ruff(*args) -> list[dict]:
    "ruff's findings as dicts (ruff from the dev extra, beside this Python, or on PATH)."
    exe = Path(sys.executable).with_name("ruff")
    exe = str(exe) if exe.exists() else shutil.which("ruff")
    if exe is None: pytest.fail("ruff is not installed: pip install -e '.[dev]'")
    p = subprocess.run([exe, "check", "--isolated", "--line-length", "120", "--output-format", "json", *args],
                       cwd=ROOT, capture_output=True, text=True)
    return json.loads(p.stdout or "[]")

def _generated_all(hit) -> bool:
    "nbdev writes `__all__` itself, wrapping at 120 after its `__all__ = ` prefix."
    line = Path(hit["filename"]).read_text().splitlines()[hit["location"]["row"] - 1]
    return hit["code"] == "E501" and line.startswith("__all__ = ")

def _show(hits) -> str:
    "One line per finding: file, cell (notebooks), row, rule."
    where = lambda h: f"{Path(h['filename']).relative_to(ROOT)}" + (f" cell {h['cell']}" if h.get("cell") else "")
    return "\n".join(f"{where(h)}:{h['location']['row']}: {h['code']} {h['message']}" for h in hits[:20])

def test_library_lines_pyflakes_and_no_semicolons():
    hits = [h for h in ruff("--select", f"{RULES},F", "--exclude", "fastddss/_modidx.py", "fastddss")
            if not _generated_all(h)]
    assert not hits, _show(hits)

def test_notebook_code_cells_are_scannable():
    hits = ruff("--select", RULES, "--extension", "ipynb:ipynb", *map(str, sorted((ROOT / "nbs").glob("*.ipynb"))))
    assert not hits, _show(hits)

def test_the_check_sees_a_long_line_and_a_semicolon(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nx = 1; y = 2\nz = '" + "a" * 130 + "'\n")
    codes = {h["code"] for h in ruff("--select", f"{RULES},F", str(bad))}
    assert codes == {"E501", "E702", "F401"}, codes
