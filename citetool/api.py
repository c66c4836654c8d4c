"""citetool from Python: open a records folder, select records, render, export and import them.

    import citetool.api as citetool

    records = citetool.open("records")
    print(records.cite(["115325"], style="chicago-note", page="5"))
    chosen = records.select(citetool.Query(type="telegram", since="1960"))
    records.export(citetool.Query(all=True), style="biblatex", output="refs.bib")
    for done in records.import_files(["refs.ris"]):
        print(done.label, done.error or done.path)

Every function raises `citetool.errors.CitetoolError` (path, field, reason) for bad input;
the command line is a thin layer over this module.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import project, store
from .errors import CitetoolError, UsageError, close_matches
from .formats import DEFAULT_KEY, DEFAULT_STYLE, KEYS, STYLES, Style
from .formats import get as get_style

if TYPE_CHECKING:
    from .cache import Cache
    from .model import Record

__all__ = ["DEFAULT_STYLE", "KEYS", "SORTS", "STYLES", "CitetoolError", "Imported", "Query",
           "Records", "Selection", "Validation", "choose_style", "csl_style", "csl_styles",
           "open", "render", "validate"]

SORTS = ("id", "date", "author", "title")
# progress(total) -> a context manager giving an update(n) callable, or None
Progress = Callable[[int], contextlib.AbstractContextManager[Callable[[int], Any] | None]]


def _no_progress(total: int) -> contextlib.AbstractContextManager[None]:
    del total
    return contextlib.nullcontext(None)


@dataclass(frozen=True)
class Query:
    """Which records to take: ids (each once), or all of them, narrowed by filters."""

    ids: Sequence[str] = ()
    all: bool = False
    type: str | None = None
    language: str | None = None
    since: str | None = None  # YYYY[-MM[-DD]]
    until: str | None = None
    author: str | None = None  # text in an author's name, any case
    text: str | None = None  # text in the title, summary, call number or names, any case

    def _bounds(self) -> tuple[list[int] | None, list[int] | None]:
        out = []
        for name, value in (("since", self.since), ("until", self.until)):
            if value is None:
                out.append(None)
                continue
            # the model (pydantic) only when a date is given: an export of every record
            # starts its workers sooner without it
            from .model import parse_point

            try:
                point = parse_point(value)
            except ValueError as exc:
                raise UsageError(None, f"--{name}: {exc}") from None
            out.append([point[k] for k in ("year", "month", "day") if k in point])
        return out[0], out[1]

    def check(self) -> None:
        """Refuse filter values that can match nothing, with a suggestion."""
        if self.type is not None or self.language is not None:
            self._check_terms()
        self._bounds()

    def _check_terms(self) -> None:
        """Refuse a type or language no record can have (the model knows which)."""
        from .model import DOCUMENT_TYPES, LANGUAGE_PATTERN

        if self.type is not None and self.type not in DOCUMENT_TYPES:
            close = close_matches(self.type, DOCUMENT_TYPES, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise UsageError(None, f"--type: unknown document type {self.type!r}; {hint}"
                             f"choose from {', '.join(DOCUMENT_TYPES)}")
        if self.language is not None and not LANGUAGE_PATTERN.match(self.language):
            from .importers.common import language_code

            code = language_code(self.language)
            hint = f" (did you mean {code!r}?)" if code else ""
            raise UsageError(None, f"--language: {self.language!r} is not a language code "
                             f"such as 'en' or 'ru', as records write it{hint}")

    @property
    def filters_records(self) -> bool:
        """Whether a filter other than the text search needs each record's data."""
        return any((self.type, self.language, self.since, self.until, self.author))

    def matches(self, record: Any) -> bool:
        """Whether a record passes the filters other than the text search."""
        if self.type and record.type != self.type:
            return False
        if self.language and record.language != self.language:
            return False
        since, until = self._bounds()
        if since or until:
            if record.date is None:
                return False
            start = record.date.parts()
            end = record.date.until.parts() if record.date.until else start
            if since and end[: len(since)] < since:
                return False
            if until and start[: len(until)] > until:
                return False
        if self.author:
            needle = self.author.casefold()
            if not any(needle in a.reading().casefold() for a in record.authors):
                return False
        return True


@dataclass
class Selection:
    """What a query found: (id, value) pairs sorted as asked, and the records it could not read."""

    items: list[tuple[str, Any]]
    problems: list[CitetoolError] = field(default_factory=list)

    def check(self, skip_invalid: bool = False) -> None:
        """Raise if a record could not be read (unless skipped) or nothing was selected."""
        if self.problems and not skip_invalid:
            raise CitetoolError(None, f"{len(self.problems)} record(s) could not be read; "
                                "nothing written")


