"""The shipped guide keeps every sentence of the source article, in order, and asks good prompts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from calm_voice.guide import Guide, load_guide

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "content" / "guide.en.yaml"
ARTICLE = REPO / "content" / "source-article.txt"

# Headings the guide adds for navigation that the article does not have.
ADDED_HEADINGS = frozenset({"Introduction", "Reasons Behind His Distance"})

# Pinned so that renaming a prompt (which orphans its journal entries) is a deliberate change.
PROMPT_IDS = [
    "intro-what-brought-you", "intro-how-feeling",
    "reason-1-pressures", "reason-1-support",
    "reason-2-safe", "reason-2-space",
    "reason-3-recharge", "reason-3-balance",
    "reason-4-unsaid", "reason-4-heard",
    "reason-5-past", "reason-5-gentle",
    "react-1-expectations", "react-1-own-part",
    "react-2-opening", "react-2-question",
    "react-3-show", "react-3-yourself",
    "react-4-feel",
    "conclusion-takeaway", "conclusion-next-step",
]
STEP_IDS = [
    "intro", "reason-1", "reason-2", "reason-3", "reason-4", "reason-5",
    "react-1", "react-2", "react-3", "react-4", "conclusion",
]


def words(text: str) -> list[str]:
    """Words with list numbering ("1.") and heading colons removed; punctuation otherwise kept."""
    out = []
    for token in text.split():
        if re.fullmatch(r"\d+\.", token):
            continue
        token = token.rstrip(":")
        if token:
            out.append(token)
    return out


def guide_words(guide: Guide) -> list[str]:
    """The guide read front to back as the article would be: title, headings, sentences."""
    text = [guide.title]
    for part in guide.parts:
        if part.title not in ADDED_HEADINGS:
            text.append(part.title)
        for step in part.steps:
            if step.title != part.title and step.title not in ADDED_HEADINGS:
                text.append(step.title)
            text.extend(step.sentences)
    return words(" ".join(text))


def first_difference(expected: list[str], actual: list[str]) -> str | None:
    for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
        if want != got:
            context = " ".join(expected[max(0, index - 5):index + 5])
            return f"word {index}: article has {want!r}, guide has {got!r} (near: {context})"
    if len(expected) != len(actual):
        return f"article has {len(expected)} words, guide has {len(actual)}"
    return None


def load_mutated(tmp_path: Path, change: Any) -> Guide:
    data = yaml.safe_load(GUIDE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "guide.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_guide(path)


@pytest.fixture(scope="module")
def guide() -> Guide:
    return load_guide(GUIDE)


@pytest.fixture(scope="module")
def article_words() -> list[str]:
    return words(ARTICLE.read_text(encoding="utf-8"))


def test_article_copy_in_repo_is_the_source_article() -> None:
    shared = REPO.parent / "shared" / "guide" / "source-article.txt"
    if not shared.exists():
        pytest.skip("no shared copy of the article next to this checkout")
    assert ARTICLE.read_bytes() == shared.read_bytes()


def test_guide_keeps_every_word_of_the_article_in_order(
    guide: Guide, article_words: list[str]
) -> None:
    assert len(article_words) > 600
    assert first_difference(article_words, guide_words(guide)) is None


def test_each_guide_sentence_is_one_whole_article_sentence(guide: Guide) -> None:
    article = " ".join(ARTICLE.read_text(encoding="utf-8").split())
    for step in guide.steps:
        for sentence in step.sentences:
            assert sentence in article, sentence
            assert sentence.endswith("."), sentence
            assert ". " not in sentence, f"two sentences in one: {sentence}"


def drop_sentence(data: dict[str, Any]) -> None:
    del data["parts"][1]["steps"][2]["sentences"][1]


def change_word(data: dict[str, Any]) -> None:
    sentences = data["parts"][2]["steps"][0]["sentences"]
    sentences[1] = sentences[1].replace("expectations", "hopes")


def swap_sentences(data: dict[str, Any]) -> None:
    sentences = data["parts"][0]["steps"][0]["sentences"]
    sentences[0], sentences[1] = sentences[1], sentences[0]


def swap_steps(data: dict[str, Any]) -> None:
    steps = data["parts"][1]["steps"]
    steps[3], steps[4] = steps[4], steps[3]


def drop_last_sentence(data: dict[str, Any]) -> None:
    data["parts"][-1]["steps"][-1]["sentences"].pop()


def rename_step(data: dict[str, Any]) -> None:
    data["parts"][2]["steps"][3]["title"] = "Get Professional Help"


@pytest.mark.parametrize(
    "change",
    [drop_sentence, change_word, swap_sentences, swap_steps, drop_last_sentence, rename_step],
)
def test_a_changed_guide_no_longer_matches_the_article(
    tmp_path: Path, article_words: list[str], change: Any
) -> None:
    mutated = load_mutated(tmp_path, change)
    assert first_difference(article_words, guide_words(mutated)) is not None


def test_an_unchanged_round_trip_still_matches(tmp_path: Path, article_words: list[str]) -> None:
    """The mutation tests above fail for the mutation, not for the YAML round trip."""
    same = load_mutated(tmp_path, lambda data: None)
    assert first_difference(article_words, guide_words(same)) is None


def test_step_ids_are_pinned(guide: Guide) -> None:
    assert [step.id for step in guide.steps] == STEP_IDS


def test_prompt_ids_are_pinned_and_unique(guide: Guide) -> None:
    ids = [prompt.id for step in guide.steps for prompt in step.prompts]
    assert ids == PROMPT_IDS
    assert len(set(ids) | set(STEP_IDS)) == len(ids) + len(STEP_IDS)


def test_every_step_asks_one_to_three_short_questions(guide: Guide) -> None:
    for step in guide.steps:
        assert 1 <= len(step.prompts) <= 3, step.id
        for prompt in step.prompts:
            assert prompt.text.endswith("?"), prompt.id
            assert len(prompt.text.split()) <= 20, prompt.id
            assert prompt.text == prompt.text.strip(), prompt.id


def test_prompts_belong_to_their_step(guide: Guide) -> None:
    for step in guide.steps:
        for prompt in step.prompts:
            assert prompt.id.startswith(step.id + "-"), prompt.id


def test_reasons_part_has_the_five_reasons(guide: Guide) -> None:
    indexes = [guide.reason_index(n) for n in range(1, 6)]
    assert [guide.steps[i].id for i in indexes if i is not None] == [
        f"reason-{n}" for n in range(1, 6)
    ]
    assert guide.reason_index(0) is None
    assert guide.reason_index(6) is None
