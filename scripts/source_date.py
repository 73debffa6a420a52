"""The one date a build stamps into what it writes: SOURCE_DATE_EPOCH, or the last commit's time.

Reproducible-builds convention (https://reproducible-builds.org/specs/source-date-epoch/): the
same commit gives the same PDF dates and the same archive entries on any day.

    python scripts/source_date.py      # prints the epoch seconds
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def source_date_epoch() -> int:
    """SOURCE_DATE_EPOCH if set, else the last commit's time, else (outside git) the clock."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return int(os.environ["SOURCE_DATE_EPOCH"])
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True,
                              text=True, timeout=30, check=True)
        return int(done.stdout.strip())
    except (OSError, subprocess.SubprocessError, ValueError):
        return int(time.time())


def source_datetime() -> dt.datetime:
    return dt.datetime.fromtimestamp(source_date_epoch(), dt.UTC)


if __name__ == "__main__":
    print(source_date_epoch())
