"Samplers are safe by default: any float dtype of z, Heun in range at few steps and on any grid, ReDi bases and sampler options refused in one line."
import copy
import pytest, torch
import fastddss
from fastddss.models import load_model, load_teacher
from fastddss.parameterization import denoise
from fastddss.ggdm import GGDM
from fastddss.redi import KnowledgeBase, build_kb, redi
from fastddss.runs import save_weights
from fastddss.samplers import SAMPLERS, get_sampler, sampler_options
from fastddss.sampling import ddim, ddpm, to_model_dtype
from fastddss.schedules import GRIDS, karras_grid, linear_grid
from fastddss.solvers import dpm_solver_pp, heun

DTYPES = (torch.float16, torch.bfloat16, torch.float64)

def one_line(excinfo) -> str:
    msg = str(excinfo.value)
    assert "\n" not in msg, msg
    return msg

@pytest.fixture(scope="module")
def teacher(): return load_teacher()

@pytest.fixture(scope="module")
def z8(): return torch.randn(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))

# 1. dtypes

@pytest.fixture(scope="module")
def rows(teacher):
    "(name, spec, grid, hyper) of every registry row on the teacher, K = 3."
    K, zkb = 3, torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(5))
    objects = {"ggdm": dict(params=GGDM(linear_grid(teacher.schedule, K))),
               "redi": dict(kb=build_kb(teacher, zkb, linear_grid(teacher.schedule, K), (1, 2), progress=False), key_step=1, value_step=2),
               "ccdf": dict(start=teacher)}
    assert set(objects) | {"ddim", "ddpm", "dpm++", "dpm", "heun", "ggf"} == set(SAMPLERS)
    return [(name, spec, None if spec.grid is None else GRIDS[spec.grid](teacher.schedule, K), sampler_options(name, **objects.get(name, {})))
            for name, spec in SAMPLERS.items()]

@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_every_sampler_takes_any_float_z(teacher, rows, dtype):
    "A float32 model: z in float16/bfloat16/float64 gives float32 samples, exactly those of the same values in float32."
    z = torch.randn(2, 1, 28, 28, generator=torch.Generator().manual_seed(1)).to(dtype)
    with torch.no_grad():
        for name, spec, ts, hyper in rows:
            x = spec(teacher, z, ts, generator=torch.Generator().manual_seed(2), **hyper)
            assert x.dtype == torch.float32 and x.shape == z.shape and torch.isfinite(x).all(), name
            assert torch.equal(x, spec(teacher, z.float(), ts, generator=torch.Generator().manual_seed(2), **hyper)), name

@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_sampler_functions_convert_on_entry(teacher, dtype):
    "Called directly (not through the registry), the samplers of notebooks 30-33 convert z, and ddim/ddpm the passed noise."
    z = torch.randn(2, 1, 28, 28, generator=torch.Generator().manual_seed(3)).to(dtype)
    ts = linear_grid(teacher.schedule, 3)
    kb = build_kb(teacher, z, ts, (1, 2), progress=False)             # build_kb converts too
    noise = torch.randn(3, *z.shape, generator=torch.Generator().manual_seed(4))
    with torch.no_grad():
        karras = karras_grid(teacher.schedule, 3)                      # Heun's own grid (it starts below α = 0)
        for f, kw, g in [(ddim, dict(eta=0.5, noise=noise.to(dtype)), ts), (ddpm, dict(noise=noise.to(dtype)), ts), (dpm_solver_pp, {}, ts),
                         (heun, {}, karras), (redi, dict(kb=kb, key_step=1, value_step=2), ts)]:
            x, same = f(teacher, z, g, **kw), f(teacher, z.float(), g, **{k: v.float() if k == "noise" else v for k, v in kw.items()})
            assert x.dtype == torch.float32 and torch.equal(x, same), f.__name__
        _, states = heun(teacher, z, karras, trajectory=True)
        assert states.dtype == torch.float32

