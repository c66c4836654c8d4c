"""Where the records are, found the way git finds a repository, and the project's defaults.

The records folder is `--records`, else `$CITETOOL_RECORDS`, else the nearest `records/`
folder or `citetool.toml` from the current folder upward, else the sample records bundled with
citetool, which are read-only. Every folder comes with how it was chosen, for messages.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import store
from .errors import CitetoolError, close_matches
from .formats import KEYS  # the citation keys a `key` default may name

if TYPE_CHECKING:
    from .model import Record

PROJECT_FILE = "citetool.toml"
RECORDS_NAME = "records"
_FIELDS = ("records", "style", "key", "csl")
FROM_OPTION = "from --records"
FROM_ENV = f"from ${store.ENV_RECORDS}"
FROM_FOLDER = "found from the current folder"
FROM_BUNDLED = "the bundled sample records: no records/ folder or citetool.toml here or above"
# import's lock folder (fsio.LOCK_FOLDER) ignores itself already; named here for readers
LOCK_IGNORE = ".citetool/\n"


@dataclass(frozen=True)
class Project:
    """A records folder, how it was chosen, and the defaults of the project file that chose it."""

    folder: Path
    origin: str  # how the folder was chosen, e.g. "from --records"
    shown: str  # the folder as messages name it
    bundled: bool = False  # the sample records shipped with citetool: never written
    config: Path | None = None  # the citetool.toml that named the folder
    style: str | None = None
    key: str | None = None
    csl: str | None = None  # a CSL style id or .csl path (relative to the project file)

    @property
    def where(self) -> str:
        """The folder and how it was chosen: "./records (found from the current folder)"."""
        return f"{self.shown} ({self.origin})"

    def path_for(self, record_id: str) -> Path:
        """The file of a record id; a missing one is named with the folder and its origin."""
        return store.path_for(self.folder, record_id, self.where)

    def load(self, record_id: str) -> Record:
        """Read and validate the record with this id."""
        return store.load_path(self.path_for(record_id))

    def writable(self) -> Path:
        """The folder, for commands that write; the bundled records are refused."""
        if not self.bundled:
            return self.folder
        if self.origin == FROM_BUNDLED:
            raise CitetoolError(
                None, "no records folder here or above, and the bundled sample records are "
                "read-only: run `citetool init` to create records/ and citetool.toml in this "
                "folder, or give --records DIR")
        raise CitetoolError(
            self.shown, f"the bundled sample records are read-only ({self.origin}): run "
            "`citetool init` in a folder of your own, or give --records DIR")


def find(option: str | os.PathLike[str] | None = None, cwd: Path | None = None,
         environ: Mapping[str, str] | None = None) -> Project:
    """The records folder for this command line, environment and current folder."""
    environ = os.environ if environ is None else environ
    here = _current(cwd)
    if option:
        return _existing(Project(here / option, FROM_OPTION, str(option)))
    if environ.get(store.ENV_RECORDS):
        chosen = environ[store.ENV_RECORDS]
        return _existing(Project(here / chosen, FROM_ENV, chosen))
    # a current folder that was deleted has no project above it: the bundled records remain
    for level in (here, *here.parents) if here.is_absolute() else ():
        config = level / PROJECT_FILE
        if os.path.isfile(config):  # os.path's tests say no, never raise
            return _from_config(config, here)
        folder = level / RECORDS_NAME
        if os.path.isdir(folder):
            return _existing(Project(folder, FROM_FOLDER, _shown(folder, here)))
    bundled = store.bundled_records()
    return _existing(Project(bundled, FROM_BUNDLED, str(bundled)))


def _current(cwd: Path | None) -> Path:
    """The current folder, absolute; Path('.') if it no longer exists."""
    if cwd is not None:
        return Path(cwd).absolute()
    try:
        return Path.cwd()
    except OSError:
        return Path(".")


def _shown(path: Path, here: Path) -> str:
    """A found path relative to the current folder when it is inside it, else absolute."""
    try:
        inner = path.relative_to(here)
    except ValueError:
        return str(path)
    return f"./{inner.as_posix()}" if str(inner) != "." else "."


def _existing(project: Project) -> Project:
    """The project, once its folder is known to exist; `bundled` set when it is citetool's."""
    if not os.path.isdir(project.folder):
        if project.config is not None:
            raise CitetoolError(str(project.config), f"folder {project.shown} does not exist",
                                "records")
        raise CitetoolError(project.shown, f"records folder does not exist ({project.origin})")
    try:
        bundled = os.path.samefile(project.folder, store.bundled_records())
    except OSError:
        bundled = False
    return dataclasses.replace(project, bundled=bundled)


