"""The functions templates call: picture(), cached() cards, and the SEO helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from . import images as image_pipeline
from . import seo
from .content import Entry
from .links import Urls
from .markup import MarkdownMemo
from .photos import PictureUse
from .project import Project


@dataclass
class Fragment:
    html: Markup
    images: dict[str, str]  # the photos it shows, as PictureUse.used records them


@dataclass
class Fragments:
    """``cached(macro, entry, **options)`` for templates: the macro's output for an entry,
    remembered while the entry's file, the arguments, the address and the theme's templates
    are the same and its photos are unchanged. A page showing a remembered fragment records
    the fragment's photos as its own, as if it had rendered it."""

    memory: dict[tuple[object, ...], Fragment]
    theme: str
    digests: Mapping[Path, str]
    urls: Urls
    pictures: PictureUse
    made: dict[tuple[object, ...], Fragment] = field(default_factory=dict)  # in this process
    _named: dict[object, str] | None = field(default=None, init=False, repr=False)

    def current(self, key: tuple[object, ...]) -> bool:
        """Could a later build use this remembered fragment? (Its file, theme and address are
        as they are now; photos are checked when it is used.)"""
        if self._named is None:
            self._named = {str(path): digest for path, digest in self.digests.items()}
        theme, _, path, digest, base_url, _ = key
        return (
            theme == self.theme
            and base_url == self.urls.base_url
            and (self._named.get(path) == digest)
        )

    def __call__(self, macro: Any, entry: Entry[Any], **options: Any) -> Markup:
        return self._one(macro, entry, options, tuple(options.items()))

    def each(
        self,
        macro: Any,
        entries: Iterable[Entry[Any]],
        first: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> Markup:
        """``cached_each(macro, entries, first={...}, **options)``: the fragments of a list of
        entries, joined; ``first`` overrides options for the first one (its photo not lazy,
        say). One call instead of a template loop calling ``cached`` a thousand times."""
        parts = []
        arguments = tuple(options.items())
        for number, entry in enumerate(entries):
            if number == 0 and first:
                chosen = {**options, **first}
                parts.append(self._one(macro, entry, chosen, tuple(chosen.items())))
            else:
                parts.append(self._one(macro, entry, options, arguments))
        return Markup("".join(parts))

    def _one(
        self,
        macro: Any,
        entry: Entry[Any],
        options: Mapping[str, Any],
        arguments: tuple[tuple[str, Any], ...],
    ) -> Markup:
        digest = self.digests.get(entry.path)
        if digest is None:  # not read from a file: nothing to key it on
            return Markup(macro(entry, **options))
        # the path as text: the keys are pickled into .cache/, and paths unpickle 4x slower
        key = (self.theme, macro.name, str(entry.path), digest, self.urls.base_url, arguments)
        found = self.memory.get(key)
        if found is not None and self.pictures.unchanged(found.images):
            self.pictures.used.update(found.images)
            return found.html
        page_photos, self.pictures.used = self.pictures.used, {}
        try:
            html = Markup(macro(entry, **options))
            images = self.pictures.used
        finally:
            page_photos.update(self.pictures.used)
            self.pictures.used = page_photos
        self.memory[key] = self.made[key] = Fragment(html, images)
        return html


def make_template_helpers(
    pictures: PictureUse,
    urls: Urls,
    project: Project,
    markup: dict[tuple[object, ...], Markup],
    fragments: Fragments,
    markdown: MarkdownMemo,
) -> dict[str, Callable[..., Any]]:
    def picture(
        source: Path | str,
        alt: str,
        sizes: str = "100vw",
        lazy: bool = True,
        square: bool = False,
        css_class: str | None = None,
    ) -> Markup:
        image = pictures.get(source)  # also records the photo as used by this page
        if image is None:
            return Markup("")
        key = (image, urls.base_url, alt, sizes, lazy, square, css_class)
        html = markup.get(key)
        if html is None:
            html = markup[key] = picture_html(
                image, alt, urls.url, sizes=sizes, lazy=lazy, square=square, css_class=css_class
            )
        return html

    def photo_of(tech: Entry[Any]) -> Path | None:
        if not tech.meta.photo:
            return None
        return project.galleries / tech.meta.gallery / tech.meta.photo

    def media(src: str) -> Path:
        return project.content / src

    page_seo = seo.template_helpers(
        seo.SeoSettings(urls, project.content, project.galleries, pictures.get, markdown)
    )
    return {
        "picture": picture,
        "photo_of": photo_of,
        "media": media,
        "cached": fragments,
        "cached_each": fragments.each,
        **page_seo,
    }


def picture_html(
    image: image_pipeline.ProcessedImage,
    alt: str,
    url: Callable[[str], str],
    *,
    sizes: str,
    lazy: bool = True,
    square: bool = False,
    css_class: str | None = None,
) -> Markup:
    """A <picture>: AVIF/WebP <source>s, then a JPEG <img> with width, height and alt.

    ``square=True`` uses the square thumbnail (the image must have been processed with
    square=True). ``css_class`` goes on the <img>, which is what layouts style. ``lazy=False``
    (for the first, largest image of a page) loads it eagerly.
    """
    variants = image.thumbnails if square else image.variants
    if not variants:
        raise ValueError("picture_html(square=True) needs an image processed with square=True")
    fallback = image_pipeline.largest_of(variants, "jpeg")
    parts = ["<picture>"]
    for fmt in ("avif", "webp"):
        if any(variant.format == fmt for variant in variants):
            srcset = image_pipeline.srcset_of(variants, fmt, url)
            parts.append(
                _tag("source", type=image_pipeline.mime_type(fmt), srcset=srcset, sizes=sizes)
            )
    parts.append(
        _tag(
            "img",
            src=url(fallback.path),
            srcset=image_pipeline.srcset_of(variants, "jpeg", url),
            sizes=sizes,
            width=str(fallback.width),
            height=str(fallback.height),
            alt=alt,
            loading="lazy" if lazy else "eager",
            decoding="async",
            **({"class": css_class} if css_class else {}),
        )
    )
    parts.append("</picture>")
    return Markup("".join(parts))


def _tag(name: str, **attributes: str) -> str:
    rendered = " ".join(f'{key}="{escape(value)}"' for key, value in attributes.items())
    return f"<{name} {rendered}>"
