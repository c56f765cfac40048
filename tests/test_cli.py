"`fastddss sample`'s choices come from the sampler registry, and its options reach the sampler or are refused in one line."
import json, re, sys
import pytest, torch
from fastddss.cli import main
from fastddss.distributed import SampleNoise
from fastddss.models import ASSETS, load_teacher
from fastddss.runs import load_checkpoint
from fastddss.sampling import ddpm
from fastddss.samplers import SAMPLERS
from fastddss.schedules import GRIDS, linear_grid

CLI_SAMPLERS = [n for n, spec in SAMPLERS.items() if all(h.cli or h.type is torch.nn.Module for h in spec.hyper.values())]

def _sample(tmp_path, name, *args):
    main(["sample", "--steps", "3", "-n", "4", "--seed", "5", *args, "--out", str(tmp_path / f"{name}.pt")])
    return load_checkpoint(tmp_path / f"{name}.pt")

def test_help_lists_the_registry(capsys):
    with pytest.raises(SystemExit): main(["sample", "--help"])
    text = capsys.readouterr().out
    listed = re.findall(r"^  (\S+)", text.split("samplers (--sampler):\n")[1].split("\n\n")[0], re.M)
    assert listed == CLI_SAMPLERS + ["--ggdm"] and CLI_SAMPLERS == ["ddim", "ddpm", "dpm++", "dpm", "heun", "ggf", "ccdf"]
    assert all(SAMPLERS[n].summary in text for n in CLI_SAMPLERS)
    grids = text.split("grids (--grid):\n")[1].strip().split("\n")
    assert grids[0] == ", ".join(GRIDS) and grids[1].strip().startswith("diffusers:SPACING[:OFFSET]")
    assert all("--" + h.replace("_", "-") in text for n in CLI_SAMPLERS for h in SAMPLERS[n].hyper)

@pytest.mark.parametrize("args, message", [
    (["--sampler", "dpm++", "--eta", "0.5"], "eta does not apply to sampler 'dpm++'"),
    (["--sampler", "heun", "--variance", "fixed_large"], "variance does not apply to sampler 'heun'"),
    (["--sampler", "dpm++", "--order", "3"], "order=3 for sampler 'dpm++': expected one of 1, 2"),   # --order is shared; each sampler checks its own
    (["--sampler", "dpm", "--order", "4"], "argument --order: invalid choice: 4"),
    (["--sampler", "ddim", "--solver-type", "heun"], "solver_type does not apply to sampler 'ddim'"),
    (["--ggdm", str(ASSETS / "defaults" / "068e1f865898ac61_k5.safetensors"), "--grid", "linear"], "--grid cannot go with --ggdm"),
    (["--sampler", "ggdm"], "unknown sampler 'ggdm'"),
    (["--sampler", "ggf", "--grid", "linear"], "--sampler ggf chooses its own steps per sample: leave out --steps, --grid"),
    (["--sampler", "ggf", "--rtol", "-1"], "rtol=-1.0 for sampler 'ggf' is out of range"),
    (["--sampler", "ccdf"], "sampler 'ccdf' needs start"),
    (["--sampler", "ccdf", "--start", "no/such/student.safetensors"], "no model at no/such/student.safetensors"),
    (["--sampler", "ccdf", "--start", str(ASSETS / "pd_student_1.safetensors"), "--t0", "2"], "t0=2.0 for sampler 'ccdf' is out of range"),
    (["--sampler", "ddim", "--start", str(ASSETS / "pd_student_1.safetensors")], "start does not apply to sampler 'ddim'"),
    (["--model", "no/such/file.safetensors"], "no model at")])
def test_refused_in_one_line(tmp_path, args, message):
    with pytest.raises(SystemExit, match=re.escape(message)): _sample(tmp_path, "x", *args)
    assert not list(tmp_path.iterdir())

def test_variance_reaches_ddpm(tmp_path):
    teacher, shape = load_teacher(), (1, 28, 28)
    z = torch.randn(4, *shape, generator=torch.Generator().manual_seed(5))
    with torch.no_grad():
        want = ddpm(teacher, z, linear_grid(teacher.schedule, 3), noise=SampleNoise(6, torch.arange(4), 3, shape), variance="fixed_large")
    large, small = _sample(tmp_path, "large", "--sampler", "ddpm", "--variance", "fixed_large"), _sample(tmp_path, "small", "--sampler", "ddpm")
    assert torch.equal(large, want) and (large - small).abs().max() > 0.01

def test_order_1_is_ddim(tmp_path):
    five = ["--steps", "5"]
    o1, o2, plain = (_sample(tmp_path, f, *a, *five) for f, a in (("o1", ["--sampler", "dpm++", "--order", "1"]),
                                                                  ("o2", ["--sampler", "dpm++"]), ("ddim", ["--sampler", "ddim"])))
    torch.testing.assert_close(o1, plain, rtol=0, atol=1e-4)
    assert (o2 - plain).abs().max() > 0.01

