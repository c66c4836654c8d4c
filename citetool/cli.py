"""The command line: a thin layer over the library that turns errors into messages and codes.

Exit codes: 0 success, 1 bad data (a record, an id, a file), 2 bad usage (click's own).
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from . import __version__, store
from .errors import CitetoolError, UsageError
from .formats import DEFAULT_STYLE, STYLES

if TYPE_CHECKING:
    from .cache import Cache
    from .model import Record

PROGRESS_MIN = 300  # records; smaller batches finish before a bar would help


def _fail(exc: CitetoolError) -> NoReturn:
    """Print one line on stderr and exit 1 (data) or 2 (usage)."""
    click.echo(f"citetool: {exc}", err=True)
    sys.exit(2 if isinstance(exc, UsageError) else 1)


def _complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of record ids from the records folder."""
    try:
        folder = store.records_dir((ctx.find_root().params or {}).get("records"))
        return [i for i in store.all_ids(folder) if i.startswith(incomplete)]
    except CitetoolError:
        return []


STYLE_OPTION = click.option(
    "--style",
    "-s",
    type=click.Choice(list(STYLES)),
    default=DEFAULT_STYLE,
    show_default=True,
    help="Output style.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--records",
    type=click.Path(file_okay=False, path_type=Path),
    help="Records folder (default: $CITETOOL_RECORDS, else the bundled records).",
)
@click.option("--no-cache", is_flag=True,
              help="Read and validate every record; neither use nor fill the cache.")
@click.version_option(__version__, prog_name="citetool")
@click.pass_context
def cli(ctx: click.Context, records: Path | None, no_cache: bool) -> None:
    """Citations and metadata for archival documents, from validated YAML records."""
    ctx.obj = {"records": records, "cache": not no_cache}


def _options() -> dict[str, object]:
    return click.get_current_context().find_root().obj or {"records": None, "cache": True}


def _folder() -> Path:
    return store.records_dir(_options()["records"])  # type: ignore[arg-type]


def _cache() -> Cache | None:
    from .cache import Cache

    return Cache.open(enabled=bool(_options()["cache"]))


def _progress(total: int, label: str) -> Any:
    """A progress bar on stderr for big batches at a terminal; nothing when piped."""
    import contextlib

    if total < PROGRESS_MIN or not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    return click.progressbar(length=total, label=label, file=sys.stderr)


