"A user's own model and data through every command: a tiny random diffusers folder (ε-prediction, T = 1000) and a folder of RGB images."
import json, re
import numpy as np
import pytest, torch
from PIL import Image
from fastddss.cli import main
from fastddss.evaluation import load_results
from fastddss.models import load_model, sample_shape
from fastddss.runs import load_checkpoint

@pytest.fixture(scope="module")
def user(tmp_path_factory):
    "A diffusers folder (UNet2DModel 1×8×8 + DDPMScheduler, linear β, T = 1000) and 24 RGB 12×12 images."
    from diffusers import DDPMScheduler, UNet2DModel
    d = tmp_path_factory.mktemp("user")
    torch.manual_seed(0)
    unet = UNet2DModel(sample_size=8, in_channels=1, out_channels=1, layers_per_block=1, block_out_channels=(8, 16),
                       down_block_types=("DownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "UpBlock2D"), norm_num_groups=4)
    unet.save_pretrained(d / "ddpm"); DDPMScheduler(num_train_timesteps=1000).save_pretrained(d / "ddpm")
    rng = np.random.default_rng(0)
    (d / "images").mkdir()
    for i in range(24): Image.fromarray(rng.integers(0, 255, (12, 12, 3), dtype=np.uint8)).save(d / "images" / f"{i:03d}.png")
    return dict(model=str(d / "ddpm"), data=str(d / "images"), root=d)

def run(*args):
    main([str(a) for a in args])

def test_sample(user, tmp_path):
    run("sample", "--model", user["model"], "--steps", "2", "-n", "3", "--out", tmp_path / "x.pt")
    x = load_checkpoint(tmp_path / "x.pt")
    assert x.shape == (3, 1, 8, 8) and torch.isfinite(x).all()

def test_diffusers_grid_option(user, tmp_path):
    "--grid diffusers:leading:1 samples on the timesteps diffusers' DDIMScheduler walks."
    from diffusers import DDIMScheduler
    from fastddss.sampling import ddim
    run("sample", "--model", user["model"], "--steps", "3", "-n", "2", "--grid", "diffusers:leading:1", "--out", tmp_path / "d.pt")
    s = DDIMScheduler(num_train_timesteps=1000, steps_offset=1); s.set_timesteps(3)
    assert s.timesteps.tolist() == [667, 334, 1]                  # leading: 0, 333, 666 reversed, plus the offset
    model = load_model(user["model"])
    z = torch.randn(2, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    with torch.no_grad(): want = ddim(model, z, torch.tensor([668., 335., 2., 0.]))   # our t = n + 1, then the data
    torch.testing.assert_close(load_checkpoint(tmp_path / "d.pt"), want)
    for bad, msg in (("diffusers:sideways", "SPACING one of leading, trailing, linspace"), ("diffusers:leading:x", "OFFSET an integer"),
                     ("cubic", "unknown grid 'cubic'")):
        with pytest.raises(SystemExit, match=re.escape(msg)): run("sample", "--model", user["model"], "--grid", bad, "--out", tmp_path / "e.pt")
    with pytest.raises(SystemExit, match="needs a discrete-time model"): run("sample", "--grid", "diffusers:leading", "--out", tmp_path / "e.pt")

def test_eval_on_user_data(user, tmp_path):
    run("eval", "--model", user["model"], "--data", user["data"], "--steps", "2", "-n", "16", "--quiet", "--out", tmp_path / "e.json")
    (rec,), _ = load_results(tmp_path / "e.json")
    assert rec["nfe"] == 2 and rec["n"] == 16 and np.isfinite(rec["fid"])
    assert rec["model"] == user["model"]

def test_ddss_on_user_model(user, tmp_path):
    out = tmp_path / "ddss"
    run("ddss", "--model", user["model"], "--data", user["data"], "--steps", "2", "--iters", "1", "--batch-size", "4",
        "--real-batch", "8", "--eval-n", "8", "--quiet", "--out", out)
    assert (out / "sampler.safetensors").exists()
    (rec,), _ = load_results(out / "eval.json")
    assert rec["family"] == "learned sampler" and rec["nfe"] == 2
    run("sample", "--model", user["model"], "--ggdm", out / "sampler.safetensors", "-n", "2", "--out", tmp_path / "g.pt")
    assert load_checkpoint(tmp_path / "g.pt").shape == (2, 1, 8, 8)

def test_distill_eps_teacher(user, tmp_path):
    "An ε-teacher's students predict v, live on the discrete grid, load by themselves and sample in N evaluations."
    out = tmp_path / "pd"
    run("distill", "--model", user["model"], "--data", user["data"], "--from-steps", "4", "--to-steps", "2", "--steps-per-round", "1",
        "--batch-size", "4", "--eval-n", "8", "--eval-steps", "2", "--quiet", "--out", out)
    student = load_model(out / "student_0002.safetensors")
    assert (student.prediction, student.N, student.schedule.T) == ("v", 2, 1000)
    (rec,), _ = load_results(out / "eval.json")
    assert rec["nfe"] == 2 and rec["family"] == "new model"
    with pytest.raises(SystemExit, match="too many"):
        run("distill", "--model", user["model"], "--data", user["data"], "--from-steps", "2048", "--to-steps", "1024", "--out", tmp_path / "pd2")
    assert not (tmp_path / "pd2").exists()

def test_reflow_on_user_model(user, tmp_path):
    out = tmp_path / "rf"
    run("reflow", "--model", user["model"], "--data", user["data"], "--pairs", "8", "--pair-steps", "2", "--reflow-steps", "1",
        "--distill-steps", "1", "--batch-size", "4", "--eval-n", "8", "--quiet", "--out", out)
    rows, _ = load_results(out / "eval.json")
    assert len(rows) == 7 and all(np.isfinite(r["fid"]) for r in rows)

def test_redi_on_user_model(user, tmp_path):
    out = tmp_path / "redi"
    run("redi", "--model", user["model"], "--data", user["data"], "--steps", "4", "--kb-size", "8", "--kb-steps", "1,3",
        "--jumps", "1:3:1", "--eval-n", "8", "--quiet", "--out", out)
    rows, _ = load_results(out / "eval.json")
    assert {r["sampler"] for r in rows} == {"redi", "ddim"}

def test_bad_data_one_line(user, tmp_path):
    with pytest.raises(SystemExit, match=re.escape("neither 'mnist', a folder of images")):
        run("eval", "--model", user["model"], "--data", "/no/such/images", "--steps", "2", "-n", "4", "--out", tmp_path / "e.json")
    odd = tmp_path / "odd"; odd.mkdir()
    for i in range(3): Image.fromarray(np.zeros((11, 11), np.uint8)).save(odd / f"{i}.png")
    with pytest.raises(SystemExit, match="evenly on each side"):     # 11×11 cannot be cropped to 8×8 evenly
        run("eval", "--model", user["model"], "--data", odd, "--fit", "pad", "--steps", "2", "-n", "4", "--out", tmp_path / "e.json")
    assert not (tmp_path / "e.json").exists()

def test_bad_channels_and_folders(user, tmp_path):
    four = user["root"] / "rgba"; four.mkdir(exist_ok=True)
    for i in range(3): Image.fromarray(np.zeros((8, 8, 4), np.uint8), "RGBA").save(four / f"{i}.png")
    from fastddss.data import load_data                                   # RGBA: the alpha channel is dropped, then RGB -> grey
    assert load_data(str(four), (1, 8, 8)).shape == (3, 1, 8, 8)
    from diffusers import UNet2DModel                                     # a 2-channel model cannot take grey or RGB images
    UNet2DModel(sample_size=8, in_channels=2, out_channels=2, layers_per_block=1, block_out_channels=(8, 16), norm_num_groups=4,
                down_block_types=("DownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "UpBlock2D")).save_pretrained(tmp_path / "two")
    from diffusers import DDPMScheduler; DDPMScheduler().save_pretrained(tmp_path / "two")
    with pytest.raises(SystemExit, match=re.escape("grey <-> RGB only")):
        run("ddss", "--model", tmp_path / "two", "--data", four, "--steps", "2", "--iters", "1", "--out", tmp_path / "d")
    (tmp_path / "notamodel").mkdir()
    with pytest.raises(SystemExit, match="not a diffusers model"): run("sample", "--model", tmp_path / "notamodel", "--out", tmp_path / "x.pt")

def test_not_a_ddpm_scheduler(user, tmp_path):
    "A folder whose scheduler is not variance-preserving (score-SDE VE) is refused, not silently read as a DDPM one."
    from diffusers import ScoreSdeVeScheduler, UNet2DModel
    d = tmp_path / "ve"
    UNet2DModel.from_pretrained(user["model"]).save_pretrained(d); ScoreSdeVeScheduler().save_pretrained(d)
    with pytest.raises(SystemExit, match="variance-preserving"): run("sample", "--model", d, "--out", tmp_path / "x.pt")

def test_sample_shape(user):
    assert sample_shape(load_model(user["model"])) == (1, 8, 8)

def test_inception_features_offline_one_line(user, tmp_path):
    "--features inception needs clean-fid's FID Inception weights once: offline (simulated) the command stops with one line."
    import urllib.error
    from unittest import mock
    with mock.patch("torch.hub.get_dir", lambda: str(tmp_path)), \
         mock.patch("torch.hub.download_url_to_file", side_effect=urllib.error.URLError("Name or service not known")):
        with pytest.raises(SystemExit, match="run once with internet access"):
            run("ddss", "--model", user["model"], "--data", user["data"], "--features", "inception", "--steps", "2", "--iters", "1",
                "--out", tmp_path / "d")
    with pytest.raises(SystemExit, match="package.module:attr"):
        run("eval", "--model", user["model"], "--features", "resnet", "--steps", "2", "-n", "4", "--out", tmp_path / "e.json")


def test_refusals_before_any_work(user, tmp_path):
    "Settings that cannot work stop with one line before anything is trained or written."
    with pytest.raises(SystemExit, match="at most 1,000"):                  # a GGDM sampler of 2000 steps (K x K)
        run("ddss", "--model", user["model"], "--steps", "2000", "--iters", "1", "--out", tmp_path / "d")
    with pytest.raises(SystemExit, match="so at most 1000 steps"):          # 2000 steps on T = 1000
        run("ld3", "--model", user["model"], "--steps", "2000", "--iters", "1", "--out", tmp_path / "l")
    with pytest.raises(SystemExit, match="must be at least 2, got 1"):
        run("eval", "--model", user["model"], "--steps", "2", "-n", "1", "--out", tmp_path / "e.json")
    with pytest.raises(SystemExit, match="package.module:attr"):
        run("reflow", "--model", user["model"], "--features", "nothing", "--pairs", "8", "--out", tmp_path / "rf")
    assert not any((tmp_path / "rf").glob("pairs_*")) and not (tmp_path / "e.json").exists() and not (tmp_path / "d" / "checkpoint.pt").exists()

def test_distill_resume_into_another_models_run(user, tmp_path):
    "A distillation folder of one model, resumed with another: one line, not a state-dict traceback."
    out = tmp_path / "pd"
    run("distill", "--model", user["model"], "--data", user["data"], "--from-steps", "4", "--to-steps", "2", "--steps-per-round", "1",
        "--batch-size", "4", "--quiet", "--out", out)
    with pytest.raises(SystemExit, match="another model|other settings"):
        run("distill", "--data", user["data"], "--from-steps", "4", "--to-steps", "2", "--steps-per-round", "1", "--batch-size", "4",
            "--quiet", "--resume", "--out", out)                        # the shipped teacher this time
