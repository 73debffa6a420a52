"""Every derivation fence on the site is proved step by step; wrong steps are disproved."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hooks.math.derivation import DerivationError, check, parse, render
from hooks.math.fences import iter_fences

DOCS = Path(__file__).resolve().parent.parent / "docs"


def all_derivations():
    for page in sorted(DOCS.rglob("*.md")):
        rel = page.relative_to(DOCS).as_posix()
        for fence in iter_fences(page.read_text("utf8")):
            if fence.language == "derivation":
                yield pytest.param(rel, fence, id=f"{rel}:{fence.line}")


DERIVATIONS = list(all_derivations())


@pytest.mark.parametrize(("page", "fence"), DERIVATIONS)
def test_every_step_is_proved(page, fence):
    deriv = parse(fence.body, page=f"docs/{page}", line=fence.line)
    assert check(deriv) == len(deriv.steps)


def test_the_site_has_derivations():
    assert len(DERIVATIONS) >= 5


def test_step_ids_are_unique_on_each_page():
    ids: dict[str, list[str]] = {}
    for param in DERIVATIONS:
        page, fence = param.values
        deriv = parse(fence.body)
        for anchor in [deriv.id] + [s.id for s in deriv.steps]:
            ids.setdefault(page, []).append(anchor)
    for page, anchors in ids.items():
        dupes = {a for a in anchors if anchors.count(a) > 1}
        assert not dupes, f"docs/{page}: anchors used twice: {sorted(dupes)}"


# --- a mutated step must fail, naming page, derivation and step --------------------------

def fence_on(page: str, derivation_id: str):
    text = (DOCS / page).read_text("utf8")
    for fence in iter_fences(text):
        if fence.language == "derivation" and f"id: {derivation_id}\n" in fence.body:
            return fence
    raise LookupError(f"{page} has no derivation {derivation_id}")


MUTATIONS = [
    # (page, derivation, step, correct text, mutated text): the kinds of slip learners make
    ("dz-a-minus-y.md", "dl-dz-derivation", "da-dz",
     "show: d(a, z) = a*(1 - a)", "show: d(a, z) = 1/(a*(1 - a))"),
    ("dz-a-minus-y.md", "dl-dz-derivation", "chain-rule",
     "show: d(L, z) = d(L, a) * d(a, z)", "show: d(L, z) = d(L, a) * d(z, a)"),
    ("dz-a-minus-y.md", "dl-dz-derivation", "a-minus-y",
     "show: = a - y", "show: = y - a"),
    ("dz-a-minus-y.md", "dls-gradient", "dls-dw",
     "show: grad(J, w) = X @ dZ.T / m", "show: grad(J, w) = X @ dZ.T"),
    ("notation.md", "lecture-vs-lab", "lab-dl-dz",
     "show: d(L, z) = d(L, a) * d(a, z)", "show: d(L, z) = d(L, a) * d(z, a)"),
    ("notation.md", "dls-layout", "dls-weight-gradient",
     "show: grad(J, W2) = dZ2 @ A1.T / m", "show: grad(J, W2) = dZ2 @ A1.T"),
    ("da-prev.md", "square-no-transpose", "square-right",
     "show: m * grad(J, A1) = W2.T @ dZ2", "show: m * grad(J, A1) = W2 @ dZ2"),
    ("da-prev.md", "da-prev-scalar", "sum-over-units",
     "show: = W_12*dz_1 + W_22*dz_2", "show: = W_21*dz_1 + W_22*dz_2"),
    ("hidden-layer.md", "dls-tanh-chain", "dls-tanh-dw1",
     "show: grad(J, W1) = (W2.T @ dZ2 * (1 - A1 * A1)) @ X.T / m",
     "show: grad(J, W1) = (W2.T @ dZ2 * A1) @ X.T / m"),
    ("hidden-layer.md", "square-hidden", "square-with-transpose",
     "show: m * grad(J, Z1) = W2.T @ dZ2 * (1 - A1 * A1)",
     "show: m * grad(J, Z1) = W2 @ dZ2 * (1 - A1 * A1)"),
    ("same-gradient.md", "rowmajor-both", "rowmajor-mse-dw",
     "show: grad(J_mse, W) = 2 * (S - Y).T @ X / N", "show: grad(J_mse, W) = (S - Y).T @ X / N"),
    ("same-gradient.md", "family-poisson", "poisson-dnll",
     "show: d(NLL, z) = exp(z) - y", "show: d(NLL, z) = y - exp(z)"),
    ("sigmoid-derivative.md", "sigmoid-derivation", "exp-inner",
     "show: d(g, z) = -1", "show: d(g, z) = 1"),
    ("sigmoid-derivative.md", "sigmoid-derivation", "in-sigma",
     "show: = sigma(z)*(1 - sigma(z))", "show: = sigma(z)*(1 - z)"),
    ("activation-derivatives.md", "tanh-derivation", "tanh-in-a",
     "show: = 1 - a**2", "show: = 1 - a"),
    ("activation-derivatives.md", "relu-mask-matrix", "mask-from-a",
     "show: = dA * indicator(A)", "show: = dA * (1 - indicator(-A))"),
    ("notation-table.md", "mse-gradients", "torch-mse-gradient",
     "show: d(J_torch, f_1) = 2*(f_1 - y_1) / 3", "show: d(J_torch, f_1) = (f_1 - y_1) / 3"),
    ("notation-table.md", "torch-vs-dls", "torch-weight-grad",
     "show: grad(J, W) = G.T @ X", "show: grad(J, W) = X.T @ G"),
    ("one-over-m.md", "stacked-matmul", "dw-matmul",
     "show: grad(J, W2) = dZ2 @ A1.T / m", "show: grad(J, W2) = dZ2 @ A1.T"),
    ("one-over-m.md", "half-cancels-two", "mse-gradient",
     "show: d(K, w_j) = 2*((f_1", "show: d(K, w_j) = ((f_1"),
    ("shapes.md", "square-layer", "square-da-right",
     "show: m * grad(J, A) = W.T @ dZ", "show: m * grad(J, A) = W @ dZ"),
    ("shapes.md", "square-layer", "square-dw-right",
     "show: grad(J, W) = dZ @ A.T / m", "show: grad(J, W) = A @ dZ.T / m"),
    ("matrix-chain-rule.md", "two-by-two", "dl-dw-matrix",
     "show: grad(L, W) = G @ A.T", "show: grad(L, W) = G @ A"),
    ("matrix-chain-rule.md", "two-by-two", "dl-dw11",
     "show: = G_11*A_11 + G_12*A_12", "show: = G_11*A_11 + G_21*A_12"),
    ("softmax-cross-entropy.md", "softmax-off-diagonal", "off-diagonal-entry",
     "show: = -a_1*a_2", "show: = a_1*a_2"),
    ("softmax-cross-entropy.md", "softmax-ce-chain", "chain-over-classes",
     "show: d(L, z_1) = d(L, a_1)*d(a_1, z_1) + d(L, a_2)*d(a_2, z_1) + d(L, a_3)*d(a_3, z_1)",
     "show: d(L, z_1) = d(L, a_1)*d(a_1, z_1)"),
    ("assignment-vs-slides.md", "dal-per-example", "dl-da-output",
     "show: d(L, a) = -(y/a - (1 - y)/(1 - a))", "show: d(L, a) = (y/a - (1 - y)/(1 - a))"),
    ("assignment-vs-slides.md", "hidden-layer-backward", "hidden-activation-step",
     "show: grad(J, Z1) = dA1 * (1 - A1*A1) / m", "show: grad(J, Z1) = dA1 / m"),
    ("l2-regularization.md", "l2-gradient", "penalty-simplified",
     "show: = lambd/m * W", "show: = lambd/(2*m) * W"),
    ("l2-regularization.md", "l2-layer", "dz-unchanged",
     "show: grad(Jreg, Z) = dZ / m", "show: grad(Jreg, Z) = dZ / m + lambd/m * W @ Ap"),
    ("dropout.md", "dropout-backward", "da-through-mask",
     "show: = W2.T @ dZ2 * D1 / keep_prob", "show: = W2.T @ dZ2 * D1"),
    ("dropout.md", "expected-value", "activation-mean",
     "show: keep_prob * (a * 1 / keep_prob)", "show: keep_prob * (a * 1)"),
]


@pytest.mark.parametrize(("page", "derivation", "step", "good", "bad"), MUTATIONS,
                         ids=[f"{m[1]}:{m[2]}" for m in MUTATIONS])
def test_a_mutated_step_fails_with_page_derivation_and_step(page, derivation, step, good, bad):
    fence = fence_on(page, derivation)
    assert good in fence.body, "the mutation no longer matches the page"
    mutated = parse(fence.body.replace(good, bad), page=f"docs/{page}", line=fence.line)
    with pytest.raises(DerivationError) as failure:
        check(mutated)
    message = str(failure.value)
    assert f"docs/{page}:{fence.line}" in message
    assert f"derivation '{derivation}'" in message
    assert f"step '{step}'" in message


def test_a_wrong_step_that_is_true_is_reported():
    source = (
        "id: fake\nsymbols: {x: real}\nsteps:\n"
        "  - id: same\n    show: x + x = 2*x\n    wrong: not really\n"
    )
    with pytest.raises(DerivationError, match="marked wrong, but .* is true"):
        check(parse(source, page="docs/x.md", line=1))


def test_numbered_step_ids_are_refused():
    source = "id: fake\nsymbols: {x: real}\nsteps:\n  - id: step-3\n    show: x = x\n"
    with pytest.raises(DerivationError, match="words"):
        parse(source)


def test_a_shape_mismatch_is_reported():
    source = (
        "id: fake\nsizes: {n: 2, m: 3}\nmatrices: {W: [n, m], A: [n, m]}\n"
        "define: {L: sum(W @ A)}\nsteps:\n  - id: no-transpose\n    show: L = sum(W @ A)\n"
    )
    with pytest.raises(DerivationError, match=re.escape("does not conform")):
        check(parse(source, page="docs/x.md", line=1))


# --- shape badges are the shapes of the computed values ----------------------------------

def badge_of(page: str, derivation_id: str, step_id: str) -> str | None:
    fence = fence_on(page, derivation_id)
    html = render(parse(fence.body, page=f"docs/{page}", line=fence.line))
    row = re.search(rf'<div class="step(?: step-wrong)?" id="{step_id}">(.*?)<div class="step-why">',
                    html, re.S)
    assert row, f"docs/{page} has no step {step_id} in {derivation_id}"
    badge = re.search(r'class="step-shape" title="shape">'
                      r'<span class="arithmatex">\\\(\\displaystyle (.*?)\\\)', row[1])
    return badge[1] if badge else None


@pytest.mark.parametrize(("page", "derivation", "step", "shape"), [
    ("notation.md", "lab-matrix-derivation", "lab-cost", None),  # the cost is a number
    ("shapes.md", "mls-rows", "mls-dj-db", None),  # MLS's dJ/db is a number
    ("shapes.md", "mls-rows", "mls-dj-dw", r"(n,\ 1)"),
    ("hidden-layer.md", "lab-hidden", "lab-db1", r"(n_{h},\ 1)"),
    ("dz-a-minus-y.md", "lab-gradient", "lab-dl-db", r"(1,\ 1)"),  # a (1, 1) matrix is still a matrix
])
def test_a_badge_is_the_shape_of_the_value_and_a_number_has_none(page, derivation, step, shape):
    assert badge_of(page, derivation, step) == shape


# --- a stated upstream gradient is the one the checker differentiates with ----------------

GIVENS = [param for param in DERIVATIONS if "given:" in param.values[1].body]


@pytest.mark.parametrize(("page", "fence"), GIVENS)
def test_a_given_gradient_is_the_gradient_of_the_loss_that_is_checked(page, fence):
    import ast

    from hooks.math.derivation import Checker

    deriv = parse(fence.body, page=f"docs/{page}", line=fence.line)
    checker = Checker(deriv)
    for gradient, value in deriv.given.items():
        derived = checker.eval(ast.parse(gradient, mode="eval").body)
        stated = checker.eval(ast.parse(value, mode="eval").body)
        assert all(checker.is_zero(e) for e in checker.difference(derived, stated)), (
            f"docs/{page}:{fence.line}: {gradient} is not {value}")


def test_the_site_states_its_upstream_gradients():
    assert len(GIVENS) >= 40
