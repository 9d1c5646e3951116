"""`calm-voice devices` and `calm-voice doctor`: what the machine offers, and what to fix."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from importlib import import_module, metadata
from typing import Any

from calm_voice import paths
from calm_voice.cli import settings_from
from calm_voice.cli.language_check import Check, language_checks
from calm_voice.config import Settings
from calm_voice.errors import AudioDeviceError, CalmVoiceError
from calm_voice.safe_text import for_terminal

# (module to import, distribution name for its version)
PACKAGES = (("textual", "textual"), ("vosk", "vosk"), ("pyttsx3", "pyttsx3"),
            ("sounddevice", "sounddevice"), ("yaml", "PyYAML"), ("platformdirs", "platformdirs"))


def register(sub: Any) -> None:
    devices = sub.add_parser("devices", help="list microphones and speakers",
                             description="Lists the sound devices PortAudio can use; "
                                         "* marks the system defaults.")
    devices.set_defaults(func=run_devices)
    doctor = sub.add_parser("doctor", help="check that everything calm-voice needs is here",
                            description="Prints one line per thing calm-voice needs: OK, or "
                                        "what to do about it.")
    doctor.set_defaults(func=run_doctor)


PORTAUDIO_FIX = "Install PortAudio: sudo apt-get install libportaudio2"


def _devices_module() -> Any:
    """calm_voice.audio.devices, imported late: sounddevice fails to import without PortAudio."""
    try:
        return import_module("calm_voice.audio.devices")
    except OSError as exc:
        raise AudioDeviceError(f"The PortAudio sound library cannot be loaded ({exc}).",
                               PORTAUDIO_FIX) from exc


def run_devices(args: argparse.Namespace) -> int:
    devices_module = _devices_module()
    devices = devices_module.list_devices()
    if not devices:
        raise AudioDeviceError("No sound devices were found.", devices_module.NO_DEVICE_FIX)
    print("Sound devices (* marks a default; use the number or part of the name with "
          "--input-device / --output-device):")
    for device in devices:
        print(for_terminal(device.describe()))
    return 0


def check_package(module: str, distribution: str) -> Check:
    try:
        import_module(module)
    except Exception as exc:  # a broken install raises anything, not only ImportError
        return Check("FAIL", f"python package {distribution}",
                     f"cannot be imported ({exc}); run scripts/setup, or: "
                     f"pip install {distribution}")
    try:
        version = metadata.version(distribution)
    except metadata.PackageNotFoundError:
        version = "installed"
    return Check("OK", f"python package {distribution}", version)


def check_espeak(settings: Settings, language: str = "en") -> Check:
    """The voice that would read a guide in `language`, which must speak that language."""
    from calm_voice.speech.synth import list_voices, pick_voice, voice_speaks

    try:
        voices = list_voices()
        voice = pick_voice(voices, settings.speaker.voice, language)
    except CalmVoiceError as exc:
        return Check("FAIL", "espeak-ng", str(exc))
    if not voice_speaks(voice, language):
        fix = ("Remove speaker.voice from the settings to let calm-voice pick one"
               if settings.speaker.voice else f"Install a voice for '{language}': sudo apt-get "
               "install espeak-ng-data")
        return Check("FAIL", "espeak-ng", f"the voice {voice.id} ({voice.name}) does not speak "
                                          f"'{language}', the guide's language. {fix}.")
    return Check("OK", "espeak-ng", f"{len(voices)} voices; speaking with {voice.id} "
                                    f"({voice.name})")


def check_device(settings: Settings, direction: str) -> Check:
    spec = settings.audio.output_device if direction == "output" else settings.audio.input_device
    subject = "speaker (PortAudio output)" if direction == "output" \
        else "microphone (PortAudio input)"
    try:
        device = _devices_module().resolve(spec, direction)
    except AudioDeviceError as exc:
        fix = "" if direction == "output" else " Until then, use the keyboard."
        return Check("WARN", subject, str(exc) + fix)
    return Check("OK", subject, f"{device.index} {device.name}")


def check_model(settings: Settings) -> Check:
    """The model the app would use (the same search as listening), or how to get one."""
    try:
        from calm_voice.speech.discovery import find_model, installed_models
        from calm_voice.speech.recognizer import check_model_dir
    except ImportError as exc:
        return Check("FAIL", "speech model", f"cannot be checked ({exc}); run scripts/setup")
    try:
        found = find_model(settings)
    except CalmVoiceError as exc:
        usable = []
        for model in installed_models(settings.models_dir):
            try:
                check_model_dir(model.path)
            except CalmVoiceError:
                continue
            usable.append(model.name)
        text = str(exc) if str(exc).endswith(".") else f"{exc}."
        hint = f" Or use one that is here: --model {usable[0]}." if usable else ""
        return Check("WARN", "speech model", text + hint)
    return Check("OK", "speech model", f"{found.name} ({found.source}: {found.path})")


def guide_language(settings: Settings) -> str:
    """The language of the guide in use, for the voice check; English when it cannot be read
    (the guide check says why)."""
    from calm_voice.guide import load_guide

    try:
        return load_guide(settings.guide_path).language
    except CalmVoiceError:
        return "en"


def check_echo_cancel() -> Check:
    from calm_voice.audio.system_echo_cancel import TURN_ON, default_source, echo_cancel_sources

    subject = "echo cancellation"
    sources = echo_cancel_sources()
    if sources is None:
        return Check("TIP", subject, "no PulseAudio or PipeWire server answered; with one, "
                                     "its echo canceller helps commands spoken over the guide")
    if not sources:
        return Check("TIP", subject, "off; commands spoken over the guide are heard better "
                                     f"with it on: {TURN_ON}")
    current = default_source()
    if current in sources:
        return Check("OK", subject, f"the microphone is {for_terminal(current or '')}, with "
                                    "the speaker taken out")
    names = for_terminal(", ".join(sources))
    return Check("TIP", subject, f"{names} is running but is not the microphone in use; make "
                                 f"it the default: pactl set-default-source "
                                 f"{for_terminal(sources[0])}")


def check_data_dir(settings: Settings) -> Check:
    try:
        path = paths.ensure_private_dir(settings.data_dir)
    except CalmVoiceError as exc:
        return Check("FAIL", "data folder", str(exc))
    return Check("OK", "data folder", f"{path} (private, writable)")


def run_doctor(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    checks: list[Callable[[], Check | list[Check]]] = [
        *(lambda m=m, d=d: check_package(m, d) for m, d in PACKAGES),
        lambda: check_espeak(settings, guide_language(settings)),
        lambda: check_device(settings, "output"),
        lambda: check_device(settings, "input"),
        lambda: check_model(settings),
        lambda: language_checks(settings),
        lambda: check_data_dir(settings),
        check_echo_cancel,
    ]
    failed = False
    for make in checks:
        made = make()
        for check in made if isinstance(made, list) else [made]:
            failed = failed or check.status == "FAIL"
            print(for_terminal(check.line()), flush=True)
    if failed:
        print("Some things calm-voice needs are missing; fix the FAIL lines above.")
        return 1
    print("calm-voice can run.")
    return 0
