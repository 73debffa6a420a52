"""Anchors inside collapsed blocks (pymdownx.details, `???`), in Chromium on a phone: a link to one,
the page's hash when it opens, or a click on a link within the page opens every enclosing
`<details>` and scrolls to the anchor (docs/javascripts/collapsed_anchors.js), over HTTP and
from the offline archive's file:// pages."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.browser_support import PHONE

pytestmark = pytest.mark.browser

PAGE = "sigmoid-derivative"
# The helper block ("??? example") holds the code of snippets/gradcheck.py; each of its lines
# carries an id. The anchor is the line that defines this function, well below the block's top.
LINE = "def assert_gradient_close"

STATE = """id => {
  const target = document.getElementById(id);
  const blocks = [];
  for (let d = target.closest("details"); d; d = d.parentElement.closest("details")) blocks.push(d.open);
  const r = target.getBoundingClientRect();
  const below = document.querySelector(".md-header").getBoundingClientRect().bottom;  // fixed header
  return {open: blocks, inView: r.height > 0 && r.top >= below - 1 && r.bottom <= window.innerHeight};
}"""
ADD_LINK = """id => {
  const link = document.createElement("a");
  link.href = "#" + id;
  link.id = "link-under-test";
  link.textContent = "the helper";
  document.querySelector("article p").append(" ", link);
}"""
WRAP_IN_CLOSED_BLOCK = """id => {
  const inner = document.getElementById(id).closest("details");
  const outer = document.createElement("details");
  outer.innerHTML = "<summary>More</summary>";
  inner.before(outer);
  outer.append(inner);
}"""


@pytest.fixture(scope="module")
def anchor(full_site) -> str:
    """The id of the helper's line, found inside a closed block of the page as built today."""
    html = (full_site / PAGE / "index.html").read_text("utf8")
    for block in re.findall(r"<details(?![^>]*\bopen\b)[^>]*>(.*?)</details>", html, re.S):
        for line_id, line in re.findall(r'<span id="([^"]+)">(.*?)(?=<span id="|</code>)', block, re.S):
            if unescape(re.sub(r"<[^>]+>", "", line)).startswith(LINE):
                return line_id
    pytest.fail(f"no anchor on a line starting {LINE!r} inside a closed block of {PAGE}")


def settled_state(page, anchor: str) -> dict:
    page.wait_for_timeout(100)  # the scripts scroll after a zero-delay timeout
    return page.evaluate(STATE, anchor)


def test_a_link_to_an_anchor_in_a_closed_block_opens_it(served_site, new_page, anchor):
    page = new_page(*PHONE)
    page.page.goto(f"{served_site}{PAGE}/#{anchor}", wait_until="load")
    assert settled_state(page.page, anchor) == {"open": [True], "inView": True}
    assert page.console_errors == []


def test_it_works_from_the_offline_archive(offline_site, new_page, anchor):
    page = new_page(*PHONE).page
    page.goto((offline_site / f"{PAGE}.html").as_uri() + f"#{anchor}", wait_until="load")
    assert settled_state(page, anchor) == {"open": [True], "inView": True}


def test_a_click_on_an_in_page_link_opens_the_block(served_site, new_page, anchor):
    page = new_page(*PHONE).page
    page.goto(f"{served_site}{PAGE}/", wait_until="load")
    assert page.evaluate(STATE, anchor) == {"open": [False], "inView": False}
    page.evaluate(ADD_LINK, anchor)
    page.click("#link-under-test")
    assert settled_state(page, anchor) == {"open": [True], "inView": True}
    # closed again by the reader and followed again: the hash does not change this time
    page.evaluate("id => { document.getElementById(id).closest('details').open = false; scrollTo(0, 0); }",
                  anchor)
    page.click("#link-under-test")
    assert settled_state(page, anchor) == {"open": [True], "inView": True}


def test_the_script_opens_the_blocks_where_the_browser_does_not(served_site, new_page, anchor):
    """Chromium opens a block on a fragment navigation by itself; Safari does not, and Material's
    own script then opens only the innermost block and scrolls to its top. A hash set without a
    fragment navigation (history.replaceState, then the hashchange event) leaves the work to
    collapsed_anchors.js, as those browsers do."""
    page = new_page(*PHONE).page
    page.goto(f"{served_site}{PAGE}/", wait_until="load")
    page.evaluate(WRAP_IN_CLOSED_BLOCK, anchor)
    page.evaluate("""id => {
      history.replaceState(null, "", "#" + id);
      window.dispatchEvent(new HashChangeEvent("hashchange"));
    }""", anchor)
    assert settled_state(page, anchor) == {"open": [True, True], "inView": True}
