"""Add the site's new public URLs (pages, and their section and step anchors) to the manifest.

    python scripts/update_url_manifest.py              # build the site, then update the manifest
    python scripts/update_url_manifest.py --site DIR   # read an existing build instead
    python scripts/update_url_manifest.py --prune      # also drop URLs that no longer resolve
                                                       # (only before a page is published)

tests/public_urls.txt lists every URL a forum post may link to; tests/test_public_urls.py fails
when a listed URL stops resolving or when the build has a public URL the list lacks. Listed URLs
are never dropped silently: a moved page needs a redirect (mkdocs.yml, plugins: redirects).
"""

from __future__ import annotations

import argparse
import functools
import os
import posixpath
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "tests" / "public_urls.txt"
HEADER = """\
# Every public URL of the site: each page, and each section and derivation-step anchor on it.
# Forum posts link to these for years, so each must keep working. Do not edit by hand: run
# `make urls` to add new ones. To move a page, add a redirect in mkdocs.yml (redirect_maps).
"""
# Ids the theme and extensions make for their own use, never linked to: Material's and
# pymdownx's internals (__tabbed_1_1, __code_0, __span-0-1) and footnotes (fn:1, fnref:1).
INTERNAL_ID = re.compile(r"^(__|fn:|fnref)")
REDIRECT = re.compile(r'<meta http-equiv="refresh" content="0; url=([^"]+)">')


TAG_WITH_ID = re.compile(r'<([a-zA-Z][\w-]*)\b[^>]*?\sid="([^"]*)"')


def article(html: str) -> str:
    """The page's own content: Material's <article class="md-content__inner ...">."""
    start = html.find('<article class="md-content__inner')
    return html[start:html.rfind("</article>")] if start >= 0 else ""


def article_ids(html: str) -> list[tuple[str, str]]:
    """(tag, id) of every element with an id in the article, in document order."""
    return [(tag.lower(), unescape(i)) for tag, i in TAG_WITH_ID.findall(article(html))]


def public_ids(html: str) -> list[str]:
    """Anchors a reader may link to: every id in the article but the page title's and the
    theme's internal ones."""
    found = article_ids(html)
    title = next((i for tag, i in found if tag == "h1"), None)
    return [i for _, i in found if i != title and not INTERNAL_ID.match(i)]


def site_pages(site: Path) -> list[str]:
    """The pages of the build, as paths from the site root ('/', '/dz-a-minus-y/'), in the
    sitemap's order."""
    tree = ET.parse(site / "sitemap.xml")
    locs = [el.text.strip() for el in tree.iter() if el.tag.endswith("loc") and el.text]
    paths = [urlsplit(loc).path for loc in locs]
    root = min(paths, key=len)  # the home page is the site root
    return ["/" + path[len(root):] for path in paths]


def page_file(site: Path, path: str) -> Path:
    relative = path.strip("/")
    return site / relative / "index.html" if relative else site / "index.html"


def public_urls(site: Path) -> list[str]:
    urls = []
    for path in site_pages(site):
        urls.append(path)
        file = page_file(site, path)
        urls += [f"{path}#{anchor}" for anchor in read_page(file, file.stat().st_mtime_ns)[1]]
    return list(dict.fromkeys(urls))  # an id used twice is listed once (tests/test_anchors.py)


@functools.lru_cache(maxsize=256)
def read_page(file: Path, mtime_ns: int) -> tuple[str | None, list[str]]:
    """A built page's redirect target (if it is a redirect) and its public ids, read once."""
    html = file.read_text("utf8")
    redirect = REDIRECT.search(html)
    return (redirect[1] if redirect else None), ([] if redirect else public_ids(html))


def resolve(site: Path, url: str, hops: int = 5) -> tuple[str, list[str]]:
    """Follow `url` (a path from the site root, maybe with #anchor) through any redirects to a
    page; return that page's path and its public ids, or raise LookupError saying why not."""
    path, _, anchor = url.partition("#")
    file = page_file(site, path)
    if not file.is_file():
        raise LookupError(f"{url}: no page at {path}")
    redirect, ids = read_page(file, file.stat().st_mtime_ns)
    if redirect:
        if hops == 0:
            raise LookupError(f"{url}: too many redirects")
        target = urlsplit(redirect)
        if target.scheme:
            raise LookupError(f"{url}: redirects off the site, to {redirect}")
        new_path = posixpath.normpath(posixpath.join(path, target.path)) + "/"
        new_path = "/" if new_path == "//" else new_path
        return resolve(site, new_path + (f"#{anchor}" if anchor else ""), hops - 1)
    if anchor and anchor not in ids:
        raise LookupError(f"{url}: the page {path} has no anchor #{anchor}")
    return path, ids


def read_manifest(path: Path = MANIFEST) -> list[str]:
    if not path.is_file():
        return []
    lines = (line.strip() for line in path.read_text("utf8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def build_site(out: Path) -> None:
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(out)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}
    subprocess.run(command, cwd=ROOT, env=env, check=True)


def update(site: Path, prune: bool) -> int:
    listed = read_manifest()
    built = public_urls(site)
    stale = []
    for url in listed:
        if url in built:
            continue
        try:
            resolve(site, url)
        except LookupError as err:
            stale.append((url, str(err)))
    dropped = {url for url, _ in stale} if prune else set()
    kept_old = [url for url in listed if url not in built and url not in dropped]
    added = [url for url in built if url not in listed]
    MANIFEST.write_text(HEADER + "\n".join(built + kept_old) + "\n", "utf8")
    print(f"{MANIFEST.relative_to(ROOT)}: {len(built) + len(kept_old)} URLs, {len(added)} added"
          + (f", {len(dropped)} dropped" if dropped else ""))
    for url in added:
        print(f"  + {url}")
    for url in sorted(dropped):
        print(f"  - {url}")
    if stale and not prune:
        print("These listed URLs no longer resolve; add a redirect (or --prune if the page was "
              "never published):", file=sys.stderr)
        for _, reason in stale:
            print(f"  {reason}", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="an existing build to read (default: build now)")
    parser.add_argument("--prune", action="store_true", help="drop URLs that no longer resolve")
    args = parser.parse_args()
    if args.site:
        return update(args.site.resolve(), args.prune)
    with tempfile.TemporaryDirectory() as tmp:
        build_site(Path(tmp))
        return update(Path(tmp), args.prune)


if __name__ == "__main__":
    sys.exit(main())
