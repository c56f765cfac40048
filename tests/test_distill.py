"The shipped progressive-distillation students: they load without nbdev, know their step count, and sample in N evaluations."
import pytest, torch
from fastddss.models import load_student
from fastddss.distill import pd_target, ddim_x_step
from fastddss.models import CountingModel
from fastddss.sampling import ddim
from fastddss.schedules import linear_grid
from fastddss.models import ASSETS, load_teacher

@pytest.mark.parametrize("N", [4, 2, 1])
def test_shipped_student_samples_in_N_evaluations(N):
    student = load_student(ASSETS / f"pd_student_{N}.safetensors")
    assert student.N == N and student.prediction == "v" and not any(p.requires_grad for p in student.parameters())
    counter = CountingModel(student)
    x = ddim(counter, torch.randn(8, 1, 28, 28, generator=torch.Generator().manual_seed(0)), linear_grid(student.schedule, N))
    assert counter.calls == N
    assert torch.isfinite(x).all() and x.abs().max() < 3

def test_shipped_student_differs_from_the_teacher():
    "Distillation changed the weights: the 1-step student is not the teacher with another grid."
    student, teacher = load_student(ASSETS / "pd_student_1.safetensors"), load_teacher()
    z = torch.randn(4, 1, 28, 28, generator=torch.Generator().manual_seed(1))
    assert not torch.allclose(student(z, torch.ones(4)), teacher(z, torch.ones(4)), atol=1e-3)

def test_target_identity_on_the_shipped_teacher():
    "One student step on the target lands on two teacher steps, on the real network (float32 predictions, float64 algebra)."
    teacher = load_teacher()
    z = torch.randn(5, 1, 28, 28, generator=torch.Generator().manual_seed(2))
    N, i = 8, torch.tensor([8, 6, 4, 2, 1])
    with torch.no_grad():
        x_tilde = pd_target(teacher, z, i, N)
        two = torch.stack([ddim(teacher, zk[None], [k / N, (k - 0.5) / N, (k - 1) / N])[0] for zk, k in zip(z, i.tolist())])
    one = ddim_x_step(z.double(), x_tilde, i / N, (i - 1) / N, teacher.schedule)
    assert torch.allclose(one.float(), two, atol=1e-4), (one.float() - two).abs().max()

def test_missing_or_foreign_student_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no student at"): load_student(tmp_path / "nope.safetensors")
    with pytest.raises(ValueError, match="holds fastddss.teacher/1, not fastddss.student/1"): load_student(ASSETS / "teacher_mnist.safetensors")

def _tiny_teacher(seed):
    from fastddss.models import UNet
    from fastddss.parameterization import DiffusionModel
    from fastddss.schedules import CosineSchedule
    torch.manual_seed(seed)
    m = DiffusionModel(UNet(ch=8, mults=(1, 2)), CosineSchedule(), prediction="v").eval().requires_grad_(False)
    for p in m.parameters(): torch.nn.init.normal_(p, std=0.05)
    return m

def test_resuming_with_another_teacher_is_refused(tmp_path):
    "The teacher's fingerprint is one of a run's settings: a finished round's student and an unfinished round's checkpoint both refuse another teacher, naming it."
    from fastddss.distill import distill
    from fastddss.models import fingerprint
    images = torch.rand(8, 1, 8, 8, generator=torch.Generator().manual_seed(0)) * 2 - 1
    teacher, other = _tiny_teacher(0), _tiny_teacher(1)
    kw = dict(from_steps=4, to_steps=1, steps_per_round=2, batch_size=4, ckpt_every=1, progress=False)
    recs = distill(teacher, images, tmp_path / "finished", **kw)
    assert [r["teacher"] for r in recs][0] == fingerprint(teacher)
    with pytest.raises(ValueError, match=f"other settings \\(teacher: '{fingerprint(teacher)}' there, '{fingerprint(other)}' here\\)"):
        distill(other, images, tmp_path / "finished", **kw)             # round N=2's student file
    distill(teacher, images, tmp_path / "cut", stop_after=1, **kw)     # round N=2 stopped after 1 update: its checkpoint
    assert not (tmp_path / "cut" / "student_0002.safetensors").exists()
    with pytest.raises(ValueError, match=f"other settings \\(teacher: '{fingerprint(teacher)}' there, '{fingerprint(other)}' here\\)"):
        distill(other, images, tmp_path / "cut", **kw)
    assert len(distill(teacher, images, tmp_path / "cut", **kw)) == 2  # the same teacher continues it
