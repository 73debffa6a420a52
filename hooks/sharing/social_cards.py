"""Draw each page's link-preview card (a 1200×630 PNG) offline with Pillow, cached by its text."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / ".cache" / "social-cards"
SIZE = (1200, 630)
MARGIN = 80
FONT_DIRS = [
    Path("/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF"),
    Path("/usr/share/fonts/truetype/dejavu"),
]
# Roboto is the site's typeface; DejaVu Sans draws what Roboto lacks (⊙, →, ...).
FONTS = {
    "bold": ["Roboto-Bold.ttf", "DejaVuSans-Bold.ttf"],
    "regular": ["Roboto-Regular.ttf", "DejaVuSans.ttf"],
}
BACKGROUND = (40, 53, 147)  # Material indigo 800
ACCENT = (255, 110, 64)  # Material deep orange A200, the site's accent
WHITE = (255, 255, 255)
MUTED = (197, 202, 233)  # indigo 100
TAGLINE = "Every step derived · every formula checked by code"
DRAWING_VERSION = "1"  # bump when the layout changes, so cached cards are redrawn


def card_uri(src_uri: str) -> str:
    """Where a page's card lives in the built site: docs/a/b.md -> assets/social/a/b.png."""
    return "assets/social/" + str(Path(src_uri).with_suffix(".png").as_posix())


def font_path(style: str, index: int) -> Path:
    name = FONTS[style][index]
    for folder in FONT_DIRS:
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(
        f"card font {name} is missing: install fonts-roboto-unhinted and fonts-dejavu-core"
    )


@cache
def font(style: str, index: int, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path(style, index)), size)


@cache
def glyph_print(style: str, index: int, text: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("L", (96, 96))
    ImageDraw.Draw(image).text((8, 8), text, font=font(style, index, 48), fill=255)
    return image.tobytes()


def has_glyphs(style: str, index: int, cluster: str) -> bool:
    """True when the font draws every character of `cluster` (not its 'missing glyph' box)."""
    missing = glyph_print(style, index, "\ue000")  # a private-use code point: never in these fonts
    return all(ch.isspace() or glyph_print(style, index, ch) != missing for ch in cluster)


def clusters(text: str) -> list[str]:
    """Characters with their combining marks attached (ŷ written as y + U+0302 stays whole)."""
    out: list[str] = []
    for ch in text:
        if out and unicodedata.combining(ch):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def runs(text: str, style: str, size: int) -> list[tuple[str, object]]:
    """Split text into pieces, each drawn by the first font that has all its glyphs."""
    pieces: list[tuple[str, object]] = []
    for cluster in clusters(text):
        index = 0 if has_glyphs(style, 0, cluster) else 1
        chosen = font(style, index, size)
        if pieces and pieces[-1][1] is chosen:
            pieces[-1] = (pieces[-1][0] + cluster, chosen)
        else:
            pieces.append((cluster, chosen))
    return pieces


def width(text: str, style: str, size: int) -> float:
    return sum(f.getlength(piece) for piece, f in runs(text, style, size))


def wrap(text: str, style: str, size: int, max_width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and width(f"{lines[-1]} {word}", style, size) <= max_width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def draw_line(draw, xy: tuple[int, int], text: str, style: str, size: int, fill) -> None:
    """Draw one line on a common baseline, switching fonts where a glyph needs it."""
    x, y = xy
    for piece, f in runs(text, style, size):
        draw.text((x, y), piece, font=f, fill=fill, anchor="ls")
        x += f.getlength(piece)


def fit_title(title: str, max_width: int, max_height: int) -> tuple[int, list[str]]:
    """The largest size (72 down to 40 px) at which the title fits the box."""
    for size in range(72, 39, -4):
        lines = wrap(title, "bold", size, max_width)
        if len(lines) * size * 1.2 <= max_height:
            return size, lines
    return 40, wrap(title, "bold", 40, max_width)[:5]


def draw_card(title: str, site_name: str, domain: str):
    """The card: site name, the page's question in large type, the domain and the tagline."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", SIZE, BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, SIZE[1]), fill=ACCENT)
    draw_line(draw, (MARGIN, MARGIN + 30), site_name, "bold", 38, ACCENT)
    box_top, box_bottom = MARGIN + 90, SIZE[1] - MARGIN - 90
    size, lines = fit_title(title, SIZE[0] - 2 * MARGIN, box_bottom - box_top)
    leading = round(size * 1.2)
    top = box_top + (box_bottom - box_top - leading * len(lines)) // 2
    for number, line in enumerate(lines):
        draw_line(draw, (MARGIN, top + leading * (number + 1) - round(size * 0.25)), line,
                  "bold", size, WHITE)
    draw_line(draw, (MARGIN, SIZE[1] - MARGIN - 40), TAGLINE, "regular", 30, MUTED)
    draw_line(draw, (MARGIN, SIZE[1] - MARGIN + 4), domain, "bold", 30, WHITE)
    return image


def cache_path(card: tuple[str, str, str]) -> Path:
    """Where a card with this text is kept between builds."""
    fonts = [font_path(style, i).name for style in FONTS for i in range(2)]
    key = json.dumps([DRAWING_VERSION, *card, fonts], ensure_ascii=False)
    return CACHE / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.png"


def cached_card(card: tuple[str, str, str]) -> Path:
    """The card's PNG in the cache, drawn only when no card with this text exists yet."""
    path = cache_path(card)
    if not path.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        draw_card(*card).save(partial, format="PNG")
        partial.replace(path)  # atomic: a parallel build never reads half a file
    return path


def domain_of(site_url: str) -> str:
    parts = urlsplit(site_url or "")
    return (parts.netloc + parts.path).rstrip("/") or "localhost"


CARDS: dict[str, tuple[str, str, str]] = {}  # card URI in the site -> (title, site, domain)


def on_pre_build(config) -> None:
    CARDS.clear()


def on_page_context(context, page, config, nav):
    # The front-matter title is the question; the navigation's name for it is shorter.
    title = config["site_description"] if page.is_homepage else page.meta.get("title") or page.title
    domain = domain_of(config["site_url"])
    CARDS[card_uri(page.file.src_uri)] = (" ".join(str(title).split()), config["site_name"], domain)
    return context


def on_post_build(config) -> None:
    site = Path(config["site_dir"])
    with ThreadPoolExecutor(max_workers=4) as pool:  # only cards not in the cache are drawn
        sources = list(pool.map(cached_card, CARDS.values()))
    for uri, source in zip(CARDS, sources, strict=True):
        target = site / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
