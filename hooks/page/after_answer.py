"""Place one-line HTML blocks right under a page's short-answer box, in the order they come."""

from __future__ import annotations

import re

from hooks.page.answers import BOX

EXTRA = '<div class="answer-extra'  # how every block placed here begins


def insert_after_short_answer(markdown: str, block: str) -> str:
    """Put `block` (one line of HTML starting with EXTRA) after the box and the blocks already
    placed there; without a box, after the page's `# Title`, else at the top."""
    assert block.startswith(EXTRA) and "\n" not in block, "a block is one line of answer-extra HTML"
    box = BOX.search(markdown)
    if box is None:
        title = re.search(r"^# .*$", markdown, re.MULTILINE)
        at = title.end() if title else 0
    else:
        at = box.end()
        lines = markdown[at:].split("\n")
        for line in lines:  # the box's body: blank lines and indented lines
            if line.strip() and not line.startswith(("    ", "\t")):
                break
            at += len(line) + 1
    while True:  # after the blocks already placed
        following = re.match(r"\n*" + re.escape(EXTRA) + r"[^\n]*\n", markdown[at:])
        if following is None:
            break
        at += following.end()
    at = min(at, len(markdown))
    return f"{markdown[:at].rstrip(chr(10))}\n\n{block}\n\n{markdown[at:].lstrip(chr(10))}"
