"The library's refusals of bad input (conditions, null labels, checkpoints, model and sampler files, the API)."
import json, os, pickle, subprocess, sys, warnings
import numpy as np
import pytest, torch
from safetensors.torch import save_file
from torch import nn
from fastddss.ccdf import compress_grid
from fastddss.conditioning import Guided, conditions_for, load_conditions, save_conditions
from fastddss.ggdm import load_sampler
from fastddss.models import ASSETS, STUDENT, TEACHER, TEACHER_FILE, load_model, load_student, load_teacher
from fastddss.runs import load_checkpoint, load_weights, save_weights, train_loop
from fastddss.sampling import ddim, ddpm
from fastddss.schedules import CosineSchedule, check_grid, linear_grid

OTHER_GGDM = ASSETS / "ggdm_pred_time_k5_ddpm_mnist32.safetensors"   # learned for the diffusers DDPM (T = 1000)

def one_line(f, exc=ValueError, match=None) -> str:
    "The message of `f()`'s exception: exactly `exc`, one line, no warning on the way, matching `match`."
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        with pytest.raises(exc, match=match) as info: f()
    assert type(info.value) is exc and "\n" not in str(info.value), repr(info.value)
    assert not [x for x in w if not issubclass(x.category, ResourceWarning)], [str(x.message) for x in w]
    return str(info.value)

class DiT(nn.Module):
    "What the latent DiT states: 10 classes, a 1001-row label table, its null label 1000 (no network needed to check)."
    condition_spec = {"class_labels": {"classes": 10, "table": 1001}}
    def __init__(self):
        super().__init__()
        self.schedule, self.prediction, self.null = CosineSchedule(), "v", {"class_labels": torch.tensor(1000)}

@pytest.fixture(scope="module")
def teacher(): return load_teacher()

def cli(cwd, *argv) -> str:
    "Run `fastddss ARGV` in a fresh process (warnings reach stderr): exit 2, one stderr line, nothing written."
    r = subprocess.run([sys.executable, "-m", "fastddss.cli", *argv], cwd=cwd, capture_output=True, text=True,
                       env={**os.environ, "OMP_NUM_THREADS": "1"}, timeout=300)
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and lines[0].startswith("fastddss: error: "), (r.returncode, r.stderr)
    assert not any(cwd.iterdir()), list(cwd.iterdir())
    return lines[0]

# 6. conditions files, checked as they are read, naming the file

ONE = {"class_labels": torch.tensor([1])}
BAD_CONDITIONS = {"2d": {"class_labels": torch.ones(3, 4, dtype=torch.long)},
                  "bool": {"class_labels": torch.tensor([True])},
                  "scalar": {"class_labels": torch.tensor(3)}, "float": {"class_labels": torch.tensor([1.5])},
                  "out_of_range": {"class_labels": torch.tensor([10])},
                  "null_big": {**ONE, "null.class_labels": torch.tensor(100000)},
                  "null_shape": {**ONE, "null.class_labels": torch.ones(5, 5, dtype=torch.long)}}

@pytest.mark.parametrize("name", BAD_CONDITIONS)
def test_a_malformed_conditions_file_is_refused_naming_it(tmp_path, name):
    f = tmp_path / f"{name}.safetensors"
    save_file(BAD_CONDITIONS[name], str(f))
    assert str(f) in one_line(lambda: conditions_for(DiT(), path=f))

def test_a_model_file_is_not_a_conditions_file():
    m = one_line(lambda: load_conditions(ASSETS / TEACHER_FILE, DiT()), match="not a conditions file")
    assert str(ASSETS / TEACHER_FILE) in m and "NoneType" not in m

def test_a_good_conditions_file_loads(tmp_path):
    save_conditions({"class_labels": torch.tensor([0, 9])}, tmp_path / "c.safetensors",
                    null={"class_labels": torch.tensor(1000)})
    c = conditions_for(DiT(), path=tmp_path / "c.safetensors")
    assert (c.rows, c.null["class_labels"].item()) == (2, 1000)

def test_conditions_for_an_unconditional_model_name_the_option(teacher):
    one_line(lambda: conditions_for(teacher, path="c.safetensors"),
             match=r"unconditional: it takes no conditions file .*--conditions")
    one_line(lambda: conditions_for(teacher, label=3), match="--class")

