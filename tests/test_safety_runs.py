"""`runs.run_lock` and `runs.atomic_write` under a hostile probe: processes racing for one lock, an interrupt landing
between the two renames of a folder swap, and lock files this code never wrote."""
import json, multiprocessing as mp, os, random, signal, socket, time
from pathlib import Path
import pytest
from fastddss.runs import atomic_write, run_lock

PROCESSES, TRIALS = 6, 40
DEAD = 2**22 + 12345                     # above Linux's largest pid_max: never a live process

def _slow(f):
    "`f`, a random 0-4 ms late: a loaded machine, on which every window between two steps opens wide."
    def slowly(*a, **k):
        time.sleep(random.uniform(0, 0.004))
        return f(*a, **k)
    return slowly

def _contend(folder, barrier, inside, results):
    "Race the other processes for each trial's lock; count the times another holder was inside at the same moment."
    json.dump, json.loads = _slow(json.dump), _slow(json.loads)    # writing, reading a lock: in this child only
    overlaps, errors = 0, []
    for t in range(TRIALS):
        barrier.wait(timeout=60)
        try:
            with run_lock(Path(folder) / f"out{t}"):
                with inside.get_lock():
                    inside.value += 1
                    overlaps += inside.value > 1
                time.sleep(0.05)
                with inside.get_lock(): inside.value -= 1
        except FileExistsError as e:
            if "in use by process" not in str(e): errors.append(str(e))
        except Exception as e: errors.append(f"{type(e).__name__}: {e}")
    results.put((overlaps, errors))

def test_one_lock_one_holder(tmp_path):
    "Processes released together by a barrier, on a fresh output or on a killed run's lock: never two holders at once."
    for t in range(1, TRIALS, 2):        # every other trial starts from a dead process's lock: one takeover only
        (tmp_path / f".out{t}.lock").write_text(json.dumps(dict(pid=DEAD, host=socket.gethostname())))
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    barrier, inside, results = ctx.Barrier(PROCESSES), ctx.Value("i", 0), ctx.Queue()
    procs = [ctx.Process(target=_contend, args=(str(tmp_path), barrier, inside, results)) for _ in range(PROCESSES)]
    for p in procs: p.start()
    got = [results.get(timeout=120) for _ in procs]
    for p in procs: p.join(timeout=30)
    overlaps = sum(o for o, _ in got)
    assert [e for _, errors in got for e in errors] == []
    assert overlaps == 0, f"two processes held one lock {overlaps} times in {TRIALS} trials"
    assert sorted(p.name for p in tmp_path.iterdir()) == []      # every lock released, no temporary file left

def _model(tmp_path) -> Path:
    "A folder `model` holding a.json: the one a swap replaces."
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "a.json").write_text('"a"')
    return folder

def _new(tmp):
    tmp.mkdir()
    (tmp / "c.json").write_text("{}")

def _names(folder: Path) -> list[str]: return sorted(p.name for p in folder.iterdir())

def test_an_interrupt_in_the_swap_keeps_the_old_folder(tmp_path, monkeypatch):
    "Interrupted at the second rename of a swap (the old folder moved aside, the new one not in place): put back."
    folder = _model(tmp_path)
    def interrupted(*a, **k): raise KeyboardInterrupt
    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt): atomic_write(folder, _new, replace_folder=True)
    monkeypatch.undo()
    assert _names(tmp_path) == ["model"]                                # no .old, no temporary folder
    assert _names(folder) == ["a.json"] and (folder / "a.json").read_text() == '"a"'

