"""Time outside the network: for DDIM, DPM-Solver++(2M) and a learned GGDM sampler at K = 10, the fraction of sampling time
not spent in the model's forward calls (the sampler's own arithmetic: coefficients, combinations of states, noise).

The model is wrapped so that each forward call is timed (with torch.cuda.synchronize before and after on a GPU); the total is
the wall time of the whole sampler call. The GGDM sampler is the shipped K = 10 one when present (results/ddss), else an
untrained GGDM+PRED+TIME of the same size (the same arithmetic). Each sampler runs `--warmup` times untimed, then `--repeats`
timed runs; the printed ratios come from this one run.

    python benchmarks/sampler_overhead.py [--device cpu] [--batch-size 256] [--steps 10] [--repeats 5]
"""
import argparse, time
from pathlib import Path
import torch
from torch import nn

class TimedModel(nn.Module):
    "The model, with the wall time of its forward calls summed in `.seconds`."
    def __init__(self, model, sync):
        super().__init__()
        self.model, self.sync, self.seconds = model, sync, 0.0
        self.schedule, self.prediction = model.schedule, model.prediction
        for k in ("clip_x", "config"):
            if hasattr(model, k): setattr(self, k, getattr(model, k))
    def forward(self, z, t):
        self.sync(); t0 = time.perf_counter()
        out = self.model(z, t)
        self.sync(); self.seconds += time.perf_counter() - t0
        return out

def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cpu")
    p.add_argument("--batch-size", type=int, default=256)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--warmup", type=int, default=2)
    a = p.parse_args()
    from fastddss.models import load_teacher
    from fastddss.samplers import SAMPLERS
    from fastddss.schedules import GRIDS
    from fastddss.ggdm import GGDM, load_sampler
    dev = torch.device(a.device)
    sync = (lambda: torch.cuda.synchronize(dev)) if dev.type == "cuda" else (lambda: None)
    teacher = load_teacher(device=a.device)
    timed = TimedModel(teacher, sync)
    shipped = Path(__file__).resolve().parents[1] / "results" / "ddss" / f"ggdm_pred_time_k{a.steps}.safetensors"
    params = load_sampler(shipped, teacher) if shipped.exists() else GGDM(GRIDS["linear"](teacher.schedule, a.steps), "ggdm+pred+time")
    runs = [("DDIM linear", "ddim", GRIDS["linear"](teacher.schedule, a.steps), {}),
            ("DPM-Solver++(2M) linear", "dpm++", GRIDS["linear"](teacher.schedule, a.steps), {}),
            ("GGDM+PRED+TIME (learned)" if shipped.exists() else "GGDM+PRED+TIME (untrained)", "ggdm", None, dict(params=params.to(dev)))]
    gen = torch.Generator().manual_seed(0)
    z = torch.randn(a.batch_size, 1, 28, 28, generator=gen).to(dev)
    torch_threads = torch.get_num_threads()
    print(f"device {a.device} ({torch.cuda.get_device_name(dev) if dev.type == 'cuda' else f'{torch_threads} CPU threads'}), "
          f"batch {a.batch_size}, K = {a.steps}, {a.repeats} timed runs each (after {a.warmup} untimed)")
    print(f"{'sampler':28s} {'total s/run':>12s} {'network s/run':>14s} {'outside the network':>20s}")
    with torch.no_grad():
        for label, name, ts, hyper in runs:
            for _ in range(a.warmup): SAMPLERS[name](timed, z, ts, generator=torch.Generator(dev).manual_seed(1), **hyper)
            timed.seconds = 0.0
            sync(); t0 = time.perf_counter()
            for _ in range(a.repeats): SAMPLERS[name](timed, z, ts, generator=torch.Generator(dev).manual_seed(1), **hyper)
            sync(); total = (time.perf_counter() - t0) / a.repeats
            net = timed.seconds / a.repeats
            print(f"{label:28s} {total:12.4f} {net:14.4f} {100 * (1 - net / total):19.1f}%")

if __name__ == "__main__":
    main()