# 7. null labels against the embedding table

@pytest.mark.parametrize("label,match", [(100000, r"outside this model's label table \[0, 1001\)"), (-1, "outside"),
                                         (99, r"neither a class in \[0, 10\) nor this model's null label 1000")])
def test_a_null_label_must_be_a_class_or_the_model_null(label, match):
    one_line(lambda: Guided(DiT(), 2.0, null={"class_labels": torch.tensor(label)}), match=match)

def test_a_null_label_may_be_a_class_or_the_model_null():
    assert Guided(DiT(), 2.0, null={"class_labels": torch.tensor(3)}).null["class_labels"].item() == 3
    assert Guided(DiT(), 2.0).null["class_labels"].item() == 1000

def test_a_null_label_must_be_one_whole_number():
    one_line(lambda: Guided(DiT(), 2.0, null={"class_labels": torch.tensor([1, 2])}), match="one whole-number label")
    one_line(lambda: Guided(DiT(), 2.0, null={"class_labels": torch.tensor(1.0)}), match="one whole-number label")

def test_the_diffusers_dit_states_its_label_table():
    from diffusers import DiTTransformer2DModel
    from fastddss.models import _conditions_of
    dit = DiTTransformer2DModel(num_attention_heads=1, attention_head_dim=4, in_channels=1, num_layers=1, sample_size=4,
                                patch_size=2, num_embeds_ada_norm=7, norm_num_groups=1)
    assert _conditions_of(dit, 3)[0] == {"class_labels": {"classes": 3, "table": 8}}

# 8 and 12. checkpoints: tampered states and steps refused naming the file; a foreign pickle gives no torch warning

def _run(d, steps=2):
    torch.manual_seed(0)
    model = nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    loss = lambda step, gen: model(torch.randn(4, 2, generator=gen)).pow(2).mean()
    return train_loop(loss, model, opt, d, dict(steps=steps), steps, seed=0, progress=False)

TAMPERED = [(lambda c: c["state"]["model"].update(weight=torch.zeros(50, 50)), "model state does not fit"),
            (lambda c: c.update(step=10**12), r"its step is 1000000000000, expected .* \[0, 2\]"),
            (lambda c: c.update(step=-5), "its step is -5"), (lambda c: c.update(step="2"), "its step is '2'"),
            (lambda c: c["state"].pop("opt"), "opt state does not fit")]

@pytest.mark.parametrize("tamper,match", TAMPERED)
def test_a_tampered_checkpoint_is_refused_naming_it(tmp_path, tamper, match):
    _run(tmp_path)
    f = tmp_path / "checkpoint.pt"
    ck = load_checkpoint(f)
    tamper(ck)
    torch.save(ck, f)
    m = one_line(lambda: _run(tmp_path), match=match)
    assert f"checkpoint {f} is not this run's or is damaged" in m

def test_a_planted_pickle_checkpoint_gives_one_error_and_no_warning(tmp_path):
    f = tmp_path / "checkpoint.pt"
    f.write_bytes(pickle.dumps({"step": 1}, protocol=4))
    one_line(lambda: load_checkpoint(f), match="not a fastddss checkpoint")

# 5 and 12. model files: a student's step count, a teacher's zero-channel config

def _student(tmp_path, N):
    tensors, meta = load_weights(ASSETS / "pd_student_4.safetensors", STUDENT)
    f = tmp_path / f"n{N}.safetensors"
    save_weights(tensors, f, STUDENT, **{**{k: v for k, v in meta.items() if k != "format"}, "N": N})
    return f

@pytest.mark.parametrize("N", ["1000000000000", "-1", "2.5", "ten"])
def test_a_student_step_count_outside_the_limit_is_refused(tmp_path, N):
    f = _student(tmp_path, N)
    assert str(f) in one_line(lambda: load_student(f), match="expected a fastddss student file")

def test_a_student_step_count_within_the_limit_loads(tmp_path):
    assert load_student(_student(tmp_path, "4")).N == 4

