"""Background work of support. Each task runs inside one tenant's schema (tenant-schemas-celery carries it)."""

from cabinet.celery import app
from cabinet.portal.gating import module_task
from cabinet.portal.selectors import portal_state

from . import services


@app.task(name="cabinet.support.tasks.auto_close_resolved_requests", ignore_result=True)
@module_task("support")
def auto_close_resolved_requests() -> int:
    """Closes the tenant's requests resolved more than "auto_close_days" days ago (a module setting)."""
    return services.auto_close_resolved(portal_state().setting("support", "auto_close_days") or 7)
