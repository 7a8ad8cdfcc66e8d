"""YAML with line numbers: parse text into plain data plus the line of every key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Key = tuple[str | int, ...]


class _DatesAsText(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that leaves dates as text, so the schema reports bad dates itself."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


@dataclass
class Parsed:
    """Data of a YAML document with the 1-based line of each key and list item."""

    data: Any
    lines: dict[Key, int] = field(default_factory=dict)
    duplicates: list[tuple[Key, int]] = field(default_factory=list)

    def line_of(self, key: Key, default: int) -> int:
        """The line of `key`, or of its nearest enclosing key, or `default`."""
        for end in range(len(key), 0, -1):
            if key[:end] in self.lines:
                return self.lines[key[:end]]
        return default


class YamlSyntaxError(ValueError):
    """The text is not valid YAML; `line` and `column` are 1-based in the parsed text."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def parse(text: str, first_line: int = 1) -> Parsed:
    """Parse one YAML document; lines are numbered from `first_line` (the text's first line)."""
    loader = _DatesAsText(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line if mark else 0) + first_line
        column = (mark.column if mark else 0) + 1
        raise YamlSyntaxError(_explain(exc, text, mark), line, column) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(str(exc), first_line, 1) from None
    finally:
        loader.dispose()
    parsed = Parsed(data)
    if node is not None:
        _collect_lines(node, (), parsed, first_line)
    return parsed


def _explain(exc: yaml.MarkedYAMLError, text: str, mark: Any) -> str:
    """The parser's complaint in one line, with a hint for the usual causes."""
    problem = exc.problem or exc.context or "invalid YAML"
    hint = "check indentation, colons and quotes around text that contains ': ' or starts with a special character"
    if mark is not None:
        lines = text.splitlines()
        current = lines[mark.line] if mark.line < len(lines) else ""
        if "\t" in current[: mark.column + 1] or "'\\t'" in problem:
            hint = "indent with spaces, not tabs"
    return f"{problem}: {hint}"


def _collect_lines(node: yaml.Node, key: Key, parsed: Parsed, first_line: int) -> None:
    """Record the line of every mapping key and sequence item below `node`."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            name = str(key_node.value)
            child = (*key, name)
            line = key_node.start_mark.line + first_line
            if name in seen:
                parsed.duplicates.append((child, line))
            seen.add(name)
            parsed.lines[child] = line
            _collect_lines(value_node, child, parsed, first_line)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*key, index)
            parsed.lines[child] = item.start_mark.line + first_line
            _collect_lines(item, child, parsed, first_line)
