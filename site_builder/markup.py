"""Markdown to safe HTML: one configured renderer, then a sanitiser.

Content is written by people, sometimes pasted from elsewhere, so any raw HTML in it goes through
nh3 (a binding to the Rust 'ammonia' sanitiser, maintained and fast) and only a fixed list of tags
and attributes survives: no scripts, styles, event handlers or javascript: links reach a page.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Mapping

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
    """Markdown to sanitised HTML, outside a build (a build's conversions go through its
    MarkdownMemo); site-absolute links (/about/) are given the base path."""
    return MarkdownMemo().html(text, rewrite_link)


def render_inline(text: str, rewrite_link: Callable[[str], str] | None = None) -> Markup:
    """Markdown for one short line (a quote, a title): no surrounding paragraph."""
    return MarkdownMemo().inline(text, rewrite_link)


class MarkdownMemo:
    """Markdown to sanitised HTML, remembering each conversion by its text: a memo of a pure
    function (the same text always makes the same HTML), owned by the build session and seeded
    from the last build's, so a theme change re-renders every article without converting any
    of them again. Conversions are kept oldest use first, so the most recent are kept."""

    def __init__(self, known: Mapping[str, str] | None = None, limit: int = 50_000) -> None:
        self._conversions: dict[str, str] = dict(known or {})
        self._limit = limit
        # sanitised HTML by text and link rewriter: a bio is on its profile and on every card
        self._sanitised: dict[tuple[str, Callable[[str], str] | None], str] = {}
        self.made: dict[str, str] = {}  # converted in this process since take_made()
        self.unsaved = False  # a conversion was made or added since the memory was saved
        self._local = threading.local()

    def html(self, text: str, rewrite_link: Callable[[str], str] | None = None) -> Markup:
        key = (text, rewrite_link)
        html = self._sanitised.get(key)
        if html is None:
            if len(self._sanitised) >= _SANITISED_LIMIT:
                self._sanitised.clear()
            # Surrounding blank lines change nothing in Markdown: "bio: |" text ends with one,
            # the same text cut out elsewhere (a description) does not: one conversion for both.
            html = self._sanitised[key] = sanitise(self.converted(text.strip("\n")), rewrite_link)
        return Markup(html)

    def inline(self, text: str, rewrite_link: Callable[[str], str] | None = None) -> Markup:
        """Markdown for one short line (a quote, a title): no surrounding paragraph."""
        html = str(self.html(text, rewrite_link)).strip()
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return Markup(html)

    def converted(self, text: str) -> str:
        """Markdown to HTML, before sanitising and link rewriting (which differ between
        callers of the same text: a page's body and its description)."""
        html = self._conversions.pop(text, None)
        if html is None:
            converter = self._converter()
            try:
                html = str(converter.reset().convert(text))
            except RecursionError:
                # The loader refuses Markdown nested this deeply (limits.py); this is the net
                # below it, for text that reached a template some other way.
                self._local.markdown = None  # its state is half-way through that text
                raise ValueError(
                    "Markdown nested too deeply to convert (lists or quotes inside each other)"
                ) from None
            self.made[text] = html
            self.unsaved = True
            if len(self._conversions) >= self._limit:  # a long preview: forget the oldest half
                for old in list(self._conversions)[: self._limit // 2]:
                    del self._conversions[old]
        self._conversions[text] = html  # last in the order: the most recently used
        return html

    def _converter(self) -> markdown.Markdown:
        # Instances keep state between documents (toc ids), so each is reset before use;
        # building one costs more than converting a short article, so a thread keeps its own.
        converter: markdown.Markdown | None = getattr(self._local, "markdown", None)
        if converter is None:
            converter = markdown.Markdown(
                extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIG, output_format="html"
            )
            self._local.markdown = converter
        return converter

    def add(self, known: Mapping[str, str]) -> None:
        """Conversions made elsewhere (a render worker); those already known keep their place."""
        for text, html in known.items():
            if text not in self._conversions:
                self._conversions[text] = html
                self.unsaved = True

    def take_made(self) -> dict[str, str]:
        """The conversions made since the last call (a render worker hands them back)."""
        made, self.made = self.made, {}
        return made

    def recent(self, limit: int) -> dict[str, str]:
        """The ``limit`` most recently used conversions, oldest first (what is worth keeping)."""
        return dict(list(self._conversions.items())[-limit:]) if limit else {}


_SANITISED_LIMIT = 4096


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


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
