"""A picture of the computation on every derivation page, drawn from the page's main derivation fence.

The fence that the page proves is also the fence the picture is drawn from, so the two cannot drift:

- the boxes are the names the steps differentiate (`d(L, a)`: L and a) and every defined name
  between them; each box shows the name's shape, from `matrices:` (a name without one is a number);
- a forward arrow goes from each name to every defined name whose `define:` expression uses it;
- a backward arrow carries the local derivative ∂v/∂u, and, between numbers, its value as the
  checker (hooks/math/derivation.py) computes it, printed in plain Unicode;
- each box lists the gradient arriving at it, ∂L/∂u, or the given one (`given:`).

The picture is drawn from the page's first derivation fence, or from the one named by the page's
`picture:` front-matter key. Graphviz's `dot` lays it out as SVG (cached by its input in
.cache/pictures/), which goes inline after the short answer, in the page's text color.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import html
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import sympy as sp
from mkdocs.exceptions import PluginError

from hooks.background import CACHE, ROOT, prune
from hooks.math.derivation import (
    GIVEN,
    Checker,
    Derivation,
    DerivationError,
    Sigmoid,
    TexPrinter,
    _parse_expr,
    parse,
)
from hooks.math.derivation_hook import derivation_fences
from hooks.page.after_answer import EXTRA, insert_after_short_answer

FOLDER = CACHE / "pictures"
FONT = "DejaVu Sans"  # the widths dot measures with (fonts-dejavu-core); the page may use its own
SKIPPED_PAGES = {"index.md", "notation-table.md"}

# --------------------------------------------------------------------------- TeX names to Unicode

SUB = str.maketrans("0123456789+-=()aeijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ")
SUP = str.maketrans("0123456789+-=()in", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁱⁿ")
GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "sigma": "σ", "tau": "τ", "phi": "φ", "psi": "ψ",
    "omega": "ω", "Sigma": "Σ", "Delta": "Δ", "Gamma": "Γ",
}
TEX_WORDS = {"top": "ᵀ", "prime": "′", "odot": "⊙", "cdot": "·", "ln": "ln", "tanh": "tanh",
             "langle": "⟨", "rangle": "⟩", "tilde{c}": "c̃", "tilde{A}": "Ã", "tilde{a}": "ã",
             "partial": "∂", "ell": "ℓ", "mathcal{L}": "ℒ", "hat{y}": "ŷ", "mathbf{1}": "𝟏", **GREEK}


def _script(text: str, table: dict, mark: str) -> str:
    """A sub- or superscript in Unicode when every character has one, else `_x`/`^x` kept readable."""
    stays = ("[", "⟨")
    marked = text.endswith(("ᵀ", "′"))
    if text.startswith(stays) or text in ("ᵀ", "′") or marked and text[:-1].startswith(stays):
        return text  # layer brackets, time steps and transposes stay on the line: W[2]ᵀ, a⟨1⟩ᵀ
    converted = text.translate(table)
    if all(ch != orig or not ch.isalnum() for ch, orig in zip(converted, text, strict=True)):
        return converted
    return f"{mark}{text}" if len(text) == 1 else f"{mark}({text})"


def tex_to_unicode(tex: str) -> str:
    """The plain-Unicode text of a name or short formula as TexPrinter writes it: W^{[2]\\top} → W[2]ᵀ,
    w_{1} → w₁, \\hat{y} → ŷ, \\frac{dZ^{[2]}}{m} → dZ[2]/m."""
    text = tex.replace(r"\left", "").replace(r"\right", "").replace(r"\bigl", "").replace(r"\bigr", "")
    text = text.replace(r"\,", " ").replace(r"\ ", " ").replace(r"\displaystyle", "")
    text = re.sub(r"\\(?:mathrm|operatorname|text)\{([^{}]*)\}", r"\1", text)
    text = text.replace(r"\_", "_")  # keep\_prob → keep_prob
    for word, symbol in sorted(TEX_WORDS.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(r"\\" + re.escape(word) + r"(?![A-Za-z])", symbol, text)
    text = re.sub(r"∂\s+", "∂", text)
    text = re.sub(r"⟨\s+", "⟨", text)
    # innermost groups first, so that nested fractions and scripts come out whole
    for _ in range(8):
        before = text
        text = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}",
                      lambda m: f"{_group(m[1])}/{_group(m[2])}", text)
        text = re.sub(r"\^\{([^{}]*)\}", lambda m: _script(m[1], SUP, "^"), text)
        text = re.sub(r"_\{([^{}]*)\}", lambda m: _script(m[1], SUB, "_"), text)
        text = re.sub(r"\^(\w)", lambda m: _script(m[1], SUP, "^"), text)
        text = re.sub(r"_(\w)", lambda m: _script(m[1], SUB, "_"), text)
        if text == before:
            break
    text = text.replace("{", "").replace("}", "").replace("-", "−")
    text = re.sub(r"\s*'", "′", text)
    return re.sub(r"\s+", " ", text).strip()


def _group(text: str) -> str:
    return f"({text})" if re.search(r"[\s+−-]", text.strip()) else text


# --------------------------------------------------------------------------- the graph


@dataclass
class Node:
    name: str  # the fence's identifier
    label: str  # how the page prints it, in Unicode
    shape: str  # "(n[1], m)", or "number"
    gradient: str = ""  # the gradient arriving here: "∂L/∂a"
    arriving: str = ""  # what it is: "∂L/∂a · ∂a/∂z", "W[2]ᵀ ∂J/∂Z[2]", a given; a sum over arrows
    end: str = ""  # the loss whose gradient that is (the picture's output, unless it has two ends)


@dataclass
class Edge:
    source: str  # u: the name used
    target: str  # v: the defined name that uses it
    local: str  # "∂v/∂u"
    value: sp.Expr | None = None  # the checker's ∂v/∂u with v's neighbours held fixed (numbers only)
    value_text: str = ""  # that value (numbers), or what the arrow sends back (matrices), in Unicode
    rule: ast.expr | None = None  # matrices: the gradient sent back to u, in terms of UPSTREAM

    @property
    def label(self) -> str:
        """The local derivative, with its value between numbers."""
        if not self.value_text or self.rule is not None:
            return self.local
        return f"{self.local} = {self.value_text}"


@dataclass
class Picture:
    derivation: str  # the fence's id
    output: str  # the name whose gradients the boxes show (the loss)
    nodes: dict[str, Node] = field(default_factory=dict)  # in forward order
    edges: list[Edge] = field(default_factory=list)

    def alt(self) -> str:
        """One sentence naming the chain and the derivatives on the backward arrows."""
        labels = {name: node.label for name, node in self.nodes.items()}
        # "A[1], W[2], b[2] → Z[2] → A[2] → J": each box after its inputs, a chain kept whole
        parts: list[str] = []
        previous = None
        for target in self.nodes:
            inputs = [e.source for e in self.edges if e.target == target]
            if not inputs:
                continue
            if parts and inputs == [previous]:
                parts[-1] += f" → {labels[target]}"
            else:
                parts.append(f"{', '.join(labels[u] for u in inputs)} → {labels[target]}")
            previous = target
        forward = "; ".join(parts)
        backward = [e.local for e in reversed(self.edges)]
        listed = backward[0] if len(backward) == 1 else ", ".join(backward[:-1]) + " and " + backward[-1]
        return (f"The computation drawn as boxes: {forward}, with {listed} "
                f"on the backward arrows.")


def _names(node: ast.expr) -> list[str]:
    """The names in an expression, in the order they are written."""
    found = sorted((sub for sub in ast.walk(node) if isinstance(sub, ast.Name)),
                   key=lambda sub: (getattr(sub, "lineno", 0), getattr(sub, "col_offset", 0)))
    return list(dict.fromkeys(sub.id for sub in found))


def _calls(node: ast.expr) -> list[ast.Call]:
    return [sub for sub in ast.walk(node) if isinstance(sub, ast.Call)
            and isinstance(sub.func, ast.Name) and sub.func.id in ("d", "grad") and len(sub.args) == 2]


def dependencies(deriv: Derivation) -> dict[str, list[str]]:
    """For each defined name, the names its definition uses (a loss that stands for a given
    gradient uses only the names it is given by)."""
    known = set(deriv.define) | set(deriv.matrices) | set(deriv.symbols)
    deps: dict[str, list[str]] = {}
    for name, text in deriv.define.items():
        if name in deriv.stand_ins:
            keys = [GIVEN.fullmatch(key) for key in deriv.given]
            deps[name] = [m["x"] for m in keys if m and m["f"] == name]
            continue
        used = _names(_parse_expr(text, deriv.where()))
        deps[name] = [u for u in used if u in known and u != name and u not in deriv.sizes]
    return deps


def _closure(start: set[str], links: dict[str, list[str]]) -> set[str]:
    found, todo = set(start), list(start)
    while todo:
        for other in links.get(todo.pop(), []):
            if other not in found:
                found.add(other)
                todo.append(other)
    return found


def extract(deriv: Derivation) -> Picture:
    """The picture of a parsed derivation: its boxes, arrows and labels."""
    deps = dependencies(deriv)
    users: dict[str, list[str]] = {}
    for name, used in deps.items():
        for u in used:
            users.setdefault(u, []).append(name)
    pairs: list[tuple[str, str]] = []  # (F, x) of every d(F, x) a correct step or a given uses
    for step in deriv.steps:
        if step.wrong:
            continue
        for side in (step.lhs, step.rhs):
            for call in _calls(side) if side is not None else []:
                f, x = call.args
                if isinstance(f, ast.Name) and isinstance(x, ast.Name):
                    pairs.append((f.id, x.id))
    for key in deriv.given:
        match = GIVEN.fullmatch(key)
        pairs.append((match["f"], match["x"]))
    if not pairs:
        raise DerivationError(f"{deriv.where()}: no derivative to draw (pick another fence with `picture:`)")
    # a box lies on a path from a variable to a function it is differentiated in
    keep: set[str] = set()
    for f, x in pairs:
        between = _closure({x}, users) & _closure({f}, deps)
        keep |= between or {f, x}
    order = _forward_order(keep, deps)
    output = next((f for f, _ in pairs if f in keep and not set(users.get(f, [])) & keep), pairs[0][0])
    printer = TexPrinter(deriv)
    label = {name: tex_to_unicode(printer.name(name)) for name in order}
    picture = Picture(derivation=deriv.id, output=output)
    givens = _given_text(deriv, printer)
    # each box's gradient is of the loss it feeds: the output, else another end of the picture
    # (notation's two routes to L); a sum over arrows never mixes two of them
    ends = [output] + [n for n in order if n != output and not set(users.get(n, [])) & keep]
    for name in order:
        spec = deriv.matrices.get(name)
        shape = "(" + ", ".join(tex_to_unicode(printer.dim_tex(d)) for d in spec) + ")" if spec else "number"
        end = next((e for e in ends if e != name and name in _closure({e}, deps)), "")
        gradient, arriving = "", ""
        if name in givens:
            gradient, arriving = givens[name]
        elif end:
            gradient = f"∂{label[end]}/∂{label[name]}"
        picture.nodes[name] = Node(name, label[name], shape, gradient, arriving, end)
    checker = None
    for target in order:
        for source in deps.get(target, []):
            if source not in keep:
                continue
            edge = Edge(source, target, f"∂{label[target]}/∂{label[source]}")
            # the target's other inputs that move with the source are held still along this arrow:
            # say so, or ∂a₁/∂z₁ would read as the whole derivative (through S as well)
            held = [w for w in deps[target] if w != source and w in keep and source in _closure({w}, deps)]
            if held:
                edge.local += f" ({', '.join(label[w] for w in held)} fixed)"
            numbers = source not in deriv.matrices and target not in deriv.matrices
            if numbers and target not in deriv.stand_ins:
                checker = checker or Checker(deriv)
                edge.value = local_derivative(checker, deriv, target, source)
                edge.value_text = sympy_to_unicode(edge.value, printer)
            elif target in deriv.matrices and source in deriv.matrices:
                edge.rule = backward_rule(deriv, target, source)
                if edge.rule is not None:
                    edge.value_text = rule_text(deriv, target, edge.rule, picture.nodes[target].gradient)
            picture.edges.append(edge)
    for name, node in picture.nodes.items():
        if not node.arriving and node.end:
            leaving = [e for e in picture.edges if e.source == name
                       and (e.target == node.end or picture.nodes[e.target].end == node.end)]
            node.arriving = _chain_rule(picture, node.end, leaving)
    return picture


def _chain_rule(picture: Picture, end: str, leaving: list[Edge]) -> str:
    """What arrives at a box: one term per arrow leaving it, added up. Between matrices, the term is
    what the arrow sends back (W[2]ᵀ ∂J/∂Z[2]); else the gradient at the arrow's end times the
    arrow's local derivative (∂L/∂a · ∂a/∂z). Empty when that says nothing new (a → L: ∂L/∂a)."""
    terms = []
    for edge in leaving:
        if edge.rule is not None:
            terms.append(edge.value_text)
        elif edge.target == end:
            terms.append(edge.local)
        elif picture.nodes[edge.target].gradient:
            terms.append(f"{picture.nodes[edge.target].gradient} · {edge.local}")
        else:
            return ""
    if len(terms) == 1 and edge.rule is None and edge.target == end:
        return ""
    return " + ".join(terms)


