"""Speech engines: synthesis (pyttsx3 / espeak-ng) and recognition (Vosk)."""
