"""Derivation fences: the steps a page shows and the steps sympy checks come from one source.

A page writes a derivation once, as a fenced block of YAML whose steps are Python-syntax
expressions. The site prints each step as TeX exactly as written (no reordering or
simplification), and the tests evaluate the same expressions with sympy:

```derivation
id: dl-dz                       # unique on the page; also the block's anchor
symbols: {z: real, y: real}     # scalar symbols and their domains: real, positive, (0, 1)
define:                         # what a name stands for when the steps are checked
  a: sigma(z)
  L: -(y*log(a) + (1 - y)*log(1 - a))
steps:
  - id: dl-da                   # the step's anchor: words, never numbers
    show: d(L, a) = -y/a + (1 - y)/(1 - a)
    why: differentiate each logarithm
  - id: common-denominator
    show: = (-y*(1 - a) + a*(1 - y)) / (a*(1 - a))
  - id: seed-chain-rule
    show: d(L, z) = d(L, a) * d(z, a)
    wrong: the forum post wrote dz/da where the chain rule needs da/dz
```

A step `lhs = rhs` is proved by checking lhs == rhs; a step `= rhs` continues the chain and
is proved equal to the previous right-hand side. A step marked `wrong` is shown with a
struck relation and must be *disproved*: the checker finds a point where the two sides differ.

Matrices are declared with symbolic shapes and checked on explicit matrices of symbols:
`matrices: {W2: [n2, n1]}` with `sizes: {n1: 3, n2: 2, m: 4}`.
"""

from __future__ import annotations

import ast
import copy
import functools
import hashlib
import html
import json
import logging
import os
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import sympy as sp
import yaml

# --------------------------------------------------------------------------- parsing


class DerivationError(AssertionError):
    """A derivation that does not check out; the message names page, derivation and step."""


@dataclass
class Step:
    id: str
    lhs: ast.expr | None
    rhs: ast.expr
    lhs_text: str | None
    rhs_text: str
    why: str = ""
    wrong: str | None = None


@dataclass
class Derivation:
    id: str
    steps: list[Step]
    symbols: dict[str, str] = field(default_factory=dict)
    define: dict[str, str] = field(default_factory=dict)
    matrices: dict[str, list] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    functions: dict[str, str] = field(default_factory=dict)
    given: dict[str, str] = field(default_factory=dict)
    layers: bool = False
    shapes: bool = True
    page: str = "?"
    line: int = 0
    stand_ins: set[str] = field(default_factory=set)  # losses defined only through a given gradient

    def where(self, step: Step | None = None) -> str:
        at = f"{self.page}:{self.line}, derivation '{self.id}'"
        return f"{at}, step '{step.id}'" if step else at


ANCHOR = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
GIVEN = re.compile(r"(?:grad|d)\(\s*(?P<f>\w+)\s*,\s*(?P<x>\w+)\s*\)")
RELATION = re.compile(r"(?<![=<>!])=(?!=)")


def _parse_expr(text: str, where: str) -> ast.expr:
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError as err:
        raise DerivationError(f"{where}: cannot read `{text.strip()}`: {err.msg}") from None


@functools.lru_cache(maxsize=4096)
def _load_yaml(source: str):
    """A fence is read three times per build (check, render, anchors): parse it once, with libyaml."""
    return yaml.load(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def parse(source: str, page: str = "?", line: int = 0) -> Derivation:
    """Read a derivation fence's YAML into a Derivation, validating ids and syntax."""
    try:
        data = copy.deepcopy(_load_yaml(source))
    except yaml.YAMLError as err:
        raise DerivationError(f"{page}:{line}: derivation is not valid YAML: {err}") from None
    if not isinstance(data, dict) or "id" not in data or "steps" not in data:
        raise DerivationError(f"{page}:{line}: a derivation needs `id` and `steps`")
    deriv = Derivation(
        id=str(data["id"]),
        steps=[],
        symbols={str(k): str(v) for k, v in (data.get("symbols") or {}).items()},
        define={str(k): str(v) for k, v in (data.get("define") or {}).items()},
        matrices={str(k): list(v) for k, v in (data.get("matrices") or {}).items()},
        sizes={str(k): int(v) for k, v in (data.get("sizes") or {}).items()},
        names={str(k): str(v) for k, v in (data.get("names") or {}).items()},
        functions={str(k): str(v) for k, v in (data.get("functions") or {}).items()},
        layers=bool(data.get("layers", False)),
        shapes=bool(data.get("shapes", True)),
        page=page,
        line=line,
    )
    if not ANCHOR.match(deriv.id):
        raise DerivationError(f"{deriv.where()}: id must be lowercase words joined by '-'")
    for key, value in (data.get("given") or {}).items():
        match = GIVEN.fullmatch(str(key).strip())
        if not match:
            raise DerivationError(
                f"{deriv.where()}: a given is written `grad(J, Z): expression`, not `{key}`")
        f, x = match["f"], match["x"]
        if f in deriv.define and f not in deriv.stand_ins:
            raise DerivationError(f"{deriv.where()}: {f} is both defined and given a gradient")
        if str(key).startswith("grad") and x not in deriv.matrices:
            raise DerivationError(f"{deriv.where()}: the gradient in `given: {key}` is by {x}: "
                                  "declare its shape under matrices")
        _parse_expr(str(value), f"{deriv.where()}, given {key}")
        deriv.given[str(key).strip()] = str(value)
        # A loss whose gradient by Z is the given G, whatever G holds: sum(G * Z) is linear in Z.
        # Only this first derivative enters the chain rule, so it stands for any loss with that G.
        # Several givens of one loss (by z_1, by z_2, ...) add up.
        term = f"sum(({value}) * {x})"
        deriv.define[f] = f"{deriv.define[f]} + {term}" if f in deriv.stand_ins else term
        deriv.stand_ins.add(f)
    for raw in data["steps"]:
        step_id = str(raw.get("id", ""))
        where = f"{deriv.where()}, step '{step_id}'"
        if not ANCHOR.match(step_id) or re.fullmatch(r"(step|eq|line)-?\d+", step_id):
            raise DerivationError(f"{where}: step ids are words (like dl-da), not numbers")
        show = str(raw["show"])
        parts = RELATION.split(show)
        if len(parts) != 2:
            raise DerivationError(f"{where}: `show` needs exactly one '=' (`lhs = rhs` or `= rhs`)")
        lhs_text, rhs_text = parts[0].strip() or None, parts[1].strip()
        deriv.steps.append(Step(
            id=step_id,
            lhs=_parse_expr(lhs_text, where) if lhs_text else None,
            rhs=_parse_expr(rhs_text, where),
            lhs_text=lhs_text,
            rhs_text=rhs_text,
            why=str(raw.get("why", "")),
            wrong=str(raw["wrong"]) if raw.get("wrong") else None,
        ))
    if not deriv.steps or deriv.steps[0].lhs is None:
        raise DerivationError(f"{deriv.where()}: the first step needs a left-hand side")
    seen: set[str] = set()
    for step in deriv.steps:
        if step.id in seen:
            raise DerivationError(f"{deriv.where(step)}: step id used twice")
        seen.add(step.id)
    return deriv


# --------------------------------------------------------------------------- TeX printing

GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "eta", "theta", "lambda", "mu", "sigma",
    "tau", "phi", "psi", "omega", "Sigma", "Delta",
}
FUNCTION_TEX = {"exp": None, "log": r"\ln", "tanh": r"\tanh", "sigma": r"\sigma"}

