import smtplib

from celery import shared_task

from . import services


@shared_task(name="tenants.tasks.refill_spare_schemas", ignore_result=True)
def refill_spare_schemas() -> int:
    """Keeps TENANT_SPARE_SCHEMAS ready-made schemas so a signup only renames one (docs/provisioning.md).
    Idempotent: it only tops the pool up, so running it twice at once at worst makes one extra spare."""
    return services.refill_spare_schemas()


@shared_task(name="tenants.tasks.send_portal_list", ignore_result=True, autoretry_for=(OSError, smtplib.SMTPException), max_retries=5,
             retry_backoff=True)
def send_portal_list(email: str, language: str) -> int:
    """"Find my portal": looks through every business and e-mails the list. Queued, so the page answers at
    once and in the same time whether or not the address belongs to anyone."""
    return services.send_portal_list(email=email, language=language)
