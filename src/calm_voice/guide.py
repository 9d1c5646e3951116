"""The guide: content YAML → frozen Guide/Part/Step/Prompt, validated against a JSON schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from calm_voice import safe_yaml
from calm_voice.errors import GuideError, UnknownStepError

MAX_SCHEMA_ERRORS = 1000
"""Schema problems looked for at most; a file with more is reported as having at least this."""
MAX_MESSAGE_CHARS = 200
"""A schema message quotes the value it is about; a huge value is cut here."""


@dataclass(frozen=True)
class Prompt:
    id: str
    text: str


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    part_id: str
    sentences: tuple[str, ...]
    prompts: tuple[Prompt, ...]

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


@dataclass(frozen=True)
class Part:
    id: str
    title: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Guide:
    id: str
    language: str
    title: str
    parts: tuple[Part, ...]

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for part in self.parts for step in part.steps)

    def index_of(self, step_id: str) -> int:
        for index, step in enumerate(self.steps):
            if step.id == step_id:
                return index
        known = ", ".join(step.id for step in self.steps)
        raise UnknownStepError(f"There is no step called '{step_id}'.", f"Steps are: {known}.")

    def step(self, step_id: str) -> Step:
        return self.steps[self.index_of(step_id)]

    def part_of(self, step: Step) -> Part:
        return next(part for part in self.parts if part.id == step.part_id)

    def reason_index(self, number: int) -> int | None:
        """Index of the Nth step of the 'reasons' part (1-based), if there is one."""
        part = next((p for p in self.parts if p.id == "reasons"), None)
        if part is None or not 1 <= number <= len(part.steps):
            return None
        return self.index_of(part.steps[number - 1].id)

    def prompt(self, prompt_id: str) -> Prompt | None:
        for step in self.steps:
            for prompt in step.prompts:
                if prompt.id == prompt_id:
                    return prompt
        return None


@cache
def _schema() -> dict[str, Any]:
    text = resources.files("calm_voice").joinpath("schema/guide.schema.json").read_text("utf-8")
    return dict(json.loads(text))


def _line_of(node: yaml.Node, path: Iterator[str | int]) -> int:
    """1-based line of the YAML node at a JSON path, or of its nearest existing parent."""
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            match = node.value[key]
        else:
            match = None
        if match is None:
            break
        node = match
    return node.start_mark.line + 1


def _field_name(path: list[str | int]) -> str:
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out or "(top level)"


_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "text", "integer": "a number"}


def _describe(error: jsonschema.ValidationError) -> str:
    """The schema error in words a content author can act on."""
    value: Any = error.instance
    expected: Any = error.validator_value
    if error.validator == "maxItems":
        return f"has {len(value)} items; at most {expected} are allowed"
    if error.validator == "minItems":
        return "must not be empty" if expected == 1 else f"needs at least {expected} items"
    if error.validator == "minLength" or (error.validator == "pattern" and expected == "\\S"):
        return "must not be empty or blank"
    if error.validator == "maxLength":
        return f"is {len(value)} characters long; at most {expected} are allowed"
    if error.validator == "type":
        return (f"should be {_TYPE_NAMES.get(str(expected), expected)}, "
                f"not {safe_yaml.shown(repr(value))}")
    if error.validator == "pattern" and expected.startswith("^[a-z0-9]"):
        return (f"{safe_yaml.shown(repr(value))} should use only lower-case letters, digits "
                "and dashes")
    if error.validator == "pattern" and expected == "^[a-z]{2,3}$":
        return f"{safe_yaml.shown(repr(value))} should be a language code like 'en'"
    return error.message


def check_guide(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """Parse and validate; returns the data and every problem as 'file:line: field: message'."""
    try:
        data, node = safe_yaml.load_file(path)
    except FileNotFoundError:
        return None, [f"{path}: the guide file does not exist"]
    except OSError as exc:
        return None, [f"{path}: the guide file cannot be read ({exc.strerror})"]
    except safe_yaml.YamlProblem as exc:
        return None, [_yaml_problem(path, problem) for problem in exc.problems]
    if node is None or not isinstance(data, dict):
        return None, [f"{path}:1: (top level): the guide must be a mapping with parts and steps"]
    found: set[tuple[int, str, str]] = set()
    validator = jsonschema.Draft202012Validator(_schema())
    for error in islice(validator.iter_errors(data), MAX_SCHEMA_ERRORS):
        where = list(error.absolute_path)
        found.add((_line_of(node, iter(where)), _field_name(where), _describe(error)))
    found.update(_duplicate_ids(node, data))
    problems = [f"{path}:{line}: {field}: {safe_yaml.shown(message, MAX_MESSAGE_CHARS)}"
                for line, field, message in sorted(found)]
    return data, problems


def _yaml_problem(path: Path, problem: str) -> str:
    """'3: what' from the YAML reader as 'file:3: (yaml): what'."""
    line, _, what = problem.partition(": ")
    if not line.isdigit():
        return f"{path}: (yaml): {problem}"
    return f"{path}:{line}: (yaml): {what}"


def _items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The mappings in a list, with their positions; anything malformed is the schema's job."""
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _duplicate_ids(node: yaml.Node, data: dict[str, Any]) -> list[tuple[int, str, str]]:
    seen: dict[str, str] = {}
    problems = []
    for p, part in _items(data.get("parts")):
        for s, step in _items(part.get("steps")):
            ids: list[tuple[list[str | int], Any]] = [
                (["parts", p, "steps", s, "id"], step.get("id"))]
            ids += [(["parts", p, "steps", s, "prompts", q, "id"], prompt.get("id"))
                    for q, prompt in _items(step.get("prompts"))]
            for where, value in ids:
                if not isinstance(value, str):
                    continue
                if value in seen:
                    problems.append((_line_of(node, iter(where)), _field_name(where),
                                     f"id '{value}' is already used by {seen[value]}"))
                else:
                    seen[value] = _field_name(where)
    return problems


def load_guide(path: Path) -> Guide:
    data, problems = check_guide(path)
    if problems or data is None:
        shown = "\n  ".join(safe_yaml.capped(problems))
        raise GuideError(
            f"The guide file has problems:\n  {shown}\n",
            f"Fix them, or check it with: calm-voice content check {path}",
        )
    return Guide(
        id=data["id"],
        language=data["language"],
        title=data["title"],
        parts=tuple(
            Part(
                id=part["id"],
                title=part["title"],
                steps=tuple(
                    Step(
                        id=step["id"],
                        title=step["title"],
                        part_id=part["id"],
                        sentences=tuple(step["sentences"]),
                        prompts=tuple(Prompt(p["id"], p["text"]) for p in step["prompts"]),
                    )
                    for step in part["steps"]
                ),
            )
            for part in data["parts"]
        ),
    )