# Python precedence, low to high, as TeX needs parentheses.
PREC_ADD, PREC_MUL, PREC_NEG, PREC_POW, PREC_ATOM = 1, 2, 3, 4, 5


def paren(tex: str) -> str:
    """Parentheses that grow with their content when it holds a fraction, and that are a size
    larger when the content itself opens with a bracket, so that two never look like one pair."""
    if "\\frac" in tex or "\\sum" in tex:
        return rf"\left({tex}\right)"
    if tex.startswith(("(", r"\left(", r"\bigl(")):
        return rf"\bigl({tex}\bigr)"
    return f"({tex})"


def enclosed(tex: str) -> bool:
    """Whether one pair of brackets encloses the whole of `tex`, as in `(1 + e^{-z})`."""
    for opening, closing in (("(", ")"), (r"\left(", r"\right)"), (r"\bigl(", r"\bigr)")):
        if tex.startswith(opening) and tex.endswith(closing):
            depth, opened = 0, False
            for index, char in enumerate(tex):
                depth += (char == "(") - (char == ")")
                opened = opened or depth > 0
                if opened and depth == 0:
                    return index == len(tex) - 1
    return False


class TexPrinter:
    """Print a step's Python expression as TeX, keeping the author's order and grouping."""

    def __init__(self, deriv: Derivation) -> None:
        self.d = deriv
        self._grouped: set[int] = set()  # first terms bracketed like the rest of their sum

    # names ---------------------------------------------------------------
    def name(self, ident: str, transpose: bool = False) -> str:
        if ident in self.d.names:
            tex = self.d.names[ident]
        else:
            tex = self._default_name(ident)
        if transpose:
            # merge into an existing superscript: W^{[2]} -> W^{[2]\top}
            if tex.endswith("}") and "^{" in tex:
                head, sup = tex.rsplit("^{", 1)
                return f"{head}^{{{sup[:-1]}\\top}}"
            return f"{tex}^{{\\top}}"
        return tex

    def _default_name(self, ident: str) -> str:
        base, _, sub = ident.partition("_")
        layer = ""
        match = re.fullmatch(r"([A-Za-z]+?)(\d+)", base)
        if match and self.d.layers:
            base, layer = match[1], match[2]
        elif match:
            base, sub = match[1], match[2] + (sub and "," + sub)
        if base == "yhat":
            base = r"\hat{y}"
        elif base in GREEK:
            base = "\\" + base
        elif len(base) > 1 and not base.startswith("d"):
            base = rf"\mathrm{{{base}}}"
        tex = base
        if sub:
            tex += f"_{{{sub}}}"
        if layer:
            tex += f"^{{[{layer}]}}"
        return tex

    # expressions -----------------------------------------------------------
    def tex(self, node: ast.expr) -> str:
        return self._tex(node)[0]

    def _wrap(self, node: ast.expr, min_prec: int, clash: str | None = None) -> str:
        """The TeX of an operand, bracketed when it binds less tightly than `min_prec`, when it is
        a product of the kind `clash` (a ⊙ product inside a matrix product, or the reverse: a
        reader gives them no precedence over each other), or when it is the first term of a sum
        whose other terms are bracketed sums (`_even_sums`)."""
        text, prec = self._tex(node)
        if prec < min_prec or (clash and self.product_kind(node) == clash) or id(node) in self._grouped:
            return paren(text)
        return text

    def product_kind(self, node: ast.expr) -> str | None:
        """'matmul' for A @ B, 'hadamard' for A * B of two matrices, else None."""
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            return "matmul"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            if self.is_matrix(node.left) and self.is_matrix(node.right):
                return "hadamard"
        return None

    def _even_sums(self, node: ast.BinOp) -> None:
        """In a + (b - c) + (d - e) written as (a - x) + (b - c) + ..., Python keeps no bracket
        around the first term; put it back, so that every term of the sum is grouped alike."""
        additive = (ast.Add, ast.Sub)
        rights, current = [], node
        while isinstance(current, ast.BinOp) and isinstance(current.op, additive):
            if not (isinstance(current.right, ast.BinOp) and isinstance(current.right.op, additive)):
                break
            rights.append(current.right)
            current = current.left
        first_is_a_sum = isinstance(current, ast.BinOp) and isinstance(current.op, additive)
        if rights and first_is_a_sum and current is not node:
            self._grouped.add(id(current))

    def _tex(self, node: ast.expr) -> tuple[str, int]:
        if isinstance(node, ast.Constant):
            return str(node.value), PREC_ATOM
        if isinstance(node, ast.Name):
            return self.name(node.id), PREC_ATOM
        if isinstance(node, ast.Attribute) and node.attr == "T":
            if isinstance(node.value, ast.Name):
                return self.name(node.value.id, transpose=True), PREC_ATOM
            text = self.tex(node.value)
            if isinstance(node.value, ast.Call) and getattr(node.value.func, "id", "") == "ones":
                return text + r"^{\top}", PREC_ATOM  # a row of ones: \mathbf{1}_{m}^{\top}
            return paren(text) + r"^{\top}", PREC_ATOM
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return "-" + self._wrap(node.operand, PREC_MUL), PREC_NEG
        if isinstance(node, ast.BinOp):
            return self._binop(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self._call(node.func.id, node.args), PREC_ATOM
        raise DerivationError(f"{self.d.where()}: cannot print `{ast.unparse(node)}`")

    def _binop(self, node: ast.BinOp) -> tuple[str, int]:
        op = node.op
        if isinstance(op, (ast.Add, ast.Sub)):
            self._even_sums(node)
            sign = "+" if isinstance(op, ast.Add) else "-"
            return f"{self._wrap(node.left, PREC_ADD)} {sign} {self._wrap(node.right, PREC_MUL)}", PREC_ADD
        if isinstance(op, ast.Div):
            left = node.left
            if isinstance(left, ast.UnaryOp) and isinstance(left.op, ast.USub):
                # Python reads -y/a as (-y)/a; print it the way it is written by hand
                return rf"-\frac{{{self.tex(left.operand)}}}{{{self.tex(node.right)}}}", PREC_NEG
            return rf"\frac{{{self.tex(left)}}}{{{self.tex(node.right)}}}", PREC_MUL
        if isinstance(op, ast.Pow):
            text, prec = self._tex(node.left)
            if (prec < PREC_ATOM or "^" in text) and not enclosed(text):
                # (1 + e^{-z})^{-1}; A^{[1]} squared is (A^{[1]})^{2}, never a double superscript
                text = paren(text)
            return f"{text}^{{{self.tex(node.right)}}}", PREC_POW
        if isinstance(op, ast.MatMult):
            left = self._wrap(node.left, PREC_MUL, clash="hadamard")
            right = self._wrap(node.right, PREC_POW, clash="hadamard")
            return rf"{left}\,{right}", PREC_MUL
        if isinstance(op, ast.Mult):
            if self.is_matrix(node.left) and self.is_matrix(node.right):
                left = self._wrap(node.left, PREC_MUL, clash="matmul")
                right = self._wrap(node.right, PREC_POW, clash="matmul")
                return rf"{left} \odot {right}", PREC_MUL
            left, right = self._wrap(node.left, PREC_MUL), self._wrap(node.right, PREC_POW)
            left_is_d = isinstance(node.left, ast.Call) and getattr(node.left.func, "id", "") in ("d", "grad")
            if left_is_d or self._fraction_like(node.right):
                return rf"{left} \cdot {right}", PREC_MUL
            if isinstance(node.right, ast.Constant):
                return rf"{left} \cdot {right}", PREC_MUL
            if right.startswith(("(", r"\left(")) or left[-1:].isdigit():
                return f"{left}{right}", PREC_MUL
            return rf"{left}\,{right}", PREC_MUL
        raise DerivationError(f"{self.d.where()}: unsupported operator in `{ast.unparse(node)}`")

    def _fraction_like(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return node.func.id in ("d", "grad", "dd")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            return self._fraction_like(node.right)
        return isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)

    def _call(self, fname: str, args: list[ast.expr]) -> str:
        inner = ", ".join(self.tex(a) for a in args)
        if fname in ("d", "grad"):
            f, v = (self.tex(a) for a in args)
            return rf"\frac{{\partial {f}}}{{\partial {v}}}"
        if fname == "exp":
            return f"e^{{{inner}}}"
        if fname == "ones":
            return rf"\mathbf{{1}}_{{{self.tex(args[0])}}}"
        if fname == "sum_cols":
            return rf"\sum_{{i=1}}^{{m}} {self._wrap(args[0], PREC_POW)}_{{:,i}}"
        if fname == "diag":
            return rf"\operatorname{{diag}}{paren(inner)}"
        if fname == "sum":
            arg = args[0]
            if isinstance(arg, ast.Name):
                name = self.name(arg.id)
                if name.endswith("}") and "^{" in name:
                    head, sup = name.rsplit("^{", 1)
                    return rf"\sum_{{i=1}}^{{m}} {head}^{{{sup[:-1]}(i)}}"
                return rf"\sum_{{i=1}}^{{m}} {name}^{{(i)}}"
            return rf"\sum {self._wrap(arg, PREC_POW)}"
        if fname == "indicator":
            return rf"\mathbb{{I}}\left[{inner} > 0\right]"
        if fname in self.d.names:
            head = self.d.names[fname]
        elif fname in FUNCTION_TEX and FUNCTION_TEX[fname]:
            head = FUNCTION_TEX[fname]
        else:
            head = self._default_name(fname)
        if fname == "log" and len(args) == 1 and isinstance(args[0], ast.Name):
            return rf"{head} {inner}"
        return f"{head}{paren(inner)}"

    # shapes ----------------------------------------------------------------
    def is_matrix(self, node: ast.expr) -> bool:
        return self.shape(node) is not None

    def shape(self, node: ast.expr) -> tuple | None:
        """A guess at the symbolic shape (rows, cols) of an expression from its declared names, or
        None for a scalar: it decides ⊙ against a plain product while printing, and names the
        sizes of a badge. The badge's shape itself is the computed value's (`shape_badge`)."""
        if isinstance(node, ast.Name):
            spec = self.d.matrices.get(node.id)
            return tuple(spec) if spec else None
        if isinstance(node, ast.Attribute) and node.attr == "T":
            inner = self.shape(node.value)
            return (inner[1], inner[0]) if inner else None
        if isinstance(node, ast.UnaryOp):
            return self.shape(node.operand)
        if isinstance(node, ast.BinOp):
            left, right = self.shape(node.left), self.shape(node.right)
            if isinstance(node.op, ast.MatMult) and left and right:
                return (left[0], right[1])
            if left and right and left != right:  # broadcasting (n, m) + (n, 1)
                return left if left[1] != 1 else right
            return left or right
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "ones":
                return (self._dim_text(node.args[0]), 1)
            if node.func.id == "grad":
                return self.shape(node.args[1])
            if node.func.id == "sum_cols":
                inner = self.shape(node.args[0])
                return (inner[0], 1) if inner else None
            shapes = [self.shape(a) for a in node.args]
            return next((s for s in shapes if s), None)
        return None

    @staticmethod
    def _dim_text(node: ast.expr) -> str:
        return node.id if isinstance(node, ast.Name) else ast.unparse(node)

    def dim_tex(self, dim) -> str:
        text = str(dim)
        match = re.fullmatch(r"n(\d+)", text)
        if match:
            return f"n^{{[{match[1]}]}}"
        match = re.fullmatch(r"n_?(\w+)", text)
        if match:
            return f"n_{{{match[1]}}}"
        return text


# --------------------------------------------------------------------------- checking

DOMAINS = {
    "real": ({"real": True}, (-2.0, 2.0)),
    "positive": ({"positive": True}, (0.2, 3.0)),
    "(0, 1)": ({"positive": True}, (0.05, 0.95)),
    "(0,1)": ({"positive": True}, (0.05, 0.95)),
    "nonzero": ({"real": True, "nonzero": True}, (0.3, 2.0)),
}


class Sigmoid(sp.Function):
    """sigma(x) = 1 / (1 + e^(-x)), kept as one symbol so that sympy's cancel can treat it as a
    variable. Its derivative sigma (1 - sigma) is a lemma, proved from the exp form by
    tests/test_derivation_engine.py and shown step by step on the sigmoid-derivative page."""

    def fdiff(self, argindex=1):
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + sp.exp(-x))

    def _eval_evalf(self, prec):
        return (1 / (1 + sp.exp(-self.args[0])))._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None


