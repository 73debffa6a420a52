"""(b) without a register entry: a formula that, read back as a reader reads it
(tests/tex_reader.py), is written in the names of one of its page's derivations, and holds there.

Each side of `lhs = rhs = …` is read with the derivation's matrices and functions, written back
in the fence's Python syntax (tex_reader.to_python) and evaluated by the derivation's own checker;
the formula is checked when every side has a value (names defined, shapes conforming) and all
the values are proved equal. A formula in names no derivation of its page uses is not checked
this way: it needs a register entry, or a mark.
"""

from __future__ import annotations

import ast
import functools
import random
import re

import sympy as sp

from hooks.math.derivation import NONCONFORMING, Checker, DerivationError, parse
from tests.formula_indices import instances
from tests.formula_match import derivation_sources, split_relations
from tests.tex_reader import names_of, read_tex, to_python


@functools.lru_cache(maxsize=8192)
def _symbols(tex: str) -> frozenset[str] | None:
    """The names a formula uses, read with no matrices (which names are symbols does not change)."""
    try:
        expr = read_tex(tex)
    except (ValueError, TypeError):
        return None
    return frozenset(s.name for s in expr.free_symbols)


def in_names(tex: str, names) -> bool:
    """A quick test before reading a formula in one derivation's names: does it use only them?"""
    used = _symbols(tex)
    return used is not None and used <= names.idents.keys() | names.functions


LEIBNIZ_OPERATOR = re.compile(r"^\s*\\frac\{d\}\{d\s*([A-Za-z](?:_\{?\w+\}?)?)\}\s*(.+)$")
LEIBNIZ = re.compile(r"\\frac\{d\s*([A-Za-z](?:\^\{[^{}]*\}|_\{?\w+\}?)*|\([^()]*\))\}"
                     r"\{d\s*([A-Za-z](?:_\{?\w+\}?)?)\}")


def _without_underbraces(tex: str) -> str:
    """`\\underbrace{X}_{label}` reads as X: the label (a shape) is a note, not a factor."""
    while (start := tex.find(r"\underbrace{")) >= 0:
        depth, first, k = 0, start + len(r"\underbrace"), len(tex)
        for k in range(first, len(tex)):  # noqa: B007 (k is the closing brace after the loop)
            depth += {"{": 1, "}": -1}.get(tex[k], 0)
            if depth == 0:
                break
        body, rest = tex[start + len(r"\underbrace{"):k], tex[k + 1:]
        if rest.startswith("_{"):
            depth = 0
            for j, char in enumerate(rest):
                depth += {"{": 1, "}": -1}.get(char, 0)
                if depth == 0 and j:
                    rest = rest[j + 1:]
                    break
        tex = tex[:start] + "{" + body + "}" + rest
    return tex


def leibniz(side: str) -> str:
    """Spellings the pages use, in the reader's: a one-variable derivative d/dz as the partial
    (`\\frac{d}{dz} F` to the end of the side, and `\\frac{dL}{dz}`), the indicator written with a
    blackboard 1, `\\mathbb{1}[z > 0]`, a prime as a superscript, and shapes under \\underbrace."""
    side = _without_underbraces(side.replace(r"\mathbb{1}[", r"\mathbb{I}["))
    side = re.sub(r"(\\[A-Za-z]+)\^\{\\prime\}", r"\1'", side)  # a prime written as a superscript
    # the derivative of a known function of one name: \tanh'(z) is d tanh(z)/dz
    side = re.sub(r"\\(tanh|sigma)'\(([A-Za-z](?:_\{?\w+\}?)?)\)",
                  r"\\frac{\\partial \\\1(\2)}{\\partial \2}", side)
    match = LEIBNIZ_OPERATOR.match(side)
    if match:
        return rf"\frac{{\partial \left({match[2]}\right)}}{{\partial {match[1]}}}"
    return LEIBNIZ.sub(lambda m: rf"\frac{{\partial {m[1]}}}{{\partial {m[2]}}}", side)


def _read_in(tex: str, names):
    return _read_cached(tex, frozenset(names.matrices), frozenset(names.functions))


@functools.lru_cache(maxsize=8192)
def _read_cached(tex: str, matrices: frozenset, functions: frozenset):
    return read_tex(tex, matrices, functions)


class CachedChecker(Checker):
    """The derivation's checker, remembering the value of each name and derivative it works
    out: a page's formulas ask for the same gradients again and again."""

    def __init__(self, deriv) -> None:
        super().__init__(deriv)
        self._memo: dict = {}

    def value(self, name: str, stop: frozenset[str]):
        key = ("name", name, stop)
        if key not in self._memo:
            self._memo[key] = super().value(name, stop)
        return self._memo[key]

    def full(self, expr):
        """Checker.full, expanding only the defined names the expression still holds (the
        checker's own expands them all, working out every gradient of the context)."""
        if "owner" not in self._memo:  # base symbol -> the defined name it stands for
            owner = {}
            for name in self.d.define:
                base = self.base(name)
                for symbol in (base if isinstance(base, sp.MatrixBase) else [base]):
                    owner[symbol] = name
            self._memo["owner"] = owner
        owner = self._memo["owner"]
        for _ in range(len(self.d.define) + 1):
            names = {owner[s] for s in expr.free_symbols if s in owner}
            if not names:
                return expr
            subs = {}
            for name in names:
                base, value = self.base(name), self.value(name, frozenset())
                if isinstance(base, sp.MatrixBase):
                    subs.update(zip(base, value, strict=True))
                else:
                    subs[base] = value
            expr = expr.xreplace(subs)
        return expr

    def _derivative(self, node: ast.Call, stop: frozenset[str]):
        key = ("d", ast.dump(node), stop)
        if key not in self._memo:
            self._memo[key] = super()._derivative(node, stop)
        return self._memo[key]


