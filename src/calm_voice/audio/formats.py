"""What recordings calm-voice reads, in words; kept apart so help texts need no audio library."""

ACCEPTED = ("WAV (8, 16, 24 or 32-bit integer, or float; any rate; any number of channels), "
            "FLAC, Ogg Vorbis/Opus and MP3")
"""What the help text promises; tests read every one of these."""