def _one_line(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A text option's value, stripped; empty or several lines is a usage error."""
    if value is None:
        return None
    value = value.strip()
    if not value or not value.isprintable():
        raise click.BadParameter("must be one line of printable text, not empty")
    return value


@cli.command()
@click.argument("ids", nargs=-1, required=True, shell_complete=_complete_ids)
@STYLE_OPTION
@click.option("--page", "-p", callback=_one_line,
              help="Pinpoint page(s) for notes, e.g. 5 or 5-7.")
def cite(ids: tuple[str, ...], style: str, page: str | None) -> None:
    """Print citations of the records ID... in the order given."""
    from . import batch, formats

    try:
        folder = _folder()
        chosen = formats.get(style)
        cache = _cache()
        records = [batch.one(store.path_for(folder, i), cache) for i in ids]
        text = chosen.render(records, page)
    except CitetoolError as exc:
        _fail(exc)
    click.echo(text)


def _is_path(arg: str) -> bool:
    return "/" in arg or arg.endswith(".yaml")


@cli.command()
@click.argument("targets", nargs=-1, shell_complete=_complete_ids)
def validate(targets: tuple[str, ...]) -> None:
    """Validate the given records (ids or paths), or all of them."""
    from . import batch

    bad = 0
    paths: list[Path] = []
    try:
        folder = None if targets and all(_is_path(t) for t in targets) else _folder()
    except CitetoolError as exc:
        _fail(exc)
    if not targets:
        refused: list[CitetoolError] = []
        paths = store.all_files(folder, refused)  # type: ignore[assignment, arg-type]
        for exc in refused:  # a link outside the folder, refused as `cite` refuses it
            bad += 1
            click.echo(str(exc), err=True)
    for target in targets:
        try:
            paths.append(Path(target) if _is_path(target) else store.path_for(folder, target))
        except CitetoolError as exc:
            bad += 1
            click.echo(str(exc), err=True)
    total = len(targets) or len(paths) + bad
    with _progress(len(paths), "validating") as bar:
        for loaded in batch.load(paths, None, _cache(), progress=bar and bar.update):
            if loaded.error is not None:
                bad += 1
                click.echo(str(loaded.error), err=True)
    if bad:
        click.echo(f"citetool: {bad} of {total} records are invalid", err=True)
        sys.exit(1)
    click.echo(f"{total} records valid")


# --- selection and filters shared by export and list ---------------------------------------


def _filters(func: object) -> object:
    for option in reversed(
        [
            click.option("--type", "doc_type", help="Only documents of this type."),
            click.option("--language", help="Only records whose text is in this language."),
            click.option("--since", help="Only documents dated on or after (YYYY[-MM[-DD]])."),
            click.option("--until", help="Only documents dated on or before (YYYY[-MM[-DD]])."),
            click.option("--author", help="Only records with an author matching this text."),
            click.option("--query", "-q", help="Search title, summary, names and call number."),
        ]
    ):
        func = option(func)  # type: ignore[operator]
    return func


def _date_bound(value: str | None, name: str) -> list[int] | None:
    if value is None:
        return None
    from .model import _parse_point

    try:
        point = _parse_point(value)
    except ValueError as exc:
        raise UsageError(None, f"--{name}: {exc}") from None
    return [point[k] for k in ("year", "month", "day") if k in point]


def _matches(record: Record, opts: dict[str, object]) -> bool:
    """Whether a record passes the filters other than --query."""
    from .formats.archive import plain_name

    if opts.get("doc_type") and record.type != opts["doc_type"]:
        return False
    if opts.get("language") and record.language != opts["language"]:
        return False
    since, until = opts.get("since"), opts.get("until")
    if since or until:
        if record.date is None:
            return False
        start = record.date.parts()
        end = record.date.until.parts() if record.date.until else start
        if since and end[: len(since)] < since:  # type: ignore[arg-type]
            return False
        if until and start[: len(until)] > until:  # type: ignore[arg-type]
            return False
    if opts.get("author"):
        needle = str(opts["author"]).casefold()
        if not any(needle in plain_name(a).casefold() for a in record.authors):
            return False
    return True


_RECORD_FILTERS = ("doc_type", "language", "since", "until", "author")


def _select(ids: Iterable[str], all_: bool, opts: dict[str, object], skip_invalid: bool,
            style: Any = None, label: str = "reading", listing: bool = False
            ) -> list[tuple[str, Any]]:
    """(id, piece or listing row) of the chosen records (ids, or all), filtered; report
    problems.

    Entries come from the cache where fresh; only what --query or the other filters need is
    looked at, so a query over many records reads no YAML and builds no record.
    """
    from . import batch

    folder = _folder()
    opts = dict(opts)
    opts["since"] = _date_bound(opts.get("since"), "since")  # type: ignore[arg-type]
    opts["until"] = _date_bound(opts.get("until"), "until")  # type: ignore[arg-type]
    chosen = list(ids)
    if chosen == ["-"]:
        chosen = [rid for line in sys.stdin for rid in line.partition("#")[0].split()]
    chosen = list(dict.fromkeys(chosen))  # a bibliography lists each record once
    by_record = any(opts.get(k) for k in _RECORD_FILTERS)
    paths: list[Any]
    problems: list[CitetoolError] = []
    if not chosen and (all_ or by_record or opts.get("query")):
        paths = store.all_files(folder, problems)
    elif not chosen:
        raise UsageError(None, "give record ids, '-' to read them from stdin, or --all")
    else:
        paths = []
    for rid in chosen:
        try:
            paths.append(store.path_for(folder, rid))
        except CitetoolError as exc:
            problems.append(exc)
    needle = str(opts["query"]).casefold() if opts.get("query") else None
    kept = []
    with _progress(len(paths), label) as bar:
        for loaded in batch.load(paths, style, _cache(), progress=bar and bar.update,
                                 data=by_record, search=needle is not None, listing=listing,
                                 needle=needle):
            if loaded.error is not None:
                problems.append(loaded.error)
            elif needle is not None and needle not in loaded.entry.search:  # type: ignore[union-attr]
                continue
            elif by_record and not _matches(loaded.record(), opts):
                continue
            else:
                entry = loaded.entry
                kept.append((loaded.id, entry.piece(style.name) if style else entry.listing))  # type: ignore[union-attr]
    for exc in problems:
        click.echo(("skipped: " if skip_invalid else "") + str(exc), err=True)
    if problems and not skip_invalid:
        raise CitetoolError(None, f"{len(problems)} record(s) could not be read; nothing written")
    return kept


@cli.command()
@click.argument("ids", nargs=-1, shell_complete=_complete_ids)
@click.option("--all", "all_", is_flag=True, help="Export every record.")
@_filters  # type: ignore[arg-type]
@STYLE_OPTION
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE (atomically) instead of stdout.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--skip-invalid", is_flag=True, help="Skip missing or invalid records.")
def export(ids: tuple[str, ...], all_: bool, style: str, output: Path | None, force: bool,
           skip_invalid: bool, **opts: object) -> None:
    """Write a bibliography of records: ids, '-' for ids on stdin, or --all, with filters."""
    from . import formats, fsio

    try:
        chosen = formats.get(style)
        if output is not None:
            fsio.check_writable(output, force)  # fails early: exists, no --force
        loaded = _select(ids, all_, opts, skip_invalid, chosen, "exporting")
        loaded.sort(key=lambda item: item[0])
        chunks = chosen.stream([piece for _, piece in loaded], export=True)
        del loaded
        if output is None:
            out = sys.stdout
            if out is None:
                raise CitetoolError(None, "standard output is closed; use -o FILE")
            out.writelines(chunks)
            out.write("\n")
            out.flush()
        else:
            fsio.write_atomic(output, itertools.chain(chunks, ["\n"]), force=force)
    except CitetoolError as exc:
        _fail(exc)


@cli.command(name="list")
@_filters  # type: ignore[arg-type]
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def list_(as_json: bool, **opts: object) -> None:
    """List records: id, date, short title and authors."""
    import json

    try:
        loaded = _select((), True, opts, skip_invalid=True, label="listing", listing=True)
    except CitetoolError as exc:
        _fail(exc)
    lines = []
    loaded.sort(key=lambda item: item[0])
    for _, row in loaded:
        rid, iso, shown, short, authors, kind = row
        if as_json:
            row = {"id": rid, "date": iso, "short_title": short, "authors": authors,
                   "type": kind}
            lines.append(json.dumps(row, ensure_ascii=False))
        else:
            lines.append(f"{rid:<10} {shown:<20} {short:<32} {authors}")
    if lines:
        click.echo("\n".join(lines))


@cli.command()
@click.argument("record_id", shell_complete=_complete_ids)
@click.option("--json", "fmt", flag_value="json", help="As JSON.")
@click.option("--yaml", "fmt", flag_value="yaml", default=True, help="As YAML (default).")
def show(record_id: str, fmt: str) -> None:
    """Show one validated record."""
    import json


    try:
        record = store.load(_folder(), record_id)
    except CitetoolError as exc:
        _fail(exc)
    if fmt == "json":
        data = record.model_dump(mode="json", exclude_defaults=True)
        data = {"id": record.id, **data}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(store.to_yaml(record, header=False), nl=False)


@cli.command()
def schema() -> None:
    """Print the record's JSON Schema (for editors)."""
    import json

    from .model import Record

    click.echo(json.dumps(Record.model_json_schema(), indent=2, ensure_ascii=False))


TEMPLATE = """\
# yaml-language-server: $schema=record.schema.json
# A citetool record. Run `citetool schema` for every field and `citetool validate {id}`.
id: '{id}'
type: document            # telegram, memorandum, letter, record-of-conversation, ...
title: Title as the archive gives it
short_title: Short Title  # at most four words, in the title's order
date:                     # omit the whole field if undated
  year: 1962
  month: 3                # optional
  day: 24                 # optional
  # circa: true
authors:
- org: Ministry of Foreign Affairs
# - family: Wang
#   given: Jeffrey
translators: []
archive: Wilson Center Digital Archive
url: https://digitalarchive.wilsoncenter.org/document/{id}
source:
  call_number: PRC FMA 000-00000-00
  pages: 1-2
language: en
"""


@cli.command()
@click.argument("record_id")
@click.option("--force", is_flag=True, help="Overwrite an existing record.")
def new(record_id: str, force: bool) -> None:
    """Write a commented template record ID.yaml into the records folder."""
    from . import fsio

    try:
        store.check_id(record_id)
        path = _folder() / f"{record_id}.yaml"
        fsio.write_atomic(path, TEMPLATE.format(id=record_id), force=force)
        store.ensure_schema(path.parent)
    except CitetoolError as exc:
        _fail(exc)
    click.echo(str(path))


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False,
                                                                  allow_dash=True))
