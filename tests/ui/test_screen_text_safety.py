"""Random control characters and markup in every kind of text shown: visible, never executed."""

from __future__ import annotations

import asyncio
import io
import unicodedata
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult

from calm_voice.cli import fail
from calm_voice.cli.listen import PrintSink
from calm_voice.errors import CalmVoiceError
from calm_voice.events import Final
from calm_voice.guide import load_guide
from calm_voice.paths import default_guide_path
from calm_voice.ui.screens.notice import NoticeScreen
from calm_voice.ui.widgets.notice_bar import NoticeBar
from calm_voice.ui.widgets.transcript import Line, TranscriptPane

CONTROLS = [chr(c) for c in [*range(0, 32), 127, *range(0x80, 0xA0)]] + ["\u202e", "\u2066"]
hostile = st.text(alphabet=st.one_of(st.sampled_from(CONTROLS + list("[]/bold ]\\")),
                                     st.characters(codec="utf-8")), min_size=1, max_size=40)


def executable(text: str) -> list[str]:
    """Characters a terminal would act on rather than show (newlines between lines aside)."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf")
            and c not in ("\u200c", "\u200d")]


@given(st.lists(hostile, min_size=1, max_size=5))
@settings(max_examples=200, deadline=None)
def test_listen_prints_no_control_characters(texts: list[str]) -> None:
    out = io.StringIO()
    sink = PrintSink(load_guide(default_guide_path()), out)
    for text in texts:
        sink.on_heard(Final(text))
        sink.on_say(text)
        sink.on_notice(text, "warning")
    assert executable(out.getvalue()) == []


@given(hostile, hostile)
@settings(max_examples=200, deadline=None)
def test_error_messages_print_no_control_characters(problem: str, fix: str) -> None:
    import contextlib

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert fail(CalmVoiceError(problem, fix)) == 2
    assert executable(err.getvalue()) == []


class Shown(App[None]):
    def compose(self) -> ComposeResult:
        yield TranscriptPane()
        yield NoticeBar()


async def show(texts: list[str]) -> str:
    app = Shown()
    async with app.run_test(size=(100, 40)) as pilot:
        for text in texts:
            app.query_one(TranscriptPane).add(Line(datetime.now(), text, "final"))
            app.query_one(TranscriptPane).show_partial(datetime.now(), text)
            app.query_one(NoticeBar).add(text)
        await pilot.pause()
        app.push_screen(NoticeScreen(texts[0], "\n".join(texts)))
        await pilot.pause()
        screen_one = app.export_screenshot()
        app.pop_screen()
        await pilot.pause()
        return screen_one + app.export_screenshot()


@given(st.lists(hostile, min_size=1, max_size=4))
@settings(max_examples=25, deadline=None)
def test_widgets_and_dialogs_render_control_characters_visibly(texts: list[str]) -> None:
    rendered = asyncio.run(show(texts))
    assert "\x1b" not in rendered and "\x07" not in rendered and "\x9b" not in rendered
