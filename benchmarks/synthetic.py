"""Illustrated stand-in photos for the example site, drawn with Pillow from a seed.

The example content needs portraits and news pictures that anyone may publish, that look calm and
editorial rather than uncanny, and that exercise the image pipeline the way phone photos do
(EXIF orientation, GPS, serial numbers to strip). Everything is deterministic from a seed so
`python -m benchmarks.synthetic` remakes byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter
from PIL.TiffImagePlugin import IFDRational

Colour = tuple[int, int, int]
Point = tuple[float, float]
Box = tuple[float, float, float, float]

# Everything is drawn at twice the final size and scaled down: Pillow's primitives are not
# anti-aliased, and LANCZOS downsampling is the cheapest way to get smooth edges.
SUPERSAMPLE = 2

SCENE_KINDS = ("lab", "workshop", "event", "award", "server-room", "greenhouse")
PORTRAIT_SIZE = (1600, 2000)
SCENE_SIZE = (1800, 1200)

# A broad, evenly spaced range of skin tones, so a seeded set of portraits reads as a real
# workforce rather than a default.
SKIN_TONES: tuple[Colour, ...] = (
    (255, 226, 204),
    (245, 205, 176),
    (234, 189, 157),
    (222, 170, 130),
    (198, 142, 104),
    (176, 120, 84),
    (150, 98, 68),
    (118, 76, 52),
    (92, 58, 40),
    (70, 45, 32),
)
HAIR_COLOURS: dict[str, Colour] = {
    "black": (32, 27, 27),
    "dark-brown": (62, 40, 28),
    "brown": (105, 70, 42),
    "auburn": (140, 62, 36),
    "blonde": (214, 178, 112),
    "grey": (158, 156, 152),
    "silver": (210, 208, 204),
    "teal": (46, 128, 134),
    "plum": (118, 52, 96),
}
HAIR_STYLES = ("short", "crop", "long", "bob", "bun", "curly", "afro", "locs", "bald")
CLOTHING = ("labcoat", "polo", "tshirt", "cardigan", "overalls", "hoodie")
SETTINGS = ("lab", "workshop", "studio", "server", "greenhouse", "plain")
EYEWEAR = ("none", "glasses", "safety-specs")

# Muted garment colours: saturated primaries look cheap at this size and fight the background.
GARMENT_COLOURS: tuple[Colour, ...] = (
    (47, 72, 110),
    (38, 98, 92),
    (122, 46, 58),
    (196, 150, 60),
    (88, 108, 62),
    (70, 70, 78),
    (160, 86, 62),
    (92, 72, 128),
    (54, 110, 150),
    (214, 206, 190),
)
SCARF_COLOURS: tuple[Colour, ...] = (
    (46, 66, 104),
    (132, 52, 74),
    (58, 110, 96),
    (188, 142, 86),
    (96, 78, 132),
    (60, 60, 66),
)
FRAME_COLOURS: tuple[Colour, ...] = ((34, 30, 30), (96, 60, 36), (150, 152, 158), (58, 70, 110))
ACCENTS: tuple[Colour, ...] = ((233, 180, 76), (229, 111, 81), (64, 160, 150), (120, 150, 220))


# --- small helpers --------------------------------------------------------------------------------


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _darker(c: Colour, t: float) -> Colour:
    return _mix(c, (0, 0, 0), t)


def _lighter(c: Colour, t: float) -> Colour:
    return _mix(c, (255, 255, 255), t)


def _rgba(c: Colour, alpha: int) -> tuple[int, int, int, int]:
    return (c[0], c[1], c[2], alpha)


def _cubic(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 24) -> list[Point]:
    points = []
    for i in range(steps + 1):
        t = i / steps
        s = 1 - t
        x = s**3 * p0[0] + 3 * s * s * t * p1[0] + 3 * s * t * t * p2[0] + t**3 * p3[0]
        y = s**3 * p0[1] + 3 * s * s * t * p1[1] + 3 * s * t * t * p2[1] + t**3 * p3[1]
        points.append((x, y))
    return points


def _mirror(points: Sequence[Point], cx: float) -> list[Point]:
    return [(2 * cx - x, y) for x, y in reversed(points)]


def _gradient(size: tuple[int, int], top: Colour, bottom: Colour) -> Image.Image:
    # A 256-step ramp stretched to size is far faster than drawing a line per row.
    ramp = Image.linear_gradient("L").resize(size, Image.BILINEAR)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), ramp)


def _mask(size: tuple[int, int]) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    mask = Image.new("L", size, 0)
    return mask, ImageDraw.Draw(mask)


def _ellipse_mask(size: tuple[int, int], box: Box) -> Image.Image:
    mask, draw = _mask(size)
    draw.ellipse(box, fill=255)
    return mask


def _finish(canvas: Image.Image, size: tuple[int, int]) -> Image.Image:
    return canvas.convert("RGB").resize(size, Image.LANCZOS)


# --- portraits ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Look:
    """Everything that varies between two portraits; chosen from the seed unless overridden."""

    skin: Colour
    hair: str
    hair_colour: Colour
    clothing: str
    garment: Colour
    under: Colour
    eyewear: str
    frame: Colour
    headscarf: bool
    scarf: Colour
    beard: bool
    setting: str
    lanyard: bool
    accent: Colour
    smile_open: bool
    lean: float


def _random_look(rng: random.Random) -> Look:
    hair = rng.choice(HAIR_STYLES)
    hair_name = rng.choices(list(HAIR_COLOURS), weights=[5, 5, 4, 2, 2, 2, 1, 0.4, 0.4], k=1)[0]
    garment = rng.choice(GARMENT_COLOURS)
    under = rng.choice([c for c in GARMENT_COLOURS if c != garment])
    return Look(
        skin=rng.choice(SKIN_TONES),
        hair=hair,
        hair_colour=HAIR_COLOURS[hair_name],
        clothing=rng.choice(CLOTHING),
        garment=garment,
        under=under,
        eyewear=rng.choices(EYEWEAR, weights=[5, 3, 1], k=1)[0],
        frame=rng.choice(FRAME_COLOURS),
        headscarf=rng.random() < 0.12,
        scarf=rng.choice(SCARF_COLOURS),
        beard=hair in ("short", "crop", "bald", "curly", "locs") and rng.random() < 0.35,
        setting=rng.choice(SETTINGS),
        lanyard=rng.random() < 0.5,
        accent=rng.choice(ACCENTS),
        smile_open=rng.random() < 0.35,
        lean=rng.uniform(-2.5, 2.5),
    )


class _Figure:
    """Geometry of one head-and-shoulders figure, in units of 1% of the figure's width."""

    def __init__(self, size: tuple[int, int], look: Look) -> None:
        self.size = size
        width, height = size
        self.f = min(width, height * 0.8) / 100
        self.look = look
        self.cx = width / 2 + look.lean * self.f
        self.bottom = float(height)
        self.cy = height - 78 * self.f

    def x(self, units: float) -> float:
        return self.cx + units * self.f

    def y(self, units: float) -> float:
        """Offset from the centre of the head."""
        return self.cy + units * self.f

    def b(self, units: float) -> float:
        """Offset from the bottom edge (negative is up)."""
        return self.bottom + units * self.f

    def box(self, x0: float, y0: float, x1: float, y1: float) -> Box:
        return (self.x(x0), self.y(y0), self.x(x1), self.y(y1))

    @property
    def head(self) -> Box:
        return self.box(-16, -20.5, 16, 20.5)

    def torso(self, neckline_dip: float = 0.0) -> list[Point]:
        left = [
            *_cubic(
                (self.x(-8.5), self.b(-47)),
                (self.x(-18), self.b(-44.5)),
                (self.x(-28), self.b(-41.5)),
                (self.x(-36), self.b(-38)),
            ),
            *_cubic(
                (self.x(-36), self.b(-38)),
                (self.x(-42.5), self.b(-35.5)),
                (self.x(-46.5), self.b(-30)),
                (self.x(-47.5), self.b(-21)),
            ),
            (self.x(-49.5), self.b(2)),
        ]
        left.reverse()
        neck = _cubic(
            (self.x(-8.5), self.b(-47)),
            (self.x(-4), self.b(-47 + neckline_dip)),
            (self.x(4), self.b(-47 + neckline_dip)),
            (self.x(8.5), self.b(-47)),
        )
        return [*left, *neck[1:-1], *_mirror(left, self.cx)]


