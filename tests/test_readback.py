"""Every derivation step, as a reader gets it, reads back to what the checker proved.

The TeX is taken from the built pages (KaTeX's source annotation), read with ordinary reading
rules by tests/tex_reader.py, which knows nothing of the printer, written back in the fences'
own syntax and evaluated by the derivation's own checker."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

from hooks.math.derivation import Checker, parse
from hooks.math.fences import iter_fences
from tests.tex_reader import opaque_checker, read_back_page, same_term, same_value

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(p for p in DOCS.glob("*.md") if "```derivation" in p.read_text("utf8"))


def built_page(site: Path, source: Path) -> Path:
    return site / source.stem / "index.html"


class Checkers(dict):
    """A page's derivations by id, each with its checker and its derivative-blind checker, built
    only when a side does not match as a term (building one makes every matrix of symbols)."""

    def __missing__(self, derivation_id):
        deriv = self.parsed[derivation_id]
        self[derivation_id] = (deriv, Checker(deriv), opaque_checker(deriv))
        return self[derivation_id]


@cache
def derivations_of(source: Path) -> Checkers:
    found = Checkers()
    found.parsed = {}
    for fence in iter_fences(source.read_text("utf8")):
        if fence.language == "derivation":
            deriv = parse(fence.body, page=f"docs/{source.name}", line=fence.line)
            found.parsed[deriv.id] = deriv
    return found


def reference_of(deriv, item):
    """The expression the checker proved for one read-back side."""
    kind, _, rest = item.side.partition(":")
    name, _, side = rest.rpartition(":")
    if kind == "where":
        return ast.Name(id=name) if side == "lhs" else ast.parse(deriv.define[name], mode="eval").body
    if kind == "given":
        return ast.parse(name if side == "lhs" else deriv.given[name], mode="eval").body
    step = next(s for s in deriv.steps if s.id == item.step)
    return step.lhs if item.side == "lhs" else step.rhs


def read_back_problems(site: Path, source: Path) -> tuple[list[str], int]:
    """What does not read back on one page, and how many sides were read."""
    items = read_back_page(built_page(site, source).read_text("utf8"), source.read_text("utf8"),
                           f"docs/{source.name}")
    problems = []
    for item in items:
        if item.error:
            problems.append(f"{item.where()}: {item.error}")
            continue
        checkers = derivations_of(source)
        deriv = checkers.parsed[item.derivation]
        reference = reference_of(deriv, item)
        if any(same_term(python, reference, deriv) for python in item.readings):
            continue
        _, checker, opaque = checkers[item.derivation]
        if not any(same_value(checker, python, reference, opaque) for python in item.readings):
            problems.append(f"{item.where()}: `{item.tex}` reads as `{item.python}`, "
                            f"which is not what the checker proved")
    return problems, len(items)


@pytest.mark.parametrize("source", PAGES, ids=[p.name for p in PAGES])
def test_every_step_reads_back_as_what_was_proved(built_site, source):
    problems, count = read_back_problems(built_site, source)
    assert count > 0, f"docs/{source.name}: no derivation step was read back"
    assert not problems, "\n".join(problems)


def page_as_built(source: Path) -> str:
    """A page's derivations rendered as the build renders them (printer, then KaTeX), without a
    whole site build: enough for the read-back of that page."""
    from hooks.math.derivation import render
    from hooks.math.katex_math import render_math

    blocks = []
    for fence in iter_fences(source.read_text("utf8")):
        if fence.language == "derivation":
            blocks.append(render(parse(fence.body, page=f"docs/{source.name}", line=fence.line)))
    return render_math("".join(blocks), f"docs/{source.name}")


def test_a_printer_that_drops_a_needed_bracket_is_caught(monkeypatch):
    from hooks.math.derivation import TexPrinter

    source = DOCS / "hidden-layer.md"
    printed = read_back_page(page_as_built(source), source.read_text("utf8"), "docs/hidden-layer.md")
    assert not [i for i in printed if i.error], "the page reads back cleanly as printed"

    original = TexPrinter._wrap

    def forgets_the_clash(self, node, min_prec, clash=None):  # the printer before the fix
        return original(self, node, min_prec)

    monkeypatch.setattr(TexPrinter, "_wrap", forgets_the_clash)
    items = read_back_page(page_as_built(source), source.read_text("utf8"), "docs/hidden-layer.md")
    ambiguous = {i.step: i for i in items if i.error and i.error.startswith("AmbiguousTeX")}
    for step in ("lab-dz1", "lab-dw1", "lab-db1", "dls-dz1", "dls-tanh-dw1", "rowmajor-relu-mask"):
        assert step in ambiguous, f"{step} was not reported"
    report = ambiguous["lab-dw1"]
    assert report.where() == "docs/hidden-layer.md, derivation 'lab-hidden', step 'lab-dw1' (rhs)"
    assert "mixes a matrix product and ⊙ without brackets" in report.error
    assert r"W^{[2]\top}\,(A^{[2]} - Y) \odot A^{[1]}" in report.error  # the TeX as shown


def test_a_bracket_that_changes_the_value_is_caught(monkeypatch):
    """A dropped bracket that leaves TeX with one reading, but a different value, is reported by
    the comparison with the checker."""
    from hooks.math import derivation

    source = DOCS / "sigmoid-derivative.md"
    original = derivation.paren

    def drops_one_minus(tex):  # σ(z)(1 − σ(z)) printed as σ(z)1 − σ(z)
        return tex if tex.startswith("1 - ") else original(tex)

    monkeypatch.setattr(derivation, "paren", drops_one_minus)
    html = page_as_built(source)
    items = read_back_page(html, source.read_text("utf8"), f"docs/{source.name}")
    wrong = []
    for item in items:
        if item.error:
            continue
        deriv, checker, opaque = derivations_of(source)[item.derivation]
        if not any(same_value(checker, p, reference_of(deriv, item), opaque) for p in item.readings):
            wrong.append(item.step)
    assert "in-sigma" in wrong, "σ(z)(1 − σ(z)) printed without its bracket went unnoticed"


def test_the_reader_follows_ordinary_reading_rules():
    from tests.tex_reader import AmbiguousTeX, Hadamard, MatProd, T, UnreadableTeX, read_tex

    matrices = {"W^{[2]}", "dZ^{[2]}", "A^{[1]}", "X"}
    read = read_tex(r"(W^{[2]\top}\,dZ^{[2]}) \odot A^{[1]}", matrices)
    assert isinstance(read, Hadamard) and isinstance(read.args[0], MatProd)
    assert read.args[0].args[0] == T(read_tex("W^{[2]}", matrices))
    scaled = read_tex(r"\frac{1}{m}\,A^{[1]} \odot A^{[1]}", matrices)  # a number beside a matrix is fine
    assert scaled.is_commutative is False
    mixed = r"mixes a matrix product and ⊙ without brackets: .*\(1 - A\^\{\[1\]\}\)"
    with pytest.raises(AmbiguousTeX, match=mixed):
        read_tex(r"W^{[2]\top}\,dZ^{[2]} \odot (1 - A^{[1]})\,X^{\top}", matrices)
    with pytest.raises(UnreadableTeX):
        read_tex(r"\frac{dZ^{[2]}}{A^{[1]}}", matrices)  # no division by a matrix
    assert read_tex("a(1 - a)", set()) == read_tex(r"a\,(1 - a)", set())  # a product, not a function
    assert str(read_tex(r"\sigma(z)(1 - \sigma(z))", set())) == "(1 - \\sigma(z))*\\sigma(z)"


def test_a_time_step_belongs_to_the_name():
    from tests.tex_reader import MatProd, T, canonical_name, read_tex

    # DLS Course 5 writes the time step as a superscript: a^{<2>} is a name, (a^{<2>})^2 a square
    assert canonical_name(r"a^{\langle 2\rangle}") == r"a^{\langle2\rangle}"
    assert str(read_tex(r"(a^{\langle 2\rangle})^{2}", set())) == r"a^{\langle2\rangle}**2"
    matrices = {canonical_name(r"W_{aa}"), canonical_name(r"dz^{\langle t-1\rangle}")}
    read = read_tex(r"W_{aa}^{\top}\,dz^{\langle t-1\rangle}", matrices)
    assert isinstance(read, MatProd) and read.args[0] == T(read_tex(r"W_{aa}", matrices))
    assert read_tex(r"\Gamma_{o}", set()) == read_tex(r"\Gamma_o", set())


def test_no_formula_opens_two_plain_brackets_at_once(built_site):
    """`((1 + e^{-z}))^{-1}` showed two brackets around one thing; nested groups now differ in size."""
    doubled = []
    for source in PAGES:
        for item in read_back_page(built_page(built_site, source).read_text("utf8"), source.read_text("utf8"),
                                   f"docs/{source.name}"):
            tex = re.sub(r"\\(left|bigl)\(", "[", item.tex.replace(" ", ""))  # a larger bracket
            if "((" in tex or "[[" in tex:
                doubled.append(f"{item.where()}: {item.tex}")
    assert not doubled, "\n".join(doubled)


def test_the_reader_takes_the_usual_spellings_of_prose():
    from tests.tex_reader import SumAll, T, read_tex

    matrices = {"W^{[l]}", "dZ^{[l]}", "A"}
    assert read_tex(r"W^{[l]T}dZ^{[l]}", matrices) == read_tex(r"W^{[l]\top}\,dZ^{[l]}", matrices)
    assert read_tex("A^T", matrices) == T(read_tex("A", matrices))
    mean = read_tex(r"\dfrac{1}{m}\sum_i L^{(i)}", set())
    assert mean == SumAll(read_tex("L", set())) / read_tex("m", set())


def test_a_sum_over_examples_of_a_layers_columns_adds_the_columns():
    from tests.formula_holds import holds_in
    from tests.formula_register import contexts_for
    from tests.tex_reader import SumAll, SumCols, read_tex

    db = read_tex(r"\frac{1}{m}\sum_{i=1}^{m} dZ^{[l](i)}", {"dZ^{[l]}"})
    assert db == SumCols(read_tex("dZ^{[l]}", {"dZ^{[l]}"})) / read_tex("m", set())
    assert read_tex(r"\sum_i L^{(i)}", {"L"}) == SumAll(read_tex("L", {"L"}))  # a loss: one number each
    contexts = contexts_for("docs/da-prev.md")
    assert holds_in(r"db^{[l]} = \frac{1}{m}\sum_{i=1}^{m} dZ^{[l](i)}", contexts)
    assert not holds_in(r"db^{[l]} = \sum_{i=1}^{m} dZ^{[l](i)}", contexts)  # the 1/m forgotten


def test_the_reader_takes_relations_tuples_and_inline_derivatives():
    import sympy as sp

    from tests.tex_reader import Hadamard, Partial, read_tex

    assert read_tex("z > 0") == sp.Gt(sp.Symbol("z"), 0)
    assert isinstance(read_tex(r"a = \sigma(z) = \frac{1}{1 + e^{-z}}"), sp.And)  # a chain of two
    assert read_tex("(n^{[1]}, m)") == sp.Tuple(sp.Symbol("n^{[1]}"), sp.Symbol("m"))  # a shape
    assert read_tex(r"\partial L / \partial z") == Partial(sp.Symbol("L"), sp.Symbol("z"))
    assert read_tex(r"\alpha = 0.01.") == sp.Eq(sp.Symbol(r"\alpha"), sp.Rational(1, 100))
    assert read_tex(r"\max(0, z)").args == (0, sp.Symbol("z"))
    elementwise = read_tex("dA * A", {"dA", "A"})  # the DLS slides write the elementwise product *
    assert isinstance(elementwise, Hadamard)
