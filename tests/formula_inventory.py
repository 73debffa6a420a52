"""Every piece of math a reader sees outside the printed derivation steps, with page and line.

Four places hold such math: `$…$` and `$$…$$` in a page's Markdown (prose, tables,
admonitions, the short answer), the `why:` and `wrong:` notes of derivation steps, and the
plain-Unicode front-matter `answer`. Code (fenced blocks and inline `code`) is not math.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from hooks.math.fences import iter_fences

DOCS = Path(__file__).resolve().parent.parent / "docs"


@dataclass(frozen=True)
class Formula:
    page: str  # docs/<name>.md
    line: int  # 1-based line in the page's Markdown
    tex: str  # the TeX between the dollars (or the answer's Unicode text)
    where: str  # "prose", "display", "note" (a why:/wrong: note), "formula" (front matter) or "answer"
    marker: str = ""  # "quoted" or "wrong" when the page marks the formula so

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: ${self.tex}$"


FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)
# A marked formula: $…${.quoted} or $…${.wrong} (attr_list puts the class on the math span).
MARK = re.compile(r"\{:?\s*\.(quoted|wrong)\s*\}")


def front_matter(text: str) -> tuple[dict, int]:
    """The page's front matter and the number of lines it takes."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {}, 0
    return yaml.safe_load(match[1]) or {}, match[0].count("\n")


def _blank_code(text: str) -> str:
    """The page with fenced blocks, inline code and front matter blanked (same line numbers)."""
    lines = text.split("\n")
    _, skip = front_matter(text)
    for k in range(skip):
        lines[k] = ""
    for fence in iter_fences(text):
        for k in range(fence.line - 1, min(fence.end, len(lines))):
            lines[k] = ""
    text = "\n".join(lines)
    # inline code spans (one or more backticks), blanked with the same number of characters
    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", lambda m: re.sub(r"[^\n]", " ", m[0]), text,
                  flags=re.DOTALL)


def _scan(text: str, page: str, line0: int, where_inline: str) -> list[Formula]:
    """The `$…$` and `$$…$$` math in a piece of text, with the line each one starts on."""
    found, i, n = [], 0, len(text)
    while i < n:
        if text[i] == "\\" and i + 1 < n:
            i += 2
            continue
        if text[i] != "$":
            i += 1
            continue
        display = text.startswith("$$", i)
        opener = "$$" if display else "$"
        start = i + len(opener)
        j = start
        while j < n:
            if text[j] == "\\":
                j += 2
                continue
            if text.startswith(opener, j):
                break
            j += 1
        if j >= n:
            break
        tex = text[start:j]
        end = j + len(opener)
        mark = MARK.match(text, end)
        lead = len(tex) - len(tex.lstrip())  # a display formula starts on the line after its $$
        line = line0 + text.count("\n", 0, start + lead)
        for piece in pieces(tex):
            found.append(Formula(page, line, piece, "display" if display else where_inline,
                                 mark[1] if mark else ""))
        i = end
    return found


def pieces(tex: str) -> list[str]:
    """Formulas set side by side with \\quad or \\qquad, joined by \\Rightarrow, or followed by
    `:\\ ` and their shapes, read one by one."""
    parts = re.split(r",?\s*\\(?:q?quad|Rightarrow|;\\Rightarrow\\;)\s*|:\s*\\ \s*", " ".join(tex.split()))
    return [p.strip().strip(";").strip() for p in parts if p.strip().strip(";").strip()]


def note_formulas(text: str, page: str) -> list[Formula]:
    """The math in the `why:` and `wrong:` notes of every derivation fence, line by line."""
    found = []
    for fence in iter_fences(text):
        if fence.language != "derivation":
            continue
        for k, line in enumerate(fence.body.split("\n")):
            match = re.match(r"\s*(why|wrong):\s*(.*)$", line)
            if not match:
                continue
            try:
                note = yaml.safe_load(f"x: {match[2]}")["x"]
            except yaml.YAMLError:
                note = match[2]
            found += _scan(str(note or ""), page, fence.line + 1 + k, "note")
    return found


