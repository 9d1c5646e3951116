"""Sound in and out through PortAudio (sounddevice): devices, playback, capture."""
