"The command line under torchrun: two CPU processes (gloo) give what one process gives (notebook 00 checks the functions)."
import json, os, subprocess, sys
import torch
from fastddss.models import load_teacher

def _run(args, tmp, nproc):
    launcher = [sys.executable] if nproc == 1 else [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={nproc}"]
    p = subprocess.run(launcher + ["-m", "fastddss.cli", *args], capture_output=True, text=True, cwd=tmp,
                       env=dict(os.environ, OMP_NUM_THREADS="1"))
    assert p.returncode == 0, p.stderr[-3000:]
    return p.stdout

def test_eval_and_sample_under_torchrun(tmp_path):
    for nproc in (1, 2):
        out = _run(["eval", "--sampler", "ddpm", "--steps", "3", "-n", "40", "--out", f"e{nproc}.json", "--quiet"], tmp_path, nproc)
        assert out.count("FID (MNIST features)") == 1, out           # rank 0 alone prints
        _run(["sample", "--sampler", "ddpm", "--steps", "3", "-n", "9", "--out", f"s{nproc}.pt"], tmp_path, nproc)
        _run(["sample", "--steps", "2", "-n", "5", "--out", f"png{nproc}"], tmp_path, nproc)
    one, two = (json.loads((tmp_path / f"e{k}.json").read_text())["records"][0] for k in (1, 2))
    assert (one["ranks"], two["ranks"]) == (1, 2) and one["nfe"] == two["nfe"] == 3
    for k in ("fid", "kid_x1e3", "inception_score"): assert abs(one[k] - two[k]) <= 1e-4 * max(1, abs(one[k])), (k, one[k], two[k])
    torch.testing.assert_close(torch.load(tmp_path / "s2.pt"), torch.load(tmp_path / "s1.pt"), rtol=0, atol=1e-5)
    names = sorted(p.name for p in (tmp_path / "png2").iterdir())
    assert names == [f"{j:05d}.png" for j in range(5)] == sorted(p.name for p in (tmp_path / "png1").iterdir())

def test_train_teacher_under_torchrun_is_the_one_process_run(tmp_path):
    "DDP: 2 ranks with half the batch each train the teacher to the same weights as 1 process with the whole batch."
    def run(n, out):
        cmd = ["-m", "fastddss.cli", "train-teacher", "--steps", "3", "--batch-size", "8", "--out", str(out), "--quiet"]
        if n > 1: cmd = ["-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={n}"] + cmd
        p = subprocess.run([sys.executable] + cmd, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS="1"))
        assert p.returncode == 0, p.stderr[-2000:]
        return load_teacher(out / "teacher.safetensors")
    one, two = run(1, tmp_path / "one"), run(2, tmp_path / "two")
    test = [(a - b).abs().max().item() for a, b in zip(one.state_dict().values(), two.state_dict().values())]
    assert max(test) < 1e-5, max(test)
    assert two.meta["ranks"] == 2 and one.meta["ranks"] == 1
    assert max((a - b).abs().max().item() for a, b in zip(one.state_dict().values(), load_teacher().state_dict().values())) > 1e-3
