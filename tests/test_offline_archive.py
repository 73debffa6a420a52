"""The offline copy: one folder in a zip, every page and link inside it, nothing from a CDN, and
search, math and the PDF working when it is opened from file://."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.browser_support import ARCHIVE_FOLDER, ARCHIVE_NAME, PDF_NAME, ROOT

pytestmark = pytest.mark.browser

DOCS = ROOT / "docs"
MAX_MB = 40
LINK = re.compile(r'(?:href|src)="([^"]+)"')
CDN = re.compile(r"https?://(?:unpkg\.com|cdn\.jsdelivr\.net|cdnjs\.cloudflare\.com|fonts\.g)")
# Everything a page or style sheet makes the browser fetch: src of embedded elements, srcset,
# <link> (but canonical and alternate, which name an address and fetch nothing), CSS url().
RESOURCE = re.compile(
    r'<(?:img|script|source|iframe|audio|video|embed|track|input)\b[^>]*?\bsrc="([^"]+)"'
    r'|\bsrcset="([^"]+)"'
    r'|<link\b(?![^>]*\brel="(?:canonical|alternate)")[^>]*?\bhref="([^"]+)"'
    r'|\burl\(\s*[\'"]?([^\'")\s]+)'
)


def fetched_from_elsewhere(text: str) -> list[str]:
    """The addresses a page or style sheet would fetch from another host."""
    found = []
    for match in RESOURCE.finditer(text):
        for target in (t.strip().split()[0] for t in match.groups() if t and t.strip()):
            if urlsplit(target).scheme in ("http", "https") or target.startswith("//"):
                found.append(target)
    return found


def test_archive_is_one_folder_with_every_page_and_the_pdf(full_site):
    with zipfile.ZipFile(full_site / ARCHIVE_NAME) as archive:
        names = archive.namelist()
    assert {name.split("/")[0] for name in names} == {ARCHIVE_FOLDER}
    pages = {p.stem for p in DOCS.glob("*.md")} | {p.stem for p in DOCS.glob("*.ipynb")}
    for stem in pages:
        assert f"{ARCHIVE_FOLDER}/{stem}.html" in names, f"the archive has no page {stem}.html"
    for needed in (PDF_NAME, "search/search_index.js", "assets/javascripts/iframe-worker-shim.js",
                   "assets/katex/katex.min.css"):
        assert f"{ARCHIVE_FOLDER}/{needed}" in names, f"the archive has no {needed}"
    assert (full_site / ARCHIVE_NAME).stat().st_size < MAX_MB * 2**20


def test_every_local_link_in_the_copy_resolves_and_nothing_comes_from_a_cdn(offline_site):
    broken, cdn = [], []
    for page in offline_site.rglob("*.html"):
        text = page.read_text("utf8")
        cdn += [f"{page.name}: {m[0]}" for m in CDN.finditer(text)]
        for target in LINK.findall(text):
            parts = urlsplit(target)
            if parts.scheme or target.startswith(("#", "//", "data:", "javascript:")):
                continue
            path = unquote(parts.path)
            if not path:
                continue
            resolved = (page.parent / path).resolve()
            if not resolved.exists():
                broken.append(f"{page.relative_to(offline_site)} -> {target}")
    assert cdn == [], f"the copy asks a CDN: {cdn[:5]}"
    assert broken == [], f"links to files missing from the copy: {sorted(set(broken))[:10]}"


def test_no_file_of_the_copy_fetches_from_another_host(offline_site):
    """Every page and style sheet of the copy, read as text (the browser tests open a few pages
    of it and record every request)."""
    files = [*offline_site.rglob("*.html"), *offline_site.rglob("*.css")]
    assert len(files) > 20
    foreign = [f"{f.relative_to(offline_site)}: {t}" for f in files
               for t in fetched_from_elsewhere(f.read_text("utf8", errors="replace"))]
    assert foreign == [], f"the copy fetches from another host: {foreign[:5]}"


def test_the_fetch_reader_sees_each_kind_of_reference():
    page = ('<img alt="" src="https://a.example/x.png"><script src="js/local.js"></script>'
            '<link rel="stylesheet" href="//b.example/s.css"><link rel="canonical" href="https://c.example/">'
            '<style>p { background: url("https://d.example/bg.png") }</style>'
            '<img srcset="https://e.example/2x.png 2x">')
    assert fetched_from_elsewhere(page) == ["https://a.example/x.png", "//b.example/s.css",
                                            "https://d.example/bg.png", "https://e.example/2x.png"]


def test_the_copy_does_not_link_to_its_own_archive(offline_site):
    linking = [p.name for p in offline_site.glob("*.html") if ARCHIVE_NAME in p.read_text("utf8")]
    assert linking == []


def test_search_works_from_file(offline_site, new_page):
    recorded = new_page()
    page = recorded.page
    page.goto((offline_site / "index.html").as_uri(), wait_until="load")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("sigmoid", delay=40)  # Material searches on key events
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    assert results.count() >= 1
    first = page.locator(".md-search-result__link").first.get_attribute("href")
    assert first and ".html" in first, f"a search result links to {first!r}, not a file"
    assert recorded.foreign_requests() == []
    assert recorded.console_errors == []


def test_the_pdf_opens_from_the_copy(offline_site):
    home = (offline_site / "index.html").read_text("utf8")
    assert f'href="{PDF_NAME}"' in home
    pdf = offline_site / PDF_NAME
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert Path(pdf).stat().st_size > 100_000
