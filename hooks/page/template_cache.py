"""Keep the compiled theme templates between builds (Jinja's bytecode cache in .cache/jinja/).

Compiling Material's templates took 0.8 s of every build, the same work each time. Jinja keys
each entry by the template's name and a checksum of its source, so an edited template (ours in
overrides/, or a new Material) is compiled again.
"""

from __future__ import annotations

from jinja2 import FileSystemBytecodeCache

from hooks.background import CACHE

FOLDER = CACHE / "jinja"


def on_env(env, config, files):
    FOLDER.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = FileSystemBytecodeCache(str(FOLDER))
    return env
