"""Render every formula to HTML at build time with KaTeX, so math shows at first paint with no script."""

from __future__ import annotations

import html
import json
import queue
import re
import shutil
import subprocess
import threading
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

ROOT = Path(__file__).resolve().parents[2]
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"

# What pymdownx.arithmatex (generic mode) and the derivation fences emit.
MATH = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?P<open>\\\(|\\\[)(?P<tex>.*?)(?:\\\)|\\\])</(?P=tag)>',
    re.DOTALL,
)


class KatexProcess:
    """One long-lived Node process for the whole build.

    MkDocs converts every page's Markdown before it renders any page's template. Each page's
    formulas are sent as soon as its HTML exists (`prefetch`), so Node typesets them on another
    core while Python converts the next pages; by the time a page is written (`render`), its
    formulas are usually waiting. A thread reads Node's answers as they come, so neither side
    ever blocks on a full pipe."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen | None = None
        self._cache: dict[tuple[str, bool], str] = {}
        self._sent: set[tuple[str, bool]] = set()
        self._waiting: list[list[tuple[str, bool]]] = []  # requests sent, answers not yet read
        self._answers: queue.Queue = queue.Queue()

    def _start(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            if not (KATEX_DIST / "katex.min.css").exists():
                raise PluginError("KaTeX is not installed: run `npm ci` (or scripts/setup.sh)")
            self._proc = subprocess.Popen(
                ["node", str(Path(__file__).with_name("katex_server.cjs"))],
                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
            )
            self._sent.clear()
            self._waiting.clear()
            self._answers = queue.Queue()
            threading.Thread(target=self._read, args=(self._proc, self._answers), daemon=True).start()
        return self._proc

    @staticmethod
    def _read(proc: subprocess.Popen, answers: queue.Queue) -> None:
        for line in proc.stdout:
            answers.put(json.loads(line))
        answers.put({"error": "the KaTeX process stopped", "index": 0})

    def _send(self, todo: list[tuple[str, bool]]) -> None:
        proc = self._start()
        request = {"items": [{"tex": tex, "display": display} for tex, display in todo]}
        proc.stdin.write(json.dumps(request) + "\n")
        proc.stdin.flush()
        self._waiting.append(todo)
        self._sent.update(todo)

    def _receive(self) -> tuple[list[tuple[str, bool]], dict]:
        """The answer to the oldest request still waiting (a failed one is not kept)."""
        todo = self._waiting.pop(0)
        answer = self._answers.get(timeout=300)
        if "error" not in answer:
            self._cache.update(zip(todo, answer["html"], strict=True))
        return todo, answer

    def prefetch(self, items: list[tuple[str, bool]]) -> None:
        """Send formulas ahead of `render`, without waiting for them."""
        todo = [item for item in dict.fromkeys(items) if item not in self._cache and item not in self._sent]
        if todo:
            self._send(todo)

    def render(self, items: list[tuple[str, bool]]) -> list[str] | tuple[int, str]:
        """Return the HTML of each (tex, display) item, or (index, message) for the first TeX error."""
        while self._waiting and any(item not in self._cache for item in items):
            self._receive()
        todo = [item for item in dict.fromkeys(items) if item not in self._cache]
        if todo:
            while self._waiting:
                self._receive()
            self._send(todo)
            todo, answer = self._receive()
            if "error" in answer:
                return items.index(todo[answer["index"]]), answer["error"]
        return [self._cache[item] for item in items]

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stdin.close()
            self._proc.wait(timeout=10)
            self._proc = None


KATEX = KatexProcess()


def source_line(markdown: str, tex: str) -> int | None:
    """Best guess at the line of the page's Markdown that holds a formula."""
    probe = tex.strip().splitlines()[0].strip() if tex.strip() else ""
    for number, line in enumerate(markdown.splitlines(), start=1):
        if probe and probe in line:
            return number
    return None


def render_math(text: str, where: str, markdown: str = "") -> str:
    """Replace each arithmatex span or div in `text` by KaTeX's HTML; a TeX error names `where`."""
    matches = list(MATH.finditer(text))
    if not matches:
        return text
    items = [formula(m) for m in matches]
    rendered = KATEX.render(items)
    if isinstance(rendered, tuple):
        index, message = rendered
        tex = items[index][0]
        line = source_line(markdown, tex)
        at = f"{where}:{line}" if line else where
        raise PluginError(f"TeX error in {at}: {message}\n    formula: {tex.strip()}")
    out, last = [], 0
    for match, rendered_html in zip(matches, rendered, strict=True):
        out.append(text[last:match.start()])
        tag = match["tag"]
        # A wide display formula scrolls in its own box; keyboard users can focus it to scroll.
        focus = ' tabindex="0"' if tag == "div" else ""
        out.append(f'<{tag} class="arithmatex"{focus}>{rendered_html}</{tag}>')
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def formula(match: re.Match) -> tuple[str, bool]:
    """(tex, display) of one arithmatex span or div."""
    return html.unescape(match["tex"]), match["open"] == "\\["


@event_priority(-100)  # after every other hook has put its math in
def on_page_content(html_text: str, page, config, files) -> str:
    KATEX.prefetch([formula(m) for m in MATH.finditer(html_text)])
    return html_text


def on_post_page(output: str, page, config) -> str:
    source = Path(page.file.abs_src_path).read_text("utf8") if page.file.abs_src_path else ""
    return render_math(output, page.file.src_uri, source)


def on_post_build(config) -> None:
    site = Path(config["site_dir"])
    target = site / "assets" / "katex"
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(KATEX_DIST / "katex.min.css", target / "katex.min.css")
    (target / "fonts").mkdir(exist_ok=True)
    for font in (KATEX_DIST / "fonts").glob("*.woff2"):
        shutil.copy2(font, target / "fonts" / font.name)


def on_shutdown() -> None:
    KATEX.close()
