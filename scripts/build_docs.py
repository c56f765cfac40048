"""Render the executed notebooks to HTML with nbconvert (quarto cannot be installed here), plus an index page.
MathJax: --mathjax cdn (the default for readers online), local (MathJax 2.7.7 fetched once from the npm registry into
OUT/mathjax, for reading offline), or auto (local if npm can fetch it, else cdn).
Usage: python scripts/build_docs.py [--out _docs] [--mathjax auto|cdn|local]"""
import argparse, html, json, re, shutil, subprocess, tarfile, tempfile
from pathlib import Path
import nbformat
from nbconvert import HTMLExporter

CDN = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
ROOT = Path(__file__).resolve().parents[1]

def local_mathjax(out: Path) -> bool:
    "MathJax 2.7.7 unpacked into OUT/mathjax (npm registry); False when it cannot be had."
    if (out / "mathjax" / "MathJax.js").exists(): return True
    if shutil.which("npm") is None: return False
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run(["npm", "pack", "mathjax@2.7.7", "--silent"], cwd=d, capture_output=True, text=True, timeout=300)
        tgz = next(Path(d).glob("mathjax-*.tgz"), None)
        if p.returncode != 0 or tgz is None: return False
        with tarfile.open(tgz) as t: t.extractall(d, filter="data")
        shutil.rmtree(out / "mathjax", ignore_errors=True); shutil.move(str(Path(d) / "package"), out / "mathjax")
    return True

def title_and_summary(nb) -> tuple[str, str]:
    "The notebook's H1 title and its `>` one-line summary."
    for c in nb.cells:
        if c.cell_type == "markdown" and (m := re.search(r"^# (.+)$", c.source, re.M)):
            s = re.search(r"^> (.+)$", c.source, re.M)
            return m.group(1).strip(), s.group(1).strip() if s else ""
    return "", ""

def main():
    ap = argparse.ArgumentParser(); ap.add_argument("--out", default="_docs"); ap.add_argument("--mathjax", default="auto", choices=["auto", "cdn", "local"])
    a = ap.parse_args()
    out = ROOT / a.out; out.mkdir(parents=True, exist_ok=True)
    url = CDN
    if a.mathjax in ("auto", "local"):
        if local_mathjax(out): url = "mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
        elif a.mathjax == "local": raise SystemExit("could not fetch MathJax 2.7.7 with npm; use --mathjax cdn")
        else: print("npm could not fetch MathJax: the pages load it from the CDN (math renders only online)")
    exporter = HTMLExporter(template_name="lab", mathjax_url=url)
    entries = []
    for f in sorted((ROOT / "nbs").glob("*.ipynb")):
        nb = nbformat.read(f, as_version=4)
        nb.cells = [c for c in nb.cells if not (c.cell_type == "code" and c.source.lstrip().startswith("#| hide"))]
        for c in nb.cells:   # tqdm's "IProgress not found" warning (no ipywidgets) is noise for a reader
            if c.cell_type == "code":
                c.outputs = [o for o in c.get("outputs", []) if not (o.get("name") == "stderr" and "TqdmWarning" in o.get("text", ""))]
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": f.stem}})
        (out / f"{f.stem}.html").write_text(body)
        title, summary = title_and_summary(nb)
        entries.append((f.stem, title, summary))
        print(f"{f.name} -> {a.out}/{f.stem}.html")
    items = "\n".join(f'<li><a href="{s}.html"><b>{html.escape(t)}</b></a> <code>{s}</code><br><span>{html.escape(d)}</span></li>' for s, t, d in entries)
    (out / "index.html").write_text(f"""<!doctype html><html><head><meta charset="utf-8"><title>fastddss</title>
<style>body{{font-family:sans-serif;max-width:860px;margin:2em auto;line-height:1.45}} li{{margin:.7em 0}} span{{color:#444}}</style></head>
<body><h1>fastddss</h1><p>Fast samplers for pretrained diffusion models: the notebooks, executed. Numbers called FID here are
FID (MNIST features), measured with the project's classifier, not Inception FID. Source: the repository's <code>nbs/</code>.</p>
<ol>{items}</ol></body></html>""")
    print(f"index: {a.out}/index.html ({len(entries)} notebooks, MathJax from {'a local copy' if url != CDN else 'the CDN'})")

if __name__ == "__main__": main()
