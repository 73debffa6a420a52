"""Prepare Material's search index for the site's search worker (docs/javascripts/search_worker.js).

After Material's search plugin has written search/search_index.json (and before the offline
plugin inlines it into search_index.js), each entry gains its words as the worker compares them
(`words`, `title_words`: hooks/sharing/search_words.py), and the index's config gains the rules
that made them, so the worker reads a query exactly as the build read the pages. An entry's
text, which the result list shows, is cut to its first lines of plain text.

A page's phrasings reach the index as Material's `tags`, copied onto every section of the page;
here they are kept once, on the page's own entry (`phrasing_words`, a `|` between phrasings; the
"Also asked as" list is taken out of its text), so a page with many phrasings is not found once
per section.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from hooks.sharing.search_words import IRREGULAR, RULES, STOP_WORDS, plain_text, words

ALSO_ASKED = "Also asked as:"  # the label of a page's phrasings (hooks/sharing/phrasings.py)
ALSO_ASKED_LIST = re.compile(re.escape(ALSO_ASKED) + r"\s*(?:</summary>\s*)?<ul[^>]*>.*?</ul>", re.DOTALL)
TEASER = 300  # characters of an entry's text kept for the result list

# BM25 settings for the worker (docs/javascripts/search_worker.js reads them from the index)
RANKING = {
    "k1": 2, "b": 0.3, "title": 3, "phrasings": 6, "pair": 0.5, "question": 1,
    "section": 1, "sectionK1": 1.2, "sectionB": 0.9, "sectionTitle": 4,
}


def _grouped(term: str) -> str:
    """A numerator or denominator as plain text: in parentheses when it has several terms."""
    term = term.strip()
    return f"({term})" if re.search(r"[\s+\-]", term) else term


# TeX in an entry's text (the index is written before math is rendered), made readable as plain
# text for the result list: \(dZ^{[2]} = W^{[2]\top}\) -> dZ[2] = W[2]ᵀ
READABLE = [(re.compile(p), r) for p, r in [
    (r"\\[()\[\]]", " "),
    (r"\\(?:mathcal|mathrm|mathbf|mathit|operatorname|text|textrm|boldsymbol)\s*\{([^{}]*)\}", r"\1"),
    (r"\^\{\s*\\top\s*\}|\^\s*\\top\b|\\top\b", "ᵀ"),
    (r"\^\{(\[[^\]{}]*\])([^{}]*)\}", r"\1\2"),
    (r"\^\{([^{}]*)\}", r"^\1"),
    (r"_\{([^{}]*)\}", r"_\1"),
    (r"\\odot\b", "⊙"), (r"\\sigma\b", "σ"), (r"\\partial\b\s*", "∂"), (r"\\prime\b", "′"),
    (r"\\cdot\b", "·"), (r"\\(?:displaystyle|left|right|quad)\b|\\[,;!]", " "),
    (r"\\frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}", lambda m: f"{_grouped(m[1])}/{_grouped(m[2])}"),
    (r"\\([A-Za-z]+)", r"\1"),
    (r"[{}]", ""),
]]


def readable(text: str) -> str:
    for pattern, replacement in READABLE:
        text = pattern.sub(replacement, text)
    return text


def teaser(text: str, limit: int = TEASER) -> str:
    """The start of an entry's plain text, escaped: all the result list shows of it."""
    text = " ".join(readable(text).split())
    if len(text) > limit:
        text = text[: text.rfind(" ", 0, limit)] + " …"
    return html.escape(text, quote=False)


def prepare(index: dict) -> dict:
    """The index with each entry's words added and the phrasings kept once per page."""
    for doc in index["docs"]:
        phrasings = doc.pop("tags", None) or []
        doc["title_words"] = " ".join(words(plain_text(doc.get("title", ""))))
        # the phrasings shown on the page count once, as the page's phrasings, not as its text
        text = plain_text(ALSO_ASKED_LIST.sub(" ", doc.get("text", "")))
        doc["words"] = " ".join(words(text))
        doc["text"] = teaser(text)
        if "#" not in doc["location"] and phrasings:
            doc["phrasing_words"] = " | ".join(" ".join(words(p)) for p in phrasings)
    config = index.setdefault("config", {})
    config["fields"] = {k: v for k, v in config.get("fields", {}).items() if k != "tags"}
    config["words"] = {
        "rules": [list(rule) for rule in RULES],
        "stop": sorted(STOP_WORDS),
        "irregular": IRREGULAR,
    }
    config["ranking"] = RANKING
    return index


def prepare_site_index(site_dir: str | Path) -> None:
    """Rewrite the built site's search/search_index.json in place (nothing if search is off)."""
    path = Path(site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return
    index = prepare(json.loads(path.read_text("utf8")))
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), "utf8")
