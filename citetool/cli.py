"""The command line: a thin layer over the library that turns errors into messages and codes.

Exit codes: 0 success, 1 bad data (a record, an id, a file), 2 bad usage (click's own).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__, api, store
from .errors import CitetoolError, UsageError
from .formats import DEFAULT_KEY, DEFAULT_STYLE, KEYS, STYLES
from .importers import IMPORTERS

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


KEY_OPTION = click.option(
    "--key",
    type=click.Choice(list(KEYS)),
    default=DEFAULT_KEY,
    show_default=True,
    help="Citation keys of BibTeX, BibLaTeX, CSL-JSON and RIS entries: the record id, or "
    "first author and year.",
)
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


def _records() -> api.Records:
    """The records folder the global options chose, opened through the library API."""
    opts = _options()
    return api.open(opts["records"], cache=bool(opts["cache"]))  # type: ignore[arg-type]


def _progress(total: int, label: str) -> Any:
    """A progress bar on stderr for big batches at a terminal; nothing when piped."""
    import contextlib

    if total < PROGRESS_MIN or not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    return _Bar(click.progressbar(length=total, label=label, file=sys.stderr))


class _Bar:
    """click's progress bar as the library's progress: a context giving update(n)."""

    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def __enter__(self) -> Any:
        return self.bar.__enter__().update

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)


def _bar(label: str) -> api.Progress:
    return lambda total: _progress(total, label)


def _one_line(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A text option's value, stripped; empty or several lines is a usage error."""
    if value is None:
        return None
    value = value.strip()
    if not value or not value.isprintable():
        raise click.BadParameter("must be one line of printable text, not empty")
    return value


def _complete_csl(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of CSL style ids (when the csl extra is installed)."""
    try:
        from . import csl

        return [i for i in csl.style_ids() if i.startswith(incomplete)]
    except CitetoolError:
        return []


CSL_OPTION = click.option(
    "--csl", metavar="STYLE", shell_complete=_complete_csl,
    help="A CSL style instead of --style: an id of the CSL repository (apa, "
    "modern-language-association, chicago-author-date, ...; see `citetool styles`) or a .csl "
    "file.")
MARKUP_OPTION = click.option(
    "--markup", type=click.Choice(["text", "html", "markdown"]), default="text",
    show_default=True, help="Markup of --csl output (italics, small caps).")


def _fixed_style(style: str) -> str | None:
    """--style as given, or None when it is click's default (so --csl can stand alone)."""
    source = click.get_current_context().get_parameter_source("style")
    return None if source == click.core.ParameterSource.DEFAULT else style


@cli.command()
@click.argument("ids", nargs=-1, required=True, shell_complete=_complete_ids)
@STYLE_OPTION
@CSL_OPTION
@click.option("--form", type=click.Choice(["first", "subsequent", "entry"]), default="first",
              show_default=True, help="With --csl: first or subsequent citation (a note in "
              "note styles), or bibliography entry.")
@MARKUP_OPTION
@KEY_OPTION
@click.option("--page", "-p", callback=_one_line,
              help="Pinpoint page(s) for notes, e.g. 5 or 5-7.")
def cite(ids: tuple[str, ...], style: str, page: str | None, key: str, csl: str | None,
         form: str, markup: str) -> None:
    """Print citations of the records ID... in the order given."""
    try:
        text = _records().cite(ids, _fixed_style(style), page, key, csl=csl, form=form,
                               markup=markup)
    except CitetoolError as exc:
        _fail(exc)
    click.echo(text)


@cli.command()
@click.argument("query", nargs=-1)
def styles(query: tuple[str, ...]) -> None:
    """List the CSL styles (id and title) whose id or title holds every word of QUERY."""
    try:
        found = api.csl_styles(" ".join(query) or None)
    except CitetoolError as exc:
        _fail(exc)
    if not found:
        _fail(CitetoolError(None, f"no CSL style matches {' '.join(query)!r}"))
    width = min(max(len(i) for i, _ in found), 50)
    click.echo("\n".join(f"{i:<{width}}  {title}" for i, title in found))


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
        records = None if targets and all(_is_path(t) for t in targets) else _records()
        folder = records.folder if records else None
    except CitetoolError as exc:
        _fail(exc)
    if not targets:
        paths = store.all_files(folder)  # type: ignore[assignment, arg-type]
    for target in targets:
        try:
            paths.append(Path(target) if _is_path(target) else store.path_for(folder, target))
        except CitetoolError as exc:
            bad += 1
            click.echo(str(exc), err=True)
    total = len(targets) or len(paths)
    cache = records.cache if records else api.open(cache=bool(_options()["cache"])).cache
    with _progress(len(paths), "validating") as bar:
        for loaded in batch.load(paths, None, cache, progress=bar):
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
            click.option("--language", help="Only records whose text is in this language "
                         "(a code such as en or ru)."),
            click.option("--since", help="Only documents dated on or after (YYYY[-MM[-DD]])."),
            click.option("--until", help="Only documents dated on or before (YYYY[-MM[-DD]])."),
            click.option("--author", help="Only records with an author matching this text."),
            click.option("--query", "-q", help="Search title, summary, names and call number."),
            click.option("--sort", type=click.Choice(list(api.SORTS)), default="id",
                         show_default=True, help="Order of the records."),
        ]
    ):
        func = option(func)  # type: ignore[operator]
    return func


