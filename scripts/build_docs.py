"""Render the docs site with nbconvert (quarto cannot be installed here): README.md as the landing page (index.html),
the textbook notebooks in reading order, the experiment records (nbs/9x) as their own section, results/README.md, with a
sidebar and previous/next links on every page. The notebooks are rendered as committed (executed outputs included).
MathJax: --mathjax cdn (the default for readers online), local (MathJax 2.7.7 fetched once from the npm registry into
OUT/mathjax, for reading offline), or auto (local if npm can fetch it, else cdn).
Usage: python scripts/build_docs.py [--out _docs] [--mathjax auto|cdn|local]"""
import argparse, html, re, shutil, subprocess, tarfile, tempfile
from pathlib import Path
import nbformat
from nbconvert import HTMLExporter

CDN = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
ROOT = Path(__file__).resolve().parents[1]
SECTIONS = [("Textbook", lambda s: not s.startswith("9")), ("Experiment records", lambda s: "90" <= s[:2] <= "97"),
            ("Reference", lambda s: s[:2] in ("98", "99"))]
STYLE = """<style>
#fd-side{position:fixed;top:0;left:0;bottom:0;width:250px;overflow-y:auto;padding:12px 10px;background:#f6f7f9;
 border-right:1px solid #ddd;font:13px/1.35 system-ui,sans-serif;z-index:100;box-sizing:border-box}
#fd-side a{color:#1a4d8f;text-decoration:none;display:block;padding:2px 4px;border-radius:3px}
#fd-side a:hover{background:#e3e8ef} #fd-side a.fd-here{background:#1a4d8f;color:#fff}
#fd-side h3{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:#666;margin:14px 4px 4px}
#fd-side .fd-home{font-weight:700;font-size:16px;margin-bottom:6px}
body{margin-left:250px!important} .fd-main{max-width:1000px;margin:0 auto;padding:0 24px}
.fd-pn{display:flex;justify-content:space-between;font:14px system-ui,sans-serif;margin:14px 24px;gap:12px}
.fd-pn a{color:#1a4d8f;text-decoration:none} .fd-pn a:hover{text-decoration:underline}
.fd-main table{border-collapse:collapse;font-size:13px;margin:10px 0} .fd-main td,.fd-main th{border:1px solid #ccc;padding:3px 6px}
.jp-InputPrompt,.jp-OutputPrompt{display:none!important}
.fd-main pre{background:#f6f8fa;padding:8px;overflow-x:auto} .fd-main img{max-width:100%}
@media (max-width:800px){#fd-side{position:static;width:auto;border:0}body{margin-left:0!important}}
</style>"""


def local_mathjax(out: Path) -> bool:
    "MathJax 2.7.7 unpacked into OUT/mathjax (npm registry); False when it cannot be had."
    if (out / "mathjax" / "MathJax.js").exists(): return True
    if shutil.which("npm") is None: return False
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run(["npm", "pack", "mathjax@2.7.7", "--silent"], cwd=d, capture_output=True, text=True, timeout=300)
        tgz = next(Path(d).glob("mathjax-*.tgz"), None)
        if p.returncode != 0 or tgz is None: return False
        with tarfile.open(tgz) as t: t.extractall(d, filter="data")
        shutil.rmtree(out / "mathjax", ignore_errors=True)
        shutil.move(str(Path(d) / "package"), out / "mathjax")
    return True


def title_and_summary(nb) -> tuple[str, str]:
    "The notebook's H1 title and its `>` summary (its first line)."
    for c in nb.cells:
        if c.cell_type == "markdown" and (m := re.search(r"^# (.+)$", c.source, re.M)):
            s = re.search(r"^> (.+)$", c.source, re.M)
            return m.group(1).strip(), s.group(1).strip() if s else ""
    return "", ""


def relink(md: str) -> str:
    "Links between pages as the site has them: X.ipynb -> X.html, README.md -> index.html, figures under results/."
    md = re.sub(r"\]\((?:\.\./)?(?:nbs/)?([\w.-]+)\.ipynb\)", r"](\1.html)", md)
    md = re.sub(r"\]\((?:\.\./)?results/README\.md\)", "](results.html)", md)
    md = re.sub(r"\]\((?:\.\./)?results/([\w./-]+\.png)\)", r"](results/\1)", md)
    md = re.sub(r"\]\((?:\.\./)?results/([\w.-]+\.md)\)", r"](https://github.com/fastddss/fastddss/blob/main/results/\1)", md)
    return md


