"""Replace each `[[course:key]]` citation with its text from data/course_refs.yml, the one
place where course, week, video, lab and equation numbers are written."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from mkdocs.exceptions import PluginError

from hooks.math.fences import OPEN

DATA = Path(__file__).resolve().parents[2] / "data" / "course_refs.yml"
CITATION = re.compile(r"\[\[course:(?P<key>[^\]\s]*)\]\]")
CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> dict[str, str]:
    entries = yaml.safe_load(Path(path).read_text("utf8"))["refs"]
    return {key: " ".join(str(entry["text"]).split()) for key, entry in entries.items()}


def references(path: Path = DATA) -> dict[str, str]:
    """key -> the text a page shows for it (re-read when the file changes, as under `make live`)."""
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


def cite(markdown: str, where: str, refs: dict[str, str] | None = None, first_line: int = 1) -> str:
    """The page with every citation replaced; an unknown key fails, naming page and line.

    Citations inside a `derivation` fence sit in single-quoted YAML (`why:`, `wrong:`), so an
    apostrophe in the text is doubled there; other fences are code and are left alone."""
    refs = references() if refs is None else refs
    lines = markdown.split("\n")
    fence_close, in_derivation = None, False
    for number, line in enumerate(lines, start=first_line):
        if fence_close is not None:
            if fence_close.match(line):
                fence_close = None
                continue
            if not in_derivation:
                continue
        else:
            opening = OPEN.match(line)
            if opening:
                marker = opening["fence"]
                fence_close = re.compile(rf"^{re.escape(opening['indent'])}{marker[0]}{{{len(marker)},}}\s*$")
                in_derivation = opening["info"].strip() == "derivation"
                continue

        def replace(match: re.Match, number=number, quoted=in_derivation and fence_close is not None) -> str:
            key = match["key"]
            if key not in refs:
                raise PluginError(
                    f"{where}:{number}: unknown course reference '{key}' "
                    f"(the keys are in {DATA.relative_to(DATA.parents[1])})"
                )
            return refs[key].replace("'", "''") if quoted else refs[key]

        if "[[course:" in line:
            lines[number - first_line] = _replace_outside_code(line, replace)
    return "\n".join(lines)


def on_page_markdown(markdown: str, page, config, files) -> str:
    # MkDocs has cut the front matter off; count its lines so errors name the file's own line.
    source = Path(page.file.abs_src_path).read_text("utf8") if page.file.abs_src_path else ""
    skipped = source[: len(source) - len(markdown)].count("\n") if source.endswith(markdown) else 0
    return cite(markdown, f"docs/{page.file.src_uri}", first_line=skipped + 1)
