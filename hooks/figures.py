"""Draw the site's figures (snippets/figures.py) to SVG during the build, once per change of their code.

Pages show a figure as a pair, one drawing per color scheme (Material's #only-light/#only-dark):

    ![alt text](figures/sigmoid-light.svg#only-light)
    ![alt text](figures/sigmoid-dark.svg#only-dark)
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.structure.files import File, Files

from hooks.background import ROOT, CachedStep

FOLDER = "figures"  # docs/figures/<stem>-<scheme>.svg, as far as MkDocs knows
# The drawing code, everything it imports, this file, and the pinned versions.
INPUTS = [ROOT / "snippets" / name for name in ("figures.py", "two_layer.py", "gradcheck.py")]
INPUTS += [Path(__file__).resolve(), ROOT / "requirements.txt"]

STEP: CachedStep | None = None


def on_config(config):
    global STEP
    STEP = CachedStep("figures", "hooks.figures", INPUTS)
    STEP.start()  # draws on another core while MkDocs reads the docs folder
    return config


def on_files(files: Files, config) -> Files:
    folder = STEP.wait()
    for svg in sorted(folder.glob("*.svg")):
        files.append(File.generated(config, f"{FOLDER}/{svg.name}", abs_src_path=str(svg)))
    return files


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