@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_between_the_renames_waits_for_the_swap(tmp_path, monkeypatch, sig):
    "A Ctrl-C, or a `kill` (which the CLI turns into KeyboardInterrupt), between the two renames comes after them."
    folder, real = _model(tmp_path), os.replace
    def signalled(*a, **k):
        signal.raise_signal(sig)
        return real(*a, **k)
    def terminated(n, f): raise KeyboardInterrupt
    handler = signal.default_int_handler if sig == signal.SIGINT else terminated
    before = signal.signal(sig, handler)
    try:
        monkeypatch.setattr(os, "replace", signalled)
        with pytest.raises(KeyboardInterrupt): atomic_write(folder, _new, replace_folder=True)
        monkeypatch.undo()
        assert _names(tmp_path) == ["model"]
        assert _names(folder) == ["c.json"]                             # the swap finished, then the interrupt came
        assert signal.getsignal(sig) is handler                         # the handler is back
    finally: signal.signal(sig, before)

def test_an_interrupted_writer_still_leaves_the_old_folder(tmp_path):
    "The writer itself interrupted: the old folder untouched, nothing else left; a plain swap still works."
    folder = _model(tmp_path)
    def dies(tmp):
        tmp.mkdir()
        (tmp / "half.json").write_text("{")
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt): atomic_write(folder, dies, replace_folder=True)
    assert _names(tmp_path) == ["model"] and _names(folder) == ["a.json"]
    atomic_write(folder, _new, replace_folder=True)
    assert _names(tmp_path) == ["model"] and _names(folder) == ["c.json"]

def _refusal(tmp_path, lock_text=None) -> str:
    "The error of taking the lock of tmp_path/run (its lock first written with `lock_text`): one line naming the lock."
    lock = tmp_path / ".run.lock"
    if lock_text is not None: lock.write_text(lock_text)
    with pytest.raises(OSError) as e:
        with run_lock(tmp_path / "run"): pass
    msg = str(e.value)
    assert "\n" not in msg and "[Errno" not in msg and str(lock) in msg, msg
    return msg

@pytest.mark.parametrize("pid", [-1, 0, -12345, 2**31, 2**70])
def test_a_lock_with_an_absurd_pid_is_refused_clearly(tmp_path, pid):
    "os.kill(-1, 0) reaches every process, pid 0 the group (both look alive); 2**70 overflows it: no process id."
    msg = _refusal(tmp_path, json.dumps(dict(pid=pid, host=socket.gethostname())))
    assert f"names process {pid}" in msg and "in use" not in msg and "delete it" in msg, msg
    assert (tmp_path / ".run.lock").exists() and not (tmp_path / "run").exists()   # not ours to delete

def test_a_folder_as_the_lock_is_refused_clearly(tmp_path):
    (tmp_path / ".run.lock").mkdir()
    msg = _refusal(tmp_path)
    assert "is a folder" in msg and "remove it" in msg, msg
    assert (tmp_path / ".run.lock").is_dir()

def test_an_unreadable_lock_is_refused_clearly(tmp_path, monkeypatch):
    "Another user's lock that this user may not read (simulated, as root reads any file)."
    lock, read = tmp_path / ".run.lock", Path.read_bytes
    lock.write_text(json.dumps(dict(pid=os.getpid(), host=socket.gethostname())))
    def refused(self):
        if self == lock: raise PermissionError(13, "Permission denied", str(self))
        return read(self)
    monkeypatch.setattr(Path, "read_bytes", refused)
    assert "cannot be read (Permission denied)" in _refusal(tmp_path)

def test_the_usual_locks_still_behave(tmp_path):
    "A live holder is refused by pid; a dead one's, an empty or a foreign lock is taken over; no temporary file left."
    lock, run = tmp_path / ".run.lock", tmp_path / "run"
    with run_lock(run):
        assert _names(tmp_path) == [".run.lock"] and json.loads(lock.read_text())["pid"] == os.getpid()
        assert f"in use by process {os.getpid()}" in _refusal(tmp_path)
    for text in (json.dumps(dict(pid=DEAD, host=socket.gethostname())), "", "[1, 2]", '{"pid": "x"}'):
        lock.write_text(text)
        with run_lock(run): assert json.loads(lock.read_text())["pid"] == os.getpid()
        assert _names(tmp_path) == []
    lock.write_text(json.dumps(dict(pid=DEAD, host="another-host")))    # another host's process: cannot tell, refused
    assert "in use by process" in _refusal(tmp_path)