def _forward_order(names: set[str], deps: dict[str, list[str]]) -> list[str]:
    """Inputs first, each name after the names it uses; ties in the fence's own order."""
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        for used in deps.get(name, []):
            if used in names:
                visit(used)
        order.append(name)

    for name in sorted(names, key=lambda n: _fence_rank(n, deps)):
        visit(name)
    return order


def _fence_rank(name: str, deps: dict[str, list[str]]) -> tuple[int, str]:
    return (list(deps).index(name) if name in deps else -1, name)


def _given_text(deriv: Derivation, printer: TexPrinter) -> dict[str, tuple[str, str]]:
    texts = {}
    for key, value in deriv.given.items():
        lhs = tex_to_unicode(printer.tex(_parse_expr(key, deriv.where())))
        rhs = tex_to_unicode(printer.tex(_parse_expr(value, deriv.where())))
        texts[GIVEN.fullmatch(key)["x"]] = (lhs, f"{rhs} (given)")
    return texts


def local_derivative(checker: Checker, deriv: Derivation, target: str, source: str) -> sp.Expr:
    """∂target/∂source as the checker computes it (its `d(target, source)`), with every other
    defined name held fixed, written back in terms of `target` where its own value appears."""
    hold = frozenset(deriv.define) - {target}
    value = checker.eval(ast.parse(f"d({target}, {source})", mode="eval").body, hold)
    own = checker.value(target, hold | {source})
    if not isinstance(own, (sp.Symbol, sp.Number)) and value.has(own):
        value = value.subs(own, checker.base(target))
    return value


