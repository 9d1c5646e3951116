"""The models dialog with the real model store, against a catalog and zip on 127.0.0.1."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from textual.message import Message
from textual.widgets import DataTable, Input

from calm_voice.config import load_settings
from calm_voice.guide import load_guide
from calm_voice.paths import default_guide_path
from calm_voice.speech.discovery import find_model
from calm_voice.ui.app import make_app
from calm_voice.ui.screens.models import ModelsScreen
from tests.integration.test_models_download import ModelServer, small_model_zip
from tests.ui.helpers import FakeServices, synchronous, wait_until

NAME = "vosk-model-test-ko-0.1"
MODEL_FILES = ("am/final.mdl", "conf/model.conf", "graph/HCLr.fst", "graph/Gr.fst")


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> object:
    server = ModelServer()
    server.thread.start()
    monkeypatch.setenv("CALM_VOICE_MODEL_CATALOG", f"{server.url}/model-list.json")
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def status_of(app: object) -> str:
    return str(app.screen.query_one("#models-status").render())  # type: ignore[attr-defined]


@synchronous
async def test_look_online_then_download_with_progress(served: ModelServer,
                                                       tmp_path: Path) -> None:
    served.publish(NAME, small_model_zip())
    settings = load_settings(None, models_dir=tmp_path / "models")
    app = make_app(settings, load_guide(default_guide_path()), FakeServices(), voice=False)
    seen: list[Message] = []
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ModelsScreen)
        table = app.screen.query_one(DataTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert NAME not in names  # nothing is fetched until asked
        assert served.requests == []
        await pilot.press("l")
        await wait_until(pilot, lambda: "models." in status_of(app))
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert NAME in names
        table.move_cursor(row=names.index(NAME))
        await pilot.press("d")
        await wait_until(pilot, lambda: "is ready" in status_of(app))
        assert (tmp_path / "models" / NAME / "am" / "final.mdl").is_file()
        row = [str(table.get_row_at(i)[0]) for i in range(table.row_count)].index(NAME)
        assert str(table.get_row_at(row)[3]) in ("yes", "in use")
        progress = [(p.done, p.total) for p in seen if isinstance(p, ModelsScreen.Progress)]
        assert progress and progress[-1][0] == progress[-1][1] > 0, progress


@synchronous
async def test_a_download_that_cannot_connect_is_explained(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    monkeypatch.setenv("CALM_VOICE_MODEL_CATALOG", "http://127.0.0.1:9/model-list.json")
    settings = load_settings(None, models_dir=tmp_path / "models")
    app = make_app(settings, load_guide(default_guide_path()), FakeServices(), voice=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m", "l")
        await wait_until(pilot, lambda: "Looking online" not in status_of(app)
                         and status_of(app) != "")
        text = status_of(app)
        assert "Traceback" not in text and len(text) > 20, text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main


def model_zip(path: Path, top: str) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for rel in MODEL_FILES:
            archive.writestr(f"{top}/{rel}", b"model data " * 20)
    return path


def installed(models_dir: Path, name: str) -> Path:
    for rel in MODEL_FILES:
        (models_dir / name / rel).parent.mkdir(parents=True, exist_ok=True)
        (models_dir / name / rel).write_bytes(b"model data " * 20)
    return models_dir / name


def cell(app: object, name: str, column: int) -> str:
    table = app.screen.query_one(DataTable)  # type: ignore[attr-defined]
    names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
    return str(table.get_row_at(names.index(name))[column])


@synchronous
async def test_the_dialog_installs_a_model_from_a_file_and_switches_to_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CALM_VOICE_MODEL", raising=False)
    models_dir = tmp_path / "models"
    installed(models_dir, "vosk-model-small-en-us-0.15")
    (tmp_path / "usb").mkdir()
    stick = model_zip(tmp_path / "usb" / "my-model.zip", "my-model")
    settings = load_settings(None, models_dir=models_dir)
    assert find_model(settings).name == "vosk-model-small-en-us-0.15"
    app = make_app(settings, load_guide(default_guide_path()), FakeServices(), voice=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, ModelsScreen)
        assert cell(app, "vosk-model-small-en-us-0.15", 3) == "in use"
        await pilot.press("i")
        await pilot.pause()
        path = app.screen.query_one("#models-path", Input)
        assert path.display and path.has_focus
        path.value = str(stick)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "my-model is ready" in status_of(app))
        assert (models_dir / "my-model" / "am" / "final.mdl").is_file()
        assert cell(app, "my-model", 3) == "yes"
        assert find_model(settings).name == "vosk-model-small-en-us-0.15"  # not yet chosen
        await pilot.press("u")  # the cursor was moved to the model just installed
        await wait_until(pilot, lambda: "my-model is chosen" in status_of(app))
        assert "open calm-voice again" in status_of(app)
        assert cell(app, "my-model", 3) == "in use"
        assert cell(app, "vosk-model-small-en-us-0.15", 3) == "yes"
        assert find_model(settings).name == "my-model"  # the next start uses it
        await pilot.press("u")
        await pilot.pause()
        assert "my-model is the one in use" in status_of(app)


@synchronous
async def test_the_dialog_explains_a_file_that_is_not_a_model(tmp_path: Path) -> None:
    models_dir = tmp_path / "models"
    photo = tmp_path / "holiday.zip"
    photo.write_text("not a zip")
    settings = load_settings(None, models_dir=models_dir)
    app = make_app(settings, load_guide(default_guide_path()), FakeServices(), voice=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m", "i")
        await pilot.pause()
        app.screen.query_one("#models-path", Input).value = str(photo)
        await pilot.press("enter")
        await wait_until(pilot, lambda: "not a zip file" in status_of(app))
        assert "Traceback" not in status_of(app)
        assert not (models_dir / "holiday").exists()
