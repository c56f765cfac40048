"`fastddss cifar10`, the real-data recipe, on what is here: a tiny random diffusers UNet in a local folder; clean-fid's call checked, offline failures clear."
import json, os, subprocess, sys, tempfile, urllib.error
import pytest
import cleanfid.fid
from fastddss.cli import main
from fastddss.samplers import SAMPLERS

pytestmark = pytest.mark.usefixtures("no_network")  # every test here runs offline: see conftest.py

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
    assert (rec["sampler"], rec["grid"], rec["hyper"]) == ("ddim", SAMPLERS["ddim"].grid, {"eta": 0.0})   # the registry's grid and default
    with pytest.raises(SystemExit, match="--force"): main(_args(tiny, tmp_path / "run"))

def test_offline_inception_is_a_clear_message(tiny, tmp_path, monkeypatch):
    def no_internet(*a, **k): raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")
    monkeypatch.setattr(cleanfid.fid, "compute_fid", no_internet)
    with pytest.raises(SystemExit, match="could not fetch the Inception weights or the cifar10 statistics"):
        main(_args(tiny, tmp_path / "run"))

# The offline hub check runs a fresh Python: huggingface_hub reads HF_HUB_OFFLINE once, when imported, so the variable must be in the
# environment before any import. The guard there refuses any name lookup or connection with a BaseException (which no HTTP
# client catches and retries) and records it; the HF cache is an empty temporary folder.
NET_GUARD = """
import json, socket
class NetworkAttempted(BaseException): pass
attempts = []
def _refuse(*a, **k):
    attempts.append(repr([x for x in a if not isinstance(x, socket.socket)][:1]))
    raise NetworkAttempted(f"network attempted: {attempts[-1]}")
socket.getaddrinfo = socket.create_connection = socket.socket.connect = socket.socket.connect_ex = _refuse
"""

def run_offline(code: str, set_after_import: bool = False) -> dict:
    "Run `code` in a fresh Python, network guarded, HF cache empty, HF_HUB_OFFLINE=1 set before any import (or, wrongly, after `import diffusers`)."
    late = "import os, diffusers; os.environ['HF_HUB_OFFLINE'] = '1'\n" if set_after_import else ""
    script = NET_GUARD + late + f"""
try: exec({code!r}); res = dict(exc=None, msg="")
except BaseException as e: res = dict(exc=type(e).__name__, msg=str(e))
print("RESULT", json.dumps(dict(res, attempts=attempts)))
"""
    with tempfile.TemporaryDirectory() as hf_home:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE"))}
        env.update(HF_HOME=hf_home, **({} if set_after_import else {"HF_HUB_OFFLINE": "1"}))
        p = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600)
    out = [l for l in p.stdout.splitlines() if l.startswith("RESULT ")]
    assert out, f"the offline script reported nothing: {p.stderr[-2000:]}"
    res = json.loads(out[-1][len("RESULT "):])
    if res["exc"] == "SystemExit" and res["msg"] == "2":         # the fastddss executable: its one line is on stderr
        line = p.stderr.strip().splitlines()[-1]
        assert line.startswith("fastddss: error: "), p.stderr[-2000:]
        res["msg"] = line
    return res

def check_offline(res: dict, exc: str, *contains: str):
    "Assert that no network access was attempted and that exactly `exc` was raised, its message holding each of `contains`."
    assert not res["attempts"], f"network attempted: {res['attempts']}"
    assert res["exc"] == exc and all(c in res["msg"] for c in contains), f"expected {exc} saying {contains}, got {res['exc']}: {res['msg']}"

# `python -m fastddss.cli cifar10 ...`, the default model being google/ddpm-cifar10-32 on the hub
CLI = "import runpy, sys\nsys.argv = ['fastddss', 'cifar10', '--out', {out!r}, '--device', 'cpu']\nrunpy.run_module('fastddss.cli', run_name='__main__')"

@pytest.mark.parametrize("set_after_import", [False, True], ids=["offline", "wrong-variant-set-after-import"])
def test_offline_hub_model_is_a_clear_message(tmp_path, set_after_import):
    res = run_offline(CLI.format(out=str(tmp_path / "run")), set_after_import)
    if not set_after_import:
        check_offline(res, "SystemExit", "could not load 'google/ddpm-cifar10-32'", "Run once with internet access")
        assert not (tmp_path / "run").exists()                 # nothing written
    else:  # HF_HUB_OFFLINE set after `import diffusers` is too late: the hub client goes for the network, and the check says so
        with pytest.raises(AssertionError, match="network attempted"): check_offline(res, "SystemExit", "could not load")

def test_unknown_sampler(tiny, tmp_path):
    with pytest.raises(SystemExit, match="unknown sampler 'plms'"): main(_args(tiny, tmp_path / "run") + ["--sampler", "plms"])

def test_sampler_options_from_the_registry(tiny, tmp_path):
    with pytest.raises(SystemExit, match="eta does not apply to sampler 'dpm\\+\\+'"):
        main(_args(tiny, tmp_path / "run") + ["--sampler", "dpm++", "--eta", "0.5"])
    assert not (tmp_path / "run").exists()
    main(_args(tiny, tmp_path / "run") + ["--sampler", "dpm++", "--order", "1", "--no-fid"])
    rec = json.loads((tmp_path / "run" / "samples.json").read_text())
    assert (rec["sampler"], rec["grid"], rec["hyper"], rec["nfe"]) == ("dpm++", SAMPLERS["dpm++"].grid, {"order": 1}, 2)
    main(_args(tiny, tmp_path / "run2") + ["--sampler", "ddpm", "--variance", "fixed_large", "--grid", "quadratic", "--no-fid"])
    rec = json.loads((tmp_path / "run2" / "samples.json").read_text())
    assert (rec["sampler"], rec["grid"], rec["hyper"]) == ("ddpm", "quadratic", {"variance": "fixed_large"})
