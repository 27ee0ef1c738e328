import functools

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import get_language

import verticals
from cabinet import freshness, registry
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
        # Built when a template first asks, once per request (the header shows the portal's links twice).
        context["portal_nav"] = functools.cache(lambda: _portal_nav(request, state))
        context["manage_nav"] = functools.cache(lambda: _manage_nav(request, state))
        context["page_widgets"] = functools.cache(lambda: [
            module.page_widget for module in registry.modules().values()
            if module.page_widget and state.is_enabled(module.key)])
    return context


def _branding(branding: dict) -> dict:
    """The branding for this page: a welcome text still as the vertical wrote it reads in the reader's
    language (the cached state holds it as stored, in the language of the signup)."""
    welcome = verticals.in_reader_language(branding.get("welcome_text", ""))
    return branding if welcome == branding.get("welcome_text") else {**branding, "welcome_text": welcome}


def _portal_nav(request, state):
    signed_in = request.user.is_authenticated
    staff = signed_in and request.user.is_business_staff
    match = request.resolver_match
    here = (match.namespace, match.url_name) if match else ("", "")
    return [
        {"module": module.key, "label": entry.label, "url": f"{module.key}:{entry.url_name}", "icon": entry.icon,
         "id": f"{module.key}-{entry.url_name}",
         "current": here[0] == module.key and _is_current(module, entry, here[1]),
         "badge": _badge(request, state, module, entry) if entry.badge else None}
        for module in registry.modules().values() if state.is_enabled(module.key)
        for entry in module.nav if (signed_in or not entry.login_required) and not (staff and entry.customers_only)
    ]


def _badge(request, state, module, entry):
    """The entry's badge (a count of the signed-in person's), cached as the dashboard's cards are."""
    make_badge = import_string(entry.badge)
    user = request.user
    if not user.is_authenticated:
        return make_badge(request)
    key = f"nav-badge:{module.key}:{entry.url_name}:{user.pk}:{get_language()}:{state.version}"
    return freshness.cached(key, ("nav-badge", module.key, entry.url_name), lambda: make_badge(request))


def _is_current(module, entry, url_name: str) -> bool:
    """Whether the page `url_name` of the module belongs to this navigation entry (one entry is marked)."""
    if url_name == entry.url_name or url_name in entry.current_for or len(module.nav) == 1:
        return True
    named = {e.url_name for e in module.nav} | {name for e in module.nav for name in e.current_for}
    return "*" in entry.current_for and url_name not in named


def _manage_nav(request, state):
    """The manage area's navigation: the overview, then the areas (customers, sales, ...) that hold at least
    one section the person may open, each with its sections. The section whose address is the longest start
    of the current path is marked current, and so is its area."""
    from .navigation import CORE_MANAGE_ENTRIES, OVERVIEW_ENTRY

    user = request.user
    entries = [(entry, entry.url_name) for entry in CORE_MANAGE_ENTRIES if can_see(user, entry)]
    for module in registry.modules().values():
        if state.is_enabled(module.key):
            entries += [(entry, module.manage_url(entry.url_name)) for entry in module.manage_nav
                        if can_see(user, entry)]
    links = [{"label": entry.label, "href": reverse(name), "icon": entry.icon, "group": entry.group}
             for entry, name in entries]
    path = request.path
    matching = [link for link in links if path.startswith(link["href"])]
    current = max(matching, key=lambda link: len(link["href"]), default=None)
    for link in links:
        link["current"] = link is current
    overview_href = reverse(OVERVIEW_ENTRY.url_name)
    groups = []
    for key, label in registry.MANAGE_GROUPS.items():
        members = [link for link in links if link["group"] == key]
        if members:
            groups.append({"key": key, "label": label, "links": members,
                           "current": any(link["current"] for link in members)})
    return {
        "overview": {"label": OVERVIEW_ENTRY.label, "href": overview_href, "current": path == overview_href},
        "groups": groups,
    }