def test_eval_repeats_gives_error_bars(tmp_path):
    "`eval --repeats 3`: the record holds three independent sets (seeds 0, 2, 4), their mean and spread; `compare` shows mean ± sd."
    from fastddss.evaluation import load_results, separated
    main(["eval", "--steps", "2", "-n", "16", "--repeats", "3", "--quiet", "--out", str(tmp_path / "r" / "three.json")])
    main(["eval", "--steps", "2", "-n", "16", "--quiet", "--out", str(tmp_path / "one.json")])
    (rec,), doc = load_results(tmp_path / "r" / "three.json")
    (single,), _ = load_results(tmp_path / "one.json")
    assert [s["seed"] for s in rec["repeats"]] == [0, 2, 4] and rec["fid_std"] > 0 and "x 3 independent sets" in doc["what"]
    assert rec["repeats"][0]["fid"] == pytest.approx(single["fid"], rel=1e-9)        # set 0 is the single run of the same seed
    assert rec["fid"] == pytest.approx(sum(s["fid"] for s in rec["repeats"]) / 3, rel=1e-12)
    with pytest.raises(ValueError, match="one sample set: a win needs error bars"): separated(rec, single)
    main(["compare", "--results", str(tmp_path / "r"), "--out", str(tmp_path / "c.md"), "--plot", str(tmp_path / "c.png")])
    assert f"{rec['fid']:.2f} ± {rec['fid_std']:.2f}" in (tmp_path / "c.md").read_text()


def test_ggf_and_ccdf_reach_their_functions(tmp_path):
    "`--sampler ggf --rtol` and `--sampler ccdf --start --t0` give what the functions give with the same per-sample noise."
    from fastddss.adaptive import ggf
    from fastddss.ccdf import ccdf
    from fastddss.models import load_student
    teacher, shape = load_teacher(), (1, 28, 28)
    z = torch.randn(4, *shape, generator=torch.Generator().manual_seed(5))
    got = load_checkpoint(_sample_noK(tmp_path, "g", "--sampler", "ggf", "--rtol", "0.5"))
    with torch.no_grad(): want = ggf(teacher, z, None, rtol=0.5, noise=SampleNoise(6, torch.arange(4), 1000, shape))
    torch.testing.assert_close(got, want, atol=1e-4, rtol=0)
    student = str(ASSETS / "pd_student_1.safetensors")
    got = _sample(tmp_path, "c", "--sampler", "ccdf", "--start", student, "--t0", "0.4")
    with torch.no_grad():
        want = ccdf(teacher, z, linear_grid(teacher.schedule, 3), start=load_student(student, like=teacher), t0=0.4, noise=SampleNoise(6, torch.arange(4), 4, shape))
    torch.testing.assert_close(got, want, atol=1e-4, rtol=0)

def _sample_noK(tmp_path, name, *args):
    main(["sample", "-n", "4", "--seed", "5", *args, "--out", str(tmp_path / f"{name}.pt")])
    return tmp_path / f"{name}.pt"

def test_ld3_writes_a_grid_that_sample_runs(tmp_path):
    "`fastddss ld3` learns a grid file; `sample --grid FILE` gives the library's solver on those times; a mismatch is refused."
    from fastddss.ld3 import load_grid
    from fastddss.solvers import dpm_solver_pp
    main(["ld3", "--steps", "3", "--pairs", "8", "--iters", "4", "--teacher-steps", "6", "--out", str(tmp_path / "run"), "--quiet"])
    doc = load_grid(tmp_path / "run" / "grid.json")
    assert doc["sampler"] == "dpm++" and len(doc["times"]) == 4 and doc["info"]["iters"] == 4
    got = load_checkpoint(_sample_noK(tmp_path, "g", "--grid", str(tmp_path / "run" / "grid.json")))
    teacher, shape = load_teacher(), (1, 28, 28)
    z = torch.randn(4, *shape, generator=torch.Generator().manual_seed(5))
    with torch.no_grad(): want = dpm_solver_pp(teacher, z, torch.tensor(doc["times"], dtype=torch.float64), **doc["hyper"])
    torch.testing.assert_close(got, want, atol=1e-4, rtol=0)
    with pytest.raises(SystemExit, match="was learned for --sampler dpm\\+\\+ with 3 steps"):
        _sample_noK(tmp_path, "h", "--grid", str(tmp_path / "run" / "grid.json"), "--steps", "5")
    with pytest.raises(SystemExit, match="holds an earlier run: pass --resume"):
        main(["ld3", "--steps", "3", "--pairs", "8", "--iters", "4", "--out", str(tmp_path / "run"), "--quiet"])
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(SystemExit, match="not a fastddss grid file"): _sample_noK(tmp_path, "i", "--grid", str(tmp_path / "bad.json"))

