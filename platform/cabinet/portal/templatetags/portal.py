from django import template

from cabinet.portal.colours import text_colour_on

register = template.Library()


@register.filter
def readable_text_on(colour: str) -> str:
    """The text colour (#ffffff or #000000) that reads best on the given brand colour."""
    try:
        return text_colour_on(colour)
    except (ValueError, IndexError, AttributeError):
        return "#ffffff"


@register.filter
def money(amount, currency: str = "EUR") -> str:
    """`{{ order.total|money:order.currency }}` formatted for the active language."""
    from cabinet.money import format_money

    try:
        return format_money(amount, currency)
    except (TypeError, ValueError):
        return ""


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """`?…&page=N` for a list page: the current query string (search, filters) kept, only the page set."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
