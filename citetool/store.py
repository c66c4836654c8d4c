"""The records folder: where it is, which file holds an id, reading and validating records."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import CitetoolError, close_matches

if TYPE_CHECKING:
    from .model import Record

ENV_RECORDS = "CITETOOL_RECORDS"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def bundled_records() -> Path:
    """The records shipped with citetool (inside the package once installed)."""
    here = Path(__file__).resolve().parent
    installed = here / "_records"
    return installed if installed.is_dir() else here.parent / "records"


def records_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """The records folder: the --records option, else $CITETOOL_RECORDS, else the nearest
    records/ or citetool.toml from the current folder upward, else the bundled one."""
    from . import project

    return project.find(option).folder


def check_id(record_id: str) -> str:
    """Refuse ids that are empty, too long, or could leave the records folder."""
    if not _ID.match(record_id) or record_id in {".", ".."} or ".." in record_id:
        shown = record_id.replace("\x00", "\\0")
        raise CitetoolError(
            None,
            f"malformed id {shown!r}: use letters, digits, '.', '_' or '-' (at most 128), "
            "starting with a letter or digit",
        )
    return record_id


STDIN = "standard input"


def read_ids(stream: IO[str] | None) -> list[str]:
    """Record ids from a stream: separated by spaces or new lines, `#` starts a comment.

    A closed stream (sys.stdin is None) or one with no ids is an error that says so.
    """
    if stream is None:
        raise CitetoolError(STDIN, "is closed: give the record ids as arguments")
    try:
        lines = list(stream)
    except UnicodeDecodeError as exc:
        raise CitetoolError(STDIN, f"not valid UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise CitetoolError(STDIN, exc.strerror or "cannot be read") from None
    ids = [rid for line in lines for rid in line.partition("#")[0].split()]
    if not ids:
        what = "was empty" if not "".join(lines).strip() else "held only comments"
        raise CitetoolError(STDIN, f"{what}: no record ids to read ('-' reads ids separated "
                            "by spaces or new lines)")
    return ids


def with_stdin(args: Iterable[str], stream: IO[str] | None) -> list[str]:
    """The arguments with `-` replaced by the ids read from the stream (read once)."""
    args = list(args)
    if args.count("-") > 1:
        raise CitetoolError(STDIN, "'-' may be given once")
    if "-" not in args:
        return args
    at = args.index("-")
    return [*args[:at], *read_ids(stream), *args[at + 1:]]


def path_for(folder: Path, record_id: str, where: str | None = None) -> Path:
    """The file that holds a record id; it must exist and stay inside the folder. A missing
    one is named with `where` (the folder and how it was chosen), else the folder."""
    path = folder / f"{check_id(record_id)}.yaml"
    if not path.exists():  # a folder or FIFO of that name is named for what it is when read
        close = close_matches(record_id, list(all_ids(folder)), n=3, cutoff=0.6)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise CitetoolError(None, f"no record with id {record_id!r} in {where or folder}{hint}")
    inside(folder, path)
    return path


def inside(folder: Path, path: Path) -> None:
    """Refuse a file that is, or links to, something outside the records folder."""
    _inside(folder.resolve(), path)


def _inside(root: Path, path: Path) -> None:
    """inside() with the folder already resolved (once for a whole folder's links)."""
    try:
        path.resolve().relative_to(root)
    except ValueError:
        raise CitetoolError(str(path), "links outside the records folder") from None


def all_ids(folder: Path) -> Iterator[str]:
    """Every record id in the folder, sorted, read from file names only."""
    names = sorted(
        entry.name[:-5]
        for entry in os.scandir(folder)
        if entry.name.endswith(".yaml") and not entry.name.startswith(".")
    )
    yield from names


def all_files(folder: Path, problems: list[CitetoolError] | None = None) -> list[str]:
    """Every record file in the folder as an absolute path string, sorted by id (cheaper
    than Path objects when there are a hundred thousand). A symlink that leads outside the
    folder is left out, as `cite` refuses it, and reported in `problems` if given; only
    symlinks are resolved, so a big folder of plain files costs no more."""
    base = os.path.abspath(folder) + os.sep
    ids = []
    root: Path | None = None
    refused = []
    with os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            if not name.endswith(".yaml") or name.startswith("."):
                continue
            if entry.is_symlink():
                root = root or Path(folder).resolve()
                try:
                    _inside(root, Path(folder) / name)
                except CitetoolError as exc:
                    refused.append((name, exc))
                    continue
            ids.append(name[:-5])
    if problems is not None:
        problems.extend(exc for _, exc in sorted(refused, key=lambda item: item[0]))
    ids.sort()
    return [f"{base}{rid}.yaml" for rid in ids]


def read_raw(path: Path) -> Any:
    """Read a record file's YAML into plain data, with clear errors."""
    from . import yamlio

    return yamlio.load_text(read_text(path), str(path))


def read_text(path: Path) -> str:
    """A record file's text: a regular file, UTF-8, within the size limit."""
    from . import yamlio

    try:
        # non-blocking: opening a FIFO named like a record must not wait for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            status = os.fstat(fd)
            if stat.S_ISDIR(status.st_mode):
                raise IsADirectoryError
            if not stat.S_ISREG(status.st_mode):
                raise CitetoolError(str(path), "is not a regular file")
            # one read of the file's size (and one byte, to see it grew): os.read costs half
            # what a buffered file object does, which counts over ten thousand records
            size = status.st_size
            data = os.read(fd, min(size, yamlio.MAX_BYTES) + 1)
            if len(data) != size:  # it grew or shrank since fstat: read on to the end
                while len(data) <= yamlio.MAX_BYTES:
                    more = os.read(fd, yamlio.MAX_BYTES + 1 - len(data))
                    if not more:
                        break
                    data += more
        finally:
            os.close(fd)
    except IsADirectoryError:
        raise CitetoolError(str(path), "is a folder, not a record file") from None
    except OSError as exc:
        raise CitetoolError(str(path), exc.strerror or "cannot be read") from None
    return yamlio.decode(data, str(path))


PLACEHOLDER = "TODO:"  # starts every value `citetool new` leaves for the user to write
_PLACEHOLDER = re.compile(r"\s*" + PLACEHOLDER)


def _holds_placeholder(raw: Any) -> bool:
    """Whether any value is a placeholder: the quick look every record read pays for."""
    if raw.__class__ is str:
        return _PLACEHOLDER.match(raw) is not None
    stack = [raw] if raw.__class__ in (dict, list) else []
    match = _PLACEHOLDER.match
    while stack:  # no recursion: records may nest deeply
        value = stack.pop()
        for item in value.values() if value.__class__ is dict else value:
            kind = item.__class__
            if kind is str:
                if match(item) is not None:
                    return True
            elif kind is dict or kind is list:
                stack.append(item)
    return False


def placeholder(raw: Any) -> str | None:
    """The dotted field of the first value still holding a template placeholder, if any."""
    if not _holds_placeholder(raw):
        return None
    stack: list[tuple[str, Any]] = [("", raw)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if _PLACEHOLDER.match(value):
                return where or None
        elif isinstance(value, dict):
            stack.extend((f"{where}.{k}" if where else str(k), v)
                         for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((f"{where}.{i}", v) for i, v in reversed(list(enumerate(value))))
    return None


def validate(raw: Any, path: str, expected_id: str | None = None,
             placeholders: bool = True) -> Record:
    """Validate plain data into a Record, raising one CitetoolError for the first problem.
    `placeholders=False` says the data cannot hold a template placeholder (its text has none),
    and skips looking for one."""
    from pydantic import ValidationError

    from .model import Record

    if raw is None:
        raise CitetoolError(path, "file is empty")
    if not isinstance(raw, dict):
        kind = "a list" if isinstance(raw, list) else "a single value"
        raise CitetoolError(path, f"a record must be a mapping of fields, not {kind}")
    left = placeholder(raw) if placeholders else None
    if left is not None:
        raise CitetoolError(path, f"still the template's placeholder ({PLACEHOLDER} ...): "
                            "write the real value, or delete the field if it is optional", left)
    try:
        record = Record.model_validate(raw)
    except ValidationError as exc:
        raise _explain(exc, path, raw) from None
    if expected_id is not None and record.id != expected_id:
        raise CitetoolError(
            path, f"id {record.id!r} does not match the file name ({expected_id}.yaml)", "id"
        )
    return record


def _explain(exc: Any, path: str, raw: dict[str, Any]) -> CitetoolError:
    """Turn pydantic's first error into path, field and a plain reason."""
    errors = exc.errors(include_url=False)
    # an unknown field explains a "missing" one (a misspelt key), so report it first
    err = min(errors, key=lambda e: e["type"] != "extra_forbidden")
    loc = [str(p) for p in err["loc"] if p not in ("person", "org")]
    field = ".".join(loc) or None
    kind = err["type"]
    if kind == "extra_forbidden":
        name = loc[-1] if loc else ""
        close = close_matches(name, _known_fields(err["loc"][:-1]), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return CitetoolError(path, f"unknown field{hint}", field)
    if kind == "missing":
        return CitetoolError(path, "required field is missing", field)
    reason = err["msg"]
    reason = reason.removeprefix("Value error, ")
    if kind == "literal_error" and loc and loc[0] == "type":
        reason = f"unknown document type {err.get('input')!r}"
    return CitetoolError(path, reason, field)


def _known_fields(loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed at a place in a record (`authors.0` -> a person's or an
    organization's), for "did you mean" hints on nested typos."""
    from .model import Record

    models: list[Any] = [Record]
    for part in loc:
        if isinstance(part, int) or part in ("person", "org"):
            continue  # list positions and union tags: the models found so far stay
        models = [inner for model in models if part in model.model_fields
                  for inner in _models_in(model.model_fields[part].annotation)]
    return [name for model in models for name in model.model_fields]


def _models_in(annotation: Any) -> list[Any]:
    """The pydantic models a field's type can hold (through lists, unions, Annotated)."""
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


def load_path(path: Path) -> Record:
    """Read and validate one record file; its id must match its file name."""
    from . import yamlio

    expected = path.name[:-5] if path.name.endswith(".yaml") else None
    text = read_text(path)
    # a value starts with the placeholder only if the text has it, or an escape ("\x54ODO:")
    # that writes it: most files have neither, and need no walk through every value
    return validate(yamlio.load_text(text, str(path)), str(path), expected,
                    placeholders=PLACEHOLDER in text or "\\" in text)


def load(folder: Path, record_id: str) -> Record:
    """Read and validate the record with this id (one file read)."""
    return load_path(path_for(folder, record_id))


SCHEMA_LINE = "# yaml-language-server: $schema=record.schema.json\n"


def to_yaml(record: Record, header: bool = True) -> str:
    """A record as stable YAML: the model's key order, block style, defaults left out."""
    from . import yamlio

    data = record.model_dump(mode="json", exclude_defaults=True)
    data = {"id": record.id, **{k: v for k, v in data.items() if k != "id"}}
    return (SCHEMA_LINE if header else "") + yamlio.dump(data)


def ensure_schema(folder: Path) -> None:
    """Write record.schema.json beside the records if it is missing (editors read it)."""
    import json

    from . import fsio
    from .model import Record

    target = Path(folder) / "record.schema.json"
    if target.exists():
        return
    text = json.dumps(Record.model_json_schema(), indent=2, ensure_ascii=False) + "\n"
    try:
        fsio.write_atomic(target, text)
    except CitetoolError:
        pass  # a helper for editors; its absence must not stop the real work
