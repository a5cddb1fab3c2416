"""Typed content models: the schema of every content file, and its documentation.

Each field's description is what the README's content reference and the JSON Schema files show
to the people writing content, so it is written for them. Models read no files.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import types
import typing
import zoneinfo
from collections.abc import Iterator
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from .wording import counted

# --- shared vocabulary -------------------------------------------------------------------------

THEMES: dict[str, str] = {
    "visibility": "Visibility",
    "recognition": "Recognition",
    "career-development": "Career Development",
    "sustainability": "Sustainability",
}

STATUSES: dict[str, str] = {
    "not-started": "Not started",
    "on-track": "On track",
    "at-risk": "At risk",
    "delayed": "Delayed",
    "complete": "Complete",
    "carried-forward": "Carried forward",
    "withdrawn": "Withdrawn",
}

KNOWN_REGISTRATIONS = (
    "RSciTech",
    "RSci",
    "CSci",
    "EngTech",
    "IEng",
    "CEng",
    "RITTech",
    "ICTTech",
    "CChem",
    "CBiol",
    "CPhys",
    "MIScT",
    "FIScT",
    "AFHEA",
    "FHEA",
    "SFHEA",
)


def _slugish(value: Any) -> Any:
    if isinstance(value, str):
        return re.sub(r"[\s_]+", "-", value.strip().lower())
    return value


def _theme_id(value: Any) -> Any:
    value = _slugish(value)
    if value == "career":
        return "career-development"
    return value


ThemeId = Annotated[
    Literal["visibility", "recognition", "career-development", "sustainability"],
    BeforeValidator(_theme_id),
]
Status = Annotated[
    Literal[
        "not-started",
        "on-track",
        "at-risk",
        "delayed",
        "complete",
        "carried-forward",
        "withdrawn",
    ],
    BeforeValidator(_slugish),
]

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
]
Colour = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^#[0-9a-fA-F]{6}$")]
Url = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^(https?://[^\s]+|mailto:[^\s]+|/[^\s]*)$"),
]
# A host name: labels of letters, digits and hyphens, at least one dot (what a CNAME file holds).
_HOSTNAME = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]


def field_of(meta: object, name: str, default: Any = None) -> Any:
    """A field that only some models declare (a technician has no date), read from the
    instance's fields: pydantic's fallback for a missing attribute raises and catches an error
    each time, which was a tenth of planning a site of 1,000 profiles."""
    return getattr(meta, "__dict__", {}).get(name, default)


class ContentModel(BaseModel):
    """Strict by default: a misspelt key is an error with a 'did you mean' hint, not ignored."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )


class Link(ContentModel):
    title: Text = Field(description="The words people click.")
    url: Url = Field(description="A full address (https://...), mailto: address or /site-path/.")


class ImageRef(ContentModel):
    src: Text = Field(
        description="Path of the image file, relative to the content folder "
        "(for example media/open-day.jpg)."
    )
    alt: str = Field(
        description='What the image shows, for people who cannot see it. Use "" only for a '
        "purely decorative image."
    )
    caption: str | None = Field(None, description="Optional caption shown under the image.")


# --- site.yaml ---------------------------------------------------------------------------------


class Logo(ImageRef):
    includes_name: bool = Field(
        True,
        description="true if the logo shows the institution's name (a wordmark); false for a "
        "crest or symbol alone, so the short name is written beside it.",
    )


class Contact(ContentModel):
    name: Text = Field(description="The named point of contact for the Technician Commitment.")
    role: str | None = Field(None, description="Their job title.")
    email: Email = Field(description="An email address the public can write to.")
    phone: str | None = Field(None, description="Optional phone number.")


class ShareImage(ContentModel):
    src: Text = Field(
        description="Path of the image file, relative to the content folder "
        "(for example media/share.jpg)."
    )
    alt: Text = Field(description="What the image shows, for people who cannot see it.")


class BrandColours(ContentModel):
    primary: Colour = Field(
        "#1d3557",
        description="Main brand colour (#rrggbb): header, buttons, links. White text must be "
        "readable on it (contrast 4.5:1 or more).",
    )
    accent: Colour = Field(
        "#f4a261", description="Second brand colour (#rrggbb), used for highlights and focus."
    )


class NavItem(ContentModel):
    title: Text = Field(description="Menu label.")
    url: Url = Field(description="Where it goes.")


class ImageSettings(ContentModel):
    widths: list[Annotated[int, Field(ge=160, le=4000)]] = Field(
        default_factory=lambda: [480, 960, 1600],
        description="Widths in pixels of the responsive copies made of each photo.",
    )
    thumbnail: int = Field(
        400, ge=120, le=1200, description="Size in pixels of square gallery thumbnails."
    )
    jpeg_quality: int = Field(80, ge=30, le=100, description="JPEG quality (30-100).")
    webp_quality: int = Field(75, ge=30, le=100, description="WebP quality (30-100).")
    avif: bool = Field(False, description="Also make AVIF copies (smaller, much slower to make).")


