"""What incremental builds remember: which inputs made each output, so unchanged work is skipped.

Two memories, each keyed by content hashes so a stale entry can never be used by mistake:

* :class:`SourceCache`: each content file's parsed document and validated model, by the
  SHA-256 of its bytes (and, to avoid even reading an untouched file, by its size, times and
  inode). Kept in memory by ``serve`` and kept in ``.cache/`` (store.py) for ``build``.
* :class:`Fingerprinter` and :class:`TemplateIndex`: a page's *fingerprint* is a hash of
  everything its rendering can see: the template and every template it extends, includes or
  imports (followed with ``jinja2.meta``), the values of exactly the context variables those
  templates name, and the photos its ``picture()`` calls used last time. Same fingerprint, same
  bytes: the page is not rendered again. A content item enters a fingerprint as the hash of its
  file, because its fields are a pure function of those bytes.
* What each output was made from and the nothing-changed stamp are in ``records.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta
from pydantic import BaseModel

from . import store
from .content import Entry, Sources
from .discovery import content_files, missing_gallery_file
from .errors import SourceError
from .hashes import FileHashes
from .kinds import GALLERY, SITE
from .loader import FrontMatterDocument, Located

SOURCES_FILE = "sources.kept"

Document = Located | FrontMatterDocument | SourceError


# --- parsed and validated content -------------------------------------------------------------


@dataclass
class SourceCache:
    """Parsed documents and validated models of content files, by the hash of their bytes."""

    version: str = ""
    hashes: FileHashes = field(default_factory=FileHashes)  # of every content file seen
    documents: dict[tuple[str, str], Document] = field(default_factory=dict)
    checked: dict[tuple[str, str, str], tuple[Any, list[SourceError]]] = field(default_factory=dict)
    _located: dict[int, tuple[str, str]] = field(default_factory=dict, repr=False)
    changed: bool = False  # since loaded or saved: worth saving again
    # template source hash -> (context variables it names, templates it refers to)
    templates: dict[bytes, tuple[frozenset[str], tuple[str, ...] | None]] = field(
        default_factory=dict
    )

    def digest(self, path: Path, trust: bool = False) -> str | None:
        """SHA-256 of a file's bytes, read only if its stat signature changed. ``trust``: the
        caller knows the file is unchanged since it was last seen (serve's watcher): no stat."""
        try:
            return self.hashes.digest(path, trust=trust)
        except OSError:
            return None

    def document(
        self, path: Path, reader: Callable[[Path], Document], trust: bool = False
    ) -> tuple[Document, str]:
        digest = self.digest(path, trust) or "unreadable"
        key = (str(path), digest)
        document = self.documents.get(key)
        if document is None or digest == "unreadable":
            document = reader(path)
            self.documents[key] = document
            self.changed = True
        located = document.meta if isinstance(document, FrontMatterDocument) else document
        if isinstance(located, Located):
            self._located[id(located)] = key
        return document, digest

    def check(
        self, model: type[Any], located: Located, checker: Callable[..., Any]
    ) -> tuple[Any, list[SourceError]]:
        """``checker(model, located)``, remembered for documents this cache gave out."""
        origin = self._located.get(id(located))
        if origin is None:
            return checker(model, located)
        key = (model.__name__, *origin)
        if key not in self.checked:
            self.checked[key] = checker(model, located)
            self.changed = True
        return self.checked[key]

    def forget_unused(self, used: Iterable[tuple[str, str]]) -> None:
        """Drop entries of files that changed or went, so the cache stays the site's size."""
        keep = set(used)
        if len(keep) != len(self.documents):
            self.changed = True
        stale = self.documents.keys() - keep  # after a save under serve, one file's old parse
        for key in stale:
            self._located.pop(id(self._located_of(self.documents.pop(key))), None)
        if stale:
            self.checked = {k: v for k, v in self.checked.items() if (k[1], k[2]) not in stale}
        self.hashes.keep_only({path for path, _ in keep})

    @staticmethod
    def _located_of(document: Document) -> object:
        return document.meta if isinstance(document, FrontMatterDocument) else document

    @classmethod
    def load(cls, folder: Path, version: str) -> SourceCache:
        cache = store.kept(folder / SOURCES_FILE, "parsed content", version)
        if not isinstance(cache, cls) or cache.version != version:
            return cls(version=version)
        cache._located, cache.changed = {}, False
        return cache

    def save(self, folder: Path) -> None:
        self._located, located = {}, self._located
        try:
            store.keep(folder / SOURCES_FILE, "parsed content", self.version, self)
        finally:
            self._located = located
        self.changed = False


def load_documents_cached(
    sources: Sources,
    cache: SourceCache,
    changed: frozenset[str] | None = None,
    last: tuple[dict[Path, Document], dict[Path, str]] | None = None,
) -> tuple[dict[Path, Document], dict[Path, str]]:
    """As discovery.load_documents, reusing the parse of every file whose bytes are unchanged.

    ``changed``: when known (serve's watcher), the only files that may differ from when they
    were last read; the others are not even looked at. ``last``: what this returned for the
    same listing of files, kept but for the changed files. Returns the documents and the
    content hash of each file (the fingerprints' raw material).
    """
    if changed is not None and last is not None:
        return _read_again(sources, cache, changed, last)
    documents: dict[Path, Document] = {}
    digests: dict[Path, str] = {}
    for kind, path in content_files(sources):
        if kind is SITE and not path.is_file():
            continue  # validation says what to create
        if kind is GALLERY and not path.is_file():
            documents[path] = missing_gallery_file(path)
            continue
        trust = changed is not None and str(path) not in changed
        documents[path], digests[path] = cache.document(path, kind.read, trust)
    cache.forget_unused((str(path), digest) for path, digest in digests.items())
    return documents, digests


def _read_again(
    sources: Sources,
    cache: SourceCache,
    changed: frozenset[str],
    last: tuple[dict[Path, Document], dict[Path, str]],
) -> tuple[dict[Path, Document], dict[Path, str]]:
    documents, digests = dict(last[0]), dict(last[1])
    for name in changed:
        path = Path(name)
        kind = sources.kind_of(path) if path in documents else None  # not a photo or media
        if kind is not None:
            documents[path], digests[path] = cache.document(path, kind.read)
    cache.forget_unused((str(path), digest) for path, digest in digests.items())
    return documents, digests


# --- fingerprints of what a page can see -------------------------------------------------------


class Unknowable(Exception):
    """A value we cannot hash faithfully (a function, say): the page is always rendered."""


@dataclass
class LastingHashes:
    """Hashes kept from build to build (serve) for values of ``kinds``, which stay the very
    same object only while what they are made from is unchanged: the entry of a file whose
    bytes are the same, the plan views while no plan file changed. The list of 1,000
    technicians then hashes one new entry, not 1,000. Each value is kept alive with its hash,
    so an ``id()`` is never reused for another."""

    kinds: tuple[type, ...]
    known: dict[int, tuple[object, bytes]] = field(default_factory=dict)


class Fingerprinter:
    """Stable hashes of context values; each object hashed once per build.

    Objects are kept alive in the memo, so an ``id()`` is never reused within one build.
    """

    def __init__(self, file_digests: Mapping[Path, str], lasting: LastingHashes | None = None):
        self._files = file_digests
        self._memo: dict[int, tuple[object, bytes]] = {}
        self._layouts: dict[tuple[object, ...], tuple[list[tuple[str, bytes]], bytes]] = {}
        self._lasting = lasting

    def of(self, value: object) -> bytes:
        key = id(value)
        hit = self._memo.get(key)
        if hit is not None:
            return hit[1]
        kind = type(value)
        lasting = (
            self._lasting if self._lasting is not None and kind in self._lasting.kinds else None
        )
        if lasting is not None:
            kept = lasting.known.get(key)
            if kept is not None and kept[0] is value:
                self._memo[key] = kept
                return kept[1]
        if type(value) is str:  # most values: skip the general description
            description = b"str:" + value.encode("utf-8", "surrogatepass")
        elif (kind is list or kind is tuple) and not value:  # a profile's news, often
            description = kind.__name__.encode() + b"["
        elif type(value) is Entry and value.path in self._files:
            description = self._entry(value)
        else:
            description = self._describe(value)
        digest = hashlib.blake2b(description, digest_size=16).digest()
        self._memo[key] = (value, digest)
        if lasting is not None:
            lasting.known[key] = (value, digest)
        return digest

    def layout(
        self, facts: TemplateFacts, shared: Mapping[str, Any] | None, own: Mapping[str, Any]
    ) -> tuple[list[tuple[str, bytes]], bytes]:
        """For a kind of page (its template and the names in its own context): the names of
        its own values the template can see, in a fixed order and each with its prefix in the
        hash, and the hash of the ``shared`` values it uses that ``own`` does not override.
        Worked out once per kind of page, not once per page."""
        key = (facts.digest, facts.names, id(shared), tuple(own))
        found = self._layouts.get(key)
        if found is None:
            visible = own.keys() if facts.names is None else facts.names & own.keys()
            names = [(name, name.encode() + b"\0") for name in sorted(visible)]
            digest = hashlib.blake2b(b"shared", digest_size=16)
            if shared:
                used = shared.keys() - own.keys()
                for name in sorted(used if facts.names is None else facts.names & used):
                    digest.update(name.encode() + b"\0" + self.of(shared[name]))
            found = self._layouts[key] = (names, digest.digest() if shared else b"")
        return found

    def _entry(self, entry: Entry[Any]) -> bytes:
        # Fields and body are a pure function of the file's bytes (see SourceCache.check).
        meta = type(entry.meta).__name__
        return f"entry:{meta}:{entry.id}:{entry.path}:{self._files[entry.path]}".encode()

    def _describe(self, value: object) -> bytes:
        kind = type(value)
        if value is None or kind in (bool, int, float, str, bytes, dt.date, dt.datetime, dt.time):
            return f"{kind.__name__}:{value!r}".encode()
        if isinstance(value, str | Path | enum.Enum):  # Markup and friends
            return f"{kind.__name__}:{value!r}".encode()
        if isinstance(value, Entry) and value.path in self._files:
            return self._entry(value)
        if isinstance(value, list | tuple):
            return kind.__name__.encode() + b"[" + b"".join(self.of(v) for v in value)
        if isinstance(value, dict):
            parts = [self.of(k) + self.of(v) for k, v in value.items()]
            return b"dict{" + b"".join(parts)
        if isinstance(value, set | frozenset):
            return b"set{" + b"".join(sorted(self.of(v) for v in value))
        if isinstance(value, BaseModel):
            names = [*type(value).model_fields, *(value.model_extra or {})]
            parts = [name.encode() + self.of(getattr(value, name)) for name in names]
            return f"model:{kind.__qualname__}(".encode() + b"".join(parts)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            compared = _compared_fields(type(value))
            parts = [name.encode() + self.of(getattr(value, name)) for name in compared]
            return f"dc:{kind.__qualname__}(".encode() + b"".join(parts)
        raise Unknowable(kind.__qualname__)


@functools.cache
def _compared_fields(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(kind) if f.compare)


@dataclass(frozen=True)
class TemplateFacts:
    digest: bytes  # the sources of the template and everything it pulls in, as resolved
    names: frozenset[str] | None  # context variables they use; None: cannot tell, all of them
    files: tuple[str, ...]  # the template files, for reporting


class TemplateIndex:
    """Which files and context variables a template depends on, following extends, include
    and import through the theme chain (a site theme's file shadows the default's)."""

    def __init__(
        self,
        env: jinja2.Environment,
        known: dict[bytes, tuple[frozenset[str], tuple[str, ...] | None]] | None = None,
    ):
        self._env = env
        # Analysing a template compiles it (0.1 s each): remembered by source hash.
        self._known = known if known is not None else {}
        self._own: dict[str, tuple[bytes, frozenset[str], tuple[str, ...] | None, str]] = {}
        self._facts: dict[str, TemplateFacts] = {}

    def rebind(self, env: jinja2.Environment) -> TemplateIndex:
        """The facts found so far, for a new environment over the very same template files
        (serve: a save that changed no template reads none of them again)."""
        self._env = env
        return self

    def facts(self, name: str) -> TemplateFacts:
        if name not in self._facts:
            self._facts[name] = self._closure(name)
        return self._facts[name]

    def _closure(self, name: str) -> TemplateFacts:
        seen: dict[str, tuple[bytes, frozenset[str], tuple[str, ...] | None, str]] = {}
        todo = [name]
        unknown_reference = False
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen[current] = self._analyse(current)
            referenced = seen[current][2]
            if referenced is None:
                unknown_reference = True
            else:
                todo.extend(referenced)
        if unknown_reference:  # a template name computed at render time: depend on all
            for other in self._env.list_templates():
                if other not in seen:
                    seen[other] = self._analyse(other)
        digest = hashlib.blake2b(digest_size=16)
        names: set[str] = set()
        for key in sorted(seen):
            source_digest, used, _, filename = seen[key]
            digest.update(key.encode() + b"\0" + filename.encode() + b"\0" + source_digest)
            names |= used
        return TemplateFacts(
            digest.digest(),
            None if unknown_reference else frozenset(names),
            tuple(seen[k][3] for k in sorted(seen)),
        )

    def _analyse(self, name: str) -> tuple[bytes, frozenset[str], tuple[str, ...] | None, str]:
        if name not in self._own:
            assert self._env.loader is not None
            source, filename, _ = self._env.loader.get_source(self._env, name)
            digest = hashlib.blake2b(source.encode(), digest_size=16).digest()
            if digest not in self._known:
                ast = self._tree(name, source)
                references = list(jinja2.meta.find_referenced_templates(ast))
                referenced = None if None in references else tuple(str(r) for r in references)
                names = frozenset(jinja2.meta.find_undeclared_variables(ast))
                self._known[digest] = (names, referenced)
            names, referenced = self._known[digest]
            self._own[name] = (digest, names, referenced, filename or name)
        return self._own[name]

    def _tree(self, name: str, source: str) -> jinja2.nodes.Template:
        # A template analysed is about to be rendered: the environment compiles it now and
        # hands over the tree it parsed (render.ThemeEnvironment), else it is parsed here.
        take_tree = getattr(self._env, "take_tree", None)
        tree = take_tree(name, source) if take_tree is not None else None
        return tree if tree is not None else self._env.parse(source)


def page_fingerprint(
    facts: TemplateFacts,
    context: Mapping[str, Any],
    values: Fingerprinter,
    shared: Mapping[str, Any] | None = None,
) -> str | None:
    """Hash of a page's render inputs, or None when one of them cannot be hashed.

    ``shared`` holds the values every page sees (site, navigation, the published content):
    ``context`` overrides them, and their part of the hash is worked out once per template.
    """
    digest = hashlib.blake2b(facts.digest, digest_size=16)
    try:
        names, shared_part = values.layout(facts, shared, context)
        digest.update(shared_part)
        for name, prefix in names:
            value = context[name]
            if type(value) is str:  # a title, an address: seen once, so fed in as it is
                text = value.encode("utf-8", "surrogatepass")
                digest.update(prefix + b"str:%d:" % len(text) + text)
            else:
                digest.update(prefix + values.of(value))
    except Unknowable:
        return None
    return digest.hexdigest()
