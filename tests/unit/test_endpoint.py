"""The per-app model view: conf/model.conf rewritten with our endpoint rules, the rest linked."""

from __future__ import annotations

from pathlib import Path

import pytest

from calm_voice.errors import ModelError
from calm_voice.speech.endpoint import endpoint_rules, model_view, rewrite_conf

CONF = """--min-active=200
--beam=10.0
--endpoint.silence-phones=1:2:3
--endpoint.rule2.min-trailing-silence=0.5
--endpoint.rule3.min-trailing-silence = 1.0
--endpoint.rule4.min-trailing-silence=2.0
"""


def fake_model(folder: Path) -> Path:
    for rel, text in (("am/final.mdl", "acoustic"), ("graph/HCLG.fst", "graph"),
                      ("conf/model.conf", CONF), ("conf/mfcc.conf", "--use-energy=false\n"),
                      ("README", "readme")):
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return folder


def test_rules_scale_with_the_settings() -> None:
    assert endpoint_rules(0.3, 0.8) == {
        "--endpoint.rule2.min-trailing-silence": 0.3,
        "--endpoint.rule3.min-trailing-silence": 0.8,
        "--endpoint.rule4.min-trailing-silence": 1.6,
    }
    assert endpoint_rules(0.5, 0.5)["--endpoint.rule4.min-trailing-silence"] == 1.5


def test_rewrite_replaces_only_the_endpoint_rules() -> None:
    text = rewrite_conf(CONF, endpoint_rules(0.3, 0.8))
    lines = text.splitlines()
    assert lines[:3] == ["--min-active=200", "--beam=10.0", "--endpoint.silence-phones=1:2:3"]
    assert lines[3:] == ["--endpoint.rule2.min-trailing-silence=0.3",
                         "--endpoint.rule3.min-trailing-silence=0.8",
                         "--endpoint.rule4.min-trailing-silence=1.6"]
    assert rewrite_conf(text, endpoint_rules(0.3, 0.8)) == text


def test_the_view_links_everything_but_its_own_model_conf(tmp_path: Path) -> None:
    model = fake_model(tmp_path / "vosk-model-x")
    view = model_view(model, tmp_path / "views", 0.3, 0.8)
    assert view.parent == tmp_path / "views" and view.name.startswith("vosk-model-x-")
    for rel in ("am", "graph", "README", "conf/mfcc.conf"):
        assert (view / rel).is_symlink() and (view / rel).resolve() == (model / rel).resolve()
    conf = view / "conf" / "model.conf"
    assert not conf.is_symlink() and not (view / "conf").is_symlink()
    assert "--endpoint.rule2.min-trailing-silence=0.3" in conf.read_text()
    assert (model / "conf" / "model.conf").read_text() == CONF  # the model is untouched
    assert (view / "am" / "final.mdl").read_text() == "acoustic"


def test_a_view_is_made_once_per_setting(tmp_path: Path) -> None:
    model = fake_model(tmp_path / "m")
    first = model_view(model, tmp_path / "views", 0.5, 1.0)
    stamp = (first / "conf" / "model.conf").stat().st_mtime_ns
    assert model_view(model, tmp_path / "views", 0.5, 1.0) == first
    assert (first / "conf" / "model.conf").stat().st_mtime_ns == stamp
    other = model_view(model, tmp_path / "views", 0.8, 1.0)
    assert other != first
    assert not [p for p in (tmp_path / "views").iterdir() if p.name.startswith(".view-")]


def test_a_views_folder_that_is_a_file_is_explained(tmp_path: Path) -> None:
    model = fake_model(tmp_path / "m")
    (tmp_path / "views").write_text("not a folder")
    with pytest.raises(ModelError, match="could not prepare the speech model") as info:
        model_view(model, tmp_path / "views", 0.5, 1.0)
    assert "data folder" in info.value.fix