def _default_navigation() -> list[Identifier | NavItem]:
    return ["about", "definition", "plan", "technicians", "case-studies", "news"]


class SiteConfig(ContentModel):
    """content/site.yaml: who the site is for and how it looks."""

    name: Text = Field(description="Full name of the institution.")
    short_name: Text = Field(description="Short name, used in the header on phones and in titles.")
    tagline: str | None = Field(None, description="One line under the name on the home page.")
    base_url: Url = Field(
        description="Address the site is published at, e.g. https://technicians.example.ac.uk/ "
        "or https://org.github.io/techcommit/ for a GitHub Pages project site."
    )
    domain: str | None = Field(
        None,
        description="Custom domain of a GitHub Pages site, e.g. technicians.example.ac.uk (the "
        "name alone: no https:// and no /path). 'site-builder publish' writes it to a CNAME "
        "file; base_url must use the same domain.",
    )
    language: str = Field("en-GB", description="Language of the content (BCP 47 code).")
    logo: Logo | None = Field(None, description="Logo image (SVG or PNG) and its alt text.")
    colours: BrandColours = Field(default_factory=BrandColours, description="Brand colours.")
    contact: Contact = Field(description="The public point of contact for the Commitment.")
    signed: dt.date = Field(
        description="Date the institution signed the Technician Commitment (YYYY-MM-DD)."
    )
    signatory_type: Literal["signatory", "supporter"] = Field(
        "signatory", description="'signatory' (most institutions) or 'supporter'."
    )
    intro: str | None = Field(
        None, description="A short Markdown paragraph for the home page, under the headline."
    )
    social: list[Link] = Field(default_factory=list, description="Social media links.")
    navigation: list[Identifier | NavItem] = Field(
        default_factory=_default_navigation,
        description="Main menu, in order. Each entry is a section (plan, technicians, galleries, "
        "case-studies, news, events), the name of a page in content/pages, or a title and url.",
    )
    footer_links: list[Link] = Field(
        default_factory=list,
        description="Extra links in the footer (the accessibility statement is always there).",
    )
    theme: Identifier | None = Field(
        None,
        description="Name of a folder in themes/ whose templates and files override the "
        "default theme.",
    )
    news_per_page: int = Field(10, ge=1, le=100, description="News items per list page.")
    featured_technicians: int = Field(
        4, ge=0, le=24, description="How many featured technicians the home page shows."
    )
    timezone: str = Field("Europe/London", description="Time zone of event times.")
    images: ImageSettings = Field(
        default_factory=ImageSettings, description="How photos are resized."
    )
    share_image: ShareImage | None = Field(
        None,
        description="The picture shown when a page without a picture of its own is shared on "
        "social media or in a chat (a JPEG or PNG, ideally 1200x630 pixels). Without it the "
        "logo is used, which some platforms do not show if it is an SVG.",
    )
    search: bool = Field(
        True,
        description="Site search (the Search page and the index it uses). false leaves both "
        "out, for a site that does not want them or cannot run the Pagefind indexer.",
    )

    @field_validator("timezone")
    @classmethod
    def _timezone_is_real(cls, value: str) -> str:
        if value in _known_timezones():
            return value
        guess = _nearest_timezone(value)
        hint = (
            f"did you mean '{guess}'?"
            if guess
            else "write a Region/City name from the time zone database, such as Europe/London "
            "(or leave timezone: out: Europe/London is the default)"
        )
        raise _FieldProblem("", f"'{value}' is not a time zone", hint)

    @field_validator("domain")
    @classmethod
    def _domain_is_a_hostname(cls, value: str | None) -> str | None:
        if value is None:
            return None
        host = value.strip().lower()
        bare = urlsplit(host if "//" in host else "//" + host).hostname
        if not _HOSTNAME.match(host):
            example = f": write '{bare}'" if bare and _HOSTNAME.match(bare) else ""
            raise ValueError(
                f"'{value}' is not a domain name; give the name alone, such as "
                f"technicians.example.ac.uk, without https:// or a /path{example}"
            )
        return host

    @model_validator(mode="after")
    def _base_url_uses_the_domain(self) -> SiteConfig:
        host = urlsplit(self.base_url).hostname
        if self.domain and host and host != self.domain:
            raise _FieldProblem(
                "domain",
                f"the domain {self.domain} is not the one base_url uses ({host})",
                f"set base_url: https://{self.domain}/ so that links point at the custom domain",
            )
        return self


# --- accessibility statement ---------------------------------------------------------------------


