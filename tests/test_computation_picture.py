"""The picture of the computation: drawn from the page's main derivation fence, with labels that mean
exactly what the checker computes, one per derivation page, with alt text and no ids."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest
import sympy as sp

from hooks.math.computation_picture import (
    UPSTREAM,
    Checker,
    cached_picture_html,
    dot_source,
    extract,
    inline_svg,
    is_derivation_page,
    local_derivative,
    page_picture,
    tex_to_unicode,
    with_upstream,
)
from hooks.math.derivation import parse
from tests.conftest import front_matter

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p for p in (ROOT / "docs").glob("*.md") if is_derivation_page(p.name))

SMALL_LAYER = """\
id: small-layer
layers: true
sizes: {n1: 3, n2: 2, m: 4}
matrices: {A1: [n1, m], W2: [n2, n1], b2: [n2, 1], Z2: [n2, m], A2: [n2, m], G: [n2, m]}
given: {'grad(J, A2)': G}
define:
  Z2: W2 @ A1 + b2
  A2: sigma(Z2)
steps:
  - id: through-sigmoid
    show: grad(J, Z2) = G * A2 * (1 - A2)
  - id: to-the-input
    show: grad(J, A1) = W2.T @ (G * A2 * (1 - A2))
  - id: no-transpose
    show: grad(J, A1) = W2 @ G
    wrong: 'does not conform'
"""

ONE_EXAMPLE = """\
id: one-example
symbols: {z: real, y: real}
define:
  a: sigma(z)
  L: -(y*log(a) + (1 - y)*log(1 - a))
steps:
  - id: chain
    show: d(L, z) = d(L, a) * d(a, z)
