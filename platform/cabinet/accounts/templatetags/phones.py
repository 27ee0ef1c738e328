from django import template

from cabinet.accounts.identifiers import format_phone

register = template.Library()


@register.filter
def phone(value):
    """A stored (E.164) phone for reading: national format for the business's country, international for
    others; `{{ user.phone|phone }}`."""
    return format_phone(value)


@register.filter
def tel_href(value):
    """The number for a `tel:` link (E.164 as stored; spaces dropped from anything else)."""
    return "".join((value or "").split())
