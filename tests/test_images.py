"""Tests for site_builder.images: small photos made here with Pillow, one folder per test."""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Callable
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image, ImageCms, ImageDraw

from benchmarks.bench_images import bench, make_reference_photos
from site_builder import hashes, images, store
from site_builder.images import (
    ImageOptions,
    ImageProblem,
    ImageRequest,
    ProcessedImage,
    Variant,
    copy_variants,
    process_images,
    prune_cache,
)
from site_builder.template_helpers import picture_html

# Small widths keep the tests fast; 1600 is there to prove a too-wide copy is skipped.
OPTIONS = ImageOptions(widths=(200, 400, 1600), thumbnail=120)
RED = (255, 0, 0)
BLUE = (0, 0, 255)


# --- making source photos ------------------------------------------------------------------------


def scene(size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A gradient with a red block in the top-left corner, so orientation can be checked."""
    width, height = size
    picture = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((0, 0, width // 5, height // 5), fill=RED)
    draw.ellipse((width // 3, height // 3, width // 2, height // 2), fill=(30, 160, 60))
    return picture


def save(picture: Image.Image, path: Path, **params: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(path, **params)
    return path


def request(source: Path, **kwargs: Any) -> ImageRequest:
    used_by = kwargs.pop("used_by", source.parent / "page.md")
    return ImageRequest(
        source=source, used_by=used_by, field=kwargs.pop("field", "photo"), **kwargs
    )


def run(
    tmp_path: Path, *reqs: ImageRequest, options: ImageOptions = OPTIONS, jobs: int | None = 1
) -> tuple[dict[Path, ProcessedImage], list[ImageProblem]]:
    return process_images(list(reqs), options, tmp_path / "cache", jobs=jobs)


def process_one(tmp_path: Path, source: Path, **kwargs: Any) -> ProcessedImage:
    options = kwargs.pop("options", OPTIONS)
    results, problems = run(tmp_path, request(source, **kwargs), options=options)
    assert problems == []
    return results[source]


def only_problem(tmp_path: Path, source: Path, **kwargs: Any) -> ImageProblem:
    results, problems = run(tmp_path, request(source, field="image.src", **kwargs))
    assert results == {}
    assert len(problems) == 1
    problem = problems[0]
    assert problem.used_by == source.parent / "page.md"
    assert problem.field == "image.src"
    assert problem.source == source
    assert problem.message and problem.hint
    assert "Traceback" not in problem.message
    return problem


def opened(tmp_path: Path, variant: Variant) -> Image.Image:
    picture = Image.open(tmp_path / "cache" / variant.path)
    picture.load()
    return picture


def pixel(picture: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = picture.convert("RGB").getpixel(xy)
    assert isinstance(value, tuple)
    return value


def near(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def png_bytes(
    width: int, height: int, bit_depth: int, colour_type: int, rows: list[bytes]
) -> bytes:
    """A PNG written by hand, for formats Pillow cannot write (16-bit RGB) or lies (bombs)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + row for row in rows))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def rgb_icc_profile(
    red: tuple[float, float, float],
    green: tuple[float, float, float],
    blue: tuple[float, float, float],
    description: str,
) -> bytes:
    """A minimal ICC v2 matrix/TRC display profile with the given primaries (D50 XYZ)."""

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(values: tuple[float, float, float]) -> bytes:
        return b"XYZ \0\0\0\0" + b"".join(s15(v) for v in values)

    text = description.encode() + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + bytes(4 + 4 + 2 + 1 + 67)
    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(2.2 * 256)) + b"\0\0"
    d50 = (0.9642, 1.0, 0.8249)
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz(d50)),
        (b"rXYZ", xyz(red)),
        (b"gXYZ", xyz(green)),
        (b"bXYZ", xyz(blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        body += bytes(-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size)
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + bytes(12)
        + b"acsp"
        + bytes(4 + 4 + 4 + 4 + 8 + 4)
        + b"".join(s15(v) for v in d50)
        + bytes(4 + 16 + 28)
    )
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


# sRGB primaries adapted to D50, as in every sRGB profile.
SRGB_RED = (0.4361, 0.2225, 0.0139)
SRGB_GREEN = (0.3851, 0.7169, 0.0971)
SRGB_BLUE = (0.1431, 0.0606, 0.7141)


def with_iptc(jpeg: bytes, byline: bytes) -> bytes:
    """Add an APP13 Photoshop/IPTC segment (as photo agencies do) right after SOI."""
    iptc = b"\x1c\x02\x50" + struct.pack(">H", len(byline)) + byline
    resource = b"8BIM" + struct.pack(">HHI", 0x0404, 0, len(iptc)) + iptc + bytes(len(iptc) % 2)
    payload = b"Photoshop 3.0\0" + resource
    return jpeg[:2] + b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="52,12.5N" '
    b'exif:GPSLongitude="1,30.2W"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def camera_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS R6"
    exif[ExifTags.Base.BodySerialNumber] = "SN-TEST-4242"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2024:05:01 10:00:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 12.0, 30.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (1.0, 30.0, 12.0)
    return exif


def photo_with_everything(path: Path, icc: bytes) -> Path:
    """A JPEG carrying EXIF (GPS, serial, date), XMP (with GPS), a comment, ICC and IPTC."""
    buffer = BytesIO()
    scene().save(
        buffer,
        "JPEG",
        quality=90,
        exif=camera_exif(),
        xmp=XMP,
        comment=b"secret comment",
        icc_profile=icc,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(with_iptc(buffer.getvalue(), b"Jane Photographer"))
    return path


FORBIDDEN_INFO = {"exif", "xmp", "XML:com.adobe.xmp", "comment", "icc_profile", "photoshop"}
FORBIDDEN_BYTES = [
    b"Exif",
    b"EXIF",
    b"http://ns.adobe.com/xap",
    b"GPS",
    b"SN-TEST-4242",
    b"Canon",
    b"2024:05:01",
    b"secret comment",
    b"Photoshop",
    b"8BIM",
    b"Jane Photographer",
    b"ICC_PROFILE",  # JPEG's ICC segment
    b"ICCP",  # WebP's ICC chunk
    b"colrprof",  # AVIF's ICC box
]


def assert_no_metadata(path: Path) -> None:
    data = path.read_bytes()
    for marker in FORBIDDEN_BYTES:
        assert marker not in data, f"{marker!r} found in {path.name}"
    with Image.open(path) as picture:
        assert not FORBIDDEN_INFO & set(picture.info), f"{path.name}: {sorted(picture.info)}"
        assert not picture.getexif(), path.name


# --- metadata ------------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["srgb", "other"])
def test_no_metadata_survives_in_any_output(tmp_path: Path, profile: str) -> None:
    icc = (
        ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
        if profile == "srgb"
        else rgb_icc_profile(SRGB_RED, SRGB_GREEN, SRGB_BLUE, "Camera RGB")
    )
    source = photo_with_everything(tmp_path / "galleries" / "jane.jpg", icc)
    with Image.open(source) as original:  # the test photo really carries it all
        assert {"exif", "xmp", "comment", "icc_profile", "photoshop"} <= set(original.info)
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert all(marker in source.read_bytes() for marker in (b"Exif", b"GPS", b"8BIM"))

    options = ImageOptions(widths=(200, 400), thumbnail=120, avif=True)
    image = process_one(tmp_path, source, square=True, options=options)

    assert {v.format for v in image.files()} == {"jpeg", "webp", "avif"}
    assert len(image.files()) == 2 * 3 + 3
    for variant in image.files():
        assert_no_metadata(tmp_path / "cache" / variant.path)


def test_embedded_colour_profile_is_converted_to_srgb(tmp_path: Path) -> None:
    # A profile whose "red" primary is sRGB's blue: only a real conversion turns red into blue.
    swapped = rgb_icc_profile(SRGB_BLUE, SRGB_GREEN, SRGB_RED, "Swapped primaries")
    source = save(Image.new("RGB", (400, 300), RED), tmp_path / "swapped.jpg", icc_profile=swapped)

    image = process_one(tmp_path, source)

    for variant in image.variants:
        assert near(pixel(opened(tmp_path, variant), (50, 50)), BLUE), variant.path


def test_a_broken_colour_profile_does_not_stop_the_photo(tmp_path: Path) -> None:
    source = save(Image.new("RGB", (400, 300), RED), tmp_path / "p.jpg", icc_profile=b"junk" * 40)

    image = process_one(tmp_path, source)

    assert near(pixel(opened(tmp_path, image.fallback()), (50, 50)), RED)


# --- geometry ------------------------------------------------------------------------------------


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    # Stored landscape with orientation 6 (rotate 90 degrees clockwise to view): a portrait.
    source = save(scene((800, 600)), tmp_path / "phone.jpg", exif=camera_exif(orientation=6))

    image = process_one(tmp_path, source)

    assert (image.width, image.height) == (400, 533)
    for variant in image.variants:
        picture = opened(tmp_path, variant)
        assert picture.height > picture.width
        assert (variant.width, variant.height) == picture.size
        # The red block stored top-left must now be top-right.
        assert near(pixel(picture, (picture.width - 5, 5)), RED), variant.path
        assert not near(pixel(picture, (5, 5)), RED), variant.path


def test_never_upscales(tmp_path: Path) -> None:
    image = process_one(tmp_path, save(scene((800, 600)), tmp_path / "a.jpg"))

    assert sorted({v.width for v in image.variants}) == [200, 400]  # no 1600 from 800 px
    assert {v.format for v in image.variants} == {"jpeg", "webp"}
    assert (image.width, image.height) == (400, 300)
    assert (image.fallback().width, image.fallback().format) == (400, "jpeg")


def test_a_photo_narrower_than_every_width_gets_one_copy_at_its_own_size(tmp_path: Path) -> None:
    image = process_one(tmp_path, save(scene((150, 100)), tmp_path / "small.png"))

    assert {(v.width, v.height) for v in image.variants} == {(150, 100)}
    for variant in image.variants:
        assert opened(tmp_path, variant).size == (150, 100)


def test_jpeg_is_decoded_at_a_reduced_scale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded: list[tuple[int, int]] = []
    to_srgb = images._to_srgb

    def spy(picture: Image.Image) -> Image.Image:
        decoded.append(picture.size)
        return to_srgb(picture)

    monkeypatch.setattr(images, "_to_srgb", spy)
    source = save(scene((3200, 2400)), tmp_path / "big.jpg", quality=70)

    image = process_one(tmp_path, source, options=ImageOptions(widths=(400,)))

    assert decoded == [(400, 300)]  # libjpeg's 1/8 scale, not 3200x2400
    assert (image.width, image.height) == (400, 300)


def test_jpeg_draft_keeps_enough_pixels_for_the_thumbnail(tmp_path: Path) -> None:
    source = save(scene((3200, 1000)), tmp_path / "wide.jpg")
    options = ImageOptions(widths=(400,), thumbnail=300)

    image = process_one(tmp_path, source, square=True, options=options)

    assert [(v.width, v.height) for v in image.thumbnails] == [(300, 300)] * 2
    assert all(v.path.endswith(("-sq300.jpg", "-sq300.webp")) for v in image.thumbnails)


@pytest.mark.parametrize(
    ("focus", "expected"),
    [
        ("top", (RED, RED, RED)),  # rows 0-300 of 600
        ("bottom", (BLUE, BLUE, BLUE)),  # rows 300-600
        ("centre", (RED, BLUE, BLUE)),  # rows 150-450
        (None, (RED, RED, BLUE)),  # rows 100-400: a third of the spare height above
    ],
)
def test_square_thumbnail_follows_the_focus(
    tmp_path: Path, focus: str | None, expected: tuple[tuple[int, int, int], ...]
) -> None:
    # A portrait photo: top half red, bottom half blue.
    portrait = Image.new("RGB", (300, 600), BLUE)
    portrait.paste(RED, (0, 0, 300, 300))
    source = save(portrait, tmp_path / "portrait.png")

    image = process_one(tmp_path, source, square=True, focus=focus)

    for variant in image.thumbnails:
        thumb = opened(tmp_path, variant)
        assert thumb.size == (120, 120)
        # 5/120 from the top, 60 % down, 5/120 from the bottom
        found = tuple(pixel(thumb, (60, y)) for y in (5, 72, 114))
        assert all(near(f, e) for f, e in zip(found, expected, strict=True)), found


# --- colour modes --------------------------------------------------------------------------------


def test_cmyk_becomes_rgb(tmp_path: Path) -> None:
    source = save(Image.new("CMYK", (400, 300), (0, 255, 255, 0)), tmp_path / "print.jpg")

    image = process_one(tmp_path, source)

    for variant in image.variants:
        picture = opened(tmp_path, variant)
        assert picture.mode == "RGB"
        assert near(pixel(picture, (20, 20)), RED), variant.path


def test_16_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    ramp = Image.linear_gradient("L").resize((256, 256)).rotate(90)  # dark left, light right
    wide = Image.new("I;16", ramp.size)
    wide.putdata([value * 257 for value in ramp.get_flattened_data()])
    source = save(wide, tmp_path / "scan.png")
    with Image.open(source) as check:
        assert check.mode.startswith("I")

    image = process_one(tmp_path, source, options=ImageOptions(widths=(200,)))

    picture = opened(tmp_path, image.fallback())
    left, middle, right = (pixel(picture, (x, 100))[0] for x in (2, 100, 197))
    assert left < 30 and 90 < middle < 170 and right > 225


def test_16_bit_rgb_png(tmp_path: Path) -> None:
    row = struct.pack(">HHH", 65535, 32768, 0) * 300
    source = tmp_path / "export.png"
    source.write_bytes(png_bytes(300, 200, 16, 2, [row] * 200))

    image = process_one(tmp_path, source, options=ImageOptions(widths=(200,)))

    assert near(pixel(opened(tmp_path, image.fallback()), (10, 10)), (255, 128, 0), 3)


@pytest.mark.parametrize("mode", ["P", "LA", "RGBA"])
def test_transparency_is_kept_in_webp_and_white_in_jpeg(tmp_path: Path, mode: str) -> None:
    # Left half transparent, right half an opaque colour.
    if mode == "P":
        picture = Image.new("P", (400, 300), 1)
        picture.putpalette([0, 0, 0, 200, 30, 30] + [0] * 762)
        picture.paste(0, (0, 0, 200, 300))
        picture.info["transparency"] = 0
        opaque = (200, 30, 30)
    else:
        picture = Image.new(mode, (400, 300), (90, 255) if mode == "LA" else (200, 30, 30, 255))
        picture.paste((0, 0) if mode == "LA" else (0, 0, 0, 0), (0, 0, 200, 300))
        opaque = (90, 90, 90) if mode == "LA" else (200, 30, 30)
    source = save(picture, tmp_path / f"logo-{mode}.png")

    image = process_one(tmp_path, source, square=True)

    for variant in image.files():
        output = opened(tmp_path, variant)
        if variant.format == "webp":
            assert output.mode == "RGBA"
            alpha = output.getchannel("A")
            assert alpha.getpixel((2, output.height // 2)) == 0
            assert alpha.getpixel((output.width - 3, output.height // 2)) == 255
        else:
            assert output.mode == "RGB"
            assert near(pixel(output, (2, output.height // 2)), (255, 255, 255), 8)
        assert near(pixel(output, (output.width - 3, output.height // 2)), opaque, 12)


def test_opaque_alpha_is_dropped_and_real_alpha_kept() -> None:
    # libwebp and libavif drop an all-opaque alpha channel themselves; dropping it first also
    # spares the JPEG its composite on white and every resize a fourth channel.
    opaque = Image.new("RGBA", (8, 8), (10, 20, 30, 255))
    see_through = Image.new("RGBA", (8, 8), (10, 20, 30, 128))

    assert images._to_srgb(opaque).mode == "RGB"
    assert images._to_srgb(see_through).mode == "RGBA"


# --- bad photos ----------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    source = tmp_path / "galleries" / "x" / "y.jpg"
    source.parent.mkdir(parents=True)

    problem = only_problem(tmp_path, source)

    assert "does not exist" in problem.message and "y.jpg" in problem.message
    assert "capitals" in problem.hint and "extension" in problem.hint


def test_missing_file_suggests_the_name_with_other_capitals(tmp_path: Path) -> None:
    save(scene(), tmp_path / "Jane-Smith.JPG")

    problem = only_problem(tmp_path, tmp_path / "jane-smith.jpg")

    assert "did you mean 'Jane-Smith.JPG'?" in problem.hint


def test_missing_folder(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, tmp_path / "galeries" / "y.jpg")

    assert "does not exist" in problem.message
    assert "galeries" in problem.hint and "folder" in problem.hint


def test_zero_byte_file(tmp_path: Path) -> None:
    source = tmp_path / "empty.jpg"
    source.touch()

    problem = only_problem(tmp_path, source)

    assert "empty (0 bytes)" in problem.message
    assert "copy the photo in again" in problem.hint


def test_a_folder_instead_of_a_photo(tmp_path: Path) -> None:
    (tmp_path / "photos.jpg").mkdir()

    assert "is a folder" in only_problem(tmp_path, tmp_path / "photos.jpg").message


def test_not_an_image(tmp_path: Path) -> None:
    source = tmp_path / "photo.jpg"
    source.write_text("these are my notes, not a photo\n" * 20)

    problem = only_problem(tmp_path, source)

    assert "is not an image" in problem.message
    assert "export it as JPEG" in problem.hint


def test_a_pdf_is_named_as_such(tmp_path: Path) -> None:
    source = tmp_path / "poster.jpg"
    source.write_bytes(b"%PDF-1.7\n" + bytes(500))

    assert "PDF document" in only_problem(tmp_path, source).message


def test_heic_photo_says_to_export_as_jpeg(tmp_path: Path) -> None:
    source = tmp_path / "IMG_0042.HEIC"
    source.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(400))

    problem = only_problem(tmp_path, source)

    assert "HEIC" in problem.message
    assert "JPEG" in problem.hint


def test_truncated_jpeg(tmp_path: Path) -> None:
    noisy = Image.effect_noise((800, 600), 60).convert("RGB")
    data = BytesIO()
    noisy.save(data, "JPEG", quality=90)
    source = tmp_path / "cut.jpg"
    source.write_bytes(data.getvalue()[: len(data.getvalue()) // 2])

    problem = only_problem(tmp_path, source)

    assert "incomplete" in problem.message
    assert "interrupted" in problem.hint


def test_truncated_png(tmp_path: Path) -> None:
    data = BytesIO()
    Image.effect_noise((400, 300), 60).save(data, "PNG")
    source = tmp_path / "cut.png"
    source.write_bytes(data.getvalue()[: len(data.getvalue()) // 2])

    problem = only_problem(tmp_path, source)

    assert "incomplete" in problem.message or "damaged" in problem.message


def test_corrupt_jpeg_data(tmp_path: Path) -> None:
    data = BytesIO()
    scene().save(data, "JPEG")
    header = data.getvalue()[:200]  # a real JPEG start, then rubbish
    source = tmp_path / "corrupt.jpg"
    source.write_bytes(header + bytes(range(256)) * 40)

    problem = only_problem(tmp_path, source)

    assert "damaged" in problem.message or "incomplete" in problem.message


@pytest.mark.parametrize(("side", "how"), [(8000, "warning"), (20000, "error")])
def test_decompression_bomb(tmp_path: Path, side: int, how: str) -> None:
    # A PNG whose header claims side x side pixels: 64 MP trips Pillow's warning (which we make
    # an error), 400 MP its outright refusal. Neither may get as far as decoding.
    source = tmp_path / f"bomb-{how}.png"
    source.write_bytes(png_bytes(side, side, 8, 0, [b"\x00"]))
    pillow_limit = Image.MAX_IMAGE_PIXELS

    problem = only_problem(tmp_path, source)

    assert f"{side} x {side} pixels" in problem.message
    assert "too large" in problem.message and "limit is 60" in problem.message
    assert pillow_limit == Image.MAX_IMAGE_PIXELS  # our limit is set only while we decode


def test_one_bad_photo_does_not_stop_the_others(tmp_path: Path) -> None:
    good = save(scene(), tmp_path / "good.jpg")
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"")

    results, problems = run(tmp_path, request(good), request(bad), request(bad, field="thumb"))

    assert set(results) == {good}
    assert [(p.source, p.field) for p in problems] == [(bad, "photo"), (bad, "thumb")]


def test_an_unknown_focus_is_reported_and_the_default_used(tmp_path: Path) -> None:
    source = save(scene(), tmp_path / "a.jpg")

    results, problems = run(tmp_path, request(source, square=True, focus="left"))

    assert results[source].thumbnails
    assert len(problems) == 1 and "'left'" in problems[0].message


# --- cache ---------------------------------------------------------------------------------------


def forbid(monkeypatch: pytest.MonkeyPatch, target: object, name: str) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"{name} was called")

    monkeypatch.setattr(target, name, fail)


def test_an_unchanged_photo_is_not_decoded_or_hashed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = save(scene(), tmp_path / "a.jpg")
    first = process_one(tmp_path, source, square=True)

    forbid(monkeypatch, images.Image, "open")
    forbid(monkeypatch, hashes, "sha256_file")
    second = process_one(tmp_path, source, square=True)

    assert second == first


def test_a_renamed_photo_is_not_processed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = save(scene(), tmp_path / "a.jpg")
    first = process_one(tmp_path, source)
    moved = tmp_path / "elsewhere" / "renamed.jpg"
    moved.parent.mkdir()
    source.rename(moved)

    forbid(monkeypatch, images.Image, "open")
    assert process_one(tmp_path, moved) == first


def test_a_touched_but_unchanged_photo_is_rehashed_not_reprocessed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = save(scene(), tmp_path / "a.jpg")
    first = process_one(tmp_path, source)
    os.utime(source, ns=(1_000_000_000, 1_000_000_000))

    forbid(monkeypatch, images.Image, "open")
    assert process_one(tmp_path, source) == first


def test_a_changed_photo_is_processed_again(tmp_path: Path) -> None:
    source = save(scene(), tmp_path / "a.jpg")
    first = process_one(tmp_path, source)
    save(scene().transpose(Image.Transpose.FLIP_LEFT_RIGHT), source)

    second = process_one(tmp_path, source)

    assert second.key != first.key
    assert not {v.path for v in first.variants} & {v.path for v in second.variants}


def test_changed_settings_make_new_files(tmp_path: Path) -> None:
    source = save(scene(), tmp_path / "a.jpg")
    first = process_one(tmp_path, source)

    second = process_one(tmp_path, source, options=ImageOptions(widths=(200, 400), jpeg_quality=60))

    assert second.key != first.key
    assert ImageOptions().fingerprint() == ImageOptions(widths=(1600, 480, 960)).fingerprint()
    assert ImageOptions().fingerprint() != ImageOptions(webp_quality=76).fingerprint()
    assert ImageOptions().fingerprint() == ImageOptions(max_pixels=10).fingerprint()


def test_a_deleted_cached_file_is_made_again(tmp_path: Path) -> None:
    source = save(scene(), tmp_path / "a.jpg")
    first = process_one(tmp_path, source)
    victim = tmp_path / "cache" / first.variants[0].path
    victim.unlink()

    assert process_one(tmp_path, source) == first
    assert victim.is_file()


def test_a_build_killed_mid_write_leaves_no_broken_file_and_recovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = save(scene(), tmp_path / "a.jpg")
    image_writes = 0
    write_bytes = Path.write_bytes

    def dies_half_way_through_the_second_image(self: Path, data: bytes) -> int:
        nonlocal image_writes
        image_writes += "images" in self.parts
        if image_writes == 2:
            write_bytes(self, data[: len(data) // 2])
            raise KeyboardInterrupt  # what a killed build looks like from inside
        return write_bytes(self, data)

    monkeypatch.setattr(Path, "write_bytes", dies_half_way_through_the_second_image)
    with pytest.raises(KeyboardInterrupt):
        run(tmp_path, request(source))
    monkeypatch.undo()
    cache = tmp_path / "cache"
    assert not list(cache.rglob("manifests/*"))
    assert not list(cache.rglob("*.tmp"))
    written = list(cache.rglob("images/*"))
    assert len(written) == 1
    for path in written:  # whatever is there is whole
        Image.open(path).load()

    image = process_one(tmp_path, source)

    assert all((cache / v.path).is_file() for v in image.files())


def test_identical_photos_share_one_set_of_files(tmp_path: Path) -> None:
    one = save(scene(), tmp_path / "one.jpg")
    two = tmp_path / "two.jpg"
    two.write_bytes(one.read_bytes())

    results, problems = run(tmp_path, request(one), request(two))

    assert problems == []
    assert results[one] == results[two]


def test_the_same_photo_used_twice_is_made_once_with_its_thumbnail(tmp_path: Path) -> None:
    source = save(scene(), tmp_path / "a.jpg")

    results, problems = run(tmp_path, request(source), request(source, square=True, field="x"))

    assert problems == []
    assert len(results) == 1 and results[source].thumbnails


def test_the_worker_pool_gives_the_same_results(tmp_path: Path) -> None:
    sources = [save(scene((400 + 40 * i, 300)), tmp_path / f"p{i}.jpg") for i in range(4)]
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really")

    results, problems = run(
        tmp_path, *(request(s, square=True) for s in [*sources, broken]), jobs=2
    )

    assert set(results) == set(sources)
    assert [p.source for p in problems] == [broken]
    for source in sources:
        assert results[source].width == 400
        for variant in results[source].files():
            assert (tmp_path / "cache" / variant.path).is_file()


def test_prune_removes_only_unused_variants(tmp_path: Path) -> None:
    keep_source = save(scene(), tmp_path / "keep.jpg")
    drop_source = save(scene().rotate(180), tmp_path / "drop.jpg")
    results, _ = run(tmp_path, request(keep_source, square=True), request(drop_source))
    kept, dropped = results[keep_source], results[drop_source]
    cache = tmp_path / "cache"
    stranger = cache / "images" / "notes.txt"
    stranger.write_text("not ours")
    leftover = cache / "images" / f".{kept.key[:12]}-400.jpg.4242.tmp"  # from a killed build
    leftover.write_bytes(b"half a file")

    removed = prune_cache(cache, [kept])

    assert removed == len(dropped.files())
    assert all((cache / v.path).is_file() for v in kept.files())
    assert not any((cache / v.path).exists() for v in dropped.files())
    assert stranger.is_file()
    assert not leftover.exists()
    assert [p.stem for p in (cache / "manifests").iterdir()] == [kept.key]
    assert prune_cache(cache, [kept]) == 0


def test_copy_variants_hard_links_every_file(tmp_path: Path) -> None:
    source = save(scene(), tmp_path / "a.jpg")
    image = process_one(tmp_path, source, square=True)
    site = tmp_path / "site"

    assert copy_variants([image, image], tmp_path / "cache", site) == len(image.files())
    assert copy_variants([image], tmp_path / "cache", site) == len(image.files())

    for variant in image.files():
        placed, cached = site / variant.path, tmp_path / "cache" / variant.path
        assert placed.read_bytes() == cached.read_bytes()
        assert placed.stat().st_ino == cached.stat().st_ino


# --- HTML ----------------------------------------------------------------------------------------


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Tags()
    parser.feed(html)
    return parser.found


def fake_image(avif: bool = False) -> ProcessedImage:
    formats = ["jpeg", "webp"] + (["avif"] if avif else [])
    ext = {"jpeg": "jpg", "webp": "webp", "avif": "avif"}
    variants = tuple(
        Variant(f"images/abc-{w}.{ext[f]}", w, w * 2 // 3, f) for w in (960, 480) for f in formats
    )
    thumbs = tuple(Variant(f"images/abc-sq400.{ext[f]}", 400, 400, f) for f in formats)
    return ProcessedImage(960, 640, variants, thumbs, "abc")


URL: Callable[[str], str] = lambda path: f"/site/{path}"  # noqa: E731


def test_picture_html_has_everything_a_browser_needs() -> None:
    alt = 'Jane "JJ" Smith <lab> & co'
    html = picture_html(fake_image(avif=True), alt, URL, sizes="(min-width: 60em) 50vw, 100vw")

    assert "<lab>" not in html and '"JJ"' not in html
    tags = parse(str(html))
    assert [tag for tag, _ in tags] == ["picture", "source", "source", "img"]
    (_, avif), (_, webp), (_, img) = tags[1:]
    assert avif["type"] == "image/avif" and webp["type"] == "image/webp"
    assert webp["srcset"] == "/site/images/abc-480.webp 480w, /site/images/abc-960.webp 960w"
    assert img == {
        "src": "/site/images/abc-960.jpg",
        "srcset": "/site/images/abc-480.jpg 480w, /site/images/abc-960.jpg 960w",
        "sizes": "(min-width: 60em) 50vw, 100vw",
        "width": "960",
        "height": "640",
        "alt": alt,
        "loading": "lazy",
        "decoding": "async",
    }
    assert avif["sizes"] == webp["sizes"] == img["sizes"]


def test_picture_html_options() -> None:
    html = picture_html(
        fake_image(), "", URL, sizes="200px", lazy=False, square=True, css_class="x y"
    )

    tags = dict(parse(str(html)))
    assert tags["img"]["loading"] == "eager"
    assert tags["img"]["class"] == "x y"
    assert tags["img"]["alt"] == ""  # decorative images keep an empty alt
    assert (tags["img"]["width"], tags["img"]["height"]) == ("400", "400")
    assert tags["img"]["src"] == "/site/images/abc-sq400.jpg"
    assert tags["source"]["srcset"] == "/site/images/abc-sq400.webp 400w"
    assert "image/avif" not in html


def test_picture_html_square_needs_a_thumbnail() -> None:
    plain = ProcessedImage(960, 640, fake_image().variants)

    with pytest.raises(ValueError, match="square"):
        picture_html(plain, "x", URL, sizes="100vw", square=True)


def test_srcset_and_fallback_on_real_output(tmp_path: Path) -> None:
    image = process_one(tmp_path, save(scene(), tmp_path / "a.jpg"))

    assert image.srcset("webp", str) == (
        f"images/{image.key[:12]}-200.webp 200w, images/{image.key[:12]}-400.webp 400w"
    )
    assert image.fallback().path == f"images/{image.key[:12]}-400.jpg"
    assert all(v.bytes == (tmp_path / "cache" / v.path).stat().st_size for v in image.variants)


# --- the benchmark helpers -----------------------------------------------------------------------


def test_reference_photos_are_deterministic_camera_jpegs(tmp_path: Path) -> None:
    first = make_reference_photos(tmp_path / "a", 4, size=(300, 200))
    second = make_reference_photos(tmp_path / "b", 4, size=(300, 200))

    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert len({p.read_bytes() for p in first}) == 4
    for index, path in enumerate(first):
        with Image.open(path) as photo:
            exif = photo.getexif()
            assert photo.format == "JPEG"
            assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
            assert photo.size == (300, 200)
            assert exif[ExifTags.Base.Orientation] == (6 if index == 3 else 1)


def test_bench_reports_every_phase(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    make_reference_photos(photos, 3, size=(600, 400))

    result = bench(photos, tmp_path / "work", widths=(200, 400), jobs=2)

    assert (result["photos"], result["jobs"]) == (3, 2)
    for phase in ("plain", "cold", "warm"):
        assert result[f"{phase}_seconds"] > 0
        assert result[f"{phase}_peak_rss_mib"] > 0
        assert result[f"{phase}_bytes"] > 0
    assert result["cold_worker_peak_rss_mib"] > 0  # the pool's workers are counted
    # Same output both times; that the warm run decodes nothing is tested without a clock
    # (a timing comparison of three tiny photos fails on a busy machine).
    assert result["warm_bytes"] == result["cold_bytes"]


def test_separate_calls_do_not_forget_each_others_hashes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gallery = save(scene(), tmp_path / "gallery.jpg")
    news = save(scene().rotate(180), tmp_path / "news.jpg")
    process_one(tmp_path, gallery)
    process_one(tmp_path, news)
    gone = save(scene((300, 200)), tmp_path / "gone.jpg")
    process_one(tmp_path, gone)
    gone.unlink()

    forbid(monkeypatch, hashes, "sha256_file")
    process_one(tmp_path, gallery)
    process_one(tmp_path, news)

    index = store.kept(tmp_path / "cache" / "source-hashes.kept", "photo hashes", "1")
    assert isinstance(index, dict) and sorted(index) == [str(gallery), str(news)]


def test_options_from_site_settings() -> None:
    from site_builder.models import ImageSettings

    settings = ImageSettings(widths=[960, 480, 960], thumbnail=300, avif=True)

    options = ImageOptions.from_settings(settings)

    assert options.widths == (480, 960)
    assert (options.thumbnail, options.avif) == (300, True)
    assert options.formats == ("jpeg", "webp", "avif")
    assert ImageOptions.from_settings(ImageSettings()) == ImageOptions()


def test_focus_point_moves_the_square_crop() -> None:
    from site_builder.images import focus_centring

    assert focus_centring("top") == (0.5, 0.0)
    assert focus_centring(None) == (0.5, 1 / 3)
    assert focus_centring("45% 30%") == (0.45, 0.3)
    assert focus_centring("150% 30%") is None
    assert focus_centring("left") is None


@pytest.mark.parametrize(("focus", "colour"), [("0% 50%", (0, 0, 255)), ("100% 50%", (255, 0, 0))])
def test_focus_point_picks_the_side_of_a_landscape_photo(
    tmp_path: Path, focus: str, colour: tuple[int, int, int]
) -> None:
    from site_builder.images import ImageOptions, ImageRequest, process_images

    source = tmp_path / "wide.png"
    picture = Image.new("RGB", (900, 300), (0, 0, 255))
    picture.paste((255, 0, 0), (450, 0, 900, 300))
    picture.save(source)
    request = ImageRequest(source, tmp_path / "t.yaml", "photo", square=True, focus=focus)
    done, problems = process_images(
        [request], ImageOptions(widths=(480,), thumbnail=200), tmp_path / "c", jobs=1
    )
    assert problems == []
    thumb = next(v for v in done[source].thumbnails if v.format == "jpeg")
    with Image.open(tmp_path / "c" / thumb.path) as made:
        centre = made.convert("RGB").getpixel((made.width // 2, made.height // 2))
    assert all(abs(a - b) < 40 for a, b in zip(centre, colour, strict=True))


def test_photo_paths_are_resolved_as_the_files_they_are(tmp_path: Path) -> None:
    """The galleries folder reached through a link, and a photo that is a link to another:
    each photo is known by its real path (the cache and the pages' photo records use it)."""
    from site_builder.checking import check
    from site_builder.photos import image_requests
    from tests.sites import TinySite

    real = tmp_path / "real"
    real.mkdir()
    site = TinySite(real)
    gallery = real / "galleries" / "main"
    save(Image.new("RGB", (400, 300), RED), gallery / "alex.jpg")
    (gallery / "alias.jpg").symlink_to(gallery / "alex.jpg")
    site.write("content/technicians/alex-morgan.yaml", TECHNICIAN_WITH_PHOTO)
    site.write("content/technicians/sam-lee.yaml", TECHNICIAN_WITH_PHOTO.replace("alex", "alias"))
    linked = tmp_path / "linked"
    linked.symlink_to(real, target_is_directory=True)
    options = TinySite.__new__(TinySite)
    options.root, options.content = linked, linked / "content"
    content, published, _ = check(options.options())
    requests = image_requests(content, published, options.options().project)
    # one request: the link is the same photo
    assert [r.source for r in requests] == [gallery.resolve() / "alex.jpg"]


TECHNICIAN_WITH_PHOTO = """\
name: Alex Morgan
role: Research Technician
department: Chemistry
gallery: main
photo: alex.jpg
photo_alt: Alex Morgan at a lab bench
bio: Alex runs the teaching labs.
consent:
  given: true
  date: 2025-02-01
"""
