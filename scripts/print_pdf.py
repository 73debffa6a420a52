"""Print the combined print page to one PDF with headless Chromium: outline, links, tagged text.

    python scripts/print_pdf.py PRINT_SITE OUT.pdf

PRINT_SITE holds the book made by scripts/assemble_print_page.py. The page must load with no
console error, no missing file and no request to another host, or the PDF is not written.
Chromium's outline is kept, with each title replaced by its heading's exact text (Chromium
drops the space where a long heading wraps).
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.assemble_print_page import PRINT_PAGE  # noqa: E402
from scripts.source_date import source_datetime  # noqa: E402
from tests.browser_support import CHROMIUM_ARGS, is_local, launch_chromium  # noqa: E402

FLATTEN_KATEX = Path(__file__).with_name("flatten_katex.js")
HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.DOTALL)


class PrintError(Exception):
    pass


def heading_texts(page_html: str) -> dict[str, str]:
    """Each heading's plain text, keyed by that text with all whitespace removed."""
    texts = {}
    for match in HEADING.finditer(page_html):
        inner = re.sub(r'<a class="headerlink".*?</a>', "", match[2], flags=re.DOTALL)
        text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", inner)).split())
        texts.setdefault(re.sub(r"\s+", "", text), text)
    return texts


def render_pdf(page_file: Path, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as playwright:
        # /dev/shm carries the 6 MB of PDF data back faster than the temp files the tests ask for
        args = [a for a in CHROMIUM_ARGS if a != "--disable-dev-shm-usage"]
        browser = launch_chromium(playwright, args)
        try:
            page = browser.new_page()
            page.emulate_media(media="print")  # laid out for paper from the start, not twice
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(f"uncaught: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"cannot load {r.url}"))
            page.on("request", lambda r: is_local(r.url) or problems.append(f"asks {r.url}"))
            page.goto(page_file.as_uri(), wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            if problems:
                raise PrintError("the print page does not load cleanly:\n  " + "\n  ".join(problems))
            page.evaluate(FLATTEN_KATEX.read_text("utf8"))  # a third less printing time
            page.pdf(path=str(out), outline=True, tagged=True, print_background=True,
                     prefer_css_page_size=True)
        finally:
            browser.close()


def exact_title(raw: str, texts: dict[str, str]) -> str | None:
    """The heading an outline title stands for. Chromium sometimes writes a heading that opens a
    sheet with its first line twice ("first line" + "first line, rest"); that form is matched too."""
    compact = re.sub(r"\s+", "", raw)
    if compact in texts:
        return texts[compact]
    for key, text in texts.items():
        extra = len(compact) - len(key)
        if 0 < extra <= len(key) and compact.endswith(key) and key.startswith(compact[:extra]):
            return text
    return None


def finish_pdf(path: Path, texts: dict[str, str], title: str, subject: str) -> None:
    """Exact heading text in every outline title, and the document's title and subject.
    (pikepdf rewrites the 6 MB file in a fraction of a second; a pure-Python rewrite took 4 s.)"""
    import pikepdf

    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        with pdf.open_outline() as outline:
            if not outline.root:
                raise PrintError("Chromium wrote no outline")
            pending = list(outline.root)
            while pending:
                item = pending.pop()
                exact = exact_title(item.title, texts)
                if exact and exact != item.title:
                    item.title = exact
                pending.extend(item.children)
        pdf.docinfo["/Title"] = title
        pdf.docinfo["/Subject"] = subject
        # dated by the last commit, not by the day it was printed: the same commit, the same PDF
        stamp = pdf_date(source_datetime())
        pdf.docinfo["/CreationDate"] = stamp
        pdf.docinfo["/ModDate"] = stamp
        pdf.Root.PageMode = pikepdf.Name.UseOutlines  # readers open with the bookmarks shown
        pdf.save(path, deterministic_id=True)


def pdf_date(when) -> str:
    """A PDF date string (ISO 32000 7.9.4), in UTC: D:YYYYMMDDHHmmSS+00'00'."""
    return when.strftime("D:%Y%m%d%H%M%S+00'00'")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("print_site", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)

    page_file = (args.print_site / PRINT_PAGE).resolve()
    if not page_file.is_file():
        print(f"no print page at {page_file}: run scripts/assemble_print_page.py first", file=sys.stderr)
        return 1
    start = time.perf_counter()
    page_html = page_file.read_text("utf8")
    title = re.search(r"<title>(.*?)</title>", page_html, re.DOTALL)
    description = re.search(r'<meta name="description" content="([^"]*)"', page_html)
    try:
        render_pdf(page_file, args.out)
        finish_pdf(args.out, heading_texts(page_html),
                   html.unescape(title[1]) if title else "",
                   html.unescape(description[1]) if description else "")
    except PrintError as err:
        args.out.unlink(missing_ok=True)
        print(f"PDF not written: {err}", file=sys.stderr)
        return 1
    size = args.out.stat().st_size
    print(f"{args.out}: {size // 1024} KB in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
