"""The import boundaries of DESIGN.md as import-linter contracts, written from the module registry, so a new
module is covered without editing anything here:

- layers: the composition roots (URLs, ASGI/WSGI, launcher) over the platform apps (`tenants`, `realtime`)
  over the modules (`cabinet.modules.*`, `cms`) over `billing` (modules start payments; billing reaches a
  module only through the handlers it declared in `Module.payment_purposes`, found in the registry) over the
  core apps (`accounts`, `portal`, `api`, ...) over the verticals' data over the kernel (every other module of
  `cabinet`); never upward;
- a module imports another module only through its `services` or `selectors`, and only when its
  `module.py` lists that module in `depends_on`;
- no module imports another's `models` (foreign keys name models by string), and no core app another core
  app's `models`.

`python -m cabinet.import_contracts` (run by `make lint`) checks them; `tests/test_architecture.py` too.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

CABINET = Path(__file__).resolve().parent
ROOT_PACKAGES = ("cabinet", "tenants", "verticals", "cms", "realtime", "billing")
COMPOSITION_ROOTS = ("cabinet.urls_tenant", "cabinet.urls_public", "cabinet.asgi", "cabinet.wsgi",
                     "cabinet.launcher", "cabinet.settings",
                     # what a web process runs before its first request (imported by cabinet.asgi only)
                     "cabinet.warmup")
PLATFORM_APPS = ("tenants", "realtime")
# Between the modules and the core apps: payments that modules start, over the core apps it uses itself.
PAYMENT_APPS = ("billing",)
CORE_APPS = ("cabinet.accounts", "cabinet.portal", "cabinet.api", "cabinet.notifications", "cabinet.ledger")
# What one module may import of another it depends on.
PUBLIC_PARTS = ("services", "selectors")
# Tests reach into whatever they check; migrations are frozen history.
IGNORED = ("**.tests.** -> **",)


def _children(package_dir: Path) -> list[str]:
    """Names of the direct submodules and subpackages of a package folder."""
    names = []
    for child in sorted(package_dir.iterdir()):
        if child.name.startswith(("_", ".")):
            continue
        if child.suffix == ".py":
            names.append(child.stem)
        elif child.is_dir() and (child / "__init__.py").exists():
            names.append(child.name)
    return names


def kernel_modules(cabinet_dir: Path = CABINET) -> list[str]:
    """Every module of the `cabinet` package that is neither an app nor a composition root."""
    found = []
    for name in _children(cabinet_dir):
        dotted = f"cabinet.{name}"
        if dotted in COMPOSITION_ROOTS or dotted in CORE_APPS or name == "modules":
            continue
        found.append(dotted)
    return found


def module_packages() -> dict[str, tuple[str, Path, tuple[str, ...]]]:
    """key → (package, folder, depends_on) of every declared module (Django must be set up)."""
    from importlib import import_module

    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    from cabinet import registry

    declared = registry.modules()
    found = {}
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "module"):
            key = import_module(f"{config.name}.module").MODULE.key
            found[key] = (config.name, Path(config.path), declared[key].depends_on)
    return found


def platform_layer(module_packages: set[str]) -> list[str]:
    """The platform apps; one that holds a module (realtime holds the chat) stands for its other parts, and the
    module sits in the modules' layer."""
    found = []
    for app in PLATFORM_APPS:
        inner = [package for package in module_packages if package.startswith(f"{app}.")]
        if not inner:
            found.append(app)
            continue
        folder = Path(__file__).resolve().parent.parent.parent / app.replace(".", "/")
        found += [f"{app}.{name}" for name in _children(folder) if f"{app}.{name}" not in inner and name != "tests"]
    return found


