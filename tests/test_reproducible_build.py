"""The same commit builds the same site on any day.

The full build, made on a clock a year after the last commit, holds every file the tests' HTML
build (40 days after it) wrote (HTML, search index, sitemap, images, the notebook), byte for
byte. The PDF and the offline archive carry the last commit's time, not the day they were made.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.browser_support import ARCHIVE_NAME, PDF_NAME, a_later_clock
from tests.conftest import ROOT, load_script

source_date = load_script("source_date")
zip_folder = load_script("zip_folder")


def files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.mark.browser
def test_a_build_on_another_day_writes_the_same_files(built_site, full_site):
    """The tests' HTML build (40 days after the last commit) against the full build (made 400
    days after it by tests/browser_support.py, or by `make bench` on today's clock)."""
    downloads = {PDF_NAME, ARCHIVE_NAME}  # made after the HTML build, by scripts/build_downloads.sh
    first, later = files(built_site), files(full_site)
    assert set(later) - downloads == set(first), sorted(set(later) - downloads ^ set(first))[:10]
    differ = [name for name in first if later[name] != first[name]]
    assert not differ, f"{len(differ)} files differ on another day, e.g. {differ[:5]}"
    for name in ("sitemap.xml", "sitemap.xml.gz", "search/search_index.json", "index.html"):
        assert name in first  # the files the promise names were compared


def test_the_full_build_runs_on_a_clock_a_year_on():
    prefix = a_later_clock()
    assert prefix[:2] == ["faketime", "-f"]
    later = dt.datetime.strptime(prefix[2], "@%Y-%m-%d %H:%M:%S").replace(tzinfo=dt.UTC)
    assert (later - source_date.source_datetime()).days == 400


def test_the_sitemap_dates_each_page_by_its_last_commit(built_site):
    sitemap = (built_site / "sitemap.xml").read_text("utf8")
    page = ROOT / "docs" / "two-layer-network.ipynb"
    committed = subprocess.run(["git", "log", "-1", "--format=%cs", "--", str(page)], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
    clean = not subprocess.run(["git", "status", "--porcelain", "--", str(page)], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
    entry = sitemap.split("/two-layer-network/</loc>", 1)[1].split("</url>", 1)[0]
    if committed and clean:
        assert f"<lastmod>{committed}</lastmod>" in entry, entry


def test_the_archive_is_the_same_whatever_the_files_dates(tmp_path, monkeypatch):
    folder = tmp_path / "backprop-faq"
    (folder / "b").mkdir(parents=True)
    (folder / "index.html").write_text("<p>home</p>")
    (folder / "b" / "page.html").write_text("<p>page</p>")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    zip_folder.zip_folder(tmp_path / "one.zip", folder)
    for path in folder.rglob("*"):
        os.utime(path, (0, 1_800_000_000))  # the files change date, not content
    zip_folder.zip_folder(tmp_path / "two.zip", folder)
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        assert archive.namelist() == ["backprop-faq/b/page.html", "backprop-faq/index.html"]
        assert {info.date_time for info in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}


@pytest.mark.browser
def test_the_pdf_and_the_archive_carry_the_last_commits_time(full_site):
    import pikepdf

    stamp = load_script("print_pdf").pdf_date(source_date.source_datetime())
    with pikepdf.open(full_site / PDF_NAME) as pdf:
        assert str(pdf.docinfo["/CreationDate"]) == stamp
        assert str(pdf.docinfo["/ModDate"]) == stamp
    with zipfile.ZipFile(full_site / ARCHIVE_NAME) as archive:
        dates = {info.date_time for info in archive.infolist()}
    assert dates == {zip_folder.zip_date()}, sorted(dates)[:3]
