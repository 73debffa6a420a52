"""Build the home page's list of questions (and the 404 page's) from the pages' front matter.

The home page lists each question by its `short_title` with its one-line `gist`, grouped by
where a learner meets it: the page's `home_course`, at the week of that course the page cites
most often ([[course:...]] citations, snippets/course_refs.yml; a tie goes to the earlier
week). A page without a home course (a reference for every course) goes in a last group. The
phrasings learners use stay in search and on each page, not in this list.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import get_data

from hooks.page.course_refs import CITATION, DATA

MARKER = "<!-- questions -->"
COURSE_ORDER = ["DLS", "MLS", "M4ML"]  # the order the home page introduces the courses
EVERY_COURSE = "For every course"
MAX_SHORT_TITLE, MAX_GIST = 50, 100
# in navigation order: title, short_title, gist, answer, src_uri, abs_url, group (a Week or None)
QUESTIONS: list[dict] = []


@lru_cache(maxsize=4)
def _weeks(path: str, mtime: float) -> dict[str, tuple[str, int, int]]:
    entries = yaml.load(Path(path).read_text("utf8"), Loader=yaml.CSafeLoader)["refs"]
    return {key: (e["course"], e["number"], e["week"]) for key, e in entries.items()
            if isinstance(e.get("week"), int) and isinstance(e.get("number"), int)}


def cited_weeks(markdown: str, data: Path = DATA) -> Counter:
    """How often the page cites each single week, as (course, course number, week)."""
    weeks = _weeks(str(data), data.stat().st_mtime)
    return Counter(weeks[m["key"]] for m in CITATION.finditer(markdown) if m["key"] in weeks)


def home_week(markdown: str, course: str) -> tuple[str, int, int] | None:
    """The week of `course` the page cites most; on a tie the earliest; None if it cites none."""
    counts = [(-n, week) for week, n in cited_weeks(markdown).items() if week[0] == course]
    return min(counts)[1] if counts else None


def group_title(week: tuple[str, int, int] | None) -> str:
    if week is None:
        return EVERY_COURSE
    course, number, week_number = week
    return f"{course} Course {number}, Week {week_number}"


def group_anchor(week: tuple[str, int, int] | None) -> str:
    if week is None:
        return "every-course"
    course, number, week_number = week
    return f"{course.lower()}-c{number}w{week_number}"


def group_key(week: tuple[str, int, int] | None) -> tuple:
    if week is None:
        return (len(COURSE_ORDER), 0, 0)
    course, number, week_number = week
    return (COURSE_ORDER.index(course), number, week_number)


def one_line(value) -> str:
    return " ".join(str(value or "").split())


def question_entry(page, markdown: str, meta: dict) -> dict:
    where = page.file.src_uri
    short, gist = one_line(meta.get("short_title")), one_line(meta.get("gist"))
    if not short or not gist:
        raise PluginError(f"{where}: a question page needs a short_title and a one-line gist")
    if len(short) > MAX_SHORT_TITLE or len(gist) > MAX_GIST:
        raise PluginError(f"{where}: short_title has at most {MAX_SHORT_TITLE} characters and gist "
                          f"at most {MAX_GIST} ({len(short)}, {len(gist)})")
    course = meta.get("home_course")
    week = None
    if course is not None:
        if course not in COURSE_ORDER:
            raise PluginError(f"{where}: home_course {course!r} is not one of {COURSE_ORDER}")
        week = home_week(markdown, course)
        if week is None:
            raise PluginError(f"{where}: home_course is {course} but the page cites no week of it")
    return {
        "title": one_line(meta["title"]), "short_title": short, "gist": gist,
        "answer": one_line(meta["answer"]), "src_uri": where, "abs_url": page.abs_url,
        "group": week,
    }


def on_nav(nav, config, files):
    QUESTIONS.clear()
    for page in nav.pages:
        markdown, meta = get_data(page.file.content_string)
        if meta.get("answer") and meta.get("title"):
            QUESTIONS.append(question_entry(page, markdown, meta))
    return nav


def markdown_text(text: str) -> str:
    """Plain text as Markdown that shows exactly that text."""
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text).replace("<", "&lt;")


def grouped(questions: list[dict]) -> list[tuple[tuple | None, list[dict]]]:
    """The questions by group, the groups in the order a learner meets them; in a group, the
    navigation's order."""
    groups: dict = {}
    for q in questions:
        groups.setdefault(q["group"], []).append(q)
    return sorted(groups.items(), key=lambda item: group_key(item[0]))


def question_list_markdown(questions: list[dict], from_uri: str) -> str:
    """A heading per course week; under it each question (linked) with its one line."""
    from posixpath import dirname, relpath

    base = dirname(from_uri) or "."
    parts = []
    for week, members in grouped(questions):
        parts.append(f"### {group_title(week)} {{ #{group_anchor(week)} }}")
        items = [
            f"-   **[{markdown_text(q['short_title'])}]({relpath(q['src_uri'], base)})**  \n"
            f"    {markdown_text(q['gist'])}"
            for q in members
        ]
        parts.append("\n".join(items))
    body = "\n\n".join(parts)
    # Kept out of the search index: a question should find its own page, not this list.
    return f'<div class="question-list" data-search-exclude="true" markdown>\n\n{body}\n\n</div>'


def on_page_markdown(markdown: str, page, config, files) -> str:
    if MARKER not in markdown:
        return markdown
    if not QUESTIONS:
        raise PluginError(f"{page.file.src_uri}: the question list is empty (no page has an answer)")
    return markdown.replace(MARKER, question_list_markdown(QUESTIONS, page.file.src_uri))


def on_template_context(context, template_name, config):
    if template_name == "404.html":
        context["questions"] = list(QUESTIONS)  # overrides/404.html links each by its title
    return context