def _sigma(x):
    return Sigmoid(x)


def _relu(x):
    return sp.Piecewise((x, x > 0), (0, True))


class Checker:
    """Evaluate a derivation's expressions with sympy and prove or disprove each step."""

    def __init__(self, deriv: Derivation) -> None:
        self.d = deriv
        self.scalars: dict[str, sp.Symbol] = {}
        self.ranges: dict[sp.Symbol, tuple[float, float]] = {}
        for name, domain in deriv.symbols.items():
            self._scalar(name, domain)
        for name in deriv.define:
            if name not in deriv.matrices and name not in self.scalars:
                self._scalar(name, "real")
        self.matrices: dict[str, sp.Matrix] = {}
        for name, (rows, cols) in deriv.matrices.items():
            shape = (self._size(rows), self._size(cols))
            self.matrices[name] = sp.Matrix(
                *shape, lambda i, j, n=name: self._entry(n, i, j)
            )
        self.functions = self._declare_functions(deriv.functions)
        self._full: dict[str, object] = {}
        self._derivatives: dict[tuple[str, frozenset[str]], object] = {}  # d(f, x) used again

    def _scalar(self, name: str, domain: str) -> None:
        if domain not in DOMAINS:
            raise DerivationError(f"{self.d.where()}: unknown domain '{domain}' for {name}")
        assumptions, span = DOMAINS[domain]
        symbol = sp.Symbol(name, **assumptions)
        self.scalars[name] = symbol
        self.ranges[symbol] = span

    def _entry(self, name: str, i: int, j: int) -> sp.Symbol:
        symbol = sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True)
        self.ranges[symbol] = (-2.0, 2.0)
        return symbol

    def _size(self, dim) -> int:
        if isinstance(dim, int):
            return dim
        if str(dim) in self.d.sizes:
            return self.d.sizes[str(dim)]
        raise DerivationError(f"{self.d.where()}: give a size for dimension '{dim}' under sizes")

    # values ----------------------------------------------------------------
    def base(self, name: str):
        if name in self.matrices:
            return self.matrices[name]
        if name in self.scalars:
            return self.scalars[name]
        if name in self.d.sizes:
            return sp.Integer(self.d.sizes[name])
        raise DerivationError(f"{self.d.where()}: unknown name '{name}'")

    def value(self, name: str, stop: frozenset[str]):
        """The value of a name with definitions expanded, except the names in `stop`."""
        if name in self.d.define and name not in stop:
            where = f"{self.d.where()}, definition of {name}"
            return self.eval(_parse_expr(self.d.define[name], where), stop)
        return self.base(name)

    def full(self, expr):
        """Expand every defined name inside a value that may still hold base symbols."""
        subs = {}
        for name in self.d.define:
            if name not in self._full:
                self._full[name] = self.value(name, frozenset())
            base, full = self.base(name), self._full[name]
            if isinstance(base, sp.MatrixBase):
                subs.update(zip(base, full, strict=True))
            else:
                subs[base] = full
        if not subs:
            return expr
        for _ in range(len(subs) + 1):
            new = expr.xreplace(subs)
            if new == expr:
                return new
            expr = new
        return expr

    def eval(self, node: ast.expr, stop: frozenset[str] = frozenset()):
        if isinstance(node, ast.Constant):
            return sp.Integer(node.value) if isinstance(node.value, int) else sp.nsimplify(node.value)
        if isinstance(node, ast.Name):
            return self.value(node.id, stop)
        if isinstance(node, ast.Attribute) and node.attr == "T":
            return self.eval(node.value, stop).T
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self.eval(node.operand, stop)
        if isinstance(node, ast.BinOp):
            left, right = self.eval(node.left, stop), self.eval(node.right, stop)
            return self._binop(node, left, right)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            return self._call(node, stop)
        raise DerivationError(f"{self.d.where()}: cannot evaluate `{ast.unparse(node)}`")

    def _binop(self, node: ast.BinOp, left, right):
        is_mat = (isinstance(left, sp.MatrixBase), isinstance(right, sp.MatrixBase))
        op = node.op
        try:
            if isinstance(op, (ast.Add, ast.Sub)):
                if is_mat[0] != is_mat[1]:  # scalar +- matrix acts on every entry
                    if is_mat[0]:
                        right = sp.ones(*left.shape) * right
                    else:
                        left = sp.ones(*right.shape) * left
                elif all(is_mat) and left.shape != right.shape:
                    left, right = _broadcast(left, right)
                return left + right if isinstance(op, ast.Add) else left - right
            if isinstance(op, ast.Mult):
                if all(is_mat):
                    if left.shape != right.shape:
                        raise ValueError(f"elementwise product of {left.shape} and {right.shape}")
                    return left.multiply_elementwise(right)
                return left * right
            if isinstance(op, ast.MatMult):
                return left @ right
            if isinstance(op, ast.Div):
                return left / right
            if isinstance(op, ast.Pow):
                if is_mat[0]:
                    return left.applyfunc(lambda e: e**right)
                return left**right
        except (ValueError, sp.ShapeError, TypeError) as err:
            raise DerivationError(
                f"{self.d.where()}: `{ast.unparse(node)}` does not conform: {err}"
            ) from None
        raise DerivationError(f"{self.d.where()}: unsupported operator in `{ast.unparse(node)}`")

    def _elementwise(self, fn, arg):
        return arg.applyfunc(fn) if isinstance(arg, sp.MatrixBase) else fn(arg)

    def _call(self, node: ast.Call, stop: frozenset[str]):
        fname = node.func.id
        if fname in ("d", "grad"):
            return self._derivative(node, stop)
        if fname == "ones":
            return sp.ones(int(self.eval(node.args[0])), 1)
        if fname == "sum_cols":
            mat = self.eval(node.args[0], stop)
            return mat @ sp.ones(mat.shape[1], 1)
        if fname == "sum":
            mat = self.eval(node.args[0], stop)
            return sum(mat) if isinstance(mat, sp.MatrixBase) else mat
        if fname == "diag":
            vec = self.eval(node.args[0], stop)
            return sp.diag(*vec)
        args = [self.eval(a, stop) for a in node.args]
        simple = {
            "exp": sp.exp, "log": sp.log, "tanh": sp.tanh, "sigma": _sigma, "relu": _relu,
            "indicator": lambda x: sp.Piecewise((1, x > 0), (0, True)),
        }
        if fname in simple:
            return self._elementwise(simple[fname], args[0])
        if fname in self.d.define:  # a defined function: f(x) with define f: "expression of x"
            raise DerivationError(f"{self.d.where()}: '{fname}' is a value, not a function")
        if fname in self.functions:
            fn = self.functions[fname]
            return self._elementwise(fn, args[0])
        raise DerivationError(f"{self.d.where()}: unknown function '{fname}'")

    def _declare_functions(self, specs: dict[str, str]) -> dict:
        """`functions: {g: generic, gprime: derivative of g}`: an unknown g whose derivative is the
        unknown g'. To look for counterexamples, both are replaced by a concrete pair."""
        derivative_names = {}
        for name, spec in specs.items():
            match = re.fullmatch(r"derivative of (\w+)", spec)
            if match and specs.get(match[1]) == "generic":
                derivative_names[match[1]] = name
            elif spec != "generic":
                raise DerivationError(f"{self.d.where()}: cannot read function spec '{name}: {spec}'")
        functions: dict = {}
        self.concrete: list[tuple[type, object]] = []
        for name, spec in specs.items():
            if spec != "generic":
                continue
            prime = sp.Function(derivative_names.get(name, f"{name}_prime"), real=True)
            generic = type(name, (sp.Function,), {
                "fdiff": lambda self, argindex=1, prime=prime: prime(self.args[0]),
                "is_real": True,
            })
            functions[name] = generic
            if name in derivative_names:
                functions[derivative_names[name]] = prime
            self.concrete += [(generic, lambda x: sp.sin(x) + x**3 / 5),
                              (prime, lambda x: sp.cos(x) + 3 * x**2 / 5)]
        return functions

    def _derivative(self, node: ast.Call, stop: frozenset[str]):
        """d(f, x) or grad(f, X); steps often name the same derivative again, so each is kept."""
        key = (ast.dump(node), stop)
        if key not in self._derivatives:
            self._derivatives[key] = self._differentiate(node, stop)
        return self._derivatives[key]

    def _differentiate(self, node: ast.Call, stop: frozenset[str]):
        f_node, v_node = node.args
        if not isinstance(v_node, ast.Name):
            raise DerivationError(f"{self.d.where()}: differentiate by a name, not `{ast.unparse(v_node)}`")
        var = v_node.id
        inner_stop = stop | {var}
        f_val = self.eval(f_node, inner_stop)
        v_base = self.base(var)
        if isinstance(v_base, sp.MatrixBase):
            if isinstance(f_val, sp.MatrixBase):
                raise DerivationError(f"{self.d.where()}: grad needs a scalar, got a matrix")
            return v_base.applyfunc(lambda e: sp.diff(f_val, e))
        if not f_val.has(v_base) and isinstance(f_node, ast.Name) and var in self.d.define:
            # inverse function rule: z is not written in terms of a, but a is written in terms of z
            f_base = self.base(f_node.id)
            dv_df = sp.diff(self.value(var, stop | {f_node.id}), f_base)
            return 1 / dv_df
        return sp.diff(f_val, v_base)

    # proving ---------------------------------------------------------------
    def difference(self, left, right):
        left, right = self.full(left), self.full(right)
        if isinstance(left, sp.MatrixBase) != isinstance(right, sp.MatrixBase):
            raise DerivationError("one side is a matrix and the other a scalar")
        if isinstance(left, sp.MatrixBase):
            if left.shape != right.shape:
                raise DerivationError(f"shapes differ: {left.shape} vs {right.shape}")
            return list(left - right)
        return [left - right]

    def is_zero(self, expr) -> bool:
        """Prove expr == 0: cheap rational cancellation first, full simplification last."""
        expr = expr.doit() if hasattr(expr, "doit") else expr
        if expr == 0:
            return True
        numerator, _ = sp.fraction(sp.together(expr))
        if sp.expand(numerator) == 0 or sp.cancel(numerator) == 0:
            return True  # over one denominator, the numerator multiplies out to nothing
        if self.counterexample([expr]) is not None:
            return False  # a point where it is not zero: no proof to look for
        expr = expr.rewrite(sp.exp) if expr.has(Sigmoid) else expr
        return sp.simplify(expr) == 0

    def counterexample(self, diffs) -> tuple[dict, float] | None:
        """A point (of 20 random ones, the same on every run) where a difference is not zero."""
        rng = random.Random(0)
        symbols = sorted(set().union(*(e.free_symbols for e in diffs)), key=str)
        for function, concrete in self.concrete:
            diffs = [e.replace(function, concrete) for e in diffs]
        diffs = [e.doit() for e in diffs]
        for _ in range(20):
            point = {s: rng.uniform(*self.ranges.get(s, (-2.0, 2.0))) for s in symbols}
            exact = {s: sp.Float(v) for s, v in point.items()}  # numbers in: sympy evaluates as it goes
            for expr in diffs:
                try:
                    value = complex(expr.xreplace(exact).evalf())
                except (TypeError, ValueError):
                    continue
                if abs(value) > 1e-6:
                    return point, abs(value)
        return None

    def check(self) -> int:
        """Prove every step (disprove every wrong one); return how many steps were checked."""
        current = None  # the chain's running value (right-hand side of the last correct step)
        for step in self.d.steps:
            where = self.d.where(step)
            try:
                rhs = self.eval(step.rhs)
                reference = self.eval(step.lhs) if step.lhs is not None else current
                if reference is None:
                    raise DerivationError("nothing to continue from")
                diffs = self.difference(reference, rhs)
            except DerivationError as err:
                if step.wrong and NONCONFORMING.search(str(err)):
                    continue  # a wrong step whose shapes do not even fit is disproved
                message = str(err)
                if not message.startswith(self.d.page):
                    message = f"{where}: {message}"
                raise DerivationError(message) from None
            shown = f"`{step.lhs_text or '…'} = {step.rhs_text}`"
            if step.wrong:
                if self.counterexample(diffs) is None:  # searched once: it is the costly part
                    if all(self.is_zero(e) for e in diffs):
                        raise DerivationError(f"{where}: marked wrong, but {shown} is true")
                    raise DerivationError(f"{where}: marked wrong, but no point shows {shown} failing")
                continue
            bad = [e for e in diffs if not self.is_zero(e)]
            if bad:
                found = self.counterexample(bad)
                detail = ""
                if found:
                    point, gap = found
                    shown_point = ", ".join(f"{s}={v:.3g}" for s, v in sorted(
                        point.items(), key=lambda kv: str(kv[0]))[:6])
                    detail = f" (at {shown_point} the sides differ by {gap:.3g})"
                raise DerivationError(f"{where}: {shown} does not hold{detail}")
            current = rhs
        return len(self.d.steps)


