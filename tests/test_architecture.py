"""The layout rules of docs/decisions.md and DESIGN.md that code can check."""

import ast
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


# --- Celery task names ---------------------------------------------------------------------------------------
# A task's name is what the broker and beat store; without `name=` Celery derives it from the module path, so
# moving a file would strand queued tasks and beat entries. Every task names itself, first.

SOURCE_ROOTS = ("platform", "tenants", "verticals", "cms", "realtime", "billing")


def _is_task_decorator(node: ast.expr) -> bool:
    target = node.func if isinstance(node, ast.Call) else node
    if isinstance(target, ast.Attribute):
        return target.attr == "task"
    return isinstance(target, ast.Name) and target.id == "shared_task"


def tasks_without_explicit_name(paths: list[Path]) -> list[str]:
    """`file:line function` of every Celery task declared without `name=` as its first keyword."""
    bad = []
    for path in paths:
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                if not _is_task_decorator(decorator):
                    continue
                keywords = decorator.keywords if isinstance(decorator, ast.Call) else []
                if not keywords or keywords[0].arg != "name":
                    bad.append(f"{path}:{decorator.lineno} {node.name}")
    return bad


def _python_files() -> list[Path]:
    return [path for root in SOURCE_ROOTS for path in (ROOT / root).rglob("*.py")
            if "migrations" not in path.parts and "tests" not in path.parts]


def test_every_celery_task_has_an_explicit_name():
    assert tasks_without_explicit_name(_python_files()) == []


def test_every_registered_task_name_is_its_declared_one():
    from cabinet.celery import app

    app.loader.import_default_modules()
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    assert "cabinet.orders.tasks.email_invoice" in ours and "tenants.tasks.refill_spare_schemas" in ours


def test_task_name_check_catches_a_task_without_one(tmp_path):
    bad = tmp_path / "tasks.py"
    bad.write_text("from cabinet.celery import app\n\n\n@app.task(ignore_result=True)\ndef nameless():\n    pass\n\n\n"
                   "@app.task(name='x.named', bind=True)\ndef named(self):\n    pass\n\n\n"
                   "@app.task\ndef bare():\n    pass\n")
    assert tasks_without_explicit_name([bad]) == [f"{bad}:4 nameless", f"{bad}:14 bare"]
