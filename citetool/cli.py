"""The command line: a thin layer over the library that turns errors into messages and codes.

Exit codes: 0 success, 1 bad data (a record, an id, a file), 2 bad usage (click's own).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__, api, project, store
from .errors import CitetoolError, UsageError
from .formats import DEFAULT_KEY, DEFAULT_STYLE, KEYS, STYLES
from .importers import IMPORTERS

PROGRESS_MIN = 300  # records; smaller batches finish before a bar would help
IMPORT_PROGRESS_MIN = 20  # files or URLs to import: a page over the network takes a while


def _fail(exc: CitetoolError) -> NoReturn:
    """Print one line on stderr and exit 1 (data) or 2 (usage)."""
    click.echo(f"citetool: {exc}", err=True)
    sys.exit(2 if isinstance(exc, UsageError) else 1)


def _complete_ids(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of record ids from the records folder."""
    try:
        given = (ctx.find_root().obj or {}).get("records") or ctx.find_root().params.get(
            "records")
        folder = project.find(given).folder
        return [i for i in store.all_ids(folder) if i.startswith(incomplete)]
    except CitetoolError:
        return []


KEY_OPTION = click.option(
    "--key",
    type=click.Choice(list(KEYS)),
    help="Citation keys of BibTeX, BibLaTeX, CSL-JSON and RIS entries: the record id, or "
    f"first author and year (default: citetool.toml's key, else {DEFAULT_KEY}).",
)
STYLE_OPTION = click.option(
    "--style",
    "-s",
    type=click.Choice(list(STYLES)),
    help=f"Output style (default: citetool.toml's style, else {DEFAULT_STYLE}).",
)
# one type object for every command's --records: click translates its name each time one is made
RECORDS_PATH = click.Path(file_okay=False, path_type=Path)
RECORDS_HELP = ("Records folder (default: $CITETOOL_RECORDS, else the nearest records/ or "
                "citetool.toml here or above, else the bundled sample records).")
