"A diffusers scheduler's timesteps, read by `models.diffusers_grid`, make our samplers walk exactly diffusers' own sampling loop."
import pytest, torch
from diffusers import DDIMScheduler, DDPMScheduler, DPMSolverMultistepScheduler, UNet2DModel
from fastddss.models import diffusers_grid, from_diffusers
from fastddss.sampling import ddim, ddpm
from fastddss.solvers import dpm_solver_pp

def _unet():
    torch.manual_seed(1)
    return UNet2DModel(sample_size=8, in_channels=1, out_channels=1, layers_per_block=1, block_out_channels=(8, 16),
                       down_block_types=("DownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "UpBlock2D"),
                       norm_num_groups=4).double().eval()

def _double(scheduler):
    "The scheduler's coefficient tables in float64 (diffusers keeps them in float32), so the comparison is exact to rounding."
    for k, v in vars(scheduler).items():
        if torch.is_tensor(v) and v.is_floating_point(): setattr(scheduler, k, v.double())
    return scheduler

def _diffusers_loop(unet, scheduler, z, K, noise=None):
    "diffusers' own loop: set_timesteps(K), then scheduler.step along its timesteps (float64)."
    scheduler.set_timesteps(K); _double(scheduler)
    for i, n in enumerate(scheduler.timesteps):
        with torch.no_grad(): out = unet(z, n).sample
        z = scheduler.step(out, n, z, **({} if noise is None else {"generator": noise})).prev_sample
    return z

BETAS = dict(num_train_timesteps=1000, beta_schedule="linear", beta_start=1e-4, beta_end=0.02, clip_sample=False)

@pytest.mark.parametrize("spacing, offset, alpha_to_one, K", [
    ("trailing", 0, False, 8),      # K divides T
    ("leading", 1, False, 6),       # K does not divide T: leading still steps by floor(T/K)
    ("leading", 0, True, 9),
    ("trailing", 0, True, 20)])     # K divides T
def test_ddim_parity(spacing, offset, alpha_to_one, K):
    unet = _unet()
    s = DDIMScheduler(**BETAS, timestep_spacing=spacing, steps_offset=offset, set_alpha_to_one=alpha_to_one)
    z = torch.randn(2, 1, 8, 8, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    want = _diffusers_loop(unet, s, z, K)
    s.set_timesteps(K); _double(s)
    got = ddim(from_diffusers(unet, s), z, diffusers_grid(s))
    torch.testing.assert_close(got, want, rtol=0, atol=1e-9)

@pytest.mark.parametrize("spacing, K", [("leading", 7), ("trailing", 6), ("linspace", 9)])
def test_ddpm_parity(spacing, K):
    unet = _unet()
    s = DDPMScheduler(**BETAS, timestep_spacing=spacing, variance_type="fixed_small")
    z = torch.randn(2, 1, 8, 8, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    want = _diffusers_loop(unet, s, z, K, torch.Generator().manual_seed(1))   # diffusers draws each step's noise from the generator
    g = torch.Generator().manual_seed(1)                                      # the same draws, in the same order; none at the last step
    noise = torch.stack([torch.randn(2, 1, 8, 8, generator=g, dtype=torch.float64) for _ in range(K - 1)] + [torch.zeros(2, 1, 8, 8, dtype=torch.float64)])
    s.set_timesteps(K); _double(s)
    got = ddpm(from_diffusers(unet, s), z, diffusers_grid(s), noise=noise)
    torch.testing.assert_close(got, want, rtol=0, atol=1e-9)

@pytest.mark.parametrize("spacing, K", [("linspace", 6), ("trailing", 7)])
def test_dpm_solver_pp_parity(spacing, K):
    unet = _unet()
    s = DPMSolverMultistepScheduler(**{k: v for k, v in BETAS.items() if k != "clip_sample"}, algorithm_type="dpmsolver++",
                                    solver_order=2, timestep_spacing=spacing, lower_order_final=False, final_sigmas_type="zero")
    z = torch.randn(2, 1, 8, 8, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    want = _diffusers_loop(unet, s, z, K)
    s.set_timesteps(K); _double(s)
    got = dpm_solver_pp(from_diffusers(unet, s), z, diffusers_grid(s), order=2)
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)   # diffusers computes its sigmas in float32 (numpy) in set_timesteps
    assert (dpm_solver_pp(from_diffusers(unet, s), z, diffusers_grid(s), order=1) - want).abs().max() > 1e-3   # the test can fail

@pytest.mark.parametrize("K", [6, 9])
def test_edm_dpm_solver_pp_parity(K):
    "EDM's DPM-Solver++(2M) loop (noise x init_noise_sigma, scale_model_input, step) = ours on the rescaled model, from ε."
    from diffusers import EDMDPMSolverMultistepScheduler
    unet = _unet()
    s = EDMDPMSolverMultistepScheduler(sigma_max=80.0, lower_order_final=False)
    eps = torch.randn(2, 1, 8, 8, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    s.set_timesteps(K)
    want = eps * s.init_noise_sigma
    _double(s)
    for n in s.timesteps:
        with torch.no_grad(): want = s.step(unet(s.scale_model_input(want, n), n).sample, n, want).prev_sample
    s.set_timesteps(K); _double(s)
    model = from_diffusers(unet, s)
    got = dpm_solver_pp(model, eps, diffusers_grid(s), order=2)
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)   # diffusers computes the Karras sigmas in float32
    assert (dpm_solver_pp(model, eps, diffusers_grid(s), order=1) - want).abs().max() > 1e-3   # the test can fail
