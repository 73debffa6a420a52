"""Plain words first: snippets/glossary.md defines the site's jargon once, in words without
formulas, and every page shows each term it uses as an <abbr> whose title is that definition."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, load_script

GLOSSARY = ROOT / "snippets" / "glossary.md"
DEFINITION = re.compile(r"^\*\[(?P<term>[^\]]+)\]:\s*(?P<text>.+)$")
# Symbols and notation a plain-words definition has no use for.
FORMULA = re.compile(r"[=^_$\\∂Σ∑∏√≤≥×·⊙+/<>|{}]|[α-ωΑ-Ω]|\d|\b[a-zA-Z]\(|[ᵀ′]")
# The terms the site promises a definition for (issue 12); the glossary may define more.
REQUIRED = ["Jacobian", "canonical link", "logit", "outer product", "generalized linear model",
            "natural parameter", "log-partition", "exponential family", "vec", "Kronecker product",
            "numerator layout", "broadcasting", "elementwise product", "chain rule", "cross-entropy",
            "one-hot", "central difference"]


def read_glossary(path: Path = GLOSSARY) -> dict[str, str]:
    entries = {}
    for number, line in enumerate(path.read_text("utf8").splitlines(), start=1):
        if not line.strip() or line.startswith("[//]: #"):
            continue
        match = DEFINITION.match(line)
        assert match, f"{path.name}:{number}: not a definition `*[term]: words`: {line!r}"
        assert match["term"] not in entries, f"{path.name}:{number}: {match['term']!r} twice"
        entries[match["term"]] = match["text"].strip()
    return entries


def formula_in(text: str) -> str | None:
    found = FORMULA.search(text)
    return found[0] if found else None


ENTRIES = read_glossary()


def test_the_glossary_defines_the_promised_terms():
    assert not [t for t in REQUIRED if t not in ENTRIES]
    assert len(ENTRIES) >= len(REQUIRED)


@pytest.mark.parametrize("term", sorted(ENTRIES))
def test_each_definition_is_plain_words(term):
    text = ENTRIES[term]
    assert formula_in(text) is None, f"{term}: the definition holds {formula_in(text)!r}: {text}"
    assert 6 <= len(text.split()) <= 40, f"{term}: a definition of {len(text.split())} words"
    assert term.lower() not in text.lower().split(":")[0].split(), f"{term}: defined by itself"


def test_the_formula_check_finds_formulas():
    assert formula_in("The slope a(1 - a) of the sigmoid") == "a("
    assert formula_in("Equal to W transposed, Wᵀ") == "ᵀ"
    assert formula_in("A sum Σ of the entries") == "Σ"
    assert formula_in("Derivative ∂L over ∂z") == "∂"
    assert formula_in("Multiply by 2") == "2"
    assert formula_in("A column times a row.") is None


def test_a_line_that_is_not_a_definition_is_named(tmp_path):
    bad = tmp_path / "glossary.md"
    bad.write_text("*[chain rule]: Multiply the slopes.\nchain rule: oops\n", "utf8")
    with pytest.raises(AssertionError, match="glossary.md:2: not a definition"):
        read_glossary(bad)


def test_the_site_appends_the_glossary_and_shows_tooltips():
    config = load_script("assemble_print_page").read_config()
    features = config["theme"]["features"]
    assert "content.tooltips" in features  # Material's tooltips: hover, keyboard focus and tap
    extensions = {next(iter(e)) if isinstance(e, dict) else e: e for e in config["markdown_extensions"]}
    assert "abbr" in extensions
    assert extensions["pymdownx.snippets"]["pymdownx.snippets"]["auto_append"] == ["snippets/glossary.md"]


ABBR = re.compile(r'<abbr title="(?P<title>[^"]*)">(?P<term>[^<]*)</abbr>')


@pytest.fixture(scope="module")
def abbreviations(built_site) -> dict[str, dict[str, set[str]]]:
    """term -> {title -> pages} over every built page's article."""
    found: dict[str, dict[str, set[str]]] = {}
    for page in sorted(built_site.glob("**/index.html")):
        text = page.read_text("utf8")
        for match in ABBR.finditer(text):
            found.setdefault(html.unescape(match["term"]), {}).setdefault(
                html.unescape(match["title"]), set()).add(page.parent.name or "home")
    return found


@pytest.mark.parametrize("term", sorted(ENTRIES))
def test_each_term_shows_its_definition_where_it_is_used(term, abbreviations):
    shown = abbreviations.get(term)
    assert shown, f"{term!r}: no page shows it as a glossary term (unused: remove it, or check its case)"
    assert set(shown) == {ENTRIES[term]}, f"{term!r}: shown with other titles: {set(shown)}"


def test_a_page_with_jargon_in_its_short_answer_explains_it(built_site):
    page = (built_site / "hidden-layer" / "index.html").read_text("utf8")
    box = page[page.find("Short answer"):]
    box = box[:box.find("</div>")]
    assert f'<abbr title="{html.escape(ENTRIES["elementwise product"])}">elementwise product</abbr>' in box


@pytest.mark.browser
def test_a_tap_on_a_term_shows_its_definition_on_a_phone(served_site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.goto(served_site + "hidden-layer/", wait_until="load")
        term = page.locator("article abbr", has_text="elementwise product").first
        term.scroll_into_view_if_needed()
        term.tap()
        tooltip = page.locator(".md-tooltip2--active")
        tooltip.wait_for(state="visible", timeout=3000)
        assert tooltip.text_content().strip() == ENTRIES["elementwise product"]
    finally:
        context.close()
