"""Find fenced blocks in a page's Markdown, including fences indented inside tabs and admonitions."""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass
class Fence:
    info: str  # the text after the backticks, e.g. "{.python continuation}" or "derivation"
    body: str  # the fence's content, dedented
    line: int  # 1-based line of the opening fence
    indent: int  # how far the fence is indented
    end: int  # 1-based line of the closing fence

    @property
    def language(self) -> str:
        info = self.info.strip()
        if info.startswith("{"):
            dot = next((p for p in info.strip("{}").split() if p.startswith(".")), "")
            return dot[1:]
        return info.split()[0] if info else ""

    @property
    def options(self) -> set[str]:
        parts = self.info.strip().strip("{}").split()
        return {p for p in parts if not p.startswith(".")} - {self.language}


def iter_fences(markdown: str) -> list[Fence]:
    lines = markdown.splitlines()
    fences, i = [], 0
    while i < len(lines):
        match = OPEN.match(lines[i])
        if not match:
            i += 1
            continue
        indent, marker = match["indent"], match["fence"]
        close = re.compile(rf"^{re.escape(indent)}{marker[0]}{{{len(marker)},}}\s*$")
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            j += 1
        body = "\n".join(line[len(indent):] for line in lines[i + 1:j])
        fences.append(Fence(match["info"].strip(), body + "\n", i + 1, len(indent), j + 1))
        i = j + 1
    return fences


def unnest(markdown: str) -> str:
    """Move every fence to column 0, keeping each line where it is, so a CommonMark
    parser sees fences that sit inside content tabs and admonitions."""
    lines = markdown.splitlines()
    for fence in iter_fences(markdown):
        if fence.indent:
            for k in range(fence.line - 1, min(fence.end, len(lines))):
                lines[k] = lines[k][fence.indent:]
    return "\n".join(lines) + "\n"
