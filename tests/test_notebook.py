"""The notebook page: every cell runs and its gradient check passes; its page is complete and offline.
The notebook a reader downloads runs on its own: in an empty folder, in a kernel that cannot import
the repository, with only the standard library, numpy and matplotlib; and it is the same file on
any day."""

from __future__ import annotations

import ast
import json
import re
import sys
import tempfile
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from mkdocs.exceptions import PluginError
from nbclient.exceptions import CellExecutionError

from hooks.background import inputs_key
from hooks.notebooks.notebook_html import mark_web_only, site_ids_and_links, without_remote_scripts
from hooks.notebooks.notebook_math import convert_notebook_math
from hooks.notebooks.notebook_run import execute, notebook_inputs, run_isolated
from hooks.notebooks.site_code import (
    TAG as SITE_CODE_TAG,
)
from hooks.notebooks.site_code import (
    SiteCodeError,
    modules_in_order,
    string_literal,
    with_site_code,
    without_site_code,
)
from tests.conftest import DOCS, ROOT

# Pages rendered from notebooks: their code runs here, not through pytest-markdown-docs.
NOTEBOOK_PAGES = {"two-layer-network.ipynb"}
NOTEBOOK = DOCS / "two-layer-network.ipynb"
DOWNLOAD = Path("two-layer-network") / "two-layer-network.ipynb"  # in the built site
# What a reader needs besides the standard library.
INSTALLED = {"numpy", "matplotlib"}
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
PARAMETERS = ("W1", "b1", "W2", "b2")
# Graded-assignment function names (DLS Course 1 Weeks 3-4, Course 2 Week 1): never defined here.
ASSIGNMENT_NAMES = {
    "layer_sizes", "initialize_parameters", "initialize_parameters_deep", "forward_propagation",
    "compute_cost", "backward_propagation", "update_parameters", "nn_model", "predict",
    "linear_forward", "linear_activation_forward", "L_model_forward", "linear_backward",
    "linear_activation_backward", "L_model_backward", "two_layer_model", "L_layer_model",
    "gradient_check", "gradient_check_n", "dictionary_to_vector", "vector_to_dictionary",
    "gradients_to_vector",
}


def cell_text(cell) -> str:
    """Everything a code cell printed or displayed as text."""
    parts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            parts.append(output["text"])
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
    return "".join(parts)


@pytest.fixture(scope="module")
def downloaded(built_site):
    """The notebook as the site offers it for download (run at build time)."""
    return nbformat.read(built_site / DOWNLOAD, as_version=4)


@pytest.fixture(scope="module")
def executed(downloaded):
    """The downloaded notebook, run again cell by cell where a reader runs it: in an empty
    folder, by a kernel that cannot import the repository (a failing cell fails here)."""
    with tempfile.TemporaryDirectory(prefix="downloaded-notebook-") as empty:
        return run_isolated(nbformat.from_dict(downloaded), Path(empty))


def code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def output_of(nb, marker: str) -> str:
    texts = [cell_text(cell) for cell in code_cells(nb) if marker in cell.source]
    assert len(texts) == 1, f"expected one code cell containing {marker!r}, found {len(texts)}"
    return texts[0]


# --- the notebook runs --------------------------------------------------------------------

def test_every_cell_ran_in_order_without_error(executed):
    cells = code_cells(executed)
    assert len(cells) >= 8
    assert [cell.execution_count for cell in cells] == list(range(1, len(cells) + 1))
    for cell in cells:
        assert not [o for o in cell.outputs if o["output_type"] == "error"], cell.source


def test_the_run_gives_the_outputs_the_download_carries(executed, downloaded):
    # Seeded data and fixed figure ids: a reader's run shows exactly what the page shows.
    assert [cell.outputs for cell in code_cells(executed)] == \
        [cell.outputs for cell in code_cells(downloaded)]


def loaded_modules(cell) -> list[tuple[str, str]]:
    """(name, source) of each `load_module(name, source)` call of the site-code cell, in order."""
    calls = [node for node in ast.parse(cell.source).body if isinstance(node, ast.Expr)
             and isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "load_module"]
    return [(ast.literal_eval(c.value.args[0]), ast.literal_eval(c.value.args[1])) for c in calls]


