"""PortAudio devices: list them with the defaults marked, and find the one a person asked for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import sounddevice as sd

from calm_voice.errors import AudioDeviceError

Direction = Literal["input", "output"]

NO_DEVICE_FIX = (
    "Plug in or switch on a speaker or headset (or start PulseAudio/PipeWire), "
    "then run `calm-voice devices` to check."
)


@dataclass(frozen=True)
class DeviceInfo:
    index: int
    name: str
    hostapi: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float
    is_default_input: bool = False
    is_default_output: bool = False

    def has(self, direction: Direction) -> bool:
        channels = self.max_input_channels if direction == "input" else self.max_output_channels
        return channels > 0

    def describe(self) -> str:
        """One line: index, name, channels, rate and default marks."""
        marks = [label for flag, label in ((self.is_default_input, "(default input)"),
                                           (self.is_default_output, "(default output)")) if flag]
        star = "*" if marks else " "
        line = (f"{star} {self.index:>2}  {self.name} [{self.hostapi}]  "
                f"in {self.max_input_channels}, out {self.max_output_channels}, "
                f"{self.default_samplerate:g} Hz")
        return " ".join([line, *marks])


def rescan() -> None:
    """Make PortAudio look again: it reads the device list once, when it starts."""
    sd._terminate()
    sd._initialize()


def _default_indexes() -> tuple[int, int]:
    default_in, default_out = sd.default.device
    return (int(default_in) if default_in is not None else -1,
            int(default_out) if default_out is not None else -1)


def list_devices() -> list[DeviceInfo]:
    """Every PortAudio device, with the system default input and output marked."""
    try:
        raw: Any = sd.query_devices()
        hostapis: Any = sd.query_hostapis()
    except sd.PortAudioError as exc:
        raise AudioDeviceError(f"The sound system cannot list its devices ({exc}).",
                               NO_DEVICE_FIX) from exc
    default_in, default_out = _default_indexes()
    devices = []
    for index, dev in enumerate(raw):
        devices.append(DeviceInfo(
            index=index,
            name=str(dev["name"]),
            hostapi=str(hostapis[dev["hostapi"]]["name"]),
            max_input_channels=int(dev["max_input_channels"]),
            max_output_channels=int(dev["max_output_channels"]),
            default_samplerate=float(dev["default_samplerate"]),
            is_default_input=index == default_in,
            is_default_output=index == default_out,
        ))
    return devices


def _what(direction: Direction) -> str:
    return "speaker (output device)" if direction == "output" else "microphone (input device)"


def resolve(spec: str | int | None, direction: Direction) -> DeviceInfo:
    """The device for `spec`: None is the system default, an int an index, a str part of a name."""
    devices = list_devices()
    usable = [dev for dev in devices if dev.has(direction)]
    what = _what(direction)
    if not usable:
        raise AudioDeviceError(f"No {what} was found.", NO_DEVICE_FIX if direction == "output"
                               else NO_DEVICE_FIX.replace("speaker or headset",
                                                          "microphone or headset"))
    if spec is None:
        marked = [dev for dev in usable
                  if (dev.is_default_output if direction == "output" else dev.is_default_input)]
        return marked[0] if marked else usable[0]
    names = ", ".join(f"{dev.index} {dev.name}" for dev in usable)
    flag = "--output-device" if direction == "output" else "--input-device"
    if isinstance(spec, int) or (isinstance(spec, str) and spec.strip().isdigit()):
        index = int(spec)
        for dev in usable:
            if dev.index == index:
                return dev
        raise AudioDeviceError(f"There is no {what} number {index}.",
                               f"Use {flag} with one of: {names}.")
    wanted = spec.strip().lower()
    exact = [dev for dev in usable if dev.name.lower() == wanted]
    partial = [dev for dev in usable if wanted in dev.name.lower()]
    if exact or partial:
        return (exact or partial)[0]
    raise AudioDeviceError(f"No {what} has '{spec}' in its name.",
                           f"Use {flag} with one of: {names}.")


def resolve_output(spec: str | int | None) -> DeviceInfo:
    return resolve(spec, "output")


def resolve_input(spec: str | int | None) -> DeviceInfo:
    return resolve(spec, "input")
