"""The home page a learner scans: short question titles, one line each, grouped by the course
and week where a learner meets them; the phrasings stay in search and on their pages."""

from __future__ import annotations

import html
import re
from collections import Counter

import pytest

from hooks.page.question_list import group_title, home_week
from tests.conftest import DOCS, front_matter, question_pages

GROUP = re.compile(r'<h3 id="(?P<id>[^"]+)">(?P<title>.*?)<a class="headerlink"')
ITEM = re.compile(r'<li>\s*(?:<p>)?<strong><a href="(?P<href>[^"]+)">(?P<title>.*?)</a></strong><br\s*/?>'
                  r"(?P<gist>.*?)(?:</p>)?\s*</li>", re.S)
EXPECTED_GROUPS = {  # page -> the group a learner meets it in
    "dz-a-minus-y": "DLS Course 1, Week 2",
    "one-over-m": "DLS Course 1, Week 2",
    "hidden-layer": "DLS Course 1, Week 3",
    "da-prev": "DLS Course 1, Week 4",
    "assignment-vs-slides": "DLS Course 1, Week 4",
    "l2-regularization": "DLS Course 2, Week 1",
    "dropout": "DLS Course 2, Week 1",
    "gradient-checking": "DLS Course 2, Week 1",
    "initialization": "DLS Course 2, Week 1",
    "softmax-cross-entropy": "DLS Course 2, Week 3",
    "autodiff": "DLS Course 1, Week 2",
    "from-logits": "MLS Course 2, Week 2",
    "conv-backward": "DLS Course 4, Week 1",
    "rnn-backward": "DLS Course 5, Week 1",
    "same-gradient": "MLS Course 1, Week 3",
    "notation": "M4ML Course 2, Week 3",
    "notation-table": "For every course",
}


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())



@pytest.fixture(scope="module")
def home_list(built_site) -> list[tuple[str, list[dict]]]:
    """(group title, [{page, title, gist}]) in the order the home page shows them."""
    page = (built_site / "index.html").read_text("utf8")
    start = page.index('<div class="question-list"')
    listing = page[start:page.index("</div>", start)]
    groups = []
    for match in GROUP.finditer(listing):
        end = listing.find("<h3", match.end())
        body = listing[match.end(): end if end >= 0 else len(listing)]
        items = [{"page": m["href"].strip("./").removesuffix("/"), "title": text_of(m["title"]),
                  "gist": text_of(m["gist"])} for m in ITEM.finditer(body)]
        groups.append((text_of(match["title"]), items))
    return groups


def test_every_question_is_listed_once_by_its_short_title(home_list):
    listed = Counter(item["page"] for _, items in home_list for item in items)
    assert sorted(listed) == question_pages() and set(listed.values()) == {1}
    for _, items in home_list:
        for item in items:
            meta = front_matter(DOCS / f"{item['page']}.md")
            assert item["title"] == meta["short_title"] and len(item["title"]) <= 50
            assert item["gist"] == meta["gist"] and len(item["gist"]) <= 100


def test_questions_are_grouped_as_a_learner_meets_them(home_list):
    titles = [title for title, _ in home_list]
    assert titles == ["DLS Course 1, Week 2", "DLS Course 1, Week 3", "DLS Course 1, Week 4",
                      "DLS Course 2, Week 1", "DLS Course 2, Week 3", "DLS Course 4, Week 1",
                      "DLS Course 5, Week 1", "MLS Course 1, Week 3", "MLS Course 2, Week 2",
                      "M4ML Course 2, Week 3", "For every course"]
    where = {item["page"]: title for title, items in home_list for item in items}
    assert {page: where[page] for page in EXPECTED_GROUPS} == EXPECTED_GROUPS


def test_the_phrasings_are_not_in_the_list(home_list, built_site):
    shown = " ".join(f"{item['title']} {item['gist']}" for _, items in home_list for item in items)
    for page in question_pages():
        for phrasing in front_matter(DOCS / f"{page}.md")["phrasings"]:
            assert " ".join(str(phrasing).split()) not in shown, f"{page}: phrasing {phrasing!r} in the list"
    assert "Also asked as" not in (built_site / "index.html").read_text("utf8")


def test_the_home_page_keeps_its_questions_anchor(built_site):
    assert 'id="questions"' in (built_site / "index.html").read_text("utf8")


def test_the_404_page_links_every_question(built_site):
    page = (built_site / "404.html").read_text("utf8")
    for slug in question_pages():
        assert f'/{slug}/"' in page, f"the 404 page does not link {slug}"


def test_the_home_week_is_the_week_cited_most_with_ties_to_the_earlier():
    markdown = "[[course:dls-c1w4]] [[course:dls-c1w3]] [[course:mls-c2w2]] [[course:mls-c2w2]]"
    assert home_week(markdown, "DLS") == ("DLS", 1, 3)  # a tie: the earlier week
    assert home_week(markdown + " [[course:dls-c1w4/bare]]", "DLS") == ("DLS", 1, 4)
    assert home_week(markdown, "MLS") == ("MLS", 2, 2)
    assert home_week(markdown, "M4ML") is None
    assert group_title(None) == "For every course"


def test_a_home_course_the_page_never_cites_fails_the_build(tmp_path):
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from hooks.page.question_list import question_entry

    page = SimpleNamespace(file=SimpleNamespace(src_uri="q.md"), abs_url="/q/")
    meta = {"title": "Q?", "answer": "A.", "short_title": "Q?", "gist": "A line.", "home_course": "MLS"}
    with pytest.raises(PluginError, match="q.md: home_course is MLS but the page cites no week of it"):
        question_entry(page, "Text citing [[course:dls-c1w2]].", meta)
    with pytest.raises(PluginError, match="q.md: a question page needs a short_title"):
        question_entry(page, "", {**meta, "short_title": ""})
    assert question_entry(page, "[[course:mls-c2w2]]", meta)["group"] == ("MLS", 2, 2)
