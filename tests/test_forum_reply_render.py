"""Each page's "Copy as a forum reply" text, rendered as the forum renders a post: markdown-it
with the footnote plugin and `$…$` math typeset by KaTeX (tests/render_forum_reply.cjs, all
pages in one Node process). The post shows no footnote, no raw TeX and no KaTeX error, and its
one formula is the page's front-matter `formula`, read back into sympy and proved to state a
checked derivation step of the page (tests/reply_formula.py)."""

from __future__ import annotations

import functools
import json
import re
import subprocess

import pytest

from hooks.math.derivation import parse
from hooks.math.fences import iter_fences
from hooks.sharing.forum_reply import page_formula, reply_text
from hooks.sharing.link_previews import canonical_url
from tests.conftest import DOCS, ROOT, front_matter, question_pages
from tests.reply_formula import unchecked_parts
from tests.test_link_previews import SITE_URL
from tests.tex_reader import text_and_math

RENDERER = ROOT / "tests" / "render_forum_reply.cjs"



def page_reply(stem: str) -> str:
    """The reply exactly as the button carries it (tests/test_forum_reply.py compares the two)."""
    meta = front_matter(DOCS / f"{stem}.md")
    return reply_text(str(meta["answer"]), page_formula(meta, f"{stem}.md"),
                      canonical_url(f"{stem}/index.html", SITE_URL))


