"""What one update of each learner costs on a CIFAR-10-size model, and what a whole `fastddss fit` would cost there.

The model is `google/ddpm-cifar10-32`'s UNet2DModel config with random weights (35.7M parameters, 3x32x32; the time
and memory of a network call do not depend on its weights), wrapped like the hub model (`from_diffusers`, DDPM's linear
betas). Each configuration runs in a fresh process, so its peak memory is its own:
- one DDSS iteration: GGDM+PRED+TIME, batch --batch-size, rematerialized, KID on Inception-v3 pool3 features (random
  weights, no download: the FID network's architecture and cost) against 64 stand-in images;
- one LD3 update: DPM-Solver++ times, 2 pairs (the paper's batch), L2 to stand-in teacher samples;
- one progressive-distillation update: batch --batch-size, the teacher's two DDIM steps and the student's backward.
Seconds are the mean of --iters timed updates after a warm-up; memory is the peak resident set above what the process
held once the model was built (CPU), or torch.cuda.max_memory_allocated (GPU). The last lines extrapolate a default fit
(`fastddss.fit.RECIPES`: 80 DDSS iterations of 64, 300 LD3 updates, 3 x 500 scored samples per candidate) from these.

    python benchmarks/scale.py [--device cpu] [--Ks 5,10,20] [--batch-size 4] [--iters 1]
"""
import argparse, json, os, resource, subprocess, sys, time

CIFAR10_UNET = dict(sample_size=32, in_channels=3, out_channels=3, layers_per_block=2,
                    block_out_channels=(128, 256, 256, 256),
                    down_block_types=("DownBlock2D", "AttnDownBlock2D", "DownBlock2D", "DownBlock2D"),
                    up_block_types=("UpBlock2D", "UpBlock2D", "AttnUpBlock2D", "UpBlock2D"), dropout=0.1, norm_eps=1e-6,
                    norm_num_groups=32, flip_sin_to_cos=False, freq_shift=1, downsample_padding=0)

def model_of(device):
    "The CIFAR-10 UNet with random weights, as the hub model would be wrapped."
    import torch
    from diffusers import DDPMScheduler, UNet2DModel
    from fastddss.models import from_diffusers
    torch.manual_seed(0)
    unet = UNet2DModel(**CIFAR10_UNET).to(device).eval().requires_grad_(False)
    return from_diffusers(unet, DDPMScheduler(num_train_timesteps=1000)), sum(p.numel() for p in unet.parameters())

def peak(device):
    import torch
    if device == "cpu": return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return torch.cuda.max_memory_allocated()

def child(method, K, batch_size, iters, device):
    import torch
    from fastddss.ggdm import GGDM
    from fastddss.schedules import linear_grid
    model, params_n = model_of(device)
    g, shape = torch.Generator().manual_seed(0), (3, 32, 32)
    if method == "ddss":
        from fastddss.ddss import ddss_loss
        from fastddss.metrics import inception_features
        net = inception_features(pretrained=False).to(device).eval().requires_grad_(False)
        with torch.no_grad():                       # in pieces: the peak below is the update's, not this one's
            real = torch.cat([net.features(torch.rand(4, *shape, generator=g).to(device) * 2 - 1) for _ in range(16)])
        def update():
            params = GGDM(linear_grid(model.schedule, K), "ggdm+pred+time").to(device)
            z = torch.randn(batch_size, *shape, generator=g).to(device)
            noise = torch.randn(K, batch_size, *shape, generator=g).to(device)
            ddss_loss(model, params, z, noise, net.features, real, remat=True).backward()
    elif method == "ld3":
        from fastddss.ld3 import LD3Student
        student = LD3Student("dpm++", linear_grid(model.schedule, K), 2, shape, 0.0).to(device)
        def update():
            z, target = torch.randn(2, *shape, generator=g).to(device), torch.rand(2, *shape, generator=g).to(device)
            (student(model, z, torch.arange(2)) - target).pow(2).mean().backward()
    else:
        import copy
        from fastddss.distill import pd_loss
        student = copy.deepcopy(model).requires_grad_(True)
        def update():
            x = torch.rand(batch_size, *shape, generator=g).to(device) * 2 - 1
            i = torch.randint(1, K + 1, (batch_size,), generator=g)
            pd_loss(student, model, x, i, torch.randn(batch_size, *shape, generator=g).to(device), K).backward()
    if device != "cpu": torch.cuda.reset_peak_memory_stats()
    base = peak(device) if device == "cpu" else torch.cuda.memory_allocated()
    update()                                        # warm-up: counted for memory, not for time
    sync = (lambda: torch.cuda.synchronize()) if device != "cpu" else (lambda: None)
    sync()
    t0 = time.perf_counter()
    for _ in range(iters): update()
    sync()
    sec = (time.perf_counter() - t0) / iters
    with torch.no_grad():                           # one network call of one sample, for the extrapolation
        z, t = torch.randn(8, *shape).to(device), torch.full((8,), 0.5, dtype=torch.float64, device=device)
        model(z, t); sync(); t1 = time.perf_counter(); model(z, t); sync()
        call = (time.perf_counter() - t1) / 8
    mb = (peak(device) - base) / 2**20
    print(json.dumps(dict(method=method, K=K, seconds=sec, peak_mb=mb, params=params_n, call=call)))

