"""The PDF of the whole FAQ: every question in its text and its bookmarks, rendered math, a title
page and contents, internal links that land, fonts embedded, and a size a reader can download.
Read from its text layer: no text that only makes sense on the web, no near-empty sheet, code
lines that wrap stay indented, and no inline formula broken across two lines."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
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
PRE = re.compile(r"<pre\b[^>]*>(.*?)</pre>", re.DOTALL)
# Web-only text the PDF must not print even where a page writes it without the class.
WEB_ONLY_TEXT = ["remembered on every page", "¶", "In [", "Out[", "ThemedFigure"]
# A sheet with less than this many lines of text, and nothing drawn below its top fifth, is
# near-empty (the title page is meant to be).
MIN_LINES = 6
# KaTeX lets a line break after these; inside an inline formula it must not.
OPERATORS = set("−+=⊙⋅·×≠≈≤≥→∘")


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


@dataclass(frozen=True)
class Run:
    """One run of text in one font on one sheet, as pdftohtml reports it (points, from the top)."""

    sheet: int
    top: int
    left: int
    width: int
    height: int
    font: str
    text: str


@pytest.fixture(scope="module")
def runs(pdf) -> list[Run]:
    xml = subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-stdout", "-enc", "UTF-8", str(pdf)],
                         check=True, capture_output=True, text=True).stdout
    root = ET.fromstring(xml)
    out = []
    for page in root.iter("page"):
        fonts = {spec.get("id"): spec.get("family") for spec in page.iter("fontspec")}
        fonts |= {spec.get("id"): spec.get("family") for spec in root.iter("fontspec")}
        for node in page.iter("text"):
            out.append(Run(int(page.get("number")), int(node.get("top")), int(node.get("left")),
                           int(node.get("width")), int(node.get("height")),
                           fonts.get(node.get("font"), ""), "".join(node.itertext())))
    return out


def visible(run: Run) -> bool:
    return bool(run.text.replace("\u200b", "").strip())


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


# --- read from the text layer -----------------------------------------------------------------

class WebOnlyText(HTMLParser):
    """The text inside every element of class `web-only` of a page, one string per element."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # open elements since the outermost web-only one
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if self.depth or "web-only" in (dict(attrs).get("class") or "").split():
            if not self.depth:
                self.texts.append("")
            self.depth += tag not in VOID

    def handle_endtag(self, tag) -> None:
        self.depth = max(0, self.depth - 1) if self.depth else 0

    def handle_data(self, data) -> None:
        if self.depth:
            self.texts[-1] += data


VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def web_only_texts(site: Path) -> list[str]:
    texts = []
    for page in site.rglob("index.html"):
        if "print_page" not in page.parts:
            parser = WebOnlyText()
            parser.feed(page.read_text("utf8"))
            texts += [t for t in parser.texts if compact(t)]
    return texts


def test_no_web_only_text(pdf_text, full_site):
    texts = web_only_texts(full_site)
    # tabs that remember the reader's choice, the step links' ¶, notebook prompts and figure cells
    assert len(texts) >= 10, "expected the pages to mark their web-only text"
    text = compact(pdf_text)
    printed = [t for t in texts if compact(t) in text]
    assert printed == [], f"the PDF prints web-only text: {printed[:5]}"
    assert [t for t in WEB_ONLY_TEXT if t in pdf_text] == []


def test_web_only_text_is_read_whole_from_nested_elements():
    parser = WebOnlyText()
    parser.feed('<p>Layout<span class="web-only">; pick <b>yours</b><br> (remembered)</span>:</p>'
                '<div class="web-only jp-InputPrompt">In [1]:</div><div class="not-web-only">x</div>')
    assert parser.texts == ["; pick yours (remembered)", "In [1]:"]


