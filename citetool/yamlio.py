"""Safe YAML reading and stable YAML writing for records.

Reading: libyaml's C parser where present, every scalar kept as a string (no `no` -> False,
`0115` -> 115 or `1962-03-24` -> date), no tags beyond the three core ones, no anchors or
aliases (so no alias bombs), duplicate keys rejected.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .errors import CitetoolError

MAX_BYTES = 2 * 1024 * 1024

try:
    _Loader: type = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.BaseLoader

_CORE_TAGS = frozenset(
    {"tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
)


_SCALAR, _SEQUENCE, _MAPPING = (
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")


class _FastLoader(_Loader):  # type: ignore[misc, valid-type]
    """libyaml's parser with a resolver that does nothing: every plain value is a string."""

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        """The core tag for the node kind (no implicit typing of scalars)."""
        if kind is yaml.ScalarNode:
            return _SCALAR
        return _SEQUENCE if kind is yaml.SequenceNode else _MAPPING


def _build(root: yaml.Node, path: str, aliases: bool = True) -> Any:
    """Plain data from the node graph, refusing explicit tags, aliases (a node reached twice)
    and duplicate keys, in one pass without recursion (no depth limit to hit). Without
    `aliases` (the text has no "*"), no node can be reached twice and none is tracked."""
    seen: set[int] = set()

    def value_of(node: yaml.Node) -> Any:
        if aliases:
            if id(node) in seen:
                raise CitetoolError(path, "anchors and aliases are not allowed in records")
            seen.add(id(node))
        if node.tag not in _CORE_TAGS:
            raise CitetoolError(path, f"the tag {node.tag} is not allowed in records")
        if node.__class__ is yaml.ScalarNode:
            return node.value
        out: Any = {} if node.__class__ is yaml.MappingNode else []
        stack.append((node, out))
        return out

    stack: list[tuple[yaml.Node, Any]] = []
    top = value_of(root)
    while stack:
        node, out = stack.pop()
        if out.__class__ is dict:
            for key_node, value_node in node.value:
                key = value_of(key_node)
                if key.__class__ is not str:
                    raise CitetoolError(path, "a key must be plain text, not a list or mapping")
                if key in out:
                    line = key_node.start_mark.line + 1
                    raise CitetoolError(path, f"duplicate key (line {line})", field=key)
                out[key] = value_of(value_node)
        else:
            out.extend([value_of(item) for item in node.value])
    return top


def decode(data: bytes, path: str, limit: int = MAX_BYTES) -> str:
    """Decode a file's bytes: UTF-8, with or without a byte-order mark, within a size limit."""
    if len(data) > limit:
        raise CitetoolError(path, f"file is larger than the limit of {limit} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CitetoolError(path, f"not valid UTF-8 (byte {exc.start})") from None


def load_text(text: str, path: str) -> Any:
    """Parse one YAML document into plain str, list and dict values."""
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _build(node, path, "*" in text)
    except yaml.MarkedYAMLError as exc:
        raise _explain(exc, text, path) from None
    except yaml.YAMLError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CitetoolError(path, f"invalid YAML: {reason}") from None
    except RecursionError:
        raise CitetoolError(path, "invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()


_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_KEY = re.compile(r"^\s*(?:-\s+)*([^\s:#'\"-][^:#]*?):(?:\s|$)")


def _explain(exc: yaml.MarkedYAMLError, text: str, path: str) -> CitetoolError:
    """A parser error as one line that says what to do for the commonest mistakes: a colon
    in an unquoted value, a tab, a value starting with a reserved character."""
    mark = exc.problem_mark
    if mark is None:
        return CitetoolError(path, f"invalid YAML: {exc.problem}")
    lines = _LINE_BREAK.split(text)  # YAML's line breaks, as the mark counts them
    line = lines[mark.line] if mark.line < len(lines) else ""
    key = _KEY.match(line)
    field = key.group(1).strip() if key else None
    where = f"line {mark.line + 1}, column {mark.column + 1}"
    problem = str(exc.problem)
    if "\t" in line[: mark.column + 1] and ("tab" in problem or "cannot start" in problem):
        return CitetoolError(path, f"a tab in the indentation ({where}): use spaces", field)
    if "mapping values are not allowed" in problem:
        if key and mark.column > key.end(1):
            return CitetoolError(path, f"a colon and space in an unquoted value ({where}): "
                                 "quote the value ('...' or \"...\")", field)
        return CitetoolError(path, f"invalid YAML: {problem} ({where}): check the indentation "
                             "of this line and the one before", field)
    char = line[mark.column] if mark.column < len(line) else ""
    if "cannot start any token" in problem and char in "@`%":
        return CitetoolError(path, f"a value cannot start with {char!r} ({where}): quote the "
                             "value ('...' or \"...\")", field)
    return CitetoolError(path, f"invalid YAML: {problem} ({where})")


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the order given, long text as literal blocks."""


# characters a YAML reader takes for line breaks: written plain, single-quoted or in a block
# they would be read back as spaces or newlines, so such a text is double-quoted (escaped)
_BREAKS = ("\x85", "\u2028", "\u2029")


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if any(b in value for b in _BREAKS):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


class _Different(Exception):
    """Data libyaml's emitter would write otherwise than PyYAML's (see _CDumper)."""


class _CDumper(yaml.CSafeDumper):
    """The same output written by libyaml's emitter, ten times faster than PyYAML's.

    The two emitters write the same text for the same data but in a few cases, found by
    tests/test_loader.py, where the data goes to PyYAML's emitter instead (see _alike).
    """


def _alike(value: str) -> bool:
    """Whether libyaml writes this text as PyYAML does. Not if it has a character outside the
    Basic Multilingual Plane (libyaml escapes it: "\\U00020000"), or anything that makes a
    text double-quoted (a control or format character, a space before a line break or at the
    end of a text of several lines: the emitters fold long quoted lines differently), or a
    final line break ("|+", after which libyaml ends the document with "...")."""
    if "\n" in value:
        if value.endswith(("\n", " ")) or " \n" in value:
            return False
        value = value.replace("\n", "")
    return value.isprintable() and (value.isascii() or max(value) <= "\uffff")


def _c_str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if not _alike(value):
        raise _Different
    return _str_representer(dumper, value)


def _c_dict_representer(dumper: yaml.SafeDumper, value: dict[Any, Any]) -> yaml.MappingNode:
    if "" in value:  # an empty key: PyYAML writes "? ''", libyaml "'':"
        raise _Different
    return dumper.represent_dict(value)


_CDumper.add_representer(str, _c_str_representer)
_CDumper.add_representer(dict, _c_dict_representer)
_OPTIONS = {"sort_keys": False, "allow_unicode": True, "default_flow_style": False,
            "width": 100}


def dump(data: Any) -> str:
    """Write plain data as stable, readable YAML (UTF-8, block style, no tags)."""
    try:
        return yaml.dump(data, Dumper=_CDumper, **_OPTIONS)
    except _Different:
        return yaml.dump(data, Dumper=_Dumper, **_OPTIONS)

