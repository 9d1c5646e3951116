"""calm-voice: an offline, hands-free voice companion for one guide."""

__version__ = "0.1.0"
