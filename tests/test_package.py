"Project-level checks: the library is in sync with the notebooks, clean, and free of dev-only dependencies at run time."
import json, shutil, subprocess, sys, tomllib
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

def test_nbdev_export_is_a_no_op(tmp_path):
    "Exporting the notebooks again reproduces fastddss/ byte for byte."
    for name in ["nbs", "fastddss", "settings.ini"]:
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, tmp_path / name)
    subprocess.run([str(BIN / "nbdev_export")], cwd=tmp_path, check=True, capture_output=True)
    for f in sorted((tmp_path / "fastddss").glob("*.py")):
        assert f.read_text() == (ROOT / "fastddss" / f.name).read_text(), f"fastddss/{f.name} is out of sync with nbs/: run nbdev_export"
    assert {f.name for f in (tmp_path / "fastddss").glob("*.py")} == {f.name for f in (ROOT / "fastddss").glob("*.py")}

@pytest.mark.parametrize("nb", sorted((ROOT / "nbs").glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_is_clean(nb):
    "Notebooks are committed as nbdev_clean leaves them: no execution counts, no cell metadata, no light outputs forgotten."
    cells = json.loads(nb.read_text())["cells"]
    for i, c in enumerate(cells):
        assert c.get("metadata", {}) == {}, f"{nb.name} cell {i} has metadata: run nbdev_clean"
        if c["cell_type"] == "code": assert c.get("execution_count") is None, f"{nb.name} cell {i} has an execution count: run nbdev_clean"
    assert nb.stat().st_size < 1_500_000, f"{nb.name} is heavy: clear large outputs"
    for i, c in enumerate(cells):   # a JSON escape such as "\a" in LaTeX becomes a control byte (BEL) in the prose
        bad = sorted({hex(ord(ch)) for ch in "".join(c["source"]) if ord(ch) < 32 and ch not in "\n\t"})
        assert not bad, f"{nb.name} cell {i} has control characters {bad}: write the backslash twice in JSON"

def test_runtime_does_not_need_dev_tools():
    "Importing every module pulls in neither nbdev nor fastcore (they are dev-only)."
    mods = [f"fastddss.{f.stem}" for f in (ROOT / "fastddss").glob("*.py") if not f.stem.startswith("_")]
    code = f"import sys; import {', '.join(mods)}; bad = [m for m in ('nbdev', 'fastcore', 'execnb') if m in sys.modules]; print(bad); sys.exit(bool(bad))"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert p.returncode == 0, f"runtime imports dev tools: {p.stdout}{p.stderr}"

def test_dependencies_declared():
    "Runtime requirements are what the code imports; dev pins are the nbdev 2 set."
    proj = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = " ".join(proj["dependencies"])
    assert "nbdev" not in deps and "fastcore" not in deps
    dev = proj["optional-dependencies"]["dev"]
    for pin in ["nbdev==2.4.14", "fastcore<2", "execnb<0.2", "ghapi<2"]: assert pin in dev

def _homes() -> dict:
    "module name -> the notebook that exports it."
    homes = {}
    for nb in sorted((ROOT / "nbs").glob("[0-9]*.ipynb")):
        for c in json.loads(nb.read_text())["cells"]:
            if (s := "".join(c["source"])).startswith("#| default_exp "): homes[s.split()[2]] = nb.name
    return homes

def _home_of(name: str, homes: dict) -> str | None:
    "The exported module a dotted `fastddss.` name refers to (a package means its `__init__`)."
    if name in homes: return name
    if f"{name}.__init__" in homes: return f"{name}.__init__"
    return None

def layering_violations(homes: dict, sources: dict) -> list[str]:
    "Every `fastddss.x` a notebook uses must be exported by a notebook with a smaller or equal number."
    import re
    bad = []
    for nb, text in sources.items():
        for name in sorted(set(re.findall(r"(?:from|import) fastddss\.([\w.]+)", text))):
            mod = _home_of(name, homes)
            if mod is None: bad.append(f"{nb} uses fastddss.{name}, which no notebook exports")
            elif homes[mod] > nb: bad.append(f"{nb} uses fastddss.{name}, exported by the later {homes[mod]}")
    return bad

def _relative_imports(f: Path) -> set[str]:
    "The modules an exported file imports relatively, as dotted names under fastddss."
    import re
    pkg = f.parent.relative_to(ROOT / "fastddss").parts
    out = set()
    for dots, name, what in re.findall(r"^from (\.+)([\w.]*) import ([\w, ]+)", f.read_text(), re.M):
        base = pkg[:len(pkg) - (len(dots) - 1)]
        if name: out.add(".".join((*base, name)))
        else:   # `from . import a, b`: the names that are modules
            cands = [(*base, w.strip()) for w in what.split(",")]
            out.update(".".join(c) for c in cands if (ROOT / "fastddss" / Path(*c)).with_suffix(".py").exists())
    return out

def test_notebooks_use_only_earlier_notebooks():
    "The nbs/ listing is the reading order: each notebook (and the module it exports) builds on earlier ones only."
    homes = _homes()
    sources = {nb.name: "\n".join("".join(c["source"]) for c in json.loads(nb.read_text())["cells"])
               for nb in sorted((ROOT / "nbs").glob("[0-9]*.ipynb"))}
    assert layering_violations(homes, sources) == []
    # the check can fail: the schedules notebook importing the evaluation module is caught
    assert layering_violations(homes, {homes["schedules"]: "from fastddss.evaluation import evaluate"})
    assert layering_violations(homes, {homes["schedules"]: "import fastddss.cli.core"})
    for f in (ROOT / "fastddss").rglob("*.py"):     # the exported modules, relative imports included
        if f.name.startswith("_") and f.name not in ("__init__.py", "__main__.py"): continue
        me = ".".join(f.relative_to(ROOT / "fastddss").with_suffix("").parts)
        if me not in homes: continue
        for name in _relative_imports(f):
            mod = _home_of(name, homes)
            assert mod is not None and homes[mod] <= homes[me], f"{f.relative_to(ROOT)} imports {name}, from {homes.get(mod)}"

def test_infrastructure_has_one_home():
    "Checkpoints are read in one place, and every file is replaced atomically in one place."
    import re
    for call, home in (("torch.load", "load_checkpoint"), ("os.replace", "atomic_write")):
        hits = [(f.name, i) for f in (ROOT / "fastddss").glob("*.py") if not f.stem.startswith("_")
                for i, line in enumerate(f.read_text().splitlines()) if call in line]
        assert len(hits) == 1 and hits[0][0] == "runs.py", f"{call} appears in {hits}: use runs.{home}"
        src = (ROOT / "fastddss" / "runs.py").read_text()
        body = re.search(rf"^def {home}\(.*?(?=^def |\Z)", src, re.M | re.S).group(0)
        assert call in body, f"{call} is not inside runs.{home}"
