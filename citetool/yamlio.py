"""Safe YAML reading and stable YAML writing for records.

Reading: libyaml's C parser where present, every scalar kept as a string (no `no` -> False,
`0115` -> 115 or `1962-03-24` -> date), no tags beyond the three core ones, no anchors or
aliases (so no alias bombs), duplicate keys rejected.
"""

from __future__ import annotations

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


def _check_nodes(root: yaml.Node, path: str) -> None:
    """Refuse explicit tags and aliases (a node reached twice) anywhere in the document."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise CitetoolError(path, "anchors and aliases are not allowed in records")
        seen.add(id(node))
        if node.tag not in _CORE_TAGS:
            raise CitetoolError(path, f"the tag {node.tag} is not allowed in records")
        if isinstance(node, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in keys:
                        line = key.start_mark.line + 1
                        raise CitetoolError(
                            path, f"duplicate key (line {line})", field=key.value
                        )
                    keys.add(key.value)
                stack.append(key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


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
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_nodes(node, path)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise CitetoolError(path, f"invalid YAML: {exc.problem}{where}") from None
    except yaml.YAMLError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CitetoolError(path, f"invalid YAML: {reason}") from None
    except RecursionError:
        raise CitetoolError(path, "invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()


class _Dumper(yaml.SafeDumper):
    """Block style, keys in the order given, long text as literal blocks."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump(data: Any) -> str:
    """Write plain data as stable, readable YAML (UTF-8, block style, no tags)."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
