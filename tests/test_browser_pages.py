"""Every page in Chromium, served over 127.0.0.1 and opened from the offline copy via file://:
no request to another host, no console error, no raw TeX, every formula rendered with its MathML,
no sideways scrolling on a phone, no serious accessibility violation; the notation tab a reader
picks follows them from page to page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import tests.test_reading_path as path_measure
from tests.browser_support import DESKTOP, PHONE, ROOT
from tests.conftest import question_pages

pytestmark = pytest.mark.browser

DOCS = ROOT / "docs"
SHOTS = ROOT / "test-output" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAB_LABELS = ["MLS", "M4ML lecture", "M4ML lab", "DLS", "Examples in rows"]
RAW_TEX = [r"\frac", r"\partial", "$$", r"\(", r"\)", r"\["]
SOURCES = sorted([*DOCS.glob("*.md"), *DOCS.glob("*.ipynb")])
SLUGS = ["" if p.stem == "index" else p.stem for p in SOURCES]
# The offline copy's pages share three templates: the home page, a question page and the
# notebook. One of each is opened from file:// here (hidden-layer has tabs, collapsed blocks, a
# picture and math); every file of the copy is read for requests to other hosts by
# tests/test_offline_archive.py, and search and the tabs are tried from file:// there and below.
OFFLINE_PAGES = {"home", "hidden-layer", "two-layer-network"}
# Every page is checked at phone size, where most readers meet it (axe included); the same
# three pages are checked at desktop size too, with the navigation and the contents shown.
DESKTOP_PAGES = OFFLINE_PAGES

VISIBLE_TEXT = """() => {
  const skip = 'code, pre, kbd, samp, textarea, script, style, .katex-mathml';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (el && !el.closest(skip) && el.checkVisibility()) out.push(n.textContent);
  }
  return out.join(' ');
}"""

MATH_COUNTS = """() => ({
  spans: document.querySelectorAll('.arithmatex').length,
  unrendered: [...document.querySelectorAll('.arithmatex')]
    .filter(e => !e.querySelector('.katex')).map(e => e.textContent.slice(0, 60)),
  katex: document.querySelectorAll('.katex').length,
  mathml: document.querySelectorAll('.katex > .katex-mathml math').length,
  errors: document.querySelectorAll('.katex-error').length,
})"""

WIDE_ELEMENTS = """() => {
  const width = window.innerWidth, wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.right <= width + 1 || r.width === 0) continue;
    let boxed = false;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o !== 'visible' && o !== 'clip' || a.clientWidth < a.scrollWidth && o !== 'visible') {
        boxed = true; break;
      }
    }
    if (!boxed) wide.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ` +
                          `(right edge ${Math.round(r.right)} px)`);
  }
  return wide.slice(0, 8);
}"""

SELECTED_TABS = """() => [...document.querySelectorAll('.tabbed-set')].map(set => {
  const input = set.querySelector(':scope > input:checked');
  const label = input && set.querySelector(`label[for="${input.id}"]`);
  const labels = [...set.querySelectorAll(':scope > .tabbed-labels > label')];
  return [label ? label.textContent.trim() : null, labels.map(l => l.textContent.trim())];
})"""

# Formulas are checked above (each has its MathML for screen readers); KaTeX's HTML is
# aria-hidden and takes the colour of the text around it. Standing each formula in as one word
# leaves axe a page a tenth the size to judge. Run last on a page: it changes the page.
AXE_RUN = """async () => {
  document.querySelectorAll('.katex').forEach(e => e.replaceWith(document.createTextNode('x')));
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => ['serious', 'critical'].includes(v.impact)).map(v =>
    `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; ')}`);
}"""


NO_MOTION = "*, *::before, *::after { transition: none !important; animation: none !important; }"


def source_has_math(path: Path) -> bool:
    text = path.read_text("utf8")
    return bool(re.search(r"\$[^\s$]|```derivation|\\\(", text))


def http_url(base: str, slug: str) -> str:
    return base + (f"{slug}/" if slug else "")


def file_url(offline: Path, slug: str) -> str:
    return (offline / (f"{slug}.html" if slug else "index.html")).as_uri()


def raw_tex_in(text: str) -> list[str]:
    found = []
    for token in RAW_TEX:
        at = text.find(token)
        if at >= 0:
            found.append(f"{token!r} in …{text[max(0, at - 40):at + 40]}…")
    return found


def assert_quiet(recorded, where: str) -> None:
    """No request to another host and no console error, so far."""
    assert recorded.foreign_requests() == [], f"{where} asks the network: {recorded.foreign_requests()}"
    assert recorded.console_errors == [], f"{where} logs errors: {recorded.console_errors}"


def assert_page_is_clean(recorded, where: str, has_math: bool) -> None:
    page = recorded.page
    assert_quiet(recorded, where)
    assert raw_tex_in(page.evaluate(VISIBLE_TEXT)) == [], f"{where} shows raw TeX"
    math = page.evaluate(MATH_COUNTS)
    assert math["unrendered"] == [], f"{where}: formulas left as TeX: {math['unrendered']}"
    assert math["errors"] == 0, f"{where}: {math['errors']} KaTeX errors"
    if has_math:
        assert math["katex"] > 0, f"{where}: the Markdown has math but the page shows no KaTeX"
    assert math["mathml"] == math["katex"], (
        f"{where}: {math['katex']} formulas but {math['mathml']} MathML copies for screen readers"
    )


@pytest.mark.parametrize("source", SOURCES, ids=[s or "home" for s in SLUGS])
def test_page_in_the_browser(source, served_site, offline_site, new_page, tmp_path_factory):
    slug = "" if source.stem == "index" else source.stem
    name = slug or "home"
    has_math = source_has_math(source)
    SHOTS.mkdir(parents=True, exist_ok=True)

    # first at phone size, as a reader from a forum link meets it: the reading path is measured
    # on this visit (tests/test_reading_path.py), and nothing may scroll sideways
    served = new_page(*PHONE)
    served.page.goto(http_url(served_site, slug), wait_until="load")
    if slug in question_pages():
        path_measure.record(served.page, slug, path_measure.measured_folder(tmp_path_factory))
    widths = served.page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], (
        f"{name} scrolls sideways on a phone ({widths[0]} px > {widths[1]} px): "
        f"{served.page.evaluate(WIDE_ELEMENTS)}"
    )
    served.page.screenshot(path=str(SHOTS / f"{name}-phone.png"))
    served.page.add_style_tag(content=NO_MOTION)
    assert_page_is_clean(served, f"http {name}", has_math)
    pdf_link = served.page.locator('.md-footer a[href$="backprop-faq.pdf"]')
    assert pdf_link.count() == 1, f"{name}: no link to the PDF in the footer"
    served.page.add_script_tag(path=str(AXE))
    if name in DESKTOP_PAGES:  # one page of each template at desktop size too, navigation shown
        served.page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
        served.page.wait_for_timeout(50)  # the sidebars come in after the resize
        served.page.screenshot(path=str(SHOTS / f"{name}-desktop.png"))
        violations = served.page.evaluate(AXE_RUN)
        assert violations == [], f"{name} (desktop): serious accessibility violations:\n" + "\n".join(
            violations)
        served.page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
        served.page.wait_for_timeout(50)
    violations = served.page.evaluate(AXE_RUN)
    assert violations == [], f"{name}: serious accessibility violations:\n" + "\n".join(violations)
    # What the theme fetches after "load" (search, for one) is caught here, once the network
    # has been quiet for half a second: by now it mostly has been, so this rarely waits.
    served.page.wait_for_load_state("networkidle")
    assert_quiet(served, f"http {name} (after load)")

    if name in OFFLINE_PAGES:
        offline = new_page(*DESKTOP)
        offline.page.goto(file_url(offline_site, slug), wait_until="load")
        assert_page_is_clean(offline, f"file:// {name}", has_math)


OPEN_TAB_BLOCKS = """() => document.querySelectorAll('details').forEach(d => {
  if (d.querySelector('.tabbed-set')) d.open = true;
})"""


def tabbed_pages() -> list[str]:
    """Pages with notation tabs, the lightest first (each is opened four times below)."""
    pages = [p for p in SOURCES if all(f'=== "{label}"' in p.read_text("utf8")
                                       for label in ("MLS", "DLS"))]
    return [p.stem for p in sorted(pages, key=lambda p: p.stat().st_size)]


@pytest.mark.parametrize("origin", ["http", "file"])
def test_notation_tab_follows_the_reader(origin, served_site, offline_site, new_page):
    first, second = tabbed_pages()[:2]

    def url(slug):
        return http_url(served_site, slug) if origin == "http" else file_url(offline_site, slug)

    recorded = new_page(*DESKTOP)
    page = recorded.page
    for label in ("DLS", "M4ML lab"):
        page.goto(url(first), wait_until="load")
        page.evaluate(OPEN_TAB_BLOCKS)  # as a reader does: the tabs sit in a collapsed block
        page.locator(".tabbed-labels > label", has_text=re.compile(f"^{label}$")).first.click()
        assert [label, TAB_LABELS] in page.evaluate(SELECTED_TABS), (
            f"{first}: clicking {label} did not select it"
        )
        page.goto(url(second), wait_until="load")
        selected = [chosen for chosen, labels in page.evaluate(SELECTED_TABS) if label in labels]
        assert selected and set(selected) == {label}, (
            f"{origin}: picked {label} on {first}, but {second} shows {selected}"
        )
    assert recorded.console_errors == []