def test_non_float_z_and_noise_are_refused(teacher, rows):
    z = torch.zeros(2, 1, 28, 28, dtype=torch.long)
    for name, spec, ts, hyper in rows:
        with pytest.raises(ValueError, match="z must be a floating-point tensor") as e: spec(teacher, z, ts, **hyper)
        one_line(e)
    with pytest.raises(ValueError, match=r"z must be a floating-point tensor .*got a list"): ddim(teacher, [[0.0]], linear_grid(teacher.schedule, 2))
    with pytest.raises(ValueError, match=r"noise\[0\] must be a floating-point tensor") as e:
        ddpm(teacher, z.float(), linear_grid(teacher.schedule, 2), noise=torch.zeros(2, 2, 1, 28, 28, dtype=torch.int32))
    one_line(e)

def test_to_model_dtype():
    "The model's parameter dtype; z's own for a model without parameters; bool and complex are not noise either."
    net = torch.nn.Linear(2, 2).double()
    assert to_model_dtype(net, torch.zeros(1, 2, dtype=torch.float16)).dtype == torch.float64
    assert to_model_dtype(torch.nn.Identity(), torch.zeros(1, 2, dtype=torch.bfloat16)).dtype == torch.bfloat16
    assert to_model_dtype(lambda z, t: z, torch.zeros(1, 2, dtype=torch.float16)).dtype == torch.float16
    for bad in (torch.zeros(1, 2, dtype=torch.bool), torch.zeros(1, 2, dtype=torch.complex64), torch.zeros(1, 2, dtype=torch.uint8)):
        with pytest.raises(ValueError, match=f"got dtype {bad.dtype}"): to_model_dtype(net, bad)

# 2. Heun

def test_heun_diverges_at_few_steps_and_the_cli_says_so(teacher, z8, tmp_path, capsys):
    """EDM's Heun (Alg. 1, kept as published) leaves [-1, 1] far behind at K = 2..4 on the Karras grid; K = 1, 5 and 6 stay within ±4;
    the command line refuses such samples as diverged and writes nothing."""
    from fastddss.cli import console
    with torch.no_grad():
        top = {K: heun(teacher, z8, karras_grid(teacher.schedule, K)).abs().max().item() for K in range(1, 7)}
    assert top[1] < 1.5 and top[6] < 4 and all(top[K] > 4 for K in (2, 3, 4)) and top[5] < 4 and top[2] > 100, top
    with pytest.raises(SystemExit) as e: console(["sample", "--sampler", "heun", "--steps", "2", "-n", "4", "--out", str(tmp_path / "h.png")])
    assert e.value.code == 2 and "the samples diverged" in capsys.readouterr().err and not any(tmp_path.iterdir())

def test_heun_two_steps_is_x_hat_at_the_last_nonzero_sigma(teacher, z8):
    "The last step into σ = 0 is Euler's: the K = 2 sample is x̂ at σ̄_min = 0.002 of the state after the first step."
    grid, seen = karras_grid(teacher.schedule, 2), []
    with torch.no_grad():
        x = heun(teacher, z8, grid, callback=lambda d: seen.append(d["z"]))
        torch.testing.assert_close(x, denoise(teacher, seen[0], grid[1])[0], rtol=0, atol=1e-4)

def test_heun_refuses_a_grid_from_alpha_zero(teacher, z8):
    "The linear grid starts at t = T, α = 0, where σ̄ is infinite: refused in one line naming the grid that works."
    with pytest.raises(ValueError, match="karras_grid does"): heun(teacher, z8, linear_grid(teacher.schedule, 3))