def _draw_setting(canvas: Image.Image, rng: random.Random, setting: str, f: float) -> None:
    """A soft, out-of-focus backdrop that hints at where the person works."""
    width, height = canvas.size
    draw = ImageDraw.Draw(canvas, "RGBA")
    base = canvas.getpixel((width // 2, height // 2))
    assert isinstance(base, tuple)
    ink = _darker(base[:3], 0.18)
    light = _lighter(base[:3], 0.35)
    if setting == "lab":
        for shelf_y in (0.22, 0.42):
            y = height * shelf_y
            draw.rectangle((0, y, width, y + 1.4 * f), fill=_rgba(ink, 150))
            x = rng.uniform(0, 6 * f)
            while x < width:
                w = rng.uniform(4, 8) * f
                h = rng.uniform(7, 15) * f
                colour = rng.choice([ink, light, (150, 190, 200), (200, 170, 120), (170, 200, 160)])
                if rng.random() < 0.4:
                    # flasks among the bottles make the shelves read as a lab, not a pantry
                    draw.polygon(
                        [
                            (x, y),
                            (x + w, y),
                            (x + w * 0.62, y - h * 0.6),
                            (x + w * 0.38, y - h * 0.6),
                        ],
                        fill=_rgba(colour, 170),
                    )
                    draw.rectangle(
                        (x + w * 0.38, y - h, x + w * 0.62, y - h * 0.6), fill=_rgba(colour, 170)
                    )
                else:
                    draw.rounded_rectangle(
                        (x, y - h, x + w, y), radius=w * 0.25, fill=_rgba(colour, 170)
                    )
                x += w + rng.uniform(1, 6) * f
        draw.rectangle((0, height * 0.8, width, height), fill=_rgba(ink, 120))
        draw.rectangle(
            (width * 0.62, height * 0.05, width * 1.02, height * 0.16), fill=_rgba(light, 160)
        )
    elif setting == "workshop":
        # a pegboard of tools is the quickest visual shorthand for a workshop
        step = 4.5 * f
        for gy in range(int(height * 0.08 / step), int(height * 0.62 / step)):
            for gx in range(int(width / step) + 1):
                r = 0.45 * f
                draw.ellipse(
                    (gx * step - r, gy * step - r, gx * step + r, gy * step + r),
                    fill=_rgba(ink, 110),
                )
        for _ in range(7):
            tx, ty = rng.uniform(0.03, 0.97) * width, rng.uniform(0.12, 0.45) * height
            tool = rng.choice(["spanner", "hammer", "saw"])
            colour = _rgba(rng.choice([ink, (170, 70, 50), (60, 90, 140)]), 150)
            if tool == "spanner":
                draw.rounded_rectangle((tx - f, ty, tx + f, ty + 16 * f), radius=f, fill=colour)
                draw.ellipse((tx - 2.6 * f, ty - 2 * f, tx + 2.6 * f, ty + 3 * f), fill=colour)
            elif tool == "hammer":
                draw.rectangle((tx - 0.9 * f, ty, tx + 0.9 * f, ty + 15 * f), fill=colour)
                draw.rounded_rectangle(
                    (tx - 4 * f, ty - 2 * f, tx + 4 * f, ty + 1.5 * f), radius=f, fill=colour
                )
            else:
                draw.polygon([(tx, ty), (tx + 12 * f, ty + 3 * f), (tx, ty + 5 * f)], fill=colour)
        draw.rectangle((0, height * 0.7, width, height * 0.74), fill=_rgba(ink, 170))
        draw.rectangle((0, height * 0.74, width, height), fill=_rgba(ink, 90))
    elif setting == "studio":
        for i in range(0, int(width / (6 * f)) + 1):
            x = i * 6 * f
            draw.rectangle((x, 0, x + 3 * f, height), fill=_rgba(ink, 60))
        for _ in range(3):
            sx = rng.uniform(0.1, 0.9) * width
            spread = rng.uniform(14, 24) * f
            draw.polygon(
                [(sx - 2 * f, 0), (sx + 2 * f, 0), (sx + spread, height), (sx - spread, height)],
                fill=_rgba(light, 45),
            )
        draw.rectangle((0, height * 0.04, width, height * 0.06), fill=_rgba(ink, 200))
    elif setting == "server":
        rack_w = 18 * f
        x = -rng.uniform(0, rack_w)
        while x < width:
            draw.rectangle((x, height * 0.05, x + rack_w - 2 * f, height), fill=_rgba(ink, 190))
            y = height * 0.08
            while y < height * 0.9:
                draw.rectangle(
                    (x + 1.5 * f, y, x + rack_w - 3.5 * f, y + 2.2 * f), fill=_rgba(ink, 255)
                )
                led = rng.choice([(90, 220, 140), (90, 170, 240), (240, 190, 80)])
                draw.ellipse(
                    (x + 2.5 * f, y + 0.6 * f, x + 3.5 * f, y + 1.6 * f), fill=_rgba(led, 230)
                )
                y += 3.2 * f
            x += rack_w
    elif setting == "greenhouse":
        pane = 16 * f
        for i in range(int(width / pane) + 1):
            draw.rectangle((i * pane, 0, i * pane + 0.8 * f, height * 0.7), fill=_rgba(light, 180))
        for j in range(1, 4):
            draw.rectangle(
                (0, j * pane * 1.3, width, j * pane * 1.3 + 0.8 * f), fill=_rgba(light, 180)
            )
        for _ in range(26):
            lx, ly = rng.uniform(0, width), rng.uniform(0.45, 0.85) * height
            green = rng.choice([(74, 130, 70), (104, 156, 84), (56, 108, 80)])
            rx, ry = rng.uniform(3, 7) * f, rng.uniform(1.5, 3) * f
            draw.ellipse((lx - rx, ly - ry, lx + rx, ly + ry), fill=_rgba(green, 200))
        draw.rectangle((0, height * 0.84, width, height), fill=_rgba((150, 100, 70), 160))
    else:
        for _ in range(9):
            r = rng.uniform(8, 22) * f
            bx, by = rng.uniform(0, width), rng.uniform(0, height * 0.7)
            draw.ellipse((bx - r, by - r, bx + r, by + r), fill=_rgba(light, 70))


def _draw_back_hair(canvas: Image.Image, fig: _Figure) -> None:
    look = fig.look
    draw = ImageDraw.Draw(canvas, "RGBA")
    colour = look.hair_colour
    if look.hair == "long":
        draw.rounded_rectangle(fig.box(-20, -19, 20, 34), radius=12 * fig.f, fill=colour)
    elif look.hair == "bob":
        draw.rounded_rectangle(fig.box(-20.5, -19, 20.5, 17), radius=9 * fig.f, fill=colour)
    elif look.hair == "bun":
        draw.ellipse(fig.box(-6.5, -30, 6.5, -17), fill=colour)
    elif look.hair == "locs":
        for i in range(-6, 7):
            x = i * 3.3
            drop = 32 - abs(i) * 1.2
            top = -21 * math.sqrt(max(0.0, 1 - (x / 23) ** 2))
            draw.rounded_rectangle(
                fig.box(x - 1.7, top, x + 1.7, drop), radius=1.7 * fig.f, fill=_darker(colour, 0.08)
            )


def _draw_front_hair_strands(canvas: Image.Image, fig: _Figure) -> None:
    """Hair that falls over the shoulders, drawn after the clothes and before the face."""
    look = fig.look
    draw = ImageDraw.Draw(canvas, "RGBA")
    f = fig.f
    if look.hair in ("long", "bob"):
        end = 34 if look.hair == "long" else 17
        for side in (-1, 1):
            outer = _cubic(
                (fig.x(side * 15), fig.y(-14)),
                (fig.x(side * 21), fig.y(-4)),
                (fig.x(side * 22), fig.y(end - 12)),
                (fig.x(side * 21.5), fig.y(end)),
            )
            inner = _cubic(
                (fig.x(side * 13), fig.y(end - 1)),
                (fig.x(side * 13), fig.y(end - 14)),
                (fig.x(side * 12.5), fig.y(2)),
                (fig.x(side * 11), fig.y(-12)),
            )
            draw.polygon([*outer, *inner], fill=look.hair_colour)
    elif look.hair == "locs":
        for side in (-1, 1):
            for k in range(3):
                x = side * (13.5 + k * 3.2)
                # each loc starts on the curve of the scalp, not on one straight line
                top = -22 * math.sqrt(max(0.0, 1 - (x / 21) ** 2))
                draw.rounded_rectangle(
                    (fig.x(x) - 1.6 * f, fig.y(top), fig.x(x) + 1.6 * f, fig.y(28 - k * 2)),
                    radius=1.6 * f,
                    fill=_lighter(look.hair_colour, 0.04 * k),
                )


def _hair_cap_mask(fig: _Figure) -> Image.Image | None:
    """The hair on top of the head: an enlarged head shape with the face cut out of it."""
    look = fig.look
    size = fig.size
    if look.hair == "bald":
        return None
    grow_top, grow_side, lowest, window_top = {
        "short": (3.0, 1.6, 1.0, -14.0),
        "crop": (1.2, 0.8, -3.0, -15.0),
        "long": (3.2, 1.8, 4.0, -14.0),
        "bob": (3.4, 2.2, 4.0, -12.0),
        "bun": (1.8, 1.0, -1.0, -15.0),
        "curly": (5.0, 3.0, 2.0, -13.0),
        "afro": (11.0, 9.0, 6.0, -13.5),
        "locs": (3.0, 2.0, 14.0, -14.0),
    }[look.hair]
    cap, draw = _mask(size)
    # an afro ends in a rounded edge at the jaw rather than being cut off level
    lower = 11.0 if look.hair == "afro" else 20.5 + grow_side
    x0, y0, x1, y1 = -16 - grow_side, -20.5 - grow_top, 16 + grow_side, lower
    draw.ellipse(fig.box(x0, y0, x1, y1), fill=255)
    if look.hair in ("curly", "afro"):
        # a scalloped outline reads as curls without drawing every curl
        ex, ey, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2
        bump = 3.4 if look.hair == "curly" else 4.6
        spread = 0.45 if look.hair == "afro" else 0.0
        for k in range(25):
            angle = math.pi - spread + (math.pi + 2 * spread) * k / 24
            bx = ex + rx * math.cos(angle) * 0.95
            by = ey + ry * math.sin(angle) * 0.95
            draw.ellipse(fig.box(bx - bump, by - bump, bx + bump, by + bump), fill=255)
    if look.hair != "afro":
        draw.rectangle((0, fig.y(lowest), size[0], size[1]), fill=0)
    window = _ellipse_mask(size, fig.box(-13.5, window_top, 13.5, 36))
    return ImageChops.subtract(cap, window)


def _draw_clothing(canvas: Image.Image, fig: _Figure) -> None:
    look = fig.look
    draw = ImageDraw.Draw(canvas, "RGBA")
    x, b, f = fig.x, fig.b, fig.f
    cx = fig.cx
    garment = (246, 246, 243) if look.clothing == "labcoat" else look.garment
    dip = {"tshirt": 4.0, "hoodie": 4.0, "cardigan": 0.0}.get(look.clothing, 0.0)
    outline = _darker(garment, 0.22)

    if look.clothing == "hoodie":
        draw.ellipse((x(-16), b(-53), x(16), b(-40)), fill=_darker(garment, 0.18))
    draw.polygon(fig.torso(dip), fill=garment)
    # a soft fold shadow under each arm keeps the flat shape from looking like a cut-out
    for side in (-1, 1):
        draw.polygon(
            [
                (x(side * 47), b(-22)),
                (x(side * 40), b(-12)),
                (x(side * 41), b(2)),
                (x(side * 49.5), b(2)),
            ],
            fill=_rgba(_darker(garment, 0.25), 90),
        )

    if look.clothing == "labcoat":
        draw.polygon([(x(-8.5), b(-47)), (x(8.5), b(-47)), (x(0), b(-20))], fill=look.under)
        draw.polygon(
            [(x(-8.5), b(-47.5)), (x(-3), b(-43)), (x(-5), b(-39))], fill=_lighter(look.under, 0.15)
        )
        draw.polygon(
            [(x(8.5), b(-47.5)), (x(3), b(-43)), (x(5), b(-39))], fill=_lighter(look.under, 0.15)
        )
        lapel_line = (205, 205, 200)
        for side in (-1, 1):
            lapel = [
                (x(side * 9), b(-48)),
                (x(side * 15), b(-44)),
                (x(side * 10.5), b(-35)),
                (x(side * 1.2), b(-18)),
                (x(side * 0.5), b(-20)),
            ]
            draw.polygon(
                lapel, fill=(250, 250, 248), outline=lapel_line, width=max(1, round(0.45 * f))
            )
        draw.line(
            [(x(0.8), b(-19)), (x(0.8), b(2))], fill=lapel_line, width=max(1, round(0.45 * f))
        )
        for by in (-12.0, -3.0):
            draw.ellipse((x(2.2), b(by), x(3.8), b(by + 1.6)), fill=(210, 210, 206))
        draw.rectangle(
            (x(20), b(-25), x(31), b(-14)), outline=lapel_line, width=max(1, round(0.45 * f))
        )
        for i, pen in enumerate([look.accent, (40, 60, 120)]):
            px = x(22.5 + i * 3.2)
            draw.rounded_rectangle((px, b(-29), px + 1.4 * f, b(-23)), radius=0.5 * f, fill=pen)
    elif look.clothing in ("polo", "overalls"):
        collar = _lighter(garment, 0.12) if look.clothing == "polo" else _darker(garment, 0.12)
        draw.polygon(
            [(x(-8.5), b(-47)), (x(8.5), b(-47)), (x(0), b(-41))], fill=_darker(look.skin, 0.12)
        )
        for side in (-1, 1):
            draw.polygon(
                [
                    (x(side * 10.5), b(-48.5)),
                    (x(side * 1), b(-41.5)),
                    (x(side * 5), b(-37)),
                    (x(side * 14), b(-43)),
                ],
                fill=collar,
                outline=outline,
                width=max(1, round(0.4 * f)),
            )
        if look.clothing == "polo":
            draw.rectangle(
                (x(-1.6), b(-41.5), x(1.6), b(-31)), outline=outline, width=max(1, round(0.4 * f))
            )
            for by in (-39.0, -34.0):
                draw.ellipse((x(-0.6), b(by), x(0.6), b(by + 1.2)), fill=outline)
            draw.ellipse((x(20), b(-32), x(25), b(-27)), fill=look.accent)
        else:
            draw.line([(cx, b(-41)), (cx, b(2))], fill=outline, width=max(1, round(0.6 * f)))
            draw.rounded_rectangle(
                (x(-0.9), b(-38), x(0.9), b(-33.5)), radius=0.4 * f, fill=(190, 190, 190)
            )
            for side in (-1, 1):
                px0, px1 = sorted((x(side * 10), x(side * 22)))
                draw.rectangle(
                    (px0, b(-28), px1, b(-16)), outline=outline, width=max(1, round(0.45 * f))
                )
                draw.rectangle((px0, b(-28), px1, b(-24.5)), fill=_darker(garment, 0.1))
            # a reflective band, as on most workshop overalls
            draw.rectangle((x(-49), b(-9), x(49), b(-6)), fill=_rgba((220, 225, 200), 200))
    elif look.clothing == "cardigan":
        draw.polygon(
            [
                (x(-9), b(-47)),
                (x(9), b(-47)),
                (x(3.2), b(-22)),
                (x(3.2), b(2)),
                (x(-3.2), b(2)),
                (x(-3.2), b(-22)),
            ],
            fill=look.under,
        )
        draw.arc(
            (x(-8.5), b(-51), x(8.5), b(-43)),
            0,
            180,
            fill=_darker(look.under, 0.2),
            width=round(1.1 * f),
        )
        for side in (-1, 1):
            draw.line(
                [(x(side * 9), b(-47)), (x(side * 3.2), b(-22)), (x(side * 3.2), b(2))],
                fill=outline,
                width=max(1, round(1.0 * f)),
            )
        for by in (-18.0, -10.0, -2.0):
            draw.ellipse((x(-5.6), b(by), x(-3.8), b(by + 1.8)), fill=_lighter(garment, 0.35))
    elif look.clothing in ("tshirt", "hoodie"):
        draw.arc(
            (x(-8.8), b(-51.5), x(8.8), b(-42.2)),
            0,
            180,
            fill=_darker(garment, 0.22),
            width=round(1.3 * f),
        )
        if look.clothing == "hoodie":
            for side in (-1, 1):
                draw.line(
                    [(x(side * 4), b(-43)), (x(side * 5), b(-29))],
                    fill=(235, 232, 226),
                    width=round(0.7 * f),
                )
                draw.ellipse(
                    (x(side * 5) - 0.7 * f, b(-29.5), x(side * 5) + 0.7 * f, b(-28)),
                    fill=(200, 196, 190),
                )
            draw.rounded_rectangle(
                (x(-17), b(-14), x(17), b(4)), radius=3 * f, outline=outline, width=round(0.5 * f)
            )

    if look.lanyard and look.clothing not in ("overalls",):
        strap = _rgba(look.accent, 255)
        draw.line([(x(-7.5), b(-46)), (x(-2), b(-17))], fill=strap, width=round(1.1 * f))
        draw.line([(x(7.5), b(-46)), (x(2), b(-17))], fill=strap, width=round(1.1 * f))
        draw.rounded_rectangle(
            (x(-4.5), b(-17.5), x(4.5), b(-5)), radius=0.8 * f, fill=(252, 252, 250)
        )
        draw.rectangle((x(-4.5), b(-17.5), x(4.5), b(-14.5)), fill=strap)
        draw.rectangle((x(-3), b(-12), x(3), b(-11)), fill=(170, 170, 176))


def _draw_face(canvas: Image.Image, fig: _Figure) -> None:
    look = fig.look
    draw = ImageDraw.Draw(canvas, "RGBA")
    x, y, f = fig.x, fig.y, fig.f
    eye = (24, 18, 20)
    skin_shadow = _darker(look.skin, 0.2)
    brow = (
        _darker(look.hair_colour, 0.1)
        if look.hair_colour != HAIR_COLOURS["silver"]
        else (120, 118, 114)
    )
    if look.headscarf:
        brow = _darker(look.skin, 0.55)

    for side in (-1, 1):
        ex = x(side * 6.5)
        draw.ellipse((ex - 1.5 * f, y(-0.9), ex + 1.5 * f, y(2.9)), fill=eye)
        draw.ellipse((ex + 0.1 * f, y(-0.4), ex + 0.9 * f, y(0.4)), fill=(255, 255, 255, 220))
        draw.arc(
            (ex - 3.2 * f, y(-7), ex + 3.2 * f, y(-2.6)), 205, 335, fill=brow, width=round(0.95 * f)
        )
        # cheeks: a little warmth so the flat face does not look grey
        draw.ellipse(
            (x(side * 9.5) - 2.6 * f, y(7), x(side * 9.5) + 2.6 * f, y(10.2)),
            fill=(226, 110, 110, 38),
        )

    draw.arc(fig.box(-2, 4.8, 2, 8.8), 25, 155, fill=skin_shadow, width=round(0.75 * f))

    lip = _mix(look.skin, (150, 55, 60), 0.45)
    if look.beard:
        beard_mask = ImageChops.subtract(
            ImageChops.multiply(
                _ellipse_mask(fig.size, fig.box(-16.6, -20.5, 16.6, 21.6)),
                _band_mask(fig.size, fig.y(2.5), fig.y(30)),
            ),
            _ellipse_mask(fig.size, fig.box(-11, -3, 11, 10)),
        )
        canvas.paste(look.hair_colour, mask=beard_mask.point(lambda v: v * 235 // 255))
        draw.ellipse(fig.box(-6, 9, 6, 12.6), fill=look.hair_colour)
        lip = _lighter(lip, 0.25)
    if look.smile_open:
        draw.chord(fig.box(-4.6, 9.4, 4.6, 15.4), 0, 180, fill=_darker(lip, 0.35))
        draw.chord(fig.box(-4.0, 9.6, 4.0, 13.0), 0, 180, fill=(250, 248, 244))
    else:
        draw.arc(fig.box(-5, 7.5, 5, 14.2), 22, 158, fill=lip, width=round(1.0 * f))


def _band_mask(size: tuple[int, int], top: float, bottom: float) -> Image.Image:
    mask, draw = _mask(size)
    draw.rectangle((0, top, size[0], bottom), fill=255)
    return mask


def _draw_eyewear(canvas: Image.Image, fig: _Figure) -> None:
    look = fig.look
    draw = ImageDraw.Draw(canvas, "RGBA")
    x, y, f = fig.x, fig.y, fig.f
    if look.eyewear == "glasses":
        width = max(1, round(0.75 * f))
        for side in (-1, 1):
            ex = x(side * 6.5)
            draw.rounded_rectangle(
                (ex - 4.6 * f, y(-3.2), ex + 4.6 * f, y(4.4)),
                radius=2.2 * f,
                fill=(255, 255, 255, 35),
                outline=look.frame,
                width=width,
            )
            draw.line(
                [(x(side * 11.1), y(-1)), (x(side * 15.6), y(-1.8))], fill=look.frame, width=width
            )
        draw.arc(fig.box(-2, -1.8, 2, 1.2), 200, 340, fill=look.frame, width=width)
    elif look.eyewear == "safety-specs":
        lens = [
            (x(-14.5), y(-3.8)),
            (x(14.5), y(-3.8)),
            (x(13.5), y(4.2)),
            (x(2), y(5)),
            (x(0), y(3)),
            (x(-2), y(5)),
            (x(-13.5), y(4.2)),
        ]
        draw.polygon(
            lens, fill=(170, 215, 235, 70), outline=(120, 150, 170), width=max(1, round(0.6 * f))
        )
        draw.rectangle((x(-14.5), y(-4.2), x(14.5), y(-3)), fill=(70, 90, 110))


def _draw_headscarf_back(canvas: Image.Image, fig: _Figure) -> None:
    look = fig.look
    draw = ImageDraw.Draw(canvas, "RGBA")
    x, y, b = fig.x, fig.y, fig.b
    # the drape follows the shoulders and ends in a curve across the chest
    left = [
        *_cubic((x(0), y(-25)), (x(-20), y(-25)), (x(-23), y(-8)), (x(-22), y(8))),
        *_cubic((x(-22), y(8)), (x(-23), b(-44)), (x(-32), b(-38)), (x(-30), b(-28))),
        *_cubic((x(-30), b(-28)), (x(-20), b(-20)), (x(-8), b(-19)), (x(0), b(-19))),
    ]
    draw.polygon([*left, *_mirror(left, fig.cx)], fill=look.scarf)
    fold = _darker(look.scarf, 0.18)
    draw.arc((x(-20), b(-56), x(20), b(-26)), 30, 150, fill=fold, width=round(0.9 * fig.f))
    draw.arc((x(-24), b(-52), x(16), b(-22)), 40, 140, fill=fold, width=round(0.7 * fig.f))


def make_portrait(
    seed: int,
    size: tuple[int, int],
    *,
    setting: str | None = None,
    clothing: str | None = None,
    hair: str | None = None,
    hair_colour: str | None = None,
    skin: int | None = None,
    eyewear: str | None = None,
    headscarf: bool | None = None,
    beard: bool | None = None,
) -> Image.Image:
    """A flat-illustration head-and-shoulders portrait, the same for the same seed.

    The keyword arguments pin a trait (for example to match a profile's job) and leave the rest
    to the seed: `skin` indexes SKIN_TONES, `hair_colour` is a key of HAIR_COLOURS.
    """
    rng = random.Random(seed)
    look = _random_look(rng)
    pinned: dict[str, object] = {}
    if setting is not None:
        pinned["setting"] = setting
    if clothing is not None:
        pinned["clothing"] = clothing
    if hair is not None:
        pinned["hair"] = hair
        # asking for a hairstyle means it should be visible
        pinned["headscarf"] = False
    if hair_colour is not None:
        pinned["hair_colour"] = HAIR_COLOURS[hair_colour]
    if skin is not None:
        pinned["skin"] = SKIN_TONES[skin % len(SKIN_TONES)]
    if eyewear is not None:
        pinned["eyewear"] = eyewear
    if headscarf is not None:
        pinned["headscarf"] = headscarf
    if beard is not None:
        pinned["beard"] = beard
    look = replace(look, **pinned)  # type: ignore[arg-type]
    if look.headscarf:
        look = replace(look, beard=False)
    if (
        look.hair not in HAIR_STYLES
        or look.clothing not in CLOTHING
        or look.setting not in SETTINGS
    ):
        raise ValueError(f"unknown trait in {look}")

    big = (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE)
    backdrops = {
        "lab": ((222, 234, 238), (190, 212, 220)),
        "workshop": ((236, 226, 210), (205, 188, 166)),
        "studio": ((70, 62, 92), (36, 32, 52)),
        "server": ((60, 78, 104), (30, 40, 58)),
        "greenhouse": ((222, 238, 214), (184, 210, 176)),
        "plain": ((238, 230, 222), (214, 200, 214)),
    }
    top, bottom = backdrops[look.setting]
    canvas = _gradient(big, top, bottom)
    fig = _Figure(big, look)
    _draw_setting(canvas, rng, look.setting, fig.f)
    # depth of field: the backdrop sits behind the subject, so it is soft
    canvas = canvas.filter(ImageFilter.GaussianBlur(1.6 * fig.f))

    shadow, shadow_draw = _mask(big)
    offset = 2.5 * fig.f
    shadow_draw.polygon([(px + offset, py) for px, py in fig.torso()], fill=90)
    hx0, hy0, hx1, hy1 = fig.head
    shadow_draw.ellipse((hx0 + offset, hy0 - 2 * fig.f, hx1 + offset, hy1), fill=90)
    canvas.paste((0, 0, 0), mask=shadow.filter(ImageFilter.GaussianBlur(3 * fig.f)))

    draw = ImageDraw.Draw(canvas, "RGBA")
    if not look.headscarf:
        _draw_back_hair(canvas, fig)
    neck = [
        (fig.x(-7), fig.y(8)),
        (fig.x(7), fig.y(8)),
        (fig.x(8.6), fig.b(-40)),
        (fig.x(-8.6), fig.b(-40)),
    ]
    draw.polygon(neck, fill=_darker(look.skin, 0.06))
    draw.ellipse(fig.box(-7, 13, 7, 24), fill=_darker(look.skin, 0.16))
    _draw_clothing(canvas, fig)

    if look.headscarf:
        _draw_headscarf_back(canvas, fig)
        draw.ellipse(fig.box(-13.5, -14.5, 13.5, 20.5), fill=look.skin)
        draw.arc(
            fig.box(-13.6, -14.8, 13.6, 20),
            200,
            340,
            fill=_darker(look.scarf, 0.25),
            width=round(1.3 * fig.f),
        )
    else:
        _draw_front_hair_strands(canvas, fig)
        ears_hidden = look.hair in ("long", "bob", "afro", "locs")
        if not ears_hidden:
            for side in (-1, 1):
                ex = fig.x(side * 15.8)
                draw.ellipse(
                    (ex - 2.8 * fig.f, fig.y(-4.5), ex + 2.8 * fig.f, fig.y(5.5)), fill=look.skin
                )
                draw.ellipse(
                    (ex - 1.2 * fig.f, fig.y(-2.5), ex + 1.2 * fig.f, fig.y(3.5)),
                    fill=_darker(look.skin, 0.12),
                )
        draw.ellipse(fig.head, fill=look.skin)
        cap = _hair_cap_mask(fig)
        if cap is not None:
            colour = (
                look.hair_colour if look.hair != "crop" else _mix(look.hair_colour, look.skin, 0.25)
            )
            canvas.paste(colour, mask=cap)
        elif look.hair == "bald":
            draw.ellipse(fig.box(-7, -18.5, 3, -14.5), fill=_rgba(_lighter(look.skin, 0.3), 110))
    _draw_face(canvas, fig)
    _draw_eyewear(canvas, fig)
    return _finish(canvas, size)


# --- scenes ---------------------------------------------------------------------------------------


def _person(
    draw: ImageDraw.ImageDraw,
    rng: random.Random,
    x: float,
    base: float,
    scale: float,
    *,
    garment: Colour | None = None,
    from_behind: bool = False,
) -> None:
    """A small simplified figure for crowds and benches: shoulders, head, hair."""
    skin = rng.choice(SKIN_TONES)
    hair = rng.choice(list(HAIR_COLOURS.values())[:7])
    body = garment or rng.choice(GARMENT_COLOURS)
    s = scale
    draw.rounded_rectangle(
        (x - 9 * s, base - 16 * s, x + 9 * s, base + 4 * s), radius=7 * s, fill=body
    )
    draw.rectangle((x - 2 * s, base - 19 * s, x + 2 * s, base - 15 * s), fill=_darker(skin, 0.08))
    draw.ellipse((x - 5.2 * s, base - 31 * s, x + 5.2 * s, base - 18 * s), fill=skin)
    style = rng.random()
    if from_behind:
        draw.ellipse((x - 5.6 * s, base - 31.8 * s, x + 5.6 * s, base - 20 * s), fill=hair)
        if style < 0.3:
            draw.ellipse((x - 3 * s, base - 35 * s, x + 3 * s, base - 29 * s), fill=hair)
    elif style < 0.5:
        draw.chord((x - 5.7 * s, base - 32 * s, x + 5.7 * s, base - 21 * s), 180, 360, fill=hair)
    elif style < 0.8:
        draw.rounded_rectangle(
            (x - 6.2 * s, base - 32 * s, x + 6.2 * s, base - 16 * s), radius=5 * s, fill=hair
        )
        draw.ellipse((x - 4.4 * s, base - 28 * s, x + 4.4 * s, base - 18 * s), fill=skin)
    if not from_behind:
        for side in (-1, 1):
            draw.ellipse(
                (
                    x + side * 2 * s - 0.6 * s,
                    base - 25.5 * s,
                    x + side * 2 * s + 0.6 * s,
                    base - 24 * s,
                ),
                fill=(40, 32, 32),
            )
        draw.arc(
            (x - 2 * s, base - 24.5 * s, x + 2 * s, base - 21 * s),
            20,
            160,
            fill=_darker(skin, 0.35),
            width=max(1, round(0.5 * s)),
        )


def _scene_lab(canvas: Image.Image, rng: random.Random, u: float) -> None:
    width, height = canvas.size
    draw = ImageDraw.Draw(canvas, "RGBA")
    for wx in (0.08, 0.56):
        draw.rectangle(
            (wx * width, 0.08 * height, (wx + 0.3) * width, 0.42 * height), fill=(214, 236, 246)
        )
        draw.rectangle(
            (wx * width, 0.08 * height, (wx + 0.3) * width, 0.42 * height),
            outline=(240, 244, 246),
            width=round(1.2 * u),
        )
        draw.line(
            [((wx + 0.15) * width, 0.08 * height), ((wx + 0.15) * width, 0.42 * height)],
            fill=(240, 244, 246),
            width=round(1.0 * u),
        )
    for i in range(3):
        _person(
            draw,
            rng,
            width * (0.22 + 0.28 * i) + rng.uniform(-3, 3) * u,
            0.63 * height,
            0.8 * u,
            garment=(246, 246, 243),
        )
    draw.rectangle((0, 0.62 * height, width, 0.66 * height), fill=(70, 84, 96))
    draw.rectangle((0, 0.66 * height, width, height), fill=(156, 170, 180))
    for i in range(6):
        draw.rectangle(
            (i * width / 6 + u, 0.69 * height, (i + 1) * width / 6 - u, 0.97 * height),
            outline=(130, 144, 156),
            width=round(0.5 * u),
        )
    x = 2 * u
    # every lab picture gets one microscope, so alt text can rely on it being there
    scope_at = rng.uniform(0.5, 0.8) * width
    while x < width - 6 * u:
        kind = rng.random()
        if scope_at is not None and x >= scope_at:
            kind, scope_at = 0.7, None
        elif 0.65 <= kind < 0.8:
            kind = 0.5
        liquid = rng.choice([(120, 200, 190), (240, 180, 90), (150, 130, 220), (230, 120, 120)])
        base = 0.62 * height
        if kind < 0.35:
            w, h = rng.uniform(5, 8) * u, rng.uniform(7, 11) * u
            draw.polygon(
                [
                    (x, base),
                    (x + w, base),
                    (x + w * 0.6, base - h * 0.55),
                    (x + w * 0.4, base - h * 0.55),
                ],
                fill=(225, 238, 244, 220),
            )
            draw.rectangle(
                (x + w * 0.4, base - h, x + w * 0.6, base - h * 0.55), fill=(225, 238, 244, 220)
            )
            draw.polygon(
                [
                    (x + 0.6 * u, base),
                    (x + w - 0.6 * u, base),
                    (x + w * 0.75, base - h * 0.3),
                    (x + w * 0.25, base - h * 0.3),
                ],
                fill=_rgba(liquid, 210),
            )
        elif kind < 0.65:
            w, h = rng.uniform(4, 6) * u, rng.uniform(5, 8) * u
            draw.rectangle((x, base - h, x + w, base), fill=(225, 238, 244, 220))
            draw.rectangle(
                (x + 0.4 * u, base - h * 0.5, x + w - 0.4 * u, base), fill=_rgba(liquid, 210)
            )
        elif kind < 0.8:
            w = 11 * u
            ink = (66, 72, 86)
            draw.rounded_rectangle((x, base - 2 * u, x + w, base), radius=0.6 * u, fill=ink)
            draw.polygon(
                [
                    (x + 0.68 * w, base - 2 * u),
                    (x + 0.86 * w, base - 2 * u),
                    (x + 0.86 * w, base - 11 * u),
                    (x + 0.6 * w, base - 15 * u),
                    (x + 0.48 * w, base - 13.5 * u),
                    (x + 0.68 * w, base - 10.5 * u),
                ],
                fill=ink,
            )
            draw.rectangle((x + 0.18 * w, base - 7 * u, x + 0.72 * w, base - 6 * u), fill=ink)
            draw.line(
                [(x + 0.46 * w, base - 8.5 * u), (x + 0.34 * w, base - 16.5 * u)],
                fill=ink,
                width=round(2.4 * u),
            )
            draw.line(
                [(x + 0.34 * w, base - 16.5 * u), (x + 0.3 * w, base - 19 * u)],
                fill=(40, 44, 54),
                width=round(1.6 * u),
            )
            draw.ellipse(
                (x + 0.8 * w, base - 7.2 * u, x + 0.8 * w + 2.4 * u, base - 4.8 * u),
                fill=(150, 160, 176),
            )
        else:
            w = 8 * u
            draw.rectangle((x, base - 3 * u, x + w, base), fill=(200, 90, 80))
            for k in range(5):
                tx = x + 0.8 * u + k * 1.5 * u
                draw.rounded_rectangle(
                    (tx, base - 8 * u, tx + 0.9 * u, base - 1 * u),
                    radius=0.45 * u,
                    fill=_rgba(rng.choice([liquid, (240, 240, 240)]), 230),
                )
        x += w + rng.uniform(3, 9) * u


def _scene_workshop(canvas: Image.Image, rng: random.Random, u: float) -> None:
    width, height = canvas.size
    draw = ImageDraw.Draw(canvas, "RGBA")
    board = (196, 160, 120)
    draw.rectangle((0.05 * width, 0.1 * height, 0.55 * width, 0.5 * height), fill=board)
    for gx in range(int(0.05 * width / (3 * u)) + 1, int(0.55 * width / (3 * u))):
        for gy in range(int(0.1 * height / (3 * u)) + 1, int(0.5 * height / (3 * u))):
            draw.ellipse(
                (
                    gx * 3 * u - 0.3 * u,
                    gy * 3 * u - 0.3 * u,
                    gx * 3 * u + 0.3 * u,
                    gy * 3 * u + 0.3 * u,
                ),
                fill=_darker(board, 0.3),
            )
    for i in range(8):
        tx = (0.09 + 0.057 * i) * width
        colour = rng.choice([(60, 66, 76), (190, 70, 50), (40, 90, 150), (230, 180, 60)])
        length = rng.uniform(10, 18) * u
        draw.rounded_rectangle(
            (tx - 0.8 * u, 0.18 * height, tx + 0.8 * u, 0.18 * height + length),
            radius=0.8 * u,
            fill=colour,
        )
        draw.ellipse(
            (tx - 2.2 * u, 0.18 * height - 1.8 * u, tx + 2.2 * u, 0.18 * height + 2.2 * u),
            fill=colour,
        )
    # a lathe makes it an engineering workshop rather than a garage
    mx = 0.62 * width
    grey = (96, 112, 120)
    draw.rectangle((mx, 0.38 * height, mx + 0.32 * width, 0.46 * height), fill=grey)
    draw.rectangle((mx, 0.22 * height, mx + 0.09 * width, 0.46 * height), fill=_darker(grey, 0.15))
    draw.ellipse(
        (mx + 0.08 * width, 0.27 * height, mx + 0.12 * width, 0.37 * height), fill=(150, 160, 166)
    )
    draw.rectangle(
        (mx + 0.24 * width, 0.29 * height, mx + 0.3 * width, 0.38 * height), fill=_darker(grey, 0.1)
    )
    draw.rectangle(
        (mx + 0.02 * width, 0.46 * height, mx + 0.06 * width, 0.62 * height),
        fill=_darker(grey, 0.3),
    )
    draw.rectangle(
        (mx + 0.26 * width, 0.46 * height, mx + 0.3 * width, 0.62 * height), fill=_darker(grey, 0.3)
    )
    for lx in (0.2, 0.5, 0.8):
        draw.line(
            [(lx * width, 0), (lx * width, 0.05 * height)], fill=(60, 60, 60), width=round(0.4 * u)
        )
        draw.chord(
            (lx * width - 5 * u, 0.03 * height, lx * width + 5 * u, 0.09 * height),
            180,
            360,
            fill=(60, 80, 70),
        )
        draw.polygon(
            [
                (lx * width - 4 * u, 0.06 * height),
                (lx * width + 4 * u, 0.06 * height),
                (lx * width + 14 * u, 0.6 * height),
                (lx * width - 14 * u, 0.6 * height),
            ],
            fill=(255, 240, 200, 40),
        )
    _person(draw, rng, 0.36 * width, 0.64 * height, 1.0 * u, garment=(44, 60, 92))
    _person(draw, rng, 0.7 * width, 0.64 * height, 0.95 * u, garment=(48, 92, 72))
    draw.rectangle((0, 0.62 * height, width, 0.68 * height), fill=(120, 84, 56))
    draw.rectangle((0, 0.68 * height, width, height), fill=(150, 150, 146))
    for i in range(int(width / (6 * u)) + 2):
        draw.polygon(
            [
                (i * 6 * u, 0.9 * height),
                (i * 6 * u + 3 * u, 0.9 * height),
                (i * 6 * u, 0.93 * height),
                (i * 6 * u - 3 * u, 0.93 * height),
            ],
            fill=(240, 200, 60),
        )
    draw.rectangle((0.12 * width, 0.56 * height, 0.2 * width, 0.62 * height), fill=(60, 70, 80))
    draw.rectangle((0.14 * width, 0.52 * height, 0.18 * width, 0.56 * height), fill=(60, 70, 80))


def _scene_event(canvas: Image.Image, rng: random.Random, u: float) -> None:
    width, height = canvas.size
    draw = ImageDraw.Draw(canvas, "RGBA")
    accent = rng.choice(ACCENTS)
    draw.rectangle((0.28 * width, 0.08 * height, 0.72 * width, 0.46 * height), fill=(250, 250, 248))
    draw.rectangle((0.28 * width, 0.08 * height, 0.72 * width, 0.14 * height), fill=(28, 60, 80))
    for i, h in enumerate([0.12, 0.2, 0.16, 0.26, 0.22]):
        bx = 0.33 * width + i * 0.055 * width
        draw.rectangle(
            (bx, (0.42 - h) * height, bx + 0.035 * width, 0.42 * height),
            fill=_mix(accent, (28, 60, 80), i / 5),
        )
    for i in range(3):
        draw.rectangle(
            (0.6 * width, (0.2 + 0.06 * i) * height, 0.69 * width, (0.22 + 0.06 * i) * height),
            fill=(190, 196, 204),
        )
    _person(draw, rng, 0.82 * width, 0.4 * height, 0.8 * u)
    draw.rectangle((0.78 * width, 0.36 * height, 0.86 * width, 0.6 * height), fill=(110, 72, 52))
    for i in range(13):
        x0 = i * width / 12
        draw.polygon(
            [
                (x0, 0.03 * height),
                (x0 + width / 24, 0.03 * height + 0.02 * width),
                (x0 + width / 12, 0.03 * height),
            ],
            fill=_rgba(rng.choice(ACCENTS), 230),
        )
    for row, (base, scale) in enumerate(((0.8, 0.75), (0.92, 0.9), (1.05, 1.05))):
        count = 11 - row
        for i in range(count):
            x = (i + 0.5 + (0.3 if row % 2 else 0)) * width / count + rng.uniform(-2, 2) * u
            _person(draw, rng, x, base * height, scale * u, from_behind=True)


def _scene_award(canvas: Image.Image, rng: random.Random, u: float) -> None:
    width, height = canvas.size
    draw = ImageDraw.Draw(canvas, "RGBA")
    for sx in (0.2, 0.5, 0.8):
        draw.polygon(
            [
                (sx * width - 2 * u, 0),
                (sx * width + 2 * u, 0),
                (sx * width + 22 * u, 0.72 * height),
                (sx * width - 22 * u, 0.72 * height),
            ],
            fill=(255, 236, 190, 40),
        )
    draw.rectangle((0, 0.66 * height, width, 0.74 * height), fill=(92, 46, 74))
    draw.rectangle((0, 0.74 * height, width, height), fill=(38, 30, 52))
    gold = (232, 186, 74)
    tx, ty = 0.5 * width, 0.48 * height
    draw.rectangle((tx - 10 * u, ty + 8 * u, tx + 10 * u, 0.66 * height), fill=(60, 44, 80))
    draw.rectangle((tx - 10 * u, ty + 8 * u, tx + 10 * u, ty + 10 * u), fill=gold)
    draw.chord((tx - 6 * u, ty - 10 * u, tx + 6 * u, ty + 2 * u), 0, 180, fill=gold)
    draw.rectangle((tx - 6 * u, ty - 7 * u, tx + 6 * u, ty - 4 * u), fill=gold)
    draw.rectangle((tx - 1 * u, ty + 2 * u, tx + 1 * u, ty + 6 * u), fill=gold)
    draw.rectangle((tx - 4 * u, ty + 6 * u, tx + 4 * u, ty + 8 * u), fill=_darker(gold, 0.2))
    for side in (-1, 1):
        draw.arc(
            (tx + side * 6 * u - 3 * u, ty - 7 * u, tx + side * 6 * u + 3 * u, ty - 1 * u),
            -90 if side > 0 else 90,
            90 if side > 0 else 270,
            fill=gold,
            width=round(0.8 * u),
        )
    _person(draw, rng, 0.34 * width, 0.66 * height, 1.1 * u)
    _person(draw, rng, 0.66 * width, 0.66 * height, 1.1 * u)
    for _ in range(120):
        cx, cy = rng.uniform(0, width), rng.uniform(0, 0.7 * height)
        r = rng.uniform(0.4, 1.0) * u
        draw.rectangle(
            (cx - r, cy - r * 0.5, cx + r, cy + r * 0.5),
            fill=_rgba(rng.choice([*ACCENTS, gold]), 200),
        )
    for i in range(12):
        _person(draw, rng, (i + 0.5) * width / 12, 1.06 * height, 0.95 * u, from_behind=True)


def _scene_server_room(canvas: Image.Image, rng: random.Random, u: float) -> None:
    width, height = canvas.size
    draw = ImageDraw.Draw(canvas, "RGBA")
    vx, vy = 0.5 * width, 0.45 * height
    draw.polygon(
        [(0, height), (width, height), (vx + 8 * u, vy), (vx - 8 * u, vy)], fill=(200, 210, 220)
    )
    for k in range(-8, 9):
        draw.line(
            [(vx + k * u, vy), (width / 2 + k * width / 8, height)],
            fill=(170, 182, 194),
            width=round(0.3 * u),
        )
    for side in (-1, 1):
        for depth in range(6):
            t0, t1 = 1 - depth / 6, 1 - (depth + 1) / 6

            def px(t: float, side: int = side) -> float:
                return vx + side * (8 * u + t * (width / 2 - 8 * u))

            top0, top1 = vy - t0 * 0.42 * height, vy - t1 * 0.42 * height
            bot0, bot1 = vy + t0 * 0.55 * height, vy + t1 * 0.55 * height
            shade = _mix((30, 38, 52), (70, 86, 110), depth / 6)
            draw.polygon(
                [(px(t0), top0), (px(t1), top1), (px(t1), bot1), (px(t0), bot0)],
                fill=shade,
                outline=(20, 24, 32),
            )
            for r in range(8):
                fy = 0.1 + r * 0.1
                ly0 = top0 + (bot0 - top0) * fy
                size = 0.45 * u * t0 + 0.1 * u
                lx = px(t0 * 0.92 + t1 * 0.08)
                led = rng.choice([(90, 230, 150), (90, 180, 250), (250, 200, 90), (90, 230, 150)])
                draw.ellipse((lx - size, ly0 - size, lx + size, ly0 + size), fill=led)
    draw.rectangle((0, 0, width, 0.05 * height), fill=(40, 48, 60))
    for i in range(3):
        draw.rectangle(
            (0.1 * width, (0.06 + 0.02 * i) * height, 0.9 * width, (0.065 + 0.02 * i) * height),
            fill=rng.choice([(240, 200, 60), (60, 140, 220), (220, 90, 90)]),
        )
    _person(draw, rng, 0.5 * width, 0.8 * height, 0.9 * u)
    draw.rounded_rectangle(
        (0.5 * width - 4.5 * u, 0.8 * height - 8 * u, 0.5 * width + 4.5 * u, 0.8 * height - 4 * u),
        radius=0.5 * u,
        fill=(60, 64, 72),
    )


def _scene_greenhouse(canvas: Image.Image, rng: random.Random, u: float) -> None:
    width, height = canvas.size
    draw = ImageDraw.Draw(canvas, "RGBA")
    frame = (244, 246, 240)
    ridge = 0.06 * height
    eave = 0.3 * height
    draw.polygon([(0, eave), (0.5 * width, ridge), (width, eave)], fill=(210, 234, 240, 150))
    for i in range(9):
        x = i * width / 8
        draw.line(
            [(x, eave), (x, 0.72 * height)],
            fill=frame,
            width=round(0.9 * u),
        )
        draw.line([(0.5 * width, ridge), (x, eave)], fill=frame, width=round(0.6 * u))
    draw.line([(0, eave), (0.5 * width, ridge), (width, eave)], fill=frame, width=round(1.4 * u))
    for j in range(1, 4):
        y = eave + j * 0.1 * height
        draw.line([(0, y), (width, y)], fill=frame, width=round(0.6 * u))
    draw.rectangle((0, 0.6 * height, width, 0.64 * height), fill=(120, 92, 64))
    for row, base in enumerate((0.6, 0.88)):
        x = 3 * u + row * 5 * u
        while x < width - 8 * u:
            pot = rng.choice([(190, 100, 64), (170, 86, 56), (80, 84, 90)])
            draw.polygon(
                [
                    (x, base * height - 6 * u),
                    (x + 8 * u, base * height - 6 * u),
                    (x + 7 * u, base * height),
                    (x + 1 * u, base * height),
                ],
                fill=pot,
            )
            for _ in range(rng.randint(4, 7)):
                angle = rng.uniform(-2.6, -0.5)
                length = rng.uniform(5, 11) * u
                lx = x + 4 * u + math.cos(angle) * length
                ly = base * height - 6 * u + math.sin(angle) * length
                green = rng.choice([(64, 130, 72), (96, 160, 86), (48, 104, 76)])
                draw.line(
                    [(x + 4 * u, base * height - 6 * u), (lx, ly)],
                    fill=_darker(green, 0.2),
                    width=round(0.4 * u),
                )
                draw.ellipse((lx - 2.6 * u, ly - 1.5 * u, lx + 2.6 * u, ly + 1.5 * u), fill=green)
            x += rng.uniform(11, 15) * u
    draw.rectangle((0, 0.88 * height, width, height), fill=(150, 134, 110))
    # the water butt the horticulture team put in, because it features in the news
    draw.rounded_rectangle(
        (0.86 * width, 0.68 * height, 0.95 * width, 0.88 * height),
        radius=1.5 * u,
        fill=(40, 90, 70),
    )
    draw.rectangle((0.855 * width, 0.67 * height, 0.955 * width, 0.69 * height), fill=(30, 70, 56))
    _person(draw, rng, 0.3 * width, 0.88 * height, 1.0 * u, garment=(70, 110, 80))


_SCENE_PALETTES: dict[str, tuple[Colour, Colour]] = {
    "lab": ((236, 242, 246), (210, 222, 230)),
    "workshop": ((232, 226, 214), (206, 196, 180)),
    "event": ((238, 232, 226), (214, 206, 198)),
    "award": ((74, 42, 92), (30, 22, 44)),
    "server-room": ((48, 60, 80), (22, 28, 40)),
    "greenhouse": ((226, 240, 234), (196, 222, 204)),
}


def make_scene(seed: int, size: tuple[int, int], kind: str) -> Image.Image:
    """A geometric flat illustration for a news item or case study, the same for the same seed."""
    drawers = {
        "lab": _scene_lab,
        "workshop": _scene_workshop,
        "event": _scene_event,
        "award": _scene_award,
        "server-room": _scene_server_room,
        "greenhouse": _scene_greenhouse,
    }
    if kind not in drawers:
        raise ValueError(f"unknown scene kind {kind!r}: use one of {', '.join(SCENE_KINDS)}")
    rng = random.Random(f"{kind}:{seed}")
    big = (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE)
    top, bottom = _SCENE_PALETTES[kind]
    canvas = _gradient(big, top, bottom)
    drawers[kind](canvas, rng, min(big) / 100)
    return _finish(canvas, size)


# --- saving like a phone --------------------------------------------------------------------------

# What exif_transpose() applies for each orientation is undone here, so that a viewer applying
# the tag gets the upright picture back, as with a phone held sideways.
_STORE_TRANSPOSE: dict[int, Image.Transpose] = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}

PHONE_SERIAL = "LX5P0D7Q2K9R4M"

# In the North Sea off a coast that does not exist: real-looking GPS data that locates nobody.
_GPS_ORIGIN = (54.4211, 0.3127)


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds, 100)


def save_as_camera_photo(
    image: Image.Image,
    path: Path | str,
    *,
    orientation: int = 1,
    gps: bool = True,
    when: dt.datetime,
) -> None:
    """Save a JPEG carrying the identifying metadata a phone writes, for the pipeline to strip."""
    if not 1 <= orientation <= 8:
        raise ValueError(f"EXIF orientation is 1 to 8, not {orientation}")
    pixels = image.convert("RGB")
    if orientation in _STORE_TRANSPOSE:
        pixels = pixels.transpose(_STORE_TRANSPOSE[orientation])
    stamp = when.strftime("%Y:%m:%d %H:%M:%S")

    exif = Image.Exif()
    exif[0x010F] = "Lumora"  # Make
    exif[0x0110] = "Lumora X5 Pro"  # Model
    exif[0x0131] = "X5 Camera 4.2.1"  # Software
    exif[0x0132] = stamp  # DateTime
    exif[0x0112] = orientation
    details = exif.get_ifd(0x8769)
    details[0x9003] = stamp  # DateTimeOriginal
    details[0x9004] = stamp  # DateTimeDigitized
    offset = when.strftime("%z")
    if offset:
        details[0x9011] = f"{offset[:3]}:{offset[3:5]}"  # OffsetTimeOriginal
    # one phone took every picture, so the serial is the same in all of them, as it would be
    details[0xA431] = PHONE_SERIAL  # BodySerialNumber
    details[0xA434] = "Lumora rear camera 6.2mm f/1.8"  # LensModel
    if gps:
        jitter = random.Random(stamp)
        lat = _GPS_ORIGIN[0] + jitter.uniform(-0.004, 0.004)
        lon = _GPS_ORIGIN[1] + jitter.uniform(-0.004, 0.004)
        location = exif.get_ifd(0x8825)
        location[0x0000] = b"\x02\x03\x00\x00"  # GPSVersionID
        location[0x0001] = "N" if lat >= 0 else "S"
        location[0x0002] = _dms(lat)
        location[0x0003] = "E" if lon >= 0 else "W"
        location[0x0004] = _dms(lon)
        location[0x0005] = 0  # above sea level
        location[0x0006] = IFDRational(1200, 100)
        location[0x001D] = when.strftime("%Y:%m:%d")  # GPSDateStamp
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    pixels.save(path, "JPEG", quality=88, exif=exif.tobytes())


# --- the example site's photos --------------------------------------------------------------------


@dataclass(frozen=True)
class PortraitSpec:
    gallery: str
    name: str
    seed: int
    traits: dict[str, str | int | bool]
    orientation: int = 1
    png: bool = False


# Traits are pinned where a profile's job implies them (a lab coat in a lab, overalls in a
# workshop); everything else comes from the seed.
PORTRAITS: tuple[PortraitSpec, ...] = (
    PortraitSpec(
        "life-sciences",
        "priya-raman",
        11,
        {
            "beard": False,
            "setting": "lab",
            "clothing": "labcoat",
            "hair": "long",
            "hair_colour": "black",
            "skin": 5,
            "eyewear": "none",
        },
    ),
    PortraitSpec(
        "life-sciences",
        "tomasz-wojcik",
        23,
        {
            "setting": "lab",
            "clothing": "polo",
            "hair": "short",
            "hair_colour": "brown",
            "skin": 1,
            "eyewear": "glasses",
            "beard": True,
        },
        orientation=6,
    ),
    PortraitSpec(
        "life-sciences",
        "grace-oduya",
        37,
        {
            "beard": False,
            "setting": "lab",
            "clothing": "labcoat",
            "hair": "afro",
            "hair_colour": "black",
            "skin": 7,
            "eyewear": "safety-specs",
        },
    ),
    PortraitSpec(
        "life-sciences",
        "aled-pritchard",
        41,
        {
            "setting": "plain",
            "clothing": "tshirt",
            "hair": "crop",
            "hair_colour": "auburn",
            "skin": 0,
            "eyewear": "none",
            "beard": True,
        },
    ),
    PortraitSpec(
        "life-sciences",
        "mei-ling-chen",
        53,
        {
            "beard": False,
            "setting": "greenhouse",
            "clothing": "cardigan",
            "hair": "bob",
            "hair_colour": "black",
            "skin": 2,
            "eyewear": "glasses",
        },
    ),
    PortraitSpec(
        "life-sciences",
        "jordan-fraser",
        67,
        {
            "setting": "lab",
            "clothing": "labcoat",
            "hair": "curly",
            "hair_colour": "dark-brown",
            "skin": 4,
            "eyewear": "none",
            "beard": False,
        },
    ),
    PortraitSpec(
        "life-sciences",
        "sofia-marchetti",
        71,
        {
            "beard": False,
            "setting": "lab",
            "clothing": "labcoat",
            "hair": "bun",
            "hair_colour": "dark-brown",
            "skin": 2,
        },
    ),
    PortraitSpec(
        "engineering-workshops",
        "dave-hargreaves",
        83,
        {
            "setting": "workshop",
            "clothing": "overalls",
            "hair": "short",
            "hair_colour": "grey",
            "skin": 1,
            "eyewear": "glasses",
            "beard": True,
        },
    ),
    PortraitSpec(
        "engineering-workshops",
        "amara-nwosu",
        97,
        {
            "beard": False,
            "setting": "workshop",
            "clothing": "polo",
            "hair": "locs",
            "hair_colour": "black",
            "skin": 9,
            "eyewear": "none",
        },
        png=True,
    ),
    PortraitSpec(
        "engineering-workshops",
        "kieran-doyle",
        101,
        {
            "setting": "workshop",
            "clothing": "overalls",
            "hair": "short",
            "hair_colour": "blonde",
            "skin": 0,
            "eyewear": "safety-specs",
            "beard": False,
        },
    ),
    PortraitSpec(
        "engineering-workshops",
        "fatima-haddad",
        113,
        {
            "setting": "workshop",
            "clothing": "labcoat",
            "headscarf": True,
            "skin": 4,
            "eyewear": "glasses",
        },
        orientation=8,
    ),
    PortraitSpec(
        "engineering-workshops",
        "chris-lambert",
        127,
        {"setting": "workshop", "clothing": "polo", "hair": "bald", "skin": 6, "beard": True},
    ),
    PortraitSpec(
        "arts-and-performance",
        "rhiannon-evans",
        131,
        {
            "beard": False,
            "setting": "studio",
            "clothing": "tshirt",
            "hair": "long",
            "hair_colour": "plum",
            "skin": 0,
            "eyewear": "none",
        },
    ),
    PortraitSpec(
        "arts-and-performance",
        "oluwaseun-adeyemi",
        149,
        {
            "setting": "plain",
            "clothing": "cardigan",
            "hair": "crop",
            "hair_colour": "black",
            "skin": 8,
            "eyewear": "glasses",
            "beard": True,
        },
    ),
    PortraitSpec(
        "research-computing",
        "nadia-bashir",
        157,
        {
            "setting": "server",
            "clothing": "cardigan",
            "headscarf": True,
            "skin": 3,
            "eyewear": "none",
        },
    ),
    PortraitSpec(
        "research-computing",
        "ben-whitfield",
        163,
        {
            "setting": "server",
            "clothing": "hoodie",
            "hair": "short",
            "hair_colour": "dark-brown",
            "skin": 1,
            "eyewear": "glasses",
            "beard": False,
        },
    ),
    PortraitSpec(
        "research-computing",
        "yusuf-khalil",
        173,
        {
            "setting": "server",
            "clothing": "polo",
            "hair": "short",
            "hair_colour": "black",
            "skin": 6,
            "beard": True,
        },
    ),
)

# (file name in content/media, kind, seed)
SCENES: tuple[tuple[str, str, int], ...] = (
    ("action-plan-launch.jpg", "event", 1),
    ("showcase-2025.jpg", "event", 2),
    ("registration-cohort.jpg", "award", 3),
    ("apprentices-week.jpg", "workshop", 4),
    ("glasshouse-rainwater.jpg", "greenhouse", 5),
    ("staff-awards-2026.jpg", "award", 6),
    ("network-autumn.jpg", "event", 7),
    ("hpc-upgrade.jpg", "server-room", 8),
    ("network-winter.jpg", "event", 9),
    ("schools-afternoon.jpg", "lab", 10),
    ("registration-workshop.jpg", "lab", 11),
    ("showcase-2027.jpg", "event", 12),
    ("secondments.jpg", "workshop", 13),
    ("annual-report.jpg", "lab", 14),
    ("case-apprentice-pathway.jpg", "lab", 15),
    ("case-shared-microscopy.jpg", "lab", 16),
    ("case-theatre-teaching.jpg", "event", 17),
    ("case-glasshouse-water.jpg", "greenhouse", 18),
)


def _portrait_time(index: int) -> dt.datetime:
    # the photographer's two mornings on campus, a few minutes between sitters
    day = dt.datetime(2025, 5, 13, 9, 12) if index < 9 else dt.datetime(2025, 5, 20, 9, 40)
    return day + dt.timedelta(minutes=7 * (index % 9))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Remake the example site's illustrated photos.")
    parser.add_argument(
        "--root",
        type=Path,
        default=Path(__file__).resolve().parent.parent,
        help="project folder holding content/ and galleries/ (default: this checkout)",
    )
    args = parser.parse_args(argv)
    root: Path = args.root
    for index, spec in enumerate(PORTRAITS):
        portrait = make_portrait(spec.seed, PORTRAIT_SIZE, **spec.traits)  # type: ignore[arg-type]
        folder = root / "galleries" / spec.gallery
        folder.mkdir(parents=True, exist_ok=True)
        if spec.png:
            # a screenshot-like PNG with no metadata at all, as some people send
            target = folder / f"{spec.name}.png"
            portrait.save(target, "PNG", optimize=True)
        else:
            target = folder / f"{spec.name}.jpg"
            save_as_camera_photo(
                portrait, target, orientation=spec.orientation, when=_portrait_time(index)
            )
        print(f"{target.relative_to(root)}  {target.stat().st_size // 1024} KB")
    for index, (name, kind, seed) in enumerate(SCENES):
        target = root / "content" / "media" / name
        when = dt.datetime(2026, 3, 2, 14, 0) + dt.timedelta(days=9 * index, minutes=13 * index)
        save_as_camera_photo(
            make_scene(seed, SCENE_SIZE, kind), target, gps=index % 3 != 0, when=when
        )
        print(f"{target.relative_to(root)}  {target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