class NonCompliance(ContentModel):
    description: Text = Field(description="What does not work, and for whom, in plain words.")
    criterion: Annotated[str, StringConstraints(pattern=r"^\d\.\d{1,2}\.\d{1,2}\b.*$")] = Field(
        description="The WCAG 2.2 success criterion it fails, e.g. '1.1.1 Non-text content'."
    )
    fix_by: dt.date | None = Field(None, description="When it will be fixed (YYYY-MM-DD).")


class Exemption(ContentModel):
    description: Text = Field(description="The content and why the exemption applies.")


class AccessibilityStatement(ContentModel):
    """content/accessibility.yaml: the statement UK public-sector websites must publish."""

    scope: Text = Field(description="Which website(s) the statement covers (Markdown).")
    using_the_site: str | None = Field(
        None, description="What people should be able to do (Markdown); a sensible default is used."
    )
    how_accessible: Text = Field(description="Summary of how accessible the site is (Markdown).")
    known_limitations: list[Text] = Field(
        default_factory=list, description="Parts that are not fully accessible, in plain words."
    )
    feedback_email: Email = Field(description="Where to ask for content in another format.")
    feedback_phone: str | None = Field(None, description="Optional phone number for feedback.")
    response_days: int = Field(10, ge=1, le=60, description="Working days within which you reply.")
    reporting_contact: Email = Field(description="Where to report an accessibility problem.")
    compliance: Literal["full", "partial", "not"] = Field(
        description="'full', 'partial' or 'not' compliant with WCAG 2.2 AA."
    )
    non_compliant: list[NonCompliance] = Field(
        default_factory=list, description="Content that fails WCAG 2.2 AA, with fix-by dates."
    )
    disproportionate_burden: list[Exemption] = Field(default_factory=list)
    outside_scope: list[Exemption] = Field(default_factory=list)
    improvements: str | None = Field(
        None, description="What you are doing to improve accessibility (Markdown)."
    )
    prepared: dt.date = Field(description="When the statement was first prepared.")
    reviewed: dt.date = Field(description="When it was last reviewed.")
    tested: dt.date = Field(description="When the site was last tested.")
    tested_by: Text = Field(description="Who tested it (your team, or an outside organisation).")
    test_method: str | None = Field(
        None, description="How it was tested, and which pages (Markdown)."
    )

    @model_validator(mode="after")
    def _partial_needs_reasons(self) -> AccessibilityStatement:
        if self.compliance != "full" and not (
            self.non_compliant or self.disproportionate_burden or self.outside_scope
        ):
            raise ValueError(
                "a 'partial' or 'not' compliant statement must list what fails under "
                "non_compliant (or an exemption)"
            )
        if self.reviewed < self.prepared:
            raise ValueError("'reviewed' is earlier than 'prepared'")
        return self


# --- pages, news, case studies ------------------------------------------------------------------


class PageMeta(ContentModel):
    """Front matter of a Markdown page in content/pages/."""

    title: Text = Field(description="Page title (the H1).")
    summary: str | None = Field(
        None, description="One or two sentences: used in search results and link previews."
    )
    nav_title: str | None = Field(None, description="Shorter title for the menu.")
    order: int = Field(0, description="Position among pages (lower first).")
    draft: bool = Field(False, description="Drafts are only built with --drafts.")
    template: Identifier | None = Field(None, description="Use another template (advanced).")
    updated: dt.date | None = Field(None, description="When the page last changed in substance.")


class Event(ContentModel):
    start: dt.date | dt.datetime = Field(description="Start: YYYY-MM-DD, or YYYY-MM-DD HH:MM.")
    end: dt.date | dt.datetime | None = Field(None, description="End, in the same form as start.")
    place: Text = Field(description="Where: room, building, or 'Online'.")
    address: str | None = Field(None, description="Street address or campus map reference.")
    booking_url: Url | None = Field(None, description="Where to book, if booking is needed.")

    @model_validator(mode="after")
    def _end_after_start(self) -> Event:
        if self.end is not None and _as_datetime(self.end) < _as_datetime(self.start):
            raise ValueError("the event ends before it starts: check 'start' and 'end'")
        if self.end is not None and type(self.end) is not type(self.start):
            raise ValueError(
                "give 'start' and 'end' in the same form: both dates, or both with a time"
            )
        return self


class ArticleMeta(ContentModel):
    title: Text = Field(description="Headline.")
    date: dt.date = Field(
        description="Publication date (YYYY-MM-DD). Future dates wait until then."
    )
    summary: Text = Field(description="One or two sentences for lists, feeds and link previews.")
    image: ImageRef | None = Field(None, description="Lead image and its alt text.")
    themes: list[ThemeId] = Field(
        default_factory=list,
        description="Commitment themes: visibility, recognition, career-development, "
        "sustainability.",
    )
    technicians: list[Identifier] = Field(
        default_factory=list,
        description="Technicians involved, by the name of their file in content/technicians "
        "(without .yaml).",
    )
    draft: bool = Field(False, description="Drafts are only built with --drafts.")
    author: str | None = Field(None, description="Who wrote it.")


