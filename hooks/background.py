"""Run a slow build step in a subprocess once per change of its inputs, and keep what it wrote.

The step starts early in the build and runs on another core while the pages are rendered; the
build waits for it only where it needs the result. Its output lives in .cache/<step>/<key>/,
where the key is a hash of every input file, so an unchanged step costs nothing and a changed
input can never leave an old result in use.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
KEEP_SECONDS = 3600  # results unused for an hour are removed


def inputs_key(paths: list[Path]) -> str:
    """A hash of the files' names (relative to the repository) and contents."""
    digest = hashlib.sha256()
    for path in sorted({path.resolve() for path in paths}):
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        digest.update(name.as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


class CachedStep:
    """`python -m <module> <output dir> <args...>`, run once per distinct set of inputs."""

    def __init__(self, name: str, module: str, inputs: list[Path], args: tuple[str, ...] = ()):
        self.name, self.module, self.args = name, module, args
        self.key = inputs_key(inputs)
        self.output = CACHE / name / self.key
        self._proc: subprocess.Popen | None = None
        self._work: Path | None = None

    def start(self) -> None:
        """Start the step unless its output for these inputs is already there."""
        if self.output.is_dir() or self._proc is not None:
            return
        self._work = self.output.with_name(f"{self.key}.tmp-{os.getpid()}-{time.monotonic_ns()}")
        self._work.mkdir(parents=True)
        log = open(self._work / "step.log", "w")  # closed in wait() or stop()
        self._proc = subprocess.Popen(
            [sys.executable, "-m", self.module, str(self._work), *self.args],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        self._log = log

    def wait(self) -> Path:
        """The output directory, once the step has finished; a failed step fails the build."""
        if self._proc is None:
            if not self.output.is_dir():
                self.start()
                return self.wait()
            self._prune()
            return self.output
        code = self._proc.wait()
        self._log.close()
        self._proc = None
        log = (self._work / "step.log").read_text(errors="replace")
        if code != 0:
            shutil.rmtree(self._work, ignore_errors=True)
            raise PluginError(f"{self.name}: `python -m {self.module}` failed:\n{log[-4000:]}")
        (self._work / "step.log").unlink()
        try:
            self._work.rename(self.output)
        except OSError:  # a parallel build finished the same step first
            shutil.rmtree(self._work, ignore_errors=True)
        self._prune()
        return self.output

    def stop(self) -> None:
        """End a step the build no longer waits for (the build failed elsewhere)."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._log.close()
            self._proc = None
            shutil.rmtree(self._work, ignore_errors=True)

    def _prune(self) -> None:
        """Remove results (and runs of killed builds) unused for a while; a build running at the
        same time with other inputs may still need a recent one."""
        prune(self.output.parent, {self.output.name})


def prune(folder: Path, used: set[str]) -> None:
    """Mark the entries of `folder` named in `used` as just used, and remove the others (files or
    folders) that no build has used for KEEP_SECONDS.

    "Now" is the file system's clock, which set every other entry's time too: a process on a fake
    clock (the tests run 40 days ahead) would otherwise find them all stale."""
    if not folder.is_dir():
        return
    for name in used:
        if (folder / name).exists():
            os.utime(folder / name)
    entries = list(folder.iterdir())
    now = max((entry.stat().st_mtime for entry in entries), default=0)
    for entry in entries:
        if entry.name not in used and now - entry.stat().st_mtime > KEEP_SECONDS:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
