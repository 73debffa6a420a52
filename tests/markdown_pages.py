"""How pytest-markdown-docs reads the pages: as the site shows them, not as plain CommonMark."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hooks.math.fences import unnest

ROOT = Path(__file__).resolve().parent.parent
INCLUDE = re.compile(r'^(?P<indent>\s*)--8<--\s+"(?P<path>[^"]+)"\s*$')


def include_line(path: str, indent: str = "") -> str:
    """One line that runs a snippet file, so the page's line numbers stay where they are and
    a failure inside the snippet is reported at the snippet's own file and line."""
    full = (ROOT / path).resolve()
    if not full.is_file():
        return f'{indent}raise FileNotFoundError("snippet not found: {path}")'
    return f'{indent}exec(compile(open({str(full)!r}).read(), {str(full)!r}, "exec"))'


def expand_includes(code: str) -> str:
    lines = code.split("\n")
    for i, line in enumerate(lines):
        match = INCLUDE.match(line)
        if match:
            lines[i] = include_line(match["path"], match["indent"])
    return "\n".join(lines)


class PageParser:
    """A CommonMark parser that sees what the site shows: fences inside content tabs and
    admonitions are moved to column 0 (same line numbers) and snippet includes are run."""

    def __init__(self) -> None:
        from markdown_it import MarkdownIt

        self._md = MarkdownIt("commonmark")

    def parse(self, src: str, env=None):
        tokens = self._md.parse(unnest(src), env)
        for token in tokens:
            if token.type == "fence":
                token.content = expand_includes(token.content)
        return tokens


@pytest.hookimpl(tryfirst=True)
def pytest_markdown_docs_markdown_it():
    return PageParser()


