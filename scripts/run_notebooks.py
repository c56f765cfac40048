"""Execute notebooks in place for reading (outputs kept), skipping the cells nbdev does not run in tests:
those marked `#| eval: false` or with a flag from settings.ini's tst_flags (`#| slow`). Usage: run_notebooks.py NB..."""
import re, sys
import nbformat
from nbclient import NotebookClient

SKIP = re.compile(r"^#\|\s*(eval:\s*false|slow)\s*$", re.M)

for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=4)
    skipped = {i: c.source for i, c in enumerate(nb.cells) if c.cell_type == "code" and SKIP.search(c.source)}
    for i in skipped: nb.cells[i].source = "# (not run when rendering)"
    NotebookClient(nb, timeout=1800, resources={"metadata": {"path": str(__import__("pathlib").Path(path).parent)}}).execute()
    for i, src in skipped.items(): nb.cells[i].source, nb.cells[i].outputs = src, []
    nbformat.write(nb, path)
    print(f"executed {path} ({len(skipped)} cells skipped)", flush=True)
