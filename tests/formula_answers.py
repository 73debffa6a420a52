"""The front-matter `answer` is plain Unicode (link previews and forum replies reuse it), so it
is checked against checked formulas: each formula in it is listed under `answer_math:` in the
page's front matter with its TeX (the short answer shows that TeX), and

- the TeX, written in Unicode by `to_unicode`, is the answer's text (spaces aside);
- the TeX is a checked step of the page, a piece of one, or a register entry (formula_guard);
- once every listed formula is taken out, no formula is left in the answer.
"""

from __future__ import annotations

import re
from pathlib import Path

from hooks.page.answers import spaced  # the build finds the formulas the same way
from tests.formula_guard import status
from tests.formula_inventory import DOCS, Formula, front_matter
from tests.formula_match import _facts_of

CHECKED = {"inserted", "proved", "registered", "holds", "conforms"}

SUPERSCRIPT = str.maketrans("0123456789+-()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾")
SUBSCRIPT = str.maketrans("0123456789ijkn", "₀₁₂₃₄₅₆₇₈₉ᵢⱼₖₙ")
SYMBOLS = {
    r"\sigma": "σ", r"\partial": "∂", r"\odot": "⊙", r"\cdot": "·", r"\sum": "Σ", r"\ln": "ln",
    r"\alpha": "α", r"\lambda": "λ", r"\delta": "δ", r"\mathcal{L}": "ℒ", r"\hat{y}": "ŷ", r"\tanh": "tanh",
    r"\top": "ᵀ", r"\prime": "′", r"\left": "", r"\right": "", r"\,": " ", r"\operatorname": "",
    r"\mathrm": "",
}
# A formula left in an answer after the listed ones are taken out.
LEFT_OVER = re.compile(r"[=≠≈∝⊙ᵀΣ∂′·²]|\bd[A-Za-z]\w*/d|\w\s−\s\w|(?<![\w/])[a-z1]/[a-z](?![\w])|\)/|/\(")


def _group(tex: str, start: int) -> tuple[str, int]:
    """The {…} group opening at tex[start]: its content and the index after it."""
    depth = 0
    for k in range(start, len(tex)):
        depth += {"{": 1, "}": -1}.get(tex[k], 0)
        if depth == 0:
            return tex[start + 1:k], k + 1
    raise ValueError(f"unbalanced braces in {tex}")


def _compound(text: str) -> bool:
    """Does a fraction's part need brackets once the fraction is written with a slash?"""
    stripped = text.strip().rstrip("⁰¹²³⁴⁵⁶⁷⁸⁹")
    if stripped.startswith("("):
        depth = 0
        for k, char in enumerate(stripped):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth == 0:
                if k == len(stripped) - 1:
                    return False  # one bracketed group, maybe squared
                break
    stripped = re.sub(r"\^−?\w+", "", stripped)  # e^−z is one factor
    return bool(re.search(r"[ +−\-]", stripped.replace("∂", "")))


def to_unicode(tex: str) -> str:
    """Plain Unicode for the TeX of a simple formula, as the answers write it."""
    out, k = [], 0
    while k < len(tex):
        if tex.startswith(r"\frac", k):
            num, k = _group(tex, k + 5)
            den, k = _group(tex, k)
            num, den = to_unicode(num), to_unicode(den)
            num = f"({num})" if _compound(num) else num
            den = f"({den})" if _compound(den) else den
            out.append(f"{num}/{den}")
            continue
        if tex[k] in "^_":
            sub = tex[k] == "_"
            if k + 1 < len(tex) and tex[k + 1] == "{":
                body, k = _group(tex, k + 1)
            else:
                body, k = tex[k + 1], k + 2
            body = to_unicode(body)
            if not sub and re.fullmatch(r"[\[(].*[\])][ᵀ′]?|ᵀ|′", body):
                out.append(body)  # a layer or example index, a transpose, a prime: as written
            elif not sub and all(c in "0123456789+-()" for c in body.replace("−", "-")):
                out.append(body.replace("−", "-").translate(SUPERSCRIPT))
            elif sub and all(c in "0123456789ijkn" for c in body):
                out.append(body.translate(SUBSCRIPT))
            else:
                out.append(("_" if sub else "^") + body)
            continue
        match = re.match(r"\\[A-Za-z]+|\\.", tex[k:])
        if match:
            word = match[0]
            if word in (r"\mathcal", r"\hat") and tex[k + len(word):].startswith("{"):
                body, end = _group(tex, k + len(word))
                word, k = f"{word}{{{body}}}", end
            else:
                k += len(word)
            out.append(SYMBOLS.get(word, word.lstrip("\\")))
            if word == r"\partial":
                while k < len(tex) and tex[k] == " ":
                    k += 1
            continue
        out.append({"-": "−", "'": "′", "{": "", "}": ""}.get(tex[k], tex[k]))
        k += 1
    return "".join(out)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def load_answers() -> list[dict]:
    """Every page's `answer_math` entries, each with its page's file name."""
    entries = []
    for path in sorted(DOCS.glob("*.md")):
        meta, _ = front_matter(path.read_text("utf8"))
        entries += [{"page": path.name, **e} for e in meta.get("answer_math") or []]
    return entries


def answer_problems(pages: list[Path] | None = None, entries: list[dict] | None = None,
                    waived: set[tuple[str, str]] = frozenset()) -> list[str]:
    """What is wrong with the answers; an answer listed whole in the backlog may keep formulas
    not yet listed (but any edit to it, or a backlog entry no longer needed, fails)."""
    entries = load_answers() if entries is None else entries
    bad = []
    for path in pages or sorted(DOCS.glob("*.md")):
        text = path.read_text("utf8")
        meta, _ = front_matter(text)
        if not meta.get("answer"):
            continue
        page = f"docs/{path.name}"
        line = next(k for k, t in enumerate(text.split("\n"), 1) if t.startswith("answer:"))
        answer = " ".join(str(meta["answer"]).split())
        left = answer
        facts = _facts_of(text, page)
        for entry in (e for e in entries if e["page"] == path.name):
            unicode, tex = entry["unicode"], entry["tex"]
            where = f"{page}:{line}: answer formula `{unicode}`"
            if squash(to_unicode(tex)) != squash(unicode):
                bad.append(f"{where}: its TeX reads `{to_unicode(tex)}`")
            elif not spaced(unicode).search(left):
                bad.append(f"{where}: not in the answer")
            elif status(Formula(page, line, tex, "prose"), facts, text) not in CHECKED:
                bad.append(f"{where}: `{tex}` is not a checked step, a register entry or a formula "
                           "that holds in a derivation's or register context's names")
            left = spaced(unicode).sub(" ", left, count=1)
        match = LEFT_OVER.search(left)
        pending = (page, f"answer: {answer}") in waived
        if match and not pending:
            context = left[max(0, match.start() - 20):match.end() + 20]
            bad.append(f"{page}:{line}: the answer has an unchecked formula near `{context}`")
        elif pending and not match:
            bad.append(f"{page}:{line}: the answer is checked now: take it out of the backlog")
    return bad
