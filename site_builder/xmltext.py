"""Text for the XML files we write (the Atom feed, the sitemap): escaped, and without the
characters XML 1.0 does not allow, which would make the whole file unreadable to a feed reader
or a search engine. One helper, so no XML writer can forget it.

xml.sax.saxutils escapes markup but passes control characters through; the standard library
has nothing that removes them, so this does.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

# XML 1.0 section 2.2: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
# [#x10000-#x10FFFF]. Everything else (C0 controls, lone surrogates, U+FFFE, U+FFFF) goes.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_chars(text: str) -> str:
    """``text`` without the characters XML 1.0 does not allow."""
    return _NOT_XML.sub("", text)


def xml_text(text: str) -> str:
    """Element content: allowed characters only, with &, < and > escaped."""
    return escape(xml_chars(text))


def xml_attribute(text: str) -> str:
    """An attribute value with its quotes (line breaks and tabs as character references, so a
    reader keeps them rather than turning them into spaces)."""
    return quoteattr(xml_chars(text))
