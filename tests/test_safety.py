"""The command line as a careless or hostile user meets it: every bad input is one line on stderr with exit code 2, no traceback,
and no file that was there before changes (the README's bad-input table); no code runs from a run folder; outputs are never mixed."""
import hashlib, json, os, socket, struct, subprocess, sys, zlib
from pathlib import Path
import numpy as np, pytest, torch
from fastddss.cli import console
from fastddss.defaults import DEFAULTS
from fastddss.models import ASSETS

TEACHER, STUDENT4 = ASSETS / "teacher_mnist.safetensors", ASSETS / "pd_student_4.safetensors"
GGDM5 = DEFAULTS / "068e1f865898ac61_k5.safetensors"   # the shipped teacher's default sampler at K = 5

@pytest.fixture
def place(tmp_path, monkeypatch):
    "A working folder holding what a user has lying around: results to keep, and broken or foreign files."
    monkeypatch.chdir(tmp_path)
    Path("empty.safetensors").write_bytes(b"")
    Path("cut.safetensors").write_bytes(TEACHER.read_bytes()[: TEACHER.stat().st_size // 2])
    Path("junk.safetensors").write_bytes(os.urandom(4096))
    Path("notes.json").write_text('{"a": 1}')
    torch.save({"w": torch.zeros(3)}, "pickle.safetensors")
    Path("afile").write_text("a file, not a folder")
    Path("keep.png").write_bytes(b"an earlier grid")
    Path("keep.safetensors").write_bytes(TEACHER.read_bytes())
    Path("folder.json").mkdir()
    Path("ddss_run").mkdir(); Path("ddss_run/sampler.safetensors").write_bytes(GGDM5.read_bytes())
    Path("results").mkdir()
    _odd_files()
    return tmp_path

def _png_claiming(w: int, h: int) -> bytes:
    "A PNG header that claims w x h grey pixels (PIL refuses a decompression bomb on opening, before decoding)."
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) + chunk(b"IEND", b"")

def _odd_files():
    "What a hostile user has lying around: foreign folders, odd grid and results files, FIFOs, damaged images."
    from fastddss.ld3 import GRID_FORMAT
    from PIL import Image
    grid = lambda sampler, times: json.dumps(dict(format=GRID_FORMAT, sampler=sampler, times=times, hyper={}, info={}))
    Path("mine").mkdir()
    Path("mine/history.json").write_text("[1, 2, 3]")                          # the user's own, not a run of ours
    Path("our_run").mkdir()
    Path("our_run/run.json").write_text(json.dumps(dict(command="ddss")))
    Path("held/busy").mkdir(parents=True)                                 # a run in use by a live process (this one)
    Path("held/busy/run.json").write_text(json.dumps(dict(command="ddss")))
    Path("held/.busy.lock").write_text(json.dumps(dict(pid=os.getpid(), host=socket.gethostname())))
    Path("ggf.json").write_text(grid("ggf", [1.0, 0.5, 0.0]))
    Path("ddim2.json").write_text(grid("ddim", [1.0, 0.5, 0.0]))
    Path("long.json").write_text(grid("ddim", [1 - i / 20_000 for i in range(20_001)]))
    Path("deep.json").write_text("[" * 100_000 + "]" * 100_000)
    os.mkfifo("fifo.json")
    for name in ("binres", "deepres", "dirres", "fifores"): Path(name).mkdir()
    Path("binres/r.json").write_bytes(b"\xff\xfe\x00" + os.urandom(64))
    Path("deepres/r.json").write_text("{\"a\": " * 50_000 + "1" + "}" * 50_000)
    Path("dirres/r.json").mkdir()
    os.mkfifo("fifores/r.json")
    Path("bomb").mkdir()
    Path("bomb/big.png").write_bytes(_png_claiming(20_000, 20_000))
    Path("cutpng").mkdir()
    Image.fromarray(np.frombuffer(os.urandom(784), np.uint8).reshape(28, 28)).save("cutpng/a.png")   # noise: ~900 bytes
    Path("cutpng/a.png").write_bytes(Path("cutpng/a.png").read_bytes()[:200])

def snapshot(root: Path) -> dict:
    "Every file and folder under `root` (hidden ones too), with a hash of each file's bytes."
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            for p in sorted(root.rglob("*"))}

