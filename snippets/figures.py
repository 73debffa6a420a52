"""The site's figures, drawn by matplotlib for the light and the dark color scheme.

Each figure is a function of a theme. Backgrounds are transparent and the colors are chosen per
scheme, so text and curves keep their contrast on the light page, the dark page and paper.
"""

import base64
import html
import io
import re
from dataclasses import dataclass

import numpy as np

from snippets import two_layer

# matplotlib is imported where a figure is drawn, so listing the figures costs nothing.


@dataclass(frozen=True)
class Theme:
    name: str
    background: str  # the page behind the transparent figure (for contrast checks only)
    text: str
    grid: str
    series: tuple[str, ...]


# Backgrounds: Material's default scheme, and its slate scheme (hsl(225, 15%, 14%)).
LIGHT = Theme("light", "#ffffff", "#1f2328", "#d0d7de",
              ("#1f5fbf", "#b7410e", "#1a7f37", "#8250df"))
DARK = Theme("dark", "#1e2129", "#e6edf3", "#4b5263",
             ("#79b8ff", "#ffa657", "#56d364", "#d2a8ff"))
THEMES = (LIGHT, DARK)


def new_figure(theme, ncols=1, width=6.4, height=3.4, left=0.6, bottom=0.5, top=0.15, gap=0.8):
    """A figure with transparent background and the theme's text, axis and grid colors.

    Margins are in inches (fixed margins draw much faster than an automatic layout).
    """
    rc = {
        "text.color": theme.text, "axes.labelcolor": theme.text, "axes.edgecolor": theme.text,
        "xtick.color": theme.text, "ytick.color": theme.text, "grid.color": theme.grid,
        "axes.grid": True, "grid.linewidth": 0.6, "font.size": 10.5, "legend.frameon": False,
        "axes.spines.top": False, "axes.spines.right": False, "lines.linewidth": 2,
    }
    import matplotlib as mpl
    from matplotlib.figure import Figure

    with mpl.rc_context(rc):
        fig = Figure(figsize=(width, height))
        axes = fig.subplots(1, ncols)
    panel = (width - left - 0.15 - gap * (ncols - 1)) / ncols
    fig.subplots_adjust(left=left / width, right=1 - 0.15 / width, bottom=bottom / height,
                        top=1 - top / height, wspace=gap / panel)
    fig.patch.set_alpha(0)
    for ax in np.atleast_1d(axes):
        ax.set_facecolor("none")
        ax.tick_params(colors=theme.text)
        for spine in ax.spines.values():
            spine.set_color(theme.text)
        ax.grid(True, color=theme.grid, linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
    return fig, axes


def legend(ax, theme, **kwargs):
    ax.legend(frameon=False, labelcolor=theme.text, **kwargs)


def sigmoid_figure(theme):
    """(a) The sigmoid a = σ(z) and its derivative a(1 − a)."""
    z = np.linspace(-7, 7, 141)
    a = two_layer.sigmoid(z)
    fig, ax = new_figure(theme)
    ax.plot(z, a, color=theme.series[0], label=r"$a = \sigma(z)$")
    ax.plot(z, a * (1 - a), color=theme.series[1], label=r"$\sigma'(z) = a\,(1 - a)$")
    ax.axhline(0.25, color=theme.text, linestyle=":", linewidth=1)
    ax.annotate("largest slope 1/4, at z = 0 (a = 1/2)", xy=(0, 0.25), xytext=(0.6, 0.42),
                color=theme.text, arrowprops={"arrowstyle": "->", "color": theme.text})
    ax.set_xlabel("z")
    ax.set_ylim(-0.03, 1.05)
    legend(ax, theme, loc="upper left")
    return fig


def losses_figure(theme):
    """(b) Cross-entropy for y = 1 and y = 0, and squared error, as functions of z; and their slopes."""
    z = np.linspace(-6, 6, 121)
    a = two_layer.sigmoid(z)
    fig, (left, right) = new_figure(theme, ncols=2, width=7.6, height=3.4, top=0.35, gap=0.7)
    left.plot(z, -np.log(a), color=theme.series[0], label=r"$-\ln \sigma(z)$, $y = 1$")
    left.plot(z, -np.log(1 - a), color=theme.series[1], label=r"$-\ln(1 - \sigma(z))$, $y = 0$")
    left.plot(z, (a - 1) ** 2, color=theme.series[2], linestyle="--",
              label=r"$(\sigma(z) - 1)^2$, $y = 1$")
    left.set_title("loss L", color=theme.text)
    left.set_xlabel("z")
    left.set_ylim(-0.2, 6.2)
    legend(left, theme, loc="upper center", fontsize=9)
    right.plot(z, a - 1, color=theme.series[0], label=r"$a - y$, $y = 1$")
    right.plot(z, a, color=theme.series[1], label=r"$a - y$, $y = 0$")
    right.plot(z, 2 * (a - 1) * a * (1 - a), color=theme.series[2], linestyle="--",
               label=r"$2(a - 1)\,a(1 - a)$, squared error")
    right.set_title("slope dL/dz", color=theme.text)
    right.set_xlabel("z")
    right.set_ylim(-1.1, 1.1)
    legend(right, theme, loc="upper left", fontsize=9)
    return fig


def gradient_check_data(seed=3, m=6):
    """Relative errors of the site's formulas, and of the formulas without g'(Z1), per parameter."""
    X, Y = two_layer.two_moons(m=m, seed=seed)
    params = two_layer.random_weights(2, 4, seed=seed)
    right = two_layer.compare_gradients(params, X, Y)
    wrong = two_layer.compare_gradients(params, X, Y, hidden_slope=np.ones_like)
    return right, wrong


def gradient_check_figure(theme, right=None, wrong=None):
    """(c) Formula against finite differences: every entry, and the relative error per parameter."""
    if right is None:
        right, wrong = gradient_check_data()
    fig, (left, errors) = new_figure(theme, ncols=2, width=7.6, height=3.4, left=0.75, gap=1.0)
    names = list(right)
    for index, name in enumerate(names):
        formula, numeric = right[name]
        left.scatter(numeric.ravel(), formula.ravel(), s=22, color=theme.series[index],
                     label=f"d{name}", zorder=3)
    low, high = left.get_xlim()
    left.plot([low, high], [low, high], color=theme.text, linewidth=0.8, zorder=2)
    left.set_xlabel("finite differences")
    left.set_ylabel("formula")
    legend(left, theme, loc="upper left", fontsize=9)
    for index, name in enumerate(names):
        for offset, pairs, marker in ((-0.12, right, "o"), (0.12, wrong, "x")):
            if pairs is None:
                continue
            rel = np.maximum(two_layer.relative_errors(*pairs[name]).ravel(), 1e-16)
            errors.scatter(np.full(rel.size, index + offset), rel, marker=marker, s=24,
                           color=theme.series[index], zorder=3)
    errors.axhline(1e-6, color=theme.text, linestyle=":", linewidth=1)
    errors.text(1.5, 1.6e-6, "tolerance 1e-6", ha="center", va="bottom", color=theme.text,
                fontsize=9)
    errors.set_yscale("log")
    errors.set_ylim(1e-16, 10)
    errors.set_xticks(range(len(names)), [f"d{name}" for name in names])
    errors.set_ylabel("relative error")
    if wrong is not None:
        errors.scatter([], [], marker="o", color=theme.text, label="site's formulas")
        errors.scatter([], [], marker="x", color=theme.text, label="without g'(Z1)")
        legend(errors, theme, loc="lower left", fontsize=9)
    return fig


def loss_curve_figure(theme, costs):
    """The cost J after each gradient-descent step."""
    fig, ax = new_figure(theme, height=3.0)
    steps = np.unique(np.linspace(0, len(costs) - 1, 300).astype(int))  # enough for the eye
    ax.plot(steps, np.asarray(costs)[steps], color=theme.series[0])
    ax.set_xlabel("gradient-descent step")
    ax.set_ylabel("cost J")
    ax.set_ylim(bottom=0)
    return fig


def loss_curve_alt(costs):
    return (f"The cost J falls from {costs[0]:.2f} to {costs[-1]:.3f} over {len(costs)} "
            "gradient-descent steps, steeply at first and then slowly.")


def decision_regions_alt(accuracy):
    return ("Two interleaved half circles of training points, y = 0 above and y = 1 below. "
            "The trained network's boundary curves between them; the shaded region where it "
            f"predicts 1 holds the y = 1 points ({accuracy:.0%} of all points are on their "
            "side).")


def decision_regions_figure(theme, params, X, Y):
    """Where the trained network says 1 (shaded), with the training points."""
    fig, ax = new_figure(theme, width=5.2, height=3.6)
    x0, x1 = np.meshgrid(np.linspace(-1.6, 2.6, 140), np.linspace(-1.2, 1.7, 100))
    grid = np.vstack([x0.ravel(), x1.ravel()])
    A2 = two_layer.forward(params, grid)["A2"].reshape(x0.shape)
    ax.contourf(x0, x1, A2 > 0.5, levels=[0.5, 1.5], colors=[theme.series[1]], alpha=0.18)
    ax.contour(x0, x1, A2, levels=[0.5], colors=[theme.text], linewidths=1)
    for label, marker in ((0, "o"), (1, "s")):
        mask = Y[0] == label
        ax.scatter(X[0, mask], X[1, mask], s=14, marker=marker, color=theme.series[label],
                   label=f"y = {label}", zorder=3)
    ax.set_aspect("equal")
    legend(ax, theme, loc="upper right", fontsize=9)
    return fig


def to_svg(fig) -> str:
    """The figure as compact SVG text, identical from run to run (no date, fixed ids).

    Text is drawn as glyph outlines, so it looks the same whatever fonts the reader has.
    """
    import matplotlib as mpl

    buffer = io.StringIO()
    with mpl.rc_context({"svg.hashsalt": "backprop-faq", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", transparent=True, metadata={"Date": None})
    svg = re.sub(r"<!--.*?-->|<metadata>.*?</metadata>", "", buffer.getvalue(), flags=re.DOTALL)
    return re.sub(r"\s*\n\s*", " ", re.sub(r">\s+<", "><", svg)).strip() + "\n"


class ThemedFigure:
    """A figure drawn for both color schemes; a notebook shows it with its alt text.

    The page shows the light drawing or the dark one with the reader's scheme (site.css);
    plain Jupyter shows the light one.
    """

    def __init__(self, draw, alt, *args):
        self.alt = alt
        self.svgs = {theme.name: to_svg(draw(theme, *args)) for theme in THEMES}

    def _repr_mimebundle_(self, include=None, exclude=None):
        alt = html.escape(self.alt)
        images = []
        for name, svg in self.svgs.items():
            data = base64.b64encode(svg.encode()).decode()
            hidden = " hidden" if name == "dark" else ""
            images.append(f'<img class="figure-{name}" alt="{alt}"{hidden} '
                          f'src="data:image/svg+xml;base64,{data}">')
        return {"text/html": f'<div class="themed-figure">{"".join(images)}</div>',
                "text/plain": self.alt}


# The figures the site's pages show: file stem -> (drawing, alt text).
PAGE_FIGURES = {
    "sigmoid": (
        sigmoid_figure,
        "The sigmoid a = σ(z) rises from 0 to 1 as z goes from −7 to 7; its derivative a(1 − a) "
        "is a bump that peaks at 1/4 when z = 0 and falls to almost 0 for |z| above 5.",
    ),
    "losses": (
        losses_figure,
        "Left: the loss as a function of z. For y = 1, −ln σ(z) grows like a straight line as z "
        "goes negative; for y = 0, −ln(1 − σ(z)) grows the same way as z goes positive; the "
        "squared error (σ(z) − 1)² levels off at 1. Right: the slopes. The cross-entropy slope "
        "a − y tends to −1 or 1 when the prediction is confidently wrong, while the squared "
        "error's slope tends to 0 there.",
    ),
    "gradient-check": (
        gradient_check_figure,
        "Left: each entry of dW1, db1, dW2 and db2 from the formulas plotted against its finite-"
        "difference estimate; every point lies on the diagonal. Right: the relative errors on a "
        "log scale; the site's formulas sit far below the 1e-6 tolerance, while dropping g'(Z1) "
        "puts dW1 and db1 near 1e-1.",
    ),
}