NONCONFORMING = re.compile(r"does not conform|shapes differ|one side is a matrix")


def _broadcast(left: sp.Matrix, right: sp.Matrix):
    """numpy-style broadcasting of a column (n, 1) across (n, m)."""
    if left.shape[0] == right.shape[0] and right.shape[1] == 1:
        return left, sp.Matrix.hstack(*[right] * left.shape[1])
    if left.shape[0] == right.shape[0] and left.shape[1] == 1:
        return sp.Matrix.hstack(*[left] * right.shape[1]), right
    raise ValueError(f"cannot broadcast {left.shape} with {right.shape}")


def check(deriv: Derivation) -> int:
    return Checker(deriv).check()


# --------------------------------------------------------------------------- rendering

INLINE_MATH = re.compile(r"\$(.+?)\$")
INLINE_CODE = re.compile(r"`([^`]+)`")
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def inline_html(text: str) -> str:
    """A `why` note: plain text with $math$, `code` and [links](target)."""
    pieces, last = [], 0
    pattern = re.compile(f"{INLINE_MATH.pattern}|{INLINE_CODE.pattern}|{LINK.pattern}")
    for match in pattern.finditer(text):
        pieces.append(html.escape(text[last:match.start()]))
        if match[1] is not None:
            pieces.append(f'<span class="arithmatex">\\({html.escape(match[1])}\\)</span>')
        elif match[2] is not None:
            pieces.append(f"<code>{html.escape(match[2])}</code>")
        else:
            target = html.escape(match[4])
            pieces.append(f'<a class="derivation-link" href="{target}">{html.escape(match[3])}</a>')
        last = match.end()
    pieces.append(html.escape(text[last:]))
    return "".join(pieces)


