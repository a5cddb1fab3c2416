"""SVG files cut down to drawing before they are published: no script can run from the site.

An SVG served from the site's own address runs its scripts with the site's rights, so only a
fixed list of drawing elements survives, with their attributes minus event handlers (``on*=``),
links anywhere but inside the file itself (``href="#id"``; even an ``<a>`` to a web page goes),
and styles that fetch from other sites (``url(https://...)``, ``@import``). Editor and metadata
elements go too (they can carry the author's name and file paths). What was taken out is listed,
so the person publishing can be told. A file that is not well-formed XML, or that declares
entities, is refused whole.

The XML is read with defusedxml, which refuses entity declarations and external references
outright (the standard library's parser would expand them, only capping the growth), and CSS
with tinycss2, which decodes CSS escapes that would hide a ``url(`` from a regular expression.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import defusedxml
import defusedxml.ElementTree as SafeET
import tinycss2
from tinycss2 import ast

Node = ast.Node

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
XML = "http://www.w3.org/XML/1998/namespace"

ELEMENTS = {
    "svg", "g", "defs", "title", "desc", "symbol", "use", "switch", "view",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
    "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
    "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur",
    "feMerge", "feMergeNode", "feMorphology", "feOffset", "fePointLight",
    "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
    "style", "a", "image",
}  # fmt: skip
_LINK_ATTRIBUTES = {"href", f"{{{XLINK}}}href"}
_KEPT_FOREIGN = {f"{{{XML}}}space", f"{{{XML}}}lang"}
# an <image> may show pixels carried in the file itself, never fetch them
_INLINE_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,", re.IGNORECASE)
_SCRIPTED = re.compile(r"(?:java|vb)script:|data:text/html", re.IGNORECASE)


class SvgRefused(ValueError):
    """The file cannot be made safe by taking parts out: a reason a person can act on."""


@dataclass(frozen=True)
class Sanitised:
    data: bytes
    removed: tuple[str, ...]  # what was taken out, each once, with a count: "<script> (2)"


def sanitise_svg(data: bytes) -> Sanitised:
    """The drawing of an SVG file, and what had to be taken out of it; SvgRefused when it
    cannot be read safely."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True)
    except defusedxml.DefusedXmlException:
        raise SvgRefused(
            "it declares XML entities or refers to outside files, which an image never needs"
        ) from None
    except ET.ParseError as error:
        raise SvgRefused(f"it is not well-formed XML ({error})") from None
    if root.tag != f"{{{SVG}}}svg":
        raise SvgRefused(f"its top element is <{_name(root.tag)}>, not an SVG's <svg>")
    removed: Counter[str] = Counter()
    _clean(root, removed)
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _write(root, parts, top=True)
    out = ("".join(parts) + "\n").encode()
    return Sanitised(out, tuple(f"{what} ({n})" if n > 1 else what for what, n in removed.items()))


def _write(element: ET.Element, parts: list[str], top: bool = False) -> None:
    """Serialise what is left, every element in the SVG namespace. ElementTree's own writer
    would name it 'ns0:' everywhere unless told a default namespace through module-wide
    state (register_namespace), which another caller could change."""
    name = _name(element.tag)
    attributes = "".join(
        f" {_PREFIXED.get(key, key)}={quoteattr(value)}" for key, value in element.attrib.items()
    )
    if top:
        attributes = f' xmlns="{SVG}" xmlns:xlink="{XLINK}"' + attributes
    parts.append(f"<{name}{attributes}>")
    parts.append(escape(element.text or ""))
    for child in element:
        _write(child, parts)
        parts.append(escape(child.tail or ""))
    parts.append(f"</{name}>")


_PREFIXED = {f"{{{XLINK}}}href": "xlink:href", f"{{{XML}}}space": "xml:space"}
_PREFIXED[f"{{{XML}}}lang"] = "xml:lang"