class CaseStudyMeta(ArticleMeta):
    """Front matter of a case study in content/case-studies/."""


class NewsMeta(ArticleMeta):
    """Front matter of a news item or event in content/news/."""

    event: Event | None = Field(None, description="Fill in for an event: start, end, place.")


# --- technicians and galleries ------------------------------------------------------------------


class Consent(ContentModel):
    given: bool = Field(description="true once the technician has agreed to be on the site.")
    date: dt.date = Field(description="When consent was given (YYYY-MM-DD).")
    recorded_by: str | None = Field(None, description="Who recorded it.")
    withdrawn: dt.date | None = Field(
        None, description="If they later withdraw: the date. The profile is then unpublished."
    )


class Award(ContentModel):
    title: Text = Field(description="Name of the award.")
    year: int | None = Field(None, ge=1950, le=2100, description="Year received.")
    awarded_by: str | None = Field(None, description="Who gave it.")


class Technician(ContentModel):
    """content/technicians/<id>.yaml: one technician's profile."""

    name: Text = Field(description="Name as they want it shown.")
    pronouns: str | None = Field(None, description="Optional, e.g. she/her.")
    role: Text = Field(description="Job title.")
    department: Text = Field(description="Department, school or facility.")
    faculty: str | None = Field(None, description="Faculty or college.")
    gallery: Identifier = Field(description="The gallery folder in galleries/ they appear in.")
    photo: str | None = Field(None, description="Photo file name inside their gallery folder.")
    photo_alt: str | None = Field(
        None, description="What the photo shows, for screen reader users."
    )
    default_alt: bool = Field(
        False, description="true to use 'Portrait of NAME' as the alt text instead of photo_alt."
    )
    focus: (
        Annotated[
            str,
            StringConstraints(
                strip_whitespace=True,
                pattern=r"^(top|centre|center|middle|bottom|\d{1,3}(\.\d+)?%\s+\d{1,3}(\.\d+)?%)$",
            ),
        ]
        | None
    ) = Field(
        None,
        description="Where to crop square thumbnails: top, centre, bottom, or a point as "
        "'X% Y%' across and down from the top left, e.g. '45% 30%'.",
    )
    bio: str = Field("", description="A short biography (Markdown).")
    registrations: list[Text] = Field(
        default_factory=list,
        description="Professional registrations shown after the name, e.g. RSciTech, CEng.",
    )
    awards: list[Award] = Field(default_factory=list, description="Awards and recognition.")
    expertise: list[Text] = Field(default_factory=list, description="Areas of expertise.")
    quote: str | None = Field(None, description="A sentence in their own words.")
    links: list[Link] = Field(default_factory=list, description="Professional links.")
    consent: Consent | None = Field(
        None,
        description="Recorded consent. A profile without consent given is never published.",
    )
    featured: bool = Field(False, description="Show on the home page.")
    order: int = Field(0, description="Position in their gallery (lower first, then by name).")
    draft: bool = Field(False, description="Drafts are only built with --drafts.")
    search_engines: bool = Field(
        True,
        description="false for someone who wants to be on the site but not found by search "
        "engines: their page asks search engines not to list it (a robots noindex tag), is "
        "left out of sitemap.xml and of the site's own search, and they still appear in their "
        "gallery and in the lists of technicians.",
    )

    @model_validator(mode="after")
    def _photo_needs_alt(self) -> Technician:
        if self.photo and not self.photo_alt and not self.default_alt:
            raise _FieldProblem(
                "photo_alt",
                "the photo has no alt text",
                "add photo_alt: describing the photo, or default_alt: true to use "
                f"'Portrait of {self.name}'",
            )
        return self

    @property
    def published(self) -> bool:
        return bool(self.consent and self.consent.given and not self.consent.withdrawn)

    @property
    def alt_text(self) -> str:
        if self.photo_alt:
            return self.photo_alt
        return f"Portrait of {self.name}"

    @property
    def post_nominals(self) -> str:
        return " ".join(self.registrations)


class Gallery(ContentModel):
    """galleries/<name>/gallery.yaml: a group of technicians, by building or faculty."""

    title: Text = Field(description="Gallery title, e.g. 'Life Sciences Building'.")
    description: str | None = Field(None, description="A sentence or two (Markdown).")
    location: str | None = Field(None, description="Building or campus.")
    order: int = Field(0, description="Position in the list of galleries (lower first).")


# --- action plans --------------------------------------------------------------------------------

# The Technician Commitment's staged reporting: a self-assessment and first action plan about a
# year after signing, then every two to three years a re-submission (a progress report on the
# last plan and a new 24- or 36-month plan); some institutions also publish an interim review.
PLAN_STAGES: dict[str, str] = {
    "self-assessment": "Self-assessment and first action plan",
    "resubmission": "Re-submission: progress report and new action plan",
    "interim-review": "Interim progress review",
    "draft": "Draft, not yet submitted",
}

