from django import template

from ..selectors import unread_count

register = template.Library()


@register.inclusion_tag("notifications/bell.html", takes_context=True)
def notification_bell(context):
    """The header's bell: a link to the list with the number of unread notifications."""
    user = context.get("user")
    return {"count": unread_count(user) if user is not None else 0}
