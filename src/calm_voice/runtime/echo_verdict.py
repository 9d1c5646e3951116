"""Judge, before the session decides, whether what was heard is the guide's own voice: the same
words as were just played, or a signal shaped like the played sound (see echo.py)."""

from __future__ import annotations

import time
from dataclasses import replace

from calm_voice.events import Final
from calm_voice.runtime.echo import hears_the_speaker, is_own_voice, judge_playback
from calm_voice.runtime.ports import SpeakerPort
from calm_voice.session.inputs import EchoVerdict, VoiceHeard

ECHO_WINDOW_S = 5.0  # how far back played words count, when the utterance's time is unknown
ECHO_LAG_S = 2.0  # the microphone may hear the speaker this late (see echo.py)
BYTES_PER_SECOND = 32000


def with_echo_verdict(event: VoiceHeard, speaker: SpeakerPort | None) -> VoiceHeard:
    """The event with its verdict filled in; unchanged when there is nothing to compare."""
    heard = event.heard
    if speaker is None or not isinstance(heard, Final) or not heard.text.strip():
        return event
    judged = judge_playback(event.audio, event.audio_end, speaker)
    same_words = (hears_the_speaker(judged)
                  and is_own_voice(heard.text, speaker.recent_text(_echo_window(event))))
    same_sound = judged is not None and not judged.person
    return replace(event, echo=EchoVerdict(same_words=same_words, same_sound=same_sound))


def _echo_window(event: VoiceHeard) -> float:
    """Seconds back to the start of the utterance, plus how late an echo can arrive: speech
    that ended before that cannot be what was heard."""
    if not event.audio or not event.audio_end:
        return ECHO_WINDOW_S
    began = event.audio_end - len(event.audio) / BYTES_PER_SECOND
    return max(0.0, time.monotonic() - began) + ECHO_LAG_S
