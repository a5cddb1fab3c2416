"""The galleries: the list, and each gallery's people."""

from __future__ import annotations

from collections.abc import Iterator

from .. import kinds, links
from ..published import Published
from ..render import PageSpec
from .page_type import PageType


def _galleries(published: Published) -> Iterator[PageSpec]:
    yield PageSpec(
        "galleries/",
        "galleries.html",
        {"galleries": [(g, published.in_gallery(g.id)) for g in published.galleries]},
        title="Galleries",
    )
    for gallery in published.galleries:
        members = published.in_gallery(gallery.id)
        yield PageSpec(
            links.gallery_path(gallery.id),
            "gallery.html",
            {"gallery": gallery, "technicians": members},
            title=gallery.meta.title,
        )


GALLERIES = PageType(
    "galleries",
    (kinds.GALLERY, kinds.TECHNICIAN),
    lambda planning: _galleries(planning.published),
)
