"""Reading content files: safe YAML that remembers where every key and value came from.

The validator needs to say "content/technicians/ada.yaml:12:5" for a bad value, so parsing keeps
the line and column of every key and value alongside the plain data. Only plain YAML is accepted:
no tags that build Python objects, no duplicate keys (YAML would silently keep the last one).
"""

from __future__ import annotations

import os
import pickle
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import SourceError

PathKey = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column


class _ContentLoader(yaml.SafeLoader):
    """SafeLoader whose booleans are only true/false.

    YAML 1.1 also reads yes/no/on/off as booleans, which turns a country code NO or a status
    "on" into True. People writing content do not expect that.
    """


_ContentLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)

# libyaml's parser, where PyYAML was built with it, composes the same nodes (with their marks)
# about 15 times faster than the pure-Python one: 1,600 files in 0.2 s instead of 3 s. The
# resolvers (which scalars are booleans) are ours either way.
_Composer: type[Any] = _ContentLoader
if getattr(yaml, "__with_libyaml__", False):
    _Composer = type("_FastContentLoader", (yaml.CSafeLoader,), {})
    _Composer.yaml_implicit_resolvers = _ContentLoader.yaml_implicit_resolvers


class _Constructor(yaml.constructor.SafeConstructor):
    """Builds plain values from nodes; it needs no parser of its own."""


