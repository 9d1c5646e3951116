"""The journal as Markdown (grouped by the guide's parts and steps) or as complete JSON."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from calm_voice.errors import JournalError
from calm_voice.guide import Guide
from calm_voice.journal.records import (
    EntryDetail,
    UtteranceRecord,
    local_time,
    prompt_text_of,
    short_time,
    step_title_of,
)
from calm_voice.journal.schema import SCHEMA_VERSION
from calm_voice.safe_text import for_terminal as shown


def _utterance_line(utterance: UtteranceRecord) -> str:
    """Control characters in what was said are shown as visible signs in the document (the
    journal keeps the text exactly as it was said)."""
    line = f"- **{local_time(utterance.created).strftime('%H:%M:%S')}** {shown(utterance.text)}"
    if utterance.original_text is not None:
        line += f" *(corrected; first heard as: “{shown(utterance.original_text)}”)*"
    return line


def _entry_block(entry: EntryDetail, guide: Guide | None) -> list[str]:
    asked = prompt_text_of(entry, guide)
    lines = [f"#### {short_time(entry.created)}", ""]
    if asked is not None:
        lines += [f"> *{shown(asked)}*", ""]
    elif entry.prompt:
        lines += [f"> *({shown(entry.prompt)})*", ""]
    lines += [_utterance_line(u) for u in entry.utterances]
    return [*lines, ""]


def _by_step(entries: Sequence[EntryDetail]) -> dict[str, list[EntryDetail]]:
    by_step: dict[str, list[EntryDetail]] = {}
    for entry in sorted(entries, key=lambda e: e.id):
        by_step.setdefault(entry.step, []).append(entry)
    return by_step


def to_markdown(entries: Sequence[EntryDetail], guide: Guide | None) -> str:
    """Every entry, oldest first within each step, under its guide part and step. Entries of a
    step the loaded guide does not have follow, under their own guide and the titles kept with
    them."""
    title = guide.title if guide else "calm-voice"
    exported = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    out = [f"# Journal: {shown(title)}", "",
           f"Exported {exported}. {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}.", ""]
    known = {step.id for step in guide.steps} if guide else set()
    by_step = _by_step([entry for entry in entries if entry.step in known])
    for part in guide.parts if guide else ():
        steps = [step for step in part.steps if step.id in by_step]
        if not steps:
            continue
        out += [f"## {shown(part.title)}", ""]
        for step in steps:
            out += [f"### {shown(step.title)}", ""]
            for entry in by_step[step.id]:
                out += _entry_block(entry, guide)
    by_guide: dict[str, list[EntryDetail]] = {}
    for entry in entries:
        if entry.step not in known:
            by_guide.setdefault(entry.guide, []).append(entry)
    for guide_id, kept in by_guide.items():
        out += [f"## {shown(guide_id) if guide_id else 'Other entries'}", ""]
        for step_id, step_entries in _by_step(kept).items():
            heading = step_title_of(step_id, step_entries[-1].step_title, guide) or step_id
            out += [f"### {shown(heading)}", ""]
            for entry in step_entries:
                out += _entry_block(entry, guide)
    return "\n".join(out).rstrip() + "\n"


def _utterance_dict(utterance: UtteranceRecord) -> dict[str, Any]:
    return {
        "id": utterance.id, "created": utterance.created, "text": utterance.text,
        "original_text": utterance.original_text, "edited": utterance.edited,
        "start": utterance.start, "end": utterance.end, "confidence": utterance.confidence,
        "has_audio": utterance.has_audio,
        "words": [{"word": w.word, "start": w.start, "end": w.end, "conf": w.conf}
                  for w in utterance.words],
    }


def to_json(entries: Sequence[EntryDetail], audio_dir: Path, guide: Guide | None = None) -> str:
    """Everything stored, plus the guide's titles and prompt texts when the guide is known."""
    steps = {step.id: step for step in guide.steps} if guide else {}
    items = []
    for entry in entries:
        step = steps.get(entry.step)
        items.append({
            "id": entry.id, "created": entry.created, "closed": entry.closed,
            "guide": entry.guide, "step": entry.step,
            "step_title": step_title_of(entry.step, entry.step_title, guide),
            "part_title": guide.part_of(step).title if guide and step else None,
            "prompt": entry.prompt, "prompt_text": prompt_text_of(entry, guide),
            "language": entry.language, "model": entry.model,
            "audio_file": str(audio_dir / entry.audio_file) if entry.audio_file else None,
            "utterances": [_utterance_dict(u) for u in entry.utterances],
        })
    document = {"format": "calm-voice-journal", "schema_version": SCHEMA_VERSION,
                "exported": datetime.now().astimezone().isoformat(timespec="seconds"),
                "entries": items}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write_private(path: Path, text: str, fix: str) -> None:
    """Write all or nothing (a temporary file beside it, then a rename), readable only by you."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise JournalError(
            f"The export could not be written to {path} ({exc.strerror or exc}).", fix) from exc
