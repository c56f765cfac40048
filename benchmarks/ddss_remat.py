"""Peak memory and time of one DDSS iteration, with and without gradient rematerialization, for K = 5, 10, 20, 40.

Each (K, remat) configuration runs in a fresh process (so peak memory is its own): it loads the shipped teacher,
runs one warm-up iteration and then `--iters` timed DDSS iterations (GGDM+PRED+TIME, batch `--batch-size`,
loss classifier KID against 128 stand-in images). Memory is the process's peak resident set above what it held once
the teacher and classifier were loaded (CPU), or torch.cuda.max_memory_allocated above that (GPU). On CPU, glibc's
mmap threshold is fixed at 16 KB so that every freed tensor returns to the OS and the peak resident set follows the
live tensors: with the default 128 KB threshold, the per-step states of batch 32 (100 KB each) land in the heap, whose
fragmentation alone made the remat run's resident set grow 1.85x from K=5 to K=40 in one trial. Ratios are printed from this one run.

    python benchmarks/ddss_remat.py [--batch-size 32] [--iters 2] [--device cpu]
"""
import argparse, json, os, resource, subprocess, sys, time

def child(K, remat, batch_size, iters, device):
    import torch
    from fastddss.ddss import ddss_loss
    from fastddss.ggdm import GGDM
    from fastddss.metrics import load_classifier
    from fastddss.schedules import linear_grid
    from fastddss.models import load_teacher
    model, net = load_teacher(device=device), load_classifier("loss").to(device)
    g = torch.Generator().manual_seed(0)
    with torch.no_grad(): real = net.features(torch.rand(128, 1, 28, 28, generator=g).to(device) * 2 - 1)  # stand-ins: the loss's value does not matter here
    def iteration(k):
        params = GGDM(linear_grid(model.schedule, k), "ggdm+pred+time").to(device)
        z = torch.randn(batch_size, 1, 28, 28, generator=g).to(device)
        noise = torch.randn(k, batch_size, 1, 28, 28, generator=g).to(device)
        ddss_loss(model, params, z, noise, net.features, real, remat=remat).backward()
        if device != "cpu": torch.cuda.synchronize()
    if device == "cpu": base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    else: torch.cuda.reset_peak_memory_stats(); base = torch.cuda.memory_allocated()
    iteration(K)                                   # warm-up (counted for memory, not for time)
    t0 = time.perf_counter()
    for _ in range(iters): iteration(K)
    sec = (time.perf_counter() - t0) / iters
    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 if device == "cpu" else torch.cuda.max_memory_allocated()) - base
    print(json.dumps(dict(K=K, remat=remat, seconds=sec, peak_mb=peak / 2**20)))

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--iters", type=int, default=2)
    p.add_argument("--device", default="cpu")
    p.add_argument("--Ks", default="5,10,20,40")
    p.add_argument("--child", nargs=2, default=None)
    a = p.parse_args()
    if a.child:
        child(int(a.child[0]), a.child[1] == "1", a.batch_size, a.iters, a.device); sys.exit()
    res = {}
    for K in map(int, a.Ks.split(",")):
        for remat in (False, True):
            out = subprocess.run([sys.executable, __file__, "--child", str(K), str(int(remat)), "--batch-size", str(a.batch_size),
                                  "--iters", str(a.iters), "--device", a.device], capture_output=True, text=True, check=True,
                                 env={**os.environ, "MALLOC_MMAP_THRESHOLD_": "16384"}).stdout  # freed buffers go back to the OS
            r = json.loads(out.strip().splitlines()[-1]); res[K, remat] = r
            print(f"K={K:3d} remat={str(remat):5s}: {r['seconds']:7.2f} s/iteration, peak {r['peak_mb']:8.1f} MB", flush=True)
    Ks = sorted({k for k, _ in res}); k0, k1 = Ks[0], Ks[-1]
    ratio = lambda a, b: f"{a / b:.2f}" if b > 0 else "n/a (nothing measured: sizes too small)"
    print(f"\nbatch {a.batch_size}, device {a.device}; ratios measured in this run:")
    for K in Ks:
        print(f"K={K:3d}: memory remat/naive {ratio(res[K, True]['peak_mb'], res[K, False]['peak_mb'])}, "
              f"time remat/naive {ratio(res[K, True]['seconds'], res[K, False]['seconds'])}")
    print(f"memory K={k1} / K={k0}: naive {ratio(res[k1, False]['peak_mb'], res[k0, False]['peak_mb'])}, "
          f"remat {ratio(res[k1, True]['peak_mb'], res[k0, True]['peak_mb'])}  (goal for remat: <= 1.5)")
