"""Where and how the journal screen exports: the format and folder chosen last time are kept
beside the journal, so the next export offers them again."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from calm_voice.errors import JournalError
from calm_voice.journal.export import write_private
from calm_voice.paths import ensure_private_dir

FORMATS = {"md": "Markdown (to read or print)", "json": "JSON (everything, for other programs)"}
CHOICE_FILE = "export-choice.json"
MAX_CHOICE_BYTES = 4096
"""A larger file was not written by calm-voice; it is ignored, not read."""
MAX_FOLDER_CHARS = 1000


@dataclass(frozen=True)
class ExportChoice:
    format: str = "md"
    """A key of FORMATS."""
    folder: str = ""
    """Where the file goes; empty means the data folder's exports/."""


def load_choice(data_dir: Path) -> ExportChoice:
    """The last choice, or the defaults when there is none or it cannot be read."""
    path = data_dir / CHOICE_FILE
    try:
        if path.stat().st_size > MAX_CHOICE_BYTES:
            return ExportChoice()
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ExportChoice()
    if not isinstance(raw, dict):
        return ExportChoice()
    fmt, folder = raw.get("format"), raw.get("folder")
    return ExportChoice(fmt if fmt in FORMATS else "md",
                        folder if isinstance(folder, str) and len(folder) <= MAX_FOLDER_CHARS
                        else "")


def save_choice(data_dir: Path, choice: ExportChoice) -> None:
    write_private(data_dir / CHOICE_FILE,
                  json.dumps({"format": choice.format, "folder": choice.folder}) + "\n",
                  "Free some space or check the data folder; the export itself was written.")


def export_folder(choice: ExportChoice, data_dir: Path) -> Path:
    """The folder to write into, created if need be; a clear error if it cannot be used."""
    if not choice.folder.strip():
        return ensure_private_dir(data_dir / "exports")
    folder = Path(choice.folder.strip()).expanduser()
    if not folder.is_absolute():
        raise JournalError(f"“{choice.folder}” is not a full folder path.",
                           "Give a path that starts with / or ~, e.g. ~/Documents.")
    if folder.exists() and not folder.is_dir():
        raise JournalError(f"{folder} is a file, not a folder.",
                           "Choose a folder to export into, e.g. ~/Documents.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise JournalError(f"The folder {folder} could not be created ({exc.strerror or exc}).",
                           "Choose a folder you can write to, e.g. ~/Documents.") from exc
    return folder


def export_file_name(choice: ExportChoice, when: datetime) -> str:
    return f"journal-{when:%Y%m%d-%H%M%S}.{choice.format}"