def site_code_cell(nb):
    return next(cell for cell in code_cells(nb) if SITE_CODE_TAG in cell.metadata.get("tags", []))


def test_the_download_holds_the_site_code_it_imports(downloaded):
    added = [cell for cell in downloaded.cells if SITE_CODE_TAG in cell.metadata.get("tags", [])]
    assert [cell.cell_type for cell in added] == ["markdown", "code"]
    assert downloaded.cells.index(added[1]) < downloaded.cells.index(code_cells(downloaded)[1])
    assert added[1].metadata["jupyter"] == {"source_hidden": True}  # folded: open it to read
    modules = loaded_modules(added[1])
    # each module after what it imports, and each a character-for-character copy of snippets/
    assert [name for name, _ in modules] == ["snippets.gradcheck", "snippets.two_layer",
                                             "snippets.figures"]
    for name, source in modules:
        assert source == (ROOT / (name.replace(".", "/") + ".py")).read_text("utf8"), name


def test_the_download_needs_only_numpy_and_matplotlib(downloaded):
    sources = [cell.source for cell in code_cells(downloaded)]
    sources += [source for _, source in loaded_modules(site_code_cell(downloaded))]
    imported = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.split(".")[0])
    outside = imported - set(sys.stdlib_module_names) - INSTALLED - {"snippets"}
    assert "numpy" in imported and "matplotlib" in imported
    assert outside == set(), f"the downloaded notebook imports {sorted(outside)}"


def test_without_the_site_code_the_notebook_fails_where_readers_run_it(tmp_path):
    # The kernel really cannot import the repository: the notebook as written in docs/ fails.
    with pytest.raises(CellExecutionError, match="No module named 'snippets'"):
        run_isolated(nbformat.read(NOTEBOOK, as_version=4), tmp_path)


def test_the_download_records_no_time(built_site):
    text = (built_site / DOWNLOAD).read_text("utf8")
    assert TIMESTAMP.findall(text) == []
    nb = json.loads(text)
    assert all("execution" not in cell["metadata"] for cell in nb["cells"])
    assert all(cell.get("id") for cell in nb["cells"])  # fixed ids, none drawn at random
    assert TIMESTAMP.search('"iopub.execute_input": "2026-11-29T18:48:57.1Z"')  # it would see one


def test_the_page_leaves_out_the_added_cells(built_site, downloaded):
    html = page_html(built_site, "two-layer-network.ipynb")
    assert "load_module" not in html and "Run the next cell first" not in html
    assert "Run the next cell first" in "".join(cell.source for cell in downloaded.cells)
    page_cells = without_site_code(downloaded).cells
    assert len(page_cells) == len(downloaded.cells) - 2
    counts = [cell.execution_count for cell in page_cells if cell.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))  # numbered as the notebook in docs/ runs
    assert re.search(r"jp-InputPrompt[^>]*>In\s\[1\]:", html)  # \s: the template writes a no-break space
    results = [(o["execution_count"], cell.execution_count) for cell in code_cells(without_site_code(
        downloaded)) for o in cell.outputs if o["output_type"] == "execute_result"]
    assert results and all(out == cell for out, cell in results)  # Out[n] beside In [n]


def test_site_code_modules_come_after_what_they_import(tmp_path):
    package = tmp_path / "snippets"
    package.mkdir()
    (package / "base.py").write_text("X = 1\n")
    (package / "middle.py").write_text("from snippets.base import X\nY = X + 1\n")
    (package / "top.py").write_text("from snippets import middle\nimport snippets.base\n")
    order = [name for name, _ in modules_in_order("from snippets import top", tmp_path)]
    assert order == ["snippets.base", "snippets.middle", "snippets.top"]
    assert modules_in_order("import numpy as np", tmp_path) == []
    with pytest.raises(SiteCodeError, match="snippets.missing.*does not exist"):
        modules_in_order("from snippets import missing", tmp_path)
    (package / "base.py").write_text("from snippets import top\n")
    with pytest.raises(SiteCodeError, match="imports itself"):
        modules_in_order("from snippets import top", tmp_path)


