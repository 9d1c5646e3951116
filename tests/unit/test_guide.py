"""Guide loading and validation: every problem with file, line and field; the Guide's lookups."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from calm_voice.errors import GuideError, UnknownStepError
from calm_voice.guide import Guide, check_guide, load_guide

REPO = Path(__file__).resolve().parents[2]

GOOD = """\
schema: 1
id: tiny
language: en
title: A tiny guide
parts:
  - id: first-part
    title: First part
    steps:
      - id: one
        title: One
        sentences:
          - The first sentence.
          - The second sentence.
        prompts:
          - id: one-how
            text: How is it?
  - id: second-part
    title: Second part
    steps:
      - id: two
        title: Two
        sentences: [Only sentence.]
        prompts:
          - {id: two-why, text: "Why?"}
          - {id: two-what, text: "What?"}
"""

# Line numbers below are pinned to this text: each problem sits on the line named beside it.
BROKEN = """\
schema: 1
id: broken
language: en
title: A broken guide
parts:
  - id: one
    title: One
    steps:
      - id: first
        title: First
        sentences:
          - ""
        prompts:
          - id: p1
            text: Why?
      - id: second
        sentences: ["Fine."]
        prompts:
          - {id: first, text: "A?"}
          - {id: p3, text: "B?"}
          - {id: p4, text: "C?"}
          - {id: p5, text: "D?"}
      - id: third
        title: 42
        sentences: "not a list"
        prompts:
          - {id: p1, text: "E?"}
      - id: fourth
        title: Fourth
        sentences: []
        prompts: []
