"""E-mails written as templates: `<template>_subject.txt` and `<template>.txt`, in the reader's language."""

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation


def render_mail(template: str, context: dict[str, Any], language: str = "") -> tuple[str, str]:
    """(subject on one line, body) of the template in `language` (default: the active one), with the portal's
    name in the context as `portal_name`."""
    from cabinet.portal.selectors import portal_state

    with translation.override(language or translation.get_language()):
        context = {"portal_name": portal_state().branding.get("portal_name", ""), **context}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}.txt", context)
    return subject, body
