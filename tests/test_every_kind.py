"""Tiny random models (outputs scaled small, and a noise seed whose draws stay inside the divergence limit) of every kind the loader takes go through every command that takes them; what cannot fit is refused
in one line: a flow-matching UNet, an EDM denoiser, a class-conditional UNet2DModel, a text-conditional UNet2DConditionModel
(with a file of random embeddings), a DiT, and a latent pipeline with a tiny AutoencoderKL."""
import json
import pytest, torch
from diffusers import (AutoencoderKL, DDPMScheduler, DiTPipeline, DiTTransformer2DModel, EDMEulerScheduler,
                       FlowMatchEulerDiscreteScheduler, UNet2DConditionModel, UNet2DModel)
from fastddss.cli import main
from fastddss.conditioning import Bound, Guided, condition_spec, evaluations, save_conditions
from fastddss.models import load_model
from fastddss.runs import load_checkpoint
from fastddss.sampling import ddim
from fastddss.schedules import linear_grid

pytestmark = pytest.mark.usefixtures("no_network")
SMALL = dict(sample_size=28, layers_per_block=1, block_out_channels=(4, 8), norm_num_groups=4)
DOWN, UP = ("DownBlock2D",) * 2, ("UpBlock2D",) * 2

def _quiet(net):
    "A random network whose outputs are small, so that its samples stay near the noise's scale (no divergence refusal)."
    with torch.no_grad(): net.conv_out.weight.mul_(0.05)
    return net

def _unet(**kw):
    torch.manual_seed(0)
    return _quiet(UNet2DModel(in_channels=1, out_channels=1, down_block_types=DOWN, up_block_types=UP, **SMALL, **kw))

def _text_unet():
    torch.manual_seed(0)
    return _quiet(UNet2DConditionModel(in_channels=1, out_channels=1, cross_attention_dim=8, attention_head_dim=2,
                                       down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
                                       up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), **SMALL))

def _latent_pipeline(folder):
    torch.manual_seed(0)
    dit = DiTTransformer2DModel(num_attention_heads=2, attention_head_dim=4, in_channels=2, out_channels=2, num_layers=1,
                                sample_size=7, patch_size=1, num_embeds_ada_norm=10, norm_num_groups=2)
    vae = AutoencoderKL(in_channels=1, out_channels=1, down_block_types=("DownEncoderBlock2D",) * 3,
                        up_block_types=("UpDecoderBlock2D",) * 3, block_out_channels=(2, 2, 2), latent_channels=2,
                        norm_num_groups=2, sample_size=28)
    DiTPipeline(dit, vae, FlowMatchEulerDiscreteScheduler()).save_pretrained(folder)

@pytest.fixture(scope="module")
def kinds(tmp_path_factory):
    "name -> (model folder, extra options) for every kind."
    d = tmp_path_factory.mktemp("kinds")
    for name, net, sched in [("flow", _unet(), FlowMatchEulerDiscreteScheduler(shift=2.0)),
                             ("edm", _unet(), EDMEulerScheduler(sigma_max=80.0)),
                             ("classes", _unet(num_class_embeds=4), DDPMScheduler(num_train_timesteps=100)),
                             ("text", _text_unet(), FlowMatchEulerDiscreteScheduler())]:
        net.save_pretrained(d / name)
        sched.save_pretrained(d / name)
    _latent_pipeline(d / "latent")
    emb = torch.randn(5, 3, 8, generator=torch.Generator().manual_seed(0))
    save_conditions({"encoder_hidden_states": emb}, d / "prompts.safetensors", null={"encoder_hidden_states": 0 * emb[0]})
    return {"flow": (d / "flow", []), "edm": (d / "edm", []), "classes": (d / "classes", ["--null-class", "3"]),
            "text": (d / "text", ["--conditions", str(d / "prompts.safetensors")]), "latent": (d / "latent", [])}

ALL = ["flow", "edm", "classes", "text", "latent"]

