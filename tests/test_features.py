"Feature networks behind one interface: fitting to the network's input, names, Inception with random weights, offline errors."
import sys, textwrap, urllib.error
from unittest import mock
import pytest, torch
import torch.nn.functional as F
from fastddss.data import load_mnist
from fastddss.metrics import FeatureNet, inception_features, load_classifier, load_features

@pytest.fixture(scope="module")
def digits(): return load_mnist("held_out")[0][:32]

def test_pad_fit_gives_the_classifiers_own_features(digits):
    net = load_classifier("eval")
    fn = load_features("mnist", "eval", fit="pad")
    assert (fn.shape, fn.fit, fn.name) == ((1, 28, 28), "pad", f"eval classifier (held-out acc {net.info['held_out_accuracy']:.3f})")
    padded = F.pad(digits, (2, 2, 2, 2), value=-1.0)                      # a 1x32x32 model's images
    assert torch.equal(fn.features(padded), net.features(digits))
    assert torch.equal(fn.logits(fn.features(digits)), net.logits(net.features(digits)))
    assert not torch.equal(load_features("mnist", "eval").features(padded), net.features(digits))   # "resize" shrinks instead

def test_feature_net_refuses_what_it_cannot_use():
    with pytest.raises(ValueError, match=r"needs a .features\(x\) method; Linear has none"): FeatureNet(torch.nn.Linear(2, 2), (1, 28, 28), "x")
    with pytest.raises(ValueError, match="unknown fit 'stretch'"): load_features("mnist", fit="stretch")
    with pytest.raises(ValueError, match="cannot pad or crop"): load_features("mnist", fit="pad").features(torch.zeros(2, 1, 29, 29))

def test_load_features_errors_name_what_is_accepted():
    accepted = "expected 'mnist', 'inception' or 'package.module:attr'"
    for name, msg in [("resnet", "unknown feature network 'resnet'"), ("no_such_package_xyz:Net", "cannot import 'no_such_package_xyz:Net'"),
                      ("fastddss.metrics:NoSuchNet", "cannot import 'fastddss.metrics:NoSuchNet'"),
                      ("fastddss.metrics:Classifier", "is not a feature network (type Classifier)")]:   # no .shape
        with pytest.raises(ValueError) as e: load_features(name)
        assert msg in str(e.value) and accepted in str(e.value) and "\n" not in str(e.value), str(e.value)
    with pytest.raises(ValueError, match="role must be 'eval' or 'loss'"): load_features("mnist", role="train")

def test_load_features_imports_a_users_network(tmp_path, monkeypatch, digits):
    (tmp_path / "user_feats.py").write_text(textwrap.dedent('''
        import torch
        class Blocks(torch.nn.Module):
            shape = (1, 8, 8)
            def features(self, x): return torch.nn.functional.avg_pool2d(x, 2).flatten(1)
        def make(): return Blocks()
    '''))
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        for spec in ("user_feats:Blocks", "user_feats:make"):
            fn = load_features(spec, fit="pad")
            assert (fn.shape, fn.fit, fn.name, fn.logits(None)) == ((1, 8, 8), "pad", f"{spec} (Blocks)", None)
            assert fn.features(digits).shape == (32, 16)                 # 28x28 digits centre-cropped to 8x8
        ready = FeatureNet(fn.net, (1, 8, 8), "ready", fit="resize")
        monkeypatch.setattr(sys.modules["user_feats"], "ready", ready, raising=False)
        assert load_features("user_feats:ready") is ready
    finally: sys.modules.pop("user_feats", None)

def test_inception_random_weights_shapes_and_gradient(no_network):
    inc = inception_features(pretrained=False)                          # nothing downloaded: no_network fails the test otherwise
    assert inc.shape == (3, 299, 299) and "random weights" in inc.name and inc.logits(torch.zeros(1, 2048)) is None
    x = (torch.rand(2, 1, 16, 16, generator=torch.Generator().manual_seed(0)) * 2 - 1).requires_grad_()
    seen = []                                                           # what clean-fid's network gets: RGB, 299x299, in [0, 1]
    hook = inc.net.inception.register_forward_pre_hook(lambda m, a: seen.append(a[0].detach()))
    f = inc.features(x)
    f.sum().backward(); hook.remove()
    assert seen[0].shape == (2, 3, 299, 299) and 0 <= seen[0].min() < 0.1 and 0.9 < seen[0].max() <= 1
    assert f.shape == (2, 2048) and torch.isfinite(f).all() and f.abs().mean() > 1e-3
    assert torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0

def test_inception_offline_is_one_clear_oserror(tmp_path, no_network):
    with mock.patch("torch.hub.get_dir", lambda: str(tmp_path)), \
         mock.patch("torch.hub.download_url_to_file", side_effect=urllib.error.URLError("[Errno -2] Name or service not known")) as download:
        for make in (inception_features, lambda: load_features("inception")):
            with pytest.raises(OSError) as e: make()
            assert type(e.value) is OSError and isinstance(e.value.__cause__, urllib.error.URLError)   # wrapped, not the URLError
            msg = str(e.value)
            assert "are needed once" in msg and "run once with internet access" in msg and "\n" not in msg, msg
    assert download.call_count == 2