def contracts_config(modules: dict[str, tuple[str, Path, tuple[str, ...]]] | None = None,
                     cabinet_dir: Path = CABINET) -> str:
    """The .importlinter (INI) text of every contract."""
    modules = module_packages() if modules is None else modules
    present_core = [app for app in CORE_APPS if (cabinet_dir / app.split(".")[1]).is_dir()]
    packages = {package for package, _path, _deps in modules.values()}
    layers = [
        " : ".join(COMPOSITION_ROOTS),
        " : ".join(platform_layer(packages)),
        " : ".join(sorted({package for package, _path, _deps in modules.values()})),
        " : ".join(PAYMENT_APPS),
        " : ".join(present_core),
        "verticals",
        " : ".join(kernel_modules(cabinet_dir)),
    ]
    ignored = "\n    ".join(IGNORED)
    sections = [
        "[importlinter]\nroot_packages =\n    " + "\n    ".join(ROOT_PACKAGES)
        + "\ninclude_external_packages = False\nexclude_type_checking_imports = True\n",
        "[importlinter:contract:layers]\nname = Layers: composition roots > platform apps > modules > billing > core apps > "
        "verticals > kernel, never upward\ntype = layers\nlayers =\n    " + "\n    ".join(layers)
        + f"\nignore_imports =\n    {ignored}\nunmatched_ignore_imports_alerting = none\n",
    ]
    for key, (package, _path, depends_on) in sorted(modules.items()):
        for other_key, (other, other_path, _other_deps) in sorted(modules.items()):
            if other_key == key:
                continue
            if other_key in depends_on:
                closed = [f"{other}.{name}" for name in _children(other_path) if name not in PUBLIC_PARTS
                          and name not in ("tests", "migrations")]
                what, why = closed, f"only through its {' or '.join(PUBLIC_PARTS)}"
            else:
                what, why = [other], f"not at all ({key} does not declare depends_on={other_key!r})"
            if not what:
                continue
            sections.append(
                f"[importlinter:contract:{key}-uses-{other_key}]\nname = Module {key} uses module {other_key} {why}\n"
                f"type = forbidden\nsource_modules =\n    {package}\nforbidden_modules =\n    "
                + "\n    ".join(what) + f"\nallow_indirect_imports = True\nignore_imports =\n    {ignored}\nunmatched_ignore_imports_alerting = none\n")
    others_models = {key: [f"{other}.models" for other_key, (other, path, _d) in sorted(modules.items())
                           if other_key != key and ((path / "models.py").exists() or (path / "models").is_dir())]
                     for key in modules}
    for key, (package, _path, _deps) in sorted(modules.items()):
        if others_models[key]:
            sections.append(
                f"[importlinter:contract:{key}-models]\nname = Module {key} imports no other module's models "
                f"(foreign keys by string)\ntype = forbidden\nsource_modules =\n    {package}\nforbidden_modules =\n    "
                + "\n    ".join(others_models[key]) + f"\nallow_indirect_imports = True\nignore_imports =\n    {ignored}\nunmatched_ignore_imports_alerting = none\n")
    for core in present_core:
        others = [f"{other}.models" for other in present_core if other != core
                  and ((cabinet_dir / other.split(".")[1] / "models.py").exists())]
        if others:
            sections.append(
                f"[importlinter:contract:{core.split('.')[1]}-core-models]\nname = Core app {core} imports no other "
                f"core app's models (their services and selectors only)\ntype = forbidden\nsource_modules =\n    {core}"
                "\nforbidden_modules =\n    " + "\n    ".join(others)
                + f"\nallow_indirect_imports = True\nignore_imports =\n    {ignored}\nunmatched_ignore_imports_alerting = none\n")
    return "\n".join(sections)


def check(config_text: str | None = None) -> int:
    """Runs import-linter on the contracts; 0 when every one is kept."""
    from importlinter.cli import lint_imports

    with tempfile.NamedTemporaryFile("w", suffix=".importlinter", delete=False) as handle:
        handle.write(contracts_config() if config_text is None else config_text)
    try:
        return lint_imports(config_filename=handle.name, no_cache=True)
    finally:
        Path(handle.name).unlink()


def main() -> int:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cabinet.settings")
    django.setup()
    if "--print" in sys.argv:
        print(contracts_config())
        return 0
    return check()


if __name__ == "__main__":
    sys.exit(main())
