"""`calm-voice journal …`: list, show, search, export, delete and add spoken journal entries;
check, repair and back up the journal file.

Everything a person said is printed through for_terminal: it is stored as said, and shown with
control characters made visible, never executed by the terminal."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from calm_voice.audio.formats import ACCEPTED
from calm_voice.cli import settings_from
from calm_voice.config import Settings
from calm_voice.errors import CalmVoiceError, JournalError
from calm_voice.guide import Guide, load_guide
from calm_voice.journal import JournalStore, is_low_confidence, maintenance
from calm_voice.journal.connection import private_dir
from calm_voice.journal.export import write_private
from calm_voice.journal.records import (
    EntryDetail,
    local_time,
    prompt_text_of,
    short_time,
    step_title_of,
)
from calm_voice.safe_text import for_terminal as shown


def register(sub: Any) -> None:
    journal = sub.add_parser("journal", help="read, search, export or add to the spoken journal",
                             description="The journal keeps what you said at each step.")
    actions = journal.add_subparsers(dest="journal_command", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="list entries, newest first")
    listing.add_argument("--step", help="only entries for this step id (e.g. reason-1)")
    listing.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    listing.set_defaults(func=run_list)

    show = actions.add_parser("show", help="show one entry with its words and times")
    show.add_argument("id", type=int, help="the entry number from `journal list`")
    show.set_defaults(func=run_show)

    search = actions.add_parser("search", help="find entries containing words")
    search.add_argument("query", nargs="+", help="words to look for (prefixes match too)")
    search.set_defaults(func=run_search)

    export = actions.add_parser("export", help="write the whole journal as Markdown or JSON")
    export.add_argument("--format", choices=("md", "json"), default="md")
    export.add_argument("--out", type=Path, help="file to write (default: print it)")
    export.set_defaults(func=run_export)

    delete = actions.add_parser("delete", help="delete one entry and its recording")
    delete.add_argument("id", type=int)
    delete.add_argument("--yes", action="store_true", help="do not ask to confirm")
    delete.set_defaults(func=run_delete)

    add = actions.add_parser("add", help="transcribe a recording into a new entry",
                             description=f"Accepted recordings: {ACCEPTED}.")
    add.add_argument("--step", required=True, help="the step id the entry belongs to")
    add.add_argument("--prompt", help="the prompt id (default: the step's first prompt)")
    add.add_argument("file", type=Path, help="a recording of you speaking")
    add.set_defaults(func=run_add)

    check = actions.add_parser("check", help="check the journal file, its search index and "
                               "recordings")
    check.set_defaults(func=run_check)

    repair = actions.add_parser("repair", help="save what can be saved from a damaged journal "
                                "(close calm-voice first)")
    repair.set_defaults(func=run_repair)

    backup = actions.add_parser(
        "backup", help="copy the journal to a file, safely even while calm-voice runs",
        description="Copies the journal (entries, words, corrections) into one SQLite file. To "
                    "restore it, close calm-voice, move journal.sqlite3 aside and put the copy "
                    "in its place. Recordings stay in the audio folder beside it.")
    backup.add_argument("--out", type=Path, help="file to write (default: a new file in the "
                        "data folder's backups/)")
    backup.set_defaults(func=run_backup)


def open_store(settings: Settings, *, reading: bool = False) -> JournalStore:
    """`reading`: the command only reads, so a folder or disk that cannot be written (or is
    full) is no reason to refuse; it opens read-only and says so."""
    store = JournalStore.from_settings(settings, read_only_ok=reading)
    if store.read_only_reason is not None:
        print(f"{store.read_only_reason} The journal was opened read-only: you can read it, "
              "but nothing can be changed until that is fixed.", file=sys.stderr)
    return store


def guide_or_none(settings: Settings) -> Guide | None:
    """The guide gives titles and prompt texts; the journal is still readable without it."""
    try:
        return load_guide(settings.guide_path)
    except CalmVoiceError:
        return None


def run_list(args: argparse.Namespace) -> int:
    with open_store(settings_from(args), reading=True) as store:
        entries = store.list_entries(limit=max(1, args.limit), step=args.step)
        total = store.count_entries(step=args.step)
    if not entries:
        print("The journal has no entries yet." if args.step is None
              else f"The journal has no entries for step {shown(args.step)}.")
        return 0
    print(f"{'ID':>5}  {'DATE':16}  {'STEP':12}  WHAT YOU SAID")
    for entry in entries:
        print(f"{entry.id:>5}  {short_time(entry.created):16}  {shown(entry.step):12}  "
              f"{shown(entry.preview)}")
    if total > len(entries):
        print(f"({len(entries)} of {total} shown; use --limit to see more)")
    return 0


def describe(entry: EntryDetail, guide: Guide | None) -> list[str]:
    title = step_title_of(entry.step, entry.step_title, guide)
    step = f"{shown(title)} ({shown(entry.step)})" if title else shown(entry.step)
    lines = [f"Entry {entry.id}, {short_time(entry.created)}, step {step}",
             f"Prompt: {shown(prompt_text_of(entry, guide) or entry.prompt)}", ""]
    for utterance in entry.utterances:
        lines.append(f"  {local_time(utterance.created):%H:%M:%S}  {shown(utterance.text)}")
        if utterance.original_text is not None:
            lines.append("            (corrected; first heard as: "
                         f"{shown(utterance.original_text)})")
        unsure = [f"{shown(w.word)} ({w.conf:.2f})" for w in utterance.words
                  if is_low_confidence(w)]
        if unsure:
            lines.append(f"            not sure about: {', '.join(unsure)}")
    return lines


def run_show(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    with open_store(settings, reading=True) as store:
        entry = store.get_entry(args.id)
    print("\n".join(describe(entry, guide_or_none(settings))))
    return 0


def run_search(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    with open_store(settings_from(args), reading=True) as store:
        hits = store.search(query)
    if not hits:
        print(f"Nothing in the journal matches “{shown(query)}”.")
        return 0
    for hit in hits:
        print(f"{hit.entry_id:>5}  {short_time(hit.created):16}  {shown(hit.step):12}  "
              f"{marked(hit.text, hit.matches)}")
    return 0


def marked(text: str, matches: tuple[tuple[int, int], ...]) -> str:
    """The whole utterance, each matched word between asterisks (as Markdown shows emphasis)."""
    out, last = [], 0
    for start, end in matches:
        out += [shown(text[last:start]), "*", shown(text[start:end]), "*"]
        last = end
    return "".join([*out, shown(text[last:])])


def run_export(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    with open_store(settings, reading=True) as store:
        text = store.export(args.format, guide_or_none(settings))
    if args.out is None:
        sys.stdout.write(text)
        return 0
    out = Path(args.out).expanduser()
    if out.is_dir():
        raise JournalError(f"{out} is a folder.", "Give a file name with --out, e.g. "
                           f"--out {out / ('journal.' + args.format)}.")
    write_private(out, text,
                  "Choose a folder you can write to with --out, e.g. --out ~/journal.md.")
    print(f"Wrote the journal to {out}")
    return 0


def run_delete(args: argparse.Namespace) -> int:
    with open_store(settings_from(args)) as store:
        entry = store.get_entry(args.id)
        if not args.yes:
            said = shown(entry.utterances[0].text[:50])
            try:
                answer = input(f"Delete entry {entry.id} ({short_time(entry.created)}, "
                               f"“{said}”) and its recording? [y/N] ")
            except EOFError:
                answer = ""
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing was deleted.")
                return 1
        store.delete_entry(entry.id)
    print(f"Deleted entry {entry.id}.")
    return 0


def run_add(args: argparse.Namespace) -> int:
    from calm_voice.cli.journal_import import add_recording

    settings = settings_from(args)
    entry_id, utterances, words = add_recording(settings, args.file, args.step, args.prompt)
    print(f"Saved entry {entry_id}: {utterances} utterance(s), {words} word(s).")
    return 0


def run_check(args: argparse.Namespace) -> int:
    with open_store(settings_from(args), reading=True) as store:
        report = store.check()
    print(f"Checked {report.entries} entries, {report.utterances} utterances and "
          f"{report.recordings} recordings.")
    if not report.problems:
        print("The journal is healthy.")
        return 0
    for problem in report.problems:
        print(f"  {shown(problem)}")
    raise JournalError(f"The journal check found {len(report.problems)} problem(s).",
                       "For a damaged database or search index, close calm-voice and run "
                       "`calm-voice journal repair` (it keeps a copy of the file as it is now); "
                       "a missing recording cannot be rebuilt, but its words are kept.")


def run_repair(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if not settings.journal_db.exists():
        raise JournalError(f"There is no journal at {settings.journal_db} to repair.",
                           "Check CALM_VOICE_HOME, or --config, points at your data folder.")
    repaired = maintenance.repair(settings.journal_db)
    print(f"Repaired the journal: kept {repaired.entries} entries with {repaired.utterances} "
          f"utterances (everything SQLite could still read). The file as it was is kept at "
          f"{repaired.damaged_copy}.")
    return 0


def run_backup(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    with open_store(settings, reading=True) as store:
        if args.out is None:
            target = maintenance.default_backup_path(settings.journal_db)
            private_dir(target.parent, "back up the journal")
        else:
            target = Path(args.out).expanduser()
        entries, utterances = store.backup(target)
    print(f"Backed up {entries} entries with {utterances} utterances to {target}")
    return 0
