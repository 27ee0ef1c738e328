"""Background work of the bonus-points programme, in one business's schema at a time."""

from cabinet.celery import app
from cabinet.portal.gating import module_task

from . import services


@app.task(name="cabinet.loyalty.tasks.mature_and_expire", ignore_result=True)
@module_task("loyalty")
def mature_and_expire() -> int:
    """Credits points whose return window has passed, expires those past their date, reminds before."""
    credited = services.mature_due()
    expired = services.expire_due()
    services.remind_due()
    return credited + expired
