"""Every section and every derivation step has a short anchor made of words, unique on its page,
with a visible link (¶) a mentor can copy: on hover, on keyboard focus and on touch screens."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from hooks.math.fences import iter_fences
from tests.conftest import DOCS
from tests.test_public_urls import urls

WORD = re.compile(r"^[a-z0-9]+$")
MAX_WORDS, MAX_CHARS = 6, 48
HEADING = re.compile(r"^(#{2,6})\s+(.*?)\s*$")
EXPLICIT_ID = re.compile(r"\{\s*#([^\s}]+)\s*\}$")


def word_like(anchor: str) -> str | None:
    """Why `anchor` is not a short anchor made of words, or None if it is one."""
    if "_" in anchor:
        return "has an underscore (an automatic _1 suffix?)"
    parts = anchor.split("-")
    if not all(WORD.match(p) for p in parts):
        return "is not lowercase words joined by '-'"
    if parts[-1].isdigit() or all(p.isdigit() for p in parts):
        return "ends in a bare number (like step-3): it would move when a step is inserted"
    if len(parts) > MAX_WORDS or len(anchor) > MAX_CHARS:
        return f"is longer than {MAX_WORDS} words or {MAX_CHARS} characters"
    return None


def test_word_like_rejects_numbered_and_suffixed_ids():
    assert word_like("dl-da") is None and word_like("dz2-output") is None
    assert "bare number" in word_like("step-3") and "bare number" in word_like("mls-1")
    assert word_like("the-1-over-2m-convention") is None  # a number inside a phrase is a word
    assert "underscore" in word_like("mls_1")
    assert "lowercase" in word_like("Setup")
    assert "longer" in word_like("a-very-long-anchor-made-of-far-too-many-words")


ANY_ID = re.compile(r'\sid="([^"]*)"')
HEADING_ID = re.compile(r'<(h[2-6])\b[^>]*?\sid="([^"]*)"|<(h[2-6])\b(?![^>]*\sid=)[^>]*>')
STEP_ID = re.compile(r'<div class="step(?: [^"]*)?"(?: id="([^"]*)")?')  # class "step ..."
PERMALINK = re.compile(r'<a class="headerlink" href="#([^"]*)"')


class Links:
    """Every id in the page, and in the article each heading's and each step's ¶ link."""

    def __init__(self, html: str) -> None:
        self.all_ids = ANY_ID.findall(html)
        content = urls.article(html)
        self.targets: list[tuple[str, str]] = []  # (what, id) for headings h2-h6 and steps
        for match in HEADING_ID.finditer(content):
            self.targets.append((f"<{match[1] or match[3]}>", match[2] or ""))
        self.targets += [("derivation step", i or "") for i in STEP_ID.findall(content)]
        self.links = set(PERMALINK.findall(content))  # the ¶ links' targets


@pytest.fixture(scope="module")
def built_pages(built_site):
    out = {}
    for path in urls.site_pages(built_site):
        out[path] = Links(urls.page_file(built_site, path).read_text("utf8"))
    return out


def test_every_id_on_every_page_is_unique(built_pages):
    for path, links in built_pages.items():
        twice = sorted(i for i, n in Counter(links.all_ids).items() if n > 1)
        assert not twice, f"{path}: ids used more than once: {twice}"


def test_every_public_id_is_a_short_anchor_made_of_words(built_site):
    bad = []
    for path in urls.site_pages(built_site):
        for anchor in urls.public_ids(urls.page_file(built_site, path).read_text("utf8")):
            reason = word_like(anchor)
            if reason:
                bad.append(f"{path}#{anchor} {reason}")
    assert not bad, "anchors must be short words, e.g. #dl-da:\n  " + "\n  ".join(bad)


def test_every_section_and_step_has_an_id_and_a_link(built_pages):
    for path, links in built_pages.items():
        for what, anchor in links.targets:
            assert anchor, f"{path}: a {what} has no id"
            assert anchor in links.links, f"{path}: {what} #{anchor} has no ¶ link"


def headings_outside_fences(text: str):
    inside = set()
    for fence in iter_fences(text):
        inside.update(range(fence.line, fence.end + 1))
    for number, line in enumerate(text.splitlines(), start=1):
        match = HEADING.match(line)
        if match and number not in inside:
            yield number, match[2]


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_every_heading_names_its_anchor_in_the_source(page):
    text = (DOCS / page).read_text("utf8")
    missing = [f"docs/{page}:{n}: {title}" for n, title in headings_outside_fences(text)
               if not EXPLICIT_ID.search(title)]
    assert not missing, (
        "give each heading an explicit, permanent id, e.g. `## Title { #short-words }`:\n  "
        + "\n  ".join(missing)
    )


# --- the ¶ links can be seen and reached ----------------------------------------------------

OPACITY = "el => parseFloat(getComputedStyle(el).opacity)"


@pytest.mark.browser
def test_links_show_on_hover_and_focus(served_site, new_page):
    recorded = new_page()
    page = recorded.page
    page.goto(served_site + "dz-a-minus-y/")
    heading_link = page.locator("h2#setup > a.headerlink")
    assert heading_link.evaluate(OPACITY) == 0  # hidden until wanted, on a desktop
    page.locator("h2#setup").hover()
    page.wait_for_timeout(300)
    assert heading_link.evaluate(OPACITY) == 1
    page.mouse.move(0, 0)
    heading_link.focus()
    page.wait_for_timeout(300)
    assert heading_link.evaluate("el => el === document.activeElement")
    assert heading_link.evaluate(OPACITY) == 1
    step_link = page.locator('.step#dl-da a.headerlink[href="#dl-da"]')
    assert step_link.evaluate(OPACITY) >= 0.5  # step links are always shown
    step_link.focus()
    assert step_link.evaluate("el => el === document.activeElement")
    assert page.evaluate("document.querySelectorAll('a.headerlink[tabindex=\"-1\"]').length") == 0


@pytest.mark.browser
def test_links_show_on_touch_screens(served_site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True)
    try:
        page = context.new_page()
        page.goto(served_site + "dz-a-minus-y/")
        assert page.evaluate("matchMedia('(hover: none)').matches")
        opacity = page.locator("h2#setup > a.headerlink").evaluate(OPACITY)
        assert opacity >= 0.5, f"a heading's ¶ is invisible on a touch screen ({opacity})"
        assert page.locator(".step#dl-da a.headerlink").evaluate(OPACITY) >= 0.5
    finally:
        context.close()
