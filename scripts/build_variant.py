"""Build a variant of the site: mkdocs.yml plus a few overrides, so it never drifts from the site.

    python scripts/build_variant.py offline OUT   # the copy that works from file://

The overrides are appended to the site's own plugins and hooks; every page, extension and hook
of mkdocs.yml takes part, and the build is strict like the site's.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's hooks, whatever else is installed
CONFIG = ROOT / "mkdocs.yml"
SHIM = "assets/javascripts/iframe-worker-shim.js"  # the name keeps the offline plugin off its CDN

VARIANTS = {
    "offline": {
        "plugins": ["offline"],
        "hooks": ["hooks/page/offline_copy.py"],
        "extra": {"polyfills": [SHIM]},
    },
}


def variant_config(name: str, site_dir: Path, strict: bool = True):
    """The site's configuration with the variant's plugins, hooks and extra settings added."""
    from mkdocs.config import load_config
    from mkdocs.utils.yaml import yaml_load

    with CONFIG.open("rb") as f:
        raw = yaml_load(f)
    overrides = VARIANTS[name]
    extra = {**(raw.get("extra") or {}), **overrides.get("extra", {})}
    plugins = list(raw.get("plugins") or [])
    return load_config(
        str(CONFIG),
        site_dir=str(site_dir),
        strict=strict,
        plugins=plugins + overrides["plugins"],
        hooks=list(raw.get("hooks") or []) + overrides["hooks"],
        extra=extra,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variant", choices=sorted(VARIANTS))
    parser.add_argument("out", type=Path, help="the folder to build into (emptied first)")
    parser.add_argument("--no-strict", action="store_true", help="warnings do not fail the build")
    args = parser.parse_args(argv)

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")
    os.chdir(ROOT)  # snippets and hooks resolve paths from the repository root
    logging.basicConfig(format="%(levelname)-7s -  %(message)s", level=logging.WARNING)

    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    try:
        config = variant_config(args.variant, args.out.resolve(), strict=not args.no_strict)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except (Abort, ConfigurationError, PluginError) as err:
        print(f"{args.variant} build failed: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
