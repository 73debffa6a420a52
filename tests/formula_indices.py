"""Formulas written with a generic index (∂L/∂z_j = a_j Σ_k y_k − y_j) read as their instances.

The derivations work with a fixed number of entries (three classes: z_1, z_2, z_3). A prose
formula in a generic index is checked by writing it out for every value of its free indices
(j = 1, 2, 3) with every sum over an index written out term by term, and δ_ij as 1 or 0; each
instance is then an ordinary formula that formula_holds reads back and proves.
"""

from __future__ import annotations

import itertools
import re

INDEX_LETTERS = "ijkcn"
SUM = re.compile(r"\\sum_(?:\{([ijkcn])(?:\s*=\s*1)?\}|([ijkcn]))(?:\^\{?[A-Za-z0-9]\}?)?\s*")
SUBSCRIPT = re.compile(r"_(\{[^{}]*\}|[A-Za-z0-9])")


def _with_index(text: str, letter: str, value: int) -> str:
    """Replace an index letter inside every subscript: y_k -> y_2, \\delta_{kj} -> \\delta_{2j}."""
    def swap(match: re.Match) -> str:
        body = match[1]
        braced = body.startswith("{")
        inner = body[1:-1] if braced else body
        if not re.fullmatch(r"[a-z0-9]+", inner):
            return match[0]
        inner = inner.replace(letter, str(value))
        return f"_{{{inner}}}"
    return SUBSCRIPT.sub(swap, text)


def _summand_end(tex: str, start: int) -> int:
    """Where the term after a sum ends: at a top-level +, -, =, or a closing bracket."""
    depth, k = 0, start
    while k < len(tex):
        if tex.startswith(r"\left", k) or tex.startswith(r"\right", k):
            step = 5 if tex.startswith(r"\left", k) else 6
            depth += 1 if step == 5 else -1
            if depth < 0:
                return k
            k += step + 1
            continue
        char = tex[k]
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
            if depth < 0:
                return k
        elif depth == 0 and char in "+-=" and k > start:
            return k
        k += 1
    return k


def expand_sums(tex: str, size: int) -> str | None:
    """Every `\\sum_k term` written out as `(term_1 + … + term_size)`; None if a sum has a condition."""
    while (match := SUM.search(tex)) is not None:
        letter = match[1] or match[2]
        end = _summand_end(tex, match.end())
        term = tex[match.end():end].strip()
        if not term or _with_index(term, letter, 0) == term:
            return None  # empty, or its index is not a subscript (L^{(i)}: left to the reader)
        terms = " + ".join(_with_index(term, letter, v) for v in range(1, size + 1))
        tex = tex[:match.start()] + rf"\left({terms}\right)" + tex[end:]
    if r"\sum" in tex:
        return None  # a sum over a condition (k ≠ j) or over two indices at once
    return tex


def free_indices(tex: str) -> list[str]:
    found = []
    for match in SUBSCRIPT.finditer(tex):
        body = match[1].strip("{}")
        if re.fullmatch(r"[a-z0-9]+", body):
            found += [c for c in body if c in INDEX_LETTERS and c not in found]
    return found


def instances(tex: str, size: int = 3) -> list[str]:
    """The formula written out for every value of its free indices; [] when it has none."""
    expanded = expand_sums(tex, size)
    if expanded is None:
        return []
    letters = free_indices(expanded)
    if not letters and expanded == tex:
        return []
    out = []
    for values in itertools.product(range(1, size + 1), repeat=len(letters)):
        text = expanded
        for letter, value in zip(letters, values, strict=True):
            text = _with_index(text, letter, value)
        text = re.sub(r"\\delta_\{(\d)(\d)\}", lambda m: "1" if m[1] == m[2] else "0", text)
        out.append(text)
    return out
