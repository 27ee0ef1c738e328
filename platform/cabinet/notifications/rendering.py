"""A message's words, per event: `<template>_subject.txt`, `<template>.txt` (the e-mail) and, where there is
one, `<template>_text.txt` (the short text of SMS, push and the bell; else the subject). Rendered in the
recipient's language, with the business's branding (`portal_name`) in the context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from cabinet.portal.mail import render_mail


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    text: str


def template_for(event: str) -> str:
    """The default template of an event: "support.reply" → "support/notifications/reply"."""
    app, _dot, name = event.partition(".")
    return f"{app}/notifications/{name or app}"


def render(template: str, context: dict[str, Any], language: str) -> Rendered:
    subject, body = render_mail(template, context, language)
    try:
        from cabinet.portal.selectors import portal_state

        with translation.override(language or translation.get_language()):
            full = {"portal_name": portal_state().branding.get("portal_name", ""), **context}
            text = " ".join(render_to_string(f"{template}_text.txt", full).split())
    except TemplateDoesNotExist:
        text = subject
    return Rendered(subject=subject[:250], body=body, text=text[:500])
