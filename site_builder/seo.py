"""How each page presents itself to search engines and when shared: description, canonical
address, Open Graph and Twitter card tags, JSON-LD, and whether it may be indexed at all.

Pure: a page's template context in, a PageMetadata out. The templates only print what this
module decided, so every rule (a draft is never indexed, a profile whose owner said no to search
engines gets noindex) lives in one place and is tested without rendering.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup

from .images import ProcessedImage
from .links import Urls
from .markup import MarkdownMemo
from .models import SiteConfig, field_of
from .render import PageKind

DESCRIPTION_LIMIT = 160  # what search engines show before cutting a description short
SCHEMA = "https://schema.org"

# The content types people can narrow a site search to; the labels are shown on the search page.
TECHNICIAN, PLAN, CASE_STUDY, NEWS, PAGE = "Technician", "Action plan", "Case study", "News", "Page"
SEARCH_TYPES = {  # the type, as the index records it -> how the search page's filter names it
    TECHNICIAN: "Technicians",
    PLAN: "Action plans",
    CASE_STUDY: "Case studies",
    NEWS: "News and events",
    PAGE: "Pages",
}


@dataclass(frozen=True)
class ShareImage:
    url: str  # absolute
    alt: str
    width: int | None = None
    height: int | None = None
    large: bool = True  # a photo worth a large card; a logo is not


@dataclass(frozen=True)
class PageMetadata:
    title: str
    description: str | None  # None: the template's own description is used
    canonical: str | None
    og_type: str  # website | article | profile
    locale: str  # en_GB
    image: ShareImage | None
    noindex: bool
    search_type: str | None  # a SEARCH_TYPES label when the page goes in the site search
    json_ld: tuple[Mapping[str, Any], ...] = ()

    @property
    def twitter_card(self) -> str:
        return "summary_large_image" if self.image and self.image.large else "summary"


# A photo's processed copies, from its path as written: the lookup resolves it (and keeps what
# it resolved: a profile's photo is also on its page, and resolving walks every folder above).
ImageLookup = Callable[[Path], ProcessedImage | None]


@dataclass(frozen=True)
class SeoSettings:
    """What page metadata needs besides the page: addresses, and the photos made for the site."""

    urls: Urls
    content: Path  # the content folder (article images, share image)
    galleries: Path  # the galleries folder (technician photos)
    image: ImageLookup
    markdown: MarkdownMemo = field(default_factory=MarkdownMemo)  # the build's conversions


def page_metadata(context: Mapping[str, Any], settings: SeoSettings) -> PageMetadata:
    """Everything the <head> of one page says about it, decided from the page's context."""
    site: SiteConfig = context["site"]
    urls = settings.urls
    path: str = context["page_path"]
    today: dt.date = context["today"]
    title = context.get("page_title") or site.name
    not_found = path == "404.html"
    kind: PageKind = context["page_kind"]
    preview = kind.entry is not None and is_preview(context[kind.entry].meta, today)
    search_type = None if (preview or not_found or not site.search) else _SEARCH_TYPE.get(kind)
    private = kind is PageKind.TECHNICIAN and not context["technician"].meta.search_engines
    image = _own_image(kind, context, settings) or site_share_image(site, settings)
    organisation = organization(site, urls)
    json_ld: list[Mapping[str, Any]] = []
    if path == "":
        json_ld.append(organisation)
    elif kind in _ARTICLES and not preview:
        json_ld.append(_article_data(context, title, image, organisation, site, urls))
    elif kind is PageKind.TECHNICIAN and not (preview or private):
        json_ld.append(person(context["technician"].meta, urls.absolute(path), image, site, urls))
    return PageMetadata(
        title=title,
        description=_description(kind, context, site, settings.markdown),
        canonical=None if not_found else urls.absolute(path),
        og_type=_OG_TYPE.get(kind, "website"),
        locale=site.language.replace("-", "_"),
        image=image,
        noindex=preview or private or not_found or path == "search/",
        search_type=search_type if not private else None,
        json_ld=tuple(json_ld),
    )


def is_preview(meta: Any, today: dt.date) -> bool:
    """A draft or a future item: only built with --drafts, and never offered to search engines."""
    if field_of(meta, "draft", False):
        return True
    date = field_of(meta, "date")
    return isinstance(date, dt.date) and date > today


# The site search's type of each kind of page it indexes: each thing once, on its own page.
# A plan's overview and theme pages (each action is on its theme's page); what we have done,
# the timeline, every action and the filter pages list the same actions again, and other
# listings repeat what they list, so they are not indexed.
_SEARCH_TYPE = {
    PageKind.NEWS: NEWS,
    PageKind.CASE_STUDY: CASE_STUDY,
    PageKind.TECHNICIAN: TECHNICIAN,
    PageKind.PAGE: PAGE,
    PageKind.STATEMENT: PAGE,
    PageKind.PLAN: PLAN,
    PageKind.PLAN_THEME: PLAN,
}
_ARTICLES = frozenset((PageKind.NEWS, PageKind.CASE_STUDY))
_OG_TYPE = {
    PageKind.NEWS: "article",
    PageKind.CASE_STUDY: "article",
    PageKind.TECHNICIAN: "profile",
}


