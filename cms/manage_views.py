"""The news section of the manage area: the list of articles with links into the Wagtail admin."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cabinet.accounts.permissions import role_required

from .selectors import manage_articles
from .services import ensure_editor_access
from .wagtail_urls import NEWS_ROLES


@require_GET
@role_required(*NEWS_ROLES)
def index(request):
    news_index = ensure_editor_access(request.user)
    articles = [{"article": article, "edit_url": reverse("wagtailadmin_pages:edit", args=[article.pk])}
                for article in manage_articles()]
    return render(request, "cms/manage_index.html", {
        "articles": articles,
        "write_url": reverse("wagtailadmin_pages:add", args=["cms", "articlepage", news_index.pk]),
        "admin_url": reverse("wagtailadmin_explore", args=[news_index.pk]),
    })
