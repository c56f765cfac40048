"Checks on the notebooks' own checks: every `test_fail` names the exception type it expects."
import json, re
from pathlib import Path
import pytest

NBS = sorted((Path(__file__).resolve().parents[1] / "nbs").glob("*.ipynb"))

def _calls(src: str, name: str = "test_fail"):
    "Each `name(...)` call in `src`, its parentheses matched outside string literals."
    for m in re.finditer(rf"\b{name}\(", src):
        depth, quote, k = 0, None, m.end() - 1
        while k < len(src):
            ch = src[k]
            if quote:
                if ch == "\\": k += 1                       # an escaped character inside a string
                elif src.startswith(quote, k): k, quote = k + len(quote) - 1, None
            elif ch in "\"'": quote = src[k:k + 3] if src[k:k + 3] in ('"""', "'''") else ch
            elif ch in "()":
                depth += 1 if ch == "(" else -1
                if depth == 0: break
            k += 1
        yield src[m.start():k + 1]

def test_the_call_parser_sees_a_missing_exc():
    src = 'test_fail(lambda: f(1), contains="in [0, 4)")\ntest_fail(g, contains="(", exc=ValueError)'
    assert [("exc=" in c) for c in _calls(src)] == [False, True]

@pytest.mark.parametrize("nb", NBS, ids=lambda p: p.name)
def test_every_test_fail_names_its_exception(nb):
    cells = json.loads(nb.read_text())["cells"]
    bare = [c for cell in cells if cell["cell_type"] == "code" for c in _calls("".join(cell["source"]))
            if "exc=" not in c]
    assert not bare, f"{nb.name}: test_fail without exc= (name the exception type expected): {bare[:3]}"
