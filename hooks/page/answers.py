"""Open each page's short answer with its front-matter `answer`, the one source of that sentence."""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

from hooks.sharing.link_previews import MAX_DESCRIPTION

MAX_ANSWER = MAX_DESCRIPTION  # the answer is the page's link-preview description
BOX = re.compile(r'^!!! abstract "Short answer"[ \t]*$', re.MULTILINE)


def markdown_escape(text: str) -> str:
    return re.sub(r"([\\*_`<])", r"\\\1", text)


def on_page_markdown(markdown: str, page, config, files) -> str:
    answer = page.meta.get("answer")
    if answer is None:
        return markdown
    answer = " ".join(str(answer).split())
    where = page.file.src_uri
    if len(answer) > MAX_ANSWER:
        raise PluginError(f"{where}: front-matter answer has {len(answer)} characters (at most {MAX_ANSWER})")
    if "$" in answer or "\\" in answer:
        raise PluginError(f"{where}: write the front-matter answer in plain Unicode, not TeX")
    box = BOX.search(markdown)
    if box is None:
        raise PluginError(f'{where}: has an answer but no `!!! abstract "Short answer"` box')
    insert = f"\n\n    {markdown_escape(answer)}"
    return markdown[:box.end()] + insert + markdown[box.end():]
