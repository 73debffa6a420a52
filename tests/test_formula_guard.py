"""No unchecked formula anywhere a reader looks (prose, tables, admonitions, the short answer,
the notes of derivation steps and the front-matter answer). How: tests/formula_guard.py."""

from __future__ import annotations

import re

import pytest

from tests.formula_answers import answer_problems, load_answers
from tests.formula_guard import BACKLOG, backlog, counts, page_report, problems, site_report
from tests.formula_inventory import DOCS, all_formulas, kind
from tests.formula_match import norm
from tests.formula_register import load, verify


def test_every_formula_is_proved_registered_or_marked():
    """One test reads the whole site (about 4 s): under pytest-xdist only one worker pays for it."""
    report = site_report()
    bad = problems(report, backlog())
    assert not bad, f"{len(bad)} formula(s) unaccounted for:\n" + "\n".join(bad)

    # the backlog lists only formulas still unchecked: it shrinks as they are checked
    unchecked = {(f.page, f.tex) for f, state in report if state == "unchecked"}
    stale = sorted(row for row in backlog() - unchecked if not row[1].startswith("answer: "))
    assert not stale, f"{BACKLOG.name}: remove these (now checked, marked or gone; " \
        "python -m tests.formula_guard --shrink-backlog):\n" + "\n".join(f"{p}\t{t}" for p, t in stale)

    # every register entry is used by a page or an answer
    used = {norm(f.tex) for f, state in report if state in ("registered", "wrong")}
    used |= {norm(entry["tex"]) for entry in load_answers()}
    unused = [e.where() for e in load() if norm(e.tex) not in used]
    assert not unused, "register entries no page uses:\n" + "\n".join(unused)

    # the pages use every kind of account
    tally = counts(report)
    assert tally["quoted"] >= 40 and tally["wrong"] >= 3 and tally["inserted"] >= 10, tally
    assert tally["proved"] + tally["registered"] + tally["holds"] > 400, tally


def test_every_register_entry_is_printed_as_written_and_proved():
    bad = [message for entry in load() if (message := verify(entry))]
    assert not bad, "\n".join(bad)


def test_every_answer_is_checked_against_checked_formulas():
    bad = answer_problems(waived=backlog())
    assert not bad, "\n".join(bad)


def test_the_inventory_sees_every_kind_of_place():
    formulas = all_formulas()
    places = {f.where for f in formulas}
    assert places == {"prose", "display", "note", "formula", "answer"}
    kinds = {kind(f) for f in formulas}
    assert {"bare", "value", "formula"} <= kinds


def test_bare_symbols_and_shapes_need_nothing():
    from tests.formula_inventory import Formula
    for tex in ["A^{[l-1]}", "(n^{[l]}, m)", "dZ^{[2]}", r"\hat{y}", "(n_x \\times m)", "m = 3", "z > 0"]:
        assert kind(Formula("docs/x.md", 1, tex, "prose")) in ("bare", "value"), tex
    for tex in [r"W^{[l]\top}", "a(1-a)", r"\frac{\partial L}{\partial z}", "dZ = A - Y", r"u' = 0"]:
        assert kind(Formula("docs/x.md", 1, tex, "prose")) == "formula", tex


# --- a deliberately broken formula in prose fails, naming page and line ---------------------

def broken(page: str, good: str, bad: str) -> tuple[int, list[str]]:
    text = (DOCS / page).read_text("utf8")
    assert good in text, f"the mutation no longer matches docs/{page}"
    line = text[: text.index(good.lstrip("\n"))].count("\n") + 1
    report = page_report(text.replace(good, bad, 1), f"docs/{page}", lines={line})
    return line, problems(report, backlog())


MUTATIONS = [
    # (page, formula as written, the slip): a dropped transpose, a lost 1/m, a flipped sign,
    # an inverted chain rule, and a flipped sign in the softmax page's front-matter formula
    ("assignment-vs-slides.md", "$dA^{[l-1]} = W^{[l]\\top} dZ^{[l]}$, and",
     "$dA^{[l-1]} = W^{[l]} dZ^{[l]}$, and"),
    ("dz-a-minus-y.md", r"is $\frac{\partial J}{\partial Z} = \frac{1}{m}(A - Y)$",
     r"is $\frac{\partial J}{\partial Z} = (A - Y)$"),
    ("dz-a-minus-y.md", "\ndZ = A - Y \\qquad", "\ndZ = Y - A \\qquad"),
    ("dz-a-minus-y.md", r"\frac{\partial L}{\partial a}\cdot\frac{\partial a}{\partial z}.",
     r"\frac{\partial L}{\partial a}\cdot\frac{\partial z}{\partial a}."),
    ("softmax-cross-entropy.md", "y_k - y_j = a_j - y_j'", "y_k - y_j = y_j - a_j'"),
]
MUTATION_NAMES = ["dropped-transpose", "lost-1-over-m", "flipped-sign", "inverted-chain-rule",
                  "flipped-sign-in-a-generic-index"]


