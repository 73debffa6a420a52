"""Make the book that becomes the PDF: every page of the built site, in the order of the
navigation, on one HTML page with a title page and contents.

    python scripts/assemble_print_page.py SITE OUT

SITE is the strict HTML build. The pages are taken as the site shows them (math already
rendered by KaTeX), so the PDF never differs from the web and needs no second MkDocs build.
OUT/print_page/index.html is written; OUT's other entries link to SITE's, so styles, fonts and
figures load from the same places as on the site. Then, inside each page: every id gets the
page's key as prefix (two pages may both have a "the-setup" heading), links between pages point
at the page's section of the book, links to files point at the site (the PDF travels alone),
images load from the site, pages of a navigation section go one heading level down (so the PDF
outline nests question under section), collapsed blocks open, and scripts, the MathML copy of
each formula (screen readers read the HTML pages; on paper it only costs time), the
last-updated line and every element of class `web-only` (text about clicking and tabs, notebook
prompts) are dropped. Each line of a code block records its indentation, so a line that wraps
on paper continues indented under itself. A link whose target is missing stops the build.
"""

from __future__ import annotations

import argparse
import html
import posixpath
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
PRINT_CSS = Path(__file__).with_name("print_page.css")
PRINT_PAGE = Path("print_page") / "index.html"
HOME_KEY = "index"

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.DOTALL)
MATHML = re.compile(r'<span class="katex-mathml">.*?</math></span>', re.DOTALL)
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>\s*", re.DOTALL)
SOURCE_FILE = re.compile(r'<aside class="md-source-file">.*?</aside>', re.DOTALL)
ID_ATTR = re.compile(r"""(\s)(id|for|name|aria-labelledby|aria-describedby|aria-controls)=(["'])([^"']+)\3""")
URL_ATTR = re.compile(r"""(\s)(href|src|srcset)=(["'])([^"']*)\3""")
HEADING = re.compile(r"<(/?)h([1-6])\b")
ATTR_ID = re.compile(r"""\sid=(["'])([^"']+)\1""")
LOCAL_HREF = re.compile(r"""\shref=(["'])#([^"']*)\1""")
WEB_ONLY = re.compile(r"""<(?P<tag>[a-z][a-z0-9]*)\b[^>]*\sclass=(["'])(?:[^"']*\s)?web-only[\s"'][^>]*>""")
CODE_LINE = re.compile(r'<span id="(__span-[^"]+)">(?P<indent>(?: |<span class="w">[ ]+</span>)*)')
PRE = re.compile(r"(<pre\b[^>]*>)(.*?)(</pre>)", re.DOTALL)
INDENT = re.compile(r"(?: |<span[^>]*>[ ]+</span>|<span></span>)*")


class LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its !ENV and !!python tags (they become None)."""


LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


class AssemblyError(Exception):
    pass


# --- the navigation ------------------------------------------------------------------------

def page_url(source: str) -> str:
    """The directory URL MkDocs gives a page: index.md -> "", shapes.md -> "shapes/"."""
    stem = posixpath.splitext(source)[0]
    if stem == "index":
        return ""
    return (stem[: -len("/index")] if stem.endswith("/index") else stem) + "/"


def page_key(url: str) -> str:
    """The page's anchor in the book: its URL without slashes, "index" for the home page."""
    return url.strip("/").replace("/", "-") or HOME_KEY


def read_config(config: Path = ROOT / "mkdocs.yml") -> dict:
    return yaml.load(config.read_text("utf8"), LenientLoader)


def read_nav(config: Path) -> list[dict]:
    """mkdocs.yml's nav as [{title, url} | {title, id, pages: [...]}], sections numbered from 1
    by their place in the navigation (the second entry is "section-2")."""
    nav = read_config(config)["nav"]
    entries = []
    for number, item in enumerate(nav, start=1):
        (title, value), = item.items()
        if isinstance(value, list):
            pages = [{"title": t, "url": page_url(s)} for child in value for t, s in child.items()]
            entries.append({"title": title, "id": f"section-{number}", "pages": pages})
        else:
            entries.append({"title": title, "url": page_url(value)})
    return entries


def nav_pages(nav: list[dict]) -> list[dict]:
    return [page for entry in nav for page in entry.get("pages", [entry])]


# --- one page --------------------------------------------------------------------------------

def article(page_html: str, where: str) -> str:
    match = ARTICLE.search(page_html)
    if not match:
        raise AssemblyError(f"{where}: no <article> with the page's content")
    return match[1]


def without_web_only(content: str) -> str:
    """Every element of class `web-only`, with all it holds, removed."""
    out, last = [], 0
    while match := WEB_ONLY.search(content, last):
        tag = match["tag"]
        nested = re.compile(rf"<(/?){tag}\b[^>]*>")
        depth, end = 1, match.end()
        for inner in nested.finditer(content, match.end()):
            depth += -1 if inner[1] else 1
            if depth == 0:
                end = inner.end()
                break
        else:
            raise AssemblyError(f"a <{tag} class=\"web-only\"> is never closed")
        out.append(content[last:match.start()])
        last = end
    out.append(content[last:])
    return "".join(out)


