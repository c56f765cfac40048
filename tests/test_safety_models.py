"Models, teachers, students and the trainers that make them: every bad file or argument is refused in one line that names it, before any work or write, and no file's code ever runs."
import json, math
from pathlib import Path
import pytest, torch
from safetensors.torch import save_file
from fastddss.distill import distill, distill_round
from fastddss.flow import make_pairs, train_flow
from fastddss.models import (ASSETS, STUDENT, TEACHER, TEACHER_FILE, UNet, fingerprint, load_model, load_student, load_teacher,
                             save_student)
from fastddss.parameterization import DiffusionModel
from fastddss.runs import load_checkpoint, load_weights, save_weights
from fastddss.sampling import ddim
from fastddss.schedules import CosineSchedule, flow_grid
from fastddss.teacher import check_run_args, export_teacher, train_teacher

TEACHER_WHAT, STUDENT_WHAT = "expected a fastddss teacher file", "expected a fastddss student file"
MODEL_WHAT = "expected a fastddss teacher or student file, a diffusers model or pipeline folder"

class Payload:
    "A pickle that, when unpickled with code allowed, creates a file: what a planted file could do."
    def __init__(self, marker): self.marker = marker
    def __reduce__(self): return (Path.touch, (self.marker,))

def tiny(seed=0):
    torch.manual_seed(seed)
    m = DiffusionModel(UNet(ch=8, mults=(1, 2)), CosineSchedule(), prediction="v").eval().requires_grad_(False)
    for p in m.parameters(): torch.nn.init.normal_(p, std=0.05)
    return m

def images(n=16): return torch.rand(n, 1, 8, 8, generator=torch.Generator().manual_seed(0)) * 2 - 1

def one_line(f, exc):
    "The message of `f()`'s exception, which must be exactly `exc` and one line."
    with pytest.raises(Exception) as info: f()
    e = info.value
    assert type(e) is exc, f"expected {exc.__name__}, got {type(e).__name__}: {e}"
    assert "\n" not in str(e), repr(str(e))
    return str(e)

