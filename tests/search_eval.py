"""The search evaluation set (tests/search_queries.yaml) and its scores: expected page first
(top-1) and among the first three (top-3), for the whole set and for its held-out quarter.

Used by tests/test_search.py (in Chromium, and in node on the built index) and by
scripts/benchmark.py; `python -m tests.search_eval SITE_DIR [ENGINE...]` prints the figures for a
built site without a browser (engines: site, lunr-words, material; see tests/search_runner.cjs).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
QUERIES_FILE = ROOT / "tests" / "search_queries.yaml"
RUNNER = ROOT / "tests" / "search_runner.cjs"
RESULTS_FILE = ROOT / "test-output" / "search-results.json"  # the browser test's answers
TOP1, TOP3 = 0.90, 0.98  # required shares of the set


@dataclass(frozen=True)
class Query:
    text: str
    page: str  # the expected page's slug, e.g. "da-prev"
    kind: str
    held_out: bool = False


def load_queries() -> list[Query]:
    entries = yaml.safe_load(QUERIES_FILE.read_text("utf8"))
    return [Query(e["q"], e["page"], e["kind"], bool(e.get("held_out"))) for e in entries]


def slug(location: str) -> str:
    """A result's page: 'da-prev/', 'http://127.0.0.1:8000/da-prev/?h=w', 'file:///…/da-prev.html'
    -> 'da-prev'; the home page -> 'index'. (Every page of the site sits at the top level.)"""
    location = re.sub(r"^[a-z]+://[^/]*", "", location.split("#")[0].split("?")[0])
    name = location.strip("/").split("/")[-1]
    if name.endswith(".html"):
        name = name[: -len(".html")]
    return name or "index"


@dataclass
class Score:
    top1: int
    top3: int
    total: int

    def __str__(self) -> str:
        return (f"top-1 {self.top1}/{self.total} ({self.top1 / self.total:.0%}), "
                f"top-3 {self.top3}/{self.total} ({self.top3 / self.total:.0%})")


def score(queries: list[Query], ranked: list[list[str]]) -> dict[str, Score]:
    """Scores for 'all', 'tuned' and 'held out' from each query's result pages, best first."""
    parts = {"all": Score(0, 0, 0), "tuned": Score(0, 0, 0), "held out": Score(0, 0, 0)}
    for query, pages in zip(queries, ranked, strict=True):
        pages = [slug(p) for p in pages]
        for name in ("all", "held out" if query.held_out else "tuned"):
            part = parts[name]
            part.total += 1
            part.top1 += pages[:1] == [query.page]
            part.top3 += query.page in pages[:3]
    return parts


def misses(queries: list[Query], ranked: list[list[str]]) -> list[str]:
    out = []
    for query, pages in zip(queries, ranked, strict=True):
        pages = [slug(p) for p in pages]
        if pages[:1] != [query.page]:
            mark = "H" if query.held_out else " "
            out.append(f"{mark} {query.page:<22} got {pages[:3]}  {query.text[:90]!r}")
    return out


def material_worker(site: Path) -> Path:
    return next((site / "assets" / "javascripts" / "workers").glob("search.*.min.js"))


def run_engine(site: Path, engine: str, texts: list[str], tuning: dict | None = None,
               sections: bool = False) -> list[list[str]]:
    """Each query's result pages, from `engine` run by node on the site's built search index
    (with `sections`, the entry each result leads with: its best section)."""
    request = {
        "sections": sections,
        "index": str(site / "search" / "search_index.json"),
        "engine": engine,
        "worker": str(material_worker(site)),
        "queries": texts,
        "tuning": tuning or {},
    }
    result = subprocess.run(["node", str(RUNNER)], input=json.dumps(request), capture_output=True,
                            text=True, timeout=120, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"search runner failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout)


def main(argv: list[str]) -> int:
    site = Path(argv[0])
    engines = argv[1:] or ["site"]
    queries = load_queries()
    for engine in engines:
        ranked = run_engine(site, engine, [q.text for q in queries])
        for name, part in score(queries, ranked).items():
            print(f"{engine:<11} {name:<9} {part}")
        if "-v" in sys.argv:
            print("\n".join(misses(queries, ranked)))
    return 0


if __name__ == "__main__":
    sys.exit(main([a for a in sys.argv[1:] if a != "-v"]))
