#!/usr/bin/env bash
# Install everything the site and its tests need; safe to run again (each step skips what is already there).
set -euo pipefail
cd "$(dirname "$0")/.."

export DEBIAN_FRONTEND=noninteractive
# chromium prints the PDF and runs the browser tests; poppler-utils reads the PDF back;
# faketime runs the tests under a clock 40 days ahead (a test must pass on any day);
# graphviz draws the picture of the computation on each question page (hooks/math/computation_picture.py);
# the fonts keep glyphs from turning into boxes in screenshots and in the PDF.
debs=(chromium poppler-utils faketime graphviz fonts-dejavu-core fonts-noto-core fonts-roboto-unhinted)
missing=()
for deb in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" || missing+=("$deb")
done
if ((${#missing[@]})); then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Python packages live in a virtual environment; reinstall only when the pins change.
[ -x .venv/bin/python ] || python3 -m venv .venv
stamp=.venv/.requirements.sha
want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  echo "$want" >"$stamp"
fi

# KaTeX, axe-core and the search shim are served by the site itself, never from a CDN.
# By the lock file's content, not its date: a fresh checkout's dates say nothing.
npm_stamp=node_modules/.installed-from
npm_want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_want" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$npm_want" >"$npm_stamp"
fi