@pytest.mark.parametrize("net", [dict(in_ch=0), dict(ch=0), dict(mults=[]), dict(ch=10**6)])
def test_a_teacher_with_a_degenerate_net_is_refused_without_a_warning(tmp_path, net):
    tensors, meta = load_weights(ASSETS / TEACHER_FILE, TEACHER)
    config = json.loads(meta["config"])
    config["net"].update(net)
    save_weights(tensors, tmp_path / "t.safetensors", TEACHER, config=config, step=1)
    one_line(lambda: load_teacher(tmp_path / "t.safetensors"), match="is damaged.*net config")

# 12. a GGDM sampler learned for another model

def test_a_sampler_of_another_model_is_refused_naming_it(teacher):
    m = one_line(lambda: load_sampler(OTHER_GGDM, teacher), match="was learned for another model")
    assert str(OTHER_GGDM) in m and "use it with the model it was learned for" in m

def test_the_cli_refuses_a_sampler_of_another_model_in_one_line(tmp_path):
    line = cli(tmp_path, "sample", "--ggdm", str(OTHER_GGDM), "-n", "2", "--out", "o.pt")
    assert "was learned for another model" in line
    assert not (tmp_path / "o.pt").exists()

# 12. --t0 0: the same words as other values

@pytest.mark.parametrize("t0", [0, 0.0, -1, 2, "0.5", True])
def test_t0_outside_the_range_says_the_range(t0):
    one_line(lambda: compress_grid(CosineSchedule(), [1.0, 0.0], t0), match=r"expected 0 < t0 <= 1")

# 12. the Python API: bad arguments are ValueErrors that say what was expected

@pytest.mark.parametrize("model", [None, "str", 5])
def test_samplers_refuse_what_is_not_a_model(model):
    z = torch.randn(2, 1, 4, 4)
    for sampler in (ddim, ddpm):
        one_line(lambda: sampler(model, z, [1.0, 0.0]), match="expected a model of the protocol")

NOT_TIMES = ["linear", ["a", "b"], torch.tensor([1 + 1j, 0j]), np.array([1 + 1j, 0j]), [[1.0, 0.5], [0.0]]]

@pytest.mark.parametrize("ts", NOT_TIMES)
def test_a_grid_that_is_not_real_times_is_refused(teacher, ts):
    one_line(lambda: ddim(teacher, torch.randn(1, 1, 28, 28), ts), match="a time grid must be a 1-D list or tensor")
    one_line(lambda: check_grid(ts, teacher.schedule), match="linear_grid")

def test_a_grid_needs_a_schedule():
    one_line(lambda: check_grid([1.0, 0.0], None), match="checked against a schedule")

@pytest.mark.parametrize("eta", ["0.5", torch.tensor([0.1, 0.2]), None, float("nan"), 1.5, True])
def test_eta_must_be_one_number_in_0_1(teacher, eta):
    ts = linear_grid(teacher.schedule, 2)
    z = torch.randn(1, 1, 28, 28)
    one_line(lambda: ddim(teacher, z, ts, eta=eta), match=r"eta must (lie in|be one number in) \[0, 1\]")

def test_eta_may_be_a_0d_tensor(teacher):
    z = torch.randn(1, 1, 28, 28)
    assert ddim(teacher, z, linear_grid(teacher.schedule, 1), eta=torch.tensor(0.5)).shape == z.shape

@pytest.mark.parametrize("args,kw,match", [((5,), {}, "takes a path, a hub id or None"), (("",), {}, "is empty"),
                                           ((" ",), {}, "is empty"),
                                           ((None,), dict(device="banana"), "'banana' is not a torch device")])
def test_load_model_refuses_what_is_not_a_source_or_device(args, kw, match):
    one_line(lambda: load_model(*args, **kw), match=match)

def test_the_cli_refuses_a_model_file_as_conditions_in_one_line(tmp_path):
    "A teacher's weights as --conditions of the latent DiT: exit 2, one line naming the file (was a TypeError, exit 1)."
    line = cli(tmp_path, "sample", "--model", str(ASSETS / "latent_mnist"), "--steps", "2", "-n", "2", "--out", "o.pt",
               "--conditions", str(ASSETS / TEACHER_FILE))
    assert "not a conditions file" in line and str(ASSETS / TEACHER_FILE) in line
