"""Each question page offers its answer as a ready-to-paste forum reply in Discourse Markdown:
the front-matter answer, the key formula as $…$ math, and the page's canonical link."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from hooks.sharing.forum_reply import LABEL, on_page_markdown, reply_text
from tests.conftest import DOCS, front_matter, question_pages
from tests.test_link_previews import SITE_URL, one_line


class Replies(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.replies: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "button" and "forum-reply__copy" in (a.get("class") or ""):
            self.replies.append(a.get("data-reply"))


BUTTON = re.compile(r"<button\b[^>]*>")


def replies_of(page: Path) -> Replies:
    """The reply buttons of a built page: only its <button> tags are parsed (a page is up to a
    megabyte of HTML, mostly math)."""
    parser = Replies()
    parser.feed("".join(BUTTON.findall(page.read_text("utf8"))))
    return parser



def expected_reply(meta: dict, url: str) -> str:
    """Written out here independently of the hook: answer, formula, link; ^[ escaped in the
    answer (the TeX between the dollars reaches the forum's math renderer as written)."""
    answer = one_line(meta["answer"]).replace("^[", "^\\[")
    formula = one_line(meta["formula"])
    return f"{answer}\n\n${formula}$\n\n{url}"


def test_there_are_question_pages():
    assert "dz-a-minus-y" in question_pages()


@pytest.mark.parametrize("stem", question_pages())
def test_the_page_offers_its_reply(built_site, stem):
    meta = front_matter(DOCS / f"{stem}.md")
    parser = replies_of(built_site / stem / "index.html")
    assert len(parser.replies) == 1, f"{stem}: {len(parser.replies)} reply buttons"
    reply = parser.replies[0]
    assert reply == expected_reply(meta, f"{SITE_URL}{stem}/")
    answer, formula, link = reply.split("\n\n")
    assert formula.startswith("$") and formula.endswith("$") and formula.count("$") == 2
    assert link == f"{SITE_URL}{stem}/", "the link stands alone on the last line (a preview card)"
    assert not re.search(r"(?<!\\)\^\[", answer), "Discourse would turn ^[ into a footnote"


def test_the_example_page_reply_reads_as_a_mentor_would_write_it(built_site):
    parser = replies_of(built_site / "dz-a-minus-y" / "index.html")
    reply = parser.replies[0]
    assert reply.startswith("With a = σ(z) and L = −[y ln a + (1 − y) ln(1 − a)]")
    assert "\n\n$\\frac{\\partial L}{\\partial z} = a - y$\n\n" in reply
    assert reply.endswith(f"\n\n{SITE_URL}dz-a-minus-y/")


def test_footnote_syntax_is_escaped_for_discourse_outside_the_math():
    reply = reply_text("Here W^[1] has shape (n1, n0).", r"dW^[1] = dZ^{[1]} X^\top", "https://x/")
    assert reply == (
        "Here W^\\[1] has shape (n1, n0).\n\n$dW^[1] = dZ^{[1]} X^\\top$\n\nhttps://x/"
    )


CONFIG = {"site_url": "https://example.org/"}


def fake_page(meta: dict, src_uri: str = "docs-page.md"):
    dest_uri = src_uri.replace(".md", "/index.html")
    return SimpleNamespace(meta=meta, file=SimpleNamespace(src_uri=src_uri, dest_uri=dest_uri))


def test_a_page_without_a_formula_fails_the_build_naming_the_page():
    page = fake_page({"answer": "It is a − y."}, "new-question.md")
    with pytest.raises(PluginError, match=r"^new-question\.md: front matter has an answer but no `formula:`"):
        on_page_markdown('# Q?\n\n!!! abstract "Short answer"\n\n    More.\n', page, CONFIG, None)


def test_the_button_sits_right_under_the_short_answer():
    page = fake_page({"answer": "It is a − y.", "formula": "a - y"})
    out = on_page_markdown('# Q?\n\n!!! abstract "Short answer"\n\n    More.\n\n## Next { #next }\n',
                           page, CONFIG, None)
    box, rest = out.split("    More.\n\n", 1)
    assert rest.startswith('<div class="answer-extra forum-reply"') and LABEL in rest
    assert rest.split("\n\n")[1] == "## Next { #next }\n"
    assert 'data-reply="It is a − y.&#10;&#10;$a - y$&#10;&#10;https://example.org/docs-page/"' in rest


# --- the button, in a browser ---------------------------------------------------------------

COPIED = "Copied: paste it into your reply."


def click_and_read(page, url: str) -> str:
    page.goto(url)
    button = page.get_by_role("button", name=LABEL)
    assert button.is_visible()
    button.click()
    page.wait_for_function(
        "() => document.querySelector('.forum-reply__status').textContent.length > 0"
    )
    return page.locator(".forum-reply__status").text_content()


@pytest.mark.browser
def test_the_button_copies_the_reply_over_http(served_site, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        assert click_and_read(page, served_site + "dz-a-minus-y/") == COPIED
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == page.locator(".forum-reply__copy").get_attribute("data-reply")
        assert copied.endswith("/dz-a-minus-y/") and "$\\frac{\\partial L}{\\partial z} = a - y$" in copied
    finally:
        context.close()


@pytest.mark.browser
def test_the_button_copies_the_reply_offline_from_a_file(offline_site, new_page):
    recorded = new_page()
    page = recorded.page
    pages = sorted(offline_site.rglob("dz-a-minus-y*.html")) or sorted(
        offline_site.glob("dz-a-minus-y/index.html"))
    assert pages, "the offline archive has no dz-a-minus-y page"
    # Record what reaches the clipboard, by either route the script may take.
    page.add_init_script("""
        window.__copied = [];
        const exec = document.execCommand.bind(document);
        document.execCommand = (cmd, ...rest) => {
            if (cmd === 'copy') window.__copied.push(document.activeElement.value);
            return exec(cmd, ...rest);
        };
        if (navigator.clipboard) {
            const write = navigator.clipboard.writeText.bind(navigator.clipboard);
            navigator.clipboard.writeText = (text) => { window.__copied.push(text); return write(text); };
        }
    """)
    status = click_and_read(page, pages[0].as_uri())
    assert status == COPIED, status
    reply = page.locator(".forum-reply__copy").get_attribute("data-reply")
    assert reply in page.evaluate("window.__copied")
    assert recorded.foreign_requests() == []
    assert recorded.console_errors == []
