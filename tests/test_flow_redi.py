"Rectified flow and ReDi on the shipped teacher, through the evaluation registry: names resolve, NFE is what the method says."
import pytest, torch
from fastddss.schedules import GRIDS
from fastddss.models import CountingModel
from fastddss.samplers import SAMPLERS
from fastddss.schedules import flow_grid, flow_time
from fastddss.flow import velocity
from fastddss.redi import KnowledgeBase, build_kb, redi
from fastddss.sampling import ddim
from fastddss.schedules import ddpm_schedule, linear_grid
from fastddss.models import load_teacher

@pytest.fixture(scope="module")
def teacher(): return load_teacher()

def test_euler_on_the_teacher_flow_is_ddim(teacher):
    "Euler in flow coordinates y = z/(α+σ) with u = ε̂ - x̂, written out, equals DDIM on flow_grid (float64 algebra)."
    z = torch.randn(3, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    ts = flow_grid(teacher.schedule, 3)
    ss, (a, s) = flow_time(teacher.schedule, ts), teacher.schedule(ts)
    y = z.double() / (a[0] + s[0])
    with torch.no_grad():
        for i in range(3): y = y + (ss[i + 1] - ss[i]) * velocity(teacher, (y * (a[i] + s[i])).float(), ts[i]).double()
        assert torch.allclose(y.float(), ddim(teacher, z, ts), atol=1e-5)
    assert GRIDS["flow"] is flow_grid

def test_flow_grid_on_a_discrete_schedule():
    "α_T > 0: the grid starts at T (flow time s(T) < 1) and stays on integer times."
    sch = ddpm_schedule()
    ts = flow_grid(sch, 10)
    assert ts[0] == sch.T and ts[-1] == 0 and torch.equal(ts, ts.round()) and flow_time(sch, sch.T) < 1

def test_redi_through_the_registry(teacher):
    ts = linear_grid(teacher.schedule, 20)
    kb = build_kb(teacher, torch.randn(12, 1, 28, 28, generator=torch.Generator().manual_seed(1)), ts, steps=(4, 12), progress=False)
    counter = CountingModel(teacher)
    with torch.no_grad():
        x = SAMPLERS["redi"](counter, torch.randn(5, 1, 28, 28), ts, kb=kb, key_step=4, value_step=12, H=2)
    assert counter.calls == 4 + 20 - 12 and x.shape == (5, 1, 28, 28) and torch.isfinite(x).all()
    assert "M=12" in repr(kb)
    assert SAMPLERS["redi"].nfe(20, key_step=4, value_step=12) == counter.calls

def test_knowledge_base_is_a_weights_file(teacher, tmp_path):
    "KnowledgeBase.save writes through runs.save_weights: format fastddss.redi/1, info kept, no temporary file left."
    from fastddss.runs import weights_format
    ts = linear_grid(teacher.schedule, 4)
    kb = build_kb(teacher, torch.randn(3, 1, 28, 28, generator=torch.Generator().manual_seed(2)), ts, steps=(1, 3), progress=False)
    kb.info["seed"] = 2
    kb.save(tmp_path / "kb.safetensors")
    assert weights_format(tmp_path / "kb.safetensors") == "fastddss.redi/1" and [p.name for p in tmp_path.iterdir()] == ["kb.safetensors"]
    back = KnowledgeBase.load(tmp_path / "kb.safetensors")
    assert back.info["seed"] == 2 and sorted(back.states) == [1, 3] and torch.equal(back.states[3], kb.states[3])

def test_corrupt_knowledge_base(tmp_path):
    f = tmp_path / "kb.safetensors"; f.write_bytes(b"not a safetensors file")
    with pytest.raises(ValueError, match="corrupt, truncated"): KnowledgeBase.load(f)
    with pytest.raises(FileNotFoundError, match="build one with build_kb"): KnowledgeBase.load(tmp_path / "missing.safetensors")
    with pytest.raises(ValueError, match="same number of trajectories"): KnowledgeBase({1: torch.zeros(3, 2), 2: torch.zeros(4, 2)}, [1.0, 0.0])
