"""Show under each short answer the other ways learners word the question ("Also asked as")."""

from __future__ import annotations

import html

from mkdocs.exceptions import PluginError

from hooks.after_answer import EXTRA, insert_after_short_answer


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
    return insert_after_short_answer(markdown, phrasings_html(phrasings))