@click.option("--from", "fmt", type=click.Choice(["page", "bibtex", "csl-json"]),
              help="Input format (default: from the file name, else the content).")
@click.option("--dry-run", is_flag=True, help="Print the records as YAML; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite records that already exist.")
def import_(files: tuple[str, ...], fmt: str | None, dry_run: bool, force: bool) -> None:
    """Import archive pages, BibTeX/BibLaTeX or CSL-JSON files ('-' for stdin) as records."""
    from . import fsio, importers

    try:
        folder = _folder()
        if not dry_run and not folder.is_dir():
            raise CitetoolError(str(folder), "records folder does not exist")
    except CitetoolError as exc:
        _fail(exc)
    failures = written = 0
    shown: list[str] = []
    for name in files:
        label = "<stdin>" if name == "-" else name
        try:
            data = sys.stdin.buffer.read() if name == "-" else _read_input(name)
            outcomes = importers.run(importers.decode(data, label), label, fmt)
        except CitetoolError as exc:
            if isinstance(exc, UsageError):
                _fail(exc)
            outcomes = [importers.Outcome(error=exc)]
        for outcome in outcomes:
            try:
                if outcome.error is not None:
                    raise outcome.error
                where = f"{label}#{outcome.raw.get('id', '?')}"  # type: ignore[union-attr]
                record = store.validate(outcome.raw, where)
                if outcome.kept_in_notes:
                    click.echo(f"{where}: kept in notes (no field for them): "
                               + ", ".join(outcome.kept_in_notes), err=True)
                text = store.to_yaml(record)
                if dry_run:
                    shown.append(text)
                    continue
                with fsio.locked(folder):
                    fsio.write_atomic(folder / f"{record.id}.yaml", text, force=force)
                    store.ensure_schema(folder)
                written += 1
                click.echo(f"imported {record.id} -> {folder / (record.id + '.yaml')}", err=True)
            except CitetoolError as exc:
                failures += 1
                click.echo(f"citetool: {exc}", err=True)
    if shown:
        click.echo("---\n".join(shown), nl=False)
    if failures:
        click.echo(f"citetool: {failures} failed, {written if not dry_run else len(shown)} "
                   f"{'written' if not dry_run else 'shown'}", err=True)
        sys.exit(1)