@dataclass
class Imported:
    """One entry of an import: the record (written to `path`, or as YAML `text` on a dry run),
    or the error that stopped it; `kept_in_notes` names fields with no place in the model."""

    label: str
    record: Record | None = None
    error: CitetoolError | None = None
    kept_in_notes: list[str] = field(default_factory=list)
    path: Path | None = None
    text: str | None = None


@dataclass
class Validation:
    """What `validate` found: how many records it checked and the problems, one each."""

    total: int
    problems: list[CitetoolError] = field(default_factory=list)


def validate(targets: Sequence[str] = (), folder: str | os.PathLike[str] | None = None,
             cache: bool = True, progress: Progress = _no_progress,
             found: project.Project | None = None) -> Validation:
    """Validate records given by id or path, or every record of the folder (which is only
    looked for when an id or nothing is given); a folder with no records is an error."""
    from . import batch
    from .cache import Cache

    paths, problems = project.record_files(targets, lambda: found or project.find(folder))
    total = len(targets) or len(paths) + len(problems)
    with progress(len(paths)) as bar:
        for loaded in batch.load(paths, None, Cache.open(enabled=cache), progress=bar):
            if loaded.error is not None:
                problems.append(loaded.error)
    return Validation(total, problems)


class Records:
    """A records folder, with the cache of its validated records and rendered pieces."""

    def __init__(self, folder: str | os.PathLike[str] | None = None, cache: bool = True,
                 found: project.Project | None = None) -> None:
        self.project = found or project.find(folder)
        self.folder = self.project.folder
        self.use_cache = cache
        self._cache: Cache | None = None
        self._cache_opened = False

    def __repr__(self) -> str:
        return f"Records({str(self.folder)!r})"

    def __enter__(self) -> Records:
        """The records, for a `with` block that closes the cache at its end."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the cache."""
        self.close()

    def close(self) -> None:
        """Close the cache (it opens again if used after). `with api.open() as records:`
        closes it at the end of the block; otherwise it closes when the process ends."""
        if self._cache is not None:
            self._cache.close()
        self._cache = None
        self._cache_opened = False

    @property
    def cache(self) -> Cache | None:
        """The open cache, or None when it is off or cannot be opened."""
        if not self._cache_opened:
            from .cache import Cache

            self._cache = Cache.open(enabled=self.use_cache)
            self._cache_opened = True
        return self._cache

    def ids(self) -> list[str]:
        """Every record id in the folder, sorted."""
        return list(store.all_ids(self.folder))

    def path(self, record_id: str) -> Path:
        """The file of a record (it must exist and stay inside the folder)."""
        return self.project.path_for(record_id)

    def get(self, record_id: str) -> Record:
        """One record, read and validated."""
        return self.project.load(record_id)

    def style(self, name: Style | str | None = None) -> Style | str:
        """The style asked for, else the project's default, else chicago-note."""
        return name or self.project.style or DEFAULT_STYLE

    def csl(self, style: Style | str | None, csl: str | None) -> str | None:
        """The CSL style asked for, else the project's default CSL style when no fixed style
        is asked for either."""
        if csl is None and style is None:
            return self.project.csl
        return csl

    def key(self, name: str | None = None) -> str:
        """The citation key asked for, else the project's default, else the record id."""
        key = name or self.project.key or DEFAULT_KEY
        _check_key(key)
        return key

    # --- selection ------------------------------------------------------------------------

    def _paths(self, query: Query) -> tuple[list[Any], list[CitetoolError]]:
        chosen = list(dict.fromkeys(query.ids))  # a bibliography lists each record once
        if not chosen:
            if not (query.all or query.filters_records or query.text):
                raise UsageError(None, "give record ids, '-' to read them from stdin, or --all")
            refused: list[CitetoolError] = []  # links outside, refused as `cite` does
            return store.all_files(self.folder, refused), refused
        paths, problems = [], []
        for rid in chosen:
            try:
                paths.append(self.path(rid))
            except CitetoolError as exc:
                problems.append(exc)
        return paths, problems

    def entries(self, query: Query, style: Style | str | None = None, listing: bool = False,
                sort: str = "id", progress: Progress = _no_progress,
                label: str = "reading") -> Selection:
        """(id, piece of the style, or the listing row) of every selected record.

        Entries come from the cache where fresh; only what the query needs is looked at, so a
        text search over many records reads no YAML and builds no record.
        """
        from . import batch

        query.check()
        chosen = get_style(style) if isinstance(style, str) else style
        if sort not in SORTS:
            raise UsageError(None, f"unknown sort {sort!r}; choose from {', '.join(SORTS)}")
        paths, problems = self._paths(query)
        needle = query.text.casefold() if query.text else None
        wants_row = listing or sort != "id"
        kept: list[tuple[str, Any, Any]] = []
        with progress(len(paths)) as bar:
            for loaded in batch.load(paths, chosen, self.cache, progress=bar,
                                     data=query.filters_records, search=needle is not None,
                                     listing=wants_row, needle=needle):
                entry = loaded.entry
                if loaded.error is not None:
                    problems.append(loaded.error)
                elif needle is not None and needle not in entry.search:  # type: ignore[union-attr]
                    continue
                elif query.filters_records and not query.matches(loaded.record()):
                    continue
                else:
                    row = entry.listing if wants_row else None  # type: ignore[union-attr]
                    value = entry.piece(chosen.name) if chosen else row  # type: ignore[union-attr]
                    kept.append((loaded.id, value, row))
        kept.sort(key=_sort_key(sort))
        return Selection([(rid, value) for rid, value, _ in kept], problems)

    def select(self, query: Query | None = None, skip_invalid: bool = False) -> list[Record]:
        """The selected records, validated, sorted by id."""
        query = query or Query(all=True)
        selection = self.entries(query)
        selection.check(skip_invalid)
        return [self.get(rid) for rid, _ in selection.items]

    # --- output ---------------------------------------------------------------------------

    def cite(self, ids: Iterable[str], style: Style | str | None = None,
             page: str | None = None, key: str | None = None, csl: str | None = None,
             form: str = "first", markup: str = "text") -> str:
        """Citations of the records, in the order given (each as often as given): in a fixed
        style (the project's default, else chicago-note), or in a CSL style (`csl`: a
        repository id or a .csl path) as a `form` of first or subsequent citation or
        bibliography entry, in text, html or markdown. The key defaults to the project's,
        else the record id."""
        from . import batch

        csl = self.csl(style, csl)
        chosen = choose_style(self.style(style) if csl is None else style, csl, form, markup)
        key = self.key(key)
        if page is not None and not chosen.pinpoint:
            if csl is not None:
                raise UsageError(None, "--page: a bibliography entry cannot show a page "
                                 "(use --form first or subsequent)")
            raise UsageError(None, f"--page: the {chosen.name} style cannot show a page "
                             "(use chicago-note or chicago-short)")
        ids = list(ids)
        if page is None and getattr(chosen, "cite_from_cache", False):
            return self._cite_cached(ids, chosen)
        records = [batch.one(self.path(i), self.cache) for i in ids]
        return render(records, chosen, page, key)

    def _cite_cached(self, ids: list[str], style: Style) -> str:
        """Citations in a CSL style from the cache of pieces, as `export` gets them: citing a
        record again in the same style does not start the engine."""
        from . import batch

        # a missing or malformed id fails here, named, as without a cache
        paths = list(dict.fromkeys(self.path(i) for i in ids))
        pieces = {}
        for loaded in batch.load(paths, style, self.cache):
            if loaded.error is not None:
                raise loaded.error
            pieces[loaded.id] = loaded.entry.piece(style.name)  # type: ignore[union-attr]
        return style.join([pieces[i] for i in ids])

    def export(self, query: Query, style: Style | str | None = None,
               output: str | os.PathLike[str] | None = None, force: bool = False,
               skip_invalid: bool = False, key: str | None = None, sort: str = "id",
               progress: Progress = _no_progress,
               on_problem: Callable[[CitetoolError], Any] | None = None,
               csl: str | None = None, markup: str = "text") -> str | None:
        """A bibliography of the selected records (in a fixed style, or in the CSL style
        `csl`, sorted as it sorts): written to `output` atomically (refusing to overwrite
        without `force`) and None returned, or returned as text."""
        from . import fsio

        csl = self.csl(style, csl)
        chosen = choose_style(self.style(style) if csl is None else style, csl, "entry", markup)
        if output is not None:
            fsio.check_writable(Path(output), force)  # fails early: exists, no --force
        chunks = self.export_chunks(query, chosen, skip_invalid, key, sort, progress,
                                    on_problem)
        if output is None:
            return "".join(chunks)
        fsio.write_atomic(Path(output), chunks, force=force)
        return None

    def export_chunks(self, query: Query, style: Style, skip_invalid: bool = False,
                      key: str | None = None, sort: str = "id", progress: Progress = _no_progress,
                      on_problem: Callable[[CitetoolError], Any] | None = None
                      ) -> Iterator[str]:
        """The export's text in chunks (a big bibliography is never one string)."""
        key = self.key(key)
        check = getattr(style, "check_bibliography", None)
        if check is not None:
            check()  # a CSL style without a bibliography
        selection = self.entries(query, style, sort=sort, progress=progress,
                                 label="exporting")
        for problem in selection.problems:
            if on_problem is not None:
                on_problem(problem)
        selection.check(skip_invalid)
        if not selection.items:
            raise CitetoolError(None, "no records match; nothing written")
        pieces = [piece for _, piece in selection.items]
        del selection
        return itertools.chain(style.stream(pieces, export=True, key=key), ["\n"])

    # --- import ---------------------------------------------------------------------------

    def import_files(self, sources: Iterable[str | os.PathLike[str]], fmt: str | None = None,
                     force: bool = False, dry_run: bool = False,
                     progress: Progress = _no_progress) -> Iterator[Imported]:
        """Import files, '-' (stdin) or http(s) URLs of archive pages into validated records,
        written into this project (atomically, under its lock) unless `dry_run`; an existing
        record is kept unless `force`. A batch goes on past a bad entry; an id seen twice in
        one call is imported once, and the second entry is reported."""
        from . import importers

        folder = self.folder if dry_run else self.project.writable()
        args = [str(s) for s in sources]
        if fmt is not None and fmt not in importers.IMPORTERS:
            raise UsageError(None, f"unknown import format {fmt!r}")
        seen: dict[str, str] = {}
        with progress(len(args)) as bar:
            for label, outcomes in importers.load_many(args, fmt):
                for outcome in outcomes:
                    yield self._one_import(label, outcome, folder, seen, force, dry_run)
                if bar is not None:
                    bar(1)

    def _one_import(self, label: str, outcome: Any, folder: Path, seen: dict[str, str],
                    force: bool, dry_run: bool) -> Imported:
        from . import fsio

        where = f"{label}#{(outcome.raw or {}).get('id', '?')}"
        if outcome.error is not None:
            return Imported(where, error=outcome.error)
        try:
            record = store.validate(outcome.raw, where)
            if record.id in seen:
                raise CitetoolError(where, f"id {record.id!r} is already in this batch "
                                    f"({seen[record.id]}); skipped", "id")
            seen[record.id] = where
            done = Imported(where, record, kept_in_notes=outcome.kept_in_notes,
                            text=store.to_yaml(record))
            if not dry_run:
                done.path = folder / f"{record.id}.yaml"
                with fsio.locked(folder):
                    fsio.write_atomic(done.path, done.text or "", force=force)
                    store.ensure_schema(folder)
            return done
        except CitetoolError as exc:
            return Imported(where, error=exc)


