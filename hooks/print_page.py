"""Turn the combined print page into a book: unique anchors, working links, nested headings, math.

Used only by the print build (scripts/build_variant.py print). The print-site plugin stores each
page's HTML and writes the combined page after the build; this hook then gives every anchor
inside a page that page's prefix (print-site prefixes only headings), points links to the home
page at its section and links to files at the site, demotes the headings of pages inside a
navigation section by one level (so the PDF outline nests question under section), writes the
contents as static links, opens every collapsed block, drops the scripts (a printed page runs
none) and the MathML copy of each formula (screen readers read the HTML pages; on paper it only
costs layout time), adds the print style sheet, and warns (failing the strict build) on any
internal link without a target. hooks/katex_math.py has rendered the page's math just before.
"""

from __future__ import annotations

import html as htmllib
import logging
import re
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.exceptions import PluginError
from mkdocs_print_site_plugin import urls as print_site_urls

log = logging.getLogger("mkdocs.hooks.print_page")

# print-site prefixes heading ids with a regex that can start at an earlier tag and then skip the
# heading (a link to it is rewritten all the same), and it is slow on long pages. restructure()
# prefixes every id of a page instead; print-site still rewrites the links and the tab inputs.
print_site_urls.update_anchor_ids = lambda page_html, page_key: page_html
HERE = Path(__file__).resolve().parent
PRINT_CSS = HERE / "print_page.css"
HOME_KEY = "index"

SECTION_TAG = re.compile(r"<section\b[^>]*>|</section>")
ATTR_ID = re.compile(r"""\bid=(["'])([^"']+)\1""")
CLASS_ATTR = re.compile(r"""\bclass=(["'])([^"']*)\1""")
ID_ATTR = re.compile(r"""(<[a-zA-Z][^<>]*?\s)id=(["'])([^"']+)\2""")
HEADING = re.compile(r"<(/?)h([1-6])\b")
MATHML = re.compile(r'<span class="katex-mathml">.*?</math></span>', re.DOTALL)
ANCHOR_HREF = re.compile(r'(<a\b[^>]*?\bhref=")([^"]*)(")')
LOCAL_HREF = re.compile(r"""\bhref=(["'])#([^"']*)\1""")


def on_page_content(html: str, page, config, files) -> str:
    # print-site keeps the HTML it saw, before the hooks that run after it changed the page.
    page.html = html
    return html


def home_links(html: str) -> str:
    """print-site turns links to the home page into `#.` (and `#.-anchor`): point them home."""
    return re.sub(r"""href=(["'])#\.(-[^"']*)?\1""",
                  lambda m: f'href={m[1]}#{HOME_KEY}{m[2] or ""}{m[1]}', html)


def web_links(html: str, site_url: str, page_url: str) -> str:
    """Links to files (a notebook to download) point at the site: the PDF travels alone."""
    base = urljoin(site_url, page_url)

    def absolute(match: re.Match) -> str:
        href = match[2]
        if href.startswith(("#", "http:", "https:", "mailto:")):
            return match[0]
        return f"{match[1]}{urljoin(base, href)}{match[3]}"

    return ANCHOR_HREF.sub(absolute, html)


def prefix_ids(segment: str, key: str) -> str:
    """Give every id inside a page the page's prefix, as print-site's links expect. Tab inputs
    already have it (print-site renames them with their labels)."""
    def rename(match: re.Match) -> str:
        value = match[3]
        if value == key or match[1].startswith("<input"):
            return match[0]
        return f"{match[1]}id={match[2]}{key}-{value}{match[2]}"

    return ID_ATTR.sub(rename, segment)


def demote(segment: str, levels: int) -> str:
    if levels == 0:
        return segment
    return HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + levels)}", segment)


def restructure(html: str) -> str:
    """Walk the page and nav-section `<section>`s; prefix ids and demote headings in each page."""
    out, stack, last = [], [], 0
    for tag in SECTION_TAG.finditer(html):
        out.append(transform(html[last:tag.start()], stack))
        last = tag.end()
        if tag[0] == "</section>":
            if stack:
                stack.pop()
            out.append(tag[0])
            continue
        classes = CLASS_ATTR.search(tag[0])
        classes = classes[2].split() if classes else []
        ident = ATTR_ID.search(tag[0])
        if "md-section" in classes:
            stack.append(("section", None))
        elif "print-page" in classes and ident:
            stack.append(("page", ident[2]))
        else:
            stack.append(("other", None))
        out.append(tag[0])
    out.append(transform(html[last:], stack))
    return "".join(out)


def transform(segment: str, stack: list[tuple[str, str | None]]) -> str:
    pages = [key for kind, key in stack if kind == "page"]
    if not pages:
        return segment
    sections = sum(1 for kind, _ in stack if kind == "section")
    return demote(prefix_ids(segment, pages[-1]), sections)


def broken_links(html: str) -> list[str]:
    """Each `#anchor` link of the print page whose anchor no element carries."""
    ids = {m[2] for m in ATTR_ID.finditer(html)}
    return sorted({m[2] for m in LOCAL_HREF.finditer(html) if m[2] and m[2] not in ids})


def toc_html(links) -> str:
    """The contents as nested lists of links, from print-site's table of contents."""
    if not links:
        return ""
    items = "".join(
        f'<li><a href="#{link.id}">{htmllib.escape(link.title)}</a>{toc_html(link.children)}</li>'
        for link in links
    )
    return f"<ul>{items}</ul>"


def static_page(html: str, site_name: str, toc) -> str:
    """The contents written in, collapsed blocks open, no scripts and no MathML, the site's name
    as title."""
    html = re.sub(
        r"(<h1 class='print-page-toc-title'>.*?</h1>)",
        lambda m: m[1] + toc_html(toc.items), html, count=1, flags=re.DOTALL,
    )
    html = re.sub(r"<script\b[^>]*>.*?</script>\s*", "", html, flags=re.DOTALL)
    html = re.sub(r"<details\b(?![^>]*\bopen\b)", "<details open", html)
    html = MATHML.sub("", html)
    return re.sub(r"<title>.*?</title>", f"<title>{htmllib.escape(site_name)}</title>", html,
                  count=1, flags=re.DOTALL)


def add_print_css(html: str) -> str:
    style = f"<style>\n{PRINT_CSS.read_text('utf8')}</style>\n"
    return html.replace("</head>", style + "</head>", 1)


def on_post_build(config) -> None:
    plugin = config.plugins.get("print-site")
    if plugin is None:
        raise PluginError("hooks/print_page.py needs the print-site plugin (use the print build)")
    path = Path(plugin.print_page.file.abs_dest_path)
    html = restructure(home_links(path.read_text("utf8")))
    html = web_links(html, config["site_url"] or "", plugin.print_page.file.url)
    html = static_page(html, config["site_name"], plugin.print_page.toc)
    missing = broken_links(html)
    if missing:
        # A warning, so the strict build fails on it and a draft build still shows the rest.
        log.warning("print page: links without a target (page-anchor): %s", ", ".join(missing))
    path.write_text(add_print_css(html), "utf8")