UPSTREAM = "upstream"  # in a backward rule: the gradient arriving at the arrow's target
ELEMENTWISE = {"sigma", "tanh", "relu"}


def backward_rule(deriv: Derivation, target: str, source: str) -> ast.expr | None:
    """What a backward arrow between two matrices sends to `source`, as an expression of UPSTREAM
    (the gradient arriving at `target`), for definitions of the forms the pages use:
    `W @ A + b` (Wᵀ G for A, G Aᵀ for W, G 𝟏ₘ for a broadcast b), `f(Z)` elementwise (G ⊙ f′),
    and `A * B`. None for any other form (the arrow then shows ∂v/∂u alone)."""
    expr = _parse_expr(deriv.define[target], deriv.where())
    terms: list[tuple[int, ast.expr]] = []

    def flatten(node: ast.expr, sign: int) -> None:
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
            flatten(node.left, sign)
            flatten(node.right, sign if isinstance(node.op, ast.Add) else -sign)
        else:
            terms.append((sign, node))

    flatten(expr, 1)
    using = [(sign, term) for sign, term in terms if source in _names(term)]
    if len(using) != 1:
        return None
    sign, term = using[0]
    up = ast.Name(UPSTREAM, ast.Load())
    name = ast.Name(source, ast.Load())
    rule: ast.expr | None = None
    if isinstance(term, ast.Name):
        rows, cols = deriv.matrices[source]
        if [rows, cols] == list(deriv.matrices[target]):
            rule = up
        elif cols == 1 and rows == deriv.matrices[target][0]:  # a column broadcast over m columns
            width = deriv.matrices[target][1]
            ones = ast.Call(ast.Name("ones", ast.Load()), [ast.Name(str(width), ast.Load())], [])
            rule = ast.BinOp(up, ast.MatMult(), ones)
    elif isinstance(term, ast.BinOp) and isinstance(term.op, ast.MatMult):
        left, right = term.left, term.right
        if _is(right, source) and source not in _names(left):
            rule = ast.BinOp(_transpose(left), ast.MatMult(), up)
        elif _is(left, source) and source not in _names(right):
            rule = ast.BinOp(up, ast.MatMult(), _transpose(right))
    elif isinstance(term, ast.BinOp) and isinstance(term.op, ast.Mult):
        other = term.right if _is(term.left, source) else term.left if _is(term.right, source) else None
        if other is not None and source not in _names(other) and isinstance(other, ast.Name) \
                and other.id in deriv.matrices:
            rule = ast.BinOp(up, ast.Mult(), other)
    elif isinstance(term, ast.Call) and len(term.args) == 1 and _is(term.args[0], source):
        fname = term.func.id
        whole = term is expr  # target = f(source): the slope can be written with the target's name
        out = ast.Name(target, ast.Load()) if whole else term
        slope: ast.expr | None = None
        if fname == "sigma":
            # G ⊙ A ⊙ (1 − A), left to right, as a reader multiplies it
            one_minus = ast.BinOp(ast.Constant(1), ast.Sub(), out)
            return _signed(ast.BinOp(ast.BinOp(up, ast.Mult(), out), ast.Mult(), one_minus), sign)
        elif fname == "tanh":
            slope = ast.BinOp(ast.Constant(1), ast.Sub(), ast.BinOp(out, ast.Pow(), ast.Constant(2)))
        elif fname == "relu":
            slope = ast.Call(ast.Name("indicator", ast.Load()), [name], [])
        elif deriv.functions.get(fname) == "generic":
            prime = next((p for p, spec in deriv.functions.items() if spec == f"derivative of {fname}"), None)
            slope = ast.Call(ast.Name(prime, ast.Load()), [name], []) if prime else None
        rule = ast.BinOp(up, ast.Mult(), slope) if slope is not None else None
    return _signed(rule, sign) if rule is not None else None