@pytest.mark.parametrize(("page", "good", "bad"), MUTATIONS, ids=MUTATION_NAMES)
def test_a_broken_formula_fails_naming_page_and_line(page, good, bad):
    line, unbroken = broken(page, good, good)
    assert not [p for p in unbroken if p.startswith(f"docs/{page}:{line}: ")], "the formula must pass first"
    line, found = broken(page, good, bad)
    assert any(re.match(rf"docs/{re.escape(page)}:{line}: ", p) for p in found), found


def test_a_true_formula_marked_wrong_fails():
    page = "dz-a-minus-y.md"
    text = (DOCS / page).read_text("utf8")
    good = "$dZ = A - Y$, $dw"
    assert good in text
    line = text[: text.index(good)].count("\n") + 1
    report = page_report(text.replace(good, "$dZ = A - Y${.wrong}, $dw", 1), f"docs/{page}", lines={line})
    found = problems(report, backlog())
    assert any(p.startswith(f"docs/{page}:{line}: ") and "marked wrong" in p for p in found), found


# --- (a) by reference: \step{id} is replaced by the step as its derivation prints it --------

def test_a_step_reference_is_replaced_by_the_printed_step():
    from hooks.math.formula_refs import expand, step_tex

    text = (DOCS / "same-gradient.md").read_text("utf8")
    assert r"$\step{linear-dl-df}$" in text
    lhs, rhs, wrong = step_tex(text)["linear-dl-df"]
    assert not wrong and f"${lhs} = {rhs}$" in expand(text, "docs/same-gradient.md")
    assert r"\step" not in expand(text, "docs/same-gradient.md")


def test_a_reference_to_a_missing_step_fails_naming_page_and_line():
    from mkdocs.exceptions import PluginError

    from hooks.math.formula_refs import expand

    page = "same-gradient.md"
    text = (DOCS / page).read_text("utf8")
    good = r"$\step{linear-dl-df}$"
    line = text[: text.index(good)].count("\n") + 1
    broken_text = text.replace(good, r"$\step{linear-dl-dz}$", 1)
    with pytest.raises(PluginError, match=rf"docs/{page}:{line}: .*linear-dl-dz"):
        expand(broken_text, f"docs/{page}")
    found = problems(page_report(broken_text, f"docs/{page}", lines={line}), backlog())
    assert any(p.startswith(f"docs/{page}:{line}: ") and "names no derivation step" in p for p in found)


def test_a_broken_answer_formula_fails_naming_page_and_line(tmp_path):
    page = DOCS / "dz-a-minus-y.md"
    text = page.read_text("utf8")
    good = "= (a − y)/(a(1 − a)) · a(1 − a) = a − y."
    assert good in text
    copy = tmp_path / page.name
    copy.write_text(text.replace(good, "= (a − y)/(a(1 − a)) · a(1 − a) = y − a.", 1), "utf8")
    assert answer_problems(pages=[page], waived=backlog()) == []
    found = answer_problems(pages=[copy], waived=backlog())
    line = next(k for k, t in enumerate(text.split("\n"), 1) if t.startswith("answer:"))
    assert found and all(p.startswith(f"docs/dz-a-minus-y.md:{line}: ") for p in found), found


def test_marked_formulas_carry_a_visible_label():
    from hooks.math.formula_marks import on_page_content

    html = ('<p>the forum wrote <span class="arithmatex wrong">\\(dW = A^\\top dZ\\)</span> and the '
            'course <span class="arithmatex quoted">\\(dz = a - y\\)</span></p>')
    out = on_page_content(html, None, None, None)
    assert '<span class="formula-label">wrong</span> <span class="arithmatex">\\(dW = A^\\top dZ\\)' in out
    assert '<span class="formula-label">quoted</span> <span class="arithmatex">\\(dz = a - y\\)' in out
    assert 'class="arithmatex wrong"' not in out and 'class="arithmatex quoted"' not in out


def test_no_formula_waits_in_the_backlog():
    # Every formula a reader sees is accounted for; the backlog stays empty, so the guard's
    # rule holds without exception (a new formula must be checked, inserted or marked).
    assert backlog() == set(), sorted(backlog())[:5]
