"""Background work of orders. Each per-tenant task runs inside one tenant's schema (tenant-schemas-celery
carries it); beat queues the periodic ones in every business where orders are on (module.py)."""

import logging
import smtplib

from cabinet.celery import app
from cabinet.portal.gating import module_task
from cabinet.tenancy import current_tenant_url

from . import services

# --- Recurring orders --------------------------------------------------------------------------------------

@app.task(name="cabinet.orders.tasks.place_due_recurring_orders", ignore_result=True)
@module_task("orders")
def place_due_recurring_orders() -> int:
    """Places the tenant's active recurring orders due today (in the business's time zone)."""
    return services.place_due_recurring(services.local_today())


@app.task(name="cabinet.orders.tasks.email_recurring_result", ignore_result=True, autoretry_for=(OSError, smtplib.SMTPException), max_retries=5,
          retry_backoff=True)
@module_task("orders")
def email_recurring_result(run_id: int) -> bool:
    """Tells the customer what a recurring run placed, or why it placed nothing. A failing mail server is
    retried with growing pauses."""
    return services.send_recurring_result(run_id, current_tenant_url())


# --- Invoices ----------------------------------------------------------------------------------------------

logger = logging.getLogger(__name__)


@app.task(name="cabinet.orders.tasks.email_invoice", bind=True, ignore_result=True, autoretry_for=(OSError, smtplib.SMTPException), max_retries=5,
          retry_backoff=True, retry_backoff_max=600, retry_jitter=True)
@module_task("orders")
def email_invoice(self, invoice_id: int) -> bool:
    """Sends the customer the PDF of a new invoice (once: a sent invoice is skipped). A failing mail server
    is logged and retried with growing pauses."""
    try:
        return services.send_invoice_email(invoice_id, current_tenant_url())
    except (OSError, smtplib.SMTPException):
        logger.warning("invoice %s: e-mail failed (attempt %s of %s)", invoice_id, self.request.retries + 1,
                       self.max_retries + 1, exc_info=True)
        raise


@app.task(name="cabinet.orders.tasks.remind_overdue_invoices", ignore_result=True)
@module_task("orders")
def remind_overdue_invoices() -> int:
    """Reminds customers of overdue invoices, once per invoice and reminder step."""
    return services.remind_overdue(site_url=current_tenant_url())
