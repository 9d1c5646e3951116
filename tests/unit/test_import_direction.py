"""Only the UI imports textual: the loop, the engines and the command line work without it."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = """
import sys
{imports}
loaded = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
print("textual loaded:", loaded[:3])
sys.exit(1 if loaded else 0)
"""


@pytest.mark.parametrize("imports", [
    "import calm_voice.runtime.loop",
    "import calm_voice.runtime.assemble",
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