def page_formulas(path: Path) -> list[Formula]:
    return formulas_in(path.read_text("utf8"), f"docs/{path.relative_to(DOCS).as_posix()}")


def formulas_in(text: str, page: str) -> list[Formula]:
    found = _scan(_blank_code(text), page, 1, "prose") + note_formulas(text, page)
    meta, _ = front_matter(text)
    if meta.get("formula"):  # the TeX the "copy as a forum reply" button quotes
        line = next(k for k, t in enumerate(text.split("\n"), 1) if t.startswith("formula:"))
        found += [Formula(page, line, piece, "formula") for piece in pieces(str(meta["formula"]))]
    if meta.get("answer"):
        line = next(k for k, t in enumerate(text.split("\n"), 1) if t.startswith("answer:"))
        found.append(Formula(page, line, " ".join(str(meta["answer"]).split()), "answer"))
    return sorted(found, key=lambda f: (f.line, f.where))


def all_formulas() -> list[Formula]:
    return [f for path in sorted(DOCS.glob("*.md")) for f in page_formulas(path)]


# --------------------------------------------------------------------------- classification

# A bare symbol: one letter or named symbol, maybe hatted, bold or with a d-prefix (dZ),
# with subscripts and superscripts that index it ([l], (i), [l-1], 1, i, j) but no transpose.
_SYMBOL = (r"(?:\\(?:hat|mathbf|mathcal|boldsymbol|bar|tilde|vec)\s*(?:\{[^{}]*\}|[A-Za-z])"
           r"|\\[A-Za-z]+|d?[A-Za-z]|\d+)")
_INDEX = r"(?:[\w\[\]()\-+,:*\\ ]|\\(?:text|mathrm)\{\w+\}|\\mathcal\{[A-Za-z]\})+"
_SCRIPT = rf"(?:[_^](?:\{{{_INDEX}\}}|[\w]))"
_ONE = rf"(?:{_SYMBOL}\s*{_SCRIPT}*'?)"
BARE = re.compile(rf"^\s*(?:{_ONE}\s*|\d+(?:\.\d+)?)\s*$")
# a shape: (rows, cols), (rows x cols), rows x cols, (n,); a list of symbols: w_1, w_2
_DIM = rf"(?:{_SYMBOL}{_SCRIPT}*|\d+|\\text\{{\w+\}})"
SHAPE = re.compile(rf"^\s*\(\s*{_DIM}\s*(?:,|\\times)\s*(?:\\ )?\s*{_DIM}\s*\)\s*$"
                   rf"|^\s*{_DIM}\s*\\times\s*{_DIM}\s*$|^\s*\(\s*{_DIM}\s*,\s*\)\s*$")
# shapes multiplied in prose to show what conforms: (n^{[l]}, m)(m, n^{[l-1]}), (n, 1) * (1, m)
_PAIR = rf"\(\s*{_DIM}\s*,\s*{_DIM}\s*\)"
SHAPE_PRODUCT = re.compile(rf"^\s*{_PAIR}(?:\s*(?:\*|\\,)?\s*{_PAIR})+(?:\s*\\to\s*{_PAIR})?\s*$")
# sizes compared: n^{[l]} = n^{[l-1]}, n^{[1]} \neq n^{[2]}, n_h = m
SIZE = r"(?:n(?:_\{?[\w{}\\]+\}?|\^\{\[[\w\-+]+\]\})?|[mNDHC]|n_\{\\mathrm\{\w+\}\})"
SIZES_COMPARED = re.compile(rf"^\s*{SIZE}(?:\s*(?:=|\\neq?|<|>)\s*{SIZE})+\s*$")
SYMBOL_LIST = re.compile(rf"^\s*{_ONE}(?:\s*,\s*{_ONE})+\s*(?:,\s*\\[lc]?dots)?\s*$")
# a layer index written alone: [l], [2], l-1, l+1; an operator named in prose: *, \odot
INDEX_ALONE = re.compile(r"^\s*(?:\[[\w+\-]+\]|\([\w+\-]+\)|[lk]\s*[-+]\s*1|\*|\\odot|\\cdot|@|\\top"
                         r"|[a-z]\s*=\s*1\s*(?:\.\.|,\s*\\[lc]?dots\s*,)\s*[A-Za-z])\s*$")
