"""Date each page by its last commit, or by the file's own date where git has no true answer.

Git has no true answer for a file that is untracked or changed since its last commit, when the
build runs outside a git checkout, and in a shallow clone for a file whose last commit is the
clone's cut-off commit (that commit seems to add every file). One `git log` serves all pages.

A page is dated by its source in docs/, even when the build renders another file in its place
(a notebook's executed copy in .cache/). The same date is the page's `lastmod` in the sitemap,
so a build of the same commit gives the same sitemap on any day.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from mkdocs.plugins import event_priority

DATES: dict[Path, str] = {}  # resolved source path -> YYYY-MM-DD of its last commit
SOURCES: dict[str, Path] = {}  # page's src_uri -> its file in docs/, before any hook swaps it


def git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=folder, capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout


def commit_dates(folder: Path) -> dict[Path, str]:
    """The date of the last commit of each file under `folder` that git can vouch for."""
    top = git(folder, "rev-parse", "--show-toplevel")
    log = git(folder, "log", "--format=%x00%H %cs", "--name-only", "--no-renames", "--", ".")
    if not top or log is None:
        return {}
    top_dir = Path(top.strip())
    shallow_file = git(folder, "rev-parse", "--git-path", "shallow")
    cut_off: set[str] = set()
    if shallow_file and (folder / shallow_file.strip()).is_file():
        cut_off = set((folder / shallow_file.strip()).read_text().split())
    dates: dict[Path, str] = {}
    seen: set[Path] = set()
    for block in log.split("\0")[1:]:
        header, _, names = block.partition("\n")
        commit, _, day = header.strip().partition(" ")
        for name in names.split("\n"):
            path = (top_dir / name.strip()).resolve() if name.strip() else None
            if path is None or path in seen:
                continue
            seen.add(path)
            if commit not in cut_off:
                dates[path] = day
    status = git(folder, "status", "--porcelain", "-z", "--untracked-files=all", "--", ".") or ""
    for entry in status.split("\0"):
        if len(entry) > 3:
            dates.pop((top_dir / entry[3:]).resolve(), None)  # changed since its last commit
    return dates


def page_date(path: Path) -> str:
    """The last commit's date, or else the file's modification date."""
    path = path.resolve()
    if path in DATES:
        return DATES[path]
    return dt.date.fromtimestamp(path.stat().st_mtime).isoformat()


def on_pre_build(config) -> None:
    DATES.clear()
    SOURCES.clear()
    DATES.update(commit_dates(Path(config["docs_dir"]).resolve()))


@event_priority(200)  # before hooks/notebooks/notebook_run.py points the page at its executed copy
def on_pre_page(page, config, files):
    if page.file.abs_src_path:
        SOURCES[page.file.src_uri] = Path(page.file.abs_src_path)
    return page


def on_page_markdown(markdown: str, page, config, files) -> str:
    source = SOURCES.get(page.file.src_uri)
    if source is not None:
        date = page_date(source)
        # Material shows page.meta.revision_date at the foot of the page; MkDocs writes
        # page.update_date into the sitemap.
        page.meta["revision_date"] = f"Last updated {date}"
        page.update_date = date
    return markdown
