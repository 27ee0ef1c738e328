"""The layout rules of docs/decisions.md and DESIGN.md that code can check."""

import ast
import importlib
import os
import platform
import shutil
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


# --- Import boundaries ---------------------------------------------------------------------------------------
# The contracts come from the registry (cabinet/import_contracts.py): layers, modules meeting only in each
# other's services/selectors and only when declared, no module importing another's models.

def _lint_copy(tmp_path: Path, bad_file: tuple[str, str]) -> subprocess.CompletedProcess:
    """import-linter run over a copy of the sources (optionally with one extra file), so a deliberately bad
    import never touches the working tree."""
    copy = tmp_path / "src"
    for root in SOURCE_ROOTS:
        shutil.copytree(ROOT / root, copy / root, ignore=shutil.ignore_patterns(
            "__pycache__", "locale", "static", "templates", "fonts", "*.po", "*.mo"))
    (copy / bad_file[0]).write_text(bad_file[1])
    from cabinet import import_contracts  # the contracts of the copy: its kernel includes a new kernel file

    (copy / ".importlinter").write_text(import_contracts.contracts_config(cabinet_dir=copy / "platform" / "cabinet"))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": f"{copy}:{copy / 'platform'}"}
    lint = Path(sys.executable).parent / "lint-imports"
    return subprocess.run([str(lint), "--config", str(copy / ".importlinter"), "--no-cache"], capture_output=True,
                          text=True, cwd=copy, env=env)


def test_import_contracts_hold():
    from cabinet import import_contracts

    config = import_contracts.contracts_config()
    # every declared module is covered, so a new module needs no edit of the contracts
    for package, _path, _deps in import_contracts.module_packages().values():
        assert f"source_modules =\n    {package}\n" in config, package
    result = subprocess.run([sys.executable, "-m", "cabinet.import_contracts"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_import_contracts_catch_a_bad_import(tmp_path):
    # feedback declares support only: reaching into catalog's models breaks two contracts, and the kernel
    # importing a core app breaks the layers
    bad = ("platform/cabinet/modules/feedback/probe.py", "from cabinet.modules.catalog.models import Product  # noqa\n")
    result = _lint_copy(tmp_path, bad)
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert "cabinet.modules.feedback.probe -> cabinet.modules.catalog.models" in result.stdout
    assert "Module feedback uses module catalog not at all" in result.stdout
    kernel = ("platform/cabinet/probe.py", "from cabinet.portal import selectors  # noqa\n")
    result = _lint_copy(tmp_path / "kernel", kernel)
    assert result.returncode == 1 and "cabinet.probe -> cabinet.portal.selectors" in result.stdout, result.stdout[-3000:]
