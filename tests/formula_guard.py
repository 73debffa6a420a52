"""The formula guard: every formula a reader sees outside the printed steps is accounted for.

A formula (anything beyond a bare symbol, a shape, a value given to a symbol or a condition
on one, see formula_inventory.kind) must be one of:

- (a) "inserted":   `\\step{id}` in the page's math, which hooks/math/formula_refs.py replaces
                    by that step as its derivation prints it (one source);
      "proved":     a checked step of its page, a chain of its checked equalities, or a piece
                    of one (formula_match);
- (b) "registered": proved by an entry of tests/formula_checks.yaml (formula_register);
      "holds":      read back in the names of one of its page's derivations, or of a context of
                    the register, it is proved by that derivation's checker (formula_holds);
- (c) "quoted":     marked `${.quoted}` on the page, a course or forum text quoted as written;
      "wrong":      marked `${.wrong}`, and disproved: a wrong step of its page or a wrong entry
                    of the register.

The front-matter `answer` is plain Unicode: formula_answers checks it against the register.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from hooks.math.formula_refs import REFERENCE, step_tex
from tests.formula_holds import evaluates_in, holds_in, holds_on_page, page_contexts
from tests.formula_inventory import DOCS, Formula, formulas_in, kind
from tests.formula_match import _facts_of, derivation_sources, disproved_on_page, proved_on_page
from tests.formula_register import contexts_for, registered

BACKLOG = Path(__file__).with_name("formula_backlog.txt")


def status(formula: Formula, facts, text: str = "") -> str:
    """How a formula is accounted for, or "unchecked" / "wrong-not-disproved" / "unresolved"."""
    if "\\step" in formula.tex:
        steps = step_tex(text, formula.page) if text else {}
        ids = [m["id"] for m in REFERENCE.finditer(formula.tex)]
        return "inserted" if ids and all(i in steps for i in ids) else "unresolved"
    if formula.marker == "quoted":
        return "quoted"
    if formula.marker == "wrong":
        if disproved_on_page(formula.tex, facts) or registered(formula.tex, formula.page, wrong=True):
            return "wrong"
        return "wrong-not-disproved"
    if proved_on_page(formula.tex, facts):
        return "proved"
    if registered(formula.tex, formula.page):
        return "registered"
    if text and holds_on_page(formula.tex, text, formula.page):
        return "holds"
    if holds_in(formula.tex, contexts_for(formula.page)):
        return "holds"
    if text and evaluates_in(formula.tex, page_contexts(text, formula.page) + contexts_for(formula.page)):
        return "conforms"
    return "unchecked"


def page_report(text: str, page: str, lines: set[int] | None = None) -> list[tuple[Formula, str]]:
    """Every formula of a page that needs an account (or only those on `lines`), with its status."""
    sources = derivation_sources(text)
    out = []
    for formula in formulas_in(text, page):
        if formula.where == "answer" or (lines is not None and formula.line not in lines):
            continue  # plain Unicode: formula_answers
        if kind(formula) == "formula":
            out.append((formula, _status(formula.tex, formula.marker, page, sources, text)))
    return out


_STATUS: dict = {}


def _status(tex: str, marker: str, page: str, sources, text: str) -> str:
    """status(), remembered for a formula on a page with the same derivations: a test that edits
    one formula of a page works out only that one again."""
    key = (tex, marker, page, sources)
    if key not in _STATUS:
        formula = Formula(page, 0, tex, "prose", marker)
        _STATUS[key] = status(formula, _facts_of(text, page), text)
    return _STATUS[key]


def backlog() -> set[tuple[str, str]]:
    """Formulas not yet accounted for, listed so that any new or edited one still fails."""
    if not BACKLOG.exists():
        return set()
    rows = [line.split("\t", 1) for line in BACKLOG.read_text("utf8").splitlines()
            if line.strip() and not line.startswith("#")]
    return {(page, tex) for page, tex in rows}


def site_report() -> list[tuple[Formula, str]]:
    return [row for path in sorted(DOCS.glob("*.md"))
            for row in page_report(path.read_text("utf8"), f"docs/{path.name}")]


def problems(report, waived: set[tuple[str, str]]) -> list[str]:
    bad = []
    for formula, state in report:
        if state == "unresolved":
            bad.append(f"{formula}: \\step{{…}} names no derivation step of this page")
        elif state == "wrong-not-disproved":
            bad.append(f"{formula}: marked wrong, but no wrong step or register entry disproves it")
        elif state == "unchecked" and (formula.page, formula.tex) not in waived:
            bad.append(f"{formula}: not a checked step, not in tests/formula_checks.yaml, "
                       "not marked {.quoted} or {.wrong}")
    return bad


def counts(report) -> Counter:
    return Counter(state for _, state in report)


if __name__ == "__main__":  # python -m tests.formula_guard: the counts, and what is unchecked
    import sys

    from tests.formula_inventory import all_formulas

    found = all_formulas()
    report = site_report()
    print(f"math outside the fences: {len(found)} pieces; needing an account: {len(report)}")
    print("kinds:", dict(Counter(kind(f) for f in found)))
    print("accounts:", dict(counts(report)))
    if "--unchecked" in sys.argv:
        for formula, state in report:
            if state == "unchecked":
                print(formula)
    if "--shrink-backlog" in sys.argv:  # drop what is now checked, marked or gone; add nothing
        from tests.formula_answers import answer_problems

        still = {(f.page, f.tex) for f, state in report if state == "unchecked"}
        pending = {line.split(":")[0] for line in answer_problems()}
        lines = BACKLOG.read_text("utf8").splitlines()
        kept = [line for line in lines if line.startswith("#") or not line.strip()
                or tuple(line.split("\t", 1)) in still
                or (line.split("\t", 1)[1].startswith("answer: ") and line.split("\t", 1)[0] in pending)]
        BACKLOG.write_text("\n".join(kept) + "\n", "utf8")
        print(f"backlog: {len(lines) - len(kept)} entries dropped, {len(kept)} lines kept")
