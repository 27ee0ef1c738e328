"""Background work of the chat. Each task runs inside one tenant's schema (tenant-schemas-celery carries it)."""

from cabinet.celery import app
from cabinet.portal.gating import module_task

from . import selectors, services


@app.task(name="realtime.chat.tasks.return_away_operators_conversations", ignore_result=True)
@module_task("chat")
def return_away_operators_conversations() -> int:
    """Open conversations of operators offline for longer than the grace period (a module setting) go back to the
    queue, and to an operator online if one has room."""
    return services.return_to_queue_from_away(minutes=selectors.away_minutes())
