"""Shared test set-up: how pytest-markdown-docs reads pages, and one strict build per session."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from hooks.fences import unnest

pytest_plugins = ["tests.browser_support"]  # the full build, served, and Chromium

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
INCLUDE = re.compile(r'^(?P<indent>\s*)--8<--\s+"(?P<path>[^"]+)"\s*$')

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")


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


def mkdocs_build(site_dir: Path, config: Path | None = None, cwd: Path = ROOT):
    """Run a strict build; return the finished process (stdout and stderr merged)."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site_dir)]
    if config is not None:
        command += ["-f", str(config)]
    return subprocess.run(
        command, cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"},
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The HTML site, built once per test session with --strict."""
    site = tmp_path_factory.mktemp("site")
    result = mkdocs_build(site)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site
