"""Background work of the referral programme, in one business's schema at a time."""

from cabinet.celery import app
from cabinet.portal.gating import module_task

from . import services


@app.task(name="cabinet.referrals.tasks.mature_commissions", ignore_result=True)
@module_task("referrals")
def mature_commissions() -> int:
    """Credits the commissions whose return window has passed."""
    return services.mature_due()
