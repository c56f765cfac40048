"`fastddss fit` and `fastddss export` as a user meets them: a tiny fit end to end, its resume, refusals, the export."
import json, subprocess, sys
from pathlib import Path
import pytest, torch
import fastddss.fit as F
from fastddss.cli import main

TINY = {k: dict(v, iters=2, batch_size=8, val_n=32, pairs=8) if v["kind"] == "ddss" else dict(v, iters=4, pairs=8)
        for k, v in F.RECIPES.items()}
FIT = ["fit", "--steps", "3", "--n", "32", "--repeats", "2", "--seeds", "0", "--budget", "30", "--quiet"]

def _cli(*args, cwd):
    "The installed command: (exit code, stderr lines)."
    r = subprocess.run([sys.executable, "-m", "fastddss.cli", *args], cwd=cwd, capture_output=True, text=True,
                       timeout=600)
    return r.returncode, [l for l in r.stderr.splitlines() if l.strip()]

@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    "One tiny fit of the shipped teacher (the recipes cut to a few updates)."
    out = tmp_path_factory.mktemp("fit") / "run"
    with pytest.MonkeyPatch.context() as m:
        m.setattr(F, "RECIPES", TINY)
        main([*FIT, "--out", str(out)])
    return out

def test_fit_writes_the_choice(fitted):
    state = json.loads((fitted / "fit.json").read_text())
    assert sorted(state["records"]) == sorted(state["plan"]) and len(state["plan"]) > 6   # every solver and some recipe
    best = state["chosen"]
    assert best["key"] == F.choose(list(state["records"].values()))[0]["key"]
    assert (fitted / ("grid.json" if best["kind"] == "free" else "sampler.safetensors")).is_file()
    report = (fitted / "report.md").read_text()
    assert f"**Chosen: {best['key']}**" in report and all(k in report for k in state["plan"])

def test_fit_resume_trains_nothing_again(fitted, monkeypatch):
    monkeypatch.setattr(F, "RECIPES", TINY)
    with pytest.raises(SystemExit, match="pass --resume"): main([*FIT, "--out", str(fitted)])
    before = json.loads((fitted / "fit.json").read_text())["records"]
    monkeypatch.setattr(F, "_train", lambda *a, **k: pytest.fail("a finished candidate was trained again"))
    main([*FIT, "--out", str(fitted), "--resume"])
    assert json.loads((fitted / "fit.json").read_text())["records"] == before
    with pytest.raises(SystemExit, match="repeats"): main([*FIT[:6], "3", *FIT[7:], "--out", str(fitted), "--resume"])

def test_fit_solvers_only_trains_nothing(tmp_path, monkeypatch):
    "--solvers-only ranks the learning-free solvers and the shipped default (the teacher has one at K=5) without training."
    monkeypatch.setattr(F, "_train", lambda *a, **k: pytest.fail("--solvers-only trained a recipe"))
    main([*FIT[:2], "5", *FIT[3:], "--solvers-only", "--out", str(tmp_path / "f")])
    state = json.loads((tmp_path / "f" / "fit.json").read_text())
    kinds = sorted(r["kind"] for r in state["records"].values())
    assert kinds == ["free"] * len(F.free_candidates(5)) + ["shipped"] and state["settings"]["recipes"] == {}

def test_fit_budget_too_small(tmp_path):
    code, err = _cli("fit", "--steps", "5", "--budget", "0.05", "--out", "f", cwd=tmp_path)
    assert code == 2 and len(err) == 1 and "too small for K=5" in err[0] and "raise the budget to" in err[0]
    assert not (tmp_path / "f").exists()                          # refused before any work: no run folder left

@pytest.mark.parametrize("args, says", [
    (["--seeds", "0,0"], "different seeds"), (["--repeats", "1"], "--repeats"), (["--budget", "-1"], "--budget"),
    (["--n", "1"], "--n"), (["--guidance", "3"], "needs a conditional model")])
def test_fit_bad_input(tmp_path, args, says):
    with pytest.raises(SystemExit, match=says): main(["fit", *args, "--out", str(tmp_path / "f")])   # one line
    assert not (tmp_path / "f").exists()

def test_export(fitted, tmp_path):
    from fastddss.diffusers_scheduler import GGDMScheduler
    made = fitted / ("scheduler" if (fitted / "scheduler").exists() else "")
    src = fitted / ("sampler.safetensors" if (fitted / "sampler.safetensors").exists() else "grid.json")
    code, err = _cli("export", str(src), "--out", "sched", cwd=tmp_path)
    if json.loads((fitted / "fit.json").read_text())["chosen"]["sampler"] in ("dpm", "heun"):
        assert code == 2 and len(err) == 1 and "only DDIM" in err[0]
        return
    assert code == 0, err
    ours, theirs = GGDMScheduler.from_pretrained(tmp_path / "sched"), GGDMScheduler.from_pretrained(made)
    assert ours.config.times == theirs.config.times
    code, err = _cli("export", str(src), "--out", "sched", cwd=tmp_path)
    assert code == 2 and len(err) == 1 and "--force" in err[0]

@pytest.mark.parametrize("setup, says", [
    (lambda d: None, "no such file"), (lambda d: (d / "x.json").mkdir(), "is a folder"),
    (lambda d: (d / "x.json").write_text(json.dumps(dict(format="fastddss.grid/1", sampler="heun",
                                                          times=[80.0, 1.0, 0.0], hyper={}, info={}))), "only DDIM")])
def test_export_bad_input(tmp_path, setup, says, monkeypatch):
    setup(tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit, match=says): main(["export", "x.json", "--out", "sched"])
    assert not (tmp_path / "sched").exists()
