"""Only the UI imports textual: the session, the runtime, the engines and the command line
work without it. (The other layer rules are import-linter contracts in pyproject.toml.)"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import calm_voice

CHECK = """
import sys
{imports}
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print("textual loaded:", loaded[:3])
sys.exit(1 if loaded else 0)
"""
HEADLESS = sorted(
    module.name for module in pkgutil.walk_packages(calm_voice.__path__, "calm_voice.")
    if not module.name.startswith("calm_voice.ui") and module.name != "calm_voice.__main__")


def test_every_module_outside_the_ui_is_found() -> None:
    assert {"calm_voice.session.machine", "calm_voice.runtime.loop",
            "calm_voice.runtime.assemble", "calm_voice.cli.listen"} <= set(HEADLESS)


@pytest.mark.parametrize("imports", [
    "\n".join(f"import {name}" for name in HEADLESS),
    "import calm_voice.cli\ncalm_voice.cli.build_parser()",
    "from calm_voice.cli import listen, app",
])
def test_textual_is_not_loaded(imports: str) -> None:
    done = subprocess.run([sys.executable, "-c", CHECK.format(imports=imports)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_check_does_see_textual_when_the_ui_is_imported() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK.format(imports="import calm_voice.ui.app")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "textual" in done.stdout