def indent_style(indent_html: str) -> str:
    return f'class="code-line" style="--indent: {len(re.sub(r"<[^>]+>", "", indent_html))}"'


def split_pre_lines(match: re.Match) -> str:
    """A <pre> without line spans (a notebook's cells and outputs) gets one span per line, unless
    a line opens a span that another line closes."""
    opening, body, closing = match.groups()
    if "__span-" in body:
        return match[0]
    lines = body.split("\n")
    if any(line.count("<span") != line.count("</span>") for line in lines):
        return match[0]
    last = lines.pop() if lines and not lines[-1].strip() else None
    marked = [f"<span {indent_style(INDENT.match(line)[0])}>{line}\n</span>" for line in lines]
    return opening + "".join(marked) + (last or "") + closing


def indented_code_lines(content: str) -> str:
    """Each code line gets its indentation as `--indent` (in characters), which the print style
    sheet uses as the line's hanging indent."""
    def mark(match: re.Match) -> str:
        return f'<span id="{match[1]}" {indent_style(match["indent"])}>{match["indent"]}'

    return PRE.sub(split_pre_lines, CODE_LINE.sub(mark, content))


def strip_for_paper(content: str) -> str:
    """No scripts, no MathML copy, no last-updated line, nothing web-only; collapsed blocks open;
    code lines know their indentation."""
    content = SCRIPT.sub("", content)
    content = MATHML.sub("", content)
    content = SOURCE_FILE.sub("", content)
    content = indented_code_lines(without_web_only(content))
    return re.sub(r"<details\b(?![^>]*\bopen\b)", "<details open", content)


def prefix_ids(content: str, key: str) -> str:
    """Every id inside a page, and every attribute that names one, gets the page's prefix."""
    def rename(match: re.Match) -> str:
        values = " ".join(f"{key}-{value}" for value in match[4].split())
        return f"{match[1]}{match[2]}={match[3]}{values}{match[3]}"

    return ID_ATTR.sub(rename, content)


def anchor(key: str, fragment: str) -> str:
    """A place in the book: a page's section, or an anchor inside it."""
    return f"#{key}-{fragment}" if fragment else f"#{key}"


def demote(content: str, levels: int) -> str:
    if levels == 0:
        return content
    return HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + levels)}", content)


class Links:
    """Where each link and image of a page points once the page is part of the book."""

    def __init__(self, site_url: str, keys: dict[str, str]) -> None:
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self.keys = keys  # site path without slashes ("" for home) -> page key

    def resolve(self, url: str, base: str) -> tuple[str, str] | None:
        """(site path, fragment) for a link inside the site, None for anything else."""
        if url.startswith(self.site_url):
            url = url[len(self.site_url):]
            base = ""
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            return None
        path = posixpath.normpath(posixpath.join(base, parts.path)) if parts.path else base
        return ("" if path == "." else path.strip("/")), parts.fragment

    def href(self, url: str, base: str, key: str) -> str:
        if url.startswith("#"):
            return anchor(key, url[1:])
        target = self.resolve(url, base)
        if target is None:
            return url
        path, fragment = target
        if path in self.keys:
            return anchor(self.keys[path], fragment)
        return self.site_url + path + (f"#{fragment}" if fragment else "")

    def src(self, url: str, base: str) -> str:
        target = self.resolve(url, base)
        if target is None or url.startswith(self.site_url):
            return url
        path, fragment = target
        return "../" + path + (f"#{fragment}" if fragment else "")

    def rewrite(self, content: str, url: str, key: str) -> str:
        base = url.rstrip("/")

        def one(match: re.Match) -> str:
            name, value = match[2], html.unescape(match[4])
            if name == "href":
                value = self.href(value, base, key)
            elif name == "src":
                value = self.src(value, base)
            else:  # srcset: "url 1x, url 2x"
                value = ", ".join(
                    " ".join([self.src(item.split()[0], base), *item.split()[1:]])
                    for item in value.split(",") if item.strip()
                )
            return f"{match[1]}{name}={match[3]}{html.escape(value)}{match[3]}"

        return URL_ATTR.sub(one, content)


def page_section(content: str, url: str, links: Links, levels: int) -> str:
    key = page_key(url)
    content = strip_for_paper(content)
    content = links.rewrite(content, url, key)
    content = demote(prefix_ids(content, key), levels)
    return f'<section class="print-page" id="{key}">\n{content}\n</section>'


# --- the book --------------------------------------------------------------------------------

