"""Strict MkDocs builds of small test projects, one after another in one process.

    python -m tests.build_worker

Reads one JSON request per line on stdin, {"config", "site_dir", "cwd", "env"}, builds it as
`mkdocs build --strict -f config -d site_dir` would in `cwd` with `env` added to the
environment, and answers one JSON line: {"returncode": 0 or 1, "output": the build's log}.
A build in a fresh process spends about two seconds importing MkDocs, Material, sympy and
Jupyter and compiling templates; here that is paid once, for every small build of a test run.
Each build loads its configuration, and so the site's hook files, afresh.
"""

from __future__ import annotations

import io
import json
import logging
import os
import sys


def build(request: dict) -> dict:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    saved_env, saved_cwd = dict(os.environ), os.getcwd()
    returncode = 0
    try:
        os.environ.update(request.get("env") or {})
        os.chdir(request["cwd"])
        config = load_config(config_file=request["config"], site_dir=request["site_dir"], strict=True)
        mkdocs_build(config)
    except BaseException as error:  # noqa: BLE001 - every failure is the build's answer
        returncode = 1
        log.write(f"ERROR   -  {type(error).__name__}: {error}\n")
    finally:
        logger.removeHandler(handler)
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return {"returncode": returncode, "output": log.getvalue()}


def main() -> None:
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    for line in sys.stdin:
        if line.strip():
            answer = build(json.loads(line))
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
