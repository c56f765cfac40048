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

def test_grid_must_suit_the_schedule():
    "A continuous grid given to a discrete-time model is caught, not silently rescaled."
    m = GaussianMixtureModel(torch.zeros(1, 2), 1.0, schedule=ddpm_schedule())
    out = ddim(m, torch.randn(4, 2), linear_grid(m.schedule, 5))
    assert out.shape == (4, 2)
    with pytest.raises(ValueError, match="strictly decreasing"):
        ddim(m, torch.randn(4, 2), torch.linspace(0, 1, 6))

def test_trajectory_and_callback(model):
    z, ts, seen = torch.randn(4, 2), linear_grid(CosineSchedule(), 3), []
    out, states = ddpm(model, z, ts, trajectory=True, generator=torch.Generator().manual_seed(0), callback=lambda d: seen.append(d["z"]))
    assert states.shape == (4, 4, 2) and torch.equal(states[0], z) and torch.equal(states[-1], out)
    assert all(torch.equal(a, b) for a, b in zip(seen, states[1:]))