def sidebar(pages, here: str) -> str:
    "The site's navigation: home, then each section's pages in reading order."
    a = lambda s, t: f'<a href="{s}.html" title="{html.escape(t)}"{" class=fd-here" if s == here else ""}>{html.escape(t)}</a>'
    out = ['<nav id="fd-side"><a class="fd-home" href="index.html">fastddss</a>']
    for name, keep in SECTIONS:
        out.append(f"<h3>{name}</h3>")
        out += [a(s, f"{s.split('_')[0]} · {t}") for s, t, _ in pages if keep(s)]
    out.append("<h3>Results</h3>" + a("results", "results/ index"))
    return "\n".join(out) + "</nav>"


def prev_next(order, i: int) -> str:
    "Previous / next links in reading order."
    link = lambda j, arrow: (f'<a href="{order[j][0]}.html">{arrow} {html.escape(order[j][1])}</a>'
                             if 0 <= j < len(order) else "<span></span>")
    return f'<div class="fd-pn">{link(i - 1, "←")}{link(i + 1, "→")}</div>'


def dress(body: str, nav: str, pn: str) -> str:
    "Put the sidebar, the previous/next links and the site's style into an exported page."
    body = body.replace("</head>", STYLE + "\n</head>", 1)
    body = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + nav + pn + '<div class="fd-main">', body, count=1)
    return body.replace("</body>", "</div>" + pn + "</body>", 1)


def page_nb(markdown: str):
    "A one-cell notebook holding a Markdown page (README.md, results/README.md)."
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(markdown)]
    return nb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="_docs")
    ap.add_argument("--mathjax", default="auto", choices=["auto", "cdn", "local"])
    a = ap.parse_args()
    out = ROOT / a.out
    out.mkdir(parents=True, exist_ok=True)
    url = CDN
    if a.mathjax in ("auto", "local"):
        if local_mathjax(out): url = "mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
        elif a.mathjax == "local": raise SystemExit("could not fetch MathJax 2.7.7 with npm; use --mathjax cdn")
        else: print("npm could not fetch MathJax: the pages load it from the CDN (math renders only online)")
    exporter = HTMLExporter(template_name="lab", mathjax_url=url)
    (out / "results").mkdir(exist_ok=True)
    for f in (ROOT / "results").glob("*.png"): shutil.copy2(f, out / "results" / f.name)
    nbs = []
    for f in sorted((ROOT / "nbs").glob("*.ipynb")):
        nb = nbformat.read(f, as_version=4)
        nb.cells = [c for c in nb.cells if not (c.cell_type == "code" and c.source.lstrip().startswith("#| hide"))]
        for c in nb.cells:
            if c.cell_type == "markdown": c.source = relink(c.source)
            else:   # nbdev's directives are for the tools, not the reader; tqdm's "IProgress not found" warning (no ipywidgets) is noise for a reader
                c.source = "\n".join(l for l in c.source.splitlines() if not l.startswith("#|")).strip("\n")
                c.outputs = [o for o in c.get("outputs", []) if not (o.get("name") == "stderr" and "TqdmWarning" in o.get("text", ""))]
        nb.cells = [c for c in nb.cells if c.source.strip() or c.get("outputs")]
        title, summary = title_and_summary(nb)
        nbs.append((f.stem, title or f.stem, summary, nb))
    order = [(s, t) for name, keep in SECTIONS for s, t, _, _ in nbs if keep(s)]
    pages = [(s, t, d) for s, t, d, _ in nbs]
    readme = (ROOT / "README.md").read_text()
    extra = {"index": ("fastddss", page_nb(relink(readme))),
             "results": ("results/ index", page_nb(relink((ROOT / "results" / "README.md").read_text())))}
    everything = [("index", "fastddss")] + order + [("results", "results/ index")]
    for i, (stem, title) in enumerate(everything):
        nb = extra[stem][1] if stem in extra else next(n for s, _, _, n in nbs if s == stem)
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
        (out / f"{stem}.html").write_text(dress(body, sidebar(pages, stem), prev_next(everything, i)))
        print(f"{stem} -> {a.out}/{stem}.html")
    print(f"index: {a.out}/index.html (README.md, {len(order)} notebooks, results/ index; "
          f"MathJax from {'a local copy' if url != CDN else 'the CDN'})")


if __name__ == "__main__": main()