def _read_input(name: str) -> bytes:
    from .importers import MAX_BYTES

    try:
        with open(name, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise CitetoolError(name, "is a folder, not a file") from None
    except OSError as exc:
        raise CitetoolError(name, exc.strerror or "cannot be read") from None


def _utf8_streams() -> None:
    """Write UTF-8 whatever the locale says: citations hold curly quotes and names in any
    script, and a bibliography file is UTF-8 (an ASCII or Latin-1 locale raised errors)."""
    for stream, errors in ((sys.stdout, "strict"), (sys.stderr, "backslashreplace")):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors=errors)


def main() -> None:
    """Entry point of the `citetool` console script."""
    _utf8_streams()
    try:
        try:
            cli(standalone_mode=True)
        finally:
            if sys.stdout is not None:
                sys.stdout.flush()  # a full disk shows here, not after the exit code is set
    except KeyboardInterrupt:  # pragma: no cover
        click.echo("citetool: interrupted", err=True)
        sys.exit(130)
    except OSError as exc:
        # the library reports its own files as CitetoolError: this is standard output
        # (a full disk, a reader gone away); point it at /dev/null so the exit flush is quiet
        import errno
        import os

        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (AttributeError, OSError, ValueError):
            pass
        if exc.errno != errno.EPIPE:  # `| head` stopping early is no error worth a message
            where = exc.filename or "standard output"
            click.echo(f"citetool: {where}: {exc.strerror or exc}", err=True)
        sys.exit(1)
