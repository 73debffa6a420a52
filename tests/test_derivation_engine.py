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
    assert tex("W2.T @ dZ2 * gprime(Z1)", **fence) == (
        r"W^{[2]\top}\,dZ^{[2]} \odot g^{[1]\prime}(Z^{[1]})"
    )


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