def render(replies: dict[str, str]) -> dict[str, dict]:
    done = subprocess.run(["node", str(RENDERER)], cwd=ROOT, input=json.dumps(replies),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


RAW_TEX = re.compile(r"\$|\\[A-Za-z]+|[\^_]\{")


def problems(name: str, rendered: dict) -> list[str]:
    """What would look broken in the forum post, one message each."""
    html, found = rendered["html"], []
    if re.search(r'class="footnote|<section class="footnotes', html):
        found.append(f"{name}: the forum would turn `^[` into a footnote (write `^\\[`)")
    for error in rendered["errors"]:
        found.append(f"{name}: KaTeX cannot typeset the formula: {error}")
    text = "".join(part for part, is_formula in text_and_math(html) if not is_formula)
    raw = sorted(set(RAW_TEX.findall(text)))
    if raw and not rendered["errors"]:
        found.append(f"{name}: raw TeX left in the post: {', '.join(raw)}")
    return found


@pytest.fixture(scope="module")
def rendered() -> dict[str, dict]:
    replies = {stem: page_reply(stem) for stem in question_pages()}
    replies.update(EXAMPLES)
    return render(replies)


EXAMPLES = {  # rendered in the same Node process as the pages
    # the hook's text for an answer and a formula with W^[1] in them, and the answer unescaped
    "escaped": reply_text("Here W^[1] has shape (n1, n0).", r"dW^[1] = dZ X^\top", f"{SITE_URL}x/"),
    # the formula escaped as well: the forum's math renderer gets `\[`, a TeX error
    "escaped-math": f"Here W^\\[1] has shape (n1, n0).\n\n$dW^\\[1] = dZ X^\\top$\n\n{SITE_URL}x/",
    "unescaped-footnote": f"Here W^[1] has shape (n1, n0).\n\n$dW = dZ X^\\top$\n\n{SITE_URL}x/",
    "broken-tex": f"The slope.\n\n$\\frac{{a}}{{b$\n\n{SITE_URL}x/",
    "unclosed-dollar": f"The cost is $J = \\frac{{1}}{{m}} \\sum L\n\n{SITE_URL}x/",
}


@pytest.mark.parametrize("stem", question_pages())
def test_the_reply_renders_cleanly_in_the_forum(rendered, stem):
    post = rendered[stem]
    assert problems(stem, post) == []
    meta = front_matter(DOCS / f"{stem}.md")
    assert post["math"] == [" ".join(str(meta["formula"]).split())], "one formula: the page's own"
    link = f'<a href="{SITE_URL}{stem}/">{SITE_URL}{stem}/</a>'
    assert post["html"].rstrip().endswith(f"<p>{link}</p>"), "the link alone on its line (a preview card)"


def test_an_unescaped_footnote_mark_is_reported(rendered):
    assert problems("unescaped-footnote", rendered["unescaped-footnote"]) == [
        "unescaped-footnote: the forum would turn `^[` into a footnote (write `^\\[`)"
    ]


def test_tex_that_katex_cannot_read_is_reported(rendered):
    (message,) = problems("broken-tex", rendered["broken-tex"])
    assert message.startswith("broken-tex: KaTeX cannot typeset the formula: KaTeX parse error:")


def test_math_the_forum_leaves_as_text_is_reported(rendered):
    assert problems("unclosed-dollar", rendered["unclosed-dollar"]) == [
        "unclosed-dollar: raw TeX left in the post: $, \\frac, \\sum"
    ]


def test_the_hook_escapes_what_would_become_a_footnote(rendered):
    """The same text as `unescaped-footnote`, through the hook: no footnote, W^[1] as typed."""
    post = rendered["escaped"]
    assert problems("escaped", post) == []
    assert "<p>Here W^[1] has shape (n1, n0).</p>" in post["html"]
    assert post["math"] == [r"dW^[1] = dZ X^\top"]


def test_an_escape_inside_the_math_is_a_tex_error(rendered):
    (message,) = problems("escaped-math", rendered["escaped-math"])
    assert message.startswith("escaped-math: KaTeX cannot typeset the formula: KaTeX parse error: "
                              "Undefined control sequence: \\[")


# --- the formula is a checked step -----------------------------------------------------------

# Formulas that state no derivation step yet: their pages need a step that states them (or a
# formula that is one). Strict: the test fails as soon as one is checked, to be taken off here.


@functools.cache
def page_derivations(stem: str) -> tuple:
    page = DOCS / f"{stem}.md"
    return tuple(parse(fence.body, page=f"docs/{stem}.md", line=fence.line)
                 for fence in iter_fences(page.read_text("utf8")) if fence.language == "derivation")


def formula_problems(stem: str, formula: str) -> list[str]:
    return [f"docs/{stem}.md: the forum reply's formula is not a checked step: {problem}"
            for problem in unchecked_parts(" ".join(formula.split()), page_derivations(stem))]


@pytest.mark.parametrize("stem", question_pages())
def test_the_reply_formula_states_a_checked_step(stem):
    problems = formula_problems(stem, str(front_matter(DOCS / f"{stem}.md")["formula"]))
    assert not problems, "\n".join(problems)


# A wrong or empty formula fails, naming the page: a flipped sign, a dropped transpose (it
# conforms only in the page's square layer, and there gives other numbers), a lost 1/m (DLS's dW
# is the cost's gradient itself; only dZ and dA are m times one), a true formula that is no step,
# and words.
BROKEN_FORMULAS = [
    ("dz-a-minus-y", r"\frac{\partial L}{\partial z} = y - a", "does not hold"),
    ("da-prev", r"dA^{[l-1]} = W^{[l]} dZ^{[l]}", "does not hold"),
    ("one-over-m", r"dW^{[l]} = dZ^{[l]} A^{[l-1]\top}", "does not hold"),
    ("dz-a-minus-y", r"2a = a + a", "holds, but states no checked step"),
    ("shapes", r"dW \text{ has the shape of } W", "states no equation"),
]


@pytest.mark.parametrize(("stem", "formula", "verdict"), BROKEN_FORMULAS)
def test_a_broken_formula_fails_naming_the_page(stem, formula, verdict):
    assert formula_problems(stem, formula) == [
        f"docs/{stem}.md: the forum reply's formula is not a checked step: `{formula}` {verdict}"
    ]


def test_every_statement_of_a_formula_is_checked():
    """Three statements; the second has lost its transpose."""
    problems = formula_problems("matrix-chain-rule", r"\frac{\partial L}{\partial W_{jk}} = \sum_n "
                                r"G_{jn} A_{kn}, \quad \frac{\partial L}{\partial W} = G A, \quad "
                                r"\frac{\partial L}{\partial A} = W^\top G")
    assert problems == ["docs/matrix-chain-rule.md: the forum reply's formula is not a checked step: "
                        r"`\frac{\partial L}{\partial W} = G A` does not hold"]


@pytest.mark.parametrize(("stem", "wrong"), [
    ("sigmoid-derivative", r"\sigma'(z) = \sigma(z)\,(1 + \sigma(z)) = a(1 + a)"),
    ("activation-derivatives", r"\tanh'(z) = 1 + a^2"),
    ("softmax-cross-entropy", r"\frac{\partial L}{\partial z_j} = a_j \sum_k y_k - y_j = y_j - a_j"),
    ("same-gradient",
     r"\frac{\partial J}{\partial w_j} = \sum_{i=1}^{m} (f(\mathbf{x}^{(i)}) - y^{(i)}) x_j^{(i)}"),
])
def test_a_classic_mistake_in_a_formula_fails(stem, wrong):
    """1 + a for 1 - a, a flipped residual, a lost 1/m: each is read back and disproved."""
    (problem,) = formula_problems(stem, wrong)
    assert problem == (f"docs/{stem}.md: the forum reply's formula is not a checked step: "
                       f"`{wrong}` does not hold")


def test_an_indicator_reads_as_a_step_and_a_wrong_one_fails():
    slope = r"\frac{\partial\, \mathrm{relu}(z)}{\partial z} = "
    assert formula_problems("activation-derivatives", slope + r"\mathbb{I}[z > 0]") == []
    (problem,) = formula_problems("activation-derivatives", slope + r"1 - \mathbb{I}[z > 0]")
    assert problem.startswith("docs/activation-derivatives.md: ") and problem.endswith("does not hold")