def _name(tag: str) -> str:
    return tag.rpartition("}")[2]


def _clean(element: ET.Element, removed: Counter[str]) -> None:
    for child in list(element):
        if not isinstance(child.tag, str):  # a comment or processing instruction
            element.remove(child)
            continue
        namespace, _, name = child.tag[1:].partition("}") if child.tag[0] == "{" else ("", "", "")
        if namespace != SVG or name not in ELEMENTS:
            element.remove(child)
            removed[f"<{_name(child.tag)}>"] += 1
            continue
        why = _unsafe_element(child, name)
        if why is not None:
            element.remove(child)
            removed[why] += 1
            continue
        _clean_attributes(child, name, removed)
        _clean(child, removed)
    if element.tag == f"{{{SVG}}}svg":
        _clean_attributes(element, "svg", removed)


def _unsafe_element(element: ET.Element, name: str) -> str | None:
    if name == "style":
        reason = _css_unsafe(element.text or "", stylesheet=True)
        return f"a <style> with {reason}" if reason else None
    if name == "image":
        href = next((element.get(a, "") for a in _LINK_ATTRIBUTES if element.get(a)), "")
        if not _INLINE_IMAGE.match(href.strip()):
            return "an <image> that loads a file" + _shown(href)
    return None


def _clean_attributes(element: ET.Element, name: str, removed: Counter[str]) -> None:
    for attribute, value in list(element.attrib.items()):
        why = _unsafe_attribute(attribute, value, name)
        if why is not None:
            del element.attrib[attribute]
            removed[why] += 1


def _unsafe_attribute(attribute: str, value: str, element: str) -> str | None:
    local = _name(attribute)
    if local.lower().startswith("on"):
        return f"{local}="
    if attribute in _LINK_ATTRIBUTES:
        target = value.strip()
        if _SCRIPTED.search(target):
            return "a javascript: link"
        if target.startswith("#") or (element == "image" and _INLINE_IMAGE.match(target)):
            return None
        # even an <a> to a web page goes: a picture shown by <img> cannot be clicked through,
        # and one opened on its own should not send its reader elsewhere
        return "a link to a file outside the SVG" + _shown(target)
    if attribute.startswith("{") and attribute not in _KEPT_FOREIGN:
        return f"editor attribute {local}="
    if _SCRIPTED.search(value):
        return f"a script in {local}="
    if "(" in value or local == "style":
        reason = _css_unsafe(value, stylesheet=False)
        if reason:
            return f"{local}= with {reason}"
    return None


def _shown(target: str) -> str:
    return f" ({target[:60]})" if target and not target.startswith("data:") else ""


def _css_unsafe(css: str, stylesheet: bool) -> str | None:
    """Why a piece of CSS may not be published (it fetches or runs something), or None."""
    todo: list[Node] = list(
        tinycss2.parse_stylesheet(css) if stylesheet else tinycss2.parse_component_value_list(css)
    )
    while todo:
        node = todo.pop()
        reason = _css_node_unsafe(node)
        if reason is not None:
            return reason
        for part in ("prelude", "content", "arguments", "value"):
            inner = getattr(node, part, None)
            if isinstance(inner, list):
                todo.extend(inner)
    return None


def _css_node_unsafe(node: Node) -> str | None:
    if isinstance(node, ast.AtRule) and node.lower_at_keyword in {"import", "font-face"}:
        return f"@{node.lower_at_keyword}"
    if isinstance(node, ast.URLToken) and not node.value.startswith("#"):
        return f"url({node.value[:60]})"
    if isinstance(node, ast.FunctionBlock):
        if node.lower_name == "url":
            strings = [a for a in node.arguments if isinstance(a, ast.StringToken)]
            if not strings or not strings[0].value.startswith("#"):
                return "url(...) to another file"
        if node.lower_name in {"expression", "image-set", "-webkit-image-set", "src"}:
            return f"{node.lower_name}(...)"
    return None