def math_span(tex: str, display: bool = True) -> str:
    style = "\\displaystyle " if display else ""
    return f'<span class="arithmatex">\\({style}{html.escape(tex)}\\)</span>'


def step_values(deriv: Derivation) -> dict[str, object]:
    """The value the checker computes for each step's right-hand side, by step id, and for each
    given gradient, by its text (None where it cannot: a wrong step whose shapes do not fit).
    Only derivations with matrices need them, for shape badges."""
    if not deriv.matrices or not deriv.shapes:
        return {}
    checker = Checker(deriv)
    nodes = {step.id: step.rhs for step in deriv.steps}
    nodes.update({key: _parse_expr(value, deriv.where()) for key, value in deriv.given.items()})
    values = {}
    for key, node in nodes.items():
        try:
            values[key] = checker.eval(node)
        except DerivationError:
            values[key] = None
    return values


SHAPES_FOLDER = "derivation-shapes"
SHAPES_USED: set[str] = set()  # the cached shape files this build read or wrote


def step_shapes(deriv: Derivation, source: str | None = None) -> dict[str, list | None]:
    """The shape of each value `step_values` computes ([rows, cols], or None for a number).

    Evaluating every step takes the build a second and a half, so the shapes of a fence are kept
    in .cache/derivation-shapes/, keyed by the fence's text, this module and the pins."""
    cache = None
    if source is not None:
        from hooks.background import CACHE, ROOT

        digest = hashlib.sha256(source.encode())
        for path in (Path(__file__), ROOT / "requirements.txt"):
            digest.update(path.read_bytes())
        cache = CACHE / SHAPES_FOLDER / f"{digest.hexdigest()[:24]}.json"
        SHAPES_USED.add(cache.name)
        if cache.is_file():
            return json.loads(cache.read_text())
    shapes = {key: (list(value.shape) if isinstance(value, sp.MatrixBase) else None)
              for key, value in step_values(deriv).items()}
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".tmp{os.getpid()}")
        partial.write_text(json.dumps(shapes))
        partial.replace(cache)
    return shapes


