"""Endpoint timing for Vosk builds without SetEndpointerDelays: a per-app view of the model
whose conf/model.conf carries our trailing-silence rules; every other file is a symlink."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from calm_voice.errors import ModelError


def endpoint_rules(short: float, long: float) -> dict[str, float]:
    """Kaldi rules: rule2 ends a confident utterance, rule3 a less sure one, rule4 any."""
    return {
        "--endpoint.rule2.min-trailing-silence": short,
        "--endpoint.rule3.min-trailing-silence": long,
        "--endpoint.rule4.min-trailing-silence": max(2 * long, short + 1.0),
    }


def rewrite_conf(text: str, rules: dict[str, float]) -> str:
    lines = [line for line in text.splitlines()
             if not any(re.match(re.escape(key) + r"\s*=", line.strip()) for key in rules)]
    lines += [f"{key}={value:g}" for key, value in rules.items()]
    return "\n".join(lines) + "\n"


def model_view(model: Path, views_dir: Path, short: float, long: float) -> Path:
    """A folder that looks like `model` with our endpoint rules; made once per setting."""
    rules = endpoint_rules(short, long)
    key = hashlib.sha1(f"{model.resolve()}|{sorted(rules.items())}".encode()).hexdigest()[:10]
    view = views_dir / f"{model.name}-{key}"
    if (view / "conf" / "model.conf").is_file():
        return view
    try:
        views_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        staging = Path(tempfile.mkdtemp(prefix=".view-", dir=views_dir))
        for entry in model.iterdir():
            if entry.name != "conf":
                (staging / entry.name).symlink_to(entry.resolve())
        (staging / "conf").mkdir()
        for entry in (model / "conf").iterdir():
            if entry.name != "model.conf":
                (staging / "conf" / entry.name).symlink_to(entry.resolve())
        conf = (model / "conf" / "model.conf").read_text(encoding="utf-8")
        (staging / "conf" / "model.conf").write_text(rewrite_conf(conf, rules), encoding="utf-8")
        try:
            os.replace(staging, view)
        except OSError:  # another process made the same view first
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise ModelError(f"calm-voice could not prepare the speech model in {views_dir} "
                         f"({exc.strerror}).",
                         "Check that the data folder can be written.") from exc
    return view
