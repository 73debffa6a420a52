"""Open each page's short answer with its front-matter `answer`, the one source of that sentence.

The answer is plain Unicode, as link previews and forum replies need it. In the box it is shown
with rendered math, in the same typography as the rest of the page: each formula listed under
`answer_math:` ({unicode, tex}) is put in as its TeX. The tests prove
each TeX is the Unicode formula and a checked one (tests/formula_answers.py).
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

from hooks.sharing.link_previews import MAX_DESCRIPTION

MAX_ANSWER = MAX_DESCRIPTION  # the answer is the page's link-preview description
BOX = re.compile(r'^!!! abstract "Short answer"[ \t]*$', re.MULTILINE)


def markdown_escape(text: str) -> str:
    return re.sub(r"([\\*_`<])", r"\\\1", text)


def spaced(unicode: str) -> re.Pattern:
    """The formula, found in the answer whatever its spacing."""
    return re.compile(r"\s*".join(re.escape(c) for c in re.sub(r"\s+", "", unicode)))


def answer_math(meta: dict, where: str) -> list[tuple[str, str]]:
    entries = meta.get("answer_math") or []
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("unicode"), str) and isinstance(e.get("tex"), str)
            for e in entries):
        raise PluginError(f"{where}: `answer_math:` is a list of {{unicode: …, tex: …}}")
    return [(e["unicode"], " ".join(e["tex"].split())) for e in entries]


def answer_with_math(answer: str, formulas: list[tuple[str, str]], where: str, escape=lambda t: t) -> str:
    """The answer with each listed formula as `$tex$` (each entry takes its first occurrence not
    yet taken), the text between passed through `escape`."""
    spans, masked = [], answer
    for unicode, tex in formulas:
        match = spaced(unicode).search(masked)
        if match is None:
            raise PluginError(f"{where}: answer_math formula `{unicode}` is not in the answer")
        spans.append((match.start(), match.end(), tex))
        masked = masked[:match.start()] + "\0" * (match.end() - match.start()) + masked[match.end():]
    out, at = [], 0
    for start, end, tex in sorted(spans):
        out.append(escape(answer[at:start]) + f"${tex}$")
        at = end
    return "".join(out) + escape(answer[at:])


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
    insert = f"\n\n    {answer_with_math(answer, answer_math(page.meta, where), where, markdown_escape)}"
    return markdown[:box.end()] + insert + markdown[box.end():]
