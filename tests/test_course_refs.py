"""Course, week, video, lab and equation numbers live in snippets/course_refs.yml, once; pages cite
them by key, the build puts the text in, and a wrong key fails naming page and line."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from types import SimpleNamespace

import pytest
import yaml
from mkdocs.exceptions import PluginError

from hooks.math.fences import iter_fences
from hooks.page.course_refs import CITATION, DATA, cite, on_page_markdown, references
from tests.conftest import DOCS, ROOT, make_project, small_build

ENTRIES = yaml.safe_load(DATA.read_text("utf8"))["refs"]
PAGES = sorted(DOCS.glob("*.md"))

# A course number typed into a page instead of cited: these fail the page check below.
TYPED = re.compile(
    r"\bWeeks?\s+\d|\bCourses?\s+\d|\bLabs?\s+\d|\b[Ee]quations?\s+\(|\beq\.\s*\(?\d|\b[Ss]ections?\s+\d"
    r"|\bvideos?\s+\"|\bslide\s+\"|\bAssignment\s+\d|\bC\dW\d"
)
# What a text says, read back for the consistency check.
SAYS = {
    "number": re.compile(r"\bCourses?\s+(\d)(?:\s+and\s+(\d))?"),
    "week": re.compile(r"\bWeeks?\s+(\d)(?:\s+and\s+(\d))?"),
    "lab": re.compile(r"\bLab\s+(\d)"),
    "assignment": re.compile(r"\bAssignment\s+(\d)"),
}
NUMBERED = re.compile(
    r"\b(?P<what>[Ee]quation|[Ss]ection)s?\s+(?P<shown>(?:\(\d[\d.]*\)|D\.\d+|\d[\d.]*)(?:\s*(?:–|and)\s*\(\d[\d.]*\))?)"
)


def numbers(text) -> set[str]:
    return set(re.findall(r"D\.\d+|\d+(?:\.\d+)?", str(text or "")))


def texts(entry: dict) -> list[str]:
    return [entry["text"], *(entry.get("forms") or {}).values()]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def citations() -> list[tuple[str, int, str, str | None]]:
    found = []
    for page in PAGES:
        for number, line in enumerate(page.read_text("utf8").split("\n"), start=1):
            for match in CITATION.finditer(line):
                found.append((page.name, number, match["key"], match["form"]))
    return found


# --- the hook -------------------------------------------------------------------------------------

REFS = {"lab": {None: 'Lab 2 "Classification with Perceptron"', "short": "Lab 2"},
        "video": {None: "\"Logistic Regression's Gradient\""}}


def test_a_citation_is_replaced_by_its_text_and_form():
    page = "\n".join([
        "See [[course:lab]], or [[course:lab/short]] for short.",
        "| Course | Where |",
        "| [[course:lab/short]] | video [[course:video]] |",
        "Code keeps it: `[[course:lab]]`.",
        "```python",
        "x = '[[course:lab]]'",
        "```",
        "```derivation",
        "why: 'as in [[course:video]]'",
        "```",
    ])
    assert cite(page, "docs/p.md", REFS).split("\n") == [
        'See Lab 2 "Classification with Perceptron", or Lab 2 for short.',
        "| Course | Where |",
        "| Lab 2 | video \"Logistic Regression's Gradient\" |",
        "Code keeps it: `[[course:lab]]`.",
        "```python",
        "x = '[[course:lab]]'",
        "```",
        "```derivation",
        "why: 'as in \"Logistic Regression''s Gradient\"'",  # single-quoted YAML: the ' is doubled
        "```",
    ]


def page_object(tmp_path, source: str):
    path = tmp_path / "p.md"
    path.write_text(source, "utf8")
    markdown = source.split("---\n", 2)[2]  # what MkDocs hands the hook: no front matter
    return markdown, SimpleNamespace(file=SimpleNamespace(src_uri="p.md", abs_src_path=str(path)))


def test_an_unknown_key_names_page_and_line(tmp_path):
    markdown, page = page_object(tmp_path, "---\ntitle: T\n---\n\n# T\n\nSee [[course:no-such-key]].\n")
    with pytest.raises(PluginError) as error:
        on_page_markdown(markdown, page, None, None)
    assert str(error.value) == (
        "docs/p.md:7: unknown course reference 'no-such-key' (keys: snippets/course_refs.yml)"
    )


def test_an_unknown_form_names_page_line_and_the_forms_there_are(tmp_path):
    markdown, page = page_object(tmp_path, "---\ntitle: T\n---\n\n[[course:dls-c1w3/month]]\n")
    with pytest.raises(PluginError) as error:
        on_page_markdown(markdown, page, None, None)
    assert str(error.value) == (
        "docs/p.md:5: course reference 'dls-c1w3' has no form 'month' (forms: full, week)"
    )


def test_an_unknown_key_fails_the_strict_build(tmp_path):
    # The site's configuration with only this hook and no other plugin, so the build takes
    # seconds; the full configuration registers the same hook (next test).
    page = "---\ntitle: A page\n---\n\n# A page\n\nAs in [[course:dls-c1w9]].\n"
    config = make_project(tmp_path, {"index.md": page})
    only_this_hook = "plugins: [search]\nhooks: [hooks/page/course_refs.py]\n"
    config.write_text(config.read_text("utf8") + only_this_hook, "utf8")
    result = small_build(tmp_path / "site", config, cwd=tmp_path)
    assert result.returncode != 0
    assert "docs/index.md:7: unknown course reference 'dls-c1w9'" in result.stdout + result.stderr


def test_the_site_runs_the_hook_before_any_other():
    config = yaml.safe_load(re.sub(r"!!python\S+|!ENV", "", (ROOT / "mkdocs.yml").read_text("utf8")))
    assert config["hooks"][0] == "hooks/page/course_refs.py"


def test_the_built_pages_show_the_texts_and_no_citation(built_site):
    for html in built_site.rglob("*.html"):
        assert "[[course:" not in html.read_text("utf8"), html
    page = (built_site / "dz-a-minus-y" / "index.html").read_text("utf8")
    assert 'Lab 2 "Classification with Perceptron", equations (6)–(7)' in page


# --- the data file ------------------------------------------------------------------------------

def test_every_citation_on_the_pages_resolves():
    refs = references()
    bad = [f"docs/{p}:{n}: [[course:{k}{'/' + f if f else ''}]]"
           for p, n, k, f in citations() if k not in refs or f not in refs[k]]
    assert not bad, "\n".join(bad)


def test_every_entry_and_every_form_is_cited():
    used = {(k, f) for _, _, k, f in citations()}
    cited = {k for k, _ in used}
    unused = [key for key in ENTRIES if key not in cited]
    unused += [f"{key}/{form}" for key, entry in ENTRIES.items()
               for form in entry.get("forms") or {} if (key, form) not in used]
    assert not unused, f"entries or forms no page cites: {unused}"


def disagreements(key: str, entry: dict) -> list[str]:
    """Where an entry's texts show a number or title its fields do not have."""
    found = []
    if not (entry.get("text") and entry.get("course")):
        found.append(f"{key}: needs a text and a course")
    for text in texts(entry) if entry.get("text") else []:
        for field, pattern in SAYS.items():
            for match in pattern.finditer(text):
                shown = [int(n) for n in match.groups() if n]
                if field not in entry or shown != as_list(entry[field])[: len(shown)]:
                    found.append(f"{key}: {text!r} shows {field} {shown}, the entry says {entry.get(field)}")
        for match in NUMBERED.finditer(text):
            field = match["what"].lower()
            shown = match["shown"]
            if not numbers(shown) <= numbers(entry.get(field)) | numbers(entry.get("older")):
                found.append(f"{key}: {text!r} shows {field} {shown}, the entry says {entry.get(field)}")
        for title in re.findall(r'"([^"]+)"', text):
            if not entry.get("title", "").startswith(title):
                found.append(f"{key}: {text!r} quotes {title!r}, the entry's title is {entry.get('title')!r}")
    if "equation" in entry and not entry.get("formula"):
        found.append(f"{key}: an equation entry names its formula")
    if "equation" in entry and entry["equation"] is None and any("quation" in t for t in texts(entry)):
        found.append(f"{key}: no number is known, so the text shows none")
    return found


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_each_text_shows_its_own_numbers(key):
    assert disagreements(key, ENTRIES[key]) == []


