"""Reads for the owner's overview: the cards and the setup checklist that the core and every enabled module
contribute (`Module.manage_card`, `Module.checklist`), filtered by the person's staff role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.module_loading import import_string

from cabinet import registry
from cabinet.accounts.permissions import has_role
from cabinet.registry import ChecklistItem, ManageCard

from .selectors import PortalState


@dataclass(frozen=True)
class ChecklistRow:
    key: str
    label: Any
    url: str
    done: bool
    help_text: Any = ""


def _enabled(state: PortalState) -> list[registry.Module]:
    return [module for module in registry.modules().values() if state.is_enabled(module.key)]


def overview_cards(request, state: PortalState) -> list[dict[str, Any]]:
    """One card per contributor the person's role may see, in navigation order (the core first)."""
    from .navigation import CORE_MANAGE_CARDS

    makers: list[tuple[str, ManageCard]] = [("core", card) for card in CORE_MANAGE_CARDS]
    makers += [(module.key, module.manage_card) for module in _enabled(state) if module.manage_card is not None]
    cards = []
    for key, spec in makers:
        if not has_role(request.user, spec.roles):
            continue
        card = import_string(spec.maker)(request)
        if card is not None:
            cards.append({"module": key, "title": card.title, "value": card.value, "detail": card.detail,
                          "url": card.url, "icon": card.icon})
    return cards


def setup_checklist(request, state: PortalState) -> list[ChecklistRow]:
    """The steps of setting the portal up that the person's role can take, each asking whether it is done."""
    from .navigation import CORE_CHECKLIST

    items: list[tuple[ChecklistItem, str]] = [(item, item.url_name) for item in CORE_CHECKLIST]
    for module in _enabled(state):
        items += [(item, module.manage_url(item.url_name)) for item in module.checklist]
    return [ChecklistRow(key=item.key, label=item.label, url=reverse(url_name), done=bool(import_string(item.done)()),
                         help_text=item.help_text)
            for item, url_name in items if has_role(request.user, item.roles)]
