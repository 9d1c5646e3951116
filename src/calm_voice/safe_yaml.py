"""YAML from files people hand us, read so that no file can crash, stall or flood the program.

Refused before anything is built from them: text that is not UTF-8, files over MAX_BYTES,
documents that would expand to more than MAX_NODES values (alias bombs) or use more than
MAX_ALIASES aliases, aliases that refer to themselves, and any value that is not plain data
(text, number, true/false, null, list, mapping with text keys): dates, binary, sets, and keys
like `1:`, `true:` or `null:` are reported with their line, so a one-paragraph error can name them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 2_000_000
MAX_NODES = 50_000
MAX_ALIASES = 1_000
MAX_PROBLEMS = 10
"""Problems listed by name before the rest are counted as "and N more"."""
MAX_SHOWN_CHARS = 60
"""A value quoted in a message is cut to this length, so a huge value cannot flood the screen."""

_TAG = "tag:yaml.org,2002:"
_PLAIN_VALUES = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null")}
_KEYS = {f"{_TAG}str", f"{_TAG}merge"}
_WORDS = {"int": "a number", "float": "a number", "bool": "true/false", "null": "null",
          "timestamp": "a date", "binary": "binary data", "set": "a set", "omap": "an ordered map",
          "pairs": "a list of pairs", "value": "a value marker"}


class YamlProblem(Exception):
    """The file cannot be used; `problems` are one line each, `line: what is wrong`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def shown(value: object, limit: int = MAX_SHOWN_CHARS) -> str:
    """A value quoted for a message, cut short."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def capped(problems: list[str], limit: int = MAX_PROBLEMS) -> list[str]:
    """The first `limit` problems, then one line counting the rest."""
    if len(problems) <= limit:
        return problems
    return [*problems[:limit], f"…and {len(problems) - limit} more"]


def in_words(problems: list[str]) -> str:
    """Problems as one sentence for a one-paragraph error: "line 3: …; line 9: …"."""
    return "; ".join(f"line {p}" if p[:1].isdigit() else p for p in capped(problems))


def read_text(path: Path) -> str:
    """The file as UTF-8 text; OSError for a missing or unreadable file, YamlProblem otherwise."""
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise YamlProblem([f"1: the file is larger than {MAX_BYTES // 1_000_000} MB"])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise YamlProblem([f"{line}: the file cannot be read as UTF-8 text (byte "
                           f"0x{data[exc.start]:02x} at position {exc.start}); save it as UTF-8"]
                          ) from exc


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _kind(tag: str) -> str:
    return _WORDS.get(tag.removeprefix(_TAG), tag)


class _CountingLoader(yaml.SafeLoader):
    """Counts aliases as they are composed, so a bomb stops before it is built."""

    aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                event = self.peek_event()
                raise YamlProblem([f"{event.start_mark.line + 1}: the file uses more than "
                                   f"{MAX_ALIASES} aliases (*name)"])
        return super().compose_node(parent, index)


def _check(root: yaml.Node) -> list[str]:
    """Problems in the composed graph; raises YamlProblem when it would expand too far."""
    problems: list[str] = []
    sizes: dict[int, int] = {}
    visiting: set[int] = set()

    def visit(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:  # an alias: its size counts again, its problems do not
            return sizes[key]
        if key in visiting:
            raise YamlProblem([f"{_line(node)}: an alias refers to the list or mapping it is in"])
        visiting.add(key)
        size = 1
        if isinstance(node, yaml.MappingNode):
            _container(node, f"{_TAG}map", problems)
            for name, value in node.value:
                if name.tag not in _KEYS or not isinstance(name, yaml.ScalarNode):
                    problems.append(f"{_line(name)}: the key {shown(_scalar(name))!r} is "
                                    f"{_kind(name.tag)}, but keys must be text; put it in quotes")
                size += 1 + visit(value)
                _limit(size, node)
        elif isinstance(node, yaml.SequenceNode):
            _container(node, f"{_TAG}seq", problems)
            for item in node.value:
                size += visit(item)
                _limit(size, node)
        elif node.tag not in _PLAIN_VALUES:
            problems.append(f"{_line(node)}: {shown(node.value)!r} is read as {_kind(node.tag)}; "
                            "put it in quotes if it is meant as text")
        visiting.discard(key)
        sizes[key] = size
        return size

    visit(root)
    return problems


def _container(node: yaml.Node, plain: str, problems: list[str]) -> None:
    if node.tag != plain:
        problems.append(f"{_line(node)}: {_kind(node.tag)} is not plain data; use a list or "
                        "a mapping")


def _scalar(node: yaml.Node) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else "(a list or mapping)"


def _limit(size: int, node: yaml.Node) -> None:
    if size > MAX_NODES:
        raise YamlProblem([f"{_line(node)}: the document would expand to more than "
                           f"{MAX_NODES} values (aliases repeat what they point to)"])


def parse(text: str) -> tuple[Any, yaml.Node | None]:
    """Plain data and its node tree (for line numbers); YamlProblem for anything refused."""
    loader: _CountingLoader | None = None
    try:
        loader = _CountingLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None, None
        problems = _check(node)
        if problems:
            raise YamlProblem(problems)
        return loader.construct_document(node), node
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlProblem([f"{line}: not valid YAML ({shown(exc.problem or exc)})"]) from exc
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise YamlProblem([f"{line}: the file holds a control character (0x{exc.character:02x}) "
                           "that YAML does not allow"]) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem([f"1: not valid YAML ({shown(exc)})"]) from exc
    except RecursionError as exc:
        raise YamlProblem(["1: the document is nested too deeply"]) from exc
    finally:
        if loader is not None:
            loader.dispose()


def load_file(path: Path) -> tuple[Any, yaml.Node | None]:
    """read_text then parse."""
    return parse(read_text(path))