"""


def page_picture_of(path: Path):
    return page_picture(path.read_text("utf8"), front_matter(path), path.name)


def test_a_small_layer_is_drawn_as_its_fence_says():
    picture = extract(parse(SMALL_LAYER))
    # boxes: the differentiated names and what lies between them, inputs first; W[2] and b[2]
    # are not differentiated here, and a wrong step adds nothing
    assert [(n.label, n.shape) for n in picture.nodes.values()] == [
        ("A[1]", "(n[1], m)"), ("Z[2]", "(n[2], m)"), ("A[2]", "(n[2], m)"), ("J", "number")]
    assert [(e.source, e.target, e.local) for e in picture.edges] == [
        ("A1", "Z2", "∂Z[2]/∂A[1]"), ("Z2", "A2", "∂A[2]/∂Z[2]"), ("A2", "J", "∂J/∂A[2]")]
    gets = {n.name: (n.gradient, n.arriving) for n in picture.nodes.values()}
    assert gets == {
        "A1": ("∂J/∂A[1]", "W[2]ᵀ ∂J/∂Z[2]"),
        "Z2": ("∂J/∂Z[2]", "∂J/∂A[2] ⊙ A[2] ⊙ (1 − A[2])"),
        "A2": ("∂J/∂A[2]", "G (given)"),
        "J": ("", ""),
    }
    assert picture.output == "J"
    assert picture.alt() == ("The computation drawn as boxes: A[1] → Z[2] → A[2] → J, with "
                             "∂J/∂A[2], ∂A[2]/∂Z[2] and ∂Z[2]/∂A[1] on the backward arrows.")
    source = dot_source(picture)
    assert source.count('class="picture-forward"') == source.count('class="picture-backward"') == 3
    assert "∂Z[2]/∂A[1]" in source and "W[2]ᵀ ∂J/∂Z[2]" in source


def test_numbers_carry_the_checkers_local_derivative():
    picture = extract(parse(ONE_EXAMPLE))
    assert [e.label for e in picture.edges] == ["∂a/∂z = a(1 − a)", "∂L/∂a = (1 − y)/(1 − a) − y/a"]
    assert picture.alt() == ("The computation drawn as boxes: z → a → L, with ∂L/∂a and ∂a/∂z "
                             "on the backward arrows.")


def test_the_dl_dz_page_draws_its_own_chain():
    picture = page_picture_of(ROOT / "docs" / "dz-a-minus-y.md")
    assert picture.derivation == "dl-dz-derivation"
    assert [e.label for e in picture.edges] == ["∂a/∂z = a(1 − a)", "∂L/∂a = (1 − y)/(1 − a) − y/a"]
    assert [(n.label, n.gradient, n.arriving) for n in picture.nodes.values()] == [
        ("z", "∂L/∂z", "∂L/∂a · ∂a/∂z"), ("a", "∂L/∂a", ""), ("L", "", "")]


def test_names_print_as_on_the_page():
    assert tex_to_unicode(r"W^{[2]\top}") == "W[2]ᵀ"
    assert tex_to_unicode(r"w_{1}") == "w₁"
    assert tex_to_unicode(r"\hat{y}") == "ŷ"
    assert tex_to_unicode(r"\frac{\partial J}{\partial Z^{[2]}} = \frac{dZ^{[2]}}{m}") == "∂J/∂Z[2] = dZ[2]/m"
    assert tex_to_unicode(r"L^{(1)}") == "L⁽¹⁾"
    # a time step stays on the line, like a layer: a⟨1⟩, not a superscript ⁽¹⁾ or a power
    step_two = r"W_{aa}^{\top}\,\frac{\partial L}{\partial z^{\langle 2\rangle}}"
    assert tex_to_unicode(step_two) == "Wₐₐᵀ ∂L/∂z⟨2⟩"
    assert tex_to_unicode(r"a^{\langle 1\rangle\top}") == "a⟨1⟩ᵀ"
    assert tex_to_unicode(r"\Gamma_{o} \odot \tilde{c}") == "Γₒ ⊙ c̃"


def scalar_label_holds(deriv, edge) -> bool:
    """The label's value, with the target's own name expanded, is the checker's ∂target/∂source."""
    checker = Checker(deriv)
    truth = local_derivative(checker, deriv, edge.target, edge.source)
    held = frozenset(deriv.define) - {edge.target}
    direct = checker.eval(ast.parse(f"d({edge.target}, {edge.source})", mode="eval").body, held)
    own = checker.value(edge.target, held | {edge.source})
    shown = edge.value.subs(checker.base(edge.target), own)
    return truth == edge.value and sp.simplify(checker.full(shown - direct)) == 0


def matrix_rule_holds(deriv, edge, rule) -> bool:
    """What the arrow sends back is the gradient of sum(G ⊙ target) by the source, target expanded."""
    extended = with_upstream(deriv, edge.target)
    checker = Checker(extended)
    held = frozenset(deriv.define) - {edge.target}
    try:
        sent = checker.eval(rule, held)
    except Exception:
        return False  # does not even conform
    truth = checker.eval(ast.parse(f"grad(sum({UPSTREAM} * {edge.target}), {edge.source})",
                                   mode="eval").body, held)
    return getattr(sent, "shape", None) == truth.shape and all(
        sp.simplify(e) == 0 for e in (sent - truth))


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_every_label_is_what_the_checker_computes(path):
    picture = page_picture_of(path)
    fence = next(f for f in re.finditer(r"```derivation\n(.*?)```", _dedented(path), re.S)
                 if parse(f[1]).id == picture.derivation)
    deriv = parse(fence[1])
    assert picture.edges, f"{path.name}: a picture without arrows"
    for edge in picture.edges:
        if edge.value is not None:
            assert scalar_label_holds(deriv, edge), f"{path.name}: {edge.label}"
        if edge.rule is not None:
            assert matrix_rule_holds(deriv, edge, edge.rule), f"{path.name}: {edge.local}: {edge.value_text}"


def _dedented(path: Path) -> str:
    """The page with every fence at column 0 (fences sit inside tabs)."""
    from hooks.math.fences import unnest

    return unnest(path.read_text("utf8"))


