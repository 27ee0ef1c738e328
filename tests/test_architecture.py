"""The layout rules of docs/decisions.md and DESIGN.md that code can check."""

import importlib
import platform
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_platform_is_the_standard_library_module():
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert Path(platform.__file__).resolve().parent == stdlib
    assert callable(platform.system) and platform.system()


def test_platform_folder_is_a_source_root_holding_only_cabinet():
    assert not (ROOT / "platform" / "__init__.py").exists()
    packages = sorted(p.name for p in (ROOT / "platform").iterdir() if p.is_dir() and not p.name.startswith((".", "__")))
    assert packages == ["cabinet"]
    assert importlib.import_module("cabinet").__file__.startswith(str(ROOT / "platform"))


def test_migrations_are_committed(db):
    result = subprocess.run([sys.executable, str(ROOT / "manage.py"), "makemigrations", "--check", "--dry-run"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_passes():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--quiet", "."], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_services_type_check():
    result = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary"], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
