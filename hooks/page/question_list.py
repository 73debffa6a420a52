"""Build the home page's list of questions (and the 404 page's) from the pages' front matter."""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError
from mkdocs.utils.meta import get_data

MARKER = "<!-- questions -->"
QUESTIONS: list[dict] = []  # in navigation order: title, answer, phrasings, src_uri, abs_url


def markdown_text(text: str) -> str:
    """Plain text as Markdown that shows exactly that text."""
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text).replace("<", "&lt;")


def on_nav(nav, config, files):
    QUESTIONS.clear()
    for page in nav.pages:
        _, meta = get_data(page.file.content_string)
        if meta.get("answer") and meta.get("title"):
            QUESTIONS.append({
                "title": " ".join(str(meta["title"]).split()),
                "answer": " ".join(str(meta["answer"]).split()),
                "phrasings": [" ".join(str(p).split()) for p in meta.get("phrasings") or []],
                "src_uri": page.file.src_uri,
                "abs_url": page.abs_url,
            })
    return nav


def question_list_markdown(questions: list[dict], from_uri: str) -> str:
    """A list, each item the question (linked), its answer and how else learners ask it."""
    from posixpath import dirname, relpath

    base = dirname(from_uri) or "."
    items = []
    for q in questions:
        item = f"-   **[{markdown_text(q['title'])}]({relpath(q['src_uri'], base)})**  \n"
        item += f"    {markdown_text(q['answer'])}"
        if q["phrasings"]:
            asked = " · ".join(markdown_text(p) for p in q["phrasings"])
            item += f'  \n    <span class="question-list__asked">Also asked as: {asked}</span>'
        items.append(item)
    # Kept out of the search index: a phrasing should find its own page, not this list.
    body = "\n\n".join(items)
    return f'<div class="question-list" data-search-exclude="true" markdown>\n\n{body}\n\n</div>'


def on_page_markdown(markdown: str, page, config, files) -> str:
    if MARKER not in markdown:
        return markdown
    if not QUESTIONS:
        raise PluginError(f"{page.file.src_uri}: the question list is empty (no page has an answer)")
    return markdown.replace(MARKER, question_list_markdown(QUESTIONS, page.file.src_uri))


def on_template_context(context, template_name, config):
    if template_name == "404.html":
        context["questions"] = list(QUESTIONS)
    return context
