"""Put a "Copy as a forum reply" button under each short answer; its text is built from the
front matter (`answer`, `formula`) and the page's canonical link, in Discourse's Markdown."""

from __future__ import annotations

import html

from mkdocs.exceptions import PluginError

from hooks.page.after_answer import EXTRA, insert_after_short_answer
from hooks.sharing.link_previews import canonical_url

LABEL = "Copy as a forum reply"


def discourse_escape(text: str) -> str:
    """Discourse reads `^[...]` as an inline footnote: W^[1] must be written W^\\[1]."""
    return text.replace("^[", "^\\[")


def reply_text(answer: str, formula: str, url: str) -> str:
    """The reply: the short answer, its key formula as `$…$` math, and the link on its own line
    (so the forum draws the page's preview card under it). Only the answer is escaped: the
    forum hands the TeX between the dollars to its math renderer as written, before footnotes
    are looked for, and `\\[` there would be a TeX error."""
    answer = " ".join(answer.split())
    return f"{discourse_escape(answer)}\n\n${formula}$\n\n{url}"


def page_formula(meta: dict, where: str) -> str:
    formula = meta.get("formula")
    if formula is None:
        raise PluginError(
            f"{where}: front matter has an answer but no `formula:` (the TeX of the key formula "
            r"a forum reply quotes, e.g. formula: '\frac{\partial L}{\partial z} = a - y')"
        )
    formula = " ".join(str(formula).split())
    if not formula or "$" in formula:
        raise PluginError(f"{where}: `formula:` is TeX without `$` delimiters, and not empty")
    return formula


def button_html(reply: str) -> str:
    # One line of HTML (newlines as &#10;) so Markdown keeps it as one raw block.
    data = html.escape(reply, quote=True).replace("\n", "&#10;")
    return (
        f'{EXTRA} forum-reply" data-search-exclude="true">'
        f'<button type="button" class="md-button forum-reply__copy" data-reply="{data}" '
        f'title="Copies the short answer, its formula and this page\'s link as Markdown" hidden>'
        f"{LABEL}</button>"
        '<span class="forum-reply__status" role="status" aria-live="polite"></span></div>'
    )


def on_page_markdown(markdown: str, page, config, files) -> str:
    answer = page.meta.get("answer")
    if answer is None:
        return markdown
    formula = page_formula(page.meta, page.file.src_uri)
    reply = reply_text(str(answer), formula, canonical_url(page.file.dest_uri, config["site_url"]))
    return insert_after_short_answer(markdown, button_html(reply))
