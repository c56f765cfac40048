"""The learned K=5 sampler of the second teacher, exported as a diffusers scheduler and run by diffusers' own DDPMPipeline
with the teacher's UNet: the same images as fastddss' `ggdm` on the same noise, to float32 rounding.

    python scripts/ddpm_mnist32_pipeline.py [SAMPLER, default runs/ddpm_mnist32_table/ddss_k5/sampler.safetensors]

Writes OUT (default results/ddpm_mnist32/pipeline.json) with the largest pixel difference, and saves the scheduler with
save_pretrained next to the sampler file (SAMPLER's folder/diffusers_scheduler).
"""
import argparse, sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import torch
from diffusers import DDPMPipeline, UNet2DModel
from fastddss.diffusers_scheduler import GGDMScheduler, to_diffusers_scheduler
from fastddss.ggdm import ggdm, load_sampler
from fastddss.models import load_model
from fastddss.runs import save_json

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("sampler", nargs="?", default="runs/ddpm_mnist32_table/ddss_k5/sampler.safetensors")
p.add_argument("--model", default="fastddss/assets/ddpm_mnist32")
p.add_argument("--out", default="results/ddpm_mnist32/pipeline.json")
p.add_argument("-n", type=int, default=16)
a = p.parse_args()
model = load_model(a.model)
params = load_sampler(a.sampler, model).eval()
sched = to_diffusers_scheduler(params, model)
folder = Path(a.sampler).parent / "diffusers_scheduler"
sched.save_pretrained(folder)
sched = GGDMScheduler.from_pretrained(folder)                       # what a user would load
unet = UNet2DModel.from_pretrained(Path(a.model) / "unet", low_cpu_mem_usage=False).eval()
pipe = DDPMPipeline(unet=unet, scheduler=sched); pipe.set_progress_bar_config(disable=True)
theirs = pipe(batch_size=a.n, generator=torch.Generator().manual_seed(0), num_inference_steps=params.K, output_type="np").images
g = torch.Generator().manual_seed(0)                                # the pipeline's draws: the initial noise, then one per noisy step
z = torch.randn(a.n, 1, 32, 32, generator=g)
co = params.coefficients(model.schedule)                            # no draw for a step that ends at data
noise = [torch.randn(a.n, 1, 32, 32, generator=g) if co.ts[i + 1] > 0 else torch.zeros(a.n, 1, 32, 32) for i in range(params.K)]
with torch.no_grad(): x = ggdm(model, z, params=params, noise=noise)
ours = (x / 2 + 0.5).clamp(0, 1).permute(0, 2, 3, 1).numpy()
err = float(abs(theirs - ours).max())
save_json(dict(sampler=a.sampler, model=a.model, K=params.K, n=a.n, max_abs_pixel_difference=err, scheduler=str(folder),
               how="python scripts/ddpm_mnist32_pipeline.py " + " ".join(sys.argv[1:])), a.out)
print(f"DDPMPipeline with the exported K={params.K} scheduler vs ggdm on {a.n} images: max pixel difference {err:.1e} (images in [0, 1])")