NO_CACHE_HELP = "Read and validate every record; neither use nor fill the cache."


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Keep a global option given after the command where the group keeps its own."""
    if value:
        root = ctx.find_root()
        if root.obj is None:
            root.obj = {"records": None, "cache": True}
        root.obj.update({"records": value} if param.name == "records" else {"cache": False})
        root.obj.pop("project", None)
    return value


class _Group(click.Group):
    """A group whose global options also work after the command (`cite 1 --records x`)."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        """Register a command, giving it --records and --no-cache too."""
        cmd.params.extend([
            click.Option(["--records"], type=RECORDS_PATH,
                         expose_value=False, callback=_remember, help=RECORDS_HELP),
            click.Option(["--no-cache"], is_flag=True, expose_value=False, callback=_remember,
                         help=NO_CACHE_HELP),
        ])
        super().add_command(cmd, name)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--records", type=RECORDS_PATH,
              help=RECORDS_HELP)
@click.option("--no-cache", is_flag=True, help=NO_CACHE_HELP)
@click.version_option(__version__, prog_name="citetool")
@click.pass_context
def cli(ctx: click.Context, records: Path | None, no_cache: bool) -> None:
    """Citations and metadata for archival documents, from validated YAML records."""
    ctx.obj = {"records": records, "cache": not no_cache}


def _options() -> dict[str, object]:
    return click.get_current_context().find_root().obj or {"records": None, "cache": True}


def _project() -> project.Project:
    """The records folder of this command line, how it was chosen and its defaults."""
    options = _options()
    if "project" not in options:
        options["project"] = project.find(options["records"])  # type: ignore[arg-type]
    return options["project"]  # type: ignore[return-value]


def _records() -> api.Records:
    """The records folder the global options chose, opened through the library API; its
    cache is closed when the command ends."""
    records = api.Records(cache=bool(_options()["cache"]), found=_project())
    click.get_current_context().call_on_close(records.close)
    return records


def _progress(total: int, label: str, minimum: int = PROGRESS_MIN) -> Any:
    """A progress bar on stderr for big batches at a terminal; nothing when piped."""
    import contextlib

    if total < minimum or not sys.stderr.isatty():
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
def cite(ids: tuple[str, ...], style: str | None, page: str | None, key: str | None,
         csl: str | None, form: str, markup: str) -> None:
    """Print citations of the records ID... in the order given ('-' reads ids from stdin)."""
    try:
        text = _records().cite(store.with_stdin(ids, sys.stdin), style, page, key, csl=csl,
                               form=form, markup=markup)
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


@cli.command()
@click.argument("targets", nargs=-1, shell_complete=_complete_ids)
def validate(targets: tuple[str, ...]) -> None:
    """Validate the given records (ids or paths, '-' reads them from stdin), or all of them."""
    try:
        targets = tuple(store.with_stdin(targets, sys.stdin))
        opts = _options()
        found = api.validate(targets, opts["records"], bool(opts["cache"]),  # type: ignore[arg-type]
                             progress=_bar("validating"))
    except CitetoolError as exc:
        _fail(exc)
    for problem in found.problems:
        click.echo(str(problem), err=True)
    if found.problems:
        click.echo(f"citetool: {len(found.problems)} of {found.total} records are invalid",
                   err=True)
        sys.exit(1)
    click.echo(f"{found.total} records valid")


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
    chosen = store.with_stdin(ids, sys.stdin)
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
        csl = records.csl(style, csl)
        chosen = api.choose_style(records.style(style) if csl is None else style, csl,
                                  "entry", markup)
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
@click.argument("record_ids", nargs=-1, required=True, metavar="ID...",
                shell_complete=_complete_ids)
@click.option("--json", "as_json", is_flag=True,
              help="As JSON: an object, or an array for several ids or '-'.")
@click.option("--yaml", "as_yaml", is_flag=True, help="As YAML (default).")
def show(record_ids: tuple[str, ...], as_json: bool, as_yaml: bool) -> None:
    """Show validated records ('-' reads ids from stdin)."""
    import json

    if as_json and as_yaml:
        raise click.UsageError("--yaml and --json cannot be used together")
    try:
        found = _records()
        records = [found.get(i) for i in store.with_stdin(record_ids, sys.stdin)]
    except CitetoolError as exc:
        _fail(exc)
    if as_json:
        data = [{"id": r.id, **r.model_dump(mode="json", exclude_defaults=True)}
                for r in records]
        several = len(record_ids) > 1 or "-" in record_ids
        click.echo(json.dumps(data if several else data[0], ensure_ascii=False, indent=2))
    else:
        click.echo("---\n".join(store.to_yaml(r, header=False) for r in records), nl=False)


@cli.command()
def schema() -> None:
    """Print the record's JSON Schema (for editors)."""
    import json

    from .model import Record

    click.echo(json.dumps(Record.model_json_schema(), indent=2, ensure_ascii=False))


