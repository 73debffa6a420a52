"""Facts an expert read found wrong, and that algebra alone cannot catch, stay fixed (issue 11).

Each test reads the pages' text or their derivation fences; each one is shown to fail on the
wording or layout that used to be there."""

from __future__ import annotations

import re
from functools import cache

import pytest
import yaml

from hooks.math.fences import iter_fences
from hooks.page.course_refs import cite
from tests.conftest import DOCS, front_matter

PAGES = sorted(DOCS.glob("*.md"))


@cache
def shown(page) -> str:
    """A page's Markdown with its course citations filled in, as readers get it."""
    return cite(page.read_text("utf8"), f"docs/{page.name}")


def body(text: str) -> str:
    """The page without its front matter (learners' phrasings) and without its fences."""
    lines = text.split("\n")
    drop = set(range(text[: text.index("\n---", 3)].count("\n") + 1)) if text.startswith("---") else set()
    for fence in iter_fences(text):
        drop |= set(range(fence.line - 1, fence.end))
    return "\n".join("" if i in drop else line for i, line in enumerate(lines))


def sentences(text: str) -> list[str]:
    """Sentences of the prose; each table row counts as one."""
    parts = re.split(r"(?<=[.?!])\s+(?=[A-Z*(])|\n\s*\n|\n(?=\|)|(?<=\|)\n", text)
    return [" ".join(s.split()) for s in parts if s.strip()]


@cache
def derivations(page) -> list:
    return [(fence, yaml.safe_load(fence.body)) for fence in iter_fences(page.read_text("utf8"))
            if fence.language == "derivation"]


# --- 1. PyTorch's nn.Linear stores the weight as (out, in); its gradient is dSᵀ X -----------------

TORCH_WORDS = re.compile(r"PyTorch|nn\.Linear|weight\.grad|W\.grad|MSELoss|BCEWithLogitsLoss|loss\.backward")
IN_OUT_WEIGHT = re.compile(r"(?<!Linear)\(D,\s*[1A-Z]\)")  # CS231n's (in, out) weight: (D, 1), (D, H), (D, C)


OUT_IN_WEIGHT = re.compile(r"\((?!N\b)[1A-Z],\s*D\)|\(out, in\)|transpose")  # PyTorch's own, stated


def torch_in_out_claims(text: str) -> list[str]:
    """Sentences that speak of PyTorch and give a weight the (in, out) shape, without saying
    that PyTorch stores the transpose, (out, in)."""
    return [s for s in sentences(text)
            if TORCH_WORDS.search(s) and IN_OUT_WEIGHT.search(s) and not OUT_IN_WEIGHT.search(s)]


def torch_gradient_layout(spec: dict) -> list[str]:
    """Derivation steps about PyTorch's weight gradient that are not in its (out, in) layout."""
    matrices = spec.get("matrices") or {}
    wrong = []
    for step in spec.get("steps", []):
        grad = re.match(r"grad\(\w+, (\w+)\)", step.get("show", ""))
        if not grad or not TORCH_WORDS.search(step.get("why", "")) or "X" not in matrices:
            continue
        weight = matrices.get(grad[1])
        if weight is None or weight[1] != matrices["X"][1] or "X.T @" in step["show"]:
            wrong.append(f"{spec['id']}/{step['id']}: {step['show']} with {grad[1]} {weight}")
    return wrong


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pytorch_weight_is_out_by_in(page):
    text = body(shown(page))
    assert not re.search(r"\bW\.grad", text), f"docs/{page.name}: PyTorch's attribute is `weight.grad`"
    assert torch_in_out_claims(text) == [], f"docs/{page.name}"
    for fence, spec in derivations(page):
        assert torch_gradient_layout(spec) == [], f"docs/{page.name}:{fence.line}"


def test_the_pytorch_checks_catch_the_old_layout():
    old_prose = ("PyTorch and CS231n put the examples in the **rows**: $X$ is $(N, D)$, the weights "
                 "$W$ are $(D, 1)$ and the scores are $XW + b$ of shape $(N, 1)$.")
    assert torch_in_out_claims(old_prose) == [" ".join(old_prose.split())]
    old_fence = """
id: rowmajor-gradient
sizes: {N: 3, D: 2}
matrices: {W: [D, 1], X: [N, D], dS: [N, 1]}
steps:
  - id: rowmajor-dw
    show: grad(J, W) = X.T @ dS
    why: '$(D, N)$ times $(N, 1)$; in PyTorch `W.grad` after `loss.backward()`'
"""
    assert torch_gradient_layout(yaml.safe_load(old_fence)) == [
        "rowmajor-gradient/rowmajor-dw: grad(J, W) = X.T @ dS with W ['D', 1]"
    ]