def read_config(config: Path) -> dict[str, str]:
    """A project file's settings, checked: `records`, `style`, `key` and `csl`, all text."""
    import tomllib

    try:
        with open(config, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise CitetoolError(str(config), f"invalid TOML: {exc}") from None
    except OSError as exc:
        raise CitetoolError(str(config), exc.strerror or "cannot be read") from None
    for name, value in data.items():
        if name not in _FIELDS:
            close = close_matches(name, _FIELDS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise CitetoolError(str(config), f"unknown setting{hint}; known: "
                                + ", ".join(_FIELDS), name)
        if not isinstance(value, str) or not value.strip():
            raise CitetoolError(str(config), "must be a non-empty quoted text", name)
    style, key = data.get("style"), data.get("key")
    if style is not None:
        from .formats import STYLES

        if style not in STYLES:
            close = close_matches(style, list(STYLES), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise CitetoolError(str(config), f"unknown style {style!r} ({hint}known: "
                                + ", ".join(STYLES) + ")", "style")
    if style is not None and data.get("csl") is not None:
        raise CitetoolError(str(config), "give a default style or a default csl, not both",
                            "csl")
    if key is not None and key not in KEYS:
        raise CitetoolError(str(config), f"unknown key {key!r} (known: {', '.join(KEYS)})",
                            "key")
    return data


def _from_config(config: Path, here: Path) -> Project:
    data = read_config(config)
    folder = config.parent / data.get("records", RECORDS_NAME)
    origin = f"{PROJECT_FILE} at {_shown(config, here)}"
    csl = data.get("csl")
    if csl is not None and csl.endswith(".csl"):
        csl = str(config.parent / csl)
    return _existing(Project(folder, origin, _shown(folder, here), config=config,
                             style=data.get("style"), key=data.get("key"), csl=csl))


CONFIG_TEMPLATE = """\
# A citetool project: citetool commands run in this folder or below it use these settings.
# The records folder, relative to this file:
records = {records}
# The default style of `cite` and `export` (see `citetool cite --help`):
# style = "chicago-note"
"""


def init(cwd: Path | None = None, records: str | None = None) -> list[Path]:
    """Make `cwd` a project: citetool.toml naming the records folder (created if missing).

    An existing citetool.toml is never overwritten; the files made are returned.
    """
    import json

    from . import fsio

    cwd = _current(cwd)
    if not cwd.is_absolute():
        raise CitetoolError(None, "the current folder no longer exists")
    config = cwd / PROJECT_FILE
    name = str(records) if records else RECORDS_NAME
    folder = cwd / name
    if config.exists():
        raise CitetoolError(str(config), "already exists: this folder is a citetool project "
                            "already (nothing changed)")
    if folder.exists() and not folder.is_dir():
        raise CitetoolError(str(folder), "exists and is not a folder (nothing changed)")
    try:
        if folder.is_dir() and os.path.samefile(folder, store.bundled_records()):
            raise CitetoolError(str(folder), "is citetool's bundled sample records, which are "
                                "read-only: run `citetool init` in a folder of your own")
    except OSError:
        pass
    made = []
    if not folder.is_dir():
        try:
            folder.mkdir(parents=True)
        except OSError as exc:
            raise CitetoolError(str(folder), exc.strerror or "cannot be created") from None
        made.append(folder)
    fsio.write_atomic(config, CONFIG_TEMPLATE.format(records=json.dumps(name, ensure_ascii=False)))
    made.insert(0, config)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        fsio.write_atomic(ignore, LOCK_IGNORE)
    store.ensure_schema(folder)
    return made


def is_path(arg: str) -> bool:
    """Whether a command-line target names a record file rather than a record id."""
    return "/" in arg or arg.endswith(".yaml")


def record_files(targets: Sequence[str], find: Callable[[], Project]
                 ) -> tuple[list[Path], list[CitetoolError]]:
    """The files named by record ids or paths, else every record of the project (`find` is
    asked only when an id or no target needs the folder); ids without a record come back
    as errors so that the others are still checked. A folder with no records is an error."""
    if not targets:
        chosen = find()
        refused: list[CitetoolError] = []  # links outside the folder, refused as `cite` does
        files = [Path(name) for name in store.all_files(chosen.folder, refused)]
        if not files and not refused:
            raise CitetoolError(chosen.shown, f"no records found: the folder holds no .yaml "
                                f"files ({chosen.origin})")
        return files, refused
    chosen = None if all(is_path(t) for t in targets) else find()
    paths: list[Path] = []
    problems: list[CitetoolError] = []
    for target in targets:
        try:
            paths.append(Path(target) if is_path(target) else chosen.path_for(target))  # type: ignore[union-attr]
        except CitetoolError as exc:
            problems.append(exc)
    return paths, problems