TEMPLATE = """\
# yaml-language-server: $schema=record.schema.json
# A citetool record. Replace every 'TODO: ...' value (citetool refuses the record until you
# do) or delete the optional fields you cannot fill, then run `citetool validate {id}`.
# `citetool schema` describes every field.
id: '{id}'
type: 'TODO: document type'   # telegram, memorandum, letter, record-of-conversation, ...
title: 'TODO: the title as the archive gives it'
short_title: 'TODO: short title'  # at most four words, in the title's order
date: 'TODO: 1962-03-24'      # or 1962-03, 1962, 1962~; delete the field if undated
authors:
- org: 'TODO: the organization that wrote it'
# - family: Wang
#   given: Jeffrey
translators: []
archive: Wilson Center Digital Archive
url: https://digitalarchive.wilsoncenter.org/document/{id}
source:
  call_number: 'TODO: call number'
  pages: 'TODO: pages'        # optional
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
        path = _project().writable() / f"{record_id}.yaml"
        fsio.write_atomic(path, TEMPLATE.format(id=record_id), force=force)
        store.ensure_schema(path.parent)
    except CitetoolError as exc:
        _fail(exc)
    click.echo(str(path))


@cli.command()
def init() -> None:
    """Make the current folder a project: records/ and citetool.toml (never overwritten)."""
    try:
        made = project.init(None, _options()["records"])  # type: ignore[arg-type]
    except CitetoolError as exc:
        _fail(exc)
    for path in made:
        click.echo(f"created {path}{'/' if path.is_dir() else ''}")


@cli.command()
@click.argument("targets", nargs=-1, shell_complete=_complete_ids)
@click.option("--check", is_flag=True,
              help="Change nothing: list the files that would change; exit 1 if any would.")
def fmt(targets: tuple[str, ...], check: bool) -> None:
    """Rewrite records (ids or paths, '-' reads them from stdin; default all) in the
    canonical layout."""
    from . import layout

    try:
        targets = tuple(store.with_stdin(targets, sys.stdin))
        if not targets and not check:
            _project().writable()
        paths, problems = project.record_files(targets, _project)
    except CitetoolError as exc:
        _fail(exc)
    changed = 0
    for path in paths:
        try:
            if layout.format_file(path, check):
                changed += 1
                click.echo(str(path))
        except CitetoolError as exc:
            problems.append(exc)
    for exc in problems:
        click.echo(f"citetool: {exc}", err=True)
    total = len(targets) or len(paths)
    verb = "would be reformatted" if check else "reformatted"
    click.echo(f"{changed} of {total} records {verb}", err=True)
    if problems:
        click.echo(f"citetool: {len(problems)} of {total} records could not be formatted",
                   err=True)
    if problems or (check and changed):
        sys.exit(1)


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False,
                                                                  allow_dash=True))
@click.option("--from", "fmt", type=click.Choice(list(IMPORTERS)),
              help="Input format (default: from the file name, else the content).")
@click.option("--dry-run", is_flag=True, help="Print the records as YAML; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite records that already exist.")
def import_(files: tuple[str, ...], fmt: str | None, dry_run: bool, force: bool) -> None:
    """Import archive pages (text, saved HTML or http(s) URLs), BibTeX/BibLaTeX, CSL-JSON or
    RIS files ('-' for stdin) as records."""
    failures = written = 0
    shown: list[str] = []
    folder = None
    with_bar = len(files) >= IMPORT_PROGRESS_MIN and sys.stderr.isatty()
    try:
        records = _records()
        progress = lambda total: _progress(total, "importing", IMPORT_PROGRESS_MIN)  # noqa: E731
        for done in records.import_files(files, fmt, force=force, dry_run=dry_run,
                                         progress=progress):
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
            folder = done.path.parent  # type: ignore[union-attr]
            if not with_bar:  # with a bar, one line at the end (below) says it
                click.echo(f"imported {done.record.id} -> {done.path}", err=True)  # type: ignore[union-attr]
    except CitetoolError as exc:
        _fail(exc)
    if shown:
        click.echo("---\n".join(shown), nl=False)
    if with_bar and written:
        click.echo(f"imported {written} records into {folder}", err=True)
    if failures:
        if failures + written + len(shown) > 1:  # one input that failed: its line says it all
            click.echo(f"citetool: {failures} failed, {written if not dry_run else len(shown)} "
                       f"{'written' if not dry_run else 'shown'}", err=True)
        sys.exit(1)


def _utf8_streams() -> None:
    """Write UTF-8 whatever the locale says: citations hold curly quotes and names in any
    script, and a bibliography file is UTF-8 (an ASCII or Latin-1 locale raised errors)."""
    for stream, errors in ((sys.stdout, "strict"), (sys.stderr, "backslashreplace")):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors=errors)


def main() -> None:
    """Entry point of the `citetool` console script."""
    try:
        _run()
    finally:
        # The process ends here. Python's last collection would walk every object it made
        # (a tenth of a cold `cite`); frozen, they are left to the exit, as the OS frees
        # them anyway. Files and the cache are closed before this point or by refcount.
        gc.freeze()


def _run() -> None:
    """Run the command line, turning interrupts and standard-output errors into exit codes."""
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