def extrapolate(res, K, batch_size):
    "Minutes of a default fit at K from the measured updates (linear in the batch) and network calls."
    from fastddss.fit import RECIPES, free_candidates
    from fastddss.samplers import SAMPLERS
    call = min(r["call"] for r in res.values())      # the quietest timing: other jobs only ever slow it
    score = 3 * 500 * call * sum(SAMPLERS[c.sampler].nfe(c.steps) for c in free_candidates(K))
    ddss = 80 * res[("ddss", K)]["seconds"] * 64 / batch_size + 9 * 500 * K * call + 3 * 500 * K * call
    ld3 = 300 * res[("ld3", K)]["seconds"] + 31 * 100 * K * call + 3 * 500 * K * call
    kinds = [s["kind"] for s in RECIPES.values()]
    total = score + 200 * 30 * call + kinds.count("ddss") * ddss + kinds.count("ld3") * ld3
    return score / 60, ddss / 60, ld3 / 60, total / 60

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--device", default="cpu")
    p.add_argument("--Ks", default="5,10,20")
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--iters", type=int, default=1)
    p.add_argument("--child", nargs=2, default=None)
    a = p.parse_args()
    if a.child:
        child(a.child[0], int(a.child[1]), a.batch_size, a.iters, a.device)
        sys.exit()
    res = {}
    for K in map(int, a.Ks.split(",")):
        for method in ("ddss", "ld3", "distill"):
            cmd = [sys.executable, __file__, "--child", method, str(K), "--batch-size", str(a.batch_size),
                   "--iters", str(a.iters), "--device", a.device]
            env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "16384"}              # freed buffers go back to the OS
            out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
            r = res[method, K] = json.loads(out.strip().splitlines()[-1])
            what = {"ddss": f"DDSS iteration (batch {a.batch_size})", "ld3": "LD3 update (2 pairs)",
                    "distill": f"distillation update (batch {a.batch_size})"}[method]
            print(f"K={K:3d} {what:32s}: {r['seconds']:8.2f} s, peak {r['peak_mb']:8.0f} MB", flush=True)
    print(f"\n{res['ddss', K]['params'] / 1e6:.1f}M parameters; one network call of one sample: "
          f"{1e3 * min(r['call'] for r in res.values()):.1f} ms on {a.device}")
    for K in map(int, a.Ks.split(",")):
        score, ddss, ld3, total = extrapolate(res, K, a.batch_size)
        print(f"K={K:3d}: a default fit would take about {total:,.0f} min on {a.device} "
              f"(scoring the solvers {score:,.0f}, "
              f"each DDSS recipe {ddss:,.0f}, each LD3 recipe {ld3:,.0f})")
