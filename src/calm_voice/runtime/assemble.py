"""Build the session loop with every engine that is available; what is missing becomes a notice."""

from __future__ import annotations

import threading

from calm_voice.commands import load_vocabulary
from calm_voice.config import Settings
from calm_voice.errors import CalmVoiceError
from calm_voice.guide import Guide
from calm_voice.runtime.loop import SessionLoop
from calm_voice.runtime.ports import JournalPort, Sink, SpeakerPort
from calm_voice.runtime.position import load_position

KEYBOARD_ONLY = "calm-voice will not read aloud for now; you can still read and use the keys."


def _make_speaker(settings: Settings, sink: Sink, guide: Guide) -> SpeakerPort | None:
    from calm_voice.speech.speaker import Speaker

    try:
        return Speaker.create(settings, guide.language)
    except CalmVoiceError as error:
        sink.on_notice(f"{error} {KEYBOARD_ONLY}", "warning")
        return None


def _open_journal(settings: Settings) -> JournalPort:
    from calm_voice.journal import JournalStore

    return JournalStore.from_settings(settings)


def build(settings: Settings, sink: Sink, guide: Guide, *, voice: bool = True) -> SessionLoop:
    vocabulary = load_vocabulary(settings.recognizer.language)
    loop = SessionLoop(
        guide, sink,
        speaker=_make_speaker(settings, sink, guide),
        vocabulary=vocabulary,
        settings=settings,
        start_step=load_position(settings.state_file, guide),
        journal_factory=lambda: _open_journal(settings),
    )
    if voice:
        threading.Thread(target=_start_voice, args=(loop, settings, sink), daemon=True,
                         name="calm-voice-start").start()
    else:
        sink.on_notice("Voice commands are off; use the keys.", "information")
    return loop


def _start_voice(loop: SessionLoop, settings: Settings, sink: Sink) -> None:
    """Load the model and open the microphone off every other thread; report what happened."""
    from calm_voice.runtime.voice_setup import start_voice

    try:
        start_voice(loop, settings, sink)
    except CalmVoiceError as error:
        sink.on_notice(str(error), "warning")
