"""Every question page has the parts a reader and a forum mentor rely on."""

from __future__ import annotations

import re

import pytest
from mkdocs.exceptions import PluginError

from hooks.math.fences import iter_fences
from hooks.page.answers import answer_math, answer_with_math
from tests.conftest import DOCS, front_matter
from tests.tex_reader import text_and_math

NOTATION_TABS = ["MLS", "M4ML lecture", "M4ML lab", "DLS", "Examples in rows"]
REFERENCE_PAGES = {"index.md", "notation-table.md"}  # not phrased as a question
REQUIRED_SECTIONS = ["where-in-the-courses", "common-mistakes", "check-it-yourself"]


def pages():
    return sorted(p.relative_to(DOCS).as_posix() for p in DOCS.glob("*.md") if p.name != "index.md")


def tab_sets(text: str) -> list[list[str]]:
    """Labels of each run of content tabs (=== "Label") at the same indentation."""
    sets, current, indent, last_line = [], [], None, -10
    lines = text.splitlines()
    for number, line in enumerate(lines):
        match = re.match(r'^(\s*)=== "([^"]+)"', line)
        if not match:
            continue
        same_set = (
            current and match[1] == indent
            and _only_tab_content_between(lines, last_line, number, indent)
        )
        if not same_set and current:
            sets.append(current)
            current = []
        current.append(match[2])
        indent, last_line = match[1], number
    if current:
        sets.append(current)
    return sets


def _only_tab_content_between(lines, start, end, indent) -> bool:
    for line in lines[start + 1:end]:
        if line.strip() and not line.startswith(indent + "    ") and not line.startswith(indent + "\t"):
            return False
    return True


@pytest.mark.parametrize("page", pages())
def test_question_page_has_its_parts(page):
    text = (DOCS / page).read_text("utf8")
    meta = front_matter(DOCS / page)
    title = meta.get("title", "")
    assert title, f"docs/{page}: no title in the front matter"
    assert len(title) <= 80, f"docs/{page}: title has {len(title)} characters (previews cut at 80)"
    assert "$" not in title and "\\" not in title, f"docs/{page}: title holds TeX"
    if page not in REFERENCE_PAGES:
        assert title.endswith("?"), f"docs/{page}: the title should be the question"
    heading = re.search(r"^# (.+)$", text, re.M)
    assert heading and heading[1].strip() == title, f"docs/{page}: the H1 differs from the title"
    answer = " ".join(str(meta.get("answer", "")).split())
    assert 40 <= len(answer) <= 250, f"docs/{page}: answer has {len(answer)} characters"
    assert meta.get("phrasings"), f"docs/{page}: no phrasings"
    assert '!!! abstract "Short answer"' in text, f"docs/{page}: no short-answer box"
    for section in REQUIRED_SECTIONS:
        assert f"{{ #{section} }}" in text, f"docs/{page}: no section #{section}"
    fences = iter_fences(text)
    assert any(f.language == "derivation" for f in fences), f"docs/{page}: no checked derivation"
    if page not in REFERENCE_PAGES:
        code = "\n".join(f.body for f in fences if f.language == "python")
        assert "numerical_gradient" in code or "assert" in code, f"docs/{page}: no executed check"


@pytest.mark.parametrize("page", pages())
def test_headings_are_plain_text_with_word_ids(page):
    for line in (DOCS / page).read_text("utf8").splitlines():
        if re.match(r"^#{2,6} ", line):
            assert "$" not in line, f"docs/{page}: math in a heading: {line}"
            ident = re.search(r"\{ #([^ }]+) \}", line)
            assert ident, f"docs/{page}: heading without an explicit id: {line}"
            assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", ident[1]), line
            assert not re.fullmatch(r"(step|section|eq)-?\d+", ident[1]), line


@pytest.mark.parametrize("page", pages())
def test_every_tab_set_uses_the_site_wide_labels(page):
    for labels in tab_sets((DOCS / page).read_text("utf8")):
        # a course that does not cover the step has a note instead (tests/test_course_tabs.py)
        assert labels == [label for label in NOTATION_TABS if label in labels], (
            f"docs/{page}: tabs {labels}; every tab set takes its labels from {NOTATION_TABS}, "
            "in this order, so a reader's choice follows them across pages"
        )
        assert {"DLS", "Examples in rows"} <= set(labels), f"docs/{page}: tabs {labels}"


def test_tab_set_reader_sees_runs():
    text = '=== "MLS"\n\n    a\n\n=== "DLS"\n\n    b\n\nText.\n\n=== "MLS"\n\n    c\n'
    assert tab_sets(text) == [["MLS", "DLS"], ["MLS"]]


def box_text(paragraph: str) -> str:
    """The text of a short-answer paragraph, each rendered formula written back as `$tex$`."""
    return "".join(f"${part}$" if is_formula else part for part, is_formula in text_and_math(paragraph))


def test_box_text_reads_formulas_back_as_their_tex():
    rendered = ('With <span class="arithmatex"><span class="katex"><math><semantics><mi>a</mi>'
                '<annotation encoding="application/x-tex">a = \\sigma(z)</annotation></semantics></math>'
                '<span class="katex-html">a=σ(z)</span></span></span> and <abbr title="x">more</abbr>.')
    assert box_text(rendered) == "With $a = \\sigma(z)$ and more."


def test_answer_formulas_become_tex_wherever_they_are_listed():
    formulas = [("a(1 − a)", "a(1 - a)"), ("a = σ(z)", "a = \\sigma(z)")]
    answer = "With a = σ(z), the slope is a(1−a) * 2."
    assert answer_with_math(answer, formulas, "p.md") == "With $a = \\sigma(z)$, the slope is $a(1 - a)$ * 2."
    with pytest.raises(PluginError, match="p.md: answer_math formula `1 − a` is not in the answer"):
        answer_with_math("the slope is a", [("1 − a", "1 - a")], "p.md")


@pytest.mark.parametrize("page", pages())
def test_the_short_answer_opens_with_the_front_matter_answer(page, built_site):
    """The box opens with the answer, in the page's typography: each formula of `answer_math`
    rendered from its TeX (tests/formula_answers.py proves the TeX is the Unicode formula)."""
    meta = front_matter(DOCS / page)
    answer = " ".join(str(meta["answer"]).split())
    slug = page.removesuffix(".md")
    built = (built_site / slug / "index.html").read_text("utf8")
    box = re.search(r'<p class="admonition-title">Short answer</p>\s*<p>(.*?)</p>', built, re.S)
    assert box, f"docs/{page}: no short-answer box in the built page"
    expected = answer_with_math(answer, answer_math(meta, page), page)
    shown = box_text(box[1])
    assert shown == expected, f"docs/{page}: the box does not open with the answer, its formulas rendered"


@pytest.mark.parametrize("page", pages())
def test_pages_that_switch_notation_link_the_notation_table(page):
    text = (DOCS / page).read_text("utf8")
    if tab_sets(text) and page != "notation-table.md":
        assert "notation-table.md" in text, f"docs/{page}: has notation tabs but no link to the table"