@pytest.mark.parametrize("source", ['x = r"\\sigma"\n', "s = '''a'''\n", "path = 'C:\\\\'\n", 'a = "\\"\n'])
def test_site_code_is_copied_character_for_character(source):
    assert ast.literal_eval(string_literal(source)) == source


def test_a_notebook_that_imports_no_site_code_is_left_as_it_is():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"),
                                         nbformat.v4.new_code_cell("import numpy")])
    assert with_site_code(nb) == nb


def test_gradient_check_passed_for_every_parameter(executed):
    text = output_of(executed, "two_layer.check_gradients(params, X_small, Y_small)\n")
    assert "gradient check passed" in text
    errors = dict(re.findall(r"^d(\w+) \(\d+, \d+\): largest relative error (\S+)$", text, re.M))
    assert set(errors) == set(PARAMETERS), text
    for name, error in errors.items():
        assert float(error) < 1e-6, f"d{name}: relative error {error}"


def test_the_check_rejects_a_backward_pass_without_g_prime(executed):
    text = output_of(executed, "hidden_slope=np.ones_like)\nexcept AssertionError")
    assert text.startswith("dW1: formula and finite differences disagree at index"), text


def test_training_lowers_the_cost_and_fits_the_data(executed):
    text = output_of(executed, "two_layer.train(")
    before, after = map(float, re.search(r"cost: (\S+) before training, (\S+) after", text).groups())
    accuracy = float(re.search(r"training accuracy: (\S+)%", text)[1])
    assert 0.6 < before < 0.8  # small weights: every prediction is close to 1/2, J close to ln 2
    assert after < before / 10
    assert accuracy >= 95


def test_every_figure_has_alt_text_and_a_drawing_per_color_scheme(executed):
    figures = [o for cell in code_cells(executed) for o in cell.outputs
               if "text/html" in o.get("data", {}) and "themed-figure" in o["data"]["text/html"]]
    assert len(figures) == 5  # sigmoid, losses, gradient check, loss curve, decision regions
    for output in figures:
        page = output["data"]["text/html"]
        images = re.findall(r"<img ([^>]*)>", page)
        assert len(images) == 2
        light, dark = images
        assert 'class="figure-light"' in light and 'class="figure-dark"' in dark
        assert " hidden " in dark and "hidden" not in light
        alts = {re.search(r'alt="([^"]*)"', image)[1] for image in images}
        assert len(alts) == 1 and len(alts.pop()) > 40
        assert output["data"]["text/plain"] in unescape(page)


# --- the notebook file --------------------------------------------------------------------

def test_the_committed_notebook_holds_no_outputs():
    # The page shows the outputs of a run made at build time, never stored ones.
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for cell in code_cells(nb):
        assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


def test_a_markdown_cell_explains_each_code_cell():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    for before, cell in zip(nb.cells, nb.cells[1:], strict=False):
        if cell.cell_type == "code":
            assert before.cell_type == "markdown", f"no explanation before:\n{cell.source[:80]}"
    assert nb.cells[0].source.startswith("# ")


def test_shared_code_is_imported_not_copied():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    source = "\n".join(cell.source for cell in code_cells(nb))
    assert "from snippets import figures, two_layer" in source
    assert not re.search(r"^\s*def ", source, re.M), "the notebook defines its own functions"
    module = ast.parse((ROOT / "snippets" / "two_layer.py").read_text("utf8"))
    defined = {node.name for node in module.body if isinstance(node, ast.FunctionDef)}
    assert not defined & {"numerical_gradient", "assert_gradient_close"}
    assert "from snippets.gradcheck import assert_gradient_close, numerical_gradient" in (
        ROOT / "snippets" / "two_layer.py").read_text("utf8")