TRANSPOSE = re.compile(r"\\top|\^\{?T\}?(?![a-z])|\\intercal")
NOT_FORMULA_WORDS = {r"\ldots", r"\dots", r"\cdots"}


def is_bare(tex: str) -> bool:
    """A bare symbol or a shape needs no check; anything with a relation or an operation does."""
    tex = tex.strip().rstrip(".,;:").strip()
    if tex in NOT_FORMULA_WORDS:
        return True
    if INDEX_ALONE.match(tex):
        return True
    if TRANSPOSE.search(tex):
        return False
    return bool(BARE.match(tex) or SHAPE.match(tex) or SYMBOL_LIST.match(tex) or SHAPE_PRODUCT.match(tex))


# A constant factor named in prose ("the $\frac{1}{m}$"): the name of a factor, no claim.
FACTOR = re.compile(r"^\\[dt]?frac\{1\}\{\d*\s*[A-Za-z]?\}$|^1\s*/\s*\d*[A-Za-z]$")


def is_factor(tex: str) -> bool:
    return bool(FACTOR.match(tex.strip().rstrip(".,;:").strip()))


# A value given to a symbol for an example ($m = 3$, $\alpha = 0.01$, $(n, m) = (2, 3)$) or a
# condition on one ($z > 0$, $0 < a < 1$, $y \in \{0, 1\}$): no operation, nothing to derive.
_NUMBER = r"-?\d+(?:\.\d+)?"
_VALUE_SIDE = rf"(?:{_NUMBER}|\(\s*{_NUMBER}\s*(?:,\s*{_NUMBER}\s*)+\)|\\pm\s*\d+)"
CONDITION_REL = re.compile(r"\\(?:le|ge|leq|geq|lt|gt|in)(?![A-Za-z])|[<>=]")


def is_value_or_condition(tex: str) -> bool:
    tex = tex.strip().rstrip(".,;:").strip()
    if SIZES_COMPARED.match(tex):
        return True
    if "'" in tex or "prime" in tex or re.search(r"\\ne(?:q)?(?![a-z])", tex):
        return False  # a derivative's value, or a relation the issue lists (≠)
    if re.fullmatch(rf"{_VALUE_SIDE}", tex):
        return True
    sides = [s.strip() for s in CONDITION_REL.split(tex)]
    rels = CONDITION_REL.findall(tex)
    if not rels or len(sides) < 2:
        return False
    if any(r in ("=",) for r in rels) and not all(
        is_bare(s) or re.fullmatch(_VALUE_SIDE, s) for s in sides
    ):
        return False
    if "=" in rels and not any(re.fullmatch(_VALUE_SIDE, s) for s in sides):
        return False  # `a = b` between two symbols is a claim, not a value
    sets = r"\\\{[^{}]*\\\}|\\mathbb\{R\}(?:\^\{[^{}]*\})?"
    return all(is_bare(s) or re.fullmatch(_VALUE_SIDE, s) or re.fullmatch(sets, s) for s in sides)


def _unindexed(tex: str) -> str:
    return re.sub(r"\^\{?[\[(][^{}]*[\])]\}?", "", tex).strip()


def is_alias(tex: str) -> bool:
    """A short name for an indexed one: $W = W^{[l]}$, $z = z^{[L]}$, $a = a^{[l-1]}$."""
    sides = [s.strip() for s in re.split(r"(?<![<>\\])=", tex.strip().rstrip(".,;:"))]
    return (len(sides) >= 2 and all(is_bare(s) for s in sides)
            and len({_unindexed(s) for s in sides}) == 1 and len(set(sides)) > 1)


def kind(formula: Formula) -> str:
    """"bare" (a symbol or a shape), "value" (a value or condition), "factor", "alias" or "formula"."""
    if formula.where == "answer":
        return "formula"
    if is_bare(formula.tex):
        return "bare"
    if is_value_or_condition(formula.tex):
        return "value"
    if is_factor(formula.tex):
        return "factor"
    if is_alias(formula.tex):
        return "alias"
    return "formula"