def near_empty_sheets(runs: list[Run], sheets: int, pdf: Path) -> list[tuple[int, int]]:
    """(sheet, lines of text) of each sheet, but the title page, that holds few lines of text and
    no drawing (a figure's text is drawn as outlines) below its top fifth."""
    lines: dict[int, set[int]] = {sheet: set() for sheet in range(1, sheets + 1)}
    for run in runs:
        if visible(run) and not run.text.strip().isdigit():  # the page number
            lines[run.sheet].add(run.top // 4)
    few = [(sheet, len(tops)) for sheet, tops in lines.items() if sheet > 1 and len(tops) < MIN_LINES]
    return [(sheet, count) for sheet, count in few if not drawn_below_top_fifth(pdf, sheet)]


def drawn_below_top_fifth(pdf: Path, sheet: int) -> bool:
    """Whether anything dark is drawn between a fifth of the way down and the footer."""
    grey = subprocess.run(["pdftoppm", "-gray", "-r", "20", "-f", str(sheet), "-l", str(sheet), str(pdf)],
                          check=True, capture_output=True).stdout
    width, height, pixels = parse_pgm(grey)
    rows = range(height // 5, height - height // 10)
    return any(min(pixels[row * width:(row + 1) * width]) < 200 for row in rows)


def parse_pgm(data: bytes) -> tuple[int, int, bytes]:
    fields = data.split(maxsplit=3)  # P5 width height (maxval and one byte per pixel follow)
    assert fields[0] == b"P5", fields[0]
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[-width * height:]


def test_no_near_empty_sheets(runs, reader, pdf):
    assert near_empty_sheets(runs, len(reader.pages), pdf) == []


def test_a_sheet_with_two_lines_counts_as_near_empty(tmp_path):
    from pypdf import PdfWriter

    blank = tmp_path / "blank.pdf"  # two sheets with nothing drawn
    writer = PdfWriter()
    for _ in range(2):
        writer.add_blank_page(595, 842)
    writer.write(blank)
    two_lines = [Run(2, 100, 50, 200, 16, "NotoSans", "See also"),
                 Run(2, 130, 60, 300, 16, "NotoSans", "Why is dL/dz = a − y?"),
                 Run(2, 800, 290, 10, 12, "NotoSans", "22")]
    assert near_empty_sheets(two_lines, 2, blank) == [(2, 2)]
    full = [Run(2, 100 + 20 * n, 50, 200, 16, "NotoSans", f"line {n}") for n in range(MIN_LINES)]
    assert near_empty_sheets(full, 2, blank) == []


def code_lines_by_sheet(runs: list[Run]) -> list[tuple[int, int, int, str]]:
    """(sheet, top, left, text) of each line of a code block, in reading order: lines of
    monospace text with no other text beside them (code inside prose or a table is left out)."""
    lines: dict[tuple[int, int], list[Run]] = {}
    prose: set[tuple[int, int]] = set()
    for run in runs:
        if not visible(run):
            continue
        if "Mono" in run.font:
            lines.setdefault((run.sheet, run.top), []).append(run)
        else:
            prose |= {(run.sheet, run.top + shift) for shift in range(-4, 5)}
    return [(sheet, top, min(r.left for r in line),
             "".join(r.text for r in sorted(line, key=lambda r: r.left)))
            for (sheet, top), line in sorted(lines.items()) if (sheet, top) not in prose]


def wrapped_code_lines(runs: list[Run], source_lines: set[str]) -> list[tuple[tuple, tuple]]:
    """Pairs of PDF lines that are one source line of code broken in two."""
    lines = code_lines_by_sheet(runs)
    pairs = []
    for first, second in zip(lines, lines[1:], strict=False):
        same_block = first[0] == second[0] and 0 < second[1] - first[1] < 25
        if same_block and compact(first[3]) not in source_lines and \
                compact(first[3] + second[3]) in source_lines:
            pairs.append((first, second))
    return pairs


def test_code_that_wraps_keeps_its_indentation(runs, full_site):
    pages = [p for p in full_site.rglob("index.html") if "print_page" not in p.parts]
    blocks = [html.unescape(re.sub(r"<[^>]+>", "", m[1])) for p in pages
              for m in PRE.finditer(p.read_text("utf8"))]
    source_lines = {compact(line) for block in blocks for line in block.splitlines() if line.strip()}
    pairs = wrapped_code_lines(runs, source_lines)
    assert len(pairs) >= 3, "expected some long code lines to wrap on paper"
    flush = [(first[3], second[3]) for first, second in pairs if second[2] <= first[2]]
    assert flush == [], f"wrapped code lines that lose their indentation: {flush[:5]}"


def formula_breaks(runs: list[Run]) -> list[tuple[int, str]]:
    """(sheet, text) of each KaTeX operator that ends its line: a formula broken after it."""
    by_sheet: dict[int, list[Run]] = {}
    for run in runs:
        if visible(run):
            by_sheet.setdefault(run.sheet, []).append(run)
    breaks = []
    for sheet, sheet_runs in by_sheet.items():
        for run in sheet_runs:
            if "KaTeX" not in run.font or run.text.strip()[-1:] not in OPERATORS:
                continue
            right = run.left + run.width
            follows = any(other.left + other.width > right + 1 and overlap(run, other) > 0.25
                          for other in sheet_runs if other is not run)
            if not follows:
                breaks.append((sheet, run.text.strip()))
    return breaks


def overlap(a: Run, b: Run) -> float:
    """How much of the shorter run's height the two runs share."""
    shared = min(a.top + a.height, b.top + b.height) - max(a.top, b.top)
    return shared / max(1, min(a.height, b.height))


def test_no_inline_formula_breaks_across_lines(runs):
    katex = [run for run in runs if "KaTeX" in run.font and run.text.strip()[-1:] in OPERATORS]
    assert len(katex) > 100, "expected many formulas with operators"
    assert formula_breaks(runs) == []


def test_a_formula_broken_after_its_minus_is_found():
    line = [Run(7, 330, 97, 89, 19, "NotoSans", "so both give "),
            Run(7, 330, 754, 7, 20, "KaTeX_Main", "("), Run(7, 333, 761, 9, 16, "KaTeX_Math", "a"),
            Run(7, 330, 774, 14, 20, "KaTeX_Main", "−"), Run(7, 358, 97, 9, 16, "KaTeX_Math", "y"),
            Run(7, 330, 200, 5, 20, "KaTeX_Main", "="), Run(7, 330, 210, 9, 16, "KaTeX_Math", "b")]
    assert formula_breaks(line) == [(7, "−")]
