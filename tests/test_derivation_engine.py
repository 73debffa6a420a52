"""The derivation engine itself: its one lemma, its TeX printer and its failure modes."""

import ast

import sympy as sp

from hooks.math.derivation import Sigmoid, TexPrinter, parse


def test_sigmoid_lemma_matches_its_definition():
    z = sp.Symbol("z", real=True)
    from_definition = sp.diff(1 / (1 + sp.exp(-z)), z)
    from_lemma = sp.diff(Sigmoid(z), z).rewrite(sp.exp)
    assert sp.simplify(from_definition - from_lemma) == 0
    assert abs(float(Sigmoid(sp.Float(0.3)).evalf()) - 1 / (1 + float(sp.exp(-0.3)))) < 1e-15


def tex(expression: str, **fence) -> str:
    source = {"id": "t", "steps": [{"id": "s", "show": f"x = {expression}"}], **fence}
    import yaml

    deriv = parse(yaml.safe_dump(source))
    return TexPrinter(deriv).tex(ast.parse(expression, mode="eval").body)


def test_printer_keeps_the_authors_form():
    # sympy would print -(y - a) as a - y; the page must show what its author wrote
    assert tex("-(y - a)/(a*(1 - a))") == r"-\frac{y - a}{a(1 - a)}"
    assert tex("-y/a + (1 - y)/(1 - a)") == r"-\frac{y}{a} + \frac{1 - y}{1 - a}"
    assert tex("d(L, a) * d(a, z)") == r"\frac{\partial L}{\partial a} \cdot \frac{\partial a}{\partial z}"


def test_printer_writes_layers_transposes_and_hadamard():
    fence = {"layers": True, "sizes": {"n1": 3, "n2": 2, "m": 4},
             "matrices": {"W2": ["n2", "n1"], "dZ2": ["n2", "m"], "Z1": ["n1", "m"]},
             "functions": {"gprime": "generic"}, "names": {"gprime": "g^{[1]\\prime}"}}
    # a matrix product inside a ⊙ product is bracketed: a reader gives neither precedence
    assert tex("W2.T @ dZ2 * gprime(Z1)", **fence) == (
        r"(W^{[2]\top}\,dZ^{[2]}) \odot g^{[1]\prime}(Z^{[1]})"
    )
    assert tex("dZ2 * gprime(Z1)", **fence) == r"dZ^{[2]} \odot g^{[1]\prime}(Z^{[1]})"


def test_a_wrong_step_whose_shapes_do_not_fit_counts_as_disproved():
    import yaml

    from hooks.math.derivation import check

    fence = {
        "id": "t", "sizes": {"n": 2, "k": 3, "m": 4},
        "matrices": {"W": ["n", "k"], "A": ["k", "m"], "G": ["n", "m"]},
        "define": {"L": "sum(G * (W @ A))"},
        "steps": [
            {"id": "right", "show": "grad(L, A) = W.T @ G"},
            {"id": "no-transpose", "show": "grad(L, A) = W @ G", "wrong": "W is (n, k)"},
        ],
    }
    assert check(parse(yaml.safe_dump(fence))) == 2


def test_a_power_of_a_layer_symbol_is_parenthesized():
    fence = {"layers": True, "sizes": {"n1": 2, "m": 3}, "matrices": {"A1": ["n1", "m"]}}
    assert tex("1 - A1**2", **fence) == r"1 - (A^{[1]})^{2}"


def test_a_generic_activation_of_a_defined_matrix_is_checked_and_disproved():
    import yaml

    from hooks.math.derivation import check

    fence = {
        "id": "t", "layers": True, "sizes": {"n0": 2, "n1": 3, "m": 4},
        "matrices": {"W1": ["n1", "n0"], "X": ["n0", "m"], "G": ["n1", "m"], "Z1": ["n1", "m"]},
        "functions": {"g": "generic", "gprime": "derivative of g"},
        "define": {"Z1": "W1 @ X", "L": "sum(G * g(Z1))"},
        "steps": [
            {"id": "right", "show": "grad(L, W1) = (G * gprime(Z1)) @ X.T"},
            {"id": "no-slope", "show": "grad(L, W1) = G @ X.T", "wrong": "the slope is lost"},
        ],
    }
    assert check(parse(yaml.safe_dump(fence))) == 2


LAB = {"layers": True, "sizes": {"n_x": 2, "n_h": 3, "n_y": 1, "m": 4},
       "matrices": {"X": ["n_x", "m"], "Y": ["n_y", "m"], "W2": ["n_y", "n_h"], "A1": ["n_h", "m"],
                    "A2": ["n_y", "m"]}}


def test_a_hadamard_product_inside_a_matrix_product_is_bracketed():
    # Python reads `*` and `@` left to right at one precedence; the page must show that grouping
    assert tex("(W2.T @ (A2 - Y) * A1 * (1 - A1)) @ X.T / m", **LAB) == (
        r"\frac{\bigl((W^{[2]\top}\,(A^{[2]} - Y)) \odot A^{[1]} \odot (1 - A^{[1]})\bigr)\,X^{\top}}{m}"
    )
    assert tex("(W2.T @ (A2 - Y) * A1) @ ones(m)", **LAB) == (
        r"\bigl((W^{[2]\top}\,(A^{[2]} - Y)) \odot A^{[1]}\bigr)\,\mathbf{1}_{m}"
    )
    assert tex("X.T @ (A1.T * A1.T)", **LAB) == r"X^{\top}\,(A^{[1]\top} \odot A^{[1]\top})"


