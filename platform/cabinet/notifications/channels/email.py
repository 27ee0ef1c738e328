"""E-mail through Django's mail backend: SMTP, the local mailbox, or any anymail provider by settings."""

from __future__ import annotations

import hashlib
import smtplib
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMessage

from ..models import Delivery
from . import Batch, Fail, Retry


def send(delivery: Delivery, batch: Batch | None = None) -> str:
    from cabinet.portal.selectors import portal_state

    notification = delivery.notification
    sender = formataddr((portal_state().branding.get("portal_name", ""), settings.DEFAULT_FROM_EMAIL))
    digest = hashlib.sha256(delivery.idempotency_key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "kabinet.local"
    message = EmailMessage(notification.subject, notification.body, sender, [delivery.address],
                           headers={"Message-ID": f"<{digest}@{domain}>", "X-Idempotency-Key": digest},
                           connection=batch.mail_connection() if batch is not None else None)
    for attachment in notification.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.mimetype)
    try:
        message.send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as error:
        raise Fail(f"refused: {error.recipients}", delivery.address) from error
    except (OSError, smtplib.SMTPException) as error:
        raise Retry(f"{type(error).__name__}: {error}", delivery.address) from error
    except Exception as error:  # a provider's backend (anymail) raises its own errors
        rejected = type(error).__name__ in {"AnymailRecipientsRefused", "AnymailInvalidAddress"}
        raise (Fail if rejected else Retry)(f"{type(error).__name__}: {error}", delivery.address) from error
    return "accepted by the mail backend"
