"""GGDM and DDSS safe by default: learned times valid for any finite logits, any file that is not a sampler refused in one line,
DDSS settings checked before any work, and a diverged run that keeps (and hands back) its last good sampler."""
import json, math, os
import pytest, torch
from torch import nn
import fastddss.ddss
from fastddss.ddss import ddss_loss, sampler_from_checkpoint, train_ddss
from fastddss.ggdm import GGDM, GGDM_FORMAT, ggdm, load_sampler, save_sampler, softmax_times
from fastddss.defaults import DEFAULTS
from fastddss.models import ASSETS
from fastddss.parameterization import GaussianMixtureModel
from fastddss.runs import load_checkpoint, save_atomic, save_weights
from fastddss.schedules import CosineSchedule, check_grid, ddpm_schedule, linear_grid, quadratic_grid

GMM = GaussianMixtureModel(torch.tensor([[0.6, -0.6], [-0.6, 0.6]]), 0.1)
REAL = GMM.sample_data(512, torch.Generator().manual_seed(0))

class Identity(nn.Module):
    def features(self, x): return x

# ---------------------------------------------------------------- 1. the learned times
PATTERNS = {"one at 3e5": [1e4, -1e4, 0, 3e5], "all equal": [5.0], "spread 1e300": [1e300, -1e300, 0], "largest": [1.7e308, -1.7e308],
            "underflow": [0, -800]}

def logits_for(K, name):
    if name == "random 1e3": return torch.randn(K, dtype=torch.float64, generator=torch.Generator().manual_seed(K)) * 1e3
    return torch.tensor((PATTERNS[name] * K)[:K], dtype=torch.float64)

def assert_valid(t, t0):
    assert t.dtype == torch.float64 and torch.isfinite(t).all(), t.tolist()
    assert (t[1:] < t[:-1]).all() and t[0] == t0 and t[-1] == 0, t.tolist()

@pytest.mark.parametrize("schedule", [CosineSchedule(), ddpm_schedule()], ids=["cosine", "ddpm-linear"])
@pytest.mark.parametrize("K", [1, 2, 5, 25])
@pytest.mark.parametrize("name", [*PATTERNS, "random 1e3"])
def test_learned_times_valid_and_coefficients_finite_for_extreme_logits(schedule, K, name):
    g = GGDM(linear_grid(schedule, K), "ggdm+pred+time")
    with torch.no_grad(): g.logits.copy_(logits_for(K, name))
    co = g.coefficients(schedule)
    assert_valid(co.ts, g.init_ts[0])
    check_grid(co.ts, schedule)
    assert all(torch.isfinite(x).all() for x in co)
    sum(x.sum() for x in co).backward()
    assert K == 1 or torch.isfinite(g.logits.grad).all()

@pytest.mark.parametrize("K", [2, 5, 25])
def test_float32_parameters_still_give_a_valid_float64_grid(K):
    "In float32 the floor 1e-14 is below the resolution: a sampler cast to float32 must still compute its times in float64."
    g = GGDM(linear_grid(CosineSchedule(), K)).float()
    with torch.no_grad(): g.logits.copy_(torch.tensor(([0.0, -800.0] * K)[:K]))
    assert_valid(g.times(), 1.0)
    assert {x.dtype for x in g.coefficients(CosineSchedule())} == {torch.float64}
    ggdm(GMM, torch.randn(4, 2), params=g, generator=torch.Generator().manual_seed(0))   # check_grid passes

def test_softmax_times_directly():
    for dtype in (torch.float64, torch.float32):
        for t0 in (1.0, 1000.0, 1e-3):
            assert_valid(softmax_times(torch.tensor([0.0, -800.0, 0.0, 30.0], dtype=dtype), t0), t0)
    t = softmax_times(torch.zeros(4), 2.0)
    torch.testing.assert_close(t, torch.tensor([2.0, 1.5, 1.0, 0.5, 0.0], dtype=torch.float64), rtol=0, atol=1e-15)