def test_heun_is_second_order():
    "On the exact mixture model (float64): the error falls over three-fold per doubling of K from 32 to 64, DDIM's about two-fold."
    from fastddss.parameterization import GaussianMixtureModel
    gmm = GaussianMixtureModel(torch.tensor([[0.6, -0.6], [-0.6, 0.6], [0.8, 0.8]], dtype=torch.float64), 0.08)
    z = torch.randn(64, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    ref = heun(gmm, z, karras_grid(gmm.schedule, 400, sigma_min=0.02))
    err = {K: [(f(gmm, z, karras_grid(gmm.schedule, K, sigma_min=0.02)) - ref).norm(dim=1).mean().item() for f in (heun, ddim)] for K in (32, 64)}
    assert err[32][0] / err[64][0] > 3 and err[64][0] < err[64][1] / 5, err

@pytest.fixture(scope="module")
def ddpm32(): return load_model(str(fastddss.__path__[0]) + "/assets/ddpm_mnist32")

def test_heun_on_the_diffusers_teacher(ddpm32):
    "ε-prediction, discrete time, clip_x = 1 as shipped: finite and within the clipped range at K = 6."
    z = torch.randn(4, 1, 32, 32, generator=torch.Generator().manual_seed(0))
    with torch.no_grad(): x = heun(ddpm32, z, karras_grid(ddpm32.schedule, 6))
    assert torch.isfinite(x).all() and x.abs().max() <= 1.5

# 3. ReDi knowledge bases

EXPECTED = "expected a ReDi knowledge base written by `fastddss redi`"

@pytest.fixture(scope="module")
def small_kb(teacher):
    return build_kb(teacher, torch.randn(3, 1, 28, 28, generator=torch.Generator().manual_seed(6)), linear_grid(teacher.schedule, 4), (1, 3), progress=False)

def test_knowledge_base_refuses_other_files(small_kb, tmp_path):
    small_kb.save(tmp_path / "kb.safetensors")
    data = (tmp_path / "kb.safetensors").read_bytes()
    assert sorted(KnowledgeBase.load(tmp_path / "kb.safetensors").states) == [1, 3]
    for name, content in {"empty": b"", "truncated": data[: len(data) // 2], "header_only": data[:40],
                          "random": bytes(torch.randint(0, 256, (2048,), generator=torch.Generator().manual_seed(0)).tolist())}.items():
        f = tmp_path / f"{name}.safetensors"; f.write_bytes(content)
        with pytest.raises(ValueError) as e: KnowledgeBase.load(f)
        msg = one_line(e)
        assert str(f) in msg and EXPECTED in msg and "corrupt, truncated" in msg, msg
    teacher_file = fastddss.__path__[0] + "/assets/teacher_mnist.safetensors"
    with pytest.raises(ValueError) as e: KnowledgeBase.load(teacher_file)
    assert teacher_file in one_line(e) and "fastddss.teacher/1" in str(e.value) and EXPECTED in str(e.value)
    with pytest.raises(FileNotFoundError) as e: KnowledgeBase.load(tmp_path / "missing.safetensors")
    assert str(tmp_path / "missing.safetensors") in one_line(e) and EXPECTED in str(e.value)
    save_weights({"step_1": torch.zeros(2, 3), "step_x": torch.zeros(2, 3), "ts": torch.tensor([1.0, 0.0])}, tmp_path / "odd.safetensors", "fastddss.redi/1")
    with pytest.raises(ValueError, match="lacks the time grid") as e: KnowledgeBase.load(tmp_path / "odd.safetensors")
    save_weights({"step_0": torch.zeros(2, 3), "step_1": torch.zeros(3, 3), "ts": torch.tensor([1.0, 0.0])}, tmp_path / "sizes.safetensors", "fastddss.redi/1")
    with pytest.raises(ValueError, match="same number of trajectories") as e: KnowledgeBase.load(tmp_path / "sizes.safetensors")
    assert str(tmp_path / "sizes.safetensors") in one_line(e)

@pytest.mark.parametrize("kw,why", [
    (dict(steps=[]), "steps must be a non-empty list of integers in 0..K=4, got []"),
    (dict(steps=(1, 5)), "in 0..K=4, got [1, 5]"), (dict(steps=[-1, 2]), "in 0..K=4, got [-1, 2]"),
    (dict(steps=[1.5]), "steps must be a list of integers in 0..K=4"), (dict(steps="13"), "steps must be a list of integers"),
    (dict(steps=3), "steps must be a list of integers"),
    (dict(z=torch.zeros(0, 1, 28, 28)), "z must hold M >= 1 initial noises"), (dict(z=torch.zeros(3, 1, 28, 28, dtype=torch.int64)), "z must be a floating-point"),
    (dict(batch_size=0), "batch_size must be a positive integer, got 0"), (dict(batch_size=2.5), "batch_size must be a positive integer")])
def test_build_kb_refuses_bad_input(teacher, kw, why):
    kw = dict(z=torch.randn(3, 1, 28, 28), steps=(1, 3)) | kw
    calls = []
    model = copy.copy(teacher); model.forward = lambda z, t: calls.append(1) or teacher(z, t)
    with pytest.raises(ValueError) as e: build_kb(model, kw.pop("z"), linear_grid(teacher.schedule, 4), kw.pop("steps"), progress=False, **kw)
    assert why in one_line(e) and not calls                           # refused before any evaluation

# 4. sampler options

@pytest.mark.parametrize("name,given,why", [
    ("euler", {}, "unknown sampler 'euler'"),
    ("ddim", dict(eta=-0.1), "eta=-0.1 for sampler 'ddim' is out of range: expected 0 <= eta <= 1"),
    ("ddim", dict(eta=1.01), "eta=1.01 for sampler 'ddim' is out of range"), ("ddim", dict(eta="inf"), "eta=inf for sampler 'ddim' is out of range"),
    ("ddim", dict(eta=float("nan")), "eta=nan for sampler 'ddim' is out of range"), ("ddim", dict(eta="x"), "eta='x' for sampler 'ddim' is not a float"),
    ("dpm++", dict(order=3), "order=3 for sampler 'dpm++': expected one of 1, 2"), ("dpm++", dict(order=-1), "order=-1 for sampler 'dpm++': expected one of 1, 2"),
    ("dpm++", dict(order=1.5), "order=1.5 for sampler 'dpm++' is not an int"), ("dpm++", dict(order=True), "order=True for sampler 'dpm++' is not an int"),
    ("dpm++", dict(eta=0.5), "eta does not apply to sampler 'dpm++'"), ("heun", dict(order=2), "order does not apply to sampler 'heun'"),
    ("ddpm", dict(variance="learned"), "variance='learned' for sampler 'ddpm': expected one of fixed_small, fixed_large"),
    ("ggdm", {}, "sampler 'ggdm' needs params"), ("ggdm", dict(params="sampler.safetensors"), "params for sampler 'ggdm' must be a GGDM, got str"),
    ("redi", dict(kb=None, key_step=1, value_step=2), "sampler 'redi' needs kb"),
    ("redi", dict(kb=[], key_step=1, value_step=2), "kb for sampler 'redi' must be a KnowledgeBase, got list"),
    ("redi", dict(kb="KB", key_step=-1, value_step=2, H=0), "key_step=-1 for sampler 'redi' is out of range: expected key_step >= 0"),
    ("redi", dict(kb="KB", key_step=1, value_step=2, H=0), "H=0 for sampler 'redi' is out of range: expected H >= 1"),
    ("redi", dict(kb="KB", key_step=1, value_step=0), "value_step=0 for sampler 'redi' is out of range: expected value_step >= 1")])
def test_sampler_options_refuse_bad_values(small_kb, name, given, why):
    given = {k: small_kb if v == "KB" else v for k, v in given.items()}
    with pytest.raises(ValueError) as e: sampler_options(name, **given)
    assert why in one_line(e), str(e.value)

def test_sampler_options_accept_good_values(small_kb):
    assert sampler_options("ddim", eta="1") == {"eta": 1.0} and sampler_options("ddim", eta=0) == {"eta": 0.0}
    assert sampler_options("dpm++", order=2.0) == {"order": 2} and sampler_options("dpm++", order="1") == {"order": 1}
    assert sampler_options("redi", kb=small_kb, key_step=0, value_step=4, H=3) == dict(kb=small_kb, key_step=0, value_step=4, H=3)
    assert get_sampler("heun").grid == "karras"
    with pytest.raises(ValueError, match="eta must lie in \\[0, 1\\], got -0.5"): ddim(None, torch.zeros(1), [1.0, 0.0], eta=-0.5)

def test_redi_refuses_bad_arguments(teacher, small_kb):
    z, ts = torch.randn(2, 1, 28, 28), linear_grid(teacher.schedule, 4)
    for kw, why in [(dict(kb="kb.safetensors", key_step=1, value_step=3), "kb must be a KnowledgeBase"),
                    (dict(kb=small_kb, key_step=1.0, value_step=3), "key_step, value_step and H must be integers, got 1.0, 3, 1"),
                    (dict(kb=small_kb, key_step=3, value_step=1), "need 0 <= key_step < value_step <= K=4"),
                    (dict(kb=small_kb, key_step=1, value_step=3, H=9), "H must lie in 1..M=3")]:
        with pytest.raises(ValueError) as e: redi(teacher, z, ts, **kw)
        assert why in one_line(e), str(e.value)

@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_ggdm_called_directly_converts_on_entry(teacher, dtype):
    from fastddss.ggdm import GGDM, ggdm
    params, z = GGDM(linear_grid(teacher.schedule, 3)), torch.randn(2, 1, 28, 28, generator=torch.Generator().manual_seed(3)).to(dtype)
    noise = [torch.randn(2, 1, 28, 28, generator=torch.Generator().manual_seed(i)) for i in range(3)]
    with torch.no_grad(): x, same = ggdm(teacher, z, params=params, noise=noise), ggdm(teacher, z.float(), params=params, noise=noise)
    assert x.dtype == torch.float32 and torch.equal(x, same)

def test_ggf_ccdf_ld3_on_a_discrete_eps_model(tmp_path):
    "GGF, CCDF and LD3 run on a user's kind of model: DDPM's discrete T = 1000 schedule, ε-prediction (a tiny random UNet)."
    from fastddss.adaptive import ggf
    from fastddss.ccdf import ccdf
    from fastddss.ld3 import LD3Student, train_ld3
    from fastddss.models import UNet
    from fastddss.parameterization import DiffusionModel
    from fastddss.schedules import ddpm_schedule
    torch.manual_seed(0)
    m = DiffusionModel(UNet(1, 8, (1, 2)), ddpm_schedule(), "eps").eval()
    z = torch.randn(4, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        x, nfe = ggf(m, z, rtol=0.5, generator=torch.Generator().manual_seed(1), return_nfe=True)
        assert torch.isfinite(x).all() and (nfe >= 3).all()
        x = ccdf(m, z, linear_grid(m.schedule, 4), start=m, t0=0.5, eta=1.0, generator=torch.Generator().manual_seed(1))
        assert torch.isfinite(x).all()
        target = ddim(m, z, linear_grid(m.schedule, 50))
    st = LD3Student("ddim", linear_grid(m.schedule, 3), 2, (1, 8, 8), 0.01)
    ck = train_ld3(m, st, z[:2], target[:2], z[2:], target[2:], tmp_path / "run", iters=4, batch_size=2, progress=False,
                   limit=1e6)    # an untrained network's samples leave [-4, 4]: only the time convention is under test
    ts = st.times().detach()
    assert ts[0] == 1000 and ts[-1] == 0 and (ts.diff() < 0).all()
    assert ck["validation"]["best_distance"] <= ck["validation"]["history"][0][1]
