"""Formulas a page marks as quoted or wrong carry a visible label beside them.

A page writes `$dz = a - y${.quoted}` for a formula quoted as a course or forum writes it, and
`$dW = A^\\top dZ${.wrong}` for a wrong formula (which the tests then disprove). attr_list puts
the class on the math span; here the span is wrapped with a small label a reader can see, and
the span itself gets its plain class back, so that KaTeX renders it like any other formula.
"""

from __future__ import annotations

import re

LABELS = {
    "quoted": ("quoted", "As the course or forum text writes it"),
    "wrong": ("wrong", "A wrong formula, shown to be wrong on this page"),
}
MARKED = re.compile(
    r'<(?P<tag>span|div) class="arithmatex (?P<mark>quoted|wrong)">(?P<math>.*?)</(?P=tag)>',
    re.DOTALL,
)


def label(match: re.Match) -> str:
    mark, tag = match["mark"], match["tag"]
    text, title = LABELS[mark]
    return (
        f'<{tag} class="formula-mark formula-{mark}" title="{title}">'
        f'<span class="formula-label">{text}</span> '
        f'<{tag} class="arithmatex">{match["math"]}</{tag}></{tag}>'
    )


def on_page_content(html: str, page, config, files) -> str:
    return MARKED.sub(label, html)
