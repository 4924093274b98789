"""House rule: only torg_kiosk/ui imports kivy, so the domain runs and tests without a display."""

from __future__ import annotations

import ast
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
UI_PACKAGE = REPO_ROOT / "torg_kiosk" / "ui"


def kivy_imports(path: Path) -> list[int]:
    """Line numbers of ``import kivy…`` / ``from kivy… import`` in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "kivy" or name.startswith("kivy.") for name in names):
            lines.append(node.lineno)
    return lines


def python_files_outside_the_ui() -> list[Path]:
    files = []
    for path in sorted((REPO_ROOT / "torg_kiosk").rglob("*.py")):
        if UI_PACKAGE not in path.parents:
            files.append(path)
    return files


def test_nothing_outside_kiosk_ui_imports_kivy():
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{line}"
        for path in python_files_outside_the_ui()
        for line in kivy_imports(path)
    ]
    assert offenders == []


def test_the_check_sees_a_kivy_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import os\nfrom kivy.app import App\nimport kivy.core.window as w\n")
    assert kivy_imports(sample) == [2, 3]


def test_the_check_covers_the_domain_packages():
    names = {path.relative_to(REPO_ROOT).as_posix() for path in python_files_outside_the_ui()}
    assert {
        "torg_kiosk/store/schedule.py",
        "torg_kiosk/domain/present.py",
        "torg_kiosk/sync/pipeline.py",
    } <= names