@dataclass
class Located:
    """Plain data from a YAML document plus the position of every value and key in it."""

    data: Any
    path: Path
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)
    line_offset: int = 0

    def position(self, at: PathKey) -> Position | None:
        """Best position for a field path: the value, else its key, else the nearest parent."""
        for depth in range(len(at), -1, -1):
            prefix = at[:depth]
            if prefix in self.values and depth == len(at):
                return self.values[prefix]
            if prefix in self.keys:
                return self.keys[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return None

    def key_position(self, at: PathKey) -> Position | None:
        return self.keys.get(at) or self.position(at)

    # Pickled (into .cache/sources.kept) as one blob per document, unpacked only when used:
    # a build after one edit reads the data and positions of few of 1,600 files, and
    # unpickling them all took 0.1 to 0.2 s of every build process.
    _LAZY = frozenset({"data", "values", "keys"})

    def __reduce__(self) -> tuple[Any, ...]:
        packed = self.__dict__.get("_packed")
        if packed is None:
            packed = pickle.dumps((self.data, self.values, self.keys), pickle.HIGHEST_PROTOCOL)
        return (_unpack_later, (str(self.path), self.line_offset, packed))

    def __getattr__(self, name: str) -> Any:
        packed = self.__dict__.get("_packed") if name in Located._LAZY else None
        if packed is None:
            raise AttributeError(name)
        data, values, keys = pickle.loads(packed)
        self.__dict__.update(data=data, values=values, keys=keys)
        return self.__dict__[name]


def _unpack_later(path: str, line_offset: int, packed: bytes) -> Located:
    located = object.__new__(Located)
    located.__dict__.update(path=Path(path), line_offset=line_offset, _packed=packed)
    return located


@dataclass
class FrontMatterDocument:
    meta: Located
    body: str
    body_line: int  # line number in the file where the Markdown body starts


def parse_yaml(text: str, path: Path, line_offset: int = 0) -> Located | SourceError:
    """Parse one YAML document; return data with positions, or the first syntax error."""
    try:
        loader = _Composer(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        return _syntax_error(exc, path, line_offset)
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error we know is marked
        return SourceError(path, f"this is not valid YAML: {exc}")
    located = Located(data=None, path=path, line_offset=line_offset)
    if node is None:
        located.data = {}
        return located
    constructor = _Constructor()
    try:
        located.data = _build(node, (), located, constructor, line_offset)
    except _DuplicateKey as dup:
        return SourceError(
            path,
            f"the key '{dup.key}' appears twice in the same section",
            line=dup.line + line_offset,
            column=dup.column,
            field=dup.key,
            hint="keep one of them; YAML would silently use only the last",
        )
    except _UnsafeTag as bad:
        return SourceError(
            path,
            f"the tag '{bad.tag}' is not allowed in content files",
            line=bad.line + line_offset,
            column=bad.column,
            hint="remove the tag (the text starting with '!'); content is plain text, lists "
            "and key: value pairs",
        )
    return located


def read_text(path: Path) -> str | SourceError:
    """A content file's text; a byte-order mark, as Windows editors write, is dropped."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        return SourceError(
            path,
            f"the file is not UTF-8 text (byte {exc.start} cannot be read)",
            hint="save the file as UTF-8 in your editor (File > Save with encoding > UTF-8)",
        )
    except OSError as exc:
        return SourceError(path, f"cannot read the file: {exc.strerror}")


def read_yaml(path: Path) -> Located | SourceError:
    text = read_text(path)
    if isinstance(text, SourceError):
        return text
    if "\t" in text and re.search(r"^\t+", text, re.MULTILINE):
        line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("\t"))
        return SourceError(
            path,
            "this line is indented with a tab",
            line=line,
            column=1,
            hint="YAML needs spaces for indentation: replace the tab with spaces",
        )
    return parse_yaml(text, path)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*\r?$\n?", re.S | re.M)


def read_front_matter(path: Path) -> FrontMatterDocument | SourceError:
    """A Markdown file that starts with a YAML block between two '---' lines."""
    text = read_text(path)
    if isinstance(text, SourceError):
        return text
    match = _FRONT_MATTER.match(text)
    if not match:
        if text.startswith("---"):
            return SourceError(
                path,
                "the front matter at the top is not closed",
                line=1,
                column=1,
                hint="add a line with only '---' after the last front matter field",
            )
        return SourceError(
            path,
            "the file has no front matter",
            line=1,
            column=1,
            hint="start the file with '---', then fields such as 'title: ...', then '---'",
        )
    meta = parse_yaml(match.group(1), path, line_offset=1)
    if isinstance(meta, SourceError):
        return meta
    body_line = text[: match.end()].count("\n") + 1
    return FrontMatterDocument(meta=meta, body=text[match.end() :], body_line=body_line)


def iter_files(folder: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    """Content files in a folder, sorted so builds are reproducible; editor droppings skipped."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:  # no such folder (or not a folder)
        return
    for entry in entries:
        name = entry.name
        if name.startswith((".", "_", "~")) or name.endswith("~"):
            continue
        if os.path.splitext(name)[1].lower() in suffixes and entry.is_file():
            yield folder / name


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int, column: int):
        self.key, self.line, self.column = key, line, column


class _UnsafeTag(Exception):
    def __init__(self, tag: str, line: int, column: int):
        self.tag, self.line, self.column = tag, line, column


_PLAIN_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


def _pos(node: yaml.Node, line_offset: int) -> Position:
    return node.start_mark.line + 1 + line_offset, node.start_mark.column + 1


def _build(
    node: yaml.Node,
    at: PathKey,
    located: Located,
    constructor: yaml.constructor.SafeConstructor,
    line_offset: int,
) -> Any:
    if node.tag not in _PLAIN_TAGS:
        raise _UnsafeTag(node.tag, node.start_mark.line + 1, node.start_mark.column + 1)
    located.values[at] = _pos(node, line_offset)
    if isinstance(node, yaml.MappingNode):
        constructor.flatten_mapping(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = constructor.construct_object(key_node, deep=True)
            key = str(key) if not isinstance(key, str) else key
            if key in result:
                line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                raise _DuplicateKey(key, line, column)
            located.keys[(*at, key)] = _pos(key_node, line_offset)
            result[key] = _build(value_node, (*at, key), located, constructor, line_offset)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*at, index), located, constructor, line_offset)
            for index, item in enumerate(node.value)
        ]
    try:
        return constructor.construct_object(node, deep=True)
    except (ValueError, OverflowError):
        # Looks like a date but is not one (2026-13-45): keep the text, so validation can say
        # which field wants a real date.
        return node.value


def _syntax_error(exc: yaml.MarkedYAMLError, path: Path, line_offset: int) -> SourceError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 + line_offset if mark else None
    column = mark.column + 1 if mark else None
    problem = (exc.problem or "the YAML cannot be read").strip()
    hint = "check the indentation and punctuation on this line and the one above"
    if "mapping values are not allowed" in problem:
        hint = (
            "a value contains ': ' - put the whole value in quotes, "
            'for example  title: "Skills: what we learned"'
        )
    elif "found character '\\t'" in problem:
        hint = "YAML needs spaces for indentation: replace the tab with spaces"
    elif "could not find expected ':'" in problem:
        hint = "each line in a section needs 'name: value'; check for a missing ':'"
    elif "expected <block end>" in problem:
        hint = "this line is indented differently from the lines around it; line them up"
    elif "found undefined alias" in problem or "found unhashable key" in problem:
        hint = "'*' and '{' have special meaning in YAML: put the value in quotes"
    return SourceError(
        path, f"this is not valid YAML: {problem}", line=line, column=column, hint=hint
    )
