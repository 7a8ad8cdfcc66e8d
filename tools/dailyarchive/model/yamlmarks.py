"""YAML with line numbers: parse text into plain data, and find the line of any key when asked.

Data comes from yaml-rs (Rust, about 20 times faster than PyYAML on front matter). The lines of
keys come from PyYAML's node marks, computed only when a caller asks for one (a problem is being
reported), so checking an archive whose files are fine never pays for them. Whenever yaml-rs
rejects a text, PyYAML parses it again and decides: it gives the line and column of a syntax
error and the line of each duplicated key.

Anchors (`&name`) and aliases (`*name`) are refused before either parser runs: a file of a few
hundred bytes can alias its way to gigabytes, and front matter never needs them. A quick search
finds the few texts that might hold one; PyYAML's scanner (which expands nothing) decides.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
import yaml_rs

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Key = tuple[str | int, ...]

#: Deeper nesting than this is refused (PyYAML's C composer overflows the C stack on very deep input).
MAX_DEPTH = 200
#: Texts that yaml-rs reads differently from PyYAML: several documents, and merge keys (`<<:`).
_PYYAML_ONLY = re.compile(r"^(?:---|\.\.\.)(?:\s|$)|<<\s*:", re.MULTILINE)
TOO_DEEP = "lists and mappings nested hundreds of levels deep: front matter needs only a few levels"
_BRACKETS = re.compile(r"[\[\]{}]")
#: Block lists (or complex keys) nested on one line, `- - - - x`: yaml-rs has no limit on those and
#: overflows its stack, so a run deeper than MAX_DEPTH is refused before parsing.
_BLOCK_RUN = re.compile(r"(?:[-?][ \t]+){%d}" % MAX_DEPTH)
#: Where an anchor or an alias may start: `&` or `*` before a name, not inside a word (`R&D`).
#: Deliberately loose (after a space, a quote, an indicator: `{"k":*a}` is read by yaml-rs); Markdown
#: emphasis matches too, and the scanner then finds no anchor.
_MAYBE_ANCHOR = re.compile(r"[&*](?<!\w[&*])[^\s,\[\]{}]")
_RS_POSITION = re.compile(r"line (\d+), column (\d+)")


class _DatesAsText(_Base):  # type: ignore[misc, valid-type]
    """Safe loader that leaves dates as text, so the schema reports bad dates itself."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


class YamlSyntaxError(ValueError):
    """The text is not valid YAML; `line` and `column` are 1-based in the file."""

    def __init__(self, message: str, line: int, column: int, rule: str = "yaml-syntax") -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.rule = rule  #: the rule id `check` reports it under: yaml-syntax or yaml-alias


class Parsed:
    """Data of a YAML document; the 1-based file line of each key and list item is found on first use."""

    def __init__(self, data: Any, text: str, first_line: int = 1,
                 marks: tuple[dict[Key, int], list[tuple[Key, int]]] | None = None) -> None:
        self.data = data
        self.text = text
        self.first_line = first_line
        self._marks = marks
        self._top: dict[str, tuple[int, int, int] | None] | None = None
        self._items: dict[str, list[int]] = {}

    @property
    def lines(self) -> dict[Key, int]:
        """The line of every mapping key and sequence item, by its path of keys and indexes."""
        return self._load_marks()[0]

    @property
    def duplicates(self) -> list[tuple[Key, int]]:
        """Keys given twice in one mapping, with the line of the repeated one.

        yaml-rs refuses repeated keys, so only a text that PyYAML read can have them.
        """
        return self._marks[1] if self._marks is not None else []

    def line_of(self, key: Key, default: int) -> int:
        """The line of `key`, or of its nearest enclosing key, or `default`."""
        if self._marks is None and 1 <= len(key) <= 2:
            quick = self._quick_line(key)
            if quick is not None:
                return quick
        lines = self.lines
        for end in range(len(key), 0, -1):
            if key[:end] in lines:
                return lines[key[:end]]
        return default

    def _quick_line(self, key: Key) -> int | None:
        """The line of a top-level key or of an item of its list, read from the text without a
        YAML parser; None when the text is not plainly laid out (the marks then decide). Callers
        get an item's line only when the scan finds as many items as the data has."""
        if self._top is None:
            self._top = _top_level_lines(self.text)
        top = self._top.get(key[0]) if isinstance(key[0], str) else None
        if top is None or not isinstance(self.data, dict) or key[0] not in self.data:
            return None
        line, start, end = top
        if len(key) == 1:
            return line + self.first_line - 1
        value = self.data[key[0]]
        if key[0] not in self._items:
            self._items[key[0]] = [line] * end if start < 0 else _block_items(self.text, start, end, line)
        items = self._items[key[0]]
        if not isinstance(key[1], int) or not isinstance(value, list) or len(items) != len(value):
            return None
        return items[key[1]] + self.first_line - 1 if key[1] < len(items) else None

    def _load_marks(self) -> tuple[dict[Key, int], list[tuple[Key, int]]]:
        if self._marks is None:
            try:
                node = _compose(self.text)
            except (yaml.YAMLError, RecursionError):
                node = None  # yaml-rs read it, PyYAML does not: lines fall back to the defaults
            self._marks = _marks(node, self.first_line)
        return self._marks


