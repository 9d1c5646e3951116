"""The models dialog's view of calm_voice.speech.models: listing reads disk only; the network is
used only when the person asks to look online or to download."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from calm_voice.config import Settings
from calm_voice.ui.screens.models import ModelRow


class SpeechModelCatalog:
    """Implements ui.screens.models.ModelCatalog over calm_voice.speech.models. Imports the
    model store on first use, so the first paint does not wait for Vosk."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def rows(self) -> list[ModelRow]:
        from calm_voice.speech import models

        return [ModelRow(m.name, m.language or "—", m.size_text or "—", m.installed, m.active)
                for m in models.list_models(self.settings)]

    def look_online(self) -> None:
        from calm_voice.speech import models

        models.fetch_catalog(self.settings.models_dir)

    def download(self, name: str, progress: Callable[[int, int], None]) -> None:
        from calm_voice.speech import models

        models.download_model(name, self.settings.models_dir, progress)

    def install(self, source: str) -> str:
        from calm_voice.speech import model_install

        return model_install.install_brought(Path(source), self.settings.models_dir).name

    def use(self, name: str) -> None:
        from calm_voice.speech import model_install

        model_install.use(name, self.settings.models_dir)
