"""Check that each page's derivation fences can be read, and register their step anchors."""

from __future__ import annotations

import logging
import re

from mkdocs.exceptions import PluginError

from hooks.background import CACHE, prune
from hooks.math.derivation import SHAPES_FOLDER, SHAPES_USED, DerivationError, anchor_ids, parse
from hooks.math.fences import iter_fences


def derivation_fences(markdown: str):
    return [f for f in iter_fences(markdown) if f.language == "derivation" or f.info == "derivation"]


def on_page_markdown(markdown: str, page, config, files) -> str:
    for fence in derivation_fences(markdown):
        try:
            parse(fence.body, page=page.file.src_uri, line=fence.line)
        except DerivationError as err:
            raise PluginError(str(err)) from None
    return markdown


log = logging.getLogger("mkdocs.hooks.math.derivation")
FENCE_LINK = re.compile(
    r'class="derivation-link" href="(?P<path>[^":#]+\.md)(?P<anchor>#[^"]*)?"'
)


def on_page_content(html: str, page, config, files) -> str:
    # MkDocs validates links to #anchors against the ids it saw in the Markdown; the ids a
    # fence formatter writes are invisible to it unless registered here.
    for fence in derivation_fences(page.markdown or ""):
        for anchor in anchor_ids(fence.body):
            if anchor in page.present_anchor_ids:  # a warning, so that the strict build fails
                log.warning(f"{page.file.src_uri}: the id '{anchor}' of a derivation is used twice")
            page.present_anchor_ids.add(anchor)

    # Links written inside a derivation's notes are raw HTML that MkDocs does not rewrite.
    def rewrite(match: re.Match) -> str:
        target = files.get_file_from_path(match["path"])
        if target is None:  # a warning, so that the strict build fails
            log.warning(f"{page.file.src_uri}: a derivation links to missing page {match['path']}")
            return match[0]
        url = target.url_relative_to(page.file) + (match["anchor"] or "")
        return f'class="derivation-link" href="{url}"'

    return FENCE_LINK.sub(rewrite, html)


def on_post_build(config) -> None:
    """Keep the cached shapes of this build's fences; remove those no build has used for an hour."""
    prune(CACHE / SHAPES_FOLDER, SHAPES_USED)
    SHAPES_USED.clear()
