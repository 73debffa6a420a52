"""Every Python block that computes a formula notices the classic mistakes made in it.

Each mistake (a dropped `.T`, a flipped residual, a lost `/ m`, `axis=1` for `axis=0`,
`1 - a` for `1 + a`, ...) is made in one place of one block, and the block's chain is run
in-process; a block that computes a formula but passes after every mistake that applies to it
checks only shapes, or nothing. Run `python -m tests.mutations` for the counts.
"""

from __future__ import annotations

import textwrap

import pytest

from tests.conftest import DOCS, ROOT
from tests.mutations import (
    MISTAKE_MARKER,
    block_mutations,
    blocks_that_notice_nothing,
    markdown_chains,
    page_chains,
    sweep_chain,
    sweep_chain_from_scratch,
    sweep_page,
)

PAGES = sorted(p.name for p in DOCS.glob("*.md"))


@pytest.mark.parametrize("page", PAGES)
def test_every_block_that_computes_a_formula_notices_a_classic_mistake(page):
    unchecked = blocks_that_notice_nothing(sweep_page(DOCS / page))
    assert not unchecked, "\n".join(unchecked)


def test_the_sweep_covers_the_site():
    chains = [chain for page in PAGES for chain in page_chains(DOCS / page)]
    blocks = [block for chain in chains for block in chain.blocks]
    assert len(blocks) >= 60
    swept = [block for block in blocks if not block.marked and block_mutations(block)]
    assert len(swept) >= 50
    assert sum(len(block_mutations(block)) for block in swept) >= 500


# --- the sweep itself, on pages written for these tests -----------------------------------

SHAPE_ONLY = """\
# A page

Some words.

```python
import numpy as np

rng = np.random.default_rng(0)
Z = rng.normal(size=(3, 4))
A = 1 / (1 + np.exp(-Z))
dA = rng.normal(size=(3, 4))
dZ = dA * A * (1 - A)
assert dZ.shape == Z.shape
```
"""


def sweep_text(text: str, name: str = "docs/test-page.md"):
    return [outcome for chain in markdown_chains(text, name) for outcome in sweep_chain(chain)]


def test_a_block_that_checks_only_a_shape_fails_naming_page_and_line():
    (message,) = blocks_that_notice_nothing(sweep_text(SHAPE_ONLY))
    assert message.startswith("docs/test-page.md:5: the block computes a formula but checks no value")
    assert "1 - x -> 1 + x at docs/test-page.md:12 (1 - A)" in message
    assert f"{{.python {MISTAKE_MARKER}}}" in message


def test_a_value_check_makes_the_same_block_pass():
    checked = SHAPE_ONLY.replace(
        "assert dZ.shape == Z.shape",
        "assert np.allclose(dZ, dA * np.exp(-Z) / (1 + np.exp(-Z)) ** 2)",
    )
    outcomes = sweep_text(checked)
    assert blocks_that_notice_nothing(outcomes) == []
    noticed = {o.mutation.name for o in outcomes if not o.survived}
    assert "1 - x -> 1 + x" in noticed


def test_a_block_marked_as_showing_a_mistake_is_exempt():
    marked = SHAPE_ONLY.replace("```python", f"```{{.python {MISTAKE_MARKER}}}")
    (chain,) = markdown_chains(marked, "docs/test-page.md")
    assert chain.blocks[0].marked
    assert sweep_chain(chain) == []


def mistakes_in(code: str) -> list[tuple[str, str]]:
    text = f"# A page\n\n```python\n{textwrap.dedent(code).strip()}\n```\n"
    (chain,) = markdown_chains(text, "docs/test-page.md")
    return [(m.name, m.code) for m in block_mutations(chain.blocks[0])]