def test_no_function_is_named_like_a_graded_assignment():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    sources = {f"{NOTEBOOK.name} cell {i}": cell.source for i, cell in enumerate(nb.cells)
               if cell.cell_type == "code"}
    for name in ("two_layer.py", "figures.py", "gradcheck.py"):
        sources[name] = (ROOT / "snippets" / name).read_text("utf8")
    for where, source in sources.items():
        names = {node.name for node in ast.walk(ast.parse(source))
                 if isinstance(node, ast.FunctionDef)}
        names |= {node.attr for node in ast.walk(ast.parse(source))
                  if isinstance(node, ast.Attribute)}
        assert not names & ASSIGNMENT_NAMES, f"{where}: {sorted(names & ASSIGNMENT_NAMES)}"


def test_a_failing_cell_fails_the_run(tmp_path):
    broken = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# A notebook with a wrong claim"),
        nbformat.v4.new_code_cell("from snippets import two_layer"),
        nbformat.v4.new_code_cell("assert two_layer.sigmoid(0.0) == 0.25, 'sigmoid(0) is 1/2'"),
    ], metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "P"}})
    path = tmp_path / "broken.ipynb"
    nbformat.write(broken, path)
    with pytest.raises(CellExecutionError, match="sigmoid\\(0\\) is 1/2"):
        execute(path)


def test_the_run_is_redone_when_imported_code_changes(tmp_path):
    inputs = {path.resolve() for path in notebook_inputs(NOTEBOOK)}
    for name in ("two_layer.py", "gradcheck.py", "figures.py"):
        assert (ROOT / "snippets" / name) in inputs
    assert (ROOT / "hooks" / "notebooks" / "site_code.py") in inputs
    assert NOTEBOOK.resolve() in inputs and (ROOT / "requirements.txt") in inputs
    code = tmp_path / "code.py"
    code.write_text("x = 1\n")
    first = inputs_key([NOTEBOOK, code])
    code.write_text("x = 2\n")
    assert inputs_key([NOTEBOOK, code]) != first


# --- the hooks that fit the notebook's HTML into the site --------------------------------

def test_notebook_math_becomes_katex_markup_outside_code():
    cell = ('<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput" '
            'data-mime-type="text/markdown">\n<p>With $a &lt; 1$ and <code>$HOME</code>:</p>\n'
            '<p>$$\ndZ = A - Y\n$$</p>\n</div>')
    html = convert_notebook_math('<pre>$x$</pre>' + cell, "nb.ipynb")
    assert html.startswith("<pre>$x$</pre>")  # outside Markdown cells: untouched
    assert r'<span class="arithmatex">\(a &lt; 1\)</span>' in html
    assert "<code>$HOME</code>" in html
    assert '<div class="arithmatex">\\[\ndZ = A - Y\n\\]</div>' in html


@pytest.mark.parametrize(("body", "message"), [
    ("<p>costs 5$ only</p>", "a \\$ without its closing \\$"),
    ("<p>inline $$x$$ display</p>", "a paragraph of its own"),
])
def test_malformed_notebook_math_fails_the_build(body, message):
    cell = f'<div class="jp-RenderedMarkdown" data-mime-type="text/markdown">{body}</div>'
    with pytest.raises(PluginError, match=message):
        convert_notebook_math(cell, "nb.ipynb")


def test_cdn_loaders_are_removed_and_local_scripts_kept():
    html = ('<script src="https://cdnjs.cloudflare.com/mathjax.js"> </script>'
            '<script type="text/x-mathjax-config">MathJax.Hub.Config({})</script>'
            '<script type="module">const m = (await import("https://x.org/m.mjs"))</script>'
            '<!-- MathJax configuration --><script>document.title = "kept"</script>')
    assert without_remote_scripts(html) == '<script>document.title = "kept"</script>'