def test_a_broken_label_is_caught():
    deriv = parse(SMALL_LAYER)
    picture = extract(deriv)
    edge = next(e for e in picture.edges if e.source == "A1")
    assert matrix_rule_holds(deriv, edge, edge.rule)
    no_transpose = ast.parse(f"W2 @ {UPSTREAM}", mode="eval").body  # conforms only if square
    assert not matrix_rule_holds(deriv, edge, no_transpose)
    sigmoid_edge = next(e for e in picture.edges if e.source == "Z2")
    missing_factor = ast.parse(f"{UPSTREAM} * A2", mode="eval").body
    assert not matrix_rule_holds(deriv, sigmoid_edge, missing_factor)
    scalar = parse(ONE_EXAMPLE)
    wrong = extract(scalar).edges[0]
    wrong.value = sp.Symbol("a", real=True) * (1 + sp.Symbol("a", real=True))  # a(1 + a)
    assert not scalar_label_holds(scalar, wrong)


def test_the_svg_has_no_ids_and_takes_the_page_color():
    picture = extract(parse(ONE_EXAMPLE))
    svg = inline_svg(
        '<?xml version="1.0"?>\n<!-- c -->\n<svg width="205pt" height="228pt" viewBox="0 0 205 228" '
        'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        '<g id="graph0" class="graph"><title>computation</title>\n'
        '<polygon fill="white" stroke="transparent" points="0,0 1,1"/>\n'
        '<g id="node1" class="node"><path fill="none" stroke="black" d="M0,0"/></g></g></svg>\n',
        picture.alt())
    assert " id=" not in svg and "<title>" not in svg and "black" not in svg and "\n" not in svg
    assert 'stroke="currentColor"' in svg and 'style="max-width: 205pt"' in svg
    assert f'aria-label="{html.escape(picture.alt())}"' in svg and 'role="img"' in svg


PICTURE = re.compile(r'<div class="answer-extra computation-picture" data-derivation="([^"]+)" '
                     r"data-search-exclude>(.*?)</div>", re.S)


def test_every_derivation_page_has_one_picture_from_its_fence(built_site):
    for path in PAGES:
        page = built_site / path.stem / "index.html"
        text = page.read_text("utf8")
        found = PICTURE.findall(text)
        assert len(found) == 1, f"{path.name}: {len(found)} pictures"
        derivation, block = found[0]
        picture = page_picture_of(path)
        assert derivation == picture.derivation
        alt = re.search(r'<svg role="img" aria-label="([^"]+)"', block)
        assert alt and html.unescape(alt[1]) == picture.alt(), f"{path.name}: alt text"
        assert "<figcaption>" in block and " id=" not in block
        # every arrow label and box line in the drawing is one the fence gives
        drawn = {html.unescape(t).strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", block)}
        expected = set()
        for node in picture.nodes.values():
            expected |= {node.label, node.shape}
            expected |= {f"gets {node.gradient}"} if node.gradient else set()
            terms = node.arriving.split(" + ") if node.arriving else []
            expected |= {f"{'=' if i == 0 else '+'} {term}" for i, term in enumerate(terms)}
        for edge in picture.edges:
            local, _, value = edge.label.partition(" = ")
            expected |= {local} | ({f"= {value}"} if value else set())
        assert drawn == expected, f"{path.name}: {drawn ^ expected}"
    assert "computation-picture" not in (built_site / "index.html").read_text("utf8")
    assert "computation-picture" not in (built_site / "notation-table" / "index.html").read_text("utf8")


def test_an_unknown_picture_key_fails_clearly():
    markdown = f"# Q\n\n```derivation\n{ONE_EXAMPLE}```\n"
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError, match="`picture: nowhere` names no derivation fence"):
        cached_picture_html(markdown, {"picture": "nowhere"}, "made-up.md")
