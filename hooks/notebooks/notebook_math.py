"""Turn a notebook page's $...$ and $$...$$ into the math markup that hooks/math/katex_math.py renders.

nbconvert leaves notebook math as written, between dollar signs (HTML-escaped). Inside the
rendered Markdown cells only, and never inside code, `$$...$$` alone in a paragraph becomes a
display formula and `$...$` an inline one, the markup pymdownx.arithmatex gives the other pages.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

MARKDOWN_CELL = re.compile(
    r'(?P<open><div class="[^"]*\bjp-RenderedMarkdown\b[^"]*"[^>]*>)(?P<body>.*?)(?P<close></div>)',
    re.DOTALL,
)
CODE = re.compile(r"<(?P<tag>code|pre)\b.*?</(?P=tag)>", re.DOTALL)
DISPLAY = re.compile(r"<p>\s*\$\$(?P<tex>.+?)\$\$\s*</p>", re.DOTALL)
INLINE = re.compile(r"\$(?P<tex>[^$]+?)\$")


def convert_text(text: str, where: str) -> str:
    """Math markup for the formulas in a stretch of cell HTML that holds no code."""
    text = DISPLAY.sub(lambda m: f'<div class="arithmatex">\\[{m["tex"]}\\]</div>', text)
    if "$$" in text:
        raise PluginError(f"{where}: put each $$...$$ formula in a paragraph of its own")
    text = INLINE.sub(lambda m: f'<span class="arithmatex">\\({m["tex"]}\\)</span>', text)
    if "$" in text:
        raise PluginError(f"{where}: a $ without its closing $ in a Markdown cell")
    return text


def convert_cell(body: str, where: str) -> str:
    if "<div" in body:
        raise PluginError(f"{where}: a Markdown cell holds a <div>, which this hook cannot scan")
    out, last = [], 0
    for code in CODE.finditer(body):
        out += [convert_text(body[last:code.start()], where), code.group(0)]
        last = code.end()
    out.append(convert_text(body[last:], where))
    return "".join(out)


def convert_notebook_math(html: str, where: str) -> str:
    return MARKDOWN_CELL.sub(
        lambda m: m["open"] + convert_cell(m["body"], where) + m["close"], html
    )


def on_page_content(html: str, page, config, files) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    return convert_notebook_math(html, page.file.src_uri)
