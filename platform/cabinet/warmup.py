"""Warms a web process up before it takes traffic, so the first visitor (or the first business to sign up)
waits no longer than the tenth: URLconfs resolved, the project's templates compiled, every language's
catalogue loaded, the module registry built, a database connection made, a spare schema ready for the next
signup, and a few pages rendered in-process on the platform host and on one business's host (its owner's
manage area too).

Called by cabinet.asgi on import (each Uvicorn worker imports it before it accepts a connection). Set
WEB_WARMUP=0 to skip it (e.g. for a one-off shell that imports the application). Nothing here may stop the
process from serving: every step logs its failure and the next one runs.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)

PLATFORM_PATHS = ("/", "/signup/")
# A spent sign-in link too: the view a new owner arrives through (it only redirects).
TENANT_PATHS = ("/", "/login/", "/manage/enter/spent-link/")
OWNER_PATHS = ("/manage/",)


def _urlconfs() -> None:
    from django.conf import settings
    from django.urls import get_resolver

    for urlconf in (settings.ROOT_URLCONF, settings.PUBLIC_SCHEMA_URLCONF):
        get_resolver(urlconf).url_patterns  # noqa: B018 - imports every view module
        get_resolver(urlconf)._populate()


def _templates() -> int:
    """Compiles every template of the project (not of installed libraries) into the cached loader."""
    from django.conf import settings
    from django.template import TemplateSyntaxError, engines

    root = Path(settings.BASE_DIR).resolve()
    engine = engines["django"]
    compiled = 0
    folders = [Path(d) for d in engine.template_dirs]
    for folder in folders:
        folder = folder.resolve()
        if root not in folder.parents or ".venv" in folder.parts:
            continue
        for path in folder.rglob("*.html"):
            try:
                engine.get_template(str(path.relative_to(folder)))
                compiled += 1
            except (TemplateSyntaxError, LookupError, ImportError):
                continue
    return compiled


def _languages() -> None:
    from django.conf import settings
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Sign in")


def _registry() -> None:
    from cabinet import registry

    registry.modules()


def _database_and_spare() -> None:
    from django.db import connection

    from tenants import services
    from tenants.models import SpareSchema

    connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants
    if not SpareSchema.objects.exists():
        services.refill_spare_schemas(1)  # the beat task tops the pool up to TENANT_SPARE_SCHEMAS later


def _pages() -> None:
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from tenants.models import Domain

    connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants
    hosts: list[tuple[str, tuple[str, ...]]] = [(settings.PLATFORM_DOMAIN, PLATFORM_PATHS)]
    domain = (Domain.objects.select_related("tenant").exclude(tenant__schema_name=settings.PUBLIC_SCHEMA_NAME)
              .filter(is_primary=True).order_by("id").first())
    if domain is not None:
        hosts.append((domain.domain, TENANT_PATHS))
    for host, paths in hosts:
        client = Client(HTTP_HOST=host, raise_request_exception=False)
        for path in paths:
            client.get(path)
    if domain is not None:
        _owner_pages(domain)


def _owner_pages(domain) -> None:
    """The owner's first page, as a business that has just signed up sees it (the manage area's dashboard and
    its imports), under a session made for it and deleted after."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import tenant_context

    with tenant_context(domain.tenant):
        owner = get_user_model().objects.filter(role="owner", is_active=True).order_by("pk").first()
        if owner is None:
            return
        client = Client(HTTP_HOST=domain.domain, raise_request_exception=False)
        client.force_login(owner)
        try:
            for path in OWNER_PATHS:
                client.get(path)
        finally:
            client.logout()
    connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants


STEPS: tuple[tuple[str, Callable[[], object]], ...] = (
    ("URLconfs", _urlconfs),
    ("templates", _templates),
    ("languages", _languages),
    ("registry", _registry),
    ("database and spare schema", _database_and_spare),
    ("pages", _pages),
)


def warm_up() -> float:
    """Runs every step; returns the seconds it took."""
    if os.environ.get("WEB_WARMUP", "1").strip().lower() in {"0", "false", "no", "off"}:
        return 0.0
    from django.db import connections

    started = time.monotonic()
    for name, run in STEPS:
        try:
            run()
        except Exception:  # noqa: BLE001 - a warm-up failure must not stop the server from serving
            logger.warning("Warm-up step %r failed", name, exc_info=True)
    connections.close_all()
    took = time.monotonic() - started
    print(f"Web process {os.getpid()} warmed up in {took:.1f} s", file=sys.stderr, flush=True)
    return took