def refused(argv, capsys) -> str:
    "Run `fastddss ARGV`; assert exit code 2 and exactly one line on stderr, no traceback; return the line."
    with pytest.raises(SystemExit) as e: console(argv)
    err = capsys.readouterr().err
    assert e.value.code == 2, (e.value.code, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fastddss: error: ") and "Traceback" not in err, err
    assert len(lines[0]) <= 1100, f"{len(lines[0])} characters"          # a path of 4 KB is not echoed whole
    return lines[0]

ROWS = [  # (argv, what the one line must say)
    (["sample", "-n", "0", "--out", "x.png"], "argument -n/--num-samples: must be at least 1, got 0"),
    (["sample", "-n", "-5", "--out", "x.png"], "must be at least 1, got -5"),
    (["sample", "-n", "many", "--out", "x.png"], "expected an integer, got 'many'"),
    (["eval", "-n", "1", "--out", "e.json"], "must be at least 2, got 1"),
    (["sample", "--nrow", "0", "--out", "x.png"], "argument --nrow: must be at least 1"),
    (["sample", "--seed", str(2**70), "--out", "x.png"], "argument --seed: must be at most"),
    (["sample", "--steps", "100000000", "--out", "x.png"], "argument --steps: must be at most 10,000"),
    (["sample", "--steps", "0", "--out", "x.png"], "argument --steps: must be at least 1"),
    (["distill", "--steps-per-round", "0", "--out", "d"], "argument --steps-per-round: must be at least 1"),
    (["distill", "--batch-size", "0", "--out", "d"], "argument --batch-size: must be at least 1"),
    (["distill", "--lr", "nan", "--out", "d"], "argument --lr: must be a finite number > 0"),
    (["ddss", "--iters", "-3", "--out", "d"], "argument --iters: must be at least 1, got -3"),
    (["ddss", "--batch-size", "1", "--out", "d"], "argument --batch-size: must be at least 2"),
    (["ddss", "--eval-n", "1", "--out", "d"], "FID and KID need at least 2 samples"),
    (["reflow", "--pairs", "0", "--out", "d"], "argument --pairs: must be at least 1"),
    (["redi", "--kb-size", "0", "--out", "d"], "argument --kb-size: must be at least 1"),
    (["train-teacher", "--batch-size", "0", "--out", "d"], "argument --batch-size: must be at least 1"),
    (["train-teacher", "--steps", "0", "--out", "d"], "argument --steps: must be at least 1"),
    (["train-teacher", "--time-limit", "-1", "--out", "d"], "argument --time-limit: must be a finite number of seconds >= 0"),
    (["sample", "--device", "banana", "--out", "x.png"], "unknown device 'banana'"),
    (["sample", "--out", "result.jpg"], "sample writes a .png grid, a .pt tensor, or a folder"),
    (["sample", "--out", "afile/x.png"], "afile is a file, not a folder"),
    (["sample", "--out", "keep.png"], "keep.png exists: choose another --out, or pass --force"),
    (["sample", "-n", "20000", "--out", "big.png"], "too many for one PNG grid"),
    (["eval", "--out", "e.txt"], "expected a file ending in .json"),
    (["eval", "--out", "folder.json"], "folder.json is a folder, not a file"),
    (["compare", "--results", "nowhere", "--out", "c.md"], "--results nowhere is not a folder"),
    (["compare", "--results", "results", "--out", "c.md"], "no scored samplers in results"),
    (["sample", "--model", "empty.safetensors", "--out", "x.png"], "empty.safetensors"),
    (["sample", "--model", "cut.safetensors", "--out", "x.png"], "cut.safetensors"),
    (["sample", "--model", "junk.safetensors", "--out", "x.png"], "junk.safetensors"),
    (["sample", "--model", "pickle.safetensors", "--out", "x.png"], "pickle.safetensors"),
    (["sample", "--model", "notes.json", "--out", "x.png"], "notes.json"),
    (["sample", "--model", "missing.safetensors", "--out", "x.png"], "missing.safetensors"),
    (["sample", "--ggdm", "empty.safetensors", "--out", "x.png"], "empty.safetensors"),
    (["sample", "--ggdm", "cut.safetensors", "--out", "x.png"], "cut.safetensors"),
    (["sample", "--ggdm", "keep.safetensors", "--out", "x.png"], "keep.safetensors"),
    (["sample", "--model", str(STUDENT4), "--steps", "1", "--out", "x.png"], "distilled to sample with DDIM in 4 step(s) on the linear grid; --sampler ddim --steps 1"),
    (["sample", "--model", str(STUDENT4), "--grid", "karras", "--out", "x.png"], "--grid karras is off it"),
    (["sample", "--model", str(STUDENT4), "--sampler", "ddpm", "--out", "x.png"], "--sampler ddpm --steps 4"),
    (["sample", "--out", ".."], "give the output a name of its own"),
    (["sample", "--out", ".png"], "a hidden name"),
    (["sample", "--out", "b" * 243 + ".png"], "the name is 247 characters long"),
    (["eval", "--data", "", "--out", "e.json"], "argument --data: is empty"),
    (["ddss", "--lr", "1e308", "--out", "d"], "argument --lr: must be at most 1e6"),
    (["sample", "-n", "2", "--out", "ddss_run", "--force"], "--force would replace ddss_run, which holds more than samples (sampler.safetensors"),
    (["distill", "--eval-n", "4", "--eval-steps", "3", "--out", "d"], "--eval-steps 3: no student has [3] steps"),
    (["sample", "-n", "2", "--out", "new/sub/x.png", "--sampler", "foo"], "unknown sampler 'foo'"),
    (["train-teacher", "--steps", "2", "--out", "t", "--export", "keep.safetensors"], "keep.safetensors exists: choose another --export, or pass --force"),
    (["train-teacher", "--out", "t", "--export", "t.pt"], "--export t.pt: expected a file ending in .safetensors"),
    (["ddss", "--out", "ddss_run"], "--out ddss_run holds files no fastddss run made (sampler.safetensors"),
    (["ddss", "--out", "afile"], "afile is a file, not a folder"),
    (["distill", "--eval-steps", "4,x", "--out", "d"], "--eval-steps takes integers"),
    (["ddss", "--warmup", "-1", "--out", "d"], "argument --warmup: must be at least 0, got -1"),
    (["ddss", "--val-n", "1", "--out", "d"], "argument --val-n: must be at least 2"),
    (["ddss", "--backoff", "1.5", "--out", "d"], "argument --backoff: must be at most 1 (1: never lower the learning rate), got 1.5"),
    (["ddss", "--backoff", "0", "--out", "d"], "argument --backoff: must be a finite number > 0, got 0"),
    (["ddss", "--steps", "2", "--iters", "3", "--warmup", "5", "--out", "d"], "warmup=5 leaves no iteration after the warm-up: pass warmup < iters=3"),
    (["ddss", "--model", str(STUDENT4), "--steps", "5", "--out", "d"], "distilled to sample with DDIM in 4 step(s) on the linear grid, where DDSS would start; --steps 5"),
    (["eval", "--repeats", "0", "--out", "e.json"], "argument --repeats: must be at least 1"),
    (["eval", "--repeats", "1000", "--out", "e.json"], "argument --repeats: must be at most 100"),
    # issue 30, 3: --resume only on a folder this tool made; a folder in use is said to be in use
    (["ddss", "--out", "mine"], "--out mine holds files no fastddss run made (history.json; no run.json"),
    (["ddss", "--out", "mine", "--resume"], "--out mine holds files no fastddss run made (history.json"),
    (["ddss", "--out", "our_run"], "our_run holds an earlier run: pass --resume"),
    (["redi", "--out", "our_run", "--resume"], "our_run holds a `fastddss ddss` run, not a `fastddss redi` one"),
    (["ddss", "--out", "held/busy"], f"busy is in use by process {os.getpid()}"),
    # 8, 9: a grid file is checked like --grid and --steps; a FIFO is no file
    (["sample", "--grid", "ggf.json", "--out", "x.png"], "ggf.json names sampler 'ggf', which chooses its own steps"),
    (["sample", "--grid", "long.json", "--out", "x.png"], "--grid long.json has 20,000 steps: at most 10,000"),
    (["sample", "--grid", "fifo.json", "--out", "x.png"], "--grid fifo.json is a FIFO (named pipe), not a file"),
    (["sample", "--ggdm", "fifo.json", "--out", "x.png"], "--ggdm fifo.json is a FIFO (named pipe), not a file"),
    (["sample", "--grid", "nowhere.json", "--out", "x.png"], "--grid nowhere.json: no such file"),
    (["sample", "--model", str(STUDENT4), "--grid", "ddim2.json", "--out", "x.png"], "--grid ddim2.json is off it"),
    # 10: deep JSON, damaged images, sizes beyond this machine's memory
    (["sample", "--grid", "deep.json", "--out", "x.png"], "--grid deep.json is nested too deeply"),
    (["compare", "--results", "deepres", "--out", "c.md"], "--results: deepres/r.json is nested too deeply"),
    (["compare", "--results", "binres", "--out", "c.md"], "--results: binres/r.json is not text"),
    (["compare", "--results", "dirres", "--out", "c.md"], "--results: dirres/r.json is a folder, not a results file"),
    (["compare", "--results", "fifores", "--out", "c.md"], "--results: fifores/r.json is a FIFO (named pipe)"),
    (["eval", "-n", "2", "--data", "bomb", "--out", "e.json"], "bomb/big.png is not a readable image (Decompression"),
    (["eval", "-n", "2", "--data", "cutpng", "--out", "e.json"], "cutpng/a.png is not a readable image"),
    (["redi", "--kb-size", str(10**12), "--out", "d"], "--kb-size 1,000,000,000,000: 7 float32 copies"),
    (["ddss", "--batch-size", str(10**12), "--out", "d"], "--batch-size 1,000,000,000,000: 7 float32 copies"),
    (["ld3", "--pairs", str(10**12), "--out", "d"], "--pairs 1,000,000,000,000: 3 float32 copies"),
    (["reflow", "--pairs", str(10**12), "--out", "d"], "--pairs 1,000,000,000,000: 4 float32 copies"),
    # unclear one-liners made clear
    (["sample", "--out", "/proc/x.png"], "--out /proc/x.png: "),
    (["sample", "--out", "a/" * 2100 + "x.png"], "--out: the path is 4,205 characters long; at most 4,095 (PATH_MAX)"),
    (["sample", "--out", "b" * 300 + "/x.png"], "File name too long: choose another --out"),
    (["sample", "--model", "", "--out", "x.png"], "argument --model: is empty: name a model file"),
    (["sample", "--ggdm", "", "--out", "x.png"], "argument --ggdm: is empty"),
    (["ddss", "--lr", "-1e-3", "--out", "d"], "argument --lr: must be a finite number > 0, got -1e-3"),
    (["sample", "-n", "-1e3", "--out", "x.png"], "argument -n/--num-samples: expected an integer, got '-1e3'"),
    # probe of 2026-12-07, 1: a training batch beyond this machine's memory, refused before any work
    (["train-teacher", "--batch-size", str(10**9), "--out", "d"], "--batch-size 1,000,000,000: 1080 float32 copies"),
    (["distill", "--batch-size", str(10**9), "--out", "d"], "--batch-size 1,000,000,000: 1080 float32 copies"),
    (["reflow", "--batch-size", str(10**9), "--eval-n", "0", "--out", "d"],
     "--batch-size 1,000,000,000: 1080 float32 copies"),
    # 2, 4: sample counts capped at the argument, before any work
    (["cifar10", "-n", str(10**12), "--out", "c"], "argument -n/--num-samples: must be at most 10,000,000"),
    (["eval", "--steps", "1", "-n", str(10**12), "--out", "e.json"],
     "argument -n/--num-samples: must be at most 10,000,000"),
    (["sample", "-n", str(2**63 - 1), "--out", "pngs"], "argument -n/--num-samples: must be at most 10,000,000"),
    (["ddss", "--eval-n", str(10**12), "--out", "d"], "argument --eval-n: must be at most 10,000,000"),
    (["redi", "--eval-n", str(10**12), "--out", "d"], "argument --eval-n: must be at most 10,000,000"),
    (["reflow", "--eval-n", str(10**12), "--out", "d"], "argument --eval-n: must be at most 10,000,000"),
    # 3: a learned GGDM sampler's K x K coefficients
    (["ddss", "--steps", "5000", "--out", "d"], "argument --steps: must be at most 1,000, got 5,000"),
    (["ld3", "--sampler", "ggdm", "--steps", "2000", "--out", "d"],
     "--steps 2,000: a GGDM sampler's coefficients are K x K"),
    (["fit", "--steps", "5000", "--out", "d"], "argument --steps: must be at most 1,000"),
    # 11: the only labels are the embedded digits'
    (["eval", "--model", str(ASSETS / "latent_mnist"), "--labels", "data", "--data", "cutpng", "--out", "e.json"],
     "--labels data draws the embedded digits' labels, the only ones fastddss has; --data cutpng brings none"),
    # 12: guidance bounded at the argument; a name with a space quoted as given
    (["sample", "--guidance", "1e30", "--out", "x.png"], "argument --guidance: must be a finite number with |w| <="),
    (["sample", "--guidance", "-1e30", "--out", "x.png"], "argument --guidance: must be a finite number with |w| <="),
    (["sample", "--guidance", "nan", "--out", "x.png"], "argument --guidance: must be a finite number"),
    (["sample", "--out", " .png"], "--out ' .png': the name begins or ends with white space"),
]

@pytest.mark.parametrize("argv, message", ROWS, ids=[" ".join(r[0])[:60] for r in ROWS])
def test_one_line_and_nothing_changed(place, capsys, argv, message):
    before = snapshot(place)
    line = refused(argv, capsys)
    assert message in line, line
    assert snapshot(place) == before

@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_a_device_this_machine_lacks(place, capsys):
    before = snapshot(place)
    assert "no cuda device is available on this machine; use --device cpu" in refused(["sample", "--device", "cuda", "--out", "x.png"], capsys)
    assert snapshot(place) == before

def test_the_process_itself(tmp_path):
    "As a real process: exit code 2, one line, no traceback; --debug shows the traceback."
    run = lambda *a: subprocess.run([sys.executable, "-m", "fastddss.cli", *a], capture_output=True, text=True, cwd=tmp_path)
    p = run("sample", "--model", "nothing.safetensors")
    assert p.returncode == 2 and p.stderr.count("\n") == 1 and p.stderr.startswith("fastddss: error: ") and "nothing.safetensors" in p.stderr, p.stderr
    d = run("sample", "--model", "nothing.safetensors", "--debug")
    assert d.returncode == 2 and "Traceback" in d.stderr and d.stderr.strip().endswith(p.stderr.strip()), d.stderr
    assert list(tmp_path.iterdir()) == []

def test_a_second_process_on_the_same_output_is_refused(place, capsys):
    "A live process's lock (here: this process's own, as if another command held it) refuses the command, naming the pid."
    Path(".x.png.lock").write_text(json.dumps(dict(pid=os.getpid(), host=socket.gethostname())))
    before = snapshot(place)
    assert f"x.png is in use by process {os.getpid()}" in refused(["sample", "-n", "2", "--steps", "1", "--out", "x.png"], capsys)
    assert snapshot(place) == before
    Path(".x.png.lock").write_text(json.dumps(dict(pid=2**22 + 12345, host=socket.gethostname())))   # a dead process's
    console(["sample", "-n", "2", "--steps", "1", "--out", "x.png"])
    assert Path("x.png").exists() and not Path(".x.png.lock").exists()

def test_force_replaces_a_folder_whole(place, capsys):
    console(["sample", "-n", "3", "--steps", "1", "--out", "pngs"])
    assert sorted(p.name for p in Path("pngs").iterdir()) == ["00000.png", "00001.png", "00002.png"]
    assert "pngs exists" in refused(["sample", "-n", "2", "--steps", "1", "--out", "pngs"], capsys)
    console(["sample", "-n", "2", "--steps", "1", "--out", "pngs", "--force"])
    assert sorted(p.name for p in Path("pngs").iterdir()) == ["00000.png", "00001.png"]      # none of the old run's left
    assert sorted(p.name for p in place.iterdir() if p.name.startswith(".")) == []            # no staging folder, no lock

def test_a_student_at_its_own_steps(place):
    "A distilled student samples at its own steps by default; --off-grid samples it elsewhere on purpose."
    console(["sample", "--model", str(STUDENT4), "-n", "2", "--out", "s.pt"])
    console(["sample", "--model", str(STUDENT4), "-n", "2", "--steps", "1", "--off-grid", "--out", "s1.pt"])
    assert Path("s.pt").exists() and Path("s1.pt").exists()

class Payload:
    "A pickle that, unpickled with code allowed, creates a file: what a planted run folder could do."
    def __init__(self, marker): self.marker = marker
    def __reduce__(self): return (Path.touch, (self.marker,))

PLANTED = [  # (command that resumes, the file it reads first)
    (["train-teacher", "--steps", "2", "--batch-size", "4", "--out", "run", "--resume", "--quiet"], "run/checkpoint.pt"),
    (["ddss", "--steps", "2", "--iters", "2", "--batch-size", "4", "--real-batch", "8", "--out", "run", "--resume", "--quiet"], "run/checkpoint.pt"),
    (["distill", "--from-steps", "2", "--to-steps", "1", "--steps-per-round", "1", "--batch-size", "2", "--out", "run", "--resume", "--quiet"],
     "run/round_0001/checkpoint.pt"),
    (["reflow", "--pairs", "2", "--pair-steps", "1", "--reflow-steps", "1", "--distill-steps", "1", "--batch-size", "2", "--eval-n", "0",
      "--out", "run", "--resume", "--quiet"], "run/pairs_teacher.pt"),
    (["redi", "--steps", "2", "--kb-size", "2", "--kb-steps", "0,1", "--jumps", "0:1:1", "--eval-n", "0", "--out", "run", "--resume", "--quiet"],
     "run/kb.safetensors"),
]

@pytest.mark.parametrize("argv, planted", PLANTED, ids=[r[0][0] for r in PLANTED])
def test_a_planted_pickle_runs_no_code(tmp_path, monkeypatch, capsys, argv, planted):
    import fastddss.cli
    monkeypatch.chdir(tmp_path)
    Path(planted).parent.mkdir(parents=True)
    torch.save({"step": 1, "payload": Payload(tmp_path / "code_ran")}, planted)
    Path("run/run.json").write_text(json.dumps(dict(command=argv[0])))    # planted as a run of this command, settings
    monkeypatch.setattr(fastddss.cli.core, "check_settings", lambda *a: None)  # matching (as a copied run.json's would)
    line = refused(argv, capsys)
    assert planted.split("/")[-1] in line, line
    assert not (tmp_path / "code_ran").exists()

def test_the_demo_runs_no_code_from_its_folder(tmp_path):
    from fastddss.demo import demo_records
    torch.save({"step": 1, "payload": Payload(tmp_path / "code_ran")}, (tmp_path / "ddss").mkdir() or tmp_path / "ddss" / "checkpoint.pt")
    with pytest.raises(ValueError, match="not a fastddss checkpoint"):
        demo_records(tmp_path, (2,), n=4, ddss_iters=1, students=(), seed=0, progress=False)
    assert not (tmp_path / "code_ran").exists()

def test_diverged_samples_are_said_and_not_written(place, capsys, monkeypatch):
    "Samples far outside the data's [-1, 1] (here: the bound lowered so that any sample is) stop the command; nothing is written."
    import fastddss.cli, fastddss.grids
    monkeypatch.setattr(fastddss.grids, "DIVERGED", 1e-3)
    before = snapshot(place)
    for out in ("x.png", "x.pt", "pngs"):
        assert "the samples diverged: values up to" in refused(["sample", "-n", "3", "--steps", "1", "--out", out], capsys)
    assert "the samples diverged" in refused(["eval", "-n", "3", "--steps", "1", "--out", "e.json", "--quiet"], capsys)
    assert snapshot(place) == before

def test_the_samples_stream(place, monkeypatch):
    "sample and eval hold one batch of samples at a time: the sampler never sees more than a batch, whatever n."
    import fastddss.evaluation
    seen, sampler = [], fastddss.evaluation.SAMPLERS["ddim"]
    class Spy:
        def __getattr__(self, k): return getattr(sampler, k)
        def __call__(self, model, z, ts, **kw): seen.append(len(z)); return sampler(model, z, ts, **kw)
    monkeypatch.setitem(fastddss.evaluation.SAMPLERS, "ddim", Spy())
    console(["sample", "-n", "1200", "--steps", "1", "--out", "many"])
    assert max(seen) <= 500 and sum(seen) == 1200 and len(list(Path("many").iterdir())) == 1200

def test_a_ddss_run_that_blows_up_keeps_its_last_good_sampler(place, capsys, monkeypatch):
    "An update that goes non-finite (simulated after 2 good ones) stops with one line, the last good sampler written."
    import fastddss.cli
    from fastddss.ggdm import load_sampler
    real = fastddss.cli.learn.train_ddss
    def blows_up(*args, **kw):
        real(*args, **{**kw, "iters": 2})
        raise FloatingPointError("DDSS iteration 2: the loss is nan. The update was not taken")
    monkeypatch.setattr(fastddss.cli.learn, "train_ddss", blows_up)
    line = refused(["ddss", "--steps", "2", "--iters", "5", "--batch-size", "4", "--real-batch", "8", "--out", "blown", "--quiet"], capsys)
    assert "the loss is nan" in line and "the last good sampler (iteration 2) is in blown/sampler.safetensors" in line, line
    assert load_sampler("blown/sampler.safetensors").info["iters"] == 2

def test_a_distillation_resumed_under_another_teacher_is_refused(place, capsys):
    "The teacher's fingerprint is part of a round's settings: --resume with another --model is refused, naming both."
    from fastddss.models import fingerprint, load_model
    args = ["distill", "--from-steps", "2", "--to-steps", "1", "--steps-per-round", "1", "--batch-size", "2", "--out", "pd", "--quiet"]
    console(args)
    before = snapshot(place)
    line = refused(args + ["--resume", "--model", str(STUDENT4)], capsys)
    assert fingerprint(load_model(None)) in line and fingerprint(load_model(str(STUDENT4))) in line, line
    assert snapshot(place) == before


def test_a_resume_under_another_command_or_data_is_refused(place, capsys):
    "OUT/run.json records which command made a run and on what: redi --resume on a reflow folder, or ddss --resume on other data, is refused."
    Path("digits").mkdir()
    from fastddss.data import load_mnist
    from PIL import Image
    for j, x in enumerate(load_mnist("held_out")[0][:8]): Image.fromarray(((x[0] + 1) * 127.5).round().byte().numpy()).save(f"digits/{j}.png")
    console(["ddss", "--steps", "2", "--iters", "1", "--batch-size", "4", "--real-batch", "8", "--out", "dd", "--quiet"])
    before = snapshot(place)
    line = refused(["ddss", "--steps", "2", "--iters", "2", "--batch-size", "4", "--real-batch", "8", "--out", "dd", "--quiet", "--resume",
                    "--data", "digits"], capsys)
    assert "data: 'mnist' there, 'digits' here" in line and "fit: 'pad' there, 'resize' here" in line, line
    assert "holds a `fastddss ddss` run, not a `fastddss redi` one" in refused(["redi", "--out", "dd", "--resume", "--eval-n", "0"], capsys)
    assert snapshot(place) == before

def test_compare_writes_nothing_when_the_plot_fails(place, capsys, monkeypatch):
    import fastddss.cli
    from fastddss.evaluation import Result, save_results
    rec = dict(method="DDIM linear", family="learning-free", model="m", sampler="ddim", hyper={}, grid="linear", times=[1.0, 0.0], K=1, nfe=1,
               n=10, seed=0, step_noise="per-sample", ranks=1, feature_net="f", reference="r", fid=3.0, kid_x1e3=1.0, inception_score=None,
               seconds=1.0, device="cpu", train_seconds=0.0, provenance={})
    save_results("results/r.json", [Result(**rec)], what="w", how="h")
    def broken(*a, **k): raise ValueError("Data cannot be log-scaled")
    monkeypatch.setattr(fastddss.cli.compare, "plot_fid_vs_nfe", broken)
    before = snapshot(place)
    assert "cannot be log-scaled" in refused(["compare", "--results", "results", "--out", "c.md", "--plot", "c.png"], capsys)
    assert snapshot(place) == before

def test_a_lock_follows_the_place_not_the_name(place, capsys):
    "A symlink to a run folder shares the folder's lock; a lock file that is not ours (a list, a pid that is not a number) is stale."
    Path("real").mkdir(); Path("link").symlink_to(Path("real").resolve())
    Path(".real.lock").write_text(json.dumps(dict(pid=os.getpid(), host=socket.gethostname())))
    assert "in use by process" in refused(["ddss", "--out", "link", "--iters", "1"], capsys)
    Path(".x.png.lock").write_text("[1, 2]")
    console(["sample", "-n", "2", "--steps", "1", "--out", "x.png"])
    assert Path("x.png").exists() and not Path(".x.png.lock").exists()

def test_a_student_that_is_its_own_base(place, capsys):
    "A student file whose base model is itself (a cycle) is one line, not a RecursionError."
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file
    with safe_open(str(ASSETS / "pd_student_2.safetensors"), "pt") as f: meta = dict(f.metadata())
    meta["base"] = json.dumps({"path": str(place / "self.safetensors"), "relative": "self.safetensors"})
    save_file(load_file(str(ASSETS / "pd_student_2.safetensors")), "self.safetensors", metadata=meta)
    assert "leads back to itself" in refused(["sample", "--model", "self.safetensors", "--out", "x.png"], capsys)

def test_force_through_a_link_swaps_the_folder_it_points_to(place, capsys):
    "--force on a symlink to a folder of samples swaps the folder it points to; the link stays; nothing is left beside."
    console(["sample", "-n", "3", "--steps", "1", "--out", "pngs"])
    Path("link").symlink_to("pngs")
    console(["sample", "-n", "2", "--steps", "1", "--out", "link", "--force"])
    assert Path("link").is_symlink() and sorted(p.name for p in Path("pngs").iterdir()) == ["00000.png", "00001.png"]
    assert sorted(p.name for p in place.iterdir() if p.name.startswith(".")) == []      # no staging folder, .old, lock

GOOD = dict(method="DDIM linear", family="learning-free", model="m", sampler="ddim", hyper={}, grid="linear",
            times=[1.0, 0.0], K=1, nfe=1, n=10, seed=0, step_noise="per-sample", ranks=1, feature_net="f",
            reference="r", fid=3.0, kid_x1e3=1.0, inception_score=None, seconds=1.0, device="cpu", train_seconds=0.0,
            provenance={})
IMPOSSIBLE = [("fid", -1, "fid is -1"), ("fid", 1e308, "fid is 1e+308"), ("method", None, "method is null"),
              ("method", 5, "method is 5"), ("n", 0, "n is 0"), ("K", -1, "K is -1"), ("times", "x", 'times is "x"'),
              ("nfe", 1e308, "nfe is 1e+308"), ("kid_x1e3", float("nan"), "kid_x1e3 is NaN"),
              ("family", "x", 'family is "x"')]

@pytest.mark.parametrize("field, value, said", IMPOSSIBLE, ids=[f"{f}={v!r}" for f, v, _ in IMPOSSIBLE])
def test_compare_refuses_an_impossible_record(place, capsys, field, value, said):
    "A results file holding a record no run can make (probe 9) is refused, naming the file, the record and the field."
    from fastddss.evaluation import RESULTS_FORMAT
    doc = dict(format=RESULTS_FORMAT, what="w", how="h", records=[GOOD, {**GOOD, field: value}])
    Path("results/r.json").write_text(json.dumps(doc))
    before = snapshot(place)
    line = refused(["compare", "--results", "results", "--out", "c.md", "--plot", "c.png"], capsys)
    assert "results/r.json holds a record that is not a Result (record 1: " + said in line, line
    assert snapshot(place) == before

def test_compare_names_a_number_too_long_to_read(place, capsys):
    "An integer of 5,000 digits stops JSON with Python's conversion limit: the file is named (probe 9)."
    from fastddss.evaluation import RESULTS_FORMAT
    text = json.dumps(dict(format=RESULTS_FORMAT, records=[GOOD])).replace('"nfe": 1', '"nfe": ' + "9" * 5000)
    Path("results/r.json").write_text(text)
    before = snapshot(place)
    line = refused(["compare", "--results", "results", "--out", "c.md"], capsys)
    assert "--results: results/r.json holds a number too long to read" in line, line
    assert snapshot(place) == before

def test_a_full_disk_is_named_and_leaves_no_run_folder(place, capsys, monkeypatch):
    "A full disk (simulated at the first write, the folder made): one line naming the output, no folder left (probe 12)"
    import errno
    import fastddss.cli
    def full(obj, path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(fastddss.cli.core, "save_json", full)
    before = snapshot(place)
    line = refused(["redi", "--steps", "2", "--kb-size", "2", "--kb-steps", "0,1", "--jumps", "0:1:1", "--eval-n", "0",
                    "--out", "r", "--quiet"], capsys)
    assert "the disk is full (no space left on device) writing r: free some space" in line, line
    def no_room(path, write, **kw): raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(fastddss.cli.sample, "atomic_write", no_room)
    line = refused(["sample", "-n", "2", "--steps", "1", "--out", "pngs"], capsys)
    assert "the disk is full (no space left on device) writing pngs" in line, line
    assert snapshot(place) == before

def test_cifar10_resume_redraws_damaged_samples(tmp_path, monkeypatch):
    "--resume counts only whole PNGs of the right size and mode: junk, a wrong size, a cut file are redrawn (probe 10)."
    from PIL import Image
    monkeypatch.chdir(tmp_path)
    args = ["cifar10", "--model", str(ASSETS / "ddpm_mnist32"), "-n", "4", "--steps", "1", "--no-fid", "--out", "c"]
    console(args)
    good = Path("c/samples/00000.png").read_bytes()
    Path("c/samples.json").unlink()
    Path("c/samples/00001.png").write_bytes(b"junk")
    Image.new("L", (28, 28)).save("c/samples/00002.png")
    Path("c/samples/00003.png").write_bytes(Path("c/samples/00003.png").read_bytes()[:60])
    console(args + ["--resume"])
    assert json.loads(Path("c/samples.json").read_text())["drawn_now"] == 3
    for j in range(4):
        with Image.open(f"c/samples/{j:05d}.png") as im:
            im.load()
            assert im.size == (32, 32) and im.mode == "L"
    assert Path("c/samples/00000.png").read_bytes() == good

def test_distill_scores_the_students_its_rounds_make(place):
    "--from-steps 2 --to-steps 1 with the default --eval-steps scores the one student it makes, not 8,4,2,1 (probe 12)."
    console(["distill", "--from-steps", "2", "--to-steps", "1", "--steps-per-round", "1", "--batch-size", "2",
             "--eval-n", "2", "--out", "pd", "--quiet"])
    assert [(r["K"], r["n"]) for r in json.loads(Path("pd/eval.json").read_text())["records"]] == [(1, 2)]