def parse(text: str, first_line: int = 1) -> Parsed:
    """Parse one YAML document whose first line is line `first_line` of its file; dates stay text.

    Raises YamlSyntaxError with the parser's line, column and a hint on how to fix it (rule
    yaml-alias for an anchor or an alias, refused before parsing).
    """
    if ("&" in text or "*" in text) and _MAYBE_ANCHOR.search(text):
        _refuse_anchors(text, first_line)
    _refuse_block_runs(text, first_line)
    if not _pyyaml_only(text):
        try:
            return Parsed(yaml_rs.loads(text, parse_datetime=False), text, first_line)
        except yaml_rs.YAMLDecodeError as exc:
            _refuse_deep_nesting(str(exc), text, first_line)
        except (ValueError, TypeError, OverflowError):
            pass  # PyYAML below gives the position and the message
    return _parse_with_pyyaml(text, first_line)


def _pyyaml_only(text: str) -> bool:
    """True for a text only PyYAML reads right (quick tests first: nearly every text has neither)."""
    maybe = "<<" in text or "---" in text or "..." in text
    return maybe and _PYYAML_ONLY.search(text) is not None


def _refuse_block_runs(text: str, first_line: int) -> None:
    """Raise for block lists nested deeper than MAX_DEPTH on one line (counting first: nearly
    every text has far fewer list dashes in all)."""
    if text.count("-") + text.count("?") < MAX_DEPTH:
        return
    run = _BLOCK_RUN.search(text)
    if run:
        line = text.count("\n", 0, run.start())
        raise YamlSyntaxError(TOO_DEEP, line + first_line, run.start() - text.rfind("\n", 0, run.start()))


def _refuse_anchors(text: str, first_line: int) -> None:
    """Raise for the first anchor or alias of the text, found by PyYAML's scanner (which expands nothing)."""
    loader = _DatesAsText(text)
    try:
        while loader.check_token():
            token = loader.get_token()
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                mark = token.start_mark
                what = (f"an anchor (`&{token.value}`)" if isinstance(token, yaml.AnchorToken)
                        else f"an alias (`*{token.value}`)")
                raise YamlSyntaxError(f"{what} is not allowed: write the value out in full where it is used "
                                      "(a few aliased lines can expand to gigabytes)",
                                      mark.line + first_line, mark.column + 1, rule="yaml-alias")
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, first_line) from None
    finally:
        loader.dispose()


def _refuse_deep_nesting(message: str, text: str, first_line: int) -> None:
    """Raise for nesting deeper than PyYAML can safely compose (yaml-rs stops at its own limit)."""
    position = _RS_POSITION.search(message)
    if "recursion limit" in message and position:
        raise YamlSyntaxError(TOO_DEEP, int(position[1]) + first_line - 1, int(position[2]))
    if len(_BRACKETS.findall(text)) > MAX_DEPTH and _flow_depth(text) > MAX_DEPTH:
        raise YamlSyntaxError(TOO_DEEP, first_line, 1)


