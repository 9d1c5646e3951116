"""Shared pieces for the main-screen tests: running Pilot without a plugin, waiting, fakes."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot

from calm_voice.config import Settings, load_settings
from calm_voice.guide import Guide
from calm_voice.runtime.ports import Sink
from calm_voice.session.state import SessionState


def synchronous(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot test with asyncio (no async pytest plugin is needed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


def settings_for(tmp_path: Path) -> Settings:
    """Settings with an empty models folder, so no speech model is ever found."""
    models = tmp_path / "no-models"
    models.mkdir(exist_ok=True)
    return load_settings(None, models_dir=models, speaker__read_on_start=False)


async def wait_until(pilot: Pilot[Any], condition: Callable[[], bool],
                     timeout: float = 20.0) -> None:
    """Wait for something a worker thread causes; the timeout only stops a hung test."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("the screen never reached the expected state")
        await pilot.pause(0.05)


class FakeSpeakerInfo:
    device_name = "Test speaker"
    voice_name = "English (test)"


class FakeLoop:
    """Stands in for SessionLoop in tests of the UI's own logic; records what it is sent."""

    def __init__(self, sink: Sink, guide: Guide, state: SessionState | None = None) -> None:
        self.sink = sink
        self.guide = guide
        self.speaker: Any = FakeSpeakerInfo()
        self.submitted: list[object] = []
        self.started = False
        self.stopped = False
        self.initial = state

    def start(self) -> None:
        self.started = True
        if self.initial is not None:
            self.sink.on_state(self.initial)

    def submit(self, event: object) -> None:
        self.submitted.append(event)

    def stop(self) -> None:
        self.stopped = True


class FakeServices:
    """A services factory that builds a FakeLoop, optionally only once `release` is set."""

    def __init__(self, state: SessionState | None = None, wait: bool = False) -> None:
        self.state = state
        self.release = threading.Event()
        if not wait:
            self.release.set()
        self.loop: FakeLoop | None = None

    def __call__(self, settings: Settings, sink: Sink, guide: Guide, voice: bool) -> FakeLoop:
        self.release.wait(30)
        self.loop = FakeLoop(sink, guide, self.state)
        return self.loop


def screen_text(app: App[Any]) -> str:
    """The whole terminal as plain text, the way a person would read it."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)