def page_contexts(text: str, page: str) -> list:
    """(checker, names) for each derivation of a page that can be read."""
    return _contexts_from(derivation_sources(text), page)


@functools.lru_cache(maxsize=64)
def _contexts_from(sources: tuple[tuple[str, int], ...], page: str) -> list:
    out = []
    for body, line in sources:
        try:
            deriv = parse(body, page=page, line=line)
            out.append((CachedChecker(deriv), names_of(deriv)))
        except (DerivationError, ValueError, SyntaxError):
            continue
    return out


def _value(checker: Checker, python: str):
    try:
        return checker.eval(ast.parse(python, mode="eval").body)
    except (DerivationError, SyntaxError, TypeError, ValueError, AttributeError):
        return None


def _equal(checker: Checker, left, right) -> bool:
    try:
        differences = checker.difference(left, right)
    except DerivationError:
        return False
    if all(e == 0 for e in differences):
        return True  # the same expression
    # checked numerically, at random points of the checker's ranges: cancellation or sympy's
    # simplify would prove most of them too, at up to seconds a formula
    return numerically_zero(checker, differences)


def numerically_zero(checker: Checker, differences, points: int = 3) -> bool:
    rng = random.Random(1)
    symbols = sorted(set().union(*(e.free_symbols for e in differences)), key=str)
    for function, concrete in checker.concrete:
        differences = [e.replace(function, concrete) for e in differences]
    differences = [e.doit() for e in differences]
    if any(e.has(sp.Piecewise) for e in differences):
        points = 20  # a ReLU's kink: make sure both sides of it are sampled
    for _ in range(points):
        point = {s: sp.Float(rng.uniform(*checker.ranges.get(s, (-2.0, 2.0)))) for s in symbols}
        for expr in differences:
            try:
                value = complex(expr.xreplace(point).evalf())
            except (TypeError, ValueError):
                return False
            if abs(value) > 1e-9:
                return False
    return True


def holds_on_page(tex: str, text: str, page: str) -> bool:
    return holds_in(tex, page_contexts(text, page))


def holds_in(tex: str, contexts: list) -> bool:
    """Does the formula read back in the names of one of these (checker, names) and hold there?"""
    return verdict(tex, contexts, look_for_failure=False) == "holds"


def verdict(tex: str, contexts: list, look_for_failure: bool = True) -> str:
    """"holds", "fails" (read back, and wrong: a point where two sides differ, or sides whose
    shapes do not fit) or "unread" (in no context's names). A formula in a generic index
    (∂L/∂z_j = a_j Σ_k y_k − y_j) holds when all its instances hold in one context."""
    found = _verdict(tex, contexts, look_for_failure)
    if found != "unread":
        return found
    written_out = instances(tex)
    if written_out:
        for context in contexts:
            if all(_verdict(one, [context], False) == "holds" for one in written_out):
                return "holds"
    return found


def _verdict(tex: str, contexts: list, look_for_failure: bool) -> str:
    sides, rels = split_relations(tex)
    if len(sides) < 2 or any(r != "=" for r in rels):
        return "unread"
    sides = [leibniz(s) for s in sides]
    found = "unread"
    for checker, names in contexts:
        if not all(in_names(s, names) for s in sides):
            continue
        try:
            python = [to_python(_read_in(s, names), names.idents) for s in sides]
        except (ValueError, TypeError):
            continue  # AmbiguousTeX, UnreadableTeX, Untranslatable: not in this derivation's names
        values = [_value(checker, p) for p in python]
        if any(v is None for v in values):
            if look_for_failure and values[0] is not None and any(
                    _conforms(checker, p) is False for p in python):
                found = "fails"
            continue
        if all(_equal(checker, values[0], v) for v in values[1:]):
            return "holds"
        if look_for_failure and any(_differ(checker, values[0], v) for v in values[1:]):
            found = "fails"
    return found


def _conforms(checker: Checker, python: str) -> bool | None:
    try:
        tree = ast.parse(python, mode="eval").body
        for node in ast.walk(tree):  # numpy would divide entry by entry; mathematics has no 1/W
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                if isinstance(checker.eval(node.right), sp.MatrixBase):
                    return False
        checker.eval(tree)
    except DerivationError as err:
        return False if NONCONFORMING.search(str(err)) else None
    except (SyntaxError, TypeError, ValueError, AttributeError):
        return None
    return True


def _differ(checker: Checker, left, right) -> bool:
    try:
        return checker.counterexample(checker.difference(left, right)) is not None
    except DerivationError as err:
        return bool(NONCONFORMING.search(str(err)))


def evaluates_in(tex: str, contexts: list) -> bool:
    """An expression written alone (no relation): does it read back in one context's names and
    have a value there (every name defined, every product's shapes fitting)? Not a piece of a
    checked step, it claims nothing to prove, but a dropped transpose that breaks the shapes, a
    product in the wrong order, or ⊙ mixed with a matrix product without brackets still fails.
    In a generic index (a_j − y_j), every instance must have a value in one context."""
    if split_relations(tex)[1]:
        return False
    if any(conforms(tex, checker, names) for checker, names in contexts):
        return True
    texts = instances(tex)
    return bool(texts) and any(all(conforms(one, checker, names) for one in texts)
                               for checker, names in contexts)


def conforms(tex: str, checker: Checker, names) -> bool | None:
    """Does an expression read back in these names have a value (True), have shapes that do not
    fit (False), or not read at all (None)?"""
    tex = leibniz(tex)
    if not in_names(tex, names):
        return None
    try:
        python = to_python(_read_in(tex, names), names.idents)
    except (ValueError, TypeError):
        return None
    return _conforms(checker, python)
