"""The ways learners word a page's question: shown under its short answer ("Also asked as",
collapsed to one line) and handed to site search as the page's keywords.

They reach Material's search index as the page's `tags` (without the tags plugin, tags are not
shown on the page); after the build, hooks/sharing/search_index.py keeps them once per page and
adds the words the site's search worker compares.
"""

from __future__ import annotations

import html

from mkdocs.exceptions import PluginError

from hooks.page.after_answer import EXTRA, insert_after_short_answer
from hooks.sharing.search_index import ALSO_ASKED, prepare_site_index


def page_phrasings(meta: dict, where: str) -> list[str]:
    phrasings = meta.get("phrasings") or []
    if not isinstance(phrasings, list) or not all(isinstance(p, str) for p in phrasings):
        raise PluginError(f"{where}: `phrasings:` is a list of plain strings")
    return [" ".join(p.split()) for p in phrasings if p.strip()]


def phrasings_html(phrasings: list[str]) -> str:
    items = "".join(f"<li>{html.escape(p)}</li>" for p in phrasings)
    # collapsed: one line under the short answer, opened by a tap (print opens every block)
    return (
        f'{EXTRA} also-asked"><details class="also-asked__details">'
        f'<summary class="also-asked__label">{ALSO_ASKED}</summary>'
        f'<ul class="also-asked__list">{items}</ul></details></div>'
    )


def on_page_markdown(markdown: str, page, config, files) -> str:
    phrasings = page_phrasings(page.meta, page.file.src_uri)
    if not phrasings:
        return markdown
    page.meta.setdefault("tags", phrasings)
    return insert_after_short_answer(markdown, phrasings_html(phrasings))


def on_post_build(config) -> None:
    # after Material's search plugin wrote the index, before the offline build inlines it
    prepare_site_index(config.site_dir)