def test_the_classic_mistakes_and_where_they_apply():
    assert mistakes_in("dW = dZ @ A.T / m") == [
        ("lose the / m", "dZ @ A.T / m"),
        ("swap the @ operands", "dZ @ A.T"),
        ("drop .T", "A.T"),
    ]
    assert mistakes_in("db = np.sum(dZ, axis=1, keepdims=True) / X.shape[1]") == [
        ("lose the / m", "np.sum(dZ, axis=1, keepdims=True) / X.shape[1]"),
        ("axis=1 -> axis=0", "np.sum(dZ, axis=1, keepdims=True)"),
        ("forget keepdims", "np.sum(dZ, axis=1, keepdims=True)"),
    ]
    assert mistakes_in("dZ = (A - Y) * (1 - T**2)") == [
        ("flip the residual", "A - Y"),
        ("1 - x -> 1 + x", "1 - T ** 2"),
    ]
    assert mistakes_in("J = -np.mean(L)") == [
        ("lose the minus sign", "-np.mean(L)"),
        ("mean -> sum (lose the 1/m)", "np.mean(L)"),
    ]
    # a residual that is squared or inside abs() is the same either way round: not a mistake
    assert mistakes_in("J = np.sum((f - y) ** 2) + abs(a - b)") == []
    # nothing to get wrong: no formula
    assert mistakes_in("x = np.zeros((3, 4))\nprint(x.shape)") == []


def test_blocks_are_collected_as_pytest_markdown_docs_collects_them():
    """The reference page: its helper is an included snippet inside a collapsed admonition,
    and the blocks after it continue its namespace."""
    (chain,) = page_chains(DOCS / "dz-a-minus-y.md")
    helper = chain.blocks[0]
    assert any(getattr(s, "name", "") == "numerical_gradient" for s in helper.statements)
    assert len(chain.blocks) == 3
    # a mistake inside the helper is caught where later blocks call it
    flipped = [o for o in sweep_chain(chain) if o.mutation.code == "f_plus - f_minus"]
    assert flipped and flipped[0].mutation.line == "snippets/gradcheck.py:21"
    assert isinstance(flipped[0].failure, AssertionError)


def test_tabbed_blocks_and_their_continuations_are_swept():
    text = textwrap.dedent('''\
        # A page

        === "DLS"

            ```python
            import numpy as np

            m = 4
            dZ = np.arange(12.0).reshape(3, 4)
            ```

        === "MLS"

            ```{.python continuation}
            db = np.sum(dZ, axis=1, keepdims=True) / m
            assert np.allclose(db, [[1.5], [5.5], [9.5]])
            ```
        ''')
    (chain,) = markdown_chains(text, "docs/test-page.md")
    assert [b.line for b in chain.blocks] == [5, 14]
    outcomes = sweep_chain(chain)
    assert {o.mutation.name for o in outcomes} == {"lose the / m", "axis=1 -> axis=0", "forget keepdims"}
    assert not any(o.survived for o in outcomes)


def test_copied_namespaces_give_the_same_verdicts_as_running_from_scratch():
    for chain in page_chains(DOCS / "sigmoid-derivative.md") + page_chains(DOCS / "da-prev.md"):
        fast = [(o.mutation.line, o.mutation.name, o.survived) for o in sweep_chain(chain)]
        slow = [(o.mutation.line, o.mutation.name, o.survived) for o in sweep_chain_from_scratch(chain)]
        assert fast == slow


def test_the_marker_is_documented():
    contributing = (ROOT / "CONTRIBUTING.md").read_text("utf8")
    assert f"{{.python continuation {MISTAKE_MARKER}}}" in contributing


def test_readers_never_see_the_marker(built_site):
    marked = [block for page in PAGES for chain in page_chains(DOCS / page)
              for block in chain.blocks if block.marked]
    assert len(marked) >= 10
    for page in {block.page for block in marked}:
        stem = page.removeprefix("docs/").removesuffix(".md")
        html = (built_site / stem / "index.html").read_text("utf8")
        assert MISTAKE_MARKER not in html, f"{page}: the marker shows in the built page"
