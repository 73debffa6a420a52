"""Every page previews as a card when a link to it is pasted into a forum post (Discourse's
onebox): a title of at most 80 characters, the front-matter answer as the description (at most
250), the canonical URL, the site's name and a 1200×630 card image."""

from __future__ import annotations

import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from PIL import Image

from hooks.sharing import social_cards
from tests.conftest import DOCS, ROOT, front_matter
from tests.test_public_urls import urls

SITE_URL = os.environ.get("SITE_URL", "https://backprop-faq.github.io/")
SITE_NAME = yaml.load((ROOT / "mkdocs.yml").read_text("utf8"), yaml.BaseLoader)["site_name"]


class Head(HTMLParser):
    """The <title>, <meta> and <link rel=canonical> of a page's head."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title = ""
        self.canonical = None
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and ("property" in a or "name" in a):
            self.meta.setdefault(a.get("property") or a.get("name"), a.get("content", ""))
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def head_of(file: Path) -> Head:
    head = Head()
    head.feed(file.read_text("utf8").split("</head>")[0])
    return head


def one_line(text) -> str:
    return " ".join(str(text).split())


@pytest.fixture(scope="module")
def pages(built_site):
    """(path, built file, front matter) of every page in the sitemap."""
    out = []
    for path in urls.site_pages(built_site):
        stem = path.strip("/") or "index"
        sources = [DOCS / f"{stem}{ext}" for ext in (".md", ".ipynb")]
        src = next((s for s in sources if s.is_file()), None)
        assert src is not None, f"no source for {path}"
        out.append((path, urls.page_file(built_site, path), front_matter(src)))
    assert len(out) >= 2
    return out


def test_every_page_has_a_complete_preview(built_site, pages):
    for path, file, meta in pages:
        head = head_of(file)
        m = head.meta
        where = f"{path}: "
        for key in ("og:title", "og:description", "og:type", "og:url", "og:site_name",
                    "og:image", "twitter:card", "description"):
            assert m.get(key), where + f"no {key}"
        assert len(head.title) <= 80, where + f"<title> has {len(head.title)} characters"
        assert len(m["og:title"]) <= 80, where + f"og:title has {len(m['og:title'])} characters"
        assert len(m["og:description"]) <= 250, where + "og:description is over 250 characters"
        assert m["og:site_name"] == SITE_NAME
        assert m["og:url"] == head.canonical == SITE_URL + path.lstrip("/")
        assert m["twitter:card"] == "summary_large_image"
        assert m["description"] == m["og:description"] == m["twitter:description"]
        if meta.get("answer"):  # a question page: its own title and its one-sentence answer
            assert m["og:title"] == one_line(meta["title"]), where + "og:title is not the title"
            assert m["og:description"] == one_line(meta["answer"]), where + "not the answer"
        assert m["og:type"] == ("website" if path == "/" else "article")


def test_every_card_image_is_built_and_distinct(built_site, pages):
    seen = {}
    for path, file, _ in pages:
        image_url = head_of(file).meta["og:image"]
        assert image_url.startswith(SITE_URL + "assets/social/") and image_url.endswith(".png")
        png = built_site / image_url[len(SITE_URL):]
        assert png.is_file(), f"{path}: card {png.name} is not in the build"
        with Image.open(png) as image:
            assert image.format == "PNG" and image.size == (1200, 630), f"{path}: {image.size}"
        digest = png.read_bytes()
        assert digest not in seen, f"{path} and {seen.get(digest)} have the same card"
        seen[digest] = path


def test_the_not_found_page_has_a_short_title_and_lists_the_questions(built_site, pages):
    head = head_of(built_site / "404.html")
    assert head.title == f"Page not found - {SITE_NAME}" and len(head.title) <= 80
    assert head.meta["og:title"] == "Page not found" and head.meta["og:image"]
    html = (built_site / "404.html").read_text("utf8")
    questions = [meta["title"] for _, _, meta in pages if meta.get("answer")]
    for title in questions:
        assert title.replace("'", "&#39;") in html, f"404 page does not list {title!r}"
    links = re.findall(r'<li><a href="(/[^"]*)">', html)
    assert len(links) == len(questions) and all(link.endswith("/") for link in links)


def test_the_sitemap_lists_every_page_at_its_canonical_url(built_site, pages):
    sitemap = (built_site / "sitemap.xml").read_text("utf8")
    for path, _, _ in pages:
        assert f"<loc>{SITE_URL}{path.lstrip('/')}</loc>" in sitemap


# --- the card images ------------------------------------------------------------------------


def test_a_glyph_roboto_lacks_is_drawn_with_dejavu():
    assert social_cards.has_glyphs("bold", 0, "a − y")  # Roboto has the minus sign
    assert not social_cards.has_glyphs("bold", 0, "⊙")  # but no ⊙ ...
    assert social_cards.has_glyphs("bold", 1, "⊙")  # ... which DejaVu Sans has
    pieces = social_cards.runs("dZ ⊙ g′", "bold", 40)
    assert [text for text, _ in pieces] == ["dZ ", "⊙", " g′"]


def test_cards_are_cached_by_their_text(tmp_path, monkeypatch):
    monkeypatch.setattr(social_cards, "CACHE", tmp_path)
    card = ("Why is σ′(z) = a(1 − a)?", "Backprop FAQ", "example.org")
    first = social_cards.cached_card(card)
    stamp = first.stat().st_mtime_ns
    assert social_cards.cached_card(card) == first and first.stat().st_mtime_ns == stamp
    other = social_cards.cached_card(("Another question?", "Backprop FAQ", "example.org"))
    assert other != first and sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [first.name, other.name])
    with Image.open(first) as image:
        assert image.size == (1200, 630)
        assert image.getpixel((8, 300)) == social_cards.ACCENT  # the accent bar at the left
        assert image.getpixel((600, 20)) == social_cards.BACKGROUND


def test_a_title_over_80_characters_fails_the_build():
    from mkdocs.exceptions import PluginError

    from hooks.sharing.link_previews import check_lengths

    check_lengths("ok.md", "x" * 80, "y" * 250)
    with pytest.raises(PluginError, match=r"long\.md: title has 81 characters"):
        check_lengths("long.md", "x" * 81, "")
    with pytest.raises(PluginError, match=r"long\.md: description has 251 characters"):
        check_lengths("long.md", "", "y" * 251)
