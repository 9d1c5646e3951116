"""Settings, guides and vocabularies from any bytes or any YAML: a clear error, never a crash."""

from __future__ import annotations

import datetime
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calm_voice import safe_yaml
from calm_voice.commands import load_vocabulary
from calm_voice.config import load_settings
from calm_voice.errors import ConfigError, GuideError
from calm_voice.guide import check_guide, load_guide

BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""
FAST_SECONDS = 5.0  # generous: each of these takes milliseconds
SMALL_BYTES = 50_000_000

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.text(max_size=20), st.dates(), st.binary(max_size=8),
)
keys = st.one_of(st.text(max_size=10), st.integers(), st.booleans(), st.none(), st.dates())
structures = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=20)


def within_limits(action: Any) -> Any:
    tracemalloc.start()
    started = time.monotonic()
    try:
        return action()
    finally:
        _now, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert time.monotonic() - started < FAST_SECONDS and peak < SMALL_BYTES


def one_paragraph(error: Exception) -> None:
    text = str(error)
    assert "Traceback" not in text and len(text) < 2000


@given(st.binary(max_size=400))
@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_bytes_as_settings_are_accepted_or_explained(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes(data)
    try:
        load_settings(path)
    except ConfigError as error:
        one_paragraph(error)
        assert str(path) in error.problem and error.fix


@given(structures)
@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_yaml_structure_as_settings_is_accepted_or_explained(tmp_path: Path,
                                                                 value: Any) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.dump({"speaker": value}, allow_unicode=True), encoding="utf-8")
    try:
        load_settings(path)
    except ConfigError as error:
        one_paragraph(error)


@given(structures, st.sampled_from(["title", "parts", "id", "language"]))
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_yaml_structure_in_a_guide_is_a_list_of_problems(tmp_path: Path, value: Any,
                                                             where: str) -> None:
    guide = yaml.safe_load((Path("content") / "guide.en.yaml").read_text(encoding="utf-8"))
    guide[where] = value
    path = tmp_path / "guide.yaml"
    path.write_text(yaml.dump(guide, allow_unicode=True), encoding="utf-8")
    _data, problems = check_guide(path)
    assert all(p.startswith(str(path)) for p in problems)
    assert len(problems) <= 1000 and all(len(p) < len(str(path)) + 400 for p in problems)


@given(st.binary(max_size=400))
@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_random_bytes_as_a_guide_or_vocabulary_are_explained(tmp_path: Path,
                                                             data: bytes) -> None:
    (tmp_path / "commands.xx.yaml").write_bytes(data)
    with pytest.raises(GuideError) as raised:
        load_guide(tmp_path / "commands.xx.yaml")
    one_paragraph(raised.value)
    try:
        load_vocabulary("xx", tmp_path)
    except GuideError as error:
        one_paragraph(error)


@pytest.mark.parametrize(("text", "says"), [
    ("speaker: {1: 2}\n", "the key '1' is a number, but keys must be text"),
    ("speaker:\n  true: 2\n", "line 2: the key 'true' is true/false"),
    ("null: 3\n", "the key 'null' is null"),
    ("speaker: {rate: 2024-01-02}\n", "'2024-01-02' is read as a date"),
    ("2024-01-02: x\n", "the key '2024-01-02' is a date"),
    ("speaker: !!binary aGVsbG8=\n", "is read as binary data"),
    ("speaker: !!set {a, b}\n", "a set is not plain data"),
    ("a: &a [*a]\n", "refers to the list or mapping it is in"),
])
def test_each_odd_yaml_value_is_named_with_its_line(tmp_path: Path, text: str, says: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot be read") as raised:
        load_settings(path)
    assert says in raised.value.problem, raised.value.problem
    one_paragraph(raised.value)


def test_non_utf8_settings_are_explained(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_bytes("speaker:\n  voice: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="line 2: the file cannot be read as UTF-8 text"):
        load_settings(path)


def test_an_alias_bomb_is_refused_before_it_expands(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    assert len(BOMB) < 600
    _data, problems = within_limits(lambda: check_guide(path))
    assert len(problems) == 1 and "would expand to more than" in problems[0]
    with pytest.raises(ConfigError, match="would expand"):
        within_limits(lambda: load_settings(path))


def test_many_aliases_are_refused(tmp_path: Path) -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * (safe_yaml.MAX_ALIASES + 1)) + "]\n"
    with pytest.raises(safe_yaml.YamlProblem, match="aliases"):
        safe_yaml.parse(text)


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(safe_yaml.YamlProblem):
        safe_yaml.parse("[" * 2000 + "]" * 2000)


def test_a_huge_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * safe_yaml.MAX_BYTES)
    with pytest.raises(safe_yaml.YamlProblem, match="larger than"):
        safe_yaml.read_text(path)


def test_many_problems_are_capped(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("".join(f"{n}: x\n" for n in range(100)), encoding="utf-8")
    with pytest.raises(ConfigError, match="and 90 more") as raised:
        load_settings(path)
    one_paragraph(raised.value)


def test_plain_data_still_loads() -> None:
    data, node = safe_yaml.parse("a: [1, 2.5, true, null, text]\nb: &x {c: d}\ne: *x\n")
    assert data == {"a": [1, 2.5, True, None, "text"], "b": {"c": "d"}, "e": {"c": "d"}}
    assert node is not None
    assert safe_yaml.parse("base: &b {x: 1}\nmore: {<<: *b, y: 2}\n")[0]["more"] == {
        "x": 1, "y": 2}
    assert datetime.date  # dates are refused, above; quoted they are text:
    assert safe_yaml.parse("when: '2024-01-02'\n")[0] == {"when": "2024-01-02"}


@pytest.mark.parametrize(("field", "value", "says"), [
    ("sentence", "x" * 1001, "at most 1000"),
    ("title", "y" * 201, "at most 200"),
])
def test_the_schema_caps_lengths(tmp_path: Path, field: str, value: str, says: str) -> None:
    guide = yaml.safe_load((Path("content") / "guide.en.yaml").read_text(encoding="utf-8"))
    step = guide["parts"][0]["steps"][0]
    if field == "sentence":
        step["sentences"][0] = value
    else:
        step["title"] = value
    path = tmp_path / "guide.yaml"
    path.write_text(yaml.dump(guide, allow_unicode=True), encoding="utf-8")
    _data, problems = check_guide(path)
    assert len(problems) == 1 and says in problems[0] and len(problems[0]) < 400