def test_ld3_ggdm_student_writes_a_sampler_file(tmp_path):
    "`fastddss ld3 --sampler ggdm` learns a whole GGDM sampler by the teacher-matching loss; `sample --ggdm FILE` runs it; bad pairs are refused."
    from fastddss.ggdm import load_sampler
    main(["ld3", "--sampler", "ggdm", "--variant", "time", "--backbone", "dpm++", "--steps", "3", "--pairs", "8", "--iters", "4",
          "--teacher-steps", "6", "--out", str(tmp_path / "run"), "--quiet"])
    params = load_sampler(tmp_path / "run" / "sampler.safetensors", load_teacher())
    assert (params.variant, params.backbone, params.K, params.info["iters"], params.info["distance"]) == ("time", "dpm++", 3, 4, "l2")
    got = load_checkpoint(_sample_noK(tmp_path, "g", "--ggdm", str(tmp_path / "run" / "sampler.safetensors")))
    teacher = load_teacher()
    z = torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(5))
    from fastddss.solvers import dpm_solver_pp
    with torch.no_grad(): want = dpm_solver_pp(teacher, z, params.times().detach())   # the time variant on this backbone is the solver on its times
    torch.testing.assert_close(got, want, atol=1e-4, rtol=0)
    with pytest.raises(SystemExit, match="shape a GGDM student: pass --sampler ggdm"):
        main(["ld3", "--variant", "time", "--out", str(tmp_path / "x")])

def test_ld3_lpips_offline_is_one_line(tmp_path, monkeypatch):
    "Without the lpips package (or its weights) `ld3 --distance lpips` stops before any work, saying what to do."
    monkeypatch.setitem(sys.modules, "lpips", None)
    with pytest.raises(SystemExit, match="needs the lpips package"):
        main(["ld3", "--distance", "lpips", "--out", str(tmp_path / "run")])
    assert not (tmp_path / "run").exists()

def test_ld3_distance_reaches_training(tmp_path, monkeypatch):
    "`ld3 --distance NAME` trains with that distance (a stand-in for LPIPS here: the real one needs weights)."
    from fastddss.ld3 import DISTANCES
    calls = []
    def spy(x, target): calls.append(len(x)); return (x - target).pow(2).flatten(1).mean(1)
    monkeypatch.setitem(DISTANCES, "lpips", lambda: spy)
    main(["ld3", "--distance", "lpips", "--steps", "2", "--pairs", "8", "--iters", "2", "--teacher-steps", "4", "--out", str(tmp_path / "run"), "--quiet"])
    assert calls and json.loads((tmp_path / "run" / "grid.json").read_text())["info"]["distance"] == "lpips"

def test_shipped_grid_default_is_that_solver_on_its_grid(tmp_path, monkeypatch, capsys):
    "A default that is a learning-free solver's grid file samples as `--grid FILE`, and says which; --sampler overrides."
    import fastddss.cli.sample as cli
    from fastddss.ld3 import save_grid
    f = save_grid(tmp_path / "k6.json", "dpm", GRIDS["linear"](load_teacher().schedule, 6), {},
                  dict(method="DPM-Solver-3 linear"))
    monkeypatch.setattr(cli, "default_grid", lambda model, K: f if K == 6 else None)
    monkeypatch.setattr(cli, "default_sampler", lambda model, K: None)     # the shipped K=6 sampler would come first
    run = lambda name, *args: load_checkpoint(_sample_noK(tmp_path, name, "--steps", "6", *args))
    default = run("a")
    assert "DPM-Solver-3 linear, the best measured" in capsys.readouterr().out
    torch.testing.assert_close(default, load_checkpoint(_sample_noK(tmp_path, "b", "--grid", str(f))), atol=0, rtol=0)
    assert not torch.allclose(default, run("c", "--sampler", "ddim"), atol=1e-3)

def test_shipped_default_only_when_nothing_is_chosen(tmp_path, monkeypatch):
    "With no --sampler the model's shipped learned sampler at --steps is used; --sampler ddim is DDIM; a distilled student gets none."
    import fastddss.cli.sample as cli
    from fastddss.ggdm import GGDM
    shipped = GGDM(linear_grid(load_teacher().schedule, 3), "ggdm", info=dict(method="a test default")).eval()
    with torch.no_grad(): shipped.nu.add_(0.5 * torch.eye(3, dtype=torch.float64))   # far from DDIM: its samples are told apart
    monkeypatch.setattr(cli, "default_sampler", lambda model, K: shipped if K == 3 else None)
    run = lambda name, *args: load_checkpoint(_sample_noK(tmp_path, name, "--steps", "3", *args))
    default, chosen = run("a"), run("b", "--sampler", "ddim")
    assert not torch.allclose(default, chosen, atol=1e-3)
    from fastddss.ggdm import ggdm
    with torch.no_grad(): want = ggdm(load_teacher(), torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(5)), params=shipped,
                                      noise=SampleNoise(6, torch.arange(4), 3, (1, 28, 28)))
    torch.testing.assert_close(default, want, atol=1e-4, rtol=0)
    with pytest.raises(SystemExit, match="distilled to sample with DDIM"):
        run("c", "--model", str(ASSETS / "pd_student_1.safetensors"))