PlanStage = Annotated[
    Literal["self-assessment", "resubmission", "interim-review", "draft"],
    BeforeValidator(_slugish),
]

# How an action's timing was written, in words for people.
TIMING_KINDS: dict[str, str] = {
    "date": "by a date",
    "month": "by a month",
    "year": "by a year",
    "all-years": "all years of the plan",
    "ongoing": "ongoing",
    "phases": "in the phases named",
    "words": "as described",
}

PlanActionRef = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*$"),
]


class Phase(ContentModel):
    id: Identifier = Field(description="Short name used by actions, e.g. year-1.")
    label: Text = Field(description="What the plan calls it, e.g. '0-12 months'.")
    start: dt.date | None = Field(None, description="When the phase starts.")
    end: dt.date | None = Field(None, description="When the phase ends.")

    @model_validator(mode="after")
    def _ordered(self) -> Phase:
        if self.start and self.end and self.end < self.start:
            raise _FieldProblem(
                "end", "the phase ends before it starts", "check the phase's start and end"
            )
        return self


class Pillar(ContentModel):
    id: Identifier = Field(description="Short name used by actions.")
    label: Text = Field(description="The institution's name for this strategic pillar.")


class ColumnLabels(ContentModel):
    """The institution's own words for the plan's columns."""

    action: str = Field("Action", description="The column holding each action.")
    details: str = Field("Details", description="More detail about an action.")
    resources: str = Field("Resources", description="Budget, time or equipment it needs.")
    stakeholders: str = Field(
        "Resources and stakeholders", description="Who is involved (and, often, resources)."
    )
    lead: str = Field("Lead", description="Who leads it.")
    success_measures: str = Field("Success measures", description="How success is measured.")
    evidence: str = Field(
        "How impact will be evidenced",
        description="How impact is evidenced, e.g. 'Evaluation of impact'.",
    )
    target: str = Field("Target", description="When it is due, e.g. 'Timeline'.")
    also_serves: str = Field("Also serves", description="Other themes, e.g. 'Theme alignment'.")
    pillars: str = Field("Strategic pillars", description="The institution's strategic pillars.")
    status: str = Field("Status", description="Status and latest progress.")


class ProgressUpdate(ContentModel):
    date: dt.date = Field(description="When this update was written.")
    status: Status | None = Field(None, description="Status as of this update.")
    note: Text = Field(description="What happened (Markdown).")
    evidence: list[Link] = Field(default_factory=list, description="Links to evidence.")


_TARGET = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# 'Dec-19', 'Dec 2019', 'December 2019': how plans exported from Word and Excel write months.
_MONTH_WORDS = re.compile(r"^([a-z]{3})[a-z]*\.?[\s-]+(\d{2}|\d{4})$", re.IGNORECASE)
_ALL_YEARS = {"all years", "all-years", "every year", "each year", "all phases", "throughout"}
_ONGOING = {"ongoing", "continuous", "continuing", "rolling"}


def _month_of(text: str) -> tuple[int, int] | None:
    """(year, month) for a month written as YYYY-MM, 'Dec-19' or 'December 2019'."""
    match = _TARGET.match(text)
    if match and match.group(2):
        return int(match.group(1)), int(match.group(2))
    words = _MONTH_WORDS.match(text.strip())
    if words and words.group(1).lower() in _MONTHS:
        year = int(words.group(2))
        return (2000 + year if year < 100 else year), _MONTHS.index(words.group(1).lower()) + 1
    return None


def _last_day(year: int, month: int) -> dt.date:
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    return dt.date.fromordinal(next_month.toordinal() - 1)