# --- descriptions -----------------------------------------------------------------------------


def trim_description(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """One line of at most `limit` characters, cut at a word with an ellipsis if too long."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"


def meta_description(rendered: str) -> str:
    """A template's own description block (rendered, so escaped) as one trimmed line of text."""
    return trim_description(Markup(rendered).striptags())


def first_paragraph(markdown: str, memo: MarkdownMemo | None = None) -> str | None:
    """The text of the first paragraph of some Markdown, without its markup.

    The whole text is rendered: the page shows the same text (a profile's bio, a page's body),
    so the rendering is shared through the Markdown cache instead of done twice.
    """
    html = str((memo or MarkdownMemo()).html(markdown or "", _links_as_written))
    for paragraph in _PARAGRAPH.finditer(html):
        parser = _FirstParagraph()
        parser.feed(paragraph.group(0))
        text = " ".join("".join(parser.text).split())
        if text:
            return text
    return None


_PARAGRAPH = re.compile(r"<p\b[^>]*>.*?</p>", re.DOTALL)


def _links_as_written(href: str) -> str:
    """Links need no rewriting for text; one function (not a new lambda each time) so that the
    Markdown cache, keyed by it, is hit."""
    return href


class _FirstParagraph(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self._depth = 0
        self._done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p" and not self._done:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "p" and self._depth:
            self._depth -= 1
            self._done = self._done or (self._depth == 0 and bool("".join(self.text).strip()))

    def handle_data(self, data: str) -> None:
        if self._depth and not self._done:
            self.text.append(data)


def _description(
    kind: PageKind, context: Mapping[str, Any], site: SiteConfig, memo: MarkdownMemo
) -> str | None:
    text: str | None = None
    if kind in _ARTICLES:
        text = context["article"].meta.summary
    elif kind is PageKind.PAGE:
        page = context["page"]
        text = page.meta.summary or first_paragraph(page.body, memo)
    elif kind is PageKind.TECHNICIAN:
        meta = context["technician"].meta
        text = f"{meta.name}, {meta.role}, {meta.department}, {site.name}."
        bio = first_paragraph(meta.bio, memo)
        if bio:
            text = f"{text} {bio}"
    elif kind is PageKind.PLAN_THEME:
        theme = context["theme"]
        text = f"{theme.title}: {theme.theme.goal}"
    elif kind in (PageKind.PLAN, PageKind.PLAN_ACTIONS):
        plan = context["plan"].plan
        text = first_paragraph(plan.summary or "", memo)
    elif kind is PageKind.HOME and site.tagline:
        text = f"{site.name}: {site.tagline}"
    return trim_description(text) if text else None


# --- share images -------------------------------------------------------------------------------


def _own_image(
    kind: PageKind, context: Mapping[str, Any], settings: SeoSettings
) -> ShareImage | None:
    """The page's own picture: an article's image, or a (consenting) technician's photo."""
    if kind in _ARTICLES and context["article"].meta.image is not None:
        ref = context["article"].meta.image
        return _processed(settings, settings.content / ref.src, ref.alt)
    if kind is PageKind.TECHNICIAN:
        # Only published profiles have pages, and a profile is only published with consent.
        meta = context["technician"].meta
        if meta.photo:
            return _processed(
                settings, settings.galleries / meta.gallery / meta.photo, meta.alt_text
            )
    return None


def site_share_image(site: SiteConfig, settings: SeoSettings) -> ShareImage | None:
    """The site's share image, else its logo (as it is: SVG logos have no size we can give)."""
    if site.share_image is not None:
        found = _processed(settings, settings.content / site.share_image.src, site.share_image.alt)
        if found is not None:
            return found
    if site.logo is not None:
        return ShareImage(settings.urls.absolute(site.logo.src), site.logo.alt, large=False)
    return None


def _processed(settings: SeoSettings, source: Path, alt: str) -> ShareImage | None:
    image = settings.image(source)
    if image is None or not image.variants:
        return None
    # The largest JPEG: every platform that shows link previews reads JPEG; not all read WebP.
    largest = image.fallback()
    return ShareImage(settings.urls.absolute(largest.path), alt, largest.width, largest.height)


# --- JSON-LD ------------------------------------------------------------------------------------


def json_ld_script(data: Mapping[str, Any]) -> Markup:
    """JSON-LD as the body of a <script> element: valid JSON that cannot end the element.

    '<', '>' and '&' are written as JSON escapes, so a title containing '</script>' or '<!--'
    stays text; the result parses to exactly the same value.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def organization(site: SiteConfig, urls: Urls) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "CollegeOrUniversity",
        "name": site.name,
        "alternateName": site.short_name,
        "url": urls.absolute(""),
        "email": site.contact.email,
    }
    if site.logo is not None:
        data["logo"] = urls.absolute(site.logo.src)
    same_as = [link.url for link in site.social if link.url.startswith(("http://", "https://"))]
    if same_as:
        data["sameAs"] = same_as
    return data


def _publisher(organisation: Mapping[str, Any]) -> dict[str, Any]:
    publisher = {"@type": organisation["@type"], "name": organisation["name"]}
    publisher["url"] = organisation["url"]
    if "logo" in organisation:
        publisher["logo"] = {"@type": "ImageObject", "url": organisation["logo"]}
    return publisher


def _article_data(
    context: Mapping[str, Any],
    title: str,
    image: ShareImage | None,
    organisation: Mapping[str, Any],
    site: SiteConfig,
    urls: Urls,
) -> dict[str, Any]:
    meta = context["article"].meta
    url = urls.absolute(context["page_path"])
    own_image = image.url if image and meta.image is not None else None
    event = field_of(meta, "event")
    if event is not None:
        return event_data(meta, url, own_image, organisation, site, urls)
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "NewsArticle" if "calendar" in context else "Article",
        "headline": title,
        "description": meta.summary,
        "datePublished": meta.date.isoformat(),
        "url": url,
        "mainEntityOfPage": url,
        "author": (
            {"@type": "Person", "name": meta.author} if meta.author else _publisher(organisation)
        ),
        "publisher": _publisher(organisation),
    }
    updated = field_of(meta, "updated")
    if isinstance(updated, dt.date):
        data["dateModified"] = updated.isoformat()
    if own_image:
        data["image"] = [own_image]
    return data


def event_data(
    meta: Any,
    url: str,
    image: str | None,
    organisation: Mapping[str, Any],
    site: SiteConfig,
    urls: Urls,
) -> dict[str, Any]:
    event = meta.event
    zone = ZoneInfo(site.timezone)
    online = event.place.strip().lower().startswith("online")
    location: dict[str, Any]
    if online:
        location = {"@type": "VirtualLocation", "url": urls.absolute(event.booking_url or url)}
    else:
        location = {"@type": "Place", "name": event.place}
        if event.address:
            location["address"] = event.address
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": meta.title,
        "description": meta.summary,
        "url": url,
        "startDate": _when(event.start, zone),
        "eventStatus": f"{SCHEMA}/EventScheduled",
        "eventAttendanceMode": f"{SCHEMA}/"
        + ("OnlineEventAttendanceMode" if online else "OfflineEventAttendanceMode"),
        "location": location,
        "organizer": {
            "@type": organisation["@type"],
            "name": organisation["name"],
            "url": organisation["url"],
        },
    }
    if event.end is not None:
        data["endDate"] = _when(event.end, zone)
    if image:
        data["image"] = [image]
    return data


def _when(value: dt.date | dt.datetime, zone: ZoneInfo) -> str:
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=zone)).isoformat()
    return value.isoformat()


def person(
    meta: Any, url: str, image: ShareImage | None, site: SiteConfig, urls: Urls
) -> dict[str, Any]:
    """A consenting technician, with only what their page itself shows."""
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Person",
        "name": meta.name,
        "jobTitle": meta.role,
        "url": url,
        "worksFor": {"@type": "CollegeOrUniversity", "name": site.name, "url": urls.absolute("")},
    }
    if meta.photo and image is not None:
        data["image"] = image.url
    return data


def breadcrumb_list(trail: Sequence[tuple[str, str]], urls: Urls) -> dict[str, Any]:
    """The same trail as the visible breadcrumbs (Home first), for search engines."""
    steps = [("Home", ""), *trail]
    return {
        "@context": SCHEMA,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": title, "item": urls.absolute(path)}
            for number, (title, path) in enumerate(steps, start=1)
        ],
    }


def template_helpers(settings: SeoSettings) -> dict[str, Callable[..., Any]]:
    """`page_seo()`, the metadata of the page being rendered; `json_ld(data)`; and
    `breadcrumb_json_ld(trail)`, used by the breadcrumbs macro."""

    @jinja2.pass_context
    def page_seo(context: jinja2.runtime.Context) -> PageMetadata:
        return page_metadata(context.get_all(), settings)

    def breadcrumb_json_ld(trail: Sequence[tuple[str, str]]) -> Markup:
        return json_ld_script(breadcrumb_list(trail, settings.urls))

    return {
        "meta_description": meta_description,
        "page_seo": page_seo,
        "json_ld": json_ld_script,
        "breadcrumb_json_ld": breadcrumb_json_ld,
    }
