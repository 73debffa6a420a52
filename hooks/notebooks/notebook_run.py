"""Run every notebook page before it is shown, so its outputs always come from the current code.

Each notebook runs in a fresh kernel, in the background, once per change of the notebook, the
code it imports (snippets/) or the pins; mkdocs-jupyter (with `execute: false`) then renders the
executed copy, which is also the file offered for download. A cell that fails fails the build.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.plugins import event_priority

from hooks.background import ROOT, CachedStep

TIMEOUT = 120  # seconds per cell
KERNEL = "python3"  # jupyter_client starts it with the Python running the build

STEPS: dict[str, CachedStep] = {}


def notebook_inputs(notebook: Path) -> list[Path]:
    """What a notebook's outputs depend on: itself, the site's code, this runner and the pins."""
    return [notebook, Path(__file__).resolve(), ROOT / "requirements.txt",
            *sorted((ROOT / "snippets").glob("*.py"))]


def on_config(config):
    STEPS.clear()
    for notebook in sorted(Path(config["docs_dir"]).resolve().rglob("*.ipynb")):
        if ".ipynb_checkpoints" in notebook.parts:
            continue
        step = CachedStep(f"notebooks/{notebook.stem}", "hooks.notebooks.notebook_run",
                          notebook_inputs(notebook), args=(str(notebook),))
        step.start()  # the kernel works on another core while the other pages render
        STEPS[str(notebook)] = step
    return config


@event_priority(100)  # before mkdocs-jupyter reads the file
def on_pre_page(page, config, files):
    source = page.file.abs_src_path
    step = STEPS.get(str(Path(source).resolve())) if source else None
    if step is not None:
        executed = step.wait() / Path(page.file.abs_src_path).name
        page.file.abs_src_path = str(executed)
    return page


def on_build_error(error) -> None:
    for step in STEPS.values():
        step.stop()


def execute(notebook: Path):
    """Run every cell in order in a fresh kernel.

    The kernel starts in the repository's root, so `import snippets` is this checkout's code.
    Returns the executed notebook; the first failing cell raises nbclient's CellExecutionError.
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=TIMEOUT, kernel_name=KERNEL, allow_errors=False,
                            resources={"metadata": {"path": str(ROOT)}})
    client.execute()
    return nb


def main(folder: Path, notebook: Path) -> int:
    import nbformat
    from nbclient.exceptions import CellExecutionError

    try:
        executed = execute(notebook)
    except CellExecutionError as error:
        print(f"{notebook.name}: a cell failed\n{error}", file=sys.stderr)
        return 1
    nbformat.write(executed, folder / notebook.name)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
