"""Shared test set-up: one strict build per session."""

from __future__ import annotations

import fcntl
import importlib.util
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

# sympy keeps 1,000 results per cached function by default; the derivation checks ask for the
# same derivatives and simplifications far more often than that (20% less time with a larger
# cache). Set before anything imports sympy.
os.environ.setdefault("SYMPY_CACHE_SIZE", "20000")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def load_script(name: str):
    """A module from scripts/ (a folder of commands, not a package), for its functions."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def front_matter(source: Path) -> dict:
    """A page's front matter, read by MkDocs's own parser (a notebook has none)."""
    from mkdocs.utils.meta import get_data

    if source.suffix != ".md":
        return {}
    return get_data(source.read_text("utf8"))[1]


def question_pages() -> list[str]:
    """The pages that answer a question (they carry a short `answer` in their front matter)."""
    return sorted(p.stem for p in DOCS.glob("*.md") if front_matter(p).get("answer"))


def build_env() -> dict[str, str]:
    """The environment every build the tests make runs in: this one, MkDocs 2's notice silenced."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
SITE = "site"  # the shared strict build of the real site (`built_site`)


def mkdocs_command(site_dir: Path, config: Path | None = None) -> list[str]:
    """The strict build, as a command."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site_dir)]
    return command + ["-f", str(config)] if config is not None else command


def mkdocs_build(site_dir: Path, config: Path | None = None, cwd: Path = ROOT):
    """Run a strict build; return the finished process (stdout and stderr merged)."""
    return subprocess.run(mkdocs_command(site_dir, config), cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=build_env())


_BUILD_WORKER: subprocess.Popen | None = None


def small_build(site_dir: Path, config: Path, cwd: Path, env: dict[str, str] | None = None):
    """A strict build of a small test project, made by this test process's build worker
    (tests/build_worker.py: one process for every small build, its imports paid once). Returns
    a finished process: `returncode`, and the build's log as `stdout` (`stderr` is empty)."""
    global _BUILD_WORKER
    if _BUILD_WORKER is None or _BUILD_WORKER.poll() is not None:
        _BUILD_WORKER = subprocess.Popen(
            [sys.executable, "-m", "tests.build_worker"], cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=build_env(),
        )
    request = {"config": str(config), "site_dir": str(site_dir), "cwd": str(cwd), "env": env or {}}
    _BUILD_WORKER.stdin.write(json.dumps(request) + "\n")
    _BUILD_WORKER.stdin.flush()
    answer = _BUILD_WORKER.stdout.readline()
    assert answer, "the build worker stopped (tests/build_worker.py)"
    answer = json.loads(answer)
    return subprocess.CompletedProcess(request, answer["returncode"], answer["output"], "")


def pytest_sessionfinish(session, exitstatus):
    if _BUILD_WORKER is not None and _BUILD_WORKER.poll() is None:
        _BUILD_WORKER.stdin.close()
        _BUILD_WORKER.wait(timeout=30)


def shared_folder(tmp_path_factory) -> Path:
    """The folder every pytest-xdist worker of this run shares (each has its own basetemp below it)."""
    shared = tmp_path_factory.getbasetemp()
    return shared.parent if os.environ.get("PYTEST_XDIST_WORKER") else shared


_BACKGROUND: subprocess.Popen | None = None


@pytest.hookimpl(trylast=True)
def pytest_configure(config):
    """Under pytest-xdist the controller starts the shared strict build at once, in a process of
    its own, while the workers import and collect; a worker that needs `built_site` waits for it
    only if it is not finished yet, and no core idles while one worker builds."""
    global _BACKGROUND
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    shared = config._tmp_path_factory.getbasetemp()
    done, failed = shlex.quote(str(shared / f"{SITE}.done")), shlex.quote(str(shared / f"{SITE}.failed"))
    command = (f"{shlex.join(mkdocs_command(shared / SITE))} >{shlex.quote(str(shared / f'{SITE}.log'))} "
               f"2>&1 && touch {done} || touch {failed}")
    (shared / f"{SITE}.started").touch()
    _BACKGROUND = subprocess.Popen(["sh", "-c", command], cwd=ROOT, env=build_env())


def pytest_unconfigure(config):
    if _BACKGROUND is not None:
        _BACKGROUND.wait(timeout=600)


def build_once(tmp_path_factory, name: str, build) -> Path:
    """Build into a folder shared by every pytest-xdist worker of this run, only once: the first
    worker to get the lock builds (`build(folder)` raises on failure), the others wait and reuse."""
    shared = shared_folder(tmp_path_factory)
    folder = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (shared / f"{name}.started").exists():  # built in the background (pytest_configure)
            while not (shared / f"{name}.done").exists():
                log = shared / f"{name}.log"
                assert not (shared / f"{name}.failed").exists(), f"strict build failed:\n{log.read_text()}"
                time.sleep(0.05)
        elif not (shared / f"{name}.done").exists():
            build(folder)
            (shared / f"{name}.done").touch()
    return folder


def strict_html_build(folder: Path) -> None:
    result = mkdocs_build(folder)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The HTML site, built once per test run with --strict."""
    return build_once(tmp_path_factory, SITE, strict_html_build)


@pytest.fixture(scope="session")
def small_site(tmp_path_factory) -> Path:
    """A two-page build with a moved page and a repository URL (tests/test_public_urls.py)."""
    from tests.test_public_urls import build_small_site

    return build_once(tmp_path_factory, "small-site", build_small_site) / "site"


def make_project(tmp: Path, pages: dict[str, str]) -> Path:
    """A copy of the project whose docs/ holds only `pages` (name -> Markdown); everything else
    (hooks, snippets, assets, configuration) is the real project's, linked in."""
    for entry in ROOT.iterdir():
        if entry.name not in {"docs", "site", "build", ".git", "mkdocs.yml"}:
            (tmp / entry.name).symlink_to(entry)
    (tmp / "mkdocs.yml").symlink_to(ROOT / "mkdocs.yml")
    docs = tmp / "docs"
    docs.mkdir()
    for entry in DOCS.iterdir():
        if entry.is_dir():
            (docs / entry.name).symlink_to(entry)
    for name, text in pages.items():
        (docs / name).write_text(text, "utf8")
    nav = "\n".join(f"  - {name}" for name in pages)
    config = tmp / "only-these-pages.yml"
    config.write_text(f"INHERIT: mkdocs.yml\nnav:\n{nav}\n", "utf8")
    return config


# The longest single tests go first, so that under pytest-xdist no worker is left with one of
# them at the end while the other idles.
LONGEST_FIRST = (
    "tests/test_formula_guard.py::test_every_formula_is_proved_registered_or_marked",
    "tests/test_search.py::test_the_search_box_finds_the_page",
    "tests/test_figures.py::",
)


def pytest_collection_modifyitems(config, items):
    """Longest first; the reading-path summary, which reads what the per-page browser tests
    measured as they opened each page (tests/test_reading_path.py), last: it measures only what
    is missing."""
    def order(item) -> int:
        if item.nodeid.startswith("tests/test_reading_path.py"):
            return 2
        return 0 if item.nodeid.startswith(LONGEST_FIRST) else 1

    items.sort(key=order)