@pytest.mark.parametrize("kind", ALL)
def test_sample_and_eval(kinds, kind, tmp_path):
    folder, extra = kinds[kind]
    guide = ["--guidance", "2"] if kind != "flow" and kind != "edm" else []
    main(["sample", "--model", str(folder), "--steps", "3", "-n", "3", "--seed", "9", *extra, *guide, "--out", str(tmp_path / "x.pt")])
    x = load_checkpoint(tmp_path / "x.pt")
    assert x.shape == (3, 1, 28, 28) and torch.isfinite(x).all()
    main(["eval", "--model", str(folder), "--steps", "2", "-n", "6", "--repeats", "2", "--seed", "9", *extra, *guide, "--quiet",
          "--out", str(tmp_path / "e.json")])
    rec = json.loads((tmp_path / "e.json").read_text())["records"][0]
    assert rec["nfe"] == (4 if guide else 2) and rec["fid_std"] is not None
    assert (rec["guidance"] is not None) == bool(guide) and (rec["conditions"] is None) == (kind in ("flow", "edm"))

@pytest.mark.parametrize("kind", ALL)
def test_ddss_and_ld3(kinds, kind, tmp_path):
    folder, extra = kinds[kind]
    guide = ["--guidance", "2"] if kind in ("classes", "latent") else []
    main(["ddss", "--model", str(folder), "--steps", "2", "--iters", "2", "--batch-size", "4", "--real-batch", "8",
          "--val-every", "1", "--val-n", "4", *extra, *guide, "--quiet", "--out", str(tmp_path / "ddss")])
    main(["ld3", "--model", str(folder), "--steps", "2", "--iters", "2", "--pairs", "8", "--teacher-steps", "4",
          *extra, *guide, "--quiet", "--out", str(tmp_path / "ld3")])
    main(["sample", "--model", str(folder), "--ggdm", str(tmp_path / "ddss" / "sampler.safetensors"), "-n", "2", "--seed", "9",
          *extra, *guide, "--out", str(tmp_path / "d.pt")])
    main(["sample", "--model", str(folder), "--grid", str(tmp_path / "ld3" / "grid.json"), "-n", "2", "--seed", "9",
          *extra, *guide, "--out", str(tmp_path / "l.pt")])
    assert torch.isfinite(load_checkpoint(tmp_path / "d.pt")).all() and torch.isfinite(load_checkpoint(tmp_path / "l.pt")).all()