def _check_when(value: Any) -> Any:
    """A date-shaped text that is not a real date or month is a mistake, not words."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # YAML reads a bare year as a number
    if isinstance(value, str):
        text = value.strip()
        if _DATE_LIKE.match(text):
            raise ValueError(
                f"'{text}' is not a date: check the day and month (YYYY-MM-DD, e.g. 2026-03-31)"
            )
        match = _TARGET.match(text)
        if match and match.group(2) and not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"'{text}' is not a month: use YYYY-MM with MM from 01 to 12")
        if match and not 1990 <= int(match.group(1)) <= 2100:
            raise ValueError(f"'{text}' is not a likely year: use four digits, e.g. 2026")
    return value


class Action(ContentModel):
    id: Identifier | None = Field(
        None,
        description="Stable anchor for links (e.g. v1-2). Made from the objective code and "
        "position when left out.",
    )
    title: Text = Field(description="The action, in a sentence.")
    details: str | None = Field(None, description="More detail (Markdown).")
    resources: str | None = Field(
        None, description="Resources it needs (budget, staff time, equipment), if kept apart."
    )
    stakeholders: str | None = Field(None, description="Resources and key stakeholders.")
    lead: list[Text] = Field(default_factory=list, description="Who leads it (roles or teams).")
    success_measures: list[Text] = Field(default_factory=list, description="Success measures.")
    evidence: str | None = Field(None, description="How impact will be evidenced.")
    start: dt.date | str | None = Field(
        None,
        description="When work begins, if the plan says: a date (2025-01-06) or a month "
        "(2025-01). The timeline draws the action from here to its target.",
    )
    target: dt.date | str | None = Field(
        None,
        description="When it is due: a date (2026-07-31), a month (2026-07 or 'Jul-26'), a "
        "year (2026), 'all years', 'ongoing', or other words ('TBC after the review'). Leave "
        "it out when the phases say when.",
    )
    phases: list[Identifier] = Field(default_factory=list, description="Phases it falls in.")
    also_serves: list[ThemeId] = Field(
        default_factory=list,
        description="Other themes this action also serves (a 'theme alignment' column).",
    )
    pillars: list[Identifier] = Field(default_factory=list, description="Strategic pillars.")
    status: Status = Field(
        "not-started",
        description="not-started, on-track, at-risk, delayed, complete, carried-forward or "
        "withdrawn.",
    )
    carried_forward_to: PlanActionRef | None = Field(
        None,
        description="For a carried-forward action: where it continues, as the new plan's file "
        "name and the action's id, e.g. 2024-2027/v1-1.",
    )
    carried_forward_from: PlanActionRef | None = Field(
        None,
        description="For an action taken over from an earlier plan: that plan's file name and "
        "the action's id, e.g. 2021-2024/v-3.",
    )
    updates: list[ProgressUpdate] = Field(
        default_factory=list, description="Dated progress updates, any order."
    )

    @field_validator("target", "start", mode="before")
    @classmethod
    def _when_is_readable(cls, value: Any) -> Any:
        return _check_when(value)

    @field_validator("start")
    @classmethod
    def _start_is_a_point(cls, value: dt.date | str | None) -> dt.date | str | None:
        if isinstance(value, str) and _month_of(value) is None:
            raise ValueError(
                f"'{value}' is not a date or a month: write YYYY-MM-DD or YYYY-MM, e.g. 2025-01"
            )
        return value

    @property
    def timing(self) -> str | None:
        """How the timing is written: one of TIMING_KINDS, or None when the plan does not say."""
        if isinstance(self.target, dt.date):
            return "date"
        if isinstance(self.target, str):
            text = self.target.strip().lower()
            if _month_of(self.target):
                return "month"
            if _TARGET.match(text):
                return "year"
            if text in _ALL_YEARS:
                return "all-years"
            if text in _ONGOING:
                return "ongoing"
            return "words"
        return "phases" if self.phases else None

    @property
    def target_date(self) -> dt.date | None:
        """The last day the target allows, for sorting and overdue checks."""
        if isinstance(self.target, dt.date):
            return self.target
        if isinstance(self.target, str):
            month = _month_of(self.target)
            if month:
                return _last_day(*month)
            match = _TARGET.match(self.target.strip())
            if match:
                return dt.date(int(match.group(1)), 12, 31)
        return None

    @property
    def start_date(self) -> dt.date | None:
        if isinstance(self.start, dt.date):
            return self.start
        if isinstance(self.start, str) and (month := _month_of(self.start)):
            return dt.date(month[0], month[1], 1)
        return None

    @property
    def target_label(self) -> str | None:
        if isinstance(self.target, dt.date):
            return self.target.strftime("%-d %B %Y")
        if isinstance(self.target, str):
            month = _month_of(self.target)
            if month:
                return dt.date(month[0], month[1], 1).strftime("%B %Y")
            if self.timing == "all-years":
                return "All years"
            if self.timing == "ongoing":
                return "Ongoing"
            return self.target
        return None

    @property
    def start_label(self) -> str | None:
        if isinstance(self.start, dt.date):
            return self.start.strftime("%-d %B %Y")
        start = self.start_date
        return start.strftime("%B %Y") if start else None

    @property
    def latest_update(self) -> ProgressUpdate | None:
        return max(self.updates, key=lambda u: u.date, default=None)

    @property
    def updates_newest_first(self) -> list[ProgressUpdate]:
        return sorted(self.updates, key=lambda u: u.date, reverse=True)


class Objective(ContentModel):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,4}\d{1,2}[a-z]?$")] | None = Field(
        None, description="Objective code, e.g. V1, R2, CD3, S4."
    )
    title: Text = Field(description="The objective.")
    actions: list[Action] = Field(default_factory=list, description="Actions under it.")


class PlanTheme(ContentModel):
    goal: Text = Field(description="The theme's goal, in your own words.")
    objectives: list[Objective] = Field(
        default_factory=list, description="Objectives, each with its actions."
    )
    actions: list[Action] = Field(
        default_factory=list, description="Actions not under an objective."
    )

    @property
    def all_actions(self) -> list[Action]:
        return [*self.actions, *(a for o in self.objectives for a in o.actions)]


class PlanThemes(ContentModel):
    visibility: PlanTheme
    recognition: PlanTheme
    career_development: PlanTheme
    sustainability: PlanTheme

    @model_validator(mode="before")
    @classmethod
    def _hyphen_or_underscore(cls, data: Any) -> Any:
        # Everywhere else the theme is written career-development; accept that spelling here too.
        if isinstance(data, dict) and "career-development" in data:
            data = dict(data)
            data.setdefault("career_development", data.pop("career-development"))
        return data

    def items(self) -> list[tuple[str, PlanTheme]]:
        return [
            ("visibility", self.visibility),
            ("recognition", self.recognition),
            ("career-development", self.career_development),
            ("sustainability", self.sustainability),
        ]


def _add_months(start: dt.date, months: int) -> dt.date:
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, _last_day(year, month).day))


add_months = _add_months


def _months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from start to the day after end: 2024-09-01 to 2027-08-31 is 36."""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    return months + (1 if after.day - start.day > 15 else -1 if start.day - after.day > 15 else 0)


