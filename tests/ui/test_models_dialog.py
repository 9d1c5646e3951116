"""The models dialog with the real model store, against a catalog and zip on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.message import Message
from textual.widgets import DataTable

from calm_voice.config import load_settings
from calm_voice.guide import load_guide
from calm_voice.paths import default_guide_path
from calm_voice.ui.app import make_app
from calm_voice.ui.screens.models import ModelsScreen
from tests.integration.test_models_download import ModelServer, small_model_zip
from tests.ui.helpers import FakeServices, synchronous, wait_until

NAME = "vosk-model-test-ko-0.1"


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