def shape_badge(printer: TexPrinter, shape, node: ast.expr) -> str | None:
    """A computed value's shape (rows, cols) in the derivation's own size names; none for a
    number (shape None)."""
    if shape is None:
        return None
    guess = printer.shape(node) or (None, None)
    dims = []
    for size, hint in zip(shape, guess, strict=True):
        names = [name for name, number in printer.d.sizes.items() if number == size]
        if hint is not None and (str(hint) in names or hint == size):
            dims.append(hint)  # the size name the expression itself suggests, when it is right
        elif size == 1 or not names:
            dims.append(size)
        else:
            dims.append(names[0])
    return rf"({printer.dim_tex(dims[0])},\ {printer.dim_tex(dims[1])})"


def shown_definitions(deriv: Derivation) -> list[str]:
    """The defined names a reader needs to follow the steps: every defined name a step (or a
    definition shown for it) uses, unless a step itself reads `name = ...`, and unless it is a
    loss that stands only for a given gradient (shown as that given instead)."""
    used: list[str] = []
    shown_by_step = {s.lhs.id for s in deriv.steps if isinstance(s.lhs, ast.Name)}
    todo = [node for s in deriv.steps for node in (s.lhs, s.rhs) if node is not None]
    todo += [_parse_expr(value, deriv.where()) for value in deriv.given.values()]
    while todo:
        for sub in ast.walk(todo.pop(0)):
            name = sub.id if isinstance(sub, ast.Name) else None
            if name in deriv.define and name not in used and name not in deriv.stand_ins:
                used.append(name)
                todo.append(_parse_expr(deriv.define[name], deriv.where()))
    order = list(deriv.define)
    return sorted((name for name in used if name not in shown_by_step), key=order.index)


