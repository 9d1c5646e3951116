"""Start listening: find and load the model, open the microphone, attach voice to the loop."""

from __future__ import annotations

from calm_voice.audio.capture import Capture
from calm_voice.config import Settings
from calm_voice.runtime.loop import SessionLoop
from calm_voice.runtime.ports import Sink
from calm_voice.runtime.voice_input import VoiceInput
from calm_voice.speech.discovery import find_model
from calm_voice.speech.endpoint import model_view
from calm_voice.speech.recognizer import Recognizer, load_model


def start_voice(loop: SessionLoop, settings: Settings, sink: Sink) -> VoiceInput:
    """Slow (the model takes seconds to load); raises CalmVoiceError for what is missing."""
    found = find_model(settings)
    sink.on_notice(f"Loading the speech model ({found.name})…", "information")
    view = model_view(found.path, settings.data_dir / "model-views",
                      settings.recognizer.endpoint_silence,
                      settings.recognizer.endpoint_silence_long)
    model = load_model(view)
    capture = Capture(settings.audio.input_device, settings.audio.block_ms)
    capture.start()
    recognizer = Recognizer(model, loop.vocabulary.grammar())
    voice = VoiceInput(capture.next_block, recognizer, loop.submit, sink, on_stop=capture.stop,
                       is_alive=capture.is_alive, clock=lambda: capture.last_block_time,
                       lost_audio_note=capture.lost_audio_note)
    loop.model_name = found.name
    voice.start()
    loop.attach_voice(voice)
    sink.on_notice(f"Listening on {capture.device_name}. Say “help” to hear what you can say.",
                   "information")
    return voice
