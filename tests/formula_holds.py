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

import sympy as sp

from hooks.math.derivation import NONCONFORMING, Checker, DerivationError, parse
from hooks.math.fences import iter_fences
from tests.formula_match import split_relations
from tests.tex_reader import names_of, read_tex, to_python


@functools.lru_cache(maxsize=64)
def page_contexts(text: str, page: str) -> list:
    """(checker, names) for each derivation of a page that can be read."""
    out = []
    for fence in iter_fences(text):
        if fence.language != "derivation":
            continue
        try:
            deriv = parse(fence.body, page=page, line=fence.line)
            out.append((Checker(deriv), names_of(deriv)))
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
    cheap = all(e == 0 or sp.cancel(sp.together(e)) == 0 for e in differences)
    if cheap:
        return True
    if checker.counterexample(differences) is not None:
        return False
    return all(checker.is_zero(e) for e in differences)


def holds_on_page(tex: str, text: str, page: str) -> bool:
    return holds_in(tex, page_contexts(text, page))


def holds_in(tex: str, contexts: list) -> bool:
    """Does the formula read back in the names of one of these (checker, names) and hold there?"""
    return verdict(tex, contexts) == "holds"


def verdict(tex: str, contexts: list) -> str:
    """"holds", "fails" (read back, and wrong: a point where two sides differ, or sides whose
    shapes do not fit) or "unread" (in no context's names)."""
    sides, rels = split_relations(tex)
    if len(sides) < 2 or any(r != "=" for r in rels):
        return "unread"
    found = "unread"
    for checker, names in contexts:
        try:
            python = [to_python(read_tex(s, names.matrices, names.functions), names.idents) for s in sides]
        except (ValueError, TypeError):
            continue  # AmbiguousTeX, UnreadableTeX, Untranslatable: not in this derivation's names
        values = [_value(checker, p) for p in python]
        if any(v is None for v in values):
            if values[0] is not None and any(_conforms(checker, p) is False for p in python):
                found = "fails"
            continue
        if all(_equal(checker, values[0], v) for v in values[1:]):
            return "holds"
        if any(_differ(checker, values[0], v) for v in values[1:]):
            found = "fails"
    return found


def _conforms(checker: Checker, python: str) -> bool | None:
    try:
        checker.eval(ast.parse(python, mode="eval").body)
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
    product in the wrong order, or ⊙ mixed with a matrix product without brackets still fails."""
    sides, rels = split_relations(tex)
    if rels:
        return False
    for checker, names in contexts:
        try:
            python = to_python(read_tex(tex, names.matrices, names.functions), names.idents)
        except (ValueError, TypeError):
            continue
        if _conforms(checker, python):
            return True
    return False