def given_html(deriv: Derivation, printer: TexPrinter, shapes: dict) -> str:
    """One line above the steps: "Given the upstream gradient ∂J/∂Z = G, of shape (n, m): ..."."""
    parts = []
    for key, value in deriv.given.items():
        lhs, rhs = _parse_expr(key, deriv.where()), _parse_expr(value, deriv.where())
        shape = shapes.get(key)
        shape_text = f", of shape {math_span(shape, display=False)}" if shape else ""
        relation = math_span(f"{printer.tex(lhs)} = {printer.tex(rhs)}", display=False)
        parts.append(f'<span class="given-line" data-name="{html.escape(key)}">{relation}</span>{shape_text}')
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    several = len(parts) > 1
    return (f'<div class="derivation-given">Given the upstream gradient{"s" if several else ""} {listed}: '
            f'{"inputs" if several else "an input"} of these steps, not derived here.</div>')


def where_html(deriv: Derivation, printer: TexPrinter) -> str:
    parts = []
    for name in shown_definitions(deriv):
        value = printer.tex(_parse_expr(deriv.define[name], deriv.where()))
        bare = re.compile(r"[{}()\s]|\\left|\\right|\\bigl|\\bigr")
        if bare.sub("", value) == bare.sub("", printer.name(name)):
            continue  # a name printed as its own value (names: {r: '\mathrm{relu}(z)'}) says it all
        tex = f"{printer.name(name)} = {value}"
        parts.append(f'<div class="where-line" data-name="{html.escape(name)}">'
                     f"{'where' if not parts else 'and'} {math_span(tex, display=False)}</div>")
    return '<div class="derivation-where">' + "".join(parts) + "</div>" if parts else ""