def _as_date_or_none(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _end_or_months(schema: dict[str, Any]) -> None:
    """For editors: start is required, then end or months (the other is worked out)."""
    schema["required"] = ["start"]
    schema["anyOf"] = [{"required": ["end"]}, {"required": ["months"]}]


class Period(ContentModel):
    """When the plan runs: start and end, or start and a length in months."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, json_schema_extra=_end_or_months
    )

    start: dt.date = Field(description="First day of the plan.")
    end: dt.date = Field(
        description="Last day of the plan. Leave it out and give months instead, if you prefer."
    )
    months: int = Field(
        ge=1,
        le=120,
        description="Length in months (24, 36...). Give this or end; the other is worked out.",
    )

    @model_validator(mode="before")
    @classmethod
    def _end_or_months(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        has_end, has_months = data.get("end") is not None, data.get("months") is not None
        start = _as_date_or_none(data.get("start"))
        if not has_end and not has_months:
            raise _FieldProblem(
                "",
                "the period has no end",
                "add end: YYYY-MM-DD (the last day) or months: and the plan's length, e.g. 36",
            )
        months = data.get("months")
        if has_end and not has_months:
            end = _as_date_or_none(data.get("end"))
            if start and end and end > start:
                return {**data, "months": _months_between(start, end)}
            return {**data, "months": 1}  # the end date's own error is reported instead
        if not isinstance(months, int) or isinstance(months, bool) or start is None:
            return data
        worked_out = _add_months(start, months) - dt.timedelta(days=1)
        if not has_end:
            return {**data, "end": worked_out}
        end = _as_date_or_none(data.get("end"))
        if end is not None and end > start and abs(_months_between(start, end) - months) > 0:
            raise _FieldProblem(
                "months",
                f"the period from {start:%-d %B %Y} to {end:%-d %B %Y} is "
                f"{counted(_months_between(start, end), 'month')}, not {months}",
                "give either end or months (the other is worked out), or correct one of them",
            )
        return data

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end <= self.start:
            raise _FieldProblem(
                "end", "the plan ends before it starts", "check the period's start and end"
            )
        return self

    def fraction(self, day: dt.date) -> float:
        """Where a day falls in the period, 0 at the start and 1 at the end (clamped)."""
        span = (self.end - self.start).days or 1
        return min(1.0, max(0.0, (day - self.start).days / span))


class Feedback(ContentModel):
    received: dt.date = Field(description="When the feedback arrived (YYYY-MM-DD).")
    by: str | None = Field(
        None, description="Who gave it, e.g. the Technician Commitment review panel."
    )
    summary: str | None = Field(
        None, description="What the feedback said, in your words or quoted (Markdown)."
    )
    document: Link | None = Field(None, description="The feedback letter or report, if public.")

    @model_validator(mode="after")
    def _says_something(self) -> Feedback:
        if not self.summary and self.document is None:
            raise _FieldProblem(
                "received",
                "the feedback has neither a summary nor a document",
                "add summary: with what the feedback said, or document: with a title and url",
            )
        return self


class Plan(ContentModel):
    """content/plans/<name>.yaml: an action plan."""

    title: Text = Field(description="Plan title.")
    period: Period = Field(description="Start, and end or length in months.")
    current: bool = Field(False, description="true for the plan in force now (exactly one).")
    stage: PlanStage | None = Field(
        None,
        description="Which reporting stage this plan was submitted at: self-assessment, "
        "resubmission, interim-review or draft.",
    )
    submitted: dt.date | None = Field(
        None, description="When it was submitted to the Technician Commitment (YYYY-MM-DD)."
    )
    self_assessment: Link | None = Field(
        None, description="The published self-assessment (or progress report): title and url."
    )
    feedback: Feedback | None = Field(
        None, description="Feedback received on the submission: when, from whom, what it said."
    )
    next_report_due: dt.date | None = Field(
        None, description="When the next self-assessment or re-submission is due."
    )
    approved: dt.date | None = Field(None, description="When the plan was approved.")
    approved_by: str | None = Field(None, description="Which committee approved it.")
    summary: str | None = Field(None, description="Introduction (Markdown).")
    technician_voice: str | None = Field(
        None, description="How technicians shaped this plan (Markdown)."
    )
    updated: dt.date | None = Field(
        None, description="Last progress review; defaults to the newest action update."
    )
    previous: Identifier | None = Field(None, description="File name of the previous plan.")
    labels: ColumnLabels = Field(
        default_factory=ColumnLabels, description="Your own words for the columns."
    )
    phases: list[Phase] = Field(default_factory=list, description="Phases of the plan.")
    pillars: list[Pillar] = Field(default_factory=list, description="Strategic pillars.")
    themes: PlanThemes = Field(description="The four themes, each with goal and actions.")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Plan:
        if self.stage == "draft" and self.submitted is not None:
            raise _FieldProblem(
                "submitted",
                "a draft plan has a submission date",
                "change stage: to the stage it was submitted at, or remove submitted:",
            )
        if self.feedback and self.submitted and self.feedback.received < self.submitted:
            raise _FieldProblem(
                "feedback",
                f"feedback received on {self.feedback.received:%-d %B %Y} is earlier than "
                f"the submission on {self.submitted:%-d %B %Y}",
                "check feedback.received and submitted",
            )
        return self

    @property
    def all_actions(self) -> list[Action]:
        return [a for _, t in self.themes.items() for a in t.all_actions]

    @property
    def stage_label(self) -> str | None:
        return PLAN_STAGES[self.stage] if self.stage else None

    def located_actions(self) -> list[PlanAction]:
        """Every action with its theme, objective, stable anchor and path in the file."""
        found: list[PlanAction] = []
        for theme_id, theme in self.themes.items():
            key = theme_id.replace("-", "_")
            initial = {"career-development": "cd"}.get(theme_id, theme_id[0])
            for index, action in enumerate(theme.actions, 1):
                found.append(
                    PlanAction(
                        action.id or f"{initial}-{index}",
                        action,
                        theme_id,
                        None,
                        ("themes", key, "actions", index - 1),
                    )
                )
            for o_index, objective in enumerate(theme.objectives, 1):
                prefix = (objective.code or f"{initial}{o_index}").lower()
                for index, action in enumerate(objective.actions, 1):
                    found.append(
                        PlanAction(
                            action.id or f"{prefix}-{index}",
                            action,
                            theme_id,
                            objective,
                            ("themes", key, "objectives", o_index - 1, "actions", index - 1),
                        )
                    )
        return found


class PlanAction(typing.NamedTuple):
    anchor: str
    action: Action
    theme_id: str
    objective: Objective | None
    path: tuple[str | int, ...]


# --- errors raised from validators ----------------------------------------------------------------


@functools.cache
def _known_timezones() -> frozenset[str]:
    """Every zone name this machine's time zone database (or the tzdata package) has. Only a
    name from this list reaches ZoneInfo, which would otherwise try any text as a file path."""
    return frozenset(zoneinfo.available_timezones())


def _nearest_timezone(value: str) -> str | None:
    zones = _known_timezones()
    folded = {zone.lower(): zone for zone in zones}
    if value.strip().lower() in folded:
        return folded[value.strip().lower()]
    # the city alone (London), as people often write it
    named = sorted(zone for zone in zones if "/" in zone)  # not 'localtime', 'posixrules'
    cities = {zone.rpartition("/")[2].lower(): zone for zone in named}
    city = value.strip().rpartition("/")[2].lower().replace(" ", "_")
    if city in cities:
        return cities[city]
    close = difflib.get_close_matches(value, named, n=1, cutoff=0.75)
    return close[0] if close else None


class _FieldProblem(ValueError):
    """A model-level check that belongs to one field, so the error points at that field."""

    def __init__(self, field: str, message: str, hint: str):
        super().__init__(message)
        self.field = field
        self.hint = hint


FieldProblem = _FieldProblem


def _as_datetime(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime(value.year, value.month, value.day)


def theme_title(theme_id: str) -> str:
    return THEMES[theme_id]


def status_label(status: str) -> str:
    return STATUSES[status]


def nested_models(annotation: Any) -> Iterator[type[BaseModel]]:
    """The content models inside a field's type (through lists, unions and Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from nested_models(typing.get_args(annotation)[0])
    elif origin in (list, tuple, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from nested_models(arg)
