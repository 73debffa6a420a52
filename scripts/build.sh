#!/usr/bin/env bash
# Build the site into site/ (or the folder given): the strict HTML build, then the downloads
# for reading offline (the PDF and the offline copy) that read it.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_MKDOCS_2_WARNING=1 DISABLE_MKDOCS_2_WARNING=true
site=${1:-site}
.venv/bin/python -m mkdocs build --strict --clean --site-dir "$site"
bash scripts/build_downloads.sh "$site"
