"""The news section of the manage area: the list of articles with links into the Wagtail admin."""

from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from cabinet.accounts.permissions import role_required

from .selectors import manage_articles
from .services import ensure_editor_access
from .wagtail_urls import NEWS_ROLES


def _admin_url(name: str, *args) -> str:
    """A Wagtail admin URL, or '' while the tenant URLconf does not mount the admin."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@require_GET
@role_required(*NEWS_ROLES)
def index(request):
    news_index = ensure_editor_access(request.user)
    articles = [{"article": article, "edit_url": _admin_url("wagtailadmin_pages:edit", article.pk)}
                for article in manage_articles()]
    return render(request, "cms/manage_index.html", {
        "articles": articles,
        "write_url": _admin_url("wagtailadmin_pages:add", "cms", "articlepage", news_index.pk),
        "admin_url": _admin_url("wagtailadmin_explore", news_index.pk),
    })
