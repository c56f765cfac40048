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
    with pytest.raises(ValueError, match="not a fastddss student file"): load_student(ASSETS / "teacher_mnist.safetensors")
