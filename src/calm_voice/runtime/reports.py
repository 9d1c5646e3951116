"""Hand the session's reports to the Sink (the TUI bridge or printed lines)."""

from __future__ import annotations

from calm_voice.runtime.ports import Sink
from calm_voice.session import effects as e


def report(effect: e.Effect, sink: Sink) -> bool:
    """Report `effect`; False if it is not a report."""
    if isinstance(effect, e.ShowHeard):
        sink.on_heard(effect.heard)
    elif isinstance(effect, e.ShowCommand):
        sink.on_command(effect.command, effect.ignored_reason)
    elif isinstance(effect, e.ShowListening):
        sink.on_listening(effect.status)
    elif isinstance(effect, e.ShowNotice):
        sink.on_notice(effect.text, effect.severity)
    elif isinstance(effect, e.ShowEntrySaved):
        sink.on_entry_saved(effect.entry_id, effect.utterances, effect.words)
    elif isinstance(effect, e.ShowHelp):
        sink.on_help()
    else:
        return False
    return True
