"""Safe YAML with positions: parse to plain values while remembering where each came from.

PyYAML's composer gives nodes with marks; we build Python values ourselves so that
- only the YAML core types load (no ``!!python/object``: any non-standard tag is an error),
- anchors and aliases are refused (so a "billion laughs" alias bomb cannot expand),
- every mapping key and value keeps its 1-based line and column for located errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from .errors import Problem

__all__ = ["Located", "YamlFailure", "parse_located"]

_SURROGATE = re.compile("[\ud800-\udfff]")
_STD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass(frozen=True, slots=True)
class Located:
    """A parsed value with the position of its node; mappings hold ``{key: (key_pos, Located)}``."""

    value: Any
    line: int
    column: int


class YamlFailure(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def _loader_class() -> type:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_located(text: str, path: str) -> Located | None:
    """Parse one YAML document into nested :class:`Located` values; raise YamlFailure if invalid."""
    bad = _SURROGATE.search(text)
    if bad:  # text from an editor buffer can hold them; YAML (and UTF-8) cannot
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise YamlFailure(
            Problem(path, line, col, "a lone surrogate character is not valid text; remove it")
        )
    try:
        node = yaml.compose(text, Loader=_loader_class())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or str(exc)
        raise YamlFailure(Problem(path, line, col, f"YAML syntax error: {what}")) from None
    except yaml.YAMLError as exc:  # e.g. a second document
        raise YamlFailure(Problem(path, 1, 1, f"YAML error: {exc}")) from None
    if node is None:
        return None
    return _build(node, path, set())


def _build(node: yaml.Node, path: str, seen: set[int]) -> Located:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if id(node) in seen:
        raise YamlFailure(
            Problem(
                path,
                line,
                col,
                "anchors and aliases are not allowed in glossaries; write the value out",
            )
        )
    seen.add(id(node))
    if node.tag not in _STD_TAGS:
        raise YamlFailure(
            Problem(path, line, col, f"tag {node.tag!r} is not allowed; glossaries are plain YAML")
        )
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, tuple[tuple[int, int], Located]] = {}
        for knode, vnode in node.value:
            key = _build(knode, path, seen)
            if not isinstance(key.value, str):
                raise YamlFailure(Problem(path, key.line, key.column, "keys must be strings"))
            if key.value in out:
                raise YamlFailure(
                    Problem(path, key.line, key.column, f"duplicate key {key.value!r}")
                )
            out[key.value] = ((key.line, key.column), _build(vnode, path, seen))
        return Located(out, line, col)
    if isinstance(node, yaml.SequenceNode):
        return Located([_build(v, path, seen) for v in node.value], line, col)
    constructor = _loader_class()("")
    try:
        value = constructor.construct_object(node)
    except yaml.YAMLError as exc:
        raise YamlFailure(Problem(path, line, col, f"bad value: {exc}")) from None
    return Located(value, line, col)
