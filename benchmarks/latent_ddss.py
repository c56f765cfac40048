"""What the decoder costs DDSS on a latent model: peak memory and time of one DDSS iteration on the shipped latent_mnist
(a flow-matching DiT on 4x7x7 latents, guided at w = 3), with the KID loss on the decoded 28x28 images (the gradient
through the autoencoder's decoder) against the same loss on the latents themselves (no decoder), with rematerialization.

Each configuration runs in a fresh process (its own peak), as benchmarks/ddss_remat.py does: the peak resident set above
what the process held once the models were loaded (glibc's mmap threshold at 16 KB, so freed tensors leave the resident
set), or torch.cuda.max_memory_allocated on a GPU. Ratios are printed from this one run.

    python benchmarks/latent_ddss.py [--batch-size 32] [--iters 2] [--Ks 4,8] [--device cpu]
"""
import argparse, json, os, resource, subprocess, sys, time

def child(K, decoded, batch_size, iters, device):
    import torch
    from fastddss.conditioning import Bound, Guided, class_conditions
    from fastddss.ddss import ddss_loss
    from fastddss.ggdm import GGDM
    from fastddss.metrics import load_classifier
    from fastddss.models import ASSETS, decode, load_model
    from fastddss.schedules import linear_grid
    model = load_model(ASSETS / "latent_mnist", device)
    net = load_classifier("loss").to(device)
    guided = Bound(Guided(model, 3.0), class_conditions(10).draw(0, torch.arange(batch_size)))
    feats = (lambda x: net.features(decode(model, x))) if decoded else (lambda x: x.flatten(1))
    g = torch.Generator().manual_seed(0)
    with torch.no_grad(): real = feats(torch.randn(128, 4, 7, 7, generator=g).to(device))   # stand-ins: the value does not matter
    def iteration():
        params = GGDM(linear_grid(model.schedule, K), "ggdm+pred+time").to(device)
        z, noise = torch.randn(batch_size, 4, 7, 7, generator=g), torch.randn(K, batch_size, 4, 7, 7, generator=g)
        ddss_loss(guided, params, z.to(device), noise.to(device), feats, real, remat=True).backward()
        if device != "cpu": torch.cuda.synchronize()
    if device == "cpu": base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    else: torch.cuda.reset_peak_memory_stats(); base = torch.cuda.memory_allocated()
    iteration()                                    # warm-up (counted for memory, not for time)
    t0 = time.perf_counter()
    for _ in range(iters): iteration()
    sec = (time.perf_counter() - t0) / iters
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 if device == "cpu" else torch.cuda.max_memory_allocated()) - base
    print(json.dumps(dict(K=K, decoded=decoded, seconds=sec, peak_mb=peak / 2**20)))

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--iters", type=int, default=2)
    p.add_argument("--device", default="cpu")
    p.add_argument("--Ks", default="4,8")
    p.add_argument("--child", nargs=2, default=None)
    a = p.parse_args()
    if a.child:
        child(int(a.child[0]), a.child[1] == "1", a.batch_size, a.iters, a.device)
        sys.exit()
    res = {}
    for K in map(int, a.Ks.split(",")):
        for decoded in (False, True):
            out = subprocess.run([sys.executable, __file__, "--child", str(K), str(int(decoded)), "--batch-size", str(a.batch_size),
                                  "--iters", str(a.iters), "--device", a.device], capture_output=True, text=True, check=True,
                                 env={**os.environ, "MALLOC_MMAP_THRESHOLD_": "16384"}).stdout
            r = json.loads(out.strip().splitlines()[-1])
            res[K, decoded] = r
            print(f"K={K:3d} loss on {'decoded images' if decoded else 'latents       '}: {r['seconds']:6.2f} s/iteration, "
                  f"peak {r['peak_mb']:7.1f} MB", flush=True)
    print(f"\nbatch {a.batch_size}, guided (w = 3), device {a.device}; ratios measured in this run:")
    for K in sorted({k for k, _ in res}):
        d, l = res[K, True], res[K, False]
        print(f"K={K:3d}: time decoded/latent {d['seconds'] / l['seconds']:.2f}, memory decoded/latent "
              + (f"{d['peak_mb'] / l['peak_mb']:.2f}" if l["peak_mb"] > 0 else "n/a"))