def test_cells_get_no_public_ids_and_headings_get_the_sites_link():
    html = ('<div class="jp-Cell jp-CodeCell" id="cell-id=cell-02">'
            '<clipboard-copy for="cell-1", aria-label="Copy"></clipboard-copy>'
            '<div id="cell-1" class="clipboard-copy-txt">x = 1</div></div>'
            '<h2 id="forward-pass">Forward pass<a class="anchor-link" href="#forward-pass">¶</a></h2>')
    assert site_ids_and_links(html) == (
        '<div class="jp-Cell jp-CodeCell">'
        '<clipboard-copy for="__code-1" aria-label="Copy"></clipboard-copy>'
        '<div id="__code-1" class="clipboard-copy-txt">x = 1</div></div>'
        '<h2 id="forward-pass">Forward pass<a class="headerlink" href="#forward-pass" '
        'title="Link to this section">¶</a></h2>')


def test_prompts_and_the_code_of_figure_cells_are_web_only():
    html = ('<div class="jp-Cell jp-CodeCell jp-Notebook-cell   celltag_figure">'
            '<div class="jp-Cell-inputWrapper" tabindex="0"><div class="jp-InputPrompt jp-InputArea-prompt">'
            'In [3]:</div>figures.ThemedFigure()</div><div class="jp-Cell-outputWrapper">'
            '<div class="jp-OutputPrompt jp-OutputArea-prompt">Out[3]:</div>svg</div></div>'
            '<div class="jp-Cell jp-CodeCell jp-Notebook-cell  ">'
            '<div class="jp-Cell-inputWrapper">x</div></div>')
    out = mark_web_only(html)
    assert out.count('<div class="web-only jp-Cell-inputWrapper"') == 1  # the figure cell's only
    assert '<div class="jp-Cell-inputWrapper">x</div>' in out
    assert '<div class="web-only jp-InputPrompt' in out and '<div class="web-only jp-OutputPrompt' in out


# --- the built page -----------------------------------------------------------------------

LOADING_ATTRS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src",
                 "video": "src", "embed": "src", "object": "data", "track": "src"}
LOADING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "manifest",
                "apple-touch-icon", "preconnect", "dns-prefetch", "mask-icon"}
TAG = re.compile(r"<(?P<tag>script|link|img|iframe|source|audio|video|embed|object|track)\b"
                 r"(?P<attrs>[^>]*)>", re.IGNORECASE)
STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*(?:"([^"]*url\([^"]*)"|'([^']*url\([^']*)')""")
ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")
BLOCK = re.compile(r"<(?P<tag>style|script)\b[^>]*>(?P<body>.*?)</(?P=tag)>", re.DOTALL)


def resource_urls(page: str) -> list[str]:
    """Every URL a browser would fetch on its own while showing the page."""
    urls = []
    for tag in TAG.finditer(page):
        name = tag["tag"].lower()
        attrs = {m[1].lower(): m[2] or m[3] or m[4] for m in ATTR.finditer(tag["attrs"])}
        if name in LOADING_ATTRS and attrs.get(LOADING_ATTRS[name]):
            urls.append(attrs[LOADING_ATTRS[name]])
        if name == "link" and LOADING_RELS & set((attrs.get("rel") or "").split()):
            urls.append(attrs.get("href", ""))
        urls += [c.split()[0] for c in (attrs.get("srcset") or "").split(",") if c.strip()]
    for style in STYLE_ATTR.finditer(page):
        urls += css_urls(style[1] or style[2])
    for block in BLOCK.finditer(page):
        if block["tag"] == "style":
            urls += css_urls(block["body"])
        else:
            urls += re.findall(r"""import\s*\(\s*["']([^"']+)""", block["body"])
    return urls


def css_urls(css: str) -> list[str]:
    found = re.findall(r"""url\(\s*["']?([^"')]+)""", css)
    return found + re.findall(r"""@import\s+["']([^"']+)""", css)


def foreign(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme not in ("", "data") or url.strip().startswith("//")


def page_html(site: Path, page: str) -> str:
    return (site / page.removesuffix(".ipynb") / "index.html").read_text("utf8")


def test_the_resource_scanner_finds_what_a_browser_would_fetch():
    page = ("""<link rel="canonical" href="https://a.org/"><a href="https://b.org/">b</a>"""
            """<link rel="stylesheet" href="https://c.org/s.css"><img alt="x" src='/i.png'>"""
            """<style>@import "https://d.org/i.css"; p { background: url(data:x) }</style>"""
            """<script type="module">await import("https://e.org/m.js")</script>"""
            """<div style="background: url('https://f.org/b.png')"></div>""")
    assert [url for url in resource_urls(page) if foreign(url)] == [
        "https://c.org/s.css", "https://f.org/b.png", "https://d.org/i.css", "https://e.org/m.js"]


def test_no_page_loads_anything_from_another_host(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        outside = [url for url in resource_urls(page.read_text("utf8")) if foreign(url)]
        assert not outside, f"{page.relative_to(built_site)} loads {outside}"


@pytest.mark.parametrize("page", sorted(NOTEBOOK_PAGES))
def test_notebook_page_has_no_cdn_loader(built_site, page):
    html = page_html(built_site, page)
    assert "jupyter-wrapper" in html
    for loader in ("MathJax", "mermaid", "require.js", "cdnjs", "jsdelivr", "unpkg"):
        assert loader not in html, loader


def test_notebook_page_shows_its_outputs(built_site):
    html = page_html(built_site, "two-layer-network.ipynb")
    assert "gradient check passed: dW1, db1, dW2 and db2" in html
    assert "dW1: formula and finite differences disagree" in html
    assert "training accuracy: 100.0%" in html or "training accuracy: 9" in html
    figures = re.findall(r'<div class="themed-figure">(.*?)</div>', html, re.DOTALL)
    assert len(figures) == 5
    for figure in figures:
        images = re.findall(r"<img ([^>]*)>", figure)
        assert len(images) == 2
        assert all('src="data:image/svg+xml;base64,' in image for image in images)
        assert all(re.search(r'alt="[^"]{40,}"', image) for image in images)
        assert 'class="figure-light"' in images[0] and 'class="figure-dark"' in images[1]


def test_notebook_page_public_ids_are_its_sections(built_site):
    html = page_html(built_site, "two-layer-network.ipynb")
    article = html[html.index('<article class="md-content__inner'):html.index("</article>")]
    ids = [i for i in re.findall(r'\sid="([^"]+)"', article) if not i.startswith("__")]
    assert ids == ["a-two-layer-network-from-scratch", "the-data-and-the-shapes", "forward-pass",
                   "why-dz2-a2-y", "backward-pass", "gradient-check", "training"]
    for anchor in ids[1:]:
        assert f'<a class="headerlink" href="#{anchor}"' in article, anchor


def test_notebook_math_is_rendered_at_build_time(built_site):
    html = page_html(built_site, "two-layer-network.ipynb")
    assert html.count('class="katex"') > 50
    assert html.count('class="katex-display"') >= 4
    cells = re.findall(r'jp-RenderedMarkdown[^>]*>(.*?)</div>\s*</div>', html, re.DOTALL)
    assert len(cells) > 10
    for cell in cells:
        text = re.sub(r"<code>.*?</code>|<annotation.*?</annotation>", "", cell, flags=re.DOTALL)
        assert "$" not in text and "\\(" not in text, text[:200]


def test_notebook_links_go_to_pages_and_the_download_is_the_run_notebook(built_site):
    html = page_html(built_site, "two-layer-network.ipynb")
    assert 'href="../dz-a-minus-y/"' in html and 'href="../one-over-m/"' in html
    assert not re.search(r'href="[^"]*\.md[#"]', html), "a link to a .md file was not resolved"
    assert 'href="two-layer-network.ipynb"' in html
    download = json.loads((built_site / "two-layer-network" / "two-layer-network.ipynb").read_text())
    outputs = [c["outputs"] for c in download["cells"] if c["cell_type"] == "code"]
    assert all(outputs), "the downloadable notebook should carry the outputs shown on the page"


def test_notebook_page_is_in_the_nav(built_site):
    html = (built_site / "index.html").read_text("utf8")
    links = re.findall(r'<a href="([^"]+)" class="md-nav__link">\s*<span class="md-ellipsis">'
                       r'\s*([^<]+?)\s*</span>', html)
    assert ("two-layer-network/", "Two-layer network notebook") in links, links