def test_a_sample_and_its_condition_depend_on_its_index_alone(kinds, tmp_path):
    "The guided class-conditional model: 6 samples in batches of 500 equal the same samples drawn 2 at a time."
    model = load_model(kinds["classes"][0])
    args = ["--steps", "3", "--model", str(kinds["classes"][0]), "--null-class", "3", "--guidance", "2"]
    main(["sample", *args, "-n", "6", "--out", str(tmp_path / "a.pt")])
    z = torch.randn(6, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    from fastddss.conditioning import class_conditions
    cond = class_conditions(4).draw(0, torch.arange(6))
    guided = Guided(model, 2.0, null={"class_labels": torch.tensor(3)})
    with torch.no_grad():
        parts = [ddim(Bound(guided, {k: v[i:i + 2] for k, v in cond.items()}), z[i:i + 2], linear_grid(model.schedule, 3))
                 for i in range(0, 6, 2)]
    torch.testing.assert_close(load_checkpoint(tmp_path / "a.pt"), torch.cat(parts), rtol=0, atol=1e-5)

@pytest.mark.parametrize("kind, args, message", [
    ("classes", ["--class", "4"], "class labels must be whole numbers in [0, 4)"),
    ("classes", ["--guidance", "3"], "guidance needs the model's null condition and this model has none"),
    ("text", [], "give a conditions file"),
    ("text", ["--conditions", "WRONG"], "but this model takes (*x8)"),
    ("flow", ["--class", "1"], "this model is unconditional"),
    ("flow", ["--guidance", "2"], "--guidance needs a conditional model"),
    ("latent", ["--labels", "data", "--class", "2"], "give one source of conditions"),
])
def test_refused_in_one_line(kinds, tmp_path, kind, args, message):
    if "WRONG" in args:
        save_conditions({"encoder_hidden_states": torch.zeros(2, 3, 5)}, tmp_path / "wrong.safetensors")
        args = [a.replace("WRONG", str(tmp_path / "wrong.safetensors")) for a in args]
    with pytest.raises(SystemExit, match=pytest.importorskip("re").escape(message)):
        main(["sample", "--model", str(kinds[kind][0]), "--steps", "2", "-n", "2", *args, "--out", str(tmp_path / "x.png")])
    assert not (tmp_path / "x.png").exists()

def test_a_decoder_that_does_not_fit(kinds, tmp_path):
    "A pipeline whose vae/ makes latents of other channels than the denoiser samples: one line at load time."
    import shutil
    shutil.copytree(kinds["latent"][0], tmp_path / "p")
    AutoencoderKL(in_channels=1, out_channels=1, block_out_channels=(2,), norm_num_groups=2, latent_channels=3,
                  sample_size=28).save_pretrained(tmp_path / "p" / "vae")
    with pytest.raises(SystemExit, match="a decoder that does not fit the latent shape"):
        main(["sample", "--model", str(tmp_path / "p"), "-n", "2", "--out", str(tmp_path / "x.png")])

@pytest.mark.parametrize("kind", ALL)
def test_distill(kinds, kind, tmp_path):
    "Every kind distils; a guided teacher's first student keeps --from-steps and takes one network call per step."
    folder, extra = kinds[kind]
    guide = ["--guidance", "2"] if kind in ("classes", "latent") else []
    main(["distill", "--model", str(folder), "--from-steps", "4", "--to-steps", "2", "--steps-per-round", "2", "--batch-size", "4",
          *extra, *guide, "--quiet", "--out", str(tmp_path / "d")])
    rounds = json.loads((tmp_path / "d" / "rounds.json").read_text())
    assert [(r["N"], r.get("guidance")) for r in rounds] == ([(4, 2.0), (2, None)] if guide else [(2, None)])
    student = load_model(tmp_path / "d" / "student_0002.safetensors")
    assert evaluations(student) == 1 and condition_spec(student) == condition_spec(load_model(folder))
    main(["sample", "--model", str(tmp_path / "d" / "student_0002.safetensors"), "-n", "2", "--seed", "9",
          *(extra if kind == "text" else []), "--out", str(tmp_path / "s.pt")])
    assert load_checkpoint(tmp_path / "s.pt").shape == (2, 1, 28, 28)

@pytest.mark.parametrize("cmd, kind, message", [("reflow", "latent", "fastddss reflow takes unconditional"),
                                                ("redi", "text", "fastddss redi takes unconditional models")])
def test_commands_that_take_plain_models_say_so(kinds, tmp_path, cmd, kind, message):
    "Reflow and ReDi refuse a conditional model in one line, before any work."
    with pytest.raises(SystemExit, match=message): main([cmd, "--model", str(kinds[kind][0]), "--out", str(tmp_path / "o")])
    assert not (tmp_path / "o").exists()

@pytest.mark.parametrize("kind", ALL)
def test_fit(kinds, kind, tmp_path, monkeypatch):
    "Every kind goes through `fastddss fit` (recipes cut to an update or two): each candidate scored, one chosen, written."
    import fastddss.fit as F
    tiny = {k: dict(v, iters=1, batch_size=4, val_n=4) if v["kind"] == "ddss" else dict(v, iters=2, pairs=8)
            for k, v in F.RECIPES.items()}
    monkeypatch.setattr(F, "RECIPES", tiny)
    folder, extra = kinds[kind]
    guide = ["--guidance", "2"] if kind in ("classes", "latent") else []
    main(["fit", "--model", str(folder), "--steps", "2", "--n", "6", "--repeats", "2", "--seeds", "0", "--budget", "60",
          *extra, *guide, "--quiet", "--out", str(tmp_path / "f")])
    state = json.loads((tmp_path / "f" / "fit.json").read_text())
    assert sorted(state["records"]) == sorted(state["plan"])
    assert any(r["kind"] != "free" for r in state["records"].values())
    assert state["settings"]["conditions"] == (None if kind in ("flow", "edm") else state["settings"]["conditions"])
    best = state["chosen"]
    assert (tmp_path / "f" / ("grid.json" if best["kind"] == "free" else "sampler.safetensors")).is_file()
    ggdm_form = best["kind"] != "free" or best["sampler"] in ("ddim", "dpm++")
    if kind == "edm": assert state["scheduler"] is None                           # no EDM export to diffusers yet
    else: assert state["scheduler"] == ("scheduler/" if ggdm_form else None)
