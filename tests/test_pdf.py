"""The PDF of the whole FAQ: every question in its text and its bookmarks, rendered math, a title
page and contents, internal links that land, fonts embedded, and a size a reader can download."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser_support import PDF_NAME, ROOT
from tests.conftest import front_matter

pytestmark = pytest.mark.browser

DOCS = ROOT / "docs"
RAW_TEX = [r"\frac", r"\partial", "$$", r"\(", r"\sum"]
MAX_MB = 25           # a phone on a slow line still gets it
MAX_SHEETS_PER_PAGE = 25  # more would mean runaway layout (a formula one glyph per line)
CODE = re.compile(r"<(code|pre)\b[^>]*>(.*?)</\1>", re.DOTALL)


def question_titles() -> list[str]:
    titles = [front_matter(p).get("title") for p in sorted(DOCS.glob("*.md")) if p.stem != "index"]
    return [t for t in titles if t]


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pdf(full_site) -> Path:
    return full_site / PDF_NAME


@pytest.fixture(scope="module")
def reader(pdf):
    from pypdf import PdfReader

    return PdfReader(str(pdf))


@pytest.fixture(scope="module")
def pdf_text(pdf) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def outline_tree(reader, items=None, depth=0):
    """(depth, title, page index) for every bookmark, in order."""
    out = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            out += outline_tree(reader, item, depth + 1)
        else:
            out.append((depth, item.title, reader.get_destination_page_number(item)))
    return out


def test_every_question_is_in_the_text(pdf_text):
    text = compact(pdf_text)
    missing = [t for t in question_titles() if compact(t) not in text]
    assert question_titles(), "found no question pages"
    assert missing == [], f"question titles missing from the PDF text: {missing}"


def code_text(full_site: Path) -> str:
    """What the pages show as code: forum TeX is quoted there on purpose, never as math."""
    pages = [p for p in full_site.rglob("index.html") if "print_page" not in p.parts]
    return "".join(html.unescape(re.sub(r"<[^>]+>", "", m[2]))
                   for p in pages for m in CODE.finditer(p.read_text("utf8")))


def test_no_raw_tex_in_the_text(pdf_text, full_site):
    quoted = code_text(full_site)
    extra = {t: (pdf_text.count(t), quoted.count(t)) for t in RAW_TEX
             if pdf_text.count(t) > quoted.count(t)}
    assert extra == {}, f"TeX in the PDF text beyond what the pages quote as code: {extra}"
    assert "a − y" in pdf_text or "a − y" in pdf_text.replace("\u2212", "−")


def test_title_page_and_contents(reader, pdf_text):
    first = reader.pages[0].extract_text()
    assert "Backprop FAQ" in first
    assert reader.metadata.title == "Backprop FAQ"
    contents = reader.pages[1].extract_text()
    assert "Contents" in contents
    assert compact(question_titles()[0])[:20] in compact(pdf_text)


def test_bookmarks_list_every_question_with_its_sections(reader):
    tree = outline_tree(reader)
    titles = [title for _, title, _ in tree]
    missing = [t for t in question_titles() if t not in titles]
    assert missing == [], f"questions without a bookmark: {missing}"
    for depth, title, page in tree:
        if title in question_titles():
            after = tree[tree.index((depth, title, page)) + 1:]
            assert after and after[0][0] == depth + 1, f"{title!r} has no nested section bookmarks"
    pages = [page for _, _, page in tree]
    assert pages == sorted(pages), "bookmarks are out of page order"
    assert all(title.strip() == title and "  " not in title for title in titles)


def test_every_internal_link_has_a_target(reader):
    names = set(reader.named_destinations)
    internal, dangling, local_files = 0, [], []
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            dest = annot.get("/Dest")
            action = annot.get("/A")
            if dest is None and action is not None and action.get("/S") == "/GoTo":
                dest = action.get("/D")
            if dest is not None:
                internal += 1
                if isinstance(dest, str) and dest not in names:
                    dangling.append((number + 1, dest))
            elif action is not None and action.get("/S") == "/URI":
                uri = str(action.get("/URI"))
                if uri.startswith("file:") or not re.match(r"https?://|mailto:", uri):
                    local_files.append((number + 1, uri))
    assert internal >= len(question_titles()), f"only {internal} internal links"
    assert dangling == [], f"links to missing destinations (sheet, name): {dangling[:10]}"
    assert local_files == [], f"links to files that do not travel with the PDF: {local_files[:10]}"


def test_size_pages_and_fonts(pdf, reader):
    size_mb = pdf.stat().st_size / 2**20
    pages = len(reader.pages)
    questions = len(question_titles())
    assert 0.1 < size_mb < MAX_MB, f"the PDF is {size_mb:.1f} MB"
    assert questions + 2 <= pages <= MAX_SHEETS_PER_PAGE * (questions + 1), f"{pages} sheets"
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    not_embedded = [line for line in fonts if line.split()[-5] != "yes"]
    assert fonts and not_embedded == [], f"fonts not embedded: {not_embedded}"


def test_a_missing_print_page_fails_clearly(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "print_pdf.py"),
                             str(tmp_path), str(tmp_path / "out.pdf")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "no print page at" in result.stderr and not (tmp_path / "out.pdf").exists()


def test_a_print_page_that_does_not_load_cleanly_is_not_printed(tmp_path):
    page = tmp_path / "print_page" / "index.html"
    page.parent.mkdir()
    page.write_text('<html><head><title>x</title><link rel="stylesheet" href="gone.css">'
                    "</head><body><h1>x</h1></body></html>")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "print_pdf.py"),
                             str(tmp_path), str(tmp_path / "out.pdf")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "does not load cleanly" in result.stderr and "gone.css" in result.stderr
    assert not (tmp_path / "out.pdf").exists()