def test_the_data_check_finds_a_wrong_number():
    wrong = {"text": 'Lab 2 "Classification with Perceptron", equation (7)',
             "forms": {"week": "Week 4"}, "course": "M4ML", "number": 2, "week": 3, "lab": 2,
             "title": "Classification with Perceptron", "equation": "(8)", "formula": "f"}
    assert disagreements("k", wrong) == [
        "k: 'Lab 2 \"Classification with Perceptron\", equation (7)' shows equation (7), the entry says (8)",
        "k: 'Week 4' shows week [4], the entry says 3",
    ]


def test_one_title_has_one_course_and_week():
    seen = defaultdict(set)
    for entry in ENTRIES.values():
        if "title" in entry:
            seen[entry["title"]].add((entry["course"], entry.get("number"), str(entry.get("week"))))
    assert {t: s for t, s in seen.items() if len(s) > 1} == {}


def test_one_formula_has_one_entry_so_one_equation_number():
    owners = defaultdict(list)
    for key, entry in ENTRIES.items():
        if entry.get("formula"):
            owners[entry["formula"]].append(key)
    assert {f: keys for f, keys in owners.items() if len(keys) > 1} == {}


def test_lab_two_matrix_gradient_has_one_entry_and_no_guessed_number():
    # Pages once called (1/m)(A − Y)Xᵀ equation (7) on one page and (8) on another.
    keys = [k for k, e in ENTRIES.items() if e.get("formula") == "∂ℒ/∂W = (1/m)(A − Y)Xᵀ"]
    assert keys == ["m4ml-lab2-dw"] and ENTRIES["m4ml-lab2-dw"]["equation"] is None