"""
BROKEN_PROBLEMS = [
    (12, "parts[0].steps[0].sentences[0]", "must not be empty"),
    (16, "parts[0].steps[1]", "'title' is a required property"),
    (19, "parts[0].steps[1].prompts", "has 4 items; at most 3"),
    (19, "parts[0].steps[1].prompts[0].id", "id 'first' is already used by parts[0].steps[0].id"),
    (24, "parts[0].steps[2].title", "should be text, not 42"),
    (25, "parts[0].steps[2].sentences", "should be a list"),
    (27, "parts[0].steps[2].prompts[0].id", "id 'p1' is already used"),
    (30, "parts[0].steps[3].sentences", "must not be empty"),
    (31, "parts[0].steps[3].prompts", "must not be empty"),
]


def write(tmp_path: Path, text: str, name: str = "guide.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def parse(problem: str) -> tuple[str, int, str, str]:
    found = re.fullmatch(r"(.+?):(\d+): (\(top level\)|\S+): (.+)", problem)
    assert found, f"not 'file:line: field: message': {problem}"
    return found[1], int(found[2]), found[3], found[4]


def test_good_guide_has_no_problems(tmp_path: Path) -> None:
    data, problems = check_guide(write(tmp_path, GOOD))
    assert problems == []
    assert data is not None and data["id"] == "tiny"


def test_good_guide_loads_into_frozen_dataclasses(tmp_path: Path) -> None:
    guide = load_guide(write(tmp_path, GOOD))
    assert (guide.id, guide.language, guide.title) == ("tiny", "en", "A tiny guide")
    assert [step.id for step in guide.steps] == ["one", "two"]
    one = guide.steps[0]
    assert one.part_id == "first-part"
    assert one.sentences == ("The first sentence.", "The second sentence.")
    assert one.text == "The first sentence. The second sentence."
    assert [p.text for p in guide.steps[1].prompts] == ["Why?", "What?"]
    with pytest.raises(AttributeError):
        one.title = "changed"  # type: ignore[misc]


def test_broken_guide_reports_every_problem_with_file_line_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, BROKEN)
    _, problems = check_guide(path)
    parsed = [parse(p) for p in problems]
    assert all(file == str(path) for file, _, _, _ in parsed)
    assert len(parsed) == len(BROKEN_PROBLEMS), "\n".join(problems)
    for (_, line, field, message), (want_line, want_field, want_text) in zip(
        parsed, BROKEN_PROBLEMS, strict=True
    ):
        assert (line, field) == (want_line, want_field), problems
        assert want_text in message


def test_problems_are_sorted_by_line(tmp_path: Path) -> None:
    _, problems = check_guide(write(tmp_path, BROKEN))
    lines = [parse(p)[1] for p in problems]
    assert lines == sorted(lines)


def test_problem_messages_do_not_dump_python_values(tmp_path: Path) -> None:
    _, problems = check_guide(write(tmp_path, BROKEN))
    four_prompts = next(p for p in problems if "at most 3" in p)
    assert "{" not in four_prompts and "\\S" not in " ".join(problems)


def test_one_empty_sentence_is_one_problem(tmp_path: Path) -> None:
    _, problems = check_guide(write(tmp_path, GOOD.replace("The second sentence.", "'   '")))
    assert len(problems) == 1
    assert parse(problems[0])[1:3] == (13, "parts[0].steps[0].sentences[1]")


@pytest.mark.parametrize(
    ("old", "new", "line", "field", "text"),
    [
        ("schema: 1", "schema: 2", 1, "schema", "1 was expected"),
        ("id: tiny", "id: Tiny Guide", 2, "id", "lower-case letters"),
        ("language: en", "language: English", 3, "language", "language code like 'en'"),
        ("title: A tiny guide\n", "", 1, "(top level)", "'title' is a required property"),
        ("    title: First part", "    title: First part\n    colour: blue", 6, "parts[0]",
         "'colour' was unexpected"),
        ("text: How is it?", "text: 17", 16, "parts[0].steps[0].prompts[0].text",
         "should be text, not 17"),
        ("text: How is it?", "text: " + "very " * 30 + "long?", 16,
         "parts[0].steps[0].prompts[0].text", "at most 140"),
        ("id: two-what", "id: one", 25, "parts[1].steps[0].prompts[1].id",
         "id 'one' is already used by parts[0].steps[0].id"),
        ("id: two\n", "id: one\n", 20, "parts[1].steps[0].id", "already used"),
    ],
)
def test_single_problems(
    tmp_path: Path, old: str, new: str, line: int, field: str, text: str
) -> None:
    assert old in GOOD
    _, problems = check_guide(write(tmp_path, GOOD.replace(old, new, 1)))
    assert len(problems) == 1, problems
    _, got_line, got_field, message = parse(problems[0])
    assert (got_line, got_field) == (line, field)
    assert text in message


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("title: One\n", "title: [One\n"))
    data, problems = check_guide(path)
    assert data is None
    assert len(problems) == 1
    file, line, field, message = parse(problems[0])
    assert (file, field) == (str(path), "(yaml)")
    assert 10 <= line <= 12
    assert "not valid YAML" in message


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a\n- list\n", "just words\n"])
def test_not_a_mapping(tmp_path: Path, text: str) -> None:
    data, problems = check_guide(write(tmp_path, text))
    assert data is None
    assert problems == [f"{tmp_path / 'guide.yaml'}:1: (top level): "
                        "the guide must be a mapping with parts and steps"]


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    data, problems = check_guide(path)
    assert data is None
    assert problems == [f"{path}: the guide file does not exist"]


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"\xff\xfe\x00bad")
    _, problems = check_guide(path)
    assert len(problems) == 1 and "cannot be read" in problems[0]


def test_a_folder_is_not_a_guide(tmp_path: Path) -> None:
    _, problems = check_guide(tmp_path)
    assert len(problems) == 1 and "cannot be read" in problems[0]


@pytest.mark.parametrize("text", [BROKEN, GOOD.replace("title: One\n", "title: [One\n"), ""])
def test_load_guide_raises_guide_error_with_the_same_problems(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    _, problems = check_guide(path)
    with pytest.raises(GuideError) as raised:
        load_guide(path)
    for problem in problems:
        assert problem in raised.value.problem
    assert f"calm-voice content check {path}" in raised.value.fix


def test_load_guide_missing_file(tmp_path: Path) -> None:
    with pytest.raises(GuideError, match="does not exist"):
        load_guide(tmp_path / "gone.yaml")


def test_load_guide_shows_at_most_ten_problems(tmp_path: Path) -> None:
    steps = "".join(
        f"      - id: s{n}\n        title: S\n        sentences: []\n        prompts: []\n"
        for n in range(8)
    )
    text = GOOD.split("parts:")[0] + "parts:\n  - id: p\n    title: P\n    steps:\n" + steps
    path = write(tmp_path, text)
    _, problems = check_guide(path)
    assert len(problems) == 16
    with pytest.raises(GuideError) as raised:
        load_guide(path)
    assert "…and 6 more" in raised.value.problem
    assert problems[9] in raised.value.problem and problems[10] not in raised.value.problem


@pytest.fixture(scope="module")
def real_guide() -> Guide:
    return load_guide(REPO / "content" / "guide.en.yaml")


def test_guide_lookups(real_guide: Guide) -> None:
    assert real_guide.index_of("reason-3") == 3
    assert real_guide.step("react-2").title == "Open and Honest Conversation"
    assert real_guide.part_of(real_guide.step("react-2")).id == "reacting"
    prompt = real_guide.prompt("react-4-feel")
    assert prompt is not None and prompt.text.endswith("counselor?")
    assert real_guide.prompt("no-such-prompt") is None


def test_unknown_step_names_the_known_steps(real_guide: Guide) -> None:
    with pytest.raises(UnknownStepError) as raised:
        real_guide.index_of("reason-9")
    assert "reason-9" in raised.value.problem
    assert "reason-1" in raised.value.fix and "conclusion" in raised.value.fix
