#!/usr/bin/env bash
# Run the tests (the arguments go to pytest) under a clock 40 days after the last commit, so a
# test that reads today's date, or compares the build's day with a commit's, fails today rather
# than next month. Chromium alone keeps the real clock (tests/browser_support.py says why).
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
ahead=$(TZ=UTC date -d "@$(( $($py scripts/source_date.py) + 40 * 86400 ))" '+%Y-%m-%d %H:%M:%S')
echo "The tests run on a clock set to $ahead UTC, 40 days after the last commit."
# "@" starts the fake clock at that time and lets it run.
export TZ=UTC
exec faketime -f "@$ahead" $py -m pytest "$@"
