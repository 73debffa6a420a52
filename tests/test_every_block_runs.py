"""Every Python block a reader sees on the site is a block pytest runs, page by page."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tests.conftest import DOCS, ROOT

CODE_BLOCK = re.compile(
    r'<div class="language-(?:python|py)[ "][^>]*>.*?<code>(?P<code>.*?)</code>', re.DOTALL
)
EXEC_LINE = re.compile(r'^exec\(compile\(open\((?P<path>\'[^\']+\')\)')


def notebook_pages() -> set[str]:
    try:
        from tests.test_notebook import NOTEBOOK_PAGES
    except ImportError:
        return set()
    return set(NOTEBOOK_PAGES)


def html_for(site: Path, source: str) -> Path:
    stem = source.removesuffix(".md").removesuffix(".ipynb")
    if stem == "index":
        return site / "index.html"
    return site / stem / "index.html"


def shown_blocks(page_html: str) -> list[str]:
    """The text of each Python block as the reader sees it."""
    blocks = []
    for match in CODE_BLOCK.finditer(page_html):
        text = re.sub(r"<[^>]+>", "", match["code"])
        blocks.append(html.unescape(text))
    return blocks


def normalized(code: str) -> list[str]:
    return [line.strip() for line in code.splitlines() if line.strip()]


def own_code(row: dict) -> str:
    """The block's own lines (a continuation block carries its predecessors first), with each
    snippet include shown as the file it runs."""
    lines = row["code"].split("\n")[row["line"]:]
    out = []
    for line in lines:
        match = EXEC_LINE.match(line.strip())
        out.append(Path(eval(match["path"])).read_text("utf8") if match else line)
    return "\n".join(out)


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> dict[str, list[dict]]:
    """What pytest-markdown-docs collects from docs/, as reported by pytest itself."""
    report = tmp_path_factory.mktemp("fences") / "fences.json"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "tests.fence_report",
         str(DOCS)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "FENCE_REPORT": str(report)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    by_page = defaultdict(list)
    for row in json.loads(report.read_text()):
        by_page[Path(row["file"]).relative_to(DOCS).as_posix()].append(row)
    return by_page


def test_every_python_block_shown_is_run(built_site, collected):
    skip = notebook_pages()
    pages = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
    total_shown = 0
    for page in pages:
        if page in skip:
            continue
        shown = shown_blocks(html_for(built_site, page).read_text("utf8"))
        ran = collected.get(page, [])
        total_shown += len(shown)
        assert len(shown) == len(ran), (
            f"docs/{page}: the page shows {len(shown)} Python blocks but pytest runs {len(ran)} "
            "(a block pytest cannot see, or one marked notest?)"
        )
        for index, (text, row) in enumerate(zip(shown, sorted(ran, key=lambda r: r["line"]), strict=True)):
            assert normalized(text) == normalized(own_code(row)), (
                f"docs/{page}:{row['line']}: block {index + 1} as shown differs from the code run"
            )
    assert total_shown >= 2


def test_blocks_in_tabs_and_admonitions_are_collected(collected):
    """The reference page has an included snippet inside a collapsed admonition."""
    rows = collected["dz-a-minus-y.md"]
    assert any("def numerical_gradient" in own_code(r) for r in rows)


def test_no_python_block_opts_out():
    for page in DOCS.rglob("*.md"):
        text = page.read_text("utf8")
        assert not re.search(r"\{\.python[^}]*\bnotest\b", text), f"{page}: a notest block"
        assert not re.search(r"^[ \t]*```python[ \t]+\S", text, re.M), (
            f"{page}: write options as {{.python continuation}}, not `python continuation`"
        )
