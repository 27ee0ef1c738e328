from django.conf import settings

import verticals
from cabinet import registry
from cabinet.accounts.permissions import can_see


def platform(request):
    """The current tenant, its branding, its vertical's wording and the navigation of enabled modules."""
    tenant = getattr(request, "tenant", None)
    state = getattr(request, "portal", None)
    vertical_key = state.vertical if state else getattr(tenant, "vertical", "")
    context = {
        "current_tenant": tenant,
        "vertical": verticals.get_vertical(vertical_key) if vertical_key else None,
        "platform_domain": settings.PLATFORM_DOMAIN,
        "branding": _branding(state.branding) if state else {},
    }
    if state is not None:
        context["portal_nav"] = lambda: _portal_nav(request, state)
        context["manage_nav"] = lambda: _manage_nav(request, state)
    return context


def _branding(branding: dict) -> dict:
    """The branding for this page: a welcome text still as the vertical wrote it reads in the reader's
    language (the cached state holds it as stored, in the language of the signup)."""
    welcome = verticals.in_reader_language(branding.get("welcome_text", ""))
    return branding if welcome == branding.get("welcome_text") else {**branding, "welcome_text": welcome}


def _portal_nav(request, state):
    signed_in = request.user.is_authenticated
    match = request.resolver_match
    here = (match.namespace, match.url_name) if match else ("", "")
    return [
        {"module": module.key, "label": entry.label, "url": f"{module.key}:{entry.url_name}", "icon": entry.icon,
         "current": here[0] == module.key and _is_current(module, entry, here[1])}
        for module in registry.modules().values() if state.is_enabled(module.key)
        for entry in module.nav if signed_in or not entry.login_required
    ]


def _is_current(module, entry, url_name: str) -> bool:
    """Whether the page `url_name` of the module belongs to this navigation entry (one entry is marked)."""
    if url_name == entry.url_name or url_name in entry.current_for or len(module.nav) == 1:
        return True
    named = {e.url_name for e in module.nav} | {name for e in module.nav for name in e.current_for}
    return "*" in entry.current_for and url_name not in named


def _manage_nav(request, state):
    from .navigation import CORE_MANAGE_ENTRIES

    user = request.user
    entries = [{"label": e.label, "url": e.url_name, "icon": e.icon} for e in CORE_MANAGE_ENTRIES if can_see(user, e)]
    for module in registry.modules().values():
        if state.is_enabled(module.key):
            entries += [{"label": e.label, "url": f"{module.key}-manage:{e.url_name}", "icon": e.icon}
                        for e in module.manage_nav if can_see(user, e)]
    return entries
