"""The figures drawn by code: legible on both color schemes, never stale, always with alt text."""

from __future__ import annotations

import ast
import re
from html import unescape
from pathlib import Path

import pytest

from hooks.page import figures as figure_hook
from snippets.figures import DARK, LIGHT, PAGE_FIGURES, THEMES, to_svg
from tests.conftest import ROOT

# Which page shows which figure (stem of figures/<stem>-<scheme>.svg).
PAGES_WITH_FIGURES = {"dz-a-minus-y": "losses", "sigmoid-derivative": "sigmoid"}
FIGURE_IMAGE = re.compile(r'<img (?P<attrs>[^>]*src="(?P<src>[^"]*figures/[^"]+\.svg#[^"]*)"[^>]*)>')


def luminance(color: str) -> float:
    """Relative luminance of a #rrggbb color (WCAG 2)."""
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture(scope="module")
def drawings() -> dict[str, str]:
    """Every site figure drawn now, for both schemes: {"<stem>-<scheme>.svg": svg}."""
    return {f"{stem}-{theme.name}.svg": to_svg(draw(theme))
            for stem, (draw, _alt) in PAGE_FIGURES.items() for theme in THEMES}


def test_contrast_arithmetic():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", THEMES, ids=lambda t: t.name)
def test_text_and_curves_stand_out_on_their_page(theme):
    assert contrast(theme.text, theme.background) >= 7, "text, ticks and labels"
    for color in theme.series:
        assert contrast(color, theme.background) >= 4.5, f"curve {color}"
    assert contrast(theme.grid, theme.background) < contrast(theme.text, theme.background)


def test_the_backgrounds_are_materials():
    assert LIGHT.background == "#ffffff"  # the default scheme, and paper
    assert DARK.background == "#1e2129"  # slate: hsl(225, 15%, 14%)


def test_each_drawing_uses_its_schemes_colors_on_a_transparent_background(drawings):
    for name, svg in drawings.items():
        theme, other = (DARK, LIGHT) if name.endswith("-dark.svg") else (LIGHT, DARK)
        assert svg.startswith("<?xml") and "<svg" in svg
        assert f"fill: {theme.text}" in svg, f"{name}: text not in {theme.text}"
        assert f"fill: {other.text}" not in svg, f"{name}: text of the other scheme"
        assert theme.series[0] in svg
        # matplotlib writes the figure's background first: transparent, so without a fill
        background = re.search(r'<g id="patch_1"><path [^>]*?(?:style="([^"]*)")?/>', svg)
        assert background, f"{name}: no figure background found"
        assert "fill" not in (background[1] or "") or "fill: none" in background[1], name


def test_drawings_are_the_same_from_run_to_run(drawings):
    stem = "sigmoid"
    draw = PAGE_FIGURES[stem][0]
    assert to_svg(draw(LIGHT)) == drawings[f"{stem}-light.svg"]
    assert "<metadata>" not in drawings[f"{stem}-light.svg"]  # no date, no version stamp


def test_every_figure_has_alt_text():
    for stem, (_draw, alt) in PAGE_FIGURES.items():
        assert len(alt) > 80 and alt.endswith("."), stem


def test_the_cache_key_covers_all_the_drawing_code():
    inputs = {path.resolve() for path in figure_hook.INPUTS}
    module = ast.parse((ROOT / "snippets" / "figures.py").read_text("utf8"))
    imported = {alias.name for node in ast.walk(module) if isinstance(node, ast.ImportFrom)
                and node.module == "snippets" for alias in node.names}
    imported |= {node.module.split(".")[1] for node in ast.walk(module)
                 if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("snippets.")}
    assert imported, "snippets/figures.py imports the network it draws"
    for name in imported | {"figures", "gradcheck"}:
        assert ROOT / "snippets" / f"{name}.py" in inputs, name
    assert Path(figure_hook.__file__).resolve() in inputs
    assert ROOT / "requirements.txt" in inputs


def test_the_build_publishes_the_current_drawings(built_site, drawings):
    published = {path.name: path.read_text("utf8") for path in (built_site / "figures").glob("*.svg")}
    assert set(published) == set(drawings)
    for name, svg in drawings.items():
        assert published[name] == svg, f"figures/{name} in the site is not today's drawing"


def test_figures_on_pages_come_in_pairs_with_alt_text(built_site):
    seen = set()
    for page in sorted(built_site.rglob("*.html")):
        html = page.read_text("utf8")
        images = [(m["src"], re.search(r'alt="([^"]*)"', m["attrs"])) for m in
                  FIGURE_IMAGE.finditer(html)]
        for src, alt in images:
            where = f"{page.relative_to(built_site)}: {src}"
            assert alt, f"{where} has no alt text"
            assert (page.parent / src.split("#")[0]).resolve().is_file(), f"{where} is missing"
            match = re.search(r"figures/([\w-]+)-(light|dark)\.svg#only-(light|dark)$", src)
            assert match and match[2] == match[3], f"{where}: file and #only- marker disagree"
            seen.add((page.parent.name, match[1], match[2]))
            # one description per drawing: the page says what snippets/figures.py draws
            assert unescape(alt[1]) == PAGE_FIGURES[match[1]][1], f"{where}: alt text differs"
        light = sorted(s.replace("-light.svg#only-light", "") for s, _ in images if "#only-light" in s)
        dark = sorted(s.replace("-dark.svg#only-dark", "") for s, _ in images if "#only-dark" in s)
        assert light == dark, f"{page.relative_to(built_site)}: a figure lacks its other scheme"
    for page, stem in PAGES_WITH_FIGURES.items():
        assert (page, stem, "light") in seen and (page, stem, "dark") in seen, page