def _query(ids: Iterable[str], all_: bool, opts: dict[str, Any]) -> api.Query:
    chosen = list(ids)
    if chosen == ["-"]:
        chosen = api.read_ids(sys.stdin)
    return api.Query(ids=tuple(chosen), all=all_, type=opts.get("doc_type"),
                     language=opts.get("language"), since=opts.get("since"),
                     until=opts.get("until"), author=opts.get("author"), text=opts.get("query"))


def _report_skipped(skip_invalid: bool) -> Any:
    return lambda exc: click.echo(("skipped: " if skip_invalid else "") + str(exc), err=True)


@cli.command()
@click.argument("ids", nargs=-1, shell_complete=_complete_ids)
@click.option("--all", "all_", is_flag=True, help="Export every record.")
@_filters  # type: ignore[arg-type]
@STYLE_OPTION
@CSL_OPTION
@MARKUP_OPTION
@KEY_OPTION
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE (atomically) instead of stdout.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--skip-invalid", is_flag=True, help="Skip missing or invalid records.")
def export(ids: tuple[str, ...], all_: bool, style: str, output: Path | None, force: bool,
           skip_invalid: bool, sort: str, key: str, csl: str | None, markup: str,
           **opts: Any) -> None:
    """Write a bibliography of records: ids, '-' for ids on stdin, or --all, with filters."""
    from . import fsio

    try:
        records = _records()
        chosen = api.choose_style(_fixed_style(style), csl, "entry", markup)
        if output is not None:
            fsio.check_writable(output, force)  # fails early: exists, no --force
        chunks = records.export_chunks(_query(ids, all_, opts), chosen, skip_invalid,
                                       key=key, sort=sort, progress=_bar("exporting"),
                                       on_problem=_report_skipped(skip_invalid))
        if output is None:
            out = sys.stdout
            if out is None:
                raise CitetoolError(None, "standard output is closed; use -o FILE")
            out.writelines(chunks)
            out.flush()
        else:
            fsio.write_atomic(output, chunks, force=force)
    except CitetoolError as exc:
        _fail(exc)


@cli.command(name="list")
@_filters  # type: ignore[arg-type]
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
def list_(as_json: bool, sort: str, **opts: Any) -> None:
    """List records: id, date, short title and authors."""
    import json

    try:
        selection = _records().entries(_query((), True, opts), listing=True, sort=sort,
                                       progress=_bar("listing"))
    except CitetoolError as exc:
        _fail(exc)
    for problem in selection.problems:
        _report_skipped(True)(problem)
    lines = []
    for _, row in selection.items:
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
        record = _records().get(record_id)
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
        path = _records().folder / f"{record_id}.yaml"
        fsio.write_atomic(path, TEMPLATE.format(id=record_id), force=force)
        store.ensure_schema(path.parent)
    except CitetoolError as exc:
        _fail(exc)
    click.echo(str(path))


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False,
                                                                  allow_dash=True))
@click.option("--from", "fmt", type=click.Choice(list(IMPORTERS)),
              help="Input format (default: from the file name, else the content).")
@click.option("--dry-run", is_flag=True, help="Print the records as YAML; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite records that already exist.")
def import_(files: tuple[str, ...], fmt: str | None, dry_run: bool, force: bool) -> None:
    """Import archive pages, BibTeX/BibLaTeX, CSL-JSON or RIS files ('-' for stdin)."""
    sources = [("<stdin>", _stdin_bytes()) if name == "-" else name for name in files]
    failures = written = 0
    shown: list[str] = []
    try:
        for done in _records().import_files(sources, fmt, force=force, dry_run=dry_run):
            if done.error is not None:
                failures += 1
                click.echo(f"citetool: {done.error}", err=True)
                continue
            if done.kept_in_notes:
                click.echo(f"{done.label}: kept in notes (no field for them): "
                           + ", ".join(done.kept_in_notes), err=True)
            if dry_run:
                shown.append(done.text or "")
                continue
            written += 1
            click.echo(f"imported {done.record.id} -> {done.path}", err=True)  # type: ignore[union-attr]
    except CitetoolError as exc:
        _fail(exc)
    if shown:
        click.echo("---\n".join(shown), nl=False)
    if failures:
        click.echo(f"citetool: {failures} failed, {written if not dry_run else len(shown)} "
                   f"{'written' if not dry_run else 'shown'}", err=True)
        sys.exit(1)


def _stdin_bytes() -> bytes:
    if sys.stdin is None:
        _fail(CitetoolError("standard input", "is closed"))
    return sys.stdin.buffer.read()


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
