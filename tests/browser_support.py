"""Pytest fixtures for tests in a real browser: the full build, served over HTTP, and Chromium.

Registered from tests/conftest.py. A test using them carries `@pytest.mark.browser`.

- `full_site`: path of one complete build (HTML, PDF, offline archive), built once per session
  (or the build in $FULL_SITE, made beforehand with `bash scripts/build.sh DIR`).
- `served_site`: base URL (ending in `/`) of that build served at http://127.0.0.1:<free port>/.
- `offline_site`: path of the offline archive, unpacked (open its pages with `file://`).
- `browser`: one headless Chromium (Debian's) for the whole session.
- `new_page`: a function `new_page(width=1280, height=900, context=None)` returning a
  `RecordedPage`: a fresh Playwright page that records every request and console error.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import http.server
import os
import subprocess
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Chromium keeps the real clock: under scripts/run_tests.sh's libfaketime it starts 30 times
# slower (the pages read no dates in the browser; the tests and the build run on the fake clock).
CHROMIUM_ENV = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}
PDF_NAME = "backprop-faq.pdf"
ARCHIVE_NAME = "backprop-faq-offline.zip"
ARCHIVE_FOLDER = "backprop-faq"  # the one folder at the top of the archive
PHONE = (390, 844)
DESKTOP = (1280, 900)
LOCAL_SCHEMES = {"file", "data", "blob", "about", "chrome-error"}
LOCAL_HOSTS = {"127.0.0.1"}


def a_later_clock() -> list[str]:
    """A command prefix that runs a build on a clock 400 days after the last commit (Debian's
    faketime), so this build and the tests' HTML build (40 days after it) are made on different
    days: tests/test_reproducible_build.py compares them."""
    from tests.conftest import load_script

    later = load_script("source_date").source_date_epoch() + 400 * 86400
    when = datetime.datetime.fromtimestamp(later, datetime.UTC).strftime("@%Y-%m-%d %H:%M:%S")
    return ["faketime", "-f", when]


def build_everything(out: Path) -> subprocess.CompletedProcess:
    """Run the project's build (HTML, PDF and offline archive) into `out`, a year on."""
    from tests.conftest import build_env

    return subprocess.run(
        [*a_later_clock(), "bash", str(ROOT / "scripts" / "build.sh"), str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**build_env(), "TZ": "UTC"},
    )


def is_local(url: str) -> bool:
    """True for a URL the site may load: its own files and 127.0.0.1, nothing from elsewhere."""
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname in LOCAL_HOSTS


@dataclass
class RecordedPage:
    """A Playwright page with what it asked of the network and what its console complained of."""

    page: object
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        return [url for url in self.requests if not is_local(url)]


@pytest.fixture(scope="session")
def full_site(tmp_path_factory) -> Path:
    """The complete build (HTML + PDF + offline archive), built once per session."""
    if os.environ.get("FULL_SITE"):  # while working on the tests: a build made beforehand
        out = Path(os.environ["FULL_SITE"])
    else:
        from tests.conftest import build_once

        def build(folder: Path) -> None:
            result = build_everything(folder)
            assert result.returncode == 0, f"scripts/build.sh failed:\n{result.stdout}\n{result.stderr}"

        out = build_once(tmp_path_factory, "full-site", build)
    for name in ("index.html", PDF_NAME, ARCHIVE_NAME):
        assert (out / name).is_file(), f"the build made no {name}"
    return out


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serving(folder: Path):
    """`folder` served over http://127.0.0.1:<free port>/; gives the base URL (ending in `/`)."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def served_site(full_site):
    """Base URL of the full build served over http://127.0.0.1:<free port>/."""
    with serving(full_site) as url:
        yield url


@pytest.fixture(scope="session")
def offline_site(full_site, tmp_path_factory) -> Path:
    """The offline archive unpacked, as a reader would from a USB stick; returns its site folder."""
    target = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(full_site / ARCHIVE_NAME) as archive:
        archive.extractall(target)
    return target / ARCHIVE_FOLDER


def launch_chromium(playwright, args: list[str] = CHROMIUM_ARGS):
    """Debian's Chromium, headless, on the real clock."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=args, env=CHROMIUM_ENV)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's build) for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """A function giving fresh recorded pages; pass `context=` to share storage with another."""
    contexts = []

    def open_page(width: int = DESKTOP[0], height: int = DESKTOP[1], context=None):
        if context is None:
            context = browser.new_context(viewport={"width": width, "height": height})
            contexts.append(context)
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": height})
        recorded = RecordedPage(page)
        page.on("request", lambda request: recorded.requests.append(request.url))
        page.on(
            "console",
            lambda message: message.type == "error" and recorded.console_errors.append(
                f"{message.text} ({message.location.get('url', '')})"
            ),
        )
        page.on("pageerror", lambda error: recorded.console_errors.append(f"uncaught: {error}"))
        return recorded

    yield open_page
    for context in contexts:
        context.close()