def test_the_pytorch_layout_is_derived_on_every_page_the_issue_named():
    steps = {"dz-a-minus-y.md": "torch-dw", "same-gradient.md": "rowmajor-mse-dw",
             "hidden-layer.md": "torch-dw1", "one-over-m.md": "torch-weight-grad"}
    for page, step in steps.items():
        found = [s for _, spec in derivations(DOCS / page) for s in spec["steps"] if s["id"] == step]
        assert len(found) == 1 and re.search(r"\.T @ X\b", found[0]["show"]), (page, step)


# --- 2. Goodfellow's backward loop: after g ← W⁽ᵏ⁾ᵀ g the slope belongs to layer k − 1 ------------

def test_goodfellow_row_takes_the_slope_one_layer_down():
    text = (DOCS / "notation-table.md").read_text("utf8")
    table = text[text.index("{ #gradient-formulas }"):text.index("{ #elementwise-and-layers }")]
    row = next(line for line in table.split("\n") if line.lstrip().startswith("| Goodfellow"))
    assert "f'(a^{(k-1)})" in row and "f'(a^{(k)})" not in row, row


# --- 3. The logit is the canonical link; the sigmoid and the softmax are its inverse -------------

CANONICAL = re.compile(r"\b(?:sigmoid|softmax)\b(?: function)? is the \*?canonical link", re.IGNORECASE)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_calls_the_sigmoid_or_softmax_the_canonical_link(page):
    assert CANONICAL.findall(" ".join(shown(page).split())) == []


def test_the_canonical_link_check_catches_the_old_wording():
    assert CANONICAL.findall("(the sigmoid is the *canonical link* of the Bernoulli distribution)")
    assert CANONICAL.findall("the softmax\n  is the canonical link".replace("\n  ", " "))


# --- 5. assignment-vs-slides: 𝓛 is the loss, L the number of layers -----------------------------

def test_assignment_vs_slides_writes_the_loss_as_script_l():
    page = DOCS / "assignment-vs-slides.md"
    for fence, spec in derivations(page):
        if "L" in (spec.get("define") or {}):
            assert (spec.get("names") or {}).get("L") == r"\mathcal{L}", f"line {fence.line}: {spec['id']}"
    text = page.read_text("utf8")
    assert not re.search(r"\\partial L\b|(?<![\w{\\])L\^\{\(i\)\}|∂L/", text)
    assert "∂ℒ/∂A[L]" in front_matter(page)["answer"]


# --- 6, 7. Short answers that said too much ------------------------------------------------------

@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_says_z_is_never_exactly_zero(page):
    # With zero biases and zero inputs it is exactly 0: "almost never" is right.
    assert not re.search(r"(?<!almost )never exactly (?:0|zero)\b", " ".join(page.read_text("utf8").split()))


def test_shapes_answer_names_when_the_wrong_product_conforms():
    answer = " ".join(front_matter(DOCS / "shapes.md")["answer"].split())
    assert "Aᵀ dZ conforms only if n[l−1] and n[l] are equal" in answer
    assert "not even conform" not in answer  # it does when the layer is square (#shape-check-limits)


# --- 8. The M4ML lab's 1/m: filed late, with G = ∂ℒ/∂Z holding it -------------------------------

def test_one_over_m_files_the_lab_as_notation_checks_it():
    text = (DOCS / "one-over-m.md").read_text("utf8")
    section = text[text.index("{ #absorb-or-defer }"):]
    late = section[section.index("- **apply it late**"):section.index("- **absorb it early**")]
    assert "M4ML lab" in late and "notation.md#lab-layout" in late
    early = section[section.index("- **absorb it early**"):section.index("\n\n", section.index("- **absorb"))]
    assert "M4ML" not in early
    notation = (DOCS / "notation.md").read_text("utf8")
    step = notation[notation.index("id: lab-weight-gradient"):notation.index("id: lab-bias-gradient")]
    assert r"the $\frac{1}{m}$ inside" in step


# --- 9. tanh is the planar-data assignment's choice, not the slides' -----------------------------

def test_tanh_is_credited_to_the_assignment():
    text = " ".join(shown(DOCS / "assignment-vs-slides.md").split())
    assert not re.search(r"choice of the [^.]*slides", text)
    assert 'tanh is the choice of the "Planar data classification" assignment' in text


# --- 10. The all-square example keeps m apart from n ---------------------------------------------

def test_all_square_example_divides_by_the_number_of_examples():
    spec = next(s for _, s in derivations(DOCS / "shapes.md") if s["id"] == "all-square-layer")
    assert set(spec["sizes"]) == {"n", "m"}
    assert spec["matrices"]["A"] == ["n", "m"] and spec["matrices"]["dZ"] == ["n", "m"]
    for step in spec["steps"]:
        assert step["show"].endswith("/ m"), step
