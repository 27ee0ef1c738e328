"""Background work of clubs. Each task runs inside one tenant's schema (tenant-schemas-celery carries it)."""

from cabinet.celery import app
from cabinet.portal.gating import module_task

from . import services


@app.task(name="cabinet.clubs.tasks.recalculate_spend_clubs", ignore_result=True)
@module_task("clubs")
def recalculate_spend_clubs() -> int:
    """Brings every club by spend in line with what its customers spent; returns how many joined or left."""
    joined, left = services.recalculate_all()
    return joined + left
