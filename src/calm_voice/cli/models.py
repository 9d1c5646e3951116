"""`calm-voice models list | download NAME | install FILE | remove NAME | verify [NAME] |
path [NAME]`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from calm_voice import paths
from calm_voice.cli import settings_from
from calm_voice.errors import ModelError
from calm_voice.safe_text import for_terminal
from calm_voice.speech import model_install, models
from calm_voice.speech.model_archive import check_model_name
from calm_voice.speech.model_fetch import megabytes


def register(sub: Any) -> None:
    parser = sub.add_parser("models", help="list, download, check or locate speech models",
                            description="Speech models for recognising what you say. "
                                        f"The default is {models.DEFAULT_MODEL}.")
    actions = parser.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="installed models and the ones you can download")
    listing.add_argument("--all", action="store_true", help="include obsolete models")
    listing.set_defaults(func=run_list)
    download = actions.add_parser("download", help="download, check and install a model")
    download.add_argument("name", nargs="?", default=models.DEFAULT_MODEL,
                          help=f"model name (default: {models.DEFAULT_MODEL})")
    download.set_defaults(func=run_download)
    brought = actions.add_parser(
        "install", help="install a model from a zip file or folder (e.g. on a USB stick)",
        description="Installs a Vosk model brought by hand, with the same checks as a "
                    "download: the checksum when the model list knows the file, no file "
                    "outside the model's folder, no links, a complete model.")
    brought.add_argument("source", type=Path, metavar="FILE.zip|FOLDER",
                         help="the model's zip file, or the folder it unpacks to")
    brought.add_argument("--name", help="the name to install it under (default: the file's "
                                        "name without .zip)")
    brought.set_defaults(func=run_install)
    use = actions.add_parser("use", help="choose the installed model to use from now on")
    use.add_argument("name", help="model name (see: calm-voice models list)")
    use.set_defaults(func=run_use)
    remove = actions.add_parser("remove", help="delete an installed model")
    remove.add_argument("name", help="model name (see: calm-voice models list)")
    remove.set_defaults(func=run_remove)
    verify = actions.add_parser("verify", help="check installed models against their checksums")
    verify.add_argument("name", nargs="?", help="model name or folder (default: every one)")
    verify.set_defaults(func=run_verify)
    path = actions.add_parser("path", help="print a model's folder (default: the one in use)")
    path.add_argument("name", nargs="?", help="model name (default: the one calm-voice uses)")
    path.set_defaults(func=run_path)


def run_list(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    rows = models.list_models(settings, include_obsolete=args.all)
    width = max((len(row.name) for row in rows), default=10)
    print(f"  {'NAME':<{width}}  {'LANGUAGE':<8}  {'SIZE':>9}  STATE")
    for row in rows:
        state = "in use" if row.active else ("installed" if row.installed else "-")
        mark = "*" if row.active else " "
        print(for_terminal(f"{mark} {row.name:<{width}}  {row.language:<8}  "
                           f"{row.size_text:>9}  {state}"))
    print(for_terminal(f"\nModels folder: {settings.models_dir}", keep_newlines=True))
    checkout = paths.checkout_models_dir()
    if checkout is not None and checkout.resolve() != settings.models_dir.resolve():
        print(for_terminal(f"Also looked in this checkout's folder: {checkout}"))
    if not any(row.installed for row in rows):
        print(models.discovery.get_model_fix(settings.recognizer.language))
    return 0


class ProgressBar:
    """A one-line bar on stderr, redrawn at most ten times a second."""

    def __init__(self, name: str, stream: TextIO = sys.stderr, width: int = 30) -> None:
        self.name, self.stream, self.width = name, stream, width
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        if total <= 0:  # the size is not known: show what has arrived
            self.stream.write(f"\r{self.name} {megabytes(done)}")
            self.stream.flush()
            self._shown = True
            return
        fraction = min(done / total, 1.0)
        filled = int(self.width * fraction)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.name} [{bar}] {fraction:4.0%} "
                          f"{megabytes(done)} of {megabytes(total)}")
        self.stream.flush()
        self._shown = True

    def finish(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False


def run_download(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    check_model_name(args.name)
    if models.is_installed(args.name, settings.models_dir):
        print(f"{args.name} is already installed in {settings.models_dir / args.name}.")
        return 0
    print(f"Downloading {args.name} into {settings.models_dir} …", file=sys.stderr)
    bar = ProgressBar(args.name)  # a checked name: nothing to clean
    try:
        target = models.download_model(
            args.name, settings.models_dir, bar,
            notice=lambda text: print(for_terminal(text), file=sys.stderr))
    finally:
        bar.finish()
    print(f"{args.name} is ready in {target}.")
    return 0


def run_install(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    target = model_install.install_brought(args.source, settings.models_dir, args.name)
    print(for_terminal(f"{target.name} is ready in {target}. Use it with: "
                       f"calm-voice --model {target.name}"))
    return 0


def run_use(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    found = model_install.use(args.name, settings.models_dir)
    print(for_terminal(f"calm-voice will use {found.name} ({found.path}) from its next start."))
    return 0


def run_remove(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    target = model_install.remove(args.name, settings.models_dir)
    print(for_terminal(f"{args.name} was removed from {target.parent}."))
    return 0


def run_verify(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    verdicts = models.verify(settings, args.name)
    for verdict in verdicts:
        if verdict.problems:
            print(for_terminal(f"{verdict.name}: damaged — {'; '.join(verdict.problems)}."))
        elif verdict.checked:
            print(f"{verdict.name}: OK (every file matches its checksum)")
        else:
            print(f"{verdict.name}: complete (no checksums recorded: it was not downloaded "
                  "by calm-voice)")
    bad = [v for v in verdicts if v.problems]
    if bad:
        names = ", ".join(v.name for v in bad)
        raise ModelError(f"{len(bad)} model(s) failed the check: {names}.",
                         "Download again with: calm-voice models download "
                         f"{bad[0].name}")
    return 0


def run_path(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    print(models.model_path(settings, args.name))
    return 0
