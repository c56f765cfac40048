"`dpm_solver` (the paper's DPM-Solver-fast) against k-diffusion's `DPMSolver.dpm_solver_fast`."
import importlib.util, sys, types
import pytest, torch
from fastddss.models import load_teacher
from fastddss.parameterization import GaussianMixtureModel, denoise
from fastddss.solvers import dpm_solver

def _kdiffusion_sampling():
    "k-diffusion's sampling module alone: its package `__init__` imports the training stack (wandb, kornia, clip)."
    if "k_diffusion" not in sys.modules:
        spec = importlib.util.find_spec("k_diffusion")
        if spec is None:
            raise ImportError("k-diffusion is not installed: `make test` installs it without its training extras")
        pkg = types.ModuleType("k_diffusion")
        pkg.__path__ = list(spec.submodule_search_locations)
        sys.modules["k_diffusion"] = pkg
    import k_diffusion.sampling
    return k_diffusion.sampling

class Denoiser(torch.nn.Module):
    "Our model as a k-diffusion denoiser: x = z/α at σ̄ = σ/α in, x̂ out."
    def __init__(self, model):
        super().__init__()
        self.model = model
    def forward(self, x, sigma_bar):
        t = self.model.schedule.t_of_logsnr(-2 * sigma_bar[0].log())
        alpha, _ = self.model.schedule(t)
        return denoise(self.model, x * alpha, t)[0]

def _kd_plan(nfe, t_start, t_end):
    "k-diffusion's fast plan: its orders and the λ/2 of each evaluation (a step's start, then r = 1/3, 2/3 or 1/2 in)."
    m = nfe // 3 + 1
    orders = [3] * (m - 2) + [2, 1] if nfe % 3 == 0 else [3] * (m - 1) + [nfe % 3]
    ells = torch.linspace(t_start, t_end, m + 1, dtype=torch.float64)
    pts = [ells[i] + j / o * (ells[i + 1] - ells[i]) for i, o in enumerate(orders) for j in range(o)]
    return orders, torch.stack(pts + [ells[len(orders)]])

def _compare(model, z, nfe, solver_type):
    "The relative difference of ours and k-diffusion's DPM-Solver-fast in nfe evaluations from σ̄ = 80 to 0.002."
    K = _kdiffusion_sampling()
    sb_max, sb_min = torch.tensor(80.0, dtype=torch.float64), torch.tensor(0.002, dtype=torch.float64)
    orders, ells = _kd_plan(nfe, -sb_max.log().item(), -sb_min.log().item())   # ℓ = λ/2 = −log σ̄
    ts = torch.cat([model.schedule.t_of_logsnr(2 * ells), torch.zeros(1, dtype=torch.float64)])
    alpha, _ = model.schedule(ts)
    default = torch.get_default_dtype()
    try:                                                      # k-diffusion's grid is a `linspace` in the default dtype
        torch.set_default_dtype(torch.float64)
        with torch.no_grad():
            solver = K.DPMSolver(Denoiser(model))
            theirs = solver.dpm_solver_fast(z / alpha[0], solver.t(sb_max), solver.t(sb_min), nfe)
    finally: torch.set_default_dtype(default)
    with torch.no_grad():
        seen = []                                         # ours at σ̄_min: the state before its last step, to t = 0
        dpm_solver(model, z, ts, orders=orders + [1], solver_type=solver_type, callback=lambda d: seen.append(d["z"]))
    return ((seen[-2] / alpha[-2] - theirs).abs().max() / theirs.abs().max()).item()

@pytest.mark.parametrize("nfe", [3, 4, 5, 6, 8, 12])
def test_dpm_solver_fast_parity_exact(nfe):
    "On the exact denoiser of a Gaussian mixture, in float64: the same algorithm to rounding; diffusers' form differs."
    means = torch.tensor([[0.6, -0.6], [-0.6, 0.6], [0.8, 0.8]], dtype=torch.float64)
    gmm = GaussianMixtureModel(means, 0.08)
    z = torch.randn(64, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    assert _compare(gmm, z, nfe, "paper") < 1e-10
    if nfe >= 5: assert _compare(gmm, z, nfe, "midpoint") > 1e-3   # a third-order step: the test can fail

@pytest.mark.parametrize("nfe", [4, 6, 9])
def test_dpm_solver_fast_parity_teacher(nfe):
    "On the shipped teacher in float64: the paper's form to rounding, diffusers' form far off."
    teacher = load_teacher().double()
    z = torch.randn(4, 1, 28, 28, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    paper, midpoint = _compare(teacher, z, nfe, "paper"), _compare(teacher, z, nfe, "midpoint")
    print(f"NFE {nfe}: relative difference, paper {paper:.1e}, diffusers' midpoint {midpoint:.1e}")
    assert paper < 1e-9 and midpoint > 0.05
