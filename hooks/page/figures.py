"""Draw the site's figures (snippets/figures.py) to SVG during the build, once per change of their code.

Pages show a figure as a pair, one drawing per color scheme (Material's #only-light/#only-dark):

    ![alt text](figures/sigmoid-light.svg#only-light)
    ![alt text](figures/sigmoid-dark.svg#only-dark)
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from hooks.background import ROOT, CachedStep

FOLDER = "figures"  # docs/figures/<stem>-<scheme>.svg, as far as MkDocs knows
# The drawing code, everything it imports, this file, and the pinned versions.
INPUTS = [ROOT / "snippets" / name for name in ("figures.py", "two_layer.py", "gradcheck.py")]
INPUTS += [Path(__file__).resolve(), ROOT / "requirements.txt"]

STEP: CachedStep | None = None


def on_config(config):
    global STEP
    STEP = CachedStep("figures", "hooks.page.figures", INPUTS)
    STEP.start()  # draws on another core while MkDocs renders the pages
    return config


def figure_files() -> list[str]:
    """The names the drawing step writes (listing them does not import matplotlib)."""
    import importlib

    # reloaded because `mkdocs serve` keeps modules between builds
    figures = importlib.reload(importlib.import_module("snippets.figures"))
    return [f"{stem}-{theme.name}.svg" for stem in figures.PAGE_FIGURES for theme in figures.THEMES]


def on_files(files: Files, config) -> Files:
    # Registered now, so links to them are checked; they are drawn by the time MkDocs copies.
    # Drawn already: the folder lists them; else ask snippets/figures.py (imports numpy, 0.2 s).
    done = STEP.output.is_dir()
    STEP.names = sorted(p.name for p in STEP.output.glob("*.svg")) if done else figure_files()
    for name in STEP.names:
        path = STEP.output / name
        files.append(File.generated(config, f"{FOLDER}/{name}", abs_src_path=str(path)))
    return files


def on_env(env, config, files):
    folder = STEP.wait()  # MkDocs copies static files right after this event
    missing = [name for name in STEP.names if not (folder / name).is_file()]
    if missing:
        raise PluginError(f"the figure step did not draw {', '.join(missing)}")
    return env


def on_serve(server, config, builder):
    server.watch(str(ROOT / "snippets"))  # a changed drawing redraws the figures
    return server


def on_build_error(error) -> None:
    if STEP is not None:
        STEP.stop()


def draw_all(folder: Path) -> None:
    from snippets.figures import PAGE_FIGURES, THEMES, to_svg

    for stem, (draw, _alt) in PAGE_FIGURES.items():
        for theme in THEMES:
            (folder / f"{stem}-{theme.name}.svg").write_text(to_svg(draw(theme)), "utf8")


if __name__ == "__main__":
    draw_all(Path(sys.argv[1]))