def _flow_depth(text: str) -> int:
    """The deepest nesting of brackets (an upper bound: brackets inside quotes count too)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(text):
        depth = depth + 1 if match[0] in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def _compose(text: str) -> yaml.Node | None:
    loader = _DatesAsText(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _parse_with_pyyaml(text: str, first_line: int) -> Parsed:
    """The slow path: PyYAML's nodes give the data, the lines and the errors' positions."""
    loader = _DatesAsText(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(exc, text, first_line) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(f"{exc}: check the YAML syntax", first_line, 1) from None
    except RecursionError:
        raise YamlSyntaxError(TOO_DEEP, first_line, 1) from None
    finally:
        loader.dispose()
    return Parsed(data, text, first_line, _marks(node, first_line))


def _syntax_error(exc: yaml.MarkedYAMLError, text: str, first_line: int) -> YamlSyntaxError:
    """PyYAML's error at its line and column of the file, explained."""
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
        mark = exc.context_mark  # something never closed: point where it opens
    line = (mark.line if mark else 0) + first_line
    column = (mark.column if mark else 0) + 1
    return YamlSyntaxError(_explain(exc, text, mark), line, column)


def _explain(exc: yaml.MarkedYAMLError, text: str, mark: Any) -> str:
    """The parser's complaint in one line, with a hint for the usual causes."""
    problem = exc.problem or exc.context or "invalid YAML"
    if exc.problem and exc.context and mark is exc.context_mark:
        problem = f"{exc.context} that is never closed ({exc.problem})"
    hint = "check indentation, colons, and quotes around text that contains ': ' or starts with a special character"
    if mark is not None:
        lines = text.splitlines()
        current = lines[mark.line] if mark.line < len(lines) else ""
        if "\t" in current[: mark.column + 1] or "'\\t'" in problem:
            hint = "indent with spaces, not tabs"
    if "another document" in problem:
        hint = "keep one YAML document: remove the extra '---' or '...' line"
    return f"{problem}: {hint}"


_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):(?:[ \t]*(\[.*\]))?(?:[ \t]+#.*|[ \t]*)$", re.MULTILINE)
_ITEM = re.compile(r"^( *)-(?: |$)", re.MULTILINE)
_CONTENT = re.compile(r"^ *[^ #\n]", re.MULTILINE)


def _top_level_lines(text: str) -> dict[str, tuple[int, int, int] | None]:
    """Each plain top-level key (`name:` at column 0): its 1-based line and the span of text
    up to the next such key (start -1: a one-line flow list, the span's end its item count).

    A key found twice maps to None (a line of a quoted text can look like a key)."""
    found: dict[str, tuple[int, int, int] | None] = {}
    keys = list(_TOP_KEY.finditer(text))
    for key, following in zip(keys, [*keys[1:], None]):
        if key[1] in found:
            found[key[1]] = None
            continue
        line = text.count("\n", 0, key.start()) + 1
        if key[2]:
            found[key[1]] = (line, -1, key[2].count(",") + 1)
        else:
            found[key[1]] = (line, key.end(), following.start() if following else len(text))
    return found


def _block_items(text: str, start: int, end: int, line: int) -> list[int]:
    """Lines of the items of a block list between `start` and `end` (empty if it is not one)."""
    first = _CONTENT.search(text, start, end)
    item = _ITEM.match(text, first.start()) if first else None
    if item is None:
        return []
    items, position = [], start
    for match in _ITEM.finditer(text, first.start(), end):
        if len(match[1]) == len(item[1]):
            line += text.count("\n", position, match.start())
            position = match.start()
            items.append(line)
    return items


def _marks(root: yaml.Node | None, first_line: int) -> tuple[dict[Key, int], list[tuple[Key, int]]]:
    """The line of every mapping key and sequence item below `root`, and the repeated keys."""
    lines: dict[Key, int] = {}
    duplicates: list[tuple[Key, int]] = []
    stack: list[tuple[yaml.Node, Key]] = [(root, ())] if root is not None else []
    while stack:  # iterative: deep documents must not exhaust Python's recursion limit
        node, key = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                name = str(key_node.value)
                child = (*key, name)
                line = key_node.start_mark.line + first_line
                if name in seen:
                    duplicates.append((child, line))
                seen.add(name)
                lines[child] = line  # YAML keeps the last value of a repeated key
                stack.append((value_node, child))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                child = (*key, index)
                lines[child] = item.start_mark.line + first_line
                stack.append((item, child))
    duplicates.sort(key=lambda d: d[1])
    return lines, duplicates