def open(folder: str | os.PathLike[str] | None = None, cache: bool = True) -> Records:  # noqa: A001
    """A records folder: `folder`, else $CITETOOL_RECORDS, else the nearest records/ folder or
    citetool.toml from the current folder upward, else the bundled sample records."""
    return Records(folder, cache)


def render(records: Sequence[Any], style: Style | str = DEFAULT_STYLE, page: str | None = None,
           key: str = "id") -> str:
    """Records (validated or plain) rendered in a style, in the order given, as `cite` does."""
    chosen = get_style(style) if isinstance(style, str) else style
    _check_key(key)
    return chosen.render(records, page, key)


def csl_style(name: str, form: str = "first", markup: str = "text") -> Style:
    """A CSL style: a repository id (`apa`, `modern-language-association`; dependent styles
    resolved to their parent) or the path of a .csl file, in a form ("first" or "subsequent"
    citation, or bibliography "entry") and a markup ("text", "html" or "markdown")."""
    from . import csl

    return csl.style(name, form, markup)


def csl_styles(query: str | None = None) -> list[tuple[str, str]]:
    """(id, title) of the repository's CSL styles whose id or title holds every word of the
    query (any case); all of them without one."""
    from . import csl

    return csl.catalogue(query)


def choose_style(style: Style | str | None = None, csl: str | None = None,
                 form: str = "first", markup: str = "text") -> Style:
    """The style asked for: a fixed style (name or object) or a CSL style, never both."""
    if csl is not None:
        if style is not None:
            raise UsageError(None, "give a fixed --style or a --csl style, not both")
        return csl_style(csl, form, markup)
    if markup != "text" or form not in ("first", "entry"):
        raise UsageError(None, "--form and --markup go with --csl (the fixed styles have "
                         "their own forms and markup)")
    if style is None:
        return get_style(DEFAULT_STYLE)
    return get_style(style) if isinstance(style, str) else style


def _check_key(key: str) -> None:
    if key not in KEYS:
        raise UsageError(None, f"unknown key {key!r}; choose from {', '.join(KEYS)}")


def _sort_key(sort: str) -> Callable[[tuple[str, Any, Any]], Any]:
    """How `export` and `list` order records: by id, or by date, first author or title (then
    id); undated records last when sorted by date."""
    from .plain import collate

    if sort == "id":
        return lambda item: item[0]
    column = {"date": 1, "title": 3, "author": 4}[sort]
    if sort == "date":
        return lambda item: (item[2][1] == "", item[2][1], item[0])
    return lambda item: (collate(item[2][column]), item[0])
