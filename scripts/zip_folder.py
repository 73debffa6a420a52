"""Zip a folder so that the same files give the same archive, byte for byte, on any day.

    python scripts/zip_folder.py ARCHIVE.zip FOLDER           # FOLDER's name is the top folder
    python scripts/zip_folder.py --add ARCHIVE.zip FILE NAME  # one more file, as NAME

Entries are in sorted order, every one dated SOURCE_DATE_EPOCH (or the last commit), with fixed
permissions.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.source_date import source_datetime  # noqa: E402

FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--


def entry(name: str, when: tuple) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = FILE_MODE
    info.create_system = 3  # Unix, whatever system writes it
    return info


def zip_date() -> tuple:
    # ZIP stores local dates from 1980 on, in 2-second steps
    when = source_datetime()
    return (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second // 2 * 2)


def zip_folder(archive: Path, folder: Path, mode: str = "w") -> None:
    when = zip_date()
    with zipfile.ZipFile(archive, mode) as out:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            out.writestr(entry(name, when), path.read_bytes())


def add_file(archive: Path, path: Path, name: str) -> None:
    with zipfile.ZipFile(archive, "a") as out:
        out.writestr(entry(name, zip_date()), path.read_bytes())


def main(argv: list[str]) -> int:
    if len(argv) == 2:
        zip_folder(Path(argv[0]), Path(argv[1]))
    elif len(argv) == 4 and argv[0] == "--add":
        add_file(Path(argv[1]), Path(argv[2]), argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
