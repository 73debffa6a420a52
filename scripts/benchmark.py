"""Time the build and the test suites on this machine, after set-up (`make bench`).

Targets on 2 cores: strict HTML build < 5 s; non-browser tests < 30 s; browser and PDF
tests < 90 s; PDF plus offline archive < 20 s. Then the search figures on the evaluation set
(tests/search_queries.yaml): expected page first for >= 90% of queries, in the top 3 for >= 98%,
the held-out quarter reported apart; from the search box in Chromium when the browser tests ran
(they write test-output/search-results.json), otherwise from the site's search worker in node.
Last, the reading path of each question page on a phone (issue 12), when the browser tests
wrote it (test-output/reading-path.json, from tests/test_reading_path.py).

Each command runs in a fresh process and from a cold output folder; the best of a few runs is
reported for the build (the noise of a shared machine only ever adds time).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}

TARGETS = {
    "strict HTML build": 5.0,
    "PDF + offline archive": 20.0,
    "non-browser tests": 30.0,
    "browser and PDF tests": 90.0,
}


def run(command: list[str], **env: str) -> tuple[float, str]:
    """Seconds the command took, and what it printed."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env={**ENV, **env}, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return elapsed, result.stdout


def timed(command: list[str], **env: str) -> float:
    return run(command, **env)[0]


def html_build(out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    return timed([PY, "-m", "mkdocs", "build", "--strict", "--clean", "-d", str(out)])


def search_figures(site: Path, browser_ran: bool) -> bool:
    """Print the evaluation set's top-1 and top-3 figures; True when the targets are met."""
    sys.path.insert(0, str(ROOT))
    from tests.search_eval import RESULTS_FILE, TOP1, TOP3, load_queries, run_engine, score

    queries = load_queries()
    texts = [q.text for q in queries]
    source = "site's worker in node"
    ranked = None
    if browser_ran and RESULTS_FILE.is_file():
        saved = json.loads(RESULTS_FILE.read_text("utf8"))
        if saved.get("queries") == texts:
            ranked, source = saved["pages"], "search box in Chromium"
    if ranked is None:
        ranked = run_engine(site, "site", texts)
    parts = score(queries, ranked)
    print(f"search, {source}:")
    for name, part in parts.items():
        print(f"  {name:<9} {part}")
    every = parts["all"]
    met = every.top1 >= TOP1 * every.total and every.top3 >= TOP3 * every.total
    print(f"  targets: top-1 >= {TOP1:.0%}, top-3 >= {TOP3:.0%}  {'ok' if met else 'MISSED'}")
    return met


def reading_path() -> None:
    """Print the per-page reading path the browser tests measured, with its median and maximum."""
    sys.path.insert(0, str(ROOT))
    from tests.test_reading_path import RESULTS_FILE, table

    if not RESULTS_FILE.is_file():
        print("reading path: not measured (run the browser tests)")
        return
    result = json.loads(RESULTS_FILE.read_text("utf8"))
    width, height = result["viewport"]
    print(f"reading path at {width}x{height}, first visit ({result['seconds']} s in the browser tests):")
    print(table(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="build runs (best is reported)")
    parser.add_argument("--skip-browser", action="store_true", help="skip the browser tests")
    args = parser.parse_args()

    results: dict[str, float] = {}
    search_ok = True
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        results["strict HTML build"] = min(html_build(site) for _ in range(args.runs))
        results["PDF + offline archive"], said = run(["bash", "scripts/build_downloads.sh", str(site)])
        steps = re.search(r"PDF after ([\d.]+) s; offline archive .* after ([\d.]+) s", said)
        if steps:  # the script reports when each of its two products was ready
            print(f"PDF ready after {steps[1]} s, offline archive after {steps[2]} s")
        # as `make test` runs them: scripts/run_tests.sh, on the clock 40 days ahead
        tests = ["bash", "scripts/run_tests.sh", "-q", "-n", "2"]
        results["non-browser tests"] = timed([*tests, "-m", "not browser"])
        if not args.skip_browser:
            # the build they read was timed above; here only the tests themselves
            results["browser and PDF tests"] = timed(
                [*tests, "-m", "browser"], FULL_SITE=str(site)
            )
        search_ok = search_figures(site, browser_ran=not args.skip_browser)
    reading_path()

    print(f"{'measure':<24} {'seconds':>8} {'target':>8}")
    failed = False
    for name, seconds in results.items():
        target = TARGETS[name]
        mark = "ok" if seconds < target else "OVER"
        failed |= seconds >= target
        print(f"{name:<24} {seconds:8.2f} {target:8.0f}  {mark}")
    print(f"({os.cpu_count()} cores)")
    sys.exit(1 if failed or not search_ok else 0)


if __name__ == "__main__":
    main()
