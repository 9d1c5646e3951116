"""`calm-voice models list | download NAME | verify [NAME] | path [NAME]`."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TextIO

from calm_voice.cli import settings_from
from calm_voice.config import DEFAULT_MODEL
from calm_voice.errors import DownloadError, ModelError
from calm_voice.speech import models
from calm_voice.speech.discovery import FoundModel, find_model, installed_models, resolve_model


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "models", help="list, download, check or locate speech models",
        description="Speech models come from the official Vosk list. Downloads are checked "
                    "(size and checksum) before they are installed, and continue where they "
                    "stopped if interrupted.")
    actions = parser.add_subparsers(dest="models_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="models you can download, and the ones here")
    listing.add_argument("--all", action="store_true", help="include obsolete models")
    listing.add_argument("--language", metavar="CODE", help="only this language, e.g. en")
    listing.set_defaults(func=run_list)
    download = actions.add_parser("download", help="download and install a model")
    download.add_argument("name", nargs="?", default=DEFAULT_MODEL,
                          help=f"model name (default: {DEFAULT_MODEL})")
    download.set_defaults(func=run_download)
    verify = actions.add_parser("verify", help="check that a model is complete and undamaged")
    verify.add_argument("name", nargs="?", help="model name or folder (default: the one in use)")
    verify.add_argument("--quick", action="store_true",
                        help="check the files only; do not load the model")
    verify.set_defaults(func=run_verify)
    where = actions.add_parser("path", help="print the folder of a model")
    where.add_argument("name", nargs="?", help="model name (default: the one in use)")
    where.set_defaults(func=run_path)


class ProgressBar:
    """A one-line bar on a terminal; occasional lines when the output is a file or pipe."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label, self.width = label, width
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty()
        self._bucket = -1
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        percent = min(100, done * 100 // total) if total else 0
        bucket = percent // (1 if self.tty else 10)
        now = time.monotonic()
        if bucket == self._bucket and not (self.tty and now - self._last >= 0.5):
            return
        self._bucket, self._last = bucket, now
        filled = self.width * percent // 100
        bar = "#" * filled + "." * (self.width - filled)
        line = (f"{self.label} [{bar}] {percent:3d}%  "
                f"{done / 1e6:.1f} of {total / 1e6:.1f} MB")
        self.stream.write(f"\r{line}" if self.tty else f"{line}\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.tty and self._bucket >= 0:
            self.stream.write("\n")
            self.stream.flush()


def _here(args: argparse.Namespace) -> dict[str, FoundModel]:
    settings = settings_from(args)
    return {m.name: m for m in installed_models(settings.models_dir)}


def run_list(args: argparse.Namespace) -> int:
    entries, problem = models.catalog_or_builtin()
    if problem:
        print(f"{problem} Showing only the default model, which calm-voice knows by heart.",
              file=sys.stderr)
    here = _here(args)
    shown = [e for e in entries if (args.all or not e.obsolete)
             and (not args.language or e.lang.lower().split("-")[0] == args.language.lower())]
    print(f"{'':2}{'MODEL':<40} {'LANGUAGE':<18} {'SIZE':>10}  ON THIS COMPUTER")
    for entry in shown:
        star = "*" if entry.name == DEFAULT_MODEL else " "
        status = "yes" if entry.name in here else "-"
        size = entry.size_text or f"{entry.size / 1e6:.1f}MB"
        language = entry.lang_text or entry.lang
        print(f"{star} {entry.name:<40} {language:<18} {size:>10}  {status}")
    others = [m for name, m in sorted(here.items()) if name not in {e.name for e in entries}]
    if others:
        print("\nAlso on this computer:")
        for found in others:
            print(f"  {found.name:<40} ({found.source}) {found.path}")
    print("\n* is the default. Get one with: calm-voice models download NAME")
    return 0


def run_download(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    entries, problem = models.catalog_or_builtin()
    if problem:
        if args.name not in {e.name for e in models.BUILTIN_CATALOG}:
            raise models.CatalogUnavailable(
                problem.rstrip(".") + f", so '{args.name}' cannot be looked up.",
                f"Check the internet connection, or download the default: "
                f"calm-voice models download {DEFAULT_MODEL}")
        print(f"{problem} Using the built-in entry for {args.name}.", file=sys.stderr)
    entry = models.find_entry(args.name, entries)
    target = settings.models_dir / entry.name
    if target.is_dir():
        try:
            models.verify_installed(target, load=False)
        except ModelError:
            print(f"The copy in {target} is incomplete or damaged; replacing it.",
                  file=sys.stderr)
        else:
            print(f"{entry.name} is already here: {target}")
            return 0
    bar = ProgressBar(f"Downloading {entry.name}")
    try:
        path = models.install(entry, settings.models_dir, bar)
    except KeyboardInterrupt:
        bar.finish()
        print("Download paused. Run the same command again to continue where it stopped.",
              file=sys.stderr)
        raise
    except DownloadError:
        bar.finish()
        raise
    bar.finish()
    print(f"Installed {entry.name} in {path}")
    return 0


def _chosen(args: argparse.Namespace) -> FoundModel:
    settings = settings_from(args)
    if args.name:
        return resolve_model(args.name, settings.models_dir)
    return find_model(settings)


def run_verify(args: argparse.Namespace) -> int:
    found = _chosen(args)
    if not args.quick:
        print(f"Checking {found.name} (loading it takes a few seconds)...", file=sys.stderr)
    report = models.verify_installed(found.path, load=not args.quick)
    parts = ["all required files are present"]
    if report.files_checked is not None:
        parts.append(f"{report.files_checked} files match the download")
    else:
        parts.append("no download record to compare with (it was not downloaded by calm-voice)")
    if report.loaded:
        parts.append("the speech engine loads it")
    print(f"OK: {found.name} at {found.path}: " + "; ".join(parts) + ".")
    return 0


def run_path(args: argparse.Namespace) -> int:
    print(_chosen(args).path)
    return 0
