"""The notation tabs: open each page on its home course, and keep renamed tabs' old anchors.

A page names its home course once, in its front matter (`home_course: DLS`). A first-time
reader sees that course's tab in every tab set of the page (pymdownx.tabbed's `===+` marks
the tab selected in the HTML, so nothing moves when the page loads). Once the reader picks a
tab, Material's `content.tabs.link` restores that choice instead, on every page.

A tab's id comes from its label, so renaming a label would break links to the old id. For
each renamed label, an empty `<span>` with the old id stands just before the tab set, and
docs/javascripts/tab_anchors.js selects the tab when a link lands on it.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

# The courses a page may call home, and the first tab label that belongs to each.
HOME_TABS = {"DLS": "DLS", "MLS": "MLS", "M4ML": "M4ML lab"}  # M4ML: where its learners code
# New label slug -> the slug it had before (the tab ids end in the label's slug).
RENAMED_TABS = {"examples-in-rows": "row-major-code"}

TAB_LINE = re.compile(r'^(?P<indent>[ \t]*)===(?P<flag>[+!]*) "(?P<label>[^"]+)"', re.MULTILINE)
TAB_SET = '<div class="tabbed-set'
TAB_INPUT = re.compile(r'<input\b[^>]*?\sid="(?P<id>[^"]+)"')


def home_tab(page) -> str | None:
    """The tab label a first-time reader should see on `page`, or None if it names no home."""
    course = page.meta.get("home_course")
    if course is None:
        return None
    if course not in HOME_TABS:
        raise PluginError(
            f"{page.file.src_uri}: home_course is {course!r}; use one of {', '.join(HOME_TABS)}"
        )
    return HOME_TABS[course]


def select_home_tab(markdown: str, label: str) -> str:
    """Mark every tab called `label` as the one selected by default (`===+`)."""
    def mark(match: re.Match) -> str:
        if match["label"] != label:
            return match[0]
        return f'{match["indent"]}===+ "{label}"'

    return TAB_LINE.sub(mark, markdown)


def old_anchor_spans(html: str) -> str:
    """Put an empty span with each renamed tab's old id just before its tab set."""
    insertions: list[tuple[int, str]] = []
    for match in TAB_INPUT.finditer(html):
        tab_id = match["id"]
        for new, old in RENAMED_TABS.items():
            if not tab_id.endswith("-" + new):
                continue
            old_id = tab_id[: -len(new)] + old
            # A tab set's inputs are its first children, so the nearest set opened before
            # this input is its own.
            at = html.rfind(TAB_SET, 0, match.start())
            if at < 0:
                continue
            insertions.append((at, f'<span class="tab-old-anchor" id="{old_id}" data-tab="{tab_id}"></span>'))
    for at, span in sorted(insertions, reverse=True):
        html = html[:at] + span + html[at:]
    return html


def on_page_markdown(markdown: str, page, config, files) -> str:
    label = home_tab(page)
    return select_home_tab(markdown, label) if label else markdown


def on_page_content(html: str, page, config, files) -> str:
    return old_anchor_spans(html)
