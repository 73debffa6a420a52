"""Tabs that answer, in Chromium: a first visit shows the page's home course, a reader's choice
follows them to another page, and the old "Row-major code" anchors open the renamed tab."""

from __future__ import annotations

import pytest

from tests.browser_support import PHONE

pytestmark = pytest.mark.browser

SELECTED = """() => [...document.querySelectorAll('.tabbed-set')].map(set => {
  const input = set.querySelector(':scope > input:checked');
  return set.querySelector(`label[for="${input.id}"]`).textContent.trim();
})"""
TAB_SELECTED = "id => document.getElementById(id).checked"
IN_VIEW = """id => {
  const r = document.getElementById(id).getBoundingClientRect();
  return r.top >= -1 && r.top < window.innerHeight;
}"""


def test_a_first_visit_shows_the_home_course(served_site, new_page):
    page = new_page(*PHONE).page
    page.goto(served_site + "da-prev/", wait_until="load")
    assert set(page.evaluate(SELECTED)) == {"DLS"}
    page.goto(served_site + "same-gradient/", wait_until="load")  # an MLS page
    assert set(page.evaluate(SELECTED)) == {"MLS"}


def test_a_choice_follows_the_reader_and_beats_the_home_course(served_site, new_page):
    page = new_page(*PHONE).page
    page.goto(served_site + "da-prev/", wait_until="load")
    page.locator(".tabbed-labels > label", has_text="Examples in rows").first.click()
    page.wait_for_function(TAB_SELECTED, arg="vectorized-examples-in-rows")
    page.goto(served_site + "same-gradient/", wait_until="load")
    assert set(page.evaluate(SELECTED)) == {"Examples in rows"}


@pytest.mark.parametrize(("slug", "section"), [("dz-a-minus-y", "vectorized"), ("notation", "weight-layout")])
def test_an_old_row_major_anchor_opens_the_renamed_tab(slug, section, served_site, new_page):
    page = new_page(*PHONE).page
    page.goto(f"{served_site}{slug}/#{section}-row-major-code", wait_until="load")
    page.wait_for_function(TAB_SELECTED, arg=f"{section}-examples-in-rows")
    assert page.evaluate("location.hash") == f"#{section}-examples-in-rows"  # the link to copy now
    assert page.evaluate(IN_VIEW, f"{section}-row-major-code")


def test_a_stored_old_label_carries_over_to_the_new_one(served_site, new_page):
    page = new_page(*PHONE).page
    page.goto(served_site + "dz-a-minus-y/", wait_until="load")
    page.evaluate("__md_set('__tabs', ['Row-major code', 'MLS'])")  # stored before the rename
    page.reload(wait_until="load")
    page.wait_for_function(TAB_SELECTED, arg="vectorized-examples-in-rows")
    assert page.evaluate("__md_get('__tabs')") == ["Examples in rows", "MLS"]


def test_a_removed_tab_anchor_lands_on_its_note(served_site, new_page):
    page = new_page(*PHONE).page
    page.goto(served_site + "softmax-cross-entropy/#vectorized-m4ml-lab", wait_until="load")
    assert page.evaluate(IN_VIEW, "vectorized-m4ml-lab")
    assert page.locator("p.course-note#vectorized-m4ml-lecture a").count() >= 1


def test_a_link_to_a_step_inside_another_courses_tab_opens_that_tab(served_site, new_page):
    # forum posts link to steps of the MLS tab, which was the first tab before DLS became home
    page = new_page(*PHONE).page
    page.goto(served_site + "dz-a-minus-y/#mls-gradient", wait_until="load")
    page.wait_for_function(TAB_SELECTED, arg="vectorized-mls")
    assert page.evaluate(IN_VIEW, "mls-gradient")
    assert page.evaluate("location.hash") == "#mls-gradient"
