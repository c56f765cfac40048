"Bad inputs get errors that name the problem and the fix (the README's hardening table lists these)."
from pathlib import Path
import pytest, torch
from fastddss.distill import distill_round
from fastddss.evaluation import Reference, evaluate
from fastddss.flow import train_flow
from fastddss.parameterization import DiffusionModel
from fastddss.schedules import CosineSchedule, linear_grid
from fastddss.runs import load_checkpoint
from fastddss.models import ASSETS, UNet, load_teacher
from fastddss.teacher import train_teacher

class Features(torch.nn.Module):
    "The identity as a feature network (DDSS's KID on the raw 2-D samples)."
    def features(self, x): return x

def tiny(): return DiffusionModel(UNet(ch=8, mults=(1, 2)), CosineSchedule(), prediction="v")

@pytest.fixture
def corrupt(tmp_path):
    "A run folder whose checkpoint was cut in half (a copy interrupted, a full disk)."
    torch.save({"x": torch.zeros(10_000)}, tmp_path / "good.pt")
    b = (tmp_path / "good.pt").read_bytes()
    (tmp_path / "checkpoint.pt").write_bytes(b[: len(b) // 2])
    return tmp_path

def test_corrupt_checkpoint_message(corrupt):
    with pytest.raises(ValueError, match="corrupt, truncated or not a fastddss checkpoint; delete it"): load_checkpoint(corrupt / "checkpoint.pt")

def test_resuming_from_a_corrupt_checkpoint(corrupt):
    x = torch.zeros(8, 1, 28, 28)
    with pytest.raises(ValueError, match="unreadable"): train_teacher(x, corrupt, steps=2, batch_size=4, progress=False)
    with pytest.raises(ValueError, match="unreadable"): distill_round(tiny(), tiny(), x, corrupt, 2, steps=2, progress=False)
    with pytest.raises(ValueError, match="unreadable"): train_flow(tiny(), x, x, corrupt, steps=2, progress=False)
    from fastddss.ddss import train_ddss
    from fastddss.ggdm import GGDM
    from fastddss.parameterization import GaussianMixtureModel
    gmm = GaussianMixtureModel(torch.tensor([[1.0, -1.0]]), 0.2)
    with pytest.raises(ValueError, match="unreadable"):
        train_ddss(gmm, GGDM(linear_grid(gmm.schedule, 2)), torch.randn(8, 2), corrupt, iters=1, batch_size=4, real_batch=8,
                   feature_net=Features(), progress=False)

class Payload:
    "A pickle that, when unpickled with code allowed, creates a file: what a planted checkpoint could do."
    def __init__(self, marker): self.marker = marker
    def __reduce__(self): return (Path.touch, (self.marker,))

def test_a_planted_checkpoint_runs_no_code(tmp_path):
    "A checkpoint.pt carrying a pickled call is refused by every resume, and the call never runs."
    marker = tmp_path / "code_ran"
    run = tmp_path / "run"; run.mkdir()
    torch.save({"step": 1, "payload": Payload(marker)}, run / "checkpoint.pt")
    x = torch.zeros(8, 1, 28, 28)
    for resume in [lambda: train_teacher(x, run, steps=2, batch_size=4, progress=False),
                   lambda: distill_round(tiny(), tiny(), x, run, 2, steps=2, progress=False),
                   lambda: train_flow(tiny(), x, x, run, steps=2, progress=False)]:
        with pytest.raises(ValueError, match="not a fastddss checkpoint"): resume()
    assert not marker.exists()
    torch.load(run / "checkpoint.pt", weights_only=False)   # the payload is real: unpickled with code allowed, it runs
    assert marker.exists()

def test_missing_or_corrupt_weights(tmp_path):
    with pytest.raises(FileNotFoundError, match="no teacher weights"): load_teacher(tmp_path / "none.safetensors")
    (tmp_path / "bad.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(ValueError, match="not a readable safetensors file"): load_teacher(tmp_path / "bad.safetensors")
    with pytest.raises(ValueError, match="holds fastddss.student/1, not fastddss.teacher/1"): load_teacher(ASSETS / "pd_student_1.safetensors")

def test_wrong_image_size():
    teacher = load_teacher()
    for shape in [(2, 1, 30, 30), (2, 3, 28, 28), (1, 28, 28)]:
        with pytest.raises(ValueError, match="this UNet takes images of shape"): teacher(torch.zeros(shape), torch.ones(shape[0]))

def test_unknown_sampler_and_too_many_steps():
    teacher = load_teacher()
    ref = Reference.mnist("eval")
    with pytest.raises(ValueError, match="unknown sampler 'plms'"): evaluate(teacher, "plms", 5, ref, n=4, progress=False)
    from fastddss.schedules import ddpm_schedule
    with pytest.raises(ValueError, match="too many"): linear_grid(ddpm_schedule(T=10), 20)