@pytest.mark.parametrize("schedule", [CosineSchedule(), ddpm_schedule()], ids=["cosine", "ddpm-linear"])
@pytest.mark.parametrize("grid", [linear_grid, quadratic_grid])
def test_untrained_times_are_the_initial_grid(schedule, grid):
    for K in (1, 2, 5, 25):
        ts = grid(schedule, K)
        assert (GGDM(ts).times() - ts).abs().max() <= 1e-12 * schedule.T

# ---------------------------------------------------------------- ggdm on a diverged sampler
def test_ggdm_says_the_coefficients_diverged():
    z = torch.randn(8, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    g = GGDM(linear_grid(GMM.schedule, 4), "ggdm")
    with torch.no_grad(): g.mu.fill_(1e120)
    for remat in (False, True):
        with pytest.raises(FloatingPointError, match="GGDM step 2 .*the coefficients diverged"):
            ggdm(GMM, z, params=g, remat=remat, generator=torch.Generator().manual_seed(1))
    with pytest.raises(ValueError, match="model output contains NaN or inf at step 0"):      # the model's own fault stays a ValueError
        ggdm(GMM, z * float("nan"), params=GGDM(linear_grid(GMM.schedule, 4)))

# ---------------------------------------------------------------- 2. load_sampler refuses every other file
EXPECTED = "expected a GGDM sampler file written by `fastddss ddss`"

@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("samplers")
    g = GGDM(linear_grid(CosineSchedule(), 5), info={"grid": "linear"})
    save_sampler(g, d / "ok.safetensors")
    good = (d / "ok.safetensors").read_bytes()
    (d / "empty.safetensors").write_bytes(b"")
    (d / "half.safetensors").write_bytes(good[: len(good) // 2])
    (d / "random.safetensors").write_bytes(os.urandom(4096))
    (d / "notes.json").write_text(json.dumps({"variant": "ggdm+pred+time", "K": 5}))
    torch.save(g.state_dict(), d / "pickle.safetensors")
    (d / "folder.safetensors").mkdir()
    state, meta = g.state_dict(), dict(variant=g.variant, K=str(g.K), info=g.info)
    save_weights(state, d / "novariant.safetensors", GGDM_FORMAT, K="5", info={})
    save_weights(state, d / "noinfo.safetensors", GGDM_FORMAT, variant=g.variant, K="5")
    save_weights(state, d / "badinfo.safetensors", GGDM_FORMAT, **{**meta, "info": "{not json"})
    save_weights(state, d / "listinfo.safetensors", GGDM_FORMAT, **{**meta, "info": [1, 2]})
    save_weights(state, d / "unknownvariant.safetensors", GGDM_FORMAT, **{**meta, "variant": "ggdm+time"})
    save_weights(state, d / "othervariant.safetensors", GGDM_FORMAT, **{**meta, "variant": "vars"})
    save_weights({k: v for k, v in state.items() if k != "init_ts"}, d / "nogrid.safetensors", GGDM_FORMAT, **meta)
    save_weights({**state, "theta": torch.zeros(3, dtype=torch.float64)}, d / "badshape.safetensors", GGDM_FORMAT, **meta)
    save_weights({**state, "mu": state["mu"] * float("nan")}, d / "nan.safetensors", GGDM_FORMAT, **meta)
    save_weights(state, d / "wrongK.safetensors", GGDM_FORMAT, **{**meta, "K": "7"})
    save_weights({"x": torch.ones(2)}, d / "student.safetensors", "fastddss.student/1")
    return d

REFUSED = {"empty.safetensors": "not a readable safetensors file", "half.safetensors": "not a readable safetensors file",
           "random.safetensors": "not a readable safetensors file", "notes.json": "not a readable safetensors file",
           "pickle.safetensors": "not a readable safetensors file", "folder.safetensors": "it is a folder",
           "novariant.safetensors": "no metadata 'variant'", "noinfo.safetensors": "no metadata 'info'",
           "badinfo.safetensors": "its info is not JSON", "listinfo.safetensors": "its info is a list",
           "unknownvariant.safetensors": "unknown GGDM variant 'ggdm+time'", "othervariant.safetensors": "Unexpected key(s)",
           "nogrid.safetensors": "no tensor 'init_ts'", "badshape.safetensors": "size mismatch for theta",
           "nan.safetensors": "non-finite values in mu", "wrongK.safetensors": "K=7 but its grid has 5 steps",
           "student.safetensors": "it holds fastddss.student/1, not fastddss.ggdm/1"}

def one_line(e, path):
    msg = str(e.value)
    assert "\n" not in msg and str(path) in msg and EXPECTED in msg, msg
    return msg

@pytest.mark.parametrize("name", REFUSED)
def test_load_sampler_refuses_in_one_line(files, name):
    with pytest.raises(ValueError) as e: load_sampler(files / name)
    assert REFUSED[name] in one_line(e, files / name)

def test_load_sampler_refuses_the_shipped_teacher_and_a_missing_file(files):
    teacher = ASSETS / "teacher_mnist.safetensors"
    with pytest.raises(ValueError) as e: load_sampler(teacher)
    assert "it holds fastddss.teacher/1" in one_line(e, teacher)
    with pytest.raises(FileNotFoundError) as e: load_sampler(files / "none.safetensors")
    assert one_line(e, files / "none.safetensors").startswith("no GGDM sampler at")

def test_load_sampler_still_loads_samplers(files):
    g = load_sampler(files / "ok.safetensors")
    assert g.variant == "ggdm+pred+time" and g.K == 5 and g.info == {"grid": "linear"}
    shipped = load_sampler(DEFAULTS / "068e1f865898ac61_k5.safetensors")   # the shipped teacher's default at K = 5
    assert shipped.K == 5 and torch.isfinite(shipped.times()).all()

# ---------------------------------------------------------------- 3. train_ddss checks its settings first
class NotUsed(nn.Module):
    def features(self, x): raise AssertionError("work started before the settings were checked")

BAD = [(dict(iters=-3), "iters must be at least 1, got -3"), (dict(iters=0), "iters must be at least 1, got 0"),
       (dict(iters=2.5), "iters must be a whole number"), (dict(iters=True), "iters must be a whole number"),
       (dict(batch_size=0), "batch_size must be at least 2"), (dict(batch_size=1), "batch_size must be at least 2: KID"),
       (dict(real_batch=1), "real_batch must be at least 2"), (dict(real_batch=-1), "real_batch must be at least 2"),
       (dict(real_batch=65), "real_batch=65 is more than the 64 real images given"),
       (dict(lr=0.0), "lr must be a finite number > 0, got 0.0"), (dict(lr=-1.0), "lr must be a finite number > 0, got -1.0"),
       (dict(lr=float("nan")), "lr must be a finite number > 0, got nan"), (dict(lr=float("inf")), "lr must be a finite number > 0, got inf"),
       (dict(lr="0.1"), "lr must be a finite number > 0"), (dict(ckpt_every=0), "ckpt_every must be at least 1")]

@pytest.mark.parametrize("bad, msg", BAD, ids=[m for _, m in BAD])
def test_train_ddss_refuses_bad_settings_before_any_work(tmp_path, bad, msg):
    kw = dict(iters=2, batch_size=8, real_batch=16, feature_net=NotUsed(), progress=False) | bad
    with pytest.raises(ValueError) as e:
        train_ddss(GMM, GGDM(linear_grid(GMM.schedule, 2)), torch.randn(64, 2), tmp_path / "run", **kw)
    assert msg in str(e.value) and "\n" not in str(e.value), str(e.value)
    assert list(tmp_path.iterdir()) == []

def test_smallest_valid_settings_run(tmp_path):
    ck = train_ddss(GMM, GGDM(linear_grid(GMM.schedule, 2)), REAL[:2], tmp_path, iters=1, batch_size=2, real_batch=2, lr=1,
                    feature_net=Identity(), progress=False)
    assert ck["step"] == 1 and math.isfinite(ck["losses"][0])

# ---------------------------------------------------------------- 4. a diverged run keeps its last good sampler
def run(d, iters=6, **kw):
    g = GGDM(linear_grid(GMM.schedule, 3), "ggdm+pred+time")
    train_ddss(GMM, g, REAL, d, iters=iters, batch_size=32, real_batch=64, feature_net=Identity(), progress=False, **kw)
    return g

def diverging_at(update):
    "ddss_loss raising what ggdm raises for diverged coefficients, at `update` (counted from 0 in this call)."
    calls = []
    def loss(*a, **kw):
        calls.append(1)
        if len(calls) == update + 1: raise FloatingPointError("GGDM step 1: (simulated) the coefficients diverged")
        return ddss_loss(*a, **kw)
    return loss

def same(a, b) -> bool:
    if isinstance(a, dict): return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)): return len(a) == len(b) and all(map(same, a, b))
    return torch.equal(a, b) if isinstance(a, torch.Tensor) else a == b

def test_a_huge_learning_rate_stops_with_the_last_good_sampler(tmp_path):
    g = GGDM(linear_grid(GMM.schedule, 3), "ggdm+pred+time")
    with pytest.raises(FloatingPointError) as e:
        train_ddss(GMM, g, REAL, tmp_path, iters=8, batch_size=32, real_batch=64, lr=1e30, feature_net=Identity(), progress=False)
    msg = str(e.value)
    assert "the loss is nan" in msg and "the coefficients diverged" in msg and "after 0 updates" in msg and "\n" not in msg, msg
    ck = load_checkpoint(tmp_path / "checkpoint.pt")
    last = sampler_from_checkpoint(GGDM(linear_grid(GMM.schedule, 3), "ggdm+pred+time"), tmp_path)
    assert same(last.state_dict(), ck["state"]["model"]) and same(g.state_dict(), ck["state"]["model"])
    assert all(torch.isfinite(p).all() for p in last.parameters())
    with torch.no_grad(): assert torch.isfinite(ggdm(GMM, torch.randn(256, 2), params=last, generator=torch.Generator().manual_seed(0))).all()

def test_the_roll_back_is_a_clean_stop(tmp_path, monkeypatch):
    "Diverging at update 3 leaves what a run stopped after 2 updates leaves, bit for bit; continuing it ends where a straight run does."
    with monkeypatch.context() as m:
        m.setattr(fastddss.ddss, "ddss_loss", diverging_at(3))
        with pytest.raises(FloatingPointError, match="update 3: the loss is nan.*after 2 updates, the last whose samples were finite"):
            run(tmp_path / "a")
    run(tmp_path / "b", stop_after=2)
    a, b = (load_checkpoint(tmp_path / x / "checkpoint.pt") for x in "ab")
    assert a["step"] == 2 and a["losses"] == b["losses"] and same(a["state"], b["state"])
    last = sampler_from_checkpoint(GGDM(linear_grid(GMM.schedule, 3), "ggdm+pred+time"), tmp_path / "a")
    assert same(last.state_dict(), b["state"]["model"])
    resumed, straight = run(tmp_path / "a"), run(tmp_path / "c")
    assert all(torch.equal(p, q) for p, q in zip(resumed.parameters(), straight.parameters()))

def test_no_roll_back_at_the_first_update_of_a_call(tmp_path, monkeypatch):
    run(tmp_path, stop_after=2)
    before = load_checkpoint(tmp_path / "checkpoint.pt")
    monkeypatch.setattr(fastddss.ddss, "ddss_loss", diverging_at(0))
    with pytest.raises(FloatingPointError) as e: run(tmp_path)
    assert "update 2: the loss is nan" in str(e.value) and "the sampler diverged" in str(e.value) and "now holds" not in str(e.value)
    after = load_checkpoint(tmp_path / "checkpoint.pt")
    assert after["step"] == 2 and same(after["state"], before["state"])

def test_a_nan_that_is_not_the_sampler_keeps_train_loop_semantics(tmp_path):
    "NaN features at update 1 (not a diverged sampler): no roll-back, the checkpoint holds the state after 1 update."
    class Breaks(Identity):
        calls = 0
        def features(self, x):
            if not x.requires_grad: return x
            self.calls += 1
            return x * float("nan") if self.calls == 2 else x
    with pytest.raises(FloatingPointError, match="update 1: the loss is nan") as e:
        train_ddss(GMM, GGDM(linear_grid(GMM.schedule, 3), "ggdm+pred+time"), REAL, tmp_path, iters=6, batch_size=32, real_batch=64,
                   feature_net=Breaks(), progress=False)
    assert "diverged" not in str(e.value)
    assert load_checkpoint(tmp_path / "checkpoint.pt")["step"] == 1

def test_sampler_from_checkpoint_refuses(tmp_path):
    run(tmp_path / "run", iters=1)
    g3 = GGDM(linear_grid(GMM.schedule, 3), "ggdm+pred+time")
    with pytest.raises(FileNotFoundError, match="no DDSS checkpoint at .*expected the run folder of `fastddss ddss`"):
        sampler_from_checkpoint(g3, tmp_path / "nowhere")
    with pytest.raises(ValueError, match=r"belongs to another sampler \(K: 3 there, 2 here"):
        sampler_from_checkpoint(GGDM(linear_grid(GMM.schedule, 2), "ggdm+pred+time"), tmp_path / "run")
    with pytest.raises(ValueError, match="variant: 'ggdm\\+pred\\+time' there, 'vars' here"):
        sampler_from_checkpoint(GGDM(linear_grid(GMM.schedule, 3), "vars"), tmp_path / "run")
    save_atomic({"step": 1, "losses": []}, tmp_path / "other" / "checkpoint.pt")           # a checkpoint of something else
    with pytest.raises(ValueError, match="holds no sampler state"): sampler_from_checkpoint(g3, tmp_path / "other")
    (tmp_path / "cut").mkdir(); (tmp_path / "cut" / "checkpoint.pt").write_bytes((tmp_path / "run" / "checkpoint.pt").read_bytes()[:100])
    with pytest.raises(ValueError, match="unreadable"): sampler_from_checkpoint(g3, tmp_path / "cut")
    ck = load_checkpoint(tmp_path / "run" / "checkpoint.pt")
    ck["state"]["model"]["mu"] = ck["state"]["model"]["mu"] * float("nan")                  # a tampered checkpoint
    save_atomic(ck, tmp_path / "nan" / "checkpoint.pt")
    with pytest.raises(ValueError, match="holds non-finite values in mu"): sampler_from_checkpoint(g3, tmp_path / "nan")
    assert torch.equal(g3.mu, torch.zeros_like(g3.mu))                                      # a refusal leaves the sampler as it was
    loaded = sampler_from_checkpoint(g3, tmp_path / "run")
    assert loaded is g3 and same(g3.state_dict(), load_checkpoint(tmp_path / "run" / "checkpoint.pt")["state"]["model"])

# ---------------------------------------------------------------- 5. learners hand back only validated samplers (issue 30, items 6, 7)
def cli(argv, capsys) -> str | None:
    "Run `fastddss ARGV`: None if it succeeded, else its one line on stderr (exit code 2, no traceback)."
    from fastddss.cli import console
    capsys.readouterr()
    try: console([str(a) for a in argv])
    except SystemExit as e:
        err = capsys.readouterr().err.strip().splitlines()
        assert e.code == 2 and len(err) == 1 and err[0].startswith("fastddss: error: "), (e.code, err)
        return err[0]
    return None

def assert_samples_within_limit(sampler_args, tmp_path, capsys):
    "`fastddss sample` with the written sampler or grid: 64 finite samples within the command line's divergence limit."
    from fastddss.grids import DIVERGED
    out = tmp_path / "check.pt"
    assert cli(["sample", *sampler_args, "-n", "64", "--out", out], capsys) is None
    x = torch.load(out)
    assert torch.isfinite(x).all() and x.abs().max() <= DIVERGED, x.abs().max()

LD3_HEUN = ["ld3", "--sampler", "heun", "--steps", "2", "--iters", "2", "--pairs", "4", "--teacher-steps", "4",
            "--batch-size", "2", "--quiet"]
DDSS_HUGE_LR = ["ddss", "--steps", "2", "--warmup", "0", "--val-every", "0", "--lr", "1e6", "--batch-size", "4",
                "--real-batch", "8", "--quiet"]

def test_ld3_writes_no_diverged_grid(tmp_path, capsys):
    "Issue 30.6: no grid passes the check, not even the start: the command refuses in one line and writes no grid."
    out = tmp_path / "ld3"
    line = cli([*LD3_HEUN, "--out", out], capsys)   # Heun's own 2-step grid diverges too (samples up to about 300)
    assert line is not None and "the starting one too (validation samples up to" in line and "--lr" in line, line
    assert not (out / "grid.json").exists()

def test_ddss_with_a_huge_lr_writes_no_diverged_sampler(tmp_path, capsys):
    "Issue 30.7: one update at lr 1e6 diverges; what is written as the sampler must still sample within the limit."
    out = tmp_path / "ddss"
    assert cli([*DDSS_HUGE_LR, "--iters", "1", "--out", out], capsys) is None
    assert_samples_within_limit(["--ggdm", out / "sampler.safetensors"], tmp_path, capsys)
    from fastddss.ggdm import load_sampler
    assert "diverged" in load_sampler(out / "sampler.safetensors").info["validation"]["fell_back"]

def test_the_nan_stop_hands_back_a_validated_sampler(tmp_path, capsys):
    "Issue 30.7 with --iters 4: the NaN stop's 'last good sampler' is the starting one, and samples within the limit."
    out = tmp_path / "ddss"
    line = cli([*DDSS_HUGE_LR, "--iters", "4", "--out", out], capsys)
    assert line is not None and "diverged" in line and "the last good sampler (iteration 0)" in line, line
    assert_samples_within_limit(["--ggdm", out / "sampler.safetensors"], tmp_path, capsys)

def start_coefficients():
    "The starting sampler's (DDIM's) coefficients on the mixture."
    return GGDM(linear_grid(GMM.schedule, 3), "ggdm+pred+time").coefficients(GMM.schedule)

def assert_is_the_start(g):
    "`g` samples as the starting sampler does: the same coefficients."
    for a, b in zip(g.coefficients(GMM.schedule), start_coefficients()):
        torch.testing.assert_close(a, b, rtol=1e-9, atol=1e-12)

@pytest.mark.parametrize("val_every", [0, 1], ids=["no validation", "validation"])
def test_a_diverging_run_hands_back_the_starting_sampler(tmp_path, val_every):
    "lr 1e6 sends the samples to about 1e6 in one update: train_ddss hands back the starting sampler and says so."
    g = GGDM(linear_grid(GMM.schedule, 3), "ggdm+pred+time")
    ck = train_ddss(GMM, g, REAL, tmp_path, iters=1, batch_size=32, real_batch=64, lr=1e6, warmup=0,
                    val_every=val_every, val_n=64, feature_net=Identity(), progress=False)
    assert_is_the_start(g)
    assert "diverged" in ck["validation"]["fell_back"] and ck["validation"]["best_updates"] == 0, ck["validation"]

def test_a_run_where_even_the_start_diverges_is_refused_in_one_line(tmp_path):
    "With a limit no sampler meets, there is nothing to hand back: one ValueError line naming the fix."
    for val_every in (0, 1):
        with pytest.raises(ValueError) as e:
            run(tmp_path / str(val_every), iters=1, lr=1e-3, val_every=val_every, val_n=64, limit=1e-3)
        msg = str(e.value)
        assert "diverged" in msg and "the starting one" in msg and "--lr" in msg and "\n" not in msg, msg

def test_the_roll_back_never_keeps_a_diverged_sampler(tmp_path):
    "The state a NaN stop keeps diverged (lr 1e6): the checkpoint falls back to the starting sampler, after 0 updates."
    with pytest.raises(FloatingPointError) as e: run(tmp_path, iters=4, lr=1e6, warmup=0, val_every=0)
    assert "after 0 updates" in str(e.value) and "diverged" in str(e.value), str(e.value)
    assert load_checkpoint(tmp_path / "checkpoint.pt")["step"] == 0
    assert_is_the_start(sampler_from_checkpoint(GGDM(linear_grid(GMM.schedule, 3), "ggdm+pred+time"), tmp_path))
