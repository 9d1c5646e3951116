"""The one start-up: build the session loop with every engine that is available (what is
missing becomes a notice), and say where it starts and whether it reads at once. Used by the
TUI, `listen`, the benches and the tests alike. (Where it opens: position.opening_step.)"""

from __future__ import annotations

import threading
from collections.abc import Callable

from calm_voice.commands import load_vocabulary
from calm_voice.config import Settings
from calm_voice.errors import CalmVoiceError
from calm_voice.events import Command, CommandKind
from calm_voice.guide import Guide
from calm_voice.runtime.loop import SessionLoop
from calm_voice.runtime.ports import JournalPort, Sink, SpeakerPort
from calm_voice.runtime.position import load_place
from calm_voice.session.script import listening_on
from calm_voice.session.spoken_words import spoken_words

KEYBOARD_ONLY = "calm-voice will not read aloud for now; you can still read and use the keys."


def opening_commands(settings: Settings, speaker: SpeakerPort | None, *,
                     quiet_start: bool = False) -> list[Command]:
    """What the loop is given first: reading starts at once when it can and should."""
    if quiet_start or speaker is None or not settings.speaker.read_on_start:
        return []
    return [Command(CommandKind.RESUME)]


def build(settings: Settings, sink: Sink, guide: Guide, *, voice: bool = True) -> SessionLoop:
    """Slow (opens the speaker; the model loads in a thread of its own): call it off the UI."""
    step, sentence = load_place(settings.state_file, guide)
    loop = SessionLoop(
        guide, sink,
        speaker=_make_speaker(settings, sink, guide),
        vocabulary=load_vocabulary(settings.recognizer.language),
        settings=settings,
        start_step=step,
        start_sentence=sentence,
        journal_factory=lambda: _open_journal(settings, sink),
    )
    if voice:
        threading.Thread(target=_start_voice_reporting, args=(loop, settings, loop.sink),
                         daemon=True, name="calm-voice-start").start()
    else:
        loop.sink.on_notice("Voice commands are off; use the keys.", "information")
    return loop


def _make_speaker(settings: Settings, sink: Sink, guide: Guide) -> SpeakerPort | None:
    from calm_voice.speech.speaker import Speaker

    try:
        return Speaker.create(settings, guide.language)
    except CalmVoiceError as error:
        sink.on_notice(f"{error} {KEYBOARD_ONLY}", "warning")
        return None


def _open_journal(settings: Settings, sink: Sink) -> JournalPort:
    from calm_voice.journal import JournalStore

    store = JournalStore.from_settings(settings)
    store.on_wait = lambda text: sink.on_notice(text, "information")  # a busy journal is told
    return store


def _start_voice_reporting(loop: SessionLoop, settings: Settings, sink: Sink) -> None:
    try:
        start_voice(loop, settings, sink)
    except CalmVoiceError as error:
        sink.on_notice(str(error), "warning")


def start_voice(loop: SessionLoop, settings: Settings, sink: Sink) -> None:
    """Find and load the model, open the microphone, attach voice to the loop. Slow (the model
    takes seconds to load); raises CalmVoiceError for what is missing."""
    from calm_voice.audio.capture import Capture
    from calm_voice.runtime.voice_input import VoiceInput
    from calm_voice.speech.discovery import find_model
    from calm_voice.speech.endpoint import model_view
    from calm_voice.speech.recognizer import Recognizer, load_model

    found = find_model(settings)
    sink.on_notice(f"Loading the speech model ({found.name})…", "information")
    view = model_view(found.path, settings.data_dir / "model-views",
                      settings.recognizer.endpoint_silence,
                      settings.recognizer.endpoint_silence_long)
    model = load_model(view)
    capture = Capture(settings.audio.input_device, settings.audio.block_ms)
    capture.start()
    recognizer = Recognizer(model, loop.vocabulary.grammar(), can_grow=loop.vocabulary.can_grow,
                            command_hold=settings.recognizer.command_hold,
                            command_endpoint=settings.recognizer.command_endpoint)
    remover = played_sound_remover(settings, loop.speaker)
    voice = VoiceInput(capture.next_block, recognizer, loop.submit, sink, on_stop=capture.stop,
                       is_alive=capture.is_alive, clock=lambda: capture.last_block_time,
                       lost_audio_note=capture.lost_audio_note, remove_played=remover)
    voice.start()
    loop.attach_voice(voice, found.name)
    sink.on_notice(listening_on(capture.device_name, spoken_words(loop.vocabulary)),
                   "information")


def played_sound_remover(settings: Settings, speaker: object) -> Callable[[bytes, float],
                                                                          bytes] | None:
    """What takes the guide's sound out of the microphone before the recogniser, or None when
    the settings leave it out (recognizer.echo_cancel) or the speaker cannot say what it
    played. Own voice is kept out twice: its sound before the recogniser, its words after."""
    from calm_voice.runtime.echo_removal import PlayedSoundRemover, PlayedStream

    if not (settings.recognizer.reject_own_voice and settings.recognizer.echo_cancel):
        return None
    if not isinstance(speaker, PlayedStream):
        return None
    return PlayedSoundRemover(speaker)
