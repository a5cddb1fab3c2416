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
from .limits import (
    MAX_FILE_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_VALUES,
    control_character,
    text_limits,
)

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
    """Parse one YAML document; return data with positions, or the first problem in it."""
    try:
        loader = _Composer(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        return _syntax_error(exc, path, line_offset)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, before parsing
        return _character_error(exc, text, path, line_offset)
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error we know is marked
        return SourceError(path, f"this is not valid YAML: {exc}")
    located = Located(data=None, path=path, line_offset=line_offset)
    if node is None:
        located.data = {}
        return located
    try:
        located.data = _Builder(located, line_offset).build(node, ())
    except _Refused as refused:
        return refused.error(path, line_offset)
    return located


def read_text(path: Path) -> str | SourceError:
    """A content file's text; a byte-order mark, as Windows editors write, is dropped."""
    try:
        with path.open("rb") as file:
            # one byte more than the limit is enough to know it is passed
            data = file.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return SourceError(
                path,
                f"the file is over {MAX_FILE_BYTES // (1024 * 1024)} MB, the limit for a "
                "content file",
                hint="content files are a few KB of text: check it is the file you meant, "
                "or split it",
            )
        return data.decode("utf-8-sig")
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
    body = text[match.end() :]
    passed = control_character(body) or text_limits(body)
    if passed is not None:
        return SourceError(path, passed.message, line=body_line + passed.line, hint=passed.hint)
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
        if os.path.splitext(name)[1].lower() not in suffixes:
            continue
        try:
            is_file = entry.is_file()
        except OSError:  # a link in a loop: boundary.py reports it
            continue
        if is_file:
            yield folder / name


class _Refused(Exception):
    """Something in a document that is read no further: where it is, what it is, the fix."""

    def __init__(self, node: yaml.Node, message: str, hint: str, field: str | None = None):
        super().__init__(message)
        self.node, self.message, self.hint, self.field = node, message, hint, field

    def error(self, path: Path, line_offset: int) -> SourceError:
        line, column = _pos(self.node, line_offset)
        return SourceError(
            path, self.message, line=line, column=column, field=self.field, hint=self.hint
        )


_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")}
_PLAIN_TAGS = _SCALAR_TAGS | {_TAG + "map", _TAG + "seq"}
_MERGE = _TAG + "merge"
_STR = _TAG + "str"
_PLAIN_CONTENT = "content is plain text, lists and key: value pairs"


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _pos(node: yaml.Node, line_offset: int) -> Position:
    return node.start_mark.line + 1 + line_offset, node.start_mark.column + 1


def _field(at: PathKey) -> str | None:
    return ".".join(str(part) for part in at) or None


class _Builder:
    """Plain values from composed nodes, positions noted, limits kept.

    PyYAML's own constructor is used only for single scalars: it would build anything a tag
    asks for, recurse without limit, and expand every alias again each time it is used (a
    "billion laughs" file is a few lines long). Here each value built counts against
    MAX_YAML_VALUES, aliases included, so such a file stops after 100,000 values.
    """

    def __init__(self, located: Located, line_offset: int):
        self.located, self.line_offset = located, line_offset
        self.constructor = _Constructor()
        self.built = 0
        self.seen: set[int] = set()  # nodes built once: meeting one again is an alias
        self.aliased = False
        self.open: set[int] = set()  # sections and lists being built: met again, a loop

    def build(self, node: yaml.Node, at: PathKey) -> Any:
        self._count(node, at)
        if node.tag not in _PLAIN_TAGS:
            raise _Refused(
                node,
                f"the tag '{_shown_tag(node.tag)}' is not allowed in content files",
                f"remove the tag (the text starting with '!'); {_PLAIN_CONTENT}",
                _field(at),
            )
        self.located.values[at] = _pos(node, self.line_offset)
        if isinstance(node, yaml.CollectionNode):
            self.open.add(id(node))
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, at)
                return [self.build(item, (*at, index)) for index, item in enumerate(node.value)]
            finally:
                self.open.discard(id(node))
        value = self._scalar(node)
        if isinstance(value, str):
            passed = control_character(value) or (text_limits(value) if len(value) > 80 else None)
            if passed is not None:
                raise _Refused(node, passed.message, passed.hint, _field(at))
        return value

    def _count(self, node: yaml.Node, at: PathKey) -> None:
        if id(node) in self.open:
            raise _Refused(
                node,
                "this section contains itself, through a '*' alias of its own '&' anchor",
                "replace the '*' alias with the values it should repeat",
                _field(at),
            )
        if id(node) in self.seen:
            self.aliased = True
        elif isinstance(node, yaml.CollectionNode):
            self.seen.add(id(node))
        self.built += 1
        if self.built > MAX_YAML_VALUES:
            through = " once its '*' aliases are expanded" if self.aliased else ""
            raise _Refused(
                node,
                f"the file holds more than {MAX_YAML_VALUES:,} values{through}, over the limit",
                "no content file needs this many: split it, or remove the '&' anchors and "
                "'*' aliases that repeat whole sections",
                _field(at[:1]),
            )
        if len(at) > MAX_YAML_DEPTH:
            raise _Refused(
                node,
                f"sections and lists are nested more than {MAX_YAML_DEPTH} levels deep here",
                "flatten the file: no content field is nested this deeply",
                _field(at[:1]),
            )

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag == _STR:
            return node.value  # what the constructor would give, in a tenth of the time
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError):
            # Looks like a date but is not one (2026-13-45): keep the text, so validation can
            # say which field wants a real date.
            return node.value

    def _mapping(self, node: yaml.MappingNode, at: PathKey) -> dict[str, Any]:
        # Merged sections ('<<: *base') first, so the file's own keys replace theirs.
        result: dict[str, Any] = {}
        here = self.located.values[at]
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                for key, value in self._merged(value_node, at).items():
                    result.setdefault(key, value)
        self.located.values[at] = here
        own: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self._key(key_node, at)
            if key in own:
                raise _Refused(
                    key_node,
                    f"the key '{key}' appears twice in the same section",
                    "keep one of them; YAML would silently use only the last",
                    key,
                )
            own.add(key)
            self.located.keys[(*at, key)] = _pos(key_node, self.line_offset)
            result[key] = self.build(value_node, (*at, key))
        return result

    def _merged(self, node: yaml.Node, at: PathKey) -> dict[str, Any]:
        """What '<<:' brings in: one section, or a list of them (the first one wins)."""
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[str, Any] = {}
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                raise _Refused(
                    source,
                    "'<<:' merges a section into this one, but what follows it is not a section",
                    "after '<<:' put an alias of a section ('<<: *defaults', where "
                    "'defaults: &defaults' holds 'key: value' lines), or remove the '<<:' line",
                    _field(at),
                )
            for key, value in self.build(source, at).items():
                merged.setdefault(key, value)
        return merged

    def _key(self, node: yaml.Node, at: PathKey) -> str:
        scalar = isinstance(node, yaml.ScalarNode)
        if node.tag not in (_SCALAR_TAGS if scalar else _PLAIN_TAGS):
            shown = f" '{node.value}'" if scalar else ""
            raise _Refused(
                node,
                f"the key{shown} has the tag '{_shown_tag(node.tag)}'; keys cannot have tags",
                f"remove the tag (the text starting with '!') before the key; {_PLAIN_CONTENT}",
                _field(at),
            )
        if not scalar:
            raise _Refused(
                node,
                "a key here is a list or a section; a key must be a plain name",
                "write the field name followed by ':' (a line starting with '?' or a key in "
                "'[ ]' or '{ }' makes a complex key)",
                _field(at),
            )
        key = self._scalar(node)
        if isinstance(key, str) and control_character(key):
            raise _Refused(
                node,
                f"the key {key!r} holds an invisible control character",
                "retype the key",
                _field(at),
            )
        return key if isinstance(key, str) else str(key)


def _character_error(
    exc: yaml.reader.ReaderError, text: str, path: Path, line_offset: int
) -> SourceError:
    """A character YAML files cannot hold (a control character pasted from another program),
    at its line and column."""
    before = text[: exc.position]
    line = before.count("\n") + 1 + line_offset
    column = exc.position - (before.rfind("\n") + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or " ")
    return SourceError(
        path,
        f"this file has a character that YAML files cannot hold (U+{code:04X}, an invisible "
        "control character)",
        line=line,
        column=column,
        hint="delete it: retype the text around it (it often comes with text pasted from "
        "another program)",
    )


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
