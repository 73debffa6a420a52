"""Run every notebook page before it is shown, so its outputs always come from the current code.

Each notebook runs once per change of the notebook, the code it imports (snippets/) or the pins,
in the background, as readers get it: with the site's code put into it (hooks/notebooks/
site_code.py), in an empty folder, in a kernel that cannot import the repository. So a notebook
that would fail after download fails the build. Two copies are kept: the download (every cell)
and the one mkdocs-jupyter renders (`execute: false`) without the added cells. No run time is
recorded, so the same commit gives the same file on any day. A cell that fails fails the build.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from mkdocs.plugins import event_priority

from hooks.background import ROOT, CachedStep

TIMEOUT = 120  # seconds per cell
PAGE_COPY = "page"  # folder of the copy the page is rendered from

# The kernel of the build's Python, minus what makes the repository importable: `-I` drops the
# current folder and PYTHONPATH from sys.path, and the editable install's finders (which map
# `snippets` and `hooks` to a checkout) are removed before the kernel starts.
KERNEL_BOOT = """\
import sys
def editable(hook):
    return str(getattr(hook, "__module__", "")).startswith("__editable__")
sys.meta_path[:] = [finder for finder in sys.meta_path if not editable(finder)]
sys.path_hooks[:] = [hook for hook in sys.path_hooks if not editable(hook)]
sys.path_importer_cache.clear()
from ipykernel.kernelapp import launch_new_instance
launch_new_instance()
"""
ISOLATED_KERNEL = "isolated-python3"

STEPS: dict[str, CachedStep] = {}


def notebook_inputs(notebook: Path) -> list[Path]:
    """What a notebook's outputs depend on: itself, the site's code, this runner and the pins."""
    return [notebook, Path(__file__).resolve(), Path(__file__).with_name("site_code.py").resolve(),
            ROOT / "requirements.txt", *sorted((ROOT / "snippets").glob("*.py"))]


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
        name = Path(source).name
        output = step.wait()
        page.file.abs_src_path = str(output / PAGE_COPY / name)
        page.notebook_download = str(output / name)
    return page


@event_priority(100)  # before mkdocs-jupyter copies the file it rendered next to the page
def on_post_page(output, page, config):
    download = getattr(page, "notebook_download", None)
    if download:
        page.file.abs_src_path = download  # the download has every cell
    return output


def on_build_error(error) -> None:
    for step in STEPS.values():
        step.stop()


def isolated_kernel_dir(folder: Path) -> Path:
    """A kernel-spec folder holding ISOLATED_KERNEL, the build's Python with KERNEL_BOOT."""
    spec = folder / ISOLATED_KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-I", "-c", KERNEL_BOOT, "-f", "{connection_file}"],
        "display_name": "Python 3 (no repository)", "language": "python",
    }), "utf8")
    return folder


def run_isolated(nb, workdir: Path):
    """Run every cell of `nb` in order, in `workdir`, in a kernel that cannot import the
    repository; no timestamps recorded. The first failing cell raises CellExecutionError."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="notebook-kernel-") as kernels:
        specs = KernelSpecManager(kernel_dirs=[str(isolated_kernel_dir(Path(kernels)))])
        manager = KernelManager(kernel_name=ISOLATED_KERNEL, kernel_spec_manager=specs)
        client = NotebookClient(nb, km=manager, timeout=TIMEOUT, allow_errors=False,
                                record_timing=False, resources={"metadata": {"path": str(workdir)}})
        client.execute()
    return nb


def execute(notebook: Path):
    """The notebook as a reader downloads it, run: the site's code put in, every cell run in an
    empty folder by a kernel that cannot import the repository."""
    import nbformat

    from hooks.notebooks.site_code import with_site_code

    nb = with_site_code(nbformat.read(notebook, as_version=4))
    with tempfile.TemporaryDirectory(prefix="notebook-run-") as empty:
        return run_isolated(nb, Path(empty))


def main(folder: Path, notebook: Path) -> int:
    import nbformat
    from nbclient.exceptions import CellExecutionError

    from hooks.notebooks.site_code import without_site_code

    try:
        executed = execute(notebook)
    except CellExecutionError as error:
        print(f"{notebook.name}: a cell failed\n{error}", file=sys.stderr)
        return 1
    nbformat.write(executed, folder / notebook.name)
    (folder / PAGE_COPY).mkdir()
    nbformat.write(without_site_code(executed), folder / PAGE_COPY / notebook.name)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))
