"""Replace each course citation, `[[course:key]]` or `[[course:key/form]]`, with its text from
snippets/course_refs.yml, the one place where course, week, video, lab and equation numbers are written."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

from hooks.math.fences import OPEN

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "snippets" / "course_refs.yml"
# `/`, not `|`, before the form: a citation often sits in a table cell.
CITATION = re.compile(r"\[\[course:(?P<key>[^\]\s/]*)(?:/(?P<form>[^\]\s]*))?\]\]")
CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> dict[str, dict[str | None, str]]:
    entries = yaml.load(Path(path).read_text("utf8"), Loader=yaml.CSafeLoader)["refs"]
    return {
        key: {None: entry["text"], **(entry.get("forms") or {})}
        for key, entry in entries.items()
    }


def references(path: Path = DATA) -> dict[str, dict[str | None, str]]:
    """key -> {form -> text}, the entry's `text` under None (re-read when the file changes)."""
    return _load(str(path), path.stat().st_mtime)


def _replace_outside_code(line: str, replace) -> str:
    """Cite in prose, tables and notes, never inside a code span."""
    out, last = [], 0
    for span in CODE_SPAN.finditer(line):
        out.append(CITATION.sub(replace, line[last:span.start()]))
        out.append(span.group(0))
        last = span.end()
    out.append(CITATION.sub(replace, line[last:]))
    return "".join(out)


def cite(markdown: str, where: str, refs=None, first_line: int = 1) -> str:
    """The page with every citation replaced; an unknown key or form fails, naming page and line.

    Inside a `derivation` fence a citation sits in single-quoted YAML (`why:`, `wrong:`,
    `names:`), so an apostrophe in its text is doubled there; other fences are code, left alone."""
    refs = references() if refs is None else refs
    lines = markdown.split("\n")
    fence_close, in_derivation = None, False
    for number, line in enumerate(lines, start=first_line):
        if fence_close is not None and fence_close.match(line):
            fence_close = None
            continue
        if fence_close is None:
            opening = OPEN.match(line)
            if opening:
                marker = opening["fence"]
                fence_close = re.compile(rf"^{re.escape(opening['indent'])}{marker[0]}{{{len(marker)},}}\s*$")
                in_derivation = opening["info"].strip() == "derivation"
                continue
        quoted = fence_close is not None
        if (quoted and not in_derivation) or "[[course:" not in line:
            continue

        def replace(match: re.Match, number=number, quoted=quoted) -> str:
            key, form = match["key"], match["form"]
            if key not in refs:
                raise PluginError(
                    f"{where}:{number}: unknown course reference '{key}' (keys: {DATA.relative_to(ROOT)})"
                )
            if form not in refs[key]:
                forms = ", ".join(sorted(f for f in refs[key] if f)) or "none"
                raise PluginError(
                    f"{where}:{number}: course reference '{key}' has no form '{form}' (forms: {forms})"
                )
            text = refs[key][form]
            return text.replace("'", "''") if quoted else text

        lines[number - first_line] = _replace_outside_code(line, replace)
    return "\n".join(lines)


def on_page_markdown(markdown: str, page, config, files) -> str:
    # MkDocs has cut the front matter off; count its lines so errors name the file's own line.
    source = Path(page.file.abs_src_path).read_text("utf8") if page.file.abs_src_path else ""
    skipped = source[: len(source) - len(markdown)].count("\n") if source.endswith(markdown) else 0
    return cite(markdown, f"docs/{page.file.src_uri}", first_line=skipped + 1)
