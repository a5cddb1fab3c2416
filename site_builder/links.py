"""Every address on the site comes from here, so the site works at a domain root and under a
subpath (a GitHub Pages project site such as https://org.github.io/techcommit/) alike."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)


@dataclass(frozen=True)
class Urls:
    """Turns site paths ('technicians/ada/') into links ('/techcommit/technicians/ada/')."""

    base_url: str  # always ends with '/'

    @classmethod
    def from_base(cls, base_url: str) -> Urls:
        return _urls_for(base_url.rstrip("/") + "/")

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path or "/"

    def url(self, path: str = "") -> str:
        """Link to a page or file of this site, from any page; other addresses pass through."""
        if _EXTERNAL.match(path):
            return path
        return self.base_path + path.lstrip("/")

    def absolute(self, path: str = "") -> str:
        """Full address, for feeds, sitemaps, canonical links and calendar files."""
        if _EXTERNAL.match(path):
            return path
        return self.base_url + path.lstrip("/")

    def content_link(self, href: str) -> str:
        """A link written in Markdown as /definition/ is site-absolute: give it the base path.
        A file in content/media/ written as the README says (media/x.svg, or relative to the
        Markdown file, ../media/x.svg) links to where the site publishes it."""
        if href.startswith("/") and not href.startswith("//"):
            return self.url(href)
        media = media_reference(href)
        return self.url(media) if media is not None else href

    def absolute_link(self, href: str) -> str:
        """As content_link, but a full address: feed readers have no page to resolve against."""
        if href.startswith("/") and not href.startswith("//"):
            return self.absolute(href)
        media = media_reference(href)
        return self.absolute(media) if media is not None else href


def media_reference(href: str) -> str | None:
    """'media/x.svg' for a link into content/media/ written relative to the content folder
    (media/x.svg) or to a Markdown file one folder below it (../media/x.svg); None for
    anything else. Every Markdown kind lives one folder below content/, so ../ means the same
    from each of them."""
    if _EXTERNAL.match(href):
        return None
    path = href[2:] if href.startswith("./") else href
    path = path[3:] if path.startswith("../") else path
    return path if path.startswith("media/") and len(path) > len("media/") else None


def output_file(path: str) -> str:
    """Where a page's URL path is written: 'news/' -> 'news/index.html'."""
    if path == "" or path.endswith("/"):
        return path + "index.html"
    return path


@lru_cache(maxsize=8192)  # a site repeats its few departments and registrations a thousand times
def slugify(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "item"


# One place for the shape of every URL on the site.
def page_path(page_id: str) -> str:
    return f"{page_id}/"


def plan_path(plan_id: str, theme: str | None = None) -> str:
    return f"plans/{plan_id}/" + (f"{theme}/" if theme else "")


def plan_download_path(plan_id: str, extension: str) -> str:
    return f"plans/{plan_id}/{plan_id}.{extension}"


def plan_page_path(plan_id: str, page: str) -> str:
    """A plan's other pages: 'done', 'actions' (every action) and 'timeline'."""
    return f"plans/{plan_id}/{page}/"


def plan_filter_path(plan_id: str, facet: str, value: str) -> str:
    """A static page of a plan's actions with one status, phase or pillar: no JS needed."""
    return f"plans/{plan_id}/{facet}/{slugify(value)}/"


def technician_path(technician_id: str) -> str:
    return f"technicians/{technician_id}/"


def technician_filter_path(facet: str, value: str) -> str:
    """A static page of the technicians with one department or registration: no JS needed."""
    return f"technicians/{facet}/{slugify(value)}/"


def gallery_path(gallery_id: str) -> str:
    return f"galleries/{gallery_id}/"


def case_study_path(case_id: str) -> str:
    return f"case-studies/{case_id}/"


def news_path(news_id: str) -> str:
    return f"news/{news_id}/"


def news_list_path(page: int) -> str:
    return "news/" if page == 1 else f"news/page/{page}/"


def event_calendar_path(news_id: str) -> str:
    return f"news/{news_id}/{news_id}.ics"


SECTION_PATHS = {
    "home": "",
    "plans": "plans/",
    "technicians": "technicians/",
    "galleries": "galleries/",
    "case-studies": "case-studies/",
    "news": "news/",
    "events": "events/",
    "accessibility": "accessibility/",
}


@lru_cache(maxsize=16)
def _urls_for(base_url: str) -> Urls:
    """One Urls per address: rendered Markdown is cached by its link rewriter (a bound method
    of this object), so a new object every build would miss that cache every time."""
    return Urls(base_url)