def render(deriv: Derivation, source: str | None = None) -> str:
    """HTML for a derivation: one row per step with its own anchor and link, the gradients it is
    given above them and the definitions its steps use below. With the fence's `source`, the
    shapes of its values are cached."""
    printer = TexPrinter(deriv)
    values = step_shapes(deriv, source)
    given_shapes = {key: shape_badge(printer, values.get(key), _parse_expr(value, deriv.where()))
                    for key, value in deriv.given.items()}
    rows = []
    for step in deriv.steps:
        lhs = math_span(printer.tex(step.lhs)) if step.lhs is not None else ""
        relation = r"\neq" if step.wrong else "="
        rhs_tex = printer.tex(step.rhs)
        shape = shape_badge(printer, values.get(step.id), step.rhs)
        shape_html = (
            f'<span class="step-shape" title="shape">{math_span(shape)}</span>' if shape else ""
        )
        note = inline_html(step.wrong if step.wrong else step.why)
        badge = '<span class="step-badge">wrong</span> ' if step.wrong else ""
        css = "step step-wrong" if step.wrong else "step"
        rows.append(
            f'<div class="{css}" id="{step.id}">'
            f'<div class="step-lhs">{lhs}</div>'
            f'<div class="step-rel">{math_span(relation)}</div>'
            f'<div class="step-rhs">{math_span(rhs_tex)}{shape_html}</div>'
            f'<div class="step-why">{badge}{note}'
            f'<a class="headerlink" href="#{step.id}" title="Link to this step">¶</a></div>'
            "</div>"
        )
    return (
        f'<div class="derivation" id="{deriv.id}" data-derivation="{deriv.id}">'
        + given_html(deriv, printer, given_shapes)
        + "".join(rows)
        + where_html(deriv, printer)
        + "</div>"
    )


def fence_format(source, language, css_class, options, md, **kwargs):
    """pymdownx.superfences formatter for ```derivation fences."""
    try:
        return render(parse(source, page="(page)"), source)
    except DerivationError as err:
        # A derivation that cannot be read must fail the strict build, not vanish.
        logging.getLogger("mkdocs.hooks.math.derivation").warning(str(err))
        return f'<pre class="derivation-error">{html.escape(str(err))}</pre>'


def anchor_ids(source: str) -> list[str]:
    """Every id a derivation fence puts on the page (itself and its steps)."""
    deriv = parse(source)
    return [deriv.id] + [step.id for step in deriv.steps]