# --- the pages ----------------------------------------------------------------------------------

def typed_numbers(path) -> list[str]:
    """Lines that type a course number instead of citing it (front matter and code excepted)."""
    text = path.read_text("utf8")
    lines = text.split("\n")
    skip = set()
    if text.startswith("---"):
        skip |= set(range(text[: text.index("\n---", 3)].count("\n") + 1))
    for fence in iter_fences(text):
        if fence.language != "derivation":
            skip |= set(range(fence.line - 1, fence.end))
    found = []
    for number, line in enumerate(lines):
        prose = re.sub(r"`[^`]*`", "", CITATION.sub("", line))
        if number not in skip and TYPED.search(prose):
            found.append(f"docs/{path.name}:{number + 1}: {line.strip()[:100]}")
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_page_types_a_course_or_equation_number(page):
    found = typed_numbers(page)
    assert not found, "cite these from snippets/course_refs.yml:\n" + "\n".join(found)


def test_the_page_check_finds_a_typed_number(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("---\ntitle: T\n---\n\nIn Lab 2, equation (8) and [[course:dls-c1w3]].\n", "utf8")
    assert typed_numbers(page) == ["docs/p.md:5: In Lab 2, equation (8) and [[course:dls-c1w3]]."]


def test_the_notebook_names_courses_as_the_data_file_does():
    # A notebook is not run through the page hooks (and is downloaded as it is), so it keeps its
    # wording; each course and week it names must be a text of the data file.
    notebook = json.loads((DOCS / "two-layer-network.ipynb").read_text("utf8"))
    cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "markdown"]
    prose = "\n".join("".join(cell["source"]) for cell in cells)
    known = {text for entry in ENTRIES.values() for text in texts(entry)}
    named = re.findall(r"\b(?:DLS|MLS|M4ML) Course \d(?:, Weeks? \d(?: and \d)?)?", prose)
    assert named and set(named) <= known, set(named) - known
    rest = re.sub("|".join(map(re.escape, named)), "", prose)
    assert [line for line in rest.split("\n") if TYPED.search(line)] == []


KNOWN_TEXTS = sorted({text for entry in ENTRIES.values() for text in texts(entry)}, key=len, reverse=True)


def names_an_unknown_number(line: str) -> bool:
    for text in KNOWN_TEXTS:
        line = line.replace(text, "")
    return bool(TYPED.search(line))


def test_code_names_only_numbers_the_data_file_has():
    # Code cannot cite, so a course number in a code comment must be one of the data file's texts
    # (the equation number of a formula, for example, is then the one the prose shows).
    stray = []
    for page in PAGES:
        text = page.read_text("utf8")
        lines = text.split("\n")
        for fence in iter_fences(text):
            if fence.language != "derivation":
                stray += [f"docs/{page.name}:{n + 1}: {lines[n].strip()}"
                          for n in range(fence.line, fence.end - 1) if names_an_unknown_number(lines[n])]
    assert stray == []
    assert not names_an_unknown_number("dW1 = bracket @ X.T / m  # equation (13)")
    assert names_an_unknown_number("dW1 = bracket @ X.T / m  # equation (14)")