def _signed(rule: ast.expr, sign: int) -> ast.expr:
    return ast.UnaryOp(ast.USub(), rule) if sign < 0 else rule


def _is(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _transpose(node: ast.expr) -> ast.expr:
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return node.value
    return ast.Attribute(node, "T", ast.Load())


def with_upstream(deriv: Derivation, target: str, upstream_tex: str = r"\mathrm{G}") -> Derivation:
    """A copy of the derivation that knows UPSTREAM: a matrix of the target's shape."""
    import copy

    extended = copy.copy(deriv)
    extended.matrices = {**deriv.matrices, UPSTREAM: list(deriv.matrices[target])}
    extended.names = {**deriv.names, UPSTREAM: upstream_tex}
    return extended


def rule_text(deriv: Derivation, target: str, rule: ast.expr, upstream: str) -> str:
    """A backward rule as the page would print it, in Unicode, the upstream gradient by its name."""
    marker = "UPSTREAMGRADIENT"
    tex = TexPrinter(with_upstream(deriv, target, rf"\mathrm{{{marker}}}")).tex(rule)
    return tex_to_unicode(tex).replace(marker, upstream)


class UnicodePrinter(sp.printing.str.StrPrinter):
    """sympy's plain printer with the page's names and functions: σ(z), ln a, a², −."""

    def __init__(self, printer: TexPrinter) -> None:
        super().__init__({"order": "none"})
        self.tex_printer = printer

    def _print_Symbol(self, expr):
        return tex_to_unicode(self.tex_printer.name(expr.name))

    def _print_Function(self, expr):
        if isinstance(expr, Sigmoid):
            return f"σ({self._print(expr.args[0])})"
        name = type(expr).__name__
        if name in self.tex_printer.d.names or name in self.tex_printer.d.functions:
            args = ", ".join(self._print(a) for a in expr.args)
            return f"{tex_to_unicode(self.tex_printer.name(name))}({args})"
        return super()._print_Function(expr)

    def _print_log(self, expr):
        return f"ln({self._print(expr.args[0])})"


def sympy_to_unicode(expr: sp.Expr, printer: TexPrinter) -> str:
    text = UnicodePrinter(printer).doprint(expr)
    text = re.sub(r"\*\*(\d+)", lambda m: m[1].translate(SUP), text)
    text = re.sub(r"\*\*\((-?\d+)\)", lambda m: m[1].translate(SUP), text)
    text = text.replace("**", "^").replace("*(", "(").replace(")*", ")·").replace("*", "·")
    return text.replace("-", "−")


# --------------------------------------------------------------------------- drawing


def _quote(text: str) -> str:
    return '"' + _quote_part(text) + '"'


def dot_source(picture: Picture) -> str:
    """The Graphviz description: top to bottom, inputs above, the loss below; each forward arrow
    leaves and enters on the left, its backward arrow on the right, so the two never overlap."""
    font = _quote(FONT)
    lines = [
        "digraph computation {",
        f'  graph [rankdir=TB, ordering=out, nodesep=0.2, ranksep=0.45, bgcolor="transparent", '
        f"fontname={font}];",
        f'  node [shape=box, style=rounded, fontname={font}, fontsize=12, margin="0.08,0.04"];',
        f"  edge [fontname={font}, fontsize=10, arrowsize=0.6];",
    ]
    ids = {name: f"q{i}" for i, name in enumerate(picture.nodes)}
    small = '<FONT POINT-SIZE="10">{}</FONT>'
    for name, node in picture.nodes.items():
        rows = [f"<B>{html.escape(node.label)}</B>", small.format(html.escape(node.shape))]
        if node.gradient:
            rows.append(small.format("gets " + html.escape(node.gradient)))
        for i, term in enumerate(node.arriving.split(" + ") if node.arriving else []):
            rows.append(small.format(f"{'+' if i else '='} {html.escape(term)}"))  # one line per path
        lines.append(f'  {ids[name]} [label=<{"<BR/>".join(rows)}>, class="picture-box"];')
    inputs = {name: sum(e.target == name for e in picture.edges) for name in picture.nodes}
    for edge in picture.edges:
        a, b = ids[edge.source], ids[edge.target]
        # one input: the pair runs straight down, side by side; several: dot bends them apart
        straight = inputs[edge.target] == 1
        fwd, back = ((":sw", ":nw"), (":se", ":ne")) if straight else (("", ""), ("", ""))
        lines.append(f'  {a}{fwd[0]} -> {b}{fwd[1]} [class="picture-forward"];')
        pad = "\u00a0"  # keeps the label off its dashed arrow
        if " = " in edge.label:
            local, value = edge.label.split(" = ", 1)
            label = f"{pad}{_quote_part(local)}\\l{pad}= {_quote_part(value)}\\l"
        else:
            label = f"{pad}{_quote_part(edge.label)}\\l"
        lines.append(f'  {a}{back[0]} -> {b}{back[1]} [dir=back, style=dashed, label="{label}", '
                     'class="picture-backward"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quote_part(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


@functools.lru_cache(maxsize=1)
def dot_version() -> str:
    if shutil.which("dot") is None:
        raise PluginError("the computation pictures need Graphviz's `dot`: run scripts/setup.sh "
                          "(it installs the Debian package graphviz)")
    return subprocess.run(["dot", "-V"], capture_output=True, text=True, check=True).stderr.strip()


USED: set[str] = set()  # the cached files this build read or wrote


def render_svg(source: str) -> str:
    """`dot -Tsvg`, once per distinct input (and Graphviz version)."""
    key = hashlib.sha256((dot_version() + "\0" + source).encode()).hexdigest()[:20]
    path = FOLDER / f"{key}.svg"
    USED.add(path.name)
    if not path.is_file():
        done = subprocess.run(["dot", "-Tsvg"], input=source, capture_output=True, text=True)
        if done.returncode != 0:
            raise PluginError(f"dot could not draw a computation picture:\n{done.stderr}")
        FOLDER.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(done.stdout, "utf8")
        tmp.replace(path)
    return path.read_text("utf8")


def inline_svg(svg: str, alt: str) -> str:
    """dot's SVG made fit for the page: one line, no ids or tooltips (no anchor can collide), the
    page's text color instead of black, scaled to the column."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r"<title>.*?</title>", "", svg, flags=re.S)
    svg = re.sub(r'\s(?:id|xmlns:xlink)="[^"]*"', "", svg)
    svg = re.sub(r'<polygon fill="(?:white|transparent)" stroke="transparent"[^>]*/>', "", svg)
    svg = svg.replace('"black"', '"currentColor"')
    width = re.search(r'\swidth="([\d.]+)pt"', svg)
    svg = re.sub(r'\s(width|height)="[\d.]+pt"', "", svg, count=2)
    style = f' style="max-width: {float(width[1]):.0f}pt"' if width else ""
    opening = f'<svg role="img" aria-label="{html.escape(alt)}" class="computation-picture__svg"{style}'
    svg = svg.replace("<svg", opening, 1)
    return re.sub(r">\s+<", "><", svg).replace("\n", " ")


CAPTION = ("The computation this page derives. Solid arrows run forward: each box is computed from "
           "the boxes above it. Dashed arrows run backward and carry the local derivative; each box "
           "says which gradient arrives at it.")


def picture_html(picture: Picture) -> str:
    svg = inline_svg(render_svg(dot_source(picture)), picture.alt())
    # data-search-exclude: the same caption on every page would only clutter search results
    return (f'{EXTRA} computation-picture" data-derivation="{picture.derivation}" data-search-exclude>'
            f'<figure class="computation-picture__figure">{svg}'
            f"<figcaption>{html.escape(CAPTION)}</figcaption></figure></div>")


# --------------------------------------------------------------------------- the hook


def is_derivation_page(src_uri: str) -> bool:
    return src_uri.endswith(".md") and "/" not in src_uri and src_uri not in SKIPPED_PAGES


def page_picture(markdown: str, meta: dict, src_uri: str) -> Picture | None:
    fences = derivation_fences(markdown)
    if not fences:
        return None
    wanted = meta.get("picture")
    chosen = fences[0]
    if wanted is not None:
        named = [f for f in fences if parse(f.body).id == str(wanted)]
        if not named:
            raise PluginError(f"{src_uri}: `picture: {wanted}` names no derivation fence on the page")
        chosen = named[0]
    try:
        return _cached_extract(chosen.body, src_uri, chosen.line)
    except DerivationError as err:
        raise PluginError(str(err)) from None


@functools.lru_cache(maxsize=64)
def _cached_extract(body: str, page: str, line: int) -> Picture:
    return extract(parse(body, page=page, line=line))


# What a picture is made from, besides its fence: this file, the checker and printer, the pins.
CODE = [Path(__file__).resolve(), ROOT / "hooks" / "math" / "derivation.py", ROOT / "requirements.txt"]


def cached_picture_html(markdown: str, meta: dict, src_uri: str) -> str:
    """The picture's HTML (none without a derivation fence), kept in .cache/pictures/ by the page's
    fences and the code that draws it, so an unchanged page costs a file read (drawing all twelve
    takes about 0.4 s)."""
    fences = derivation_fences(markdown)
    if not fences:
        return ""  # a page without a derivation has nothing to draw
    digest = hashlib.sha256(f"{src_uri}\0{meta.get('picture')}\0".encode())
    for fence in fences:
        digest.update(fence.body.encode() + b"\0")
    for path in CODE:
        digest.update(path.read_bytes() + b"\0")
    path = FOLDER / f"{digest.hexdigest()[:20]}.html"
    USED.add(path.name)
    if path.is_file():
        return path.read_text("utf8")
    block = picture_html(page_picture(markdown, meta, src_uri))
    FOLDER.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(block, "utf8")
    tmp.replace(path)
    return block


def on_page_markdown(markdown: str, page, config, files) -> str:
    if not is_derivation_page(page.file.src_uri):
        return markdown
    block = cached_picture_html(markdown, page.meta, page.file.src_uri)
    return insert_after_short_answer(markdown, block) if block else markdown


def on_post_build(config) -> None:
    """Mark this build's cached pictures as used; remove those no build has used for an hour."""
    prune(FOLDER, USED)
    USED.clear()
