"Library-level behaviour of the samplers that users rely on: dtype and device follow the inputs, seeds, noise handling."
import pytest, torch
from fastddss.parameterization import GaussianMixtureModel
from fastddss.sampling import ddim, ddpm
from fastddss.schedules import CosineSchedule, ddpm_schedule, linear_grid, quadratic_grid

@pytest.fixture
def model():
    return GaussianMixtureModel(torch.tensor([[1.0, -1.0], [-1.0, 1.0]]), 0.2)

@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("sampler", [ddim, ddpm])
def test_dtype_follows_input(model, sampler, dtype):
    z = torch.randn(8, 2, dtype=dtype)
    assert sampler(model, z, linear_grid(model.schedule, 4), generator=torch.Generator().manual_seed(0)).dtype == dtype

def test_same_seed_same_samples_different_seed_different(model):
    z, ts = torch.randn(16, 2), linear_grid(model.schedule, 10)
    a = ddpm(model, z, ts, generator=torch.Generator().manual_seed(3))
    b = ddpm(model, z, ts, generator=torch.Generator().manual_seed(3))
    c = ddpm(model, z, ts, generator=torch.Generator().manual_seed(4))
    assert torch.equal(a, b) and not torch.allclose(a, c)

def test_explicit_noise_is_the_noise_used(model):
    "Passing noise[i] explicitly is the same as drawing it from a generator in the same order."
    z, ts = torch.randn(16, 2), linear_grid(model.schedule, 5)
    g = torch.Generator().manual_seed(7)
    noise = [torch.randn(16, 2, generator=g) for _ in range(5)]
    assert torch.equal(ddim(model, z, ts, eta=0.7, noise=noise), ddim(model, z, ts, eta=0.7, generator=torch.Generator().manual_seed(7)))

def test_noise_of_wrong_shape_is_refused(model):
    with pytest.raises(ValueError, match=r"noise\[0\] has shape \(3, 2\)"):
        ddpm(model, torch.randn(4, 2), [1.0, 0.5, 0.0], noise=torch.randn(2, 3, 2))

def test_deterministic_ddim_ignores_the_generator(model):
    z, ts = torch.randn(8, 2), quadratic_grid(model.schedule, 6)
    assert torch.equal(ddim(model, z, ts, generator=torch.Generator().manual_seed(0)), ddim(model, z, ts))

def refuses_unit_mixup(sampler) -> bool:
    "Whether `sampler` on a discrete T = 1000 model refuses a grid made for t in [0, 1] (and runs the same grid scaled by T)."
    m = GaussianMixtureModel(torch.zeros(1, 2), 1.0, schedule=ddpm_schedule())
    unit, z = torch.linspace(1, 0, 6), torch.randn(4, 2)
    assert sampler(m, z, unit * m.schedule.T).shape == (4, 2)
    try: sampler(m, z, unit)
    except ValueError as e: return "training steps" in str(e)
    return False

def test_grid_must_suit_the_schedule(monkeypatch):
    "A [0, 1] grid given to a discrete-time model is caught, not run from t = 1 of 1000; a checker without the rule fails this test."
    assert refuses_unit_mixup(ddim) and refuses_unit_mixup(ddpm)
    import fastddss.sampling
    monkeypatch.setattr(fastddss.sampling, "check_grid", lambda ts, schedule: torch.as_tensor(ts, dtype=torch.float64))
    assert not refuses_unit_mixup(ddim)

class NaNFrom(torch.nn.Module):
    "Wrap a model so that its `n`-th evaluation and all later ones return NaN."
    def __init__(self, model, n):
        super().__init__()
        self.model, self.n, self.calls = model, n, 0
        self.schedule, self.prediction = model.schedule, model.prediction
    def forward(self, z, t):
        self.calls += 1
        out = self.model(z, t)
        return out * float("nan") if self.calls >= self.n else out

@pytest.mark.parametrize("name,step", [("ddim", 2), ("ddpm", 2), ("ggdm", 2), ("dpm++", 2), ("heun", 1)])
def test_nan_from_the_network_names_its_step(model, name, step):
    "Each sampler of the registry stops at the first non-finite network output and names the step (Heun: 2 evaluations a step)."
    from fastddss.samplers import SAMPLERS
    from fastddss.ggdm import GGDM
    from fastddss.schedules import karras_grid
    sched = model.schedule
    ts = karras_grid(sched, 5) if name == "heun" else linear_grid(sched, 5)
    kw = dict(params=GGDM(ts, "ggdm+pred+time"), ts=None) if name == "ggdm" else dict(ts=ts)
    with pytest.raises(ValueError, match=f"NaN or inf at step {step} "):
        SAMPLERS[name](NaNFrom(model, 3), torch.randn(4, 2), generator=torch.Generator().manual_seed(0), **kw)

