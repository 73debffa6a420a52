"""Bad input fails the tests or the strict build with a message that names the file and line."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import DOCS, ROOT, make_project, small_build

REFERENCE = "dz-a-minus-y.md"
PAGE = """---
title: A page for testing
---

# A page for testing

Some text.

{body}
"""


def run_page(path):
    """pytest-markdown-docs on one page, configured as for the site's own pages."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-c", str(ROOT / "pyproject.toml"),
         "--rootdir", str(path.parent), "-p", "tests.markdown_pages", str(path)],
        cwd=ROOT, capture_output=True, text=True,
    )


def build_pages(tmp_path, pages):
    tmp_path.mkdir(parents=True, exist_ok=True)
    config = make_project(tmp_path, pages)
    return small_build(tmp_path / "site", config, cwd=tmp_path)


def test_the_real_site_builds_strictly(built_site):
    assert (built_site / "index.html").is_file()
    assert (built_site / "dz-a-minus-y" / "index.html").is_file()


def test_a_wrong_formula_in_a_check_block_names_page_and_line(tmp_path):
    text = (DOCS / REFERENCE).read_text("utf8")
    good = "dw = X @ dZ.T / m          # (n_x, 1)"
    assert good in text
    line = text[: text.index(good)].count("\n") + 1
    page = tmp_path / REFERENCE
    page.write_text(text.replace(good, "dw = X @ dZ.T              # the 1/m is lost"), "utf8")
    result = run_page(page)
    assert result.returncode == 1
    assert "dw: formula and finite differences disagree" in result.stdout
    # the traceback names the page and the failing assert, a few lines below the mutated one
    where = rf'{re.escape(REFERENCE)}", line (\d+)'
    reported = [int(n) for n in re.findall(where, result.stdout)]
    assert any(line < n < line + 10 for n in reported), result.stdout


def test_a_missing_snippet_fails_the_build_and_the_tests(tmp_path):
    body = '```python\n--8<-- "snippets/no_such_file.py"\n```\n'
    result = build_pages(tmp_path, {"index.md": PAGE.format(body=body)})
    assert result.returncode != 0
    assert "no_such_file.py" in result.stdout + result.stderr

    page = tmp_path / "docs" / "index.md"
    run = run_page(page)
    assert run.returncode == 1
    assert "snippet not found: snippets/no_such_file.py" in run.stdout


def test_a_broken_link_or_anchor_fails_the_build(tmp_path):
    body = "See [nowhere](missing.md) and [a step](#no-such-step)."
    result = build_pages(tmp_path, {"index.md": PAGE.format(body=body)})
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "index.md" in out and "missing.md" in out
    assert "#no-such-step" in out


def test_a_tex_error_fails_the_build_naming_page_and_line(tmp_path):
    body = "First line.\n\n$$\n\\frac{1}{m\n$$\n"
    result = build_pages(tmp_path, {"index.md": PAGE.format(body=body)})
    out = result.stdout + result.stderr
    assert result.returncode != 0
    assert "TeX error in index.md:12" in out, out


def test_a_link_to_a_derivation_step_is_validated(tmp_path):
    fence = (
        "```derivation\nid: tiny\nsymbols: {x: real}\nsteps:\n"
        "  - id: doubling\n    show: x + x = 2*x\n```\n"
    )
    good = build_pages(tmp_path / "a", {"index.md": PAGE.format(body=fence + "\n[ok](#doubling)")})
    assert good.returncode == 0, good.stdout + good.stderr
    bad = build_pages(tmp_path / "b", {"index.md": PAGE.format(body=fence + "\n[no](#halving)")})
    assert bad.returncode != 0 and "#halving" in bad.stdout + bad.stderr
