#!/usr/bin/env bash
# Build the site into site/: the strict HTML build, then the steps that read it.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true
.venv/bin/python -m mkdocs build --strict --clean --site-dir site
