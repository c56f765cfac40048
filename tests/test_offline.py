"The real-data paths fail offline with a message that names the problem and the fix (no network is touched)."
import urllib.error
import pytest
import cleanfid.fid
from fastddss.metrics import inception_fid

def test_inception_fid_offline_is_a_clear_oserror(monkeypatch, tmp_path):
    def no_internet(*a, **k): raise urllib.error.URLError("[Errno -2] Name or service not known")
    monkeypatch.setattr(cleanfid.fid, "compute_fid", no_internet)
    with pytest.raises(OSError, match="could not fetch the Inception weights or the cifar10 statistics"):
        inception_fid(tmp_path, dataset_name="cifar10", dataset_res=32, dataset_split="train", device="cpu")

def test_inception_fid_passes_other_errors_through(monkeypatch, tmp_path):
    def bad(*a, **k): raise KeyError("unknown dataset")
    monkeypatch.setattr(cleanfid.fid, "compute_fid", bad)
    with pytest.raises(KeyError):
        inception_fid(tmp_path, device="cpu")
