"""Files published under their own names are made safe by what their bytes are: images made
again from their pixels (no EXIF, GPS, XMP, comments, ICC profile), SVGs cut down to drawing
(issue 20, items 2 and 3)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from site_builder.errors import BuildFailed, format_report
from site_builder.pipeline import build, check
from site_builder.svg import SvgRefused, sanitise_svg
from tests.sites import TinySite

CAMERA = b"SecretCam-77"
WHERE = "51 deg 30' N, secret-place"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>secret-xmp</rdf:RDF></x:xmpmeta>'
TRACES = (CAMERA, WHERE.encode(), b"secret-xmp", b"secret comment", b"Exif\x00\x00", b"xmpmeta")


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = CAMERA.decode()  # camera make
    exif[0x0132] = "2026:01:02 03:04:05"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[27] = "N", (51.0, 30.0, 0.0), WHERE  # GPSProcessingMethod
    return exif.tobytes()


def photo_bytes(fmt: str) -> bytes:
    """A small image in ``fmt`` carrying every kind of metadata that format can hold."""
    image = Image.new("RGB", (40, 30), (180, 40, 40))
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", exif=_exif(), comment=b"secret comment", icc_profile=icc)
        data = buffer.getvalue()
        # an APP1 XMP segment straight after the start marker
        xmp = b"http://ns.adobe.com/xap/1.0/\x00" + XMP
        return data[:2] + b"\xff\xe1" + (len(xmp) + 2).to_bytes(2, "big") + xmp + data[2:]
    if fmt == "PNG":
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("Comment", "secret comment")
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        image.save(buffer, "PNG", pnginfo=info, exif=_exif(), icc_profile=icc)
    elif fmt == "WEBP":
        image.save(buffer, "WEBP", exif=_exif(), xmp=XMP, icc_profile=icc)
    elif fmt == "TIFF":
        image.save(buffer, "TIFF", exif=_exif(), icc_profile=icc)
    else:
        image.convert("P").save(buffer, fmt, comment=b"secret comment")
    return buffer.getvalue()


def assert_clean(data: bytes, where: str) -> None:
    for trace in TRACES:
        assert trace not in data, f"{trace!r} in {where}"
    with Image.open(BytesIO(data)) as image:
        assert not image.getexif(), where
        for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Comment"):
            assert key not in image.info, (key, where)


# name in content/media -> the format its bytes are in
DISGUISES = {
    "photo.jpe": "JPEG",
    "photo.jfif": "JPEG",
    "photo.jif": "JPEG",
    "photo.JFIF": "JPEG",
    "poster.pdf": "JPEG",
    "no-extension": "JPEG",
    "scan.bmp": "PNG",  # a PNG named .bmp
    "diagram.dat": "PNG",
    "frame.bin": "WEBP",
    "scan.tif.txt": "TIFF",
    "old.gif.doc": "GIF",
    "bitmap.bmp": "BMP",
}


def test_every_image_that_reaches_the_site_is_made_again_from_its_pixels(
    tiny_site: TinySite,
) -> None:
    media = tiny_site.content / "media"
    media.mkdir()
    for name, fmt in DISGUISES.items():
        (media / name).write_bytes(photo_bytes(fmt))
    # named as photos: never published as files, only as the pipeline's copies
    for name in ("raw.JPG", "raw.tif", "raw.webp", "raw.png", "raw.gif"):
        (media / name).write_bytes(photo_bytes("JPEG"))
    static = tiny_site.root / "themes/default/static/img"
    static.mkdir(parents=True)
    for name, fmt in {"header.jpg": "JPEG", "band.png": "PNG", "t.webp": "WEBP"}.items():
        (static / name).write_bytes(photo_bytes(fmt))
    tiny_site.write(
        "content/news/2026-10-02-photo.md",
        "---\ntitle: With a photo\ndate: 2026-10-02\nsummary: S\n"
        "image:\n  src: media/photo.jfif\n  alt: A red square\n---\n\nText.\n",
    )
    report = build(tiny_site.options())
    output = tiny_site.root / "output"
    published = {p.relative_to(output).as_posix(): p for p in output.rglob("*") if p.is_file()}
    for name in DISGUISES:
        assert f"media/{name}" in published, name
    for name in ("header.jpg", "band.png", "t.webp"):
        assert f"assets/img/{name}" in published
    assert not [name for name in published if name.startswith("media/raw.")]
    images = [p for name, p in published.items() if name.startswith(("media/", "assets/img/"))]
    images += [p for name, p in published.items() if name.startswith("images/")]
    assert len(images) > len(DISGUISES) + 3
    for path in images:
        assert_clean(path.read_bytes(), str(path))
    warned = {Path(w.path).name for w in report.warnings if w.path and "whatever its" in w.message}
    assert {"poster.pdf", "no-extension", "scan.bmp", "frame.bin"} <= warned
    assert "photo.jfif" not in warned and "photo.jpe" not in warned
    with Image.open(published["media/poster.pdf"]) as poster:
        assert poster.format == "JPEG" and poster.size == (40, 30)


def test_other_files_are_published_as_they_are(tiny_site: TinySite) -> None:
    files = {"guide.pdf": b"%PDF-1.4 a guide", "notes.txt": b"plain words", "data.csv": b"a,b\n"}
    for name, data in files.items():
        (tiny_site.content / "media").mkdir(exist_ok=True)
        (tiny_site.content / "media" / name).write_bytes(data)
    build(tiny_site.options())
    for name, data in files.items():
        assert (tiny_site.root / "output/media" / name).read_bytes() == data


def test_an_image_named_as_an_svg_is_treated_as_the_image_it_is(tiny_site: TinySite) -> None:
    (tiny_site.content / "media").mkdir()
    (tiny_site.content / "media" / "logo.svg").write_bytes(photo_bytes("PNG"))
    report = build(tiny_site.options())
    published = (tiny_site.root / "output/media/logo.svg").read_bytes()
    assert_clean(published, "logo.svg")
    assert any("whatever its name says" in w.message for w in report.warnings)


def test_a_damaged_image_under_another_name_is_a_located_error(tiny_site: TinySite) -> None:
    media = tiny_site.content / "media"
    media.mkdir()
    (media / "broken.jfif").write_bytes(photo_bytes("JPEG")[:300])
    with pytest.raises(BuildFailed) as failed:
        build(tiny_site.options())
    report = format_report(failed.value.problems, tiny_site.root)
    assert "content/media/broken.jfif: error" in report and "fix:" in report
    assert not (tiny_site.root / "output").exists()


# --- SVG ------------------------------------------------------------------------------------

HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
DRAWING = '<rect id="box" width="10" height="10" fill="#123456"/>'

# each: the SVG, what must not survive, and what the warning names
HOSTILE = {
    "script": (f"{HEAD}>{DRAWING}<script>alert(1)</script></svg>", "alert", "<script>"),
    "script in CDATA": (
        f"{HEAD}><script><![CDATA[fetch('//evil.example')]]></script>{DRAWING}</svg>",
        "evil.example",
        "<script>",
    ),
    "onload on the root": (f'{HEAD} onload="alert(1)">{DRAWING}</svg>', "alert", "onload="),
    "onclick on a shape": (
        f'{HEAD}><circle r="3" OnClick="steal()"/>{DRAWING}</svg>',
        "steal",
        "OnClick=",
    ),
    "javascript link": (
        f'{HEAD}><a href=" JaVaScRiPt:alert(1)">{DRAWING}</a></svg>',
        "alert",
        "javascript:",
    ),
    "javascript xlink": (
        f'{HEAD}><a xlink:href="javascript:alert(1)">{DRAWING}</a></svg>',
        "alert",
        "javascript:",
    ),
    "foreignObject": (
        f'{HEAD}><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">'
        "<img src='x' onerror='alert(1)'/></div></foreignObject>"
        f"{DRAWING}</svg>",
        "onerror",
        "<foreignObject>",
    ),
    "link to a web page": (
        f'{HEAD}><a href="https://evil.example/">{DRAWING}</a></svg>',
        "evil.example",
        "outside the SVG",
    ),
    "external use": (
        f'{HEAD}><use href="https://evil.example/sprite.svg#a"/>{DRAWING}</svg>',
        "evil.example",
        "outside the SVG",
    ),
    "external xlink use": (
        f'{HEAD}><use xlink:href="//evil.example/s.svg#a"/>{DRAWING}</svg>',
        "evil.example",
        "outside the SVG",
    ),
    "tracking image": (
        f'{HEAD}><image href="https://evil.example/pixel.png"/>{DRAWING}</svg>',
        "evil.example",
        "<image>",
    ),
    "style url": (
        f"{HEAD}><style>rect {{ fill: url(https://evil.example/p.svg#g) }}</style>{DRAWING}</svg>",
        "evil.example",
        "<style>",
    ),
    "style escaped url": (
        f"{HEAD}><style>rect {{ background: u\\72l(https://evil.example/x) }}</style>"
        f"{DRAWING}</svg>",
        "evil.example",
        "<style>",
    ),
    "style import": (
        f'{HEAD}><style>@import "https://evil.example/a.css";</style>{DRAWING}</svg>',
        "evil.example",
        "@import",
    ),
    "style attribute url": (
        f"{HEAD}><rect style=\"fill: url('https://evil.example/g')\"/>{DRAWING}</svg>",
        "evil.example",
        "style=",
    ),
    "presentation url": (
        f'{HEAD}><rect fill="url(http://evil.example/g#x)"/>{DRAWING}</svg>',
        "evil.example",
        "fill=",
    ),
    "animate to javascript": (
        f'{HEAD}><a><animate attributeName="href" to="javascript:alert(1)"/>{DRAWING}</a></svg>',
        "alert",
        "<animate>",
    ),
    "set": (
        f'{HEAD}><set attributeName="onmouseover" to="alert(1)"/>{DRAWING}</svg>',
        "alert",
        "<set>",
    ),
    "iframe in the svg namespace": (
        f'{HEAD}><iframe src="https://evil.example/"/>{DRAWING}</svg>',
        "evil.example",
        "<iframe>",
    ),
    "html script namespace": (
        f'{HEAD}><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'
        f"{DRAWING}</svg>",
        "alert",
        "<script>",
    ),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_an_svg_is_cut_down_to_drawing_and_says_what_went(kind: str) -> None:
    text, banned, named = HOSTILE[kind]
    result = sanitise_svg(text.encode())
    assert banned not in result.data.decode()
    assert 'id="box"' in result.data.decode() and 'fill="#123456"' in result.data.decode()
    assert any(named.lower() in removed.lower() for removed in result.removed), result.removed


def test_a_plain_svg_is_untouched_in_what_it_draws() -> None:
    logo = (
        f'{HEAD} viewBox="0 0 20 20"><title>Logo</title><defs><linearGradient id="g">'
        '<stop offset="0" stop-color="red"/></linearGradient></defs>'
        '<g transform="scale(2)"><path d="M0 0L10 10" stroke="url(#g)"/>'
        '<use xlink:href="#box"/><a href="#box"><text x="1">Hi &amp; bye'
        f"</text></a></g><style>.a {{ fill: url(#g) }}</style>{DRAWING}</svg>"
    )
    result = sanitise_svg(logo.encode())
    assert result.removed == ()
    for kept in ('stroke="url(#g)"', 'xlink:href="#box"', "Hi &amp; bye", "url(#g)", "<title>"):
        assert kept in result.data.decode()
    again = sanitise_svg(result.data)
    assert again.data == result.data and again.removed == ()


@pytest.mark.parametrize(
    "text, reason",
    [
        (
            '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            f"{HEAD}><text>&b;</text></svg>",
            "entities",
        ),
        (
            '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f"{HEAD}><text>&x;</text></svg>",
            "entities",
        ),
        (f"{HEAD}><rect></svg>", "not well-formed"),
        ("<html><body>not an svg</body></html>", "<html>"),
        ("", "not well-formed"),
    ],
)
def test_an_svg_that_cannot_be_read_safely_is_refused(text: str, reason: str) -> None:
    with pytest.raises(SvgRefused, match=reason):
        sanitise_svg(text.encode())


def test_the_build_publishes_the_cleaned_svg_with_a_warning_naming_it(
    tiny_site: TinySite,
) -> None:
    media = tiny_site.content / "media"
    media.mkdir()
    (media / "logo.svg").write_text(HOSTILE["script"][0])
    (media / "disguised.txt").write_text(HOSTILE["onload on the root"][0])
    theme = tiny_site.root / "themes/default/static/icons"
    theme.mkdir(parents=True)
    (theme / "icon.svg").write_text(HOSTILE["external use"][0])
    report = build(tiny_site.options())
    output = tiny_site.root / "output"
    assert "alert" not in (output / "media/logo.svg").read_text()
    assert "alert" not in (output / "media/disguised.txt").read_text()
    assert "evil.example" not in (output / "assets/icons/icon.svg").read_text()
    told = "\n".join(w.format(tiny_site.root) for w in report.warnings)
    assert "content/media/logo.svg: warning: these were removed from the SVG" in told
    assert "<script>" in told and "onload=" in told and "outside the SVG" in told
    checked = check(tiny_site.options())[2]  # make check says the same, building nothing
    assert {w.path for w in checked if "removed from the SVG" in w.message} == {
        w.path for w in report.warnings if "removed from the SVG" in w.message
    }


ENTITY_BOMB = (
    '<!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    f"{HEAD}><text>&b;</text></svg>"
).encode()


@pytest.mark.parametrize(
    "name, data",
    [("bomb.svg", ENTITY_BOMB), ("x.svgz", b"\x1f\x8b"), ("page.svg", b"<svg><rect></svg>")],
)
def test_a_refused_svg_fails_the_build_and_keeps_the_site(
    tiny_site: TinySite, name: str, data: bytes
) -> None:
    build(tiny_site.options())
    before = {p: p.read_bytes() for p in (tiny_site.root / "output").rglob("*") if p.is_file()}
    (tiny_site.content / "media").mkdir(exist_ok=True)
    (tiny_site.content / "media" / name).write_bytes(data)
    with pytest.raises(BuildFailed) as failed:
        build(tiny_site.options())
    report = format_report(failed.value.problems, tiny_site.root)
    assert f"content/media/{name}: error: this SVG cannot be published" in report
    after = {p: p.read_bytes() for p in (tiny_site.root / "output").rglob("*") if p.is_file()}
    assert after == before
    with pytest.raises(BuildFailed) as checked:
        check(tiny_site.options())
    assert f"content/media/{name}: error" in format_report(checked.value.problems, tiny_site.root)
