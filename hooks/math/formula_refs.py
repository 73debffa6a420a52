"""Insert a checked derivation step into prose by reference, so the formula has one source.

Inside math, `\\step{id}` stands for the step with that id on the same page, printed exactly as
its derivation prints it: `lhs = rhs` (for a step that continues a chain, `lhs` is the chain's
left-hand side, which the checker proved equal to it). `\\step[lhs]{id}` and `\\step[rhs]{id}`
insert one side. A wrong step is inserted with `\\neq`. An unknown id fails the strict build.

    The result, $\\step{a-minus-y}$, holds for every example.
"""

from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

from hooks.math.derivation import DerivationError, TexPrinter, parse
from hooks.math.fences import iter_fences

REFERENCE = re.compile(r"\\step(?:\[(?P<part>lhs|rhs)\])?\{(?P<id>[a-z0-9-]+)\}")


def step_tex(markdown: str, page: str = "?") -> dict[str, tuple[str, str, bool]]:
    """(lhs TeX, rhs TeX, wrong) of every derivation step on a page, by step id."""
    steps = {}
    for fence in iter_fences(markdown):
        if fence.language != "derivation":
            continue
        deriv = parse(fence.body, page=page, line=fence.line)
        printer = TexPrinter(deriv)
        chain_lhs = None
        for step in deriv.steps:
            if step.lhs is not None and not step.wrong:
                chain_lhs = step.lhs
            lhs = step.lhs if step.lhs is not None else chain_lhs
            steps[step.id] = (printer.tex(lhs), printer.tex(step.rhs), bool(step.wrong))
    return steps


def expand(markdown: str, page: str = "?") -> str:
    """The page with every `\\step{…}` reference replaced by the step's TeX."""
    if "\\step" not in markdown:
        return markdown
    steps = step_tex(markdown, page)

    def replace(match: re.Match) -> str:
        if match["id"] not in steps:
            line = markdown.count("\n", 0, match.start()) + 1
            raise PluginError(f"{page}:{line}: \\step{{{match['id']}}} names no derivation step on this page")
        lhs, rhs, wrong = steps[match["id"]]
        if match["part"]:
            return lhs if match["part"] == "lhs" else rhs
        relation = r"\neq" if wrong else "="
        return f"{lhs} {relation} {rhs}"

    return REFERENCE.sub(replace, markdown)


def on_page_markdown(markdown: str, page, config, files) -> str:
    try:
        return expand(markdown, page.file.src_uri)
    except DerivationError as err:
        raise PluginError(str(err)) from None
