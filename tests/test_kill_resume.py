"""Runs killed for real (SIGKILL in the middle of an update, no clean stop) and resumed end bit for bit where an
uninterrupted run ends: the teacher's training (nb 50), progressive distillation (nb 52) and reflow's pairs (nb 53);
the first two are `fastddss.runs.train_loop` underneath (nb 01).

Each run is a child process (this file run as a script) with one thread. The child blocks at a chosen call (an update,
a save) and says so; the parent then kills it, so the kill lands after a checkpoint and before the end every time.
The resumed child also makes the uninterrupted run, in another folder, under the same settings.
"""
import importlib, os, signal, subprocess, sys, threading
from pathlib import Path
import pytest, torch

ROOT = Path(__file__).resolve().parents[1]

# ---- the three runs, tiny ----------------------------------------------------------------------------------------
def _tiny():
    from fastddss.parameterization import DiffusionModel
    from fastddss.schedules import CosineSchedule
    from fastddss.models import UNet
    torch.manual_seed(0)
    m = DiffusionModel(UNet(ch=8, mults=(1, 2)), CosineSchedule(), prediction="v").eval().requires_grad_(False)
    for p in m.parameters(): torch.nn.init.normal_(p, std=0.05)   # outputs not ~0
    return m

def _images(): return torch.rand(16, 1, 8, 8, generator=torch.Generator().manual_seed(0)) * 2 - 1

def run_teacher(out):
    from fastddss.teacher import train_teacher
    train_teacher(_images(), out, steps=8, batch_size=4, net_config=dict(ch=8, mults=(1, 2)), ckpt_every=2, progress=False)

def run_distill(out):
    from fastddss.distill import distill
    distill(_tiny(), _images(), out, from_steps=4, to_steps=1, steps_per_round=4, batch_size=4, lr=1e-3, ckpt_every=2, progress=False)

def run_pairs(out):
    from fastddss.schedules import flow_grid
    from fastddss.flow import make_pairs
    from fastddss.sampling import ddim
    from fastddss.schedules import CosineSchedule
    make_pairs(_tiny(), 6, Path(out) / "pairs.pt", sampler=ddim, ts=flow_grid(CosineSchedule(), 2), shape=(1, 8, 8),
               batch_size=2, progress=False)

def _ck(path):
    from fastddss.runs import load_checkpoint
    assert Path(path).exists(), f"no checkpoint at {path} when the run was killed"
    return load_checkpoint(path)

def teacher_at_kill(out):
    "Killed in update 6 of 8: the checkpoint of step 4 is on disk."
    assert _ck(Path(out) / "checkpoint.pt")["step"] == 4

def distill_at_kill(out):
    "Killed in update 3 of round N=1: round N=2's student is on disk, round N=1's checkpoint is at update 2."
    assert (Path(out) / "student_0002.safetensors").exists() and not (Path(out) / "student_0001.safetensors").exists()
    assert _ck(Path(out) / "round_0001" / "checkpoint.pt")["step"] == 2

def pairs_at_kill(out):
    "Killed before saving batch 3 of 3: the file holds 4 of the 6 pairs."
    assert len(_ck(Path(out) / "pairs.pt")["x"]) == 4

def _files(out):
    "Everything the run left, as tensors and numbers (run times left out)."
    from safetensors.torch import load_file
    from fastddss.runs import load_checkpoint
    res = {}
    for f in sorted(Path(out).rglob("*")):
        if f.suffix == ".pt": res[str(f.relative_to(out))] = load_checkpoint(f)
        elif f.suffix == ".safetensors": res[str(f.relative_to(out))] = load_file(str(f))
    return res

# job: (run, the call the child blocks at (module, name, k-th call), state on disk at the kill, calls of it after resuming)
JOBS = {
    "teacher": (run_teacher, ("fastddss.teacher", "v_loss", 6), teacher_at_kill, 8 - 4),
    "distill": (run_distill, ("fastddss.distill", "pd_loss", 4 + 3), distill_at_kill, 4 - 2),
    "pairs": (run_pairs, ("fastddss.flow", "save_atomic", 3), pairs_at_kill, 1),
}

# ---- wrong implementations, for showing that the check fails on them ---------------------------------------------
# The trainers write their checkpoints through `fastddss.runs.train_loop`, which calls `fastddss.runs.save_atomic`.
def _drop_opt_state(mod):
    "Checkpoints without Adam's moments: a resumed run restarts them."
    import fastddss.runs as runs
    save = runs.save_atomic
    def wrong(obj, path):
        state = obj["state"]
        save({**obj, "state": {**state, "opt": {**state["opt"], "state": {}}}}, path)
    runs.save_atomic = wrong

def _checkpoint_only_at_the_end(mod):
    "The interval between checkpoints ignored: a checkpoint only when the run is done."
    import fastddss.runs as runs
    save = runs.save_atomic
    def wrong(obj, path):
        if obj["step"] == obj["config"]["steps"]: save(obj, path)
    runs.save_atomic = wrong

