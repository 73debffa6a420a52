"""The ways learners word a page's question: shown under its short answer ("Also asked as")
and handed to site search as the page's keywords.

Material's search indexes a page's `tags` in a field of their own (mkdocs.yml gives it the
weight of a title), so a learner's own words find the page. Without the tags plugin the tags
are not shown on the page.
"""

from __future__ import annotations

import html

from mkdocs.exceptions import PluginError

from hooks.page.after_answer import EXTRA, insert_after_short_answer


def page_phrasings(meta: dict, where: str) -> list[str]:
    phrasings = meta.get("phrasings") or []
    if not isinstance(phrasings, list) or not all(isinstance(p, str) for p in phrasings):
        raise PluginError(f"{where}: `phrasings:` is a list of plain strings")
    return [" ".join(p.split()) for p in phrasings if p.strip()]


def phrasings_html(phrasings: list[str]) -> str:
    items = "".join(f"<li>{html.escape(p)}</li>" for p in phrasings)
    return (
        f'{EXTRA} also-asked"><span class="also-asked__label">Also asked as:</span>'
        f'<ul class="also-asked__list">{items}</ul></div>'
    )


def on_page_markdown(markdown: str, page, config, files) -> str:
    phrasings = page_phrasings(page.meta, page.file.src_uri)
    if not phrasings:
        return markdown
    page.meta.setdefault("tags", phrasings)
    return insert_after_short_answer(markdown, phrasings_html(phrasings))
