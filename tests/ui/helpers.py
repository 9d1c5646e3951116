"""Shared pieces for the screen tests: running Pilot without a plugin, waiting, the steps that
press keys and let what they start finish, recording the virtual speaker, fakes."""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App
from textual.message import Message
from textual.pilot import Pilot

from calm_voice.audio.devices import rescan
from calm_voice.config import Settings, load_settings
from calm_voice.guide import Guide
from calm_voice.runtime.ports import Sink
from calm_voice.session.state import SessionState
from calm_voice.ui.screens.journal import ENTRY_DEBOUNCE
from tests.support.live_record import LiveRecorder
from tests.support.pulse import SPEAKER, PulseServer

T = TypeVar("T")


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


async def settle(pilot: Pilot[Any]) -> None:
    """Let debounce timers fire, then wait for every worker and the messages they posted."""
    await pilot.pause(2 * ENTRY_DEBOUNCE)
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def press_and_settle(pilot: Pilot[Any], *keys: str) -> None:
    """Press the keys, then let what they started finish."""
    await pilot.press(*keys)
    await settle(pilot)


@asynccontextmanager
async def settled_run(app: App[Any], size: tuple[int, int],
                      message_hook: Callable[[Message], None] | None = None,
                      ) -> AsyncIterator[Pilot[Any]]:
    """Run the app under Pilot once what it starts on mount (loading, workers) has finished."""
    async with app.run_test(size=size, message_hook=message_hook) as pilot:
        await settle(pilot)
        yield pilot


async def recording_the_speaker(pulse: PulseServer,
                                run: Callable[[LiveRecorder], Awaitable[T]]) -> T:
    """Run `run` while the private PulseAudio virtual speaker is recorded; PortAudio is made to
    list the devices again first, so that it sees that server."""
    rescan()
    recorder = LiveRecorder(pulse, f"{SPEAKER}.monitor")
    try:
        recorder.wait_ready()
        return await run(recorder)
    finally:
        recorder.stop()


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