def test_trajectory_and_callback(model):
    z, ts, seen = torch.randn(4, 2), linear_grid(CosineSchedule(), 3), []
    out, states = ddpm(model, z, ts, trajectory=True, generator=torch.Generator().manual_seed(0), callback=lambda d: seen.append(d["z"]))
    assert states.shape == (4, 4, 2) and torch.equal(states[0], z) and torch.equal(states[-1], out)
    assert all(torch.equal(a, b) for a, b in zip(seen, states[1:]))

@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_ggdm_dtype_follows_input_and_params_stay_float64(model, dtype):
    from fastddss.ggdm import GGDM, ggdm
    params = GGDM(linear_grid(model.schedule, 4), "ggdm+pred+time")
    x = ggdm(model, torch.randn(8, 2, dtype=dtype), params=params, generator=torch.Generator().manual_seed(0))
    assert x.dtype == dtype and all(p.dtype == torch.float64 for p in params.parameters())

def test_learned_ggdm_noise_is_seeded(model):
    "Once the noise angles are non-zero, the same generator seed gives the same samples and another seed others."
    from fastddss.ggdm import GGDM, ggdm
    params = GGDM(linear_grid(model.schedule, 4), "vars")
    with torch.no_grad(): params.theta.fill_(0.3)
    z = torch.randn(16, 2)
    run = lambda s: ggdm(model, z, params=params, generator=torch.Generator().manual_seed(s))
    assert torch.equal(run(1), run(1)) and not torch.allclose(run(1), run(2))

def test_shipped_sampler_loads_for_the_shipped_teacher():
    "The teacher's default K=5 sampler loads without a teacher-mismatch warning and runs in 5 NFE."
    import warnings
    from fastddss.models import CountingModel
    from fastddss.defaults import default_sampler
    from fastddss.ggdm import ggdm
    from fastddss.models import load_teacher
    teacher = load_teacher()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        params = default_sampler(teacher, 5)
    counter = CountingModel(teacher)
    with torch.no_grad(): x = ggdm(counter, torch.randn(2, 1, 28, 28), params=params, generator=torch.Generator().manual_seed(0))
    assert counter.calls == 5 and x.shape == (2, 1, 28, 28) and torch.isfinite(x).all()

def test_evaluate_runs_a_learned_sampler_on_its_own_times():
    "evaluate(grid=None) takes the learned sampler's times, records them, and refuses grid=None without a sampler."
    from fastddss.data import load_mnist
    from fastddss.evaluation import Reference, evaluate
    from fastddss.ggdm import GGDM
    from fastddss.models import load_teacher
    teacher, ref = load_teacher(), Reference(load_mnist("held_out")[0][:100], "100 held-out digits")
    params = GGDM(linear_grid(teacher.schedule, 3), "ggdm+pred+time")
    with torch.no_grad(): params.logits.add_(torch.tensor([0.3, 0.0, -0.3], dtype=torch.float64))
    rec, x = evaluate(teacher, "ggdm", 3, ref, grid=None, n=20, batch_size=10, progress=False, params=params)
    assert rec["grid"] == "learned" and rec["nfe"] == 3 and x.shape == (20, 1, 28, 28)
    assert rec["times"] == params.times().tolist() and rec["times"] != linear_grid(teacher.schedule, 3).tolist()
    with pytest.raises(ValueError, match="grid=None"): evaluate(teacher, "ddim", 3, ref, grid=None, n=4, progress=False)

def test_the_nan_check_catches_a_wrong_step_index(model, monkeypatch):
    "The check above fails on a sampler that names the step after the failing one: it can fail."
    import fastddss.sampling
    from fastddss.parameterization import denoise
    monkeypatch.setattr(fastddss.sampling, "denoise", lambda m, z, t, step=None: denoise(m, z, t, step=step + 1))
    with pytest.raises(ValueError, match="NaN or inf at step 3 "):   # what the wrong sampler says; the check wants step 2
        ddim(NaNFrom(model, 3), torch.randn(4, 2), linear_grid(model.schedule, 5))
    with pytest.raises(AssertionError, match="Regex pattern did not match"):
        test_nan_from_the_network_names_its_step(model, "ddim", 2)
