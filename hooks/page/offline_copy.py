"""Make the offline copy self-contained: the search shim from npm, no link to the archive itself.

Used only by the offline build (scripts/build_variant.py offline), where Material's offline
plugin lets search run from file://. The plugin would fetch its iframe-worker shim from a CDN;
the build lists a local copy in `extra.polyfills` instead, and this hook puts it there.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[2]
SHIM = ROOT / "node_modules" / "iframe-worker" / "shim" / "index.js"
ARCHIVE_LINK = re.compile(r'<span class="download-archive">.*?</span>', re.DOTALL)


def on_config(config):
    if not any(name.split("/")[-1] == "offline" for name in config.plugins):
        raise PluginError("hooks/page/offline_copy.py needs Material's offline plugin (the offline build)")
    if not SHIM.is_file():
        raise PluginError("iframe-worker is not installed: run `npm ci` (or scripts/setup.sh)")
    return config


def on_post_page(output: str, page, config) -> str:
    return ARCHIVE_LINK.sub("", output)


def on_post_build(config) -> None:
    # The 404 page is for a web server, and links from the site root: no use in a folder.
    (Path(config.site_dir) / "404.html").unlink(missing_ok=True)
    for script in config.extra.get("polyfills", []):
        if "iframe-worker" in str(script):
            target = Path(config.site_dir) / str(script)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(SHIM, target)
