"""Fit a notebook page's HTML into the site: no scripts from other hosts, links and ids like Markdown's.

nbconvert's template adds MathJax and mermaid loaders that fetch from a CDN; the site renders
math at build time and reads offline, so they are removed. Links a Markdown cell writes to
another page (`[text](page.md#anchor)`) are resolved to that page's URL, and their targets and
anchors are checked by the strict build, as on every other page. Headings get the site's ¶
link; the template's numbered cell ids are dropped or made internal (`__code-1`), so the page's
public anchors are its section ids only. The `In [1]:` prompts and the code of cells tagged
`figure` (which only draw the figure below them) are marked `web-only`: the PDF leaves them out.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from mkdocs.exceptions import PluginError

SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.IGNORECASE)
# Loaders the nbconvert template emits whether or not a notebook needs them.
REMOTE_LOADERS = re.compile(r"MathJax|mermaid|\bimport\s*\(|https?://", re.IGNORECASE)
LOADER_COMMENT = re.compile(r"<!--[^>]*?(?:mathjax|mermaid)[^>]*?-->", re.IGNORECASE)
PAGE_LINK = re.compile(r'href="(?P<path>[^":#?]+\.md)(?P<anchor>#[^"]*)?"')
HEADING_LINK = re.compile(r'<a (?=[^>]*class="anchor-link")[^>]*href="#(?P<id>[^"]+)"[^>]*>¶</a>')
CELL_ID = re.compile(r'\s+id="cell-id=[^"]*"')
COPY_TARGET = re.compile(r'\b(?P<attr>id|for)="cell-(?P<n>\d+)",?')
PROMPT = re.compile(r'<div class="(?=jp-(?:Input|Output)Prompt\b)')
FIGURE_INPUT = re.compile(r'(?P<cell><div class="[^"]*\bcelltag_figure\b[^"]*".*?)'
                          r'<div class="jp-Cell-inputWrapper\b', re.DOTALL)
WEB_ONLY = "web-only"  # scripts/assemble_print_page.py drops elements with this class


def site_ids_and_links(html: str) -> str:
    """Section links as on Markdown pages; no public id for a cell or its copy button."""
    html = HEADING_LINK.sub(
        lambda m: f'<a class="headerlink" href="#{m["id"]}" title="Link to this section">¶</a>',
        html,
    )
    html = CELL_ID.sub("", html)
    return COPY_TARGET.sub(lambda m: f'{m["attr"]}="__code-{m["n"]}"', html).replace(' ,=""', "")


def mark_web_only(html: str) -> str:
    """Prompts, and the code of figure cells, marked as shown on the web only."""
    html = PROMPT.sub(f'<div class="{WEB_ONLY} ', html)
    return FIGURE_INPUT.sub(lambda m: f'{m["cell"]}<div class="{WEB_ONLY} jp-Cell-inputWrapper', html)


def without_remote_scripts(html: str) -> str:
    """Drop every <script src=...>, every inline script that loads code from elsewhere, and the
    template's comments about those loaders."""
    def keep(match: re.Match) -> str:
        if "src=" in match["attrs"] or REMOTE_LOADERS.search(match["body"]):
            return ""
        return match.group(0)

    return LOADER_COMMENT.sub("", SCRIPT.sub(keep, html))


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs) -> None:
        self.ids.update(value for name, value in attrs if name == "id" and value)


def anchor_ids(html: str) -> set[str]:
    parser = _Ids()
    parser.feed(html)
    return parser.ids


CODE_CELL = re.compile(r'<div class="highlight-ipynb[^"]*"(?![^>]*\btabindex=)')


def on_page_content(html: str, page, config, files) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    html = mark_web_only(site_ids_and_links(without_remote_scripts(html)))
    # a code cell wider than a phone scrolls sideways: keyboard users reach it with Tab
    html = CODE_CELL.sub(r'\g<0> tabindex="0"', html)
    page.present_anchor_ids = anchor_ids(html)
    page.links_to_anchors = {}

    def resolve(match: re.Match) -> str:
        target = files.get_file_from_path(match["path"])
        if target is None:
            raise PluginError(f"{page.file.src_uri}: a Markdown cell links to missing page "
                              f"{match['path']}")
        anchor = (match["anchor"] or "")[1:]
        if anchor:
            page.links_to_anchors.setdefault(target, {})[anchor] = match["path"] + "#" + anchor
        return f'href="{target.url_relative_to(page.file)}{match["anchor"] or ""}"'

    return PAGE_LINK.sub(resolve, html)
