"""Every URL a forum post may link to keeps working, and every new one is in the manifest."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import load_script, make_project, small_build

urls = load_script("update_url_manifest")
LISTED = urls.read_manifest()


def site_plugins() -> list:
    return load_script("assemble_print_page").read_config()["plugins"]


def test_the_manifest_lists_pages_and_anchors():
    assert "/" in LISTED and "/dz-a-minus-y/" in LISTED
    assert "/dz-a-minus-y/#where-in-the-courses" in LISTED  # a section
    assert "/dz-a-minus-y/#a-minus-y" in LISTED  # a derivation step
    assert len(LISTED) == len(set(LISTED)), "a URL is listed twice"
    assert all(url.startswith("/") for url in LISTED)


def test_every_listed_url_still_resolves(built_site):
    broken = []
    for url in LISTED:
        try:
            urls.resolve(built_site, url)
        except LookupError as err:
            broken.append(str(err))
    assert not broken, (
        "these public URLs no longer work; a forum post may link to them. Restore the page or "
        "anchor, or add a redirect in mkdocs.yml (redirects: redirect_maps):\n  "
        + "\n  ".join(broken)
    )


def test_every_public_url_is_in_the_manifest(built_site):
    missing = [url for url in urls.public_urls(built_site) if url not in LISTED]
    assert not missing, (
        "the build has public URLs that tests/public_urls.txt lacks; run `make urls`:\n  "
        + "\n  ".join(missing)
    )


def test_the_redirects_plugin_is_configured():
    names = [next(iter(p)) if isinstance(p, dict) else p for p in site_plugins()]
    assert "redirects" in names


REPO_URL = "https://github.com/example/backprop-faq"


def build_small_site(folder: Path) -> None:
    """A two-page build with the site's configuration, in which `old-name.md` has moved to
    `new-name.md` (a redirect entry) and REPO_URL names a repository; the site goes to
    `folder`/site. Shared by the tests as the `small_site` fixture (tests/conftest.py)."""
    folder.mkdir(parents=True)
    config = make_project(folder, {
        "index.md": "# Home\n\nSee [the moved page](new-name.md).\n",
        "new-name.md": "# The moved page\n\n## A section { #kept-section }\n\nText.\n",
    })
    plugins = [
        {"redirects": {"redirect_maps": {"old-name.md": "new-name.md"}}}
        if (isinstance(p, dict) and "redirects" in p) or p == "redirects" else p
        for p in site_plugins()
    ]
    config.write_text(config.read_text("utf8") + yaml.safe_dump({"plugins": plugins}), "utf8")
    result = small_build(folder / "site", config, cwd=folder,
                         env={"REPO_URL": REPO_URL, "EDIT_URI": "edit/main/docs/"})
    assert result.returncode == 0, f"build failed:\n{result.stdout}\n{result.stderr}"


def test_a_redirect_keeps_an_old_url_and_its_anchors_working(small_site):
    assert urls.resolve(small_site, "/old-name/") == urls.resolve(small_site, "/new-name/")
    page, ids = urls.resolve(small_site, "/old-name/#kept-section")
    assert page == "/new-name/" and "kept-section" in ids
    # the redirect page carries the reader's #anchor along
    html = (small_site / "old-name" / "index.html").read_text("utf8")
    assert 'url=../new-name/"' in html and "window.location.hash" in html


def test_a_missing_page_or_anchor_is_reported(small_site):
    with pytest.raises(LookupError, match="no page at /never-existed/"):
        urls.resolve(small_site, "/never-existed/")
    with pytest.raises(LookupError, match="has no anchor #lost-section"):
        urls.resolve(small_site, "/old-name/#lost-section")
    # the moved page's old URL is not a page of the build: it is listed only as a redirect
    assert "/old-name/" not in urls.public_urls(small_site)
