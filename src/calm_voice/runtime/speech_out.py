"""Carry out the session's speech effects on the speaker; its progress comes back as inputs."""

from __future__ import annotations

from collections.abc import Callable

from calm_voice.guide import Guide
from calm_voice.runtime.ports import Sink, SpeakerPort
from calm_voice.session import effects as e
from calm_voice.session.inputs import Input, SentenceStarted, SpeechDone
from calm_voice.session.script import step_script
from calm_voice.session.state import SpeechKind


def voice_command(effect: e.AdjustVoice) -> str:
    if effect.volume_delta:
        return "louder" if effect.volume_delta > 0 else "softer"
    return "faster" if effect.rate_delta > 0 else "slower"


def voice_changed(effect: e.AdjustVoice, rate: int, volume: float) -> str:
    """The short line that confirms a louder/softer/faster/slower command."""
    if effect.volume_delta:
        return f"{voice_command(effect)}: volume {round(volume * 100)}%"
    return f"{voice_command(effect)}: rate {rate} words a minute"


class SpeechOut:
    def __init__(self, speaker: SpeakerPort | None, guide: Guide, sink: Sink,
                 submit: Callable[[Input], None], lookahead: bool) -> None:
        self.speaker = speaker
        self.guide = guide
        self.sink = sink
        self.submit = submit
        self.lookahead = lookahead

    def apply(self, effect: e.Effect, current_step: int) -> bool:
        """Carry out `effect`; False if it is not about speech."""
        speaker = self.speaker
        if isinstance(effect, e.PlayStep):
            # Sentence n of the step is script line n + 1; line 0 is the heading.
            start = 0 if effect.sentence == 0 else effect.sentence + 1
            self._speak(SpeechKind.STEP, effect.step, step_script(self.guide, effect.step),
                        start, offset=1)
            following = effect.step + 1
            if speaker is not None and self.lookahead and following < len(self.guide.steps):
                speaker.prefetch(step_script(self.guide, following))
        elif isinstance(effect, e.Announce):
            self.sink.on_say(effect.text)
            self._speak(SpeechKind.SAY, current_step, [effect.text])
        elif isinstance(effect, e.AskPrompt):
            prompt = self.guide.steps[effect.step].prompts[effect.prompt]
            said = [prompt.text, effect.hint] if effect.hint else [prompt.text]
            for text in said:
                self.sink.on_say(text)
            self._speak(SpeechKind.PROMPT, effect.step, said, index=effect.prompt)
        elif isinstance(effect, (e.StopSpeech, e.PauseSpeech, e.ResumeSpeech, e.AdjustVoice)):
            self._control(effect)
        else:
            return False
        return True

    def _speak(self, kind: SpeechKind, step: int, sentences: list[str], start: int = 0,
               offset: int = 0, index: int = 0) -> None:
        """Play `sentences`; `index` (a prompt number) comes back with the done report."""
        if self.speaker is None:
            if kind is not SpeechKind.STEP:
                self.submit(SpeechDone(kind, step, index, True))
            return

        def on_sentence(i: int) -> None:
            if kind is SpeechKind.STEP:
                self.submit(SentenceStarted(step, max(0, i - offset)))

        def on_done(completed: bool) -> None:
            self.submit(SpeechDone(kind, step, index, completed))

        self.speaker.speak(f"{kind.value}:{step}", sentences, start, on_sentence=on_sentence,
                           on_done=on_done)

    def _control(self, effect: e.Effect) -> None:
        speaker = self.speaker
        if speaker is None:
            if isinstance(effect, e.AdjustVoice):
                self.sink.on_notice(f"{voice_command(effect)}: nothing is read aloud, so there "
                                    "is no voice to change.")
            return
        if isinstance(effect, e.StopSpeech):
            speaker.stop()
        elif isinstance(effect, e.PauseSpeech):
            speaker.pause()
        elif isinstance(effect, e.ResumeSpeech):
            speaker.resume()
        elif isinstance(effect, e.AdjustVoice):
            rate, volume = speaker.adjust(effect.rate_delta, effect.volume_delta)
            self.sink.on_notice(voice_changed(effect, rate, volume))
