"""Sound in and out through PortAudio (sounddevice): devices, playback, capture."""

from calm_voice.audio.quiet import silence_alsa

silence_alsa()
