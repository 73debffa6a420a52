"""The register of checked formulas (tests/formula_checks.yaml): formulas a page writes in
prose that are not steps of its derivations, each with the expression the tests prove.

An entry is tied to what the reader sees by the printer: the expression in `show`, printed by
the site's own TeX printer, must be the formula's TeX (in the normal form of formula_match).
It is then proved by the derivation checker, so a wrong formula cannot pass as a checked one:

    - tex: 'dZ = A - Y'              # the formula as the page writes it (an expression alone:
                                     # its shapes fit, or, marked wrong, do not)
      context: dls-output            # symbols, sizes, matrices, define, names, functions
      # without `show`, the TeX itself is read back (tests/tex_reader.py) in the context's
      # names and proved there; with `show`, the expression must print as the TeX:
      pages: [dz-a-minus-y.md]       # optional: only on these pages (default: any page)
      context: dls-output            # symbols, sizes, matrices, define, names, functions
      show: dZ = A - Y               # derivation syntax; `a = b = c` proves each `=`
      wrong: true                    # optional: the formula is wrong, and must be disproved

An entry without `=` (an expression named in prose, such as `W2.T @ dZ2`) is checked to
evaluate: its names are defined and its shapes conform.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from hooks.math.derivation import (
    RELATION,
    Checker,
    Derivation,
    DerivationError,
    Step,
    TexPrinter,
    _parse_expr,
)
from tests.formula_holds import CachedChecker, conforms, verdict
from tests.formula_match import norm, split_relations
from tests.tex_reader import names_of

REGISTER = Path(__file__).with_name("formula_checks.yaml")
CONTEXT_KEYS = ("symbols", "sizes", "matrices", "define", "names", "functions", "layers")


@dataclass
class Entry:
    tex: str
    show: str
    pages: tuple[str, ...]
    context: dict
    wrong: bool
    index: int

    def where(self) -> str:
        return f"tests/formula_checks.yaml, entry {self.index + 1} (`{self.tex}`)"

    def applies_to(self, page: str) -> bool:
        return not self.pages or page.removeprefix("docs/") in self.pages


def load(text: str | None = None) -> list[Entry]:
    data = yaml.safe_load(text if text is not None else REGISTER.read_text("utf8")) or {}
    contexts = data.get("contexts") or {}
    entries = []
    for k, raw in enumerate(data.get("checks") or []):
        context: dict = {}
        named = raw.get("context")
        layers = [contexts[name] or {} for name in ([named] if isinstance(named, str) else named or [])]
        for source in layers + [{k: raw[k] for k in CONTEXT_KEYS if k in raw}]:
            for key, value in source.items():
                merge = isinstance(value, dict) and isinstance(context.get(key), dict)
                context[key] = {**context[key], **value} if merge else value
        entries.append(Entry(str(raw["tex"]), str(raw.get("show", "")), tuple(raw.get("pages") or ()),
                             context, bool(raw.get("wrong", False)), k))
    return entries


def derivation_of(entry: Entry) -> Derivation:
    ctx = entry.context
    deriv = Derivation(
        id="register", steps=[],
        symbols={str(k): str(v) for k, v in (ctx.get("symbols") or {}).items()},
        define={str(k): str(v) for k, v in (ctx.get("define") or {}).items()},
        matrices={str(k): list(v) for k, v in (ctx.get("matrices") or {}).items()},
        sizes={str(k): int(v) for k, v in (ctx.get("sizes") or {}).items()},
        names={str(k): str(v) for k, v in (ctx.get("names") or {}).items()},
        functions={str(k): str(v) for k, v in (ctx.get("functions") or {}).items()},
        layers=bool(ctx.get("layers", False)), page="tests/formula_checks.yaml", line=entry.index + 1,
    )
    parts = [p.strip() for p in RELATION.split(entry.show)]
    where = entry.where()
    nodes = [_parse_expr(p, where) for p in parts]
    if len(nodes) == 1:  # an expression alone: it must evaluate, so `X = X` is the step
        nodes = nodes * 2
    deriv.steps.append(Step("first", nodes[0], nodes[1], parts[0], parts[-1],
                            wrong="wrong" if entry.wrong else None))
    for k, node in enumerate(nodes[2:], start=2):
        deriv.steps.append(Step(f"more-{k}", None, node, None, parts[k]))
    return deriv


def printed(entry: Entry) -> str:
    """The entry's expression as the site's printer writes it."""
    deriv = derivation_of(entry)
    printer = TexPrinter(deriv)
    sides = [printer.tex(deriv.steps[0].lhs)] + [printer.tex(s.rhs) for s in deriv.steps]
    if RELATION.search(entry.show) is None:
        sides = sides[:1]
    return " = ".join(sides)


def context_checker(entry: Entry):
    """(checker, names) of an entry's context, for reading its TeX back (one per context)."""
    key = repr(sorted(entry.context.items()))
    if key not in _CHECKERS:
        deriv = derivation_of(Entry(entry.tex, "0", entry.pages, entry.context, False, entry.index))
        _CHECKERS[key] = CachedChecker(deriv), names_of(deriv)
    return _CHECKERS[key]


_CHECKERS: dict = {}


def verify(entry: Entry) -> str | None:
    """None when the entry is printed as its TeX and proved (or, if wrong, disproved)."""
    if not entry.show and not split_relations(entry.tex)[1]:  # an expression alone
        fits = conforms(entry.tex, *context_checker(entry))
        if fits is (not entry.wrong):
            return None
        return f"{entry.where()}: read back in its context's names, its shapes " + (
            "fit (it is marked wrong, so they must not)" if fits else "do not fit, or it cannot be read")
    if not entry.show:
        found = verdict(entry.tex, [context_checker(entry)])
        if found == ("fails" if entry.wrong else "holds"):
            return None
        return f"{entry.where()}: read back in its context's names, it {found}" + (
            " (it is marked wrong, so it must fail)" if entry.wrong else "")
    try:
        shown = printed(entry)
        if norm(shown) != norm(entry.tex):
            return f"{entry.where()}: `{entry.show}` prints as `{shown}`, not as the page's TeX"
        Checker(derivation_of(entry)).check()
    except DerivationError as err:
        return f"{entry.where()}: {err}"
    return None


@functools.lru_cache(maxsize=1)
def by_tex() -> dict[str, list[Entry]]:
    table: dict[str, list[Entry]] = {}
    for entry in load():
        table.setdefault(norm(entry.tex), []).append(entry)
    return table


def registered(tex: str, page: str, wrong: bool = False) -> Entry | None:
    """The register entry for this formula on this page (a wrong one for a formula marked wrong)."""
    for entry in by_tex().get(norm(tex), []):
        if entry.applies_to(page) and entry.wrong == wrong:
            return entry
    return None


@functools.lru_cache(maxsize=1)
def _contexts() -> list[tuple[tuple[str, ...], object, object]]:
    data = yaml.safe_load(REGISTER.read_text("utf8")) or {}
    out = []
    for name, context in (data.get("contexts") or {}).items():
        context = dict(context or {})
        pages = tuple(context.pop("pages", ()) or ())
        entry = Entry(name, "0", pages, context, False, -1)
        checker, names = context_checker(entry)
        out.append((pages, checker, names))
    return out


def contexts_for(page: str) -> list:
    """(checker, names) of each register context a page may use: a formula written in one of
    them and holding there is checked (formula_holds), with no entry of its own."""
    return [(checker, names) for pages, checker, names in _contexts()
            if not pages or page.removeprefix("docs/") in pages]