def test_a_power_of_a_bracket_gets_one_pair():
    assert tex("(1 + exp(-z))**(-1)") == r"(1 + e^{-z})^{-1}"
    assert tex("(exp(z) + exp(-z))**2") == r"(e^{z} + e^{-z})^{2}"
    assert tex("exp(z)**2") == r"(e^{z})^{2}"
    assert tex("u**(-1)", names={"u": "(1 + e^{-z})"}) == r"(1 + e^{-z})^{-1}"  # a name in brackets


def test_every_term_of_a_sum_of_differences_is_grouped_alike():
    assert tex("((f_1 - y_1) + (f_2 - y_2) + (f_3 - y_3)) / 3") == (
        r"\frac{(f_{1} - y_{1}) + (f_{2} - y_{2}) + (f_{3} - y_{3})}{3}"
    )
    assert tex("y - a*y - a + a*y") == r"y - a\,y - a + a\,y"  # no term is a sum: nothing added


def test_a_column_of_ones_shows_its_length():
    assert tex("ones(N).T @ G", sizes={"N": 3}, matrices={"G": ["N", 2]}) == r"\mathbf{1}_{N}^{\top}\,G"


def render_fence(**fence) -> str:
    import yaml

    from hooks.math.derivation import render

    return render(parse(yaml.safe_dump({"id": "t", **fence})))


def badges(html: str) -> list[str]:
    import re

    badge = r'class="step-shape" title="shape"><span class="arithmatex">\\\(\\displaystyle (.*?)\\\)'
    return re.findall(badge, html)


def test_the_shape_badge_is_the_shape_of_the_computed_value():
    fence = {"sizes": {"n": 2, "m": 3}, "matrices": {"A": ["n", "m"], "Y": ["n", "m"], "w": ["m", 1]},
             "define": {"J": "sum(A - Y) / m"},
             "steps": [{"id": "cost", "show": "J = sum(A - Y) / m"},           # a number: no badge
                       {"id": "column", "show": "A @ w = A @ w"},              # (n, 1)
                       {"id": "rows", "show": "(A - Y).T = A.T - Y.T"}]}       # (m, n)
    assert badges(render_fence(**fence)) == [r"(n,\ 1)", r"(m,\ n)"]


def test_a_given_gradient_is_stated_and_used_definitions_are_shown():
    html = render_fence(
        layers=True, sizes={"n1": 3, "n2": 2, "m": 4},
        matrices={"W2": ["n2", "n1"], "A1": ["n1", "m"], "Z2": ["n2", "m"], "dZ2": ["n2", "m"]},
        given={"grad(J, Z2)": "dZ2 / m"}, define={"Z2": "W2 @ A1"},
        steps=[{"id": "dw", "show": "grad(J, W2) = dZ2 @ A1.T / m"}, {"id": "z", "show": "Z2 = W2 @ A1"},
               {"id": "da", "show": "grad(J, A1) = W2.T @ dZ2 / m"}])
    assert ('<div class="derivation-given">Given the upstream gradient <span class="given-line" '
            'data-name="grad(J, Z2)">') in html
    assert r"\frac{\partial J}{\partial Z^{[2]}} = \frac{dZ^{[2]}}{m}" in html
    assert 'of shape <span class="arithmatex">' + r"\((n^{[2]},\ m)\)" in html
    assert "where-line" not in html  # Z2 is shown by a step, J only through its given gradient


def test_a_definition_a_step_needs_is_shown_under_the_block():
    html = render_fence(symbols={"z": "real"}, define={"a": "sigma(z)", "c": "3*a"},
                        steps=[{"id": "s", "show": "d(c, z) = 3*a*(1 - a)"}])
    # in the order the fence defines them; a, which c uses, is shown too
    assert '<div class="where-line" data-name="a">where <span class="arithmatex">\\(a = \\sigma(z)\\)' in html
    assert '<div class="where-line" data-name="c">and <span class="arithmatex">\\(c = 3a\\)' in html


def test_a_given_must_name_a_gradient_and_not_a_defined_loss():
    import pytest
    import yaml

    from hooks.math.derivation import DerivationError

    with pytest.raises(DerivationError, match="given is written"):
        parse(yaml.safe_dump({"id": "t", "given": {"J": "G"}, "steps": [{"id": "s", "show": "x = x"}]}))
    with pytest.raises(DerivationError, match="is by Z: declare its shape under matrices"):
        parse(yaml.safe_dump({"id": "t", "given": {"grad(J, Z)": "G"}, "define": {"Z": "W @ A"},
                              "steps": [{"id": "s", "show": "x = x"}]}))
    with pytest.raises(DerivationError, match="both defined and given"):
        parse(yaml.safe_dump({"id": "t", "given": {"grad(J, Z)": "G"}, "define": {"J": "sum(Z)"},
                              "steps": [{"id": "s", "show": "x = x"}]}))


def test_several_givens_share_one_line():
    html = render_fence(symbols={"a": "real", "w": "real", "dz_1": "real", "dz_2": "real"},
                        given={"d(L, z_1)": "dz_1", "d(L, z_2)": "dz_2"},
                        define={"z_1": "w*a", "z_2": "2*w*a"},
                        steps=[{"id": "s", "show": "d(L, a) = dz_1*w + dz_2*2*w"}])
    assert html.count('class="derivation-given"') == 1
    assert "Given the upstream gradients " in html and ": inputs of these steps, not derived here." in html
