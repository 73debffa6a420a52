"""Each page says when it last changed (its last commit, or the file's date where git cannot
tell), and offers an "edit this page" link only where REPO_URL names a repository."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess

import pytest

from hooks.page import last_updated
from tests.conftest import ROOT
from tests.test_public_urls import REPO_URL, urls

DATE = re.compile(r"Last updated (\d{4}-\d{2}-\d{2})")


def git(cwd, *args, date: str | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Site", "GIT_AUTHOR_EMAIL": "site@example.org",
           "GIT_COMMITTER_NAME": "Site", "GIT_COMMITTER_EMAIL": "site@example.org"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout


@pytest.fixture
def repo(tmp_path):
    """docs/old.md committed in 2021, docs/new.md in 2023, docs/edited.md changed since its
    commit, docs/draft.md never committed."""
    git(tmp_path, "init", "-q", "-b", "main")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "old.md").write_text("# Old\n")
    (docs / "edited.md").write_text("# Edited\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first", date="2021-03-04T12:00:00+00:00")
    (docs / "new.md").write_text("# New\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "second", date="2023-05-06T12:00:00+00:00")
    (docs / "edited.md").write_text("# Edited, not committed\n")
    (docs / "draft.md").write_text("# Draft\n")
    return tmp_path


def test_the_date_of_each_file_is_its_last_commit(repo):
    dates = last_updated.commit_dates(repo / "docs")
    docs = (repo / "docs").resolve()
    assert dates == {docs / "old.md": "2021-03-04", docs / "new.md": "2023-05-06"}


def test_files_git_cannot_date_fall_back_to_their_own_date(repo, monkeypatch):
    monkeypatch.setattr(last_updated, "DATES", last_updated.commit_dates(repo / "docs"))
    for name in ("draft.md", "edited.md"):  # untracked; changed since its commit
        path = repo / "docs" / name
        os.utime(path, (0, dt.datetime(2020, 1, 2, 12).timestamp()))
        assert last_updated.page_date(path) == "2020-01-02"
    assert last_updated.page_date(repo / "docs" / "old.md") == "2021-03-04"


def test_a_shallow_clone_does_not_date_every_file_by_its_one_commit(repo, tmp_path_factory):
    clone = tmp_path_factory.mktemp("clone") / "site"
    git(repo, "commit", "-q", "-am", "third", date="2024-07-08T12:00:00+00:00")
    git(repo.parent, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    # the clone's one commit seems to add every file: no file is dated by it
    assert last_updated.commit_dates(clone / "docs") == {}


def test_outside_a_git_checkout_there_are_no_commit_dates(tmp_path):
    (tmp_path / "page.md").write_text("# Page\n")
    assert last_updated.commit_dates(tmp_path) == {}


def test_every_built_page_shows_its_date(built_site):
    shallow = git(ROOT, "rev-parse", "--is-shallow-repository").strip() == "true"
    for path in urls.site_pages(built_site):
        html = urls.page_file(built_site, path).read_text("utf8")
        found = DATE.findall(html)
        assert len(found) == 1, f"{path}: {len(found)} last-updated dates"
        stem = path.strip("/") or "index"
        source = next(p for p in (ROOT / "docs" / f"{stem}.md", ROOT / "docs" / f"{stem}.ipynb")
                      if p.is_file())
        clean = not git(ROOT, "status", "--porcelain", "--", str(source)).strip()
        committed = git(ROOT, "log", "-1", "--format=%cs", "--", str(source)).strip()
        if clean and committed and not shallow:
            assert found[0] == committed, f"{path}: dated {found[0]}, last commit {committed}"


def test_no_edit_link_without_a_repository(built_site):
    for path in urls.site_pages(built_site):
        html = urls.page_file(built_site, path).read_text("utf8")
        assert 'rel="edit"' not in html, f"{path} has an edit link but no REPO_URL is set"


def test_repo_url_turns_on_the_edit_link(small_site):
    html = (small_site / "new-name" / "index.html").read_text("utf8")
    link = re.search(r'<a href="([^"]+)"[^>]*rel="edit"', html)
    assert link and link[1] == f"{REPO_URL}/edit/main/docs/new-name.md"