@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    "Files that are not model files, each with what the loaders must say; the planted pickles would create `marker` if unpickled."
    d = tmp_path_factory.mktemp("bad")
    good = (ASSETS / TEACHER_FILE).read_bytes()
    (d / "empty.safetensors").write_bytes(b"")
    (d / "truncated.safetensors").write_bytes(good[: len(good) // 2])
    (d / "random.safetensors").write_bytes(torch.randint(0, 256, (4096,), generator=torch.Generator().manual_seed(0)).to(torch.uint8).numpy().tobytes())
    (d / "config.json").write_text(json.dumps({"net": {"ch": 16}}))
    for name in ("pickle.safetensors", "pickle.pt"): torch.save({"w": torch.zeros(2), "payload": Payload(d / "marker")}, d / name)
    save_file({"w": torch.zeros(2)}, str(d / "no_format.safetensors"))
    tensors = load_weights(ASSETS / TEACHER_FILE, TEACHER)[0]
    save_weights({k: v for k, v in list(tensors.items())[:-2]}, d / "teacher_missing_tensors.safetensors", TEACHER,
                 config=dict(net=dict(ch=16, mults=[1, 2, 4])), step=1)
    save_weights(tensors, d / "teacher_bad_json.safetensors", TEACHER, config="{net: 16", step=1)
    save_weights(tensors, d / "teacher_no_config.safetensors", TEACHER, step=1)
    save_weights(tensors, d / "teacher_bad_step.safetensors", TEACHER, config=dict(net={}), step="many")
    save_weights(tensors, d / "teacher_bad_net.safetensors", TEACHER, config=dict(net=dict(width=3)), step=1)
    return d

FOREIGN = ["empty.safetensors", "truncated.safetensors", "random.safetensors", "config.json", "pickle.safetensors", "pickle.pt",
           "no_format.safetensors"]
DAMAGED_TEACHERS = ["teacher_missing_tensors.safetensors", "teacher_bad_json.safetensors", "teacher_no_config.safetensors",
                    "teacher_bad_step.safetensors", "teacher_bad_net.safetensors"]

@pytest.mark.parametrize("name", FOREIGN + DAMAGED_TEACHERS + ["ggdm"])
def test_loaders_refuse_a_file_naming_it(bad_files, name):
    f = sorted(ASSETS.glob("ggdm_*.safetensors"))[0] if name == "ggdm" else bad_files / name
    for load, what in ((load_teacher, TEACHER_WHAT), (load_student, STUDENT_WHAT), (load_model, None)):
        m = one_line(lambda: load(f), ValueError)
        assert str(f) in m, m
        if what: assert what in m, m
        elif name in DAMAGED_TEACHERS: assert TEACHER_WHAT in m, m         # load_model dispatched to load_teacher: its words
        else: assert MODEL_WHAT in m, m
    assert not (bad_files / "marker").exists()                            # no pickle was ever unpickled

def test_the_planted_pickles_are_real(bad_files, tmp_path):
    "The payload used above does run when unpickled with code allowed, so its absence above means something."
    marker = tmp_path / "ran"
    torch.save(Payload(marker), tmp_path / "p.pt")
    torch.load(tmp_path / "p.pt", weights_only=False)
    assert marker.exists()

def test_damaged_student_files(tmp_path):
    s = tiny()
    good = save_student(s, tmp_path / "s.safetensors", 2)
    save_weights({"w": torch.zeros(2)}, tmp_path / "missing.safetensors", STUDENT, N="2", prediction="v", schedule="", net_config=s.net.config,
                 base="null", info={})
    save_weights(s.state_dict(), tmp_path / "no_meta.safetensors", STUDENT)
    save_weights(s.state_dict(), tmp_path / "bad_json.safetensors", STUDENT, N="2", prediction="v", schedule="", net_config="{ch",
                 base="null", info={})
    save_weights(s.state_dict(), tmp_path / "bad_prediction.safetensors", STUDENT, N="2", prediction="score", schedule="",
                 net_config=s.net.config, base="null", info={})
    save_weights(s.state_dict(), tmp_path / "bad_base.safetensors", STUDENT, N="2", prediction="v", schedule="", net_config=s.net.config,
                 base=json.dumps({"nothing": 1}), info={})
    for name in ("missing", "no_meta", "bad_json", "bad_prediction", "bad_base"):
        f = tmp_path / f"{name}.safetensors"
        for load in (load_student, load_model):
            m = one_line(lambda: load(f), ValueError)
            assert str(f) in m and STUDENT_WHAT in m, m
    m = one_line(lambda: load_student(good, like=load_teacher()), ValueError)   # weights of another architecture than like=
    assert str(good) in m and "holds a student of another model" in m, m
    assert load_student(good).N == 2                                         # the good file still loads

def test_missing_files_and_folders(tmp_path):
    f = tmp_path / "none.safetensors"
    assert str(f) in one_line(lambda: load_teacher(f), FileNotFoundError)
    assert str(f) in one_line(lambda: load_student(f), FileNotFoundError)
    m = one_line(lambda: load_model(f), FileNotFoundError); assert str(f) in m and MODEL_WHAT in m, m
    (tmp_path / "empty").mkdir()
    m = one_line(lambda: load_model(tmp_path / "empty"), FileNotFoundError)
    assert str(tmp_path / "empty") in m and "not a diffusers model" in m and MODEL_WHAT in m, m
    for load, what in ((load_teacher, TEACHER_WHAT), (load_student, STUDENT_WHAT)):
        m = one_line(lambda: load(tmp_path / "empty"), ValueError); assert "is a folder" in m and what in m, m

def _unet(**kw):
    from diffusers import UNet2DModel
    torch.manual_seed(0)
    return UNet2DModel(sample_size=8, in_channels=1, out_channels=1, layers_per_block=1, block_out_channels=(8, 16), norm_num_groups=4,
                       down_block_types=("DownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "UpBlock2D"), **kw)

def test_diffusers_folders_of_another_kind(tmp_path):
    from diffusers import AutoencoderKL, DDPMScheduler
    (tmp_path / "sched").mkdir(); DDPMScheduler().save_pretrained(tmp_path / "sched" / "scheduler")   # no model config at all
    m = one_line(lambda: load_model(tmp_path / "sched"), FileNotFoundError); assert "not a diffusers model" in m, m
    AutoencoderKL(block_out_channels=(8,), norm_num_groups=4, latent_channels=2, sample_size=8).save_pretrained(tmp_path / "vae")
    DDPMScheduler().save_pretrained(tmp_path / "vae")
    m = one_line(lambda: load_model(tmp_path / "vae"), ValueError)
    assert f"{tmp_path / 'vae'} holds a diffusers AutoencoderKL, not a denoiser fastddss samples" in m, m
    cfg = json.loads((tmp_path / "vae" / "config.json").read_text())
    (tmp_path / "vae" / "config.json").write_text(json.dumps(dict(cfg, _class_name="UNet2DModel")))   # a config that lies
    m = one_line(lambda: load_model(tmp_path / "vae"), ValueError)     # diffusers alone would fill the UNet in at random
    assert "weights do not fit its UNet2DModel config" in m and "missing keys" in m, m
    (tmp_path / "bad_json").mkdir(); (tmp_path / "bad_json" / "config.json").write_text("{not json")
    m = one_line(lambda: load_model(tmp_path / "bad_json"), ValueError); assert "holds no loadable diffusers denoiser" in m, m
    _unet().save_pretrained(tmp_path / "ok"); DDPMScheduler().save_pretrained(tmp_path / "ok")
    assert load_model(tmp_path / "ok").prediction == "eps"

def test_a_diffusers_folder_with_a_planted_pickle_runs_no_code(tmp_path):
    "A .bin weights file (read by diffusers with weights_only=True) carrying a pickled call is refused, and the call never runs."
    from diffusers import DDPMScheduler
    d, marker = tmp_path / "model", tmp_path / "code_ran"
    _unet().save_pretrained(d); DDPMScheduler().save_pretrained(d)
    (d / "diffusion_pytorch_model.safetensors").unlink()             # its weights replaced by a pickle
    torch.save({"conv_in.weight": torch.zeros(8, 1, 3, 3), "payload": Payload(marker)}, d / "diffusion_pytorch_model.bin")
    m = one_line(lambda: load_model(d), ValueError)
    assert str(d) in m, m
    assert not marker.exists()

def test_check_run_args():
    check_run_args(steps=1, batch_size=3, lr=1e-4, n=7)
    for bad in [dict(steps=0), dict(steps=-1), dict(batch_size=2.0), dict(n=True), dict(lr=0), dict(lr=-1.0), dict(lr=math.nan),
                dict(lr=math.inf), dict(lr=None)]:
        (name, value), = bad.items()
        m = one_line(lambda: check_run_args(**bad), ValueError)
        assert m.startswith(f"{name} must be") and repr(value) in m, m

BAD_TRAINING = [(dict(steps=0), "steps must be"), (dict(batch_size=0), "batch_size must be"), (dict(lr=0.0), "lr must be"),
                (dict(lr=math.nan), "lr must be"), (dict(lr=-1e-3), "lr must be"), (dict(ckpt_every=0), "ckpt_every must be")]

@pytest.mark.parametrize("bad,msg", BAD_TRAINING)
def test_train_teacher_refuses_before_any_file(tmp_path, bad, msg):
    kw = dict(steps=2, batch_size=4, net_config=dict(ch=8, mults=(1, 2)), progress=False)
    assert msg in one_line(lambda: train_teacher(images(), tmp_path / "run", **{**kw, **bad}), ValueError)
    assert not (tmp_path / "run").exists()

def test_export_teacher_refuses_to_replace(tmp_path, monkeypatch):
    ck = train_teacher(images(), tmp_path / "run", steps=2, batch_size=4, net_config=dict(ch=8, mults=(1, 2)), progress=False)
    f = export_teacher(ck, tmp_path / "t.safetensors", note="first")
    m = one_line(lambda: export_teacher(ck, f, note="second"), FileExistsError)
    assert str(f) in m and "overwrite=True" in m, m
    assert load_teacher(f).meta["note"] == "first"
    import safetensors.torch
    def dies(tensors, path, metadata=None):                          # a writer killed half-way through
        Path(path).write_bytes(b"half"); raise KeyboardInterrupt
    monkeypatch.setattr(safetensors.torch, "save_file", dies)
    with pytest.raises(KeyboardInterrupt): export_teacher(ck, f, overwrite=True, note="second")
    monkeypatch.undo()
    assert load_teacher(f).meta["note"] == "first"                    # atomic: the old file, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run", "t.safetensors"]   # no temporary file left
    export_teacher(ck, f, overwrite=True, note="second")
    assert load_teacher(f).meta["note"] == "second"
    m = one_line(lambda: export_teacher({"state": {"model": {}}}, tmp_path / "u.safetensors"), ValueError)
    assert "no EMA weights" in m and not (tmp_path / "u.safetensors").exists()

@pytest.mark.parametrize("bad,msg", BAD_TRAINING[1:] + [(dict(steps_per_round=0), "steps_per_round must be"),
                                                         (dict(from_steps=0), "from_steps must be"), (dict(to_steps=3), "power of 2")])
def test_distill_refuses_before_any_file(tmp_path, bad, msg):
    kw = dict(from_steps=4, to_steps=1, steps_per_round=2, batch_size=4, ckpt_every=1, progress=False)
    assert msg in one_line(lambda: distill(tiny(), images(), tmp_path / "pd", **{**kw, **bad}), ValueError)
    assert not (tmp_path / "pd").exists()
    if set(bad) <= {"batch_size", "lr", "ckpt_every"}:                  # one round refuses the same, before its checkpoint
        assert msg in one_line(lambda: distill_round(tiny(), tiny(), images(), tmp_path / "r", 2, **{"steps": 2, "batch_size": 4, **bad}), ValueError)
        assert not (tmp_path / "r").exists()

def test_distill_round_refuses_before_any_file(tmp_path):
    for bad, msg in [(dict(steps=0), "steps must be"), (dict(steps=2, N=0), "N must be"), (dict(steps=2, weighting="snr"), "unknown weighting")]:
        kw = {"N": 2, **bad}
        assert msg in one_line(lambda: distill_round(tiny(), tiny(), images(), tmp_path / "r", **kw), ValueError)
    assert "no images" in one_line(lambda: distill_round(tiny(), tiny(), images()[:0], tmp_path / "r", 2, steps=2), ValueError)
    assert not (tmp_path / "r").exists()

def test_distill_with_another_teacher_names_both_fingerprints(tmp_path):
    "Every round's settings hold its teacher's fingerprint: a run folder of another teacher is refused wherever it stopped."
    teacher, other = tiny(0), tiny(1)
    kw = dict(from_steps=4, to_steps=1, steps_per_round=2, batch_size=4, ckpt_every=1, progress=False)
    both = f"teacher: '{fingerprint(teacher)}' there, '{fingerprint(other)}' here"
    distill(teacher, images(), tmp_path / "done", **kw)
    distill(teacher, images(), tmp_path / "first", stop_after=1, **kw)       # round N=2 unfinished
    for run in ("done", "first"):
        assert both in one_line(lambda: distill(other, images(), tmp_path / run, **kw), ValueError)
    assert [r["N"] for r in distill(teacher, images(), tmp_path / "first", **kw)] == [2, 1]
    m = one_line(lambda: distill(teacher, images(), tmp_path / "done", **{**kw, "lr": 1e-3}), ValueError)   # defaults are settings too
    assert "lr: 0.0002 there, 0.001 here" in m, m
    m = one_line(lambda: distill(teacher, images(12), tmp_path / "done", **kw), ValueError)
    assert "n_train: 16 there, 12 here" in m, m

def test_make_pairs_and_train_flow_refuse_before_any_file(tmp_path):
    kw = dict(sampler=ddim, ts=flow_grid(CosineSchedule(), 2), shape=(1, 8, 8), progress=False)
    for bad, msg in [(dict(n=0), "n must be"), (dict(n=-2), "n must be"), (dict(n=4, batch_size=0), "batch_size must be")]:
        assert msg in one_line(lambda: make_pairs(tiny(), path=tmp_path / "p.pt", **{**kw, **bad}), ValueError)
    x = images(8)
    for bad, msg in BAD_TRAINING:
        assert msg in one_line(lambda: train_flow(tiny(), x, x, tmp_path / "flow", **{**dict(steps=2, batch_size=4, progress=False), **bad}),
                               ValueError)
    assert "no pairs" in one_line(lambda: train_flow(tiny(), x[:0], x[:0], tmp_path / "flow", steps=2, progress=False), ValueError)
    assert list(tmp_path.iterdir()) == []

def test_a_truncated_or_planted_pairs_file_is_refused(tmp_path):
    kw = dict(sampler=ddim, ts=flow_grid(CosineSchedule(), 2), shape=(1, 8, 8), batch_size=2, progress=False)
    _, x = make_pairs(tiny(), 4, tmp_path / "pairs.pt", **kw)
    b = (tmp_path / "pairs.pt").read_bytes()
    (tmp_path / "cut.pt").write_bytes(b[: len(b) // 2])
    assert str(tmp_path / "cut.pt") in one_line(lambda: make_pairs(tiny(), 4, tmp_path / "cut.pt", **kw), ValueError)
    marker = tmp_path / "code_ran"
    torch.save(dict(load_checkpoint(tmp_path / "pairs.pt"), payload=Payload(marker)), tmp_path / "planted.pt")
    m = one_line(lambda: make_pairs(tiny(), 4, tmp_path / "planted.pt", **kw), ValueError)
    assert str(tmp_path / "planted.pt") in m and "not a fastddss checkpoint" in m, m
    assert not marker.exists()
    torch.save({"config": [1], "x": x}, tmp_path / "other.pt")         # plain data, but not a pairs file
    assert "not a pairs file" in one_line(lambda: make_pairs(tiny(), 4, tmp_path / "other.pt", **kw), ValueError)

def _snapshot(d: Path) -> dict:
    "Every file under `d` (or `d` itself) and its bytes: what a refusal must leave as it was."
    return {str(p): p.read_bytes() for p in ([d] if d.is_file() else sorted(d.rglob("*"))) if p.is_file()}

def _int_files(tmp_path, kind, dtype, which):
    "A teacher or student file whose tensors (all, or only `conv_in.weight`) are of an integer or bool `dtype`."
    s = tiny()
    prefix, w = ("", s.net.state_dict()) if kind == "teacher" else ("net.", s.state_dict())
    w = {k: (v * 100).to(dtype) if which == "all" or k == f"{prefix}conv_in.weight" else v for k, v in w.items()}
    f, name = tmp_path / f"{kind}_{which}.safetensors", f"{prefix}conv_in.weight"
    if kind == "teacher": return save_weights(w, f, TEACHER, config=dict(net=s.net.config), step=1), name
    meta = dict(N="2", prediction="v", schedule="", net_config=s.net.config, base="null", info={})
    return save_weights(w, f, STUDENT, **meta), name

INT_WEIGHTS = [("teacher", torch.int8, "all"), ("teacher", torch.bool, "one"), ("student", torch.int8, "all"),
               ("student", torch.uint8, "one"), ("student", torch.int64, "one"), ("student", torch.bool, "all")]

@pytest.mark.parametrize("kind,dtype,which", INT_WEIGHTS)
def test_integer_weights_are_refused(tmp_path, kind, dtype, which):
    "Integer or bool tensors where the model's weights are floating point would be cast to noise: one line naming them."
    f, name = _int_files(tmp_path, kind, dtype, which)
    before = _snapshot(tmp_path)
    for load in ((load_teacher if kind == "teacher" else load_student), load_model):
        m = one_line(lambda: load(f), ValueError)
        assert str(f) in m and f" ({str(dtype)[6:]})" in m and "expected floating point weights" in m, m
        if which == "one": assert f"holds 1 weight tensor(s) that are not floating point: {name} (" in m, m
        else: assert " more; expected" in m, m                     # all of them: three named, and how many more
    assert _snapshot(tmp_path) == before

def test_half_precision_weights_still_load(tmp_path):
    s = tiny()
    f = save_weights({k: v.half() for k, v in s.state_dict().items()}, tmp_path / "half.safetensors", STUDENT, N="2",
                     prediction="v", schedule="", net_config=s.net.config, base="null", info={})
    assert next(load_student(f).parameters()).dtype == torch.float32

HUB = "attacker-example/tracker"

@pytest.fixture
def no_hub(monkeypatch, tmp_path):
    "An empty hub cache; each name lookup or connection recorded and failing as without a network. Yields the attempts."
    import socket
    import huggingface_hub.constants as hub_constants
    attempts = []
    def refuse(*a, **k):
        attempts.append([x for x in a if not isinstance(x, socket.socket)][:1])
        raise OSError("[Errno -3] Temporary failure in name resolution")
    for obj, name in [(socket, "getaddrinfo"), (socket, "create_connection"), (socket.socket, "connect"),
                      (socket.socket, "connect_ex")]:
        monkeypatch.setattr(obj, name, refuse)
    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(tmp_path / "hub_cache"))
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)   # the hub would be asked: a refusal must come first
    return attempts

def test_a_student_naming_a_hub_base_is_refused(no_hub, tmp_path):
    "A file a user is handed must never choose what is downloaded: a hub id as `base` is refused unless like= is given."
    s = tiny()
    f = save_weights(s.state_dict(), tmp_path / "hub_base.safetensors", STUDENT, N="2", prediction="v", schedule="",
                     net_config=s.net.config, base=json.dumps(HUB), info={})
    before = _snapshot(tmp_path)
    for load in (load_student, load_model):
        m = one_line(lambda: load(f), ValueError)
        assert str(f) in m and f"names hub model {HUB!r} as its base" in m and "like=" in m, m
    assert not no_hub and _snapshot(tmp_path) == before
    assert load_student(f, like=tiny()).N == 2 and load_model(f, like=tiny()).N == 2   # like= given: the base is unused
    assert not no_hub

@pytest.mark.parametrize("offline", [True, False])
def test_a_hub_id_without_network_fails_at_once_in_one_line(no_hub, monkeypatch, capfd, offline):
    "HF_HUB_OFFLINE=1: no request at all; a machine just offline: one request, no retries; either way one OSError line."
    import time
    import huggingface_hub.constants as hub_constants
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", offline)
    capfd.readouterr()
    start = time.monotonic()
    m = one_line(lambda: load_model(HUB), OSError)
    assert time.monotonic() - start < 10
    assert f"could not load {HUB!r}" in m and "Run once with internet access" in m, m
    assert len(no_hub) == 0 if offline else 1 <= len(no_hub) <= 2, no_hub
    assert capfd.readouterr().err == ""

@pytest.mark.parametrize("offline", [True, False])
def test_a_hub_model_in_the_cache_loads_without_any_request(no_hub, monkeypatch, offline):
    "A hub id is looked for in the Hugging Face cache first: found there, it loads with no request, offline or not."
    import huggingface_hub.constants as hub_constants
    from diffusers import DDPMScheduler
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", offline)
    repo = Path(hub_constants.HF_HUB_CACHE) / "models--attacker-example--tracker"
    _unet().save_pretrained(repo / "snapshots" / ("0" * 40))
    DDPMScheduler(num_train_timesteps=40).save_pretrained(repo / "snapshots" / ("0" * 40))
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0" * 40)
    m = load_model(HUB)
    assert (m.prediction, m.schedule.T, m.source) == ("eps", 40, HUB) and not no_hub

def _pickle_folder(tmp_path, kind):
    "A diffusers folder whose weights are a pickle (save_pretrained's .bin, a planted one, a pipeline's unet/) or none."
    from diffusers import DDPMPipeline, DDPMScheduler
    d, marker = tmp_path / kind, tmp_path / "code_ran"
    if kind == "pipeline":
        DDPMPipeline(unet=_unet(), scheduler=DDPMScheduler()).save_pretrained(d, safe_serialization=False)
    else:
        _unet().save_pretrained(d, safe_serialization=kind == "no_weights")
        DDPMScheduler().save_pretrained(d)
    if kind == "planted":
        (d / "diffusion_pytorch_model.bin").unlink()
        planted = {"conv_in.weight": torch.zeros(8, 1, 3, 3), "payload": Payload(marker)}
        torch.save(planted, d / "diffusion_pytorch_model.bin")
    if kind == "no_weights": (d / "diffusion_pytorch_model.safetensors").unlink()
    return d, marker

PICKLE_FOLDERS = [("bin", "", "holds pickle weights (diffusion_pytorch_model.bin)"),
                  ("planted", "", "holds pickle weights (diffusion_pytorch_model.bin)"),
                  ("pipeline", "unet", "holds pickle weights (diffusion_pytorch_model.bin)"),
                  ("no_weights", "", "holds no loadable diffusers denoiser")]

@pytest.mark.parametrize("kind,sub,msg", PICKLE_FOLDERS)
def test_diffusers_pickle_weights_are_refused_quietly(tmp_path, capfd, kind, sub, msg):
    "Pickle weights are never read (diffusers would, after 3 lines of warnings); a folder without any is one line too."
    d, marker = _pickle_folder(tmp_path, kind)
    before = _snapshot(d)
    capfd.readouterr()
    m = one_line(lambda: load_model(d), ValueError)
    assert f"{d / sub if sub else d} {msg}" in m, m
    if "pickle" in msg: assert "safe_serialization=True" in m, m
    assert capfd.readouterr().err == ""                      # none of diffusers' warnings
    assert not marker.exists() and _snapshot(d) == before
