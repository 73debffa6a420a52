"""Is a formula on a page one of that page's checked steps, or a piece of one?

Each derivation fence is printed by the site's own printer (hooks.math.derivation.TexPrinter).
From a page's fences we collect, in a normal form of their TeX:

- the chains: the values a chain of steps proves equal (a step's left side and the right sides
  that continue it), so `lhs = rhs_1 = rhs_3` is proved when all three sit in one chain;
- the pieces: every sub-expression of every step, and every definition `name = value`, so that
  "a product with $W^{[l]\\top}$" or "the factor $a(1-a)$" is a piece of a checked step;
- the wrong steps: `lhs = rhs` of each step marked wrong, which the checker disproves.

The normal form forgets only spacing and notation that cannot change a formula's meaning:
thin spaces, `\\left`/`\\right`, `\\cdot`, braces around one-character scripts, `^T` for `^\\top`.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from hooks.math.derivation import Derivation, DerivationError, TexPrinter, _parse_expr, parse
from hooks.math.fences import iter_fences
from tests.tex_reader import canonical_name, read_tex, subexpressions

SPACING = re.compile(r"\\(?:displaystyle|left|right|quad|qquad|cdot)(?![A-Za-z])|\\[,;:! ]|~")
RELATIONS = re.compile(r"\\neq(?![a-z])|\\ne(?![a-z])|\\approx|\\propto|(?<![<>\\])=")


@functools.cache
def norm(tex: str) -> str:
    """A normal form of TeX for comparison (see the module's docstring)."""
    t = tex.strip()
    t = re.sub(r"\\[dt]frac", r"\\frac", t)
    t = re.sub(r"\\operatorname\{(\w+)\}", r"\\mathrm{\1}", t)
    t = re.sub(r"\\intercal|\\mathsf\{T\}", r"\\top", t)
    t = SPACING.sub(" ", t)
    # a transpose written ^T or ^{T}, alone or after a layer index: ^{[2]T} -> ^{[2]\top}
    t = re.sub(r"\^\{?T\}?(?![A-Za-z])", r"^{\\top}", t)
    t = re.sub(r"\^\{?\\top\}?", r"^{\\top}", t)
    t = re.sub(r"(\^\{\[[^\]{}]*\])\s*(?:T|\\top)\}", r"\1\\top}", t)
    t = re.sub(r"(\^\{\[[^\]{}]*\]\})\^\{\\top\}", lambda m: m[1][:-1] + r"\top}", t)
    # ^\prime and ' are the same prime
    t = re.sub(r"\^\{?\\prime\}?", "'", t)
    t = re.sub(r"\^\{([^{}]*)\\prime\}", r"^{\1}'", t)
    # one-character scripts get braces: x_1 -> x_{1}, a^2 -> a^{2}
    t = re.sub(r"([_^])([A-Za-z0-9])", r"\1{\2}", t)
    t = re.sub(r"([_^])(\\[A-Za-z]+)", r"\1{\2}", t)
    # \partial L/\partial z -> \frac{\partial L}{\partial z} for simple names
    atom = r"[A-Za-z](?:[_^]\{[^{}]*\})*"
    t = re.sub(rf"\\partial\s*({atom})\s*/\s*\\partial\s*({atom})", r"\\frac{\\partial \1}{\\partial \2}", t)
    # spaces matter only after a command name followed by a letter (\ln a)
    t = re.sub(r"(\\[A-Za-z]+)\s+(?=[A-Za-z])", "\\1\x00", t)
    t = re.sub(r"\s+", "", t).replace("\x00", " ")
    return t.rstrip(".,;")


def split_relations(tex: str) -> tuple[list[str], list[str]]:
    """Split a formula at its top-level relations: (sides, relations)."""
    sides, rels, depth, last = [], [], 0, 0
    i = 0
    while i < len(tex):
        ch = tex[i]
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif depth == 0:
            match = RELATIONS.match(tex, i)
            if match:
                sides.append(tex[last:i])
                rels.append(match[0])
                last = i = match.end()
                continue
        i += 1
    sides.append(tex[last:])
    return [s.strip() for s in sides], rels


@dataclass
class PageFacts:
    """What a page's derivation fences prove, as normalised TeX."""

    chains: list[set[str]] = field(default_factory=list)
    pieces: set[str] = field(default_factory=set)
    wrong: set[str] = field(default_factory=set)  # "lhs=rhs" of disproved steps
    steps: dict[str, tuple[Derivation, object]] = field(default_factory=dict)
    # the same, read back by tests/tex_reader.py: what a reader takes the printed TeX to mean
    matrices: set[str] = field(default_factory=set)
    read_chains: list[set] = field(default_factory=list)
    read_pieces: set = field(default_factory=set)


def _walk(node: ast.expr):
    yield node
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            yield from _walk(child)


def fence_facts(deriv: Derivation, facts: PageFacts) -> None:
    printer = TexPrinter(deriv)

    def tex(node: ast.expr) -> str | None:
        try:
            return norm(printer.tex(node))
        except DerivationError:
            return None

    chain: set[str] | None = None
    for step in deriv.steps:
        facts.steps[step.id] = (deriv, step)
        for node in ([step.lhs] if step.lhs is not None else []) + [step.rhs]:
            facts.pieces.update(t for t in (tex(n) for n in _walk(node)) if t)
        if step.wrong:
            left = tex(step.lhs) if step.lhs is not None else None
            if left:
                facts.wrong.add(f"{left}={tex(step.rhs)}")
            continue
        if step.lhs is not None:
            chain = {tex(step.lhs)}
            facts.chains.append(chain)
        chain.add(tex(step.rhs))
    _read_facts(deriv, printer, facts)
    for name, value in deriv.define.items():
        try:
            node = _parse_expr(value, deriv.where())
        except DerivationError:
            continue
        left, right = norm(printer.name(name)), tex(node)
        if right:
            facts.chains.append({left, right})
            facts.pieces.update(t for t in (tex(n) for n in _walk(node)) if t)


@functools.cache
def _read(tex: str, matrices: frozenset) -> object | None:
    try:
        return read_tex(tex, matrices)
    except (ValueError, TypeError, RecursionError):  # AmbiguousTeX and UnreadableTeX are ValueErrors
        return None


def _read_facts(deriv: Derivation, printer: TexPrinter, facts: PageFacts) -> None:
    for name in deriv.matrices:
        try:
            facts.matrices.add(canonical_name(printer.name(name)))
        except ValueError:
            continue
    matrices = frozenset(facts.matrices)
    chain: set | None = None
    for step in deriv.steps:
        if step.wrong:
            continue
        try:
            sides = ([printer.tex(step.lhs)] if step.lhs is not None else []) + [printer.tex(step.rhs)]
        except DerivationError:
            continue
        read = [_read(t, matrices) for t in sides]
        for expr in read:
            if expr is not None:
                facts.read_pieces.add(expr)
                facts.read_pieces.update(subexpressions(expr))
        if step.lhs is not None:
            chain = set()
            facts.read_chains.append(chain)
        if chain is not None:
            chain.update(e for e in read if e is not None)


def derivation_sources(text: str) -> tuple[tuple[str, int], ...]:
    """A page's derivation fences (body, line): all that its facts depend on, so an edit to the
    prose around them reuses what was worked out."""
    return tuple((f.body, f.line) for f in iter_fences(text) if f.language == "derivation")


def _facts_of(text: str, page: str) -> PageFacts:
    return _facts_from(derivation_sources(text), page)


@functools.lru_cache(maxsize=64)
def _facts_from(sources: tuple[tuple[str, int], ...], page: str) -> PageFacts:
    facts = PageFacts()
    for body, line in sources:
        try:
            fence_facts(parse(body, page=page, line=line), facts)
        except DerivationError:
            continue  # the derivation tests report it
    return facts


def page_facts(path: Path, page: str) -> PageFacts:
    return _facts_of(path.read_text("utf8"), page)


def proved_on_page(tex: str, facts: PageFacts) -> bool:
    """(a): the formula is a checked step, a chain of checked equalities, or a piece of a step."""
    sides, rels = split_relations(tex)
    normed = [norm(s) for s in sides]
    if not rels:
        return normed[0] in facts.pieces or read_back_piece(sides[0], facts)
    if any(r != "=" for r in rels):
        return False
    if any(all(s in chain for s in normed) for chain in facts.chains):
        return True
    read = [_read(s, frozenset(facts.matrices)) for s in sides]
    if None in read:
        return False
    return any(all(r in chain for r in read) for chain in facts.read_chains)


def read_back_piece(tex: str, facts: PageFacts) -> bool:
    """A formula that reads back as a checked step's side or a sub-expression of one."""
    expr = _read(tex, frozenset(facts.matrices))
    return expr is not None and not expr.is_Atom and expr in facts.read_pieces


def disproved_on_page(tex: str, facts: PageFacts) -> bool:
    """A formula marked wrong is disproved when it is a step the checker disproves."""
    sides, rels = split_relations(tex)
    if len(sides) != 2:
        return False
    return f"{norm(sides[0])}={norm(sides[1])}" in facts.wrong
