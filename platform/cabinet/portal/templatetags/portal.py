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