def _forget_partial_pairs(mod):
    "Resuming reads the pairs file but draws every pair again."
    load = mod.load_checkpoint
    mod.load_checkpoint = lambda path, **kw: {**load(path, **kw), "x": torch.empty(0, 1, 8, 8)}

WRONG = {"opt-not-saved": _drop_opt_state, "checkpoint-only-at-the-end": _checkpoint_only_at_the_end,
         "pairs-drawn-again": _forget_partial_pairs}

# ---- the child -----------------------------------------------------------------------------------------------------
def child(job, mode, out, ref, wrong):
    "mode 'kill': run in `out` and block at the job's call; 'resume': finish `out`, print the calls made, then run `ref` whole."
    torch.set_num_threads(1)
    run, (modname, name, k), _, _ = JOBS[job]
    mod, runs = importlib.import_module(modname), importlib.import_module("fastddss.runs")
    saved = dict(vars(mod)), dict(vars(runs))                        # the real code, put back for the uninterrupted run
    original = getattr(mod, name)
    calls = [0]
    def counted(*a, **kw):
        calls[0] += 1
        if mode == "kill" and calls[0] == k:
            print("blocked", flush=True); threading.Event().wait()   # until the parent's SIGKILL
        return original(*a, **kw)
    setattr(mod, name, counted)
    if wrong != "-": WRONG[wrong](mod)
    run(out)
    if mode == "kill": print("finished", flush=True); return        # the run ended before the kill: the parent fails
    print(f"calls {calls[0]}", flush=True)
    vars(mod).update(saved[0]); vars(runs).update(saved[1])
    run(ref)

def _spawn(job, mode, cut, ref, wrong):
    "Start a child; its stderr goes to a file (a full pipe would stall it), its stdout is read line by line."
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    err = open(Path(cut).parent / f"{mode}.err", "w+")
    p = subprocess.Popen([sys.executable, __file__, job, mode, cut, ref, wrong], stdout=subprocess.PIPE, stderr=err,
                         text=True, env=env, cwd=ROOT)
    timer = threading.Timer(300, p.kill); timer.start()             # a hung child fails the test instead of hanging it
    def finish():
        out = p.stdout.read(); p.wait(); timer.cancel(); err.seek(0)
        text = err.read()[-2000:]; err.close()
        return out, text
    return p, finish

def check_kill_resume(job, tmp, wrong="-"):
    "Kill a run with SIGKILL mid-run, resume it to the end, compare every file with an uninterrupted run's, bit for bit."
    _, _, at_kill, resume_calls = JOBS[job]
    cut, ref = Path(tmp) / "cut", Path(tmp) / "ref"
    p, finish = _spawn(job, "kill", cut, ref, wrong)
    lines = []
    for line in p.stdout:                                            # until it blocks, finishes or dies
        lines.append(line.strip())
        if lines[-1] in ("blocked", "finished"): break
    if lines[-1:] == ["blocked"]: p.send_signal(signal.SIGKILL)
    _, err = finish()
    assert lines[-1:] == ["blocked"], f"the run was not killed in the middle (it printed {lines}): {err}"
    assert p.returncode == -signal.SIGKILL, (p.returncode, err)
    at_kill(cut)
    p, finish = _spawn(job, "resume", cut, ref, wrong)
    out, err = finish()
    if p.returncode != 0: raise RuntimeError(f"the resumed run failed: {err}")
    assert f"calls {resume_calls}" in out.splitlines(), f"the resumed run did not continue from its checkpoint: {out}"
    assert not list(cut.rglob("*.tmp")), "half-written files left behind"
    got, want = _files(cut), _files(ref)
    assert sorted(got) == sorted(want), (sorted(got), sorted(want))
    _assert_same(got, want, job)

def _assert_same(a, b, where):
    if isinstance(a, dict):
        assert sorted(a) == sorted(b), (where, sorted(a), sorted(b))
        for k in a:
            if k != "seconds": _assert_same(a[k], b[k], f"{where}/{k}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (u, v) in enumerate(zip(a, b)): _assert_same(u, v, f"{where}[{i}]")
    elif isinstance(a, torch.Tensor): assert torch.equal(a, b), f"{where} differs"
    else: assert a == b, f"{where} differs: {a!r} here, {b!r} in the uninterrupted run"

# ---- the tests -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("job", sorted(JOBS))
def test_a_killed_run_resumes_bit_for_bit(job, tmp_path):
    check_kill_resume(job, tmp_path)

@pytest.mark.parametrize("job,wrong,why", [("teacher", "opt-not-saved", "differs"), ("teacher", "checkpoint-only-at-the-end", "no checkpoint"),
                                           ("distill", "opt-not-saved", "differs"), ("pairs", "pairs-drawn-again", "did not continue")])
def test_the_check_catches_a_wrong_resume(job, wrong, why, tmp_path):
    with pytest.raises(AssertionError, match=why): check_kill_resume(job, tmp_path, wrong)

if __name__ == "__main__":
    child(*sys.argv[1:])
