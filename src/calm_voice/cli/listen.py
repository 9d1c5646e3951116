"""`calm-voice listen`: the same hands-free session as the TUI, printed as plain lines."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import datetime
from typing import Any, TextIO

from calm_voice.cli import settings_from
from calm_voice.commands import Vocabulary, load_vocabulary
from calm_voice.events import Command, CommandKind, Final, Partial
from calm_voice.guide import Guide, load_guide
from calm_voice.runtime.assemble import build, opening_commands
from calm_voice.runtime.position import opening_step
from calm_voice.safe_text import for_terminal
from calm_voice.session.inputs import TypedLine
from calm_voice.session.state import Listening, Mode, SessionState


def register(sub: Any) -> None:
    listen = sub.add_parser(
        "listen", help="run hands-free without the screen (plain lines; type commands too)",
        description="Reads the guide aloud and follows spoken commands, printing what it heard "
                    "and did. You can also type a command (next, back, repeat, stop, …) and "
                    "press Enter. Ctrl-C ends it.")
    listen.add_argument("--from", dest="from_step", metavar="STEP",
                        help="start at this step id (e.g. reason-3) instead of where you left off")
    listen.add_argument("--no-voice", action="store_true",
                        help="do not use the microphone; typed commands only")
    listen.add_argument("--quiet-start", action="store_true",
                        help="wait for a command instead of starting to read at once")
    listen.set_defaults(func=run_listen)


class PrintSink:
    """Prints one plain line per thing worth knowing; safe to call from any thread."""

    def __init__(self, guide: Guide, out: TextIO = sys.stdout) -> None:
        self.guide = guide
        self.out = out
        self.quit = threading.Event()
        self._lock = threading.Lock()
        self._last: SessionState | None = None
        self.reads_aloud = True
        """False once it is known there is no speaker: then nothing is "reading"."""

    def _line(self, text: str) -> None:
        if self.quit.is_set():
            return
        with self._lock:
            self.out.write(f"{datetime.now():%H:%M:%S}  {for_terminal(text)}\n")
            self.out.flush()

    def on_state(self, state: SessionState) -> None:
        last, self._last = self._last, state
        step = self.guide.steps[state.step]
        if last is None or (last.step, last.mode) != (state.step, state.mode):
            if state.mode is Mode.PLAYING and not self.reads_aloud:
                self._line(f"no speaker, so nothing is read aloud: step {state.step + 1}, "
                           f"{step.title} (type reflect for its questions, next to move on)")
            elif state.mode is Mode.PLAYING:
                self._line(f"reading: step {state.step + 1}, {step.title}")
            elif state.mode is Mode.PAUSED and self.reads_aloud:
                self._line("paused")
            elif state.mode is Mode.IDLE:
                self._line(f"ready at step {state.step + 1}, {step.title}")

    def on_heard(self, heard: Partial | Final) -> None:
        if isinstance(heard, Final) and heard.text.strip():
            self._line(f"heard: {heard.text}")

    def on_command(self, command: Command, ignored_reason: str = "") -> None:
        label = command.kind.value.replace("_", " ")
        if command.number is not None:
            label += f" {command.number}"
        if ignored_reason:
            self._line(f"ignored: {label} ({ignored_reason})")
        else:
            self._line(f"command: {label}")

    def on_say(self, text: str) -> None:
        self._line(f"saying: {text}")

    def on_level(self, dbfs: float) -> None:
        pass

    def on_listening(self, status: Listening) -> None:
        self._line(f"microphone: {status}")

    def on_notice(self, text: str, severity: str = "information") -> None:
        self._line(f"error: {text}" if severity == "error" else text)

    def on_entry_saved(self, entry_id: int, utterances: int, words: int) -> None:
        self._line(f"saved journal entry {entry_id}: {words} words")

    def on_help(self) -> None:
        pass

    def on_quit(self) -> None:
        self.quit.set()


def _read_typed_commands(loop: Any, vocabulary: Vocabulary, quit_at_end: bool) -> None:
    """Typed commands are English words, whatever language the voice commands are in. Any other
    line is the answer to an open question, kept in the journal; with no question open it is
    not understood (most likely a mistyped command) and not kept."""
    for line in sys.stdin:
        text = line.strip()
        if not text:
            continue
        if text.lower() in ("quit", "exit", "q"):
            loop.submit(Command(CommandKind.QUIT))
            return
        command = vocabulary.match(text, strict=False)
        if command is not None:
            loop.submit(Command(command.kind, command.number, source="key", heard=text))
        else:
            loop.submit(TypedLine(text))
    if quit_at_end:  # the input has ended and there is no microphone: nothing more can come
        loop.submit(Command(CommandKind.QUIT))


def run_listen(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    guide = load_guide(settings.guide_path)
    opening_step(settings, guide, args.from_step)
    sink = PrintSink(guide)
    loop = build(settings, sink, guide, voice=not args.no_voice)
    sink.reads_aloud = loop.speaker is not None
    for command in opening_commands(settings, loop.speaker, quiet_start=args.quiet_start):
        loop.submit(command)
    signal.signal(signal.SIGTERM, lambda *_: sink.quit.set())
    loop.start()
    threading.Thread(target=_read_typed_commands,
                     args=(loop, load_vocabulary("en"), args.no_voice),
                     daemon=True, name="calm-stdin").start()
    try:
        while not sink.quit.wait(0.2):
            if loop.wait(0):
                break
    except KeyboardInterrupt:
        pass
    loop.stop()
    return 0
