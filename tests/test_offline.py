"The real-data paths fail offline with a message that names the problem and the fix (no network is touched)."
import urllib.error
import pytest
import cleanfid.fid
from fastddss.metrics import inception_fid

@pytest.fixture
def sample_dir(tmp_path):
    "A folder with one sample PNG, so that the call reaches clean-fid."
    from PIL import Image
    Image.new("RGB", (32, 32)).save(tmp_path / "0.png")
    return tmp_path

pytestmark = pytest.mark.usefixtures("no_network")  # every test here runs offline: see conftest.py

def test_inception_fid_offline_is_a_clear_oserror(monkeypatch, sample_dir):
    calls = []
    def no_internet(path, **kw):
        calls.append(kw); raise urllib.error.URLError("[Errno -2] Name or service not known")
    monkeypatch.setattr(cleanfid.fid, "compute_fid", no_internet)
    with pytest.raises(OSError, match="could not fetch the Inception weights or the cifar10 statistics") as e:
        inception_fid(sample_dir, dataset_name="cifar10", dataset_res=32, dataset_split="train", device="cpu")
    assert type(e.value) is OSError and isinstance(e.value.__cause__, urllib.error.URLError)   # wrapped, not the URLError passed on
    assert "Run once with internet access" in str(e.value)
    assert [(c["dataset_name"], c["dataset_res"], c["dataset_split"], c["mode"]) for c in calls] == [("cifar10", 32, "train", "clean")]

def test_inception_fid_passes_other_errors_through(monkeypatch, sample_dir):
    calls = []
    def bad(path, **kw): calls.append(kw); raise KeyError("unknown dataset")
    monkeypatch.setattr(cleanfid.fid, "compute_fid", bad)
    with pytest.raises(KeyError, match="unknown dataset"):
        inception_fid(sample_dir, device="cpu")
    assert len(calls) == 1
