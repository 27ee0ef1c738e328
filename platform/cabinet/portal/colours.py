"""Colour arithmetic for branding: WCAG 2 contrast ratios and readable text colours."""

from __future__ import annotations

WHITE, BLACK = "#ffffff", "#000000"
MIN_TEXT_CONTRAST = 4.5  # WCAG AA for normal text


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def to_hex(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in (r, g, b))


def luminance(hex_colour: str) -> float:
    r, g, b = (_channel(c) for c in rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(background: str) -> str:
    """White or black, whichever reads better on `background`."""
    return WHITE if contrast(background, WHITE) >= contrast(background, BLACK) else BLACK


def best_contrast(background: str) -> float:
    return contrast(background, text_colour_on(background))


def darken_until_readable(colour: str, against: str = WHITE, target: float = MIN_TEXT_CONTRAST) -> str:
    """The nearest shade of `colour` (same hue, darker or lighter) that reaches `target` against
    `against`; used to suggest a fix for a refused colour."""
    r, g, b = rgb(colour)
    towards = 0 if luminance(against) > 0.5 else 255
    for step in range(1, 101):
        t = step / 100
        candidate = to_hex(r + (towards - r) * t, g + (towards - g) * t, b + (towards - b) * t)
        if contrast(candidate, against) >= target:
            return candidate
    return BLACK if towards == 0 else WHITE