def contents(nav: list[dict]) -> str:
    def item(entry: dict) -> str:
        target = entry.get("id") or page_key(entry["url"])
        children = "".join(item(page) for page in entry.get("pages", []))
        inner = f"<ul>{children}</ul>" if children else ""
        return f'<li><a href="#{target}">{html.escape(entry["title"])}</a>{inner}</li>'

    return f"<ul>{''.join(item(entry) for entry in nav)}</ul>"


def meta(page_html: str, pattern: str) -> str:
    match = re.search(pattern, page_html)
    return html.unescape(match[1]) if match else ""


def cover(name: str, description: str, site_url: str) -> str:
    e = html.escape
    return (
        '<section id="print-site-cover-page"><div class="cover">'
        '<p class="cover-kicker">Questions learners ask, answered step by step</p>'
        f'<h1 class="cover-title">{e(name)}</h1>'
        f'<p class="cover-subtitle">{e(description)}</p>'
        f'<p class="cover-url"><a href="{e(site_url)}">{e(site_url)}</a></p>'
        "</div></section>"
    )


def broken_links(book: str) -> list[str]:
    """Each `#anchor` link of the book whose anchor no element carries."""
    ids = {m[2] for m in ATTR_ID.finditer(book)}
    return sorted({m[2] for m in LOCAL_HREF.finditer(book) if m[2] and m[2] not in ids})


def head(home_html: str, name: str, description: str) -> str:
    """The character set, the site's description, the home page's style sheets (one folder
    deeper), the book's title, and the print style sheet."""
    links = Links("", {})
    sheets = [links.src(href, "") for href in
              re.findall(r'<link rel="stylesheet" href="([^"]+)"', home_html)]
    return "\n".join([
        '<meta charset="utf-8">',
        f'<meta name="description" content="{html.escape(description)}">',
        f"<title>{html.escape(name)}</title>",
        *(f'<link rel="stylesheet" href="{html.escape(sheet)}">' for sheet in sheets),
        f"<style>\n{PRINT_CSS.read_text('utf8')}</style>",
    ])


def assemble(site: Path, config: Path = ROOT / "mkdocs.yml") -> str:
    nav = read_nav(config)
    pages = nav_pages(nav)
    home_html = (site / "index.html").read_text("utf8")
    name = meta(home_html, r'<meta property="og:site_name" content="([^"]*)"')
    description = meta(home_html, r'<meta name="description" content="([^"]*)"')
    site_url = meta(home_html, r'<link rel="canonical" href="([^"]*)"')
    links = Links(site_url, {page["url"].strip("/"): page_key(page["url"]) for page in pages})

    def section_of(page: dict, levels: int) -> str:
        built = site / page["url"] / "index.html"
        if not built.is_file():
            raise AssemblyError(f"{page['url'] or 'the home page'} was not built: run the HTML build")
        content = article(built.read_text("utf8"), str(built))
        return page_section(content, page["url"], links, levels)

    body = [cover(name, description, site_url),
            '<section class="print-page"><div id="print-page-toc">'
            f"<h1 class='print-page-toc-title'>Contents</h1>{contents(nav)}</div></section>"]
    for entry in nav:
        if "pages" in entry:
            inner = "".join(section_of(page, 1) for page in entry["pages"])
            body.append(f'<section class="print-page md-section" id="{entry["id"]}">'
                        f"<h1>{html.escape(entry['title'])}</h1>{inner}</section>")
        else:
            body.append(section_of(entry, 0))
    book = "\n".join(body)
    missing = broken_links(book)
    if missing:
        raise AssemblyError("links without a target in the book (page-anchor): " + ", ".join(missing))

    html_tag = re.search(r"<html\b[^>]*>", home_html)[0]
    body_tag = re.search(r"<body\b[^>]*>", home_html)[0]
    return (
        f"<!doctype html>\n{html_tag}\n<head>\n{head(home_html, name, description)}\n</head>\n{body_tag}\n"
        '<div class="md-container"><main class="md-main"><div class="md-main__inner md-grid">'
        '<div class="md-content"><article class="md-content__inner md-typeset">'
        f'<div id="print-site-page">\n{book}\n</div>'
        "</article></div></div></main></div>\n</body>\n</html>\n"
    )


def link_site(site: Path, out: Path) -> None:
    """OUT's entries (other than the book) point at SITE's, so relative URLs resolve alike."""
    out.mkdir(parents=True, exist_ok=True)
    for entry in site.iterdir():
        link = out / entry.name
        if entry.name != PRINT_PAGE.parts[0] and not link.exists():
            link.symlink_to(entry.resolve(), target_is_directory=entry.is_dir())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the strict HTML build")
    parser.add_argument("out", type=Path, help="where to write print_page/index.html")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        book = assemble(args.site)
    except (AssemblyError, OSError) as err:
        print(f"print page not written: {err}", file=sys.stderr)
        return 1
    link_site(args.site, args.out)
    target = args.out / PRINT_PAGE
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(book, "utf8")
    print(f"{target}: {len(book) // 1024} KB in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
