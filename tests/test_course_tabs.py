"""Tabs that answer: each page opens on its home course's tab, the renamed "Examples in rows"
tab keeps its old "...-row-major-code" anchors, and a course that does not cover a step has a
one-line note (holding the removed tab's old id) instead of a placeholder tab."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from hooks.page.course_tabs import HOME_TABS, home_tab, old_anchor_spans, select_home_tab
from tests.conftest import DOCS, front_matter
from tests.test_page_structure import tab_sets

TAB_SET = re.compile(r'<div class="tabbed-set[^"]*"[^>]*>(?P<inputs>(?:\s*<input\b[^>]*>)+)'
                     r'\s*<div class="tabbed-labels">(?P<labels>.*?)</div>', re.S)
INPUT = re.compile(r'<input\b(?P<attrs>[^>]*)>')
LABEL = re.compile(r'<label for="(?P<for>[^"]+)">(?P<text>.*?)</label>', re.S)
# (page, section, removed tab labels): courses whose tab only said they do not cover the step
NOTES = [
    ("da-prev", "vectorized", ["MLS"]),
    ("hidden-layer", "chain", ["MLS"]),
    ("softmax-cross-entropy", "vectorized", ["M4ML lecture", "M4ML lab"]),
    ("assignment-vs-slides", "da-prev-role", ["MLS", "M4ML lecture", "M4ML lab"]),
]
PLACEHOLDER = re.compile(r"does not (derive|cover)|has no such|have no such|has no softmax", re.I)


def tabbed_pages() -> list[str]:
    return sorted(p.stem for p in DOCS.glob("*.md") if tab_sets(p.read_text("utf8")))


def built_tab_sets(html: str) -> list[tuple[str | None, list[str], list[str]]]:
    """(checked label, labels, input ids) of each tab set of a built page."""
    out = []
    for match in TAB_SET.finditer(html):
        inputs = [re.search(r'\sid="([^"]+)"', m["attrs"])[1] for m in INPUT.finditer(match["inputs"])]
        checked = [re.search(r'\sid="([^"]+)"', m["attrs"])[1] for m in INPUT.finditer(match["inputs"])
                   if "checked" in m["attrs"]]
        labels = {m["for"]: re.sub(r"<[^>]+>", "", m["text"]).strip()
                  for m in LABEL.finditer(match["labels"])}
        out.append((labels.get(checked[0]) if checked else None, [labels[i] for i in inputs], inputs))
    return out


def page(meta: dict) -> SimpleNamespace:
    return SimpleNamespace(meta=meta, file=SimpleNamespace(src_uri="x.md"))


# --- the home course --------------------------------------------------------------------------

def test_select_home_tab_marks_only_that_label():
    text = '=== "MLS"\n\n    a\n\n=== "DLS"\n\n    b\n\n    === "DLS"\n\n        c\n'
    assert select_home_tab(text, "DLS") == (
        '=== "MLS"\n\n    a\n\n===+ "DLS"\n\n    b\n\n    ===+ "DLS"\n\n        c\n'
    )
    assert select_home_tab(text, "M4ML lab") == text


def test_a_home_course_must_be_a_course():
    assert home_tab(page({"home_course": "M4ML"})) == "M4ML lab"
    assert home_tab(page({})) is None
    with pytest.raises(PluginError, match="home_course is 'CS231n'; use one of DLS, MLS, M4ML"):
        home_tab(page({"home_course": "CS231n"}))


@pytest.mark.parametrize("slug", tabbed_pages())
def test_every_tab_set_opens_on_the_home_course(slug, built_site):
    course = front_matter(DOCS / f"{slug}.md").get("home_course")
    assert course in HOME_TABS, f"docs/{slug}.md has notation tabs but no home_course in its front matter"
    home = HOME_TABS[course]
    sets = built_tab_sets((built_site / slug / "index.html").read_text("utf8"))
    assert sets, f"{slug}: no tab set in the built page"
    for checked, labels, _ in sets:
        assert checked == (home if home in labels else labels[0]), (
            f"{slug}: a first-time reader sees {checked!r} in tabs {labels}, not the home course {home!r}"
        )


def test_the_dls_pages_open_on_dls_and_same_gradient_on_mls():
    homes = {slug: front_matter(DOCS / f"{slug}.md")["home_course"] for slug in tabbed_pages()}
    assert homes["dz-a-minus-y"] == homes["da-prev"] == homes["hidden-layer"] == "DLS"
    assert homes["same-gradient"] == "MLS" and homes["notation"] == "M4ML"


# --- the renamed tab keeps its old anchors ---------------------------------------------------

def test_old_anchor_span_stands_before_its_own_tab_set():
    html = ('<p>x</p><div class="tabbed-set tabbed-alternate" data-tabs="1:2">'
            '<input checked="checked" id="s-dls" name="__tabbed_1" type="radio" />'
            '<input id="s-examples-in-rows" name="__tabbed_1" type="radio" /></div>')
    assert old_anchor_spans(html) == html.replace(
        '<div class="tabbed-set',
        '<span class="tab-old-anchor" id="s-row-major-code" data-tab="s-examples-in-rows"></span>'
        '<div class="tabbed-set', 1)
    assert old_anchor_spans("<p>no tabs</p>") == "<p>no tabs</p>"


@pytest.mark.parametrize("slug", tabbed_pages())
def test_every_renamed_tab_answers_to_its_old_id(slug, built_site):
    html = (built_site / slug / "index.html").read_text("utf8")
    for _, labels, inputs in built_tab_sets(html):
        for label, tab_id in zip(labels, inputs, strict=True):
            assert label != "Row-major code", f"{slug}: a tab is still called {label!r}"
            if label != "Examples in rows":
                continue
            old = tab_id.removesuffix("examples-in-rows") + "row-major-code"
            span = (f'<span class="tab-old-anchor" id="{old}" data-tab="{tab_id}"></span>'
                    '<div class="tabbed-set')
            assert span in html, f"{slug}: #{old} no longer leads to the tab #{tab_id}"


def test_the_manifest_still_lists_the_old_anchors():
    listed = (DOCS.parent / "tests" / "public_urls.txt").read_text("utf8")
    assert listed.count("-row-major-code\n") == 11  # what forum posts may already link to


# --- a course that does not cover a step: a note, not a tab ------------------------------------

@pytest.mark.parametrize(("slug", "section", "removed"), NOTES)
def test_a_course_that_skips_the_step_has_a_note_with_the_old_id(slug, section, removed, built_site):
    html = (built_site / slug / "index.html").read_text("utf8")
    ids = [f"{section}-{label.lower().replace(' ', '-')}" for label in removed]
    note = re.search(r'<p class="course-note" id="' + ids[0] + r'">(.*?)</p>', html, re.S)
    assert note, f"{slug}: no note with id #{ids[0]}"
    for other in ids[1:]:
        assert f'<span id="{other}"></span>' in note[1], f"{slug}: #{other} is not on the note"
    assert "<a href=" in note[1], f"{slug}: the note links nowhere"
    assert len(re.sub(r"<[^>]+>", "", note[1]).split()) <= 50, f"{slug}: the note is not short"
    for _, labels, inputs in built_tab_sets(html):
        if inputs[0].startswith(f"{section}-"):
            assert not set(removed) & set(labels), f"{slug}: #{section} still has tabs {labels}"


@pytest.mark.parametrize("slug", tabbed_pages())
def test_no_tab_only_says_its_course_skips_the_step(slug):
    text = (DOCS / f"{slug}.md").read_text("utf8")
    for match in re.finditer(r'^(\s*)===\+? "([^"]+)"\n\n((?:\1    .*\n|\n)*)', text, re.M):
        opening = " ".join(match[3].split())[:200]
        assert not PLACEHOLDER.search(opening), (
            f"docs/{slug}.md: the {match[2]} tab opens by saying the course skips the step; "
            "write a one-line note with a link instead (CONTRIBUTING.md, Notation tabs)"
        )


def test_the_placeholder_check_finds_one():
    assert PLACEHOLDER.search("The Machine Learning Specialization does not derive this step.")
    assert not PLACEHOLDER.search("DLS keeps the examples in the columns.")
