"""Markdown to safe HTML: one configured renderer, then a sanitiser.

Content is written by people, sometimes pasted from elsewhere, so any raw HTML in it goes through
nh3 (a binding to the Rust 'ammonia' sanitiser, maintained and fast) and only a fixed list of tags
and attributes survives: no scripts, styles, event handlers or javascript: links reach a page.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i",
    "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "lang", "title"},
    "a": {"href"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

MARKDOWN_VERSION = markdown.__version__  # conversions kept between builds are made by this one
_EXTENSIONS = ["extra", "sane_lists", "smarty", "toc"]
_EXTENSION_CONFIG = {"toc": {"permalink": False, "baselevel": 1}}


def render_markdown(text: str, rewrite_link: Callable[[str], str] | None = None) -> Markup:
    """Markdown to sanitised HTML; site-absolute links (/about/) are given the base path."""
    return Markup(_render_cached(text, rewrite_link))


@lru_cache(maxsize=4096)
def _render_cached(text: str, rewrite_link: Callable[[str], str] | None) -> str:
    # Surrounding blank lines change nothing in Markdown: "bio: |" text ends with one, the same
    # text cut out elsewhere (a description) does not, and both should share one conversion.
    return sanitise(_converted(text.strip("\n")), rewrite_link)


def _converted(text: str) -> str:
    """Markdown to HTML, before sanitising and link rewriting (which differ between callers
    of the same text: a page's body and its description)."""
    html = _conversions.pop(text, None)
    if html is None:
        # Instances keep state between documents (toc ids), so each is reset before use;
        # building one costs more than converting a short article (2 s of a 2,000-page
        # build), so a thread keeps its own.
        converter = getattr(_converters, "markdown", None)
        if converter is None:
            converter = markdown.Markdown(
                extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIG, output_format="html"
            )
            _converters.markdown = converter
        try:
            html = str(converter.reset().convert(text))
        except RecursionError:
            # The loader refuses Markdown nested this deeply (limits.py); this is the net
            # below it, for text that reached a template some other way.
            _converters.markdown = None  # its state is half-way through that text
            raise ValueError(
                "Markdown nested too deeply to convert (lists or quotes inside each other)"
            ) from None
        _added.append(text)
        if len(_conversions) >= _MEMO_LIMIT:  # a long preview session: forget the oldest half
            for old in list(_conversions)[: _MEMO_LIMIT // 2]:
                del _conversions[old]
    _conversions[text] = html  # last in the order: the most recently used
    return html


# Conversions by text, oldest use first: a memo of a pure function (the same text always
# makes the same HTML), seeded from the last build's (see remember_conversions), so a theme
# change re-renders every article without converting any of them again.
_conversions: dict[str, str] = {}
_added: list[str] = []  # texts added to the memo in this process, in order
_MEMO_LIMIT = 50_000
_converters = threading.local()


def remember_conversions(known: Mapping[str, str]) -> None:
    """Add conversions made elsewhere (a saved memory, a render worker) to the memo; those
    already known keep their place in the order."""
    for text, html in known.items():
        if text not in _conversions:
            _conversions[text] = html
            _added.append(text)


def conversions_added(since: int = 0) -> dict[str, str]:
    """The conversions added to the memo after the ``since``-th (see conversion_count)."""
    return {text: _conversions[text] for text in _added[since:] if text in _conversions}


def conversion_count() -> int:
    """How many conversions have been added to the memo: one made or handed over since a
    count was taken changes it."""
    return len(_added)


def recent_conversions(limit: int) -> dict[str, str]:
    """The ``limit`` most recently used conversions, oldest first (what is worth keeping)."""
    recent = list(_conversions.items())[-limit:] if limit else []
    return dict(recent)


def sanitise(html: str, rewrite_link: Callable[[str], str] | None = None) -> str:
    def filter_attribute(tag: str, attribute: str, value: str) -> str | None:
        if rewrite_link is not None and attribute in {"href", "src"}:
            return rewrite_link(value)
        return value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        attribute_filter=filter_attribute,
        strip_comments=True,
    )


def render_inline(text: str, rewrite_link: Callable[[str], str] | None = None) -> Markup:
    """Markdown for one short line (a quote, a title): no surrounding paragraph."""
    html = str(render_markdown(text, rewrite_link)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
