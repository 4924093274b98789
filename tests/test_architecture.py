"""House rules on who imports whom, checked by import-linter (contracts in pyproject.toml).

The layers, top to bottom: ``torg_kiosk.ui`` · ``torg_kiosk.calls`` · ``torg_kiosk.domain`` |
``torg_kiosk.sync`` · ``torg_kiosk.store`` · ``torg_kiosk.base``; only the entry point wires
them, and only the ui imports Kivy; the kiosk and the reference central server
(``torg_central``) never import each other. These tests run ``lint-imports`` on the real
tree, and on a copy with one deliberate back-import per rule, so the check itself is known
to bite.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contracts_hold():
    result = lint_imports(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.fixture
def tree_copy(tmp_path: Path) -> Path:
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path)
    for package, source in [
        ("torg_kiosk", REPO_ROOT / "torg_kiosk"),
        ("torg_central", REPO_ROOT / "central" / "torg_central"),
    ]:
        shutil.copytree(
            source, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "assets")
        )
    return tmp_path


@pytest.mark.parametrize(
    ("module", "back_import", "broken_rule"),
    [
        ("store/schedule.py", "import torg_kiosk.sync.pipeline", "torg_kiosk.store is not allowed"),
        ("sync/pipeline.py", "import torg_kiosk.domain.present", "torg_kiosk.sync is not allowed"),
        ("base/clock.py", "import torg_kiosk.store.records", "torg_kiosk.base is not allowed"),
        ("domain/present.py", "import torg_kiosk.ui.theme", "torg_kiosk.domain is not allowed"),
        ("sync/loop.py", "import torg_kiosk.__main__", "Only the entry point"),
        ("ui/app.py", "import torg_kiosk.services", "Only the entry point"),
        ("domain/idle.py", "import kivy.clock", "Only torg_kiosk.ui imports Kivy"),
        ("calls/desk.py", "import torg_kiosk.ui.theme", "torg_kiosk.calls is not allowed"),
        ("domain/present.py", "import torg_kiosk.calls.desk", "torg_kiosk.domain is not allowed"),
        ("sync/fetch.py", "import torg_kiosk.calls.session", "torg_kiosk.sync is not allowed"),
        ("calls/browser.py", "import kivy.clock", "Only torg_kiosk.ui imports Kivy"),
    ],
)
def test_a_back_import_breaks_a_contract(tree_copy, module, back_import, broken_rule):
    with (tree_copy / "torg_kiosk" / module).open("a") as file:
        file.write(f"\n{back_import}  # deliberate, for the test\n")
    result = lint_imports(tree_copy)
    assert result.returncode == 1, result.stdout
    assert broken_rule in result.stdout


@pytest.mark.parametrize(
    ("module", "import_across"),
    [
        ("torg_central/storage.py", "import torg_kiosk.base.clock"),
        ("torg_kiosk/sync/fetch.py", "import torg_central.server"),
    ],
)
def test_an_import_across_the_wire_breaks_a_contract(tree_copy, module, import_across):
    with (tree_copy / module).open("a") as file:
        file.write(f"\n{import_across}  # deliberate, for the test\n")
    result = lint_imports(tree_copy)
    assert result.returncode == 1, result.stdout
    assert "torg_kiosk and torg_central never import each other" in result.stdout
