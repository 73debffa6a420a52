"""Measure the reading path of question pages on a 390x844 phone, in an HTML build.

    python scripts/reading_path.py SITE_DIR [PAGE ...]

SITE_DIR is a `mkdocs build -d SITE_DIR` output (no PDF needed). Prints, per page, the visible
words at first open and where the first displayed derivation starts, in phone screens, with
the same measure as tests/test_reading_path.py (which runs it on the full build).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser_support import PHONE, launch_chromium, serving  # noqa: E402
from tests.conftest import question_pages  # noqa: E402
from tests.test_reading_path import MEASURE, summary, table  # noqa: E402


def measure(site: Path, stems: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    with serving(site) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]}).new_page()
        pages = {}
        for stem in stems:
            page.goto(f"{base}{stem}/", wait_until="load")
            row = page.evaluate(MEASURE)
            if row["screens"] is not None:
                row["screens"] = round(row["screens"], 2)
            pages[stem] = row
        browser.close()
    return {"pages": pages, "summary": summary(pages)}


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    site = Path(argv[0])
    stems = argv[1:] or question_pages()
    print(table(measure(site, stems)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
