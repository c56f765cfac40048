"`fastddss cifar10`, the real-data recipe, on what is here: a tiny random diffusers UNet in a local folder; clean-fid's call checked, offline failures clear."
import json, os, subprocess, sys, urllib.error
import pytest
import cleanfid.fid
from fastddss.cli import main

@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from diffusers import DDPMScheduler, UNet2DModel
    d = tmp_path_factory.mktemp("tiny")
    UNet2DModel(sample_size=32, in_channels=3, out_channels=3, block_out_channels=(8, 16), layers_per_block=1, norm_num_groups=4,
                down_block_types=("DownBlock2D", "DownBlock2D"), up_block_types=("UpBlock2D", "UpBlock2D")).save_pretrained(d)
    DDPMScheduler(num_train_timesteps=1000).save_pretrained(d)
    return d

def _args(model, out): return ["cifar10", "--model", str(model), "--steps", "2", "-n", "4", "--batch-size", "2", "--device", "cpu", "--out", str(out)]

def test_fid_is_clean_fid_cifar10_train_32(tiny, tmp_path, monkeypatch):
    seen = {}
    def fake_fid(path, **kw): seen.update(kw, path=path); return 12.5
    monkeypatch.setattr(cleanfid.fid, "compute_fid", fake_fid)
    main(_args(tiny, tmp_path / "run"))
    assert (seen["dataset_name"], seen["dataset_res"], seen["dataset_split"], seen["mode"]) == ("cifar10", 32, "train", "clean")
    assert seen["path"] == str(tmp_path / "run" / "samples") and len(list((tmp_path / "run" / "samples").glob("*.png"))) == 4
    rec = json.loads((tmp_path / "run" / "fid.json").read_text())
    assert rec["fid"] == 12.5 and rec["nfe"] == 2 and "split 'train'" in rec["fid_reference"]
    with pytest.raises(SystemExit, match="--force"): main(_args(tiny, tmp_path / "run"))

def test_offline_inception_is_a_clear_message(tiny, tmp_path, monkeypatch):
    def no_internet(*a, **k): raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")
    monkeypatch.setattr(cleanfid.fid, "compute_fid", no_internet)
    with pytest.raises(SystemExit, match="could not fetch the Inception weights or the cifar10 statistics"):
        main(_args(tiny, tmp_path / "run"))

def test_offline_hub_model_is_a_clear_message(tmp_path):
    p = subprocess.run([sys.executable, "-m", "fastddss.cli", "cifar10", "--out", str(tmp_path / "run"), "--device", "cpu"],
                       capture_output=True, text=True, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert p.returncode != 0 and "could not load 'google/ddpm-cifar10-32'" in p.stderr and "internet" in p.stderr, p.stderr[-2000:]

def test_unknown_sampler(tiny, tmp_path):
    with pytest.raises(SystemExit, match="unknown sampler 'plms'"): main(_args(tiny, tmp_path / "run") + ["--sampler", "plms"])
