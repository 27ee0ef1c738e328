"""The news in the customer portal: open to everybody, signed in or not."""

import mimetypes

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from cabinet.registry import DashboardCard

from .models import Topic
from .selectors import live_article, live_articles, news_summary
from .services import mark_news_seen

DEFAULT_PAGE_SIZE = 10
IMAGE_RENDITION = "fill-1200x675"  # 16:9, wide enough for a desktop column, light enough for a phone


@require_GET
def news_list(request):
    topic = request.GET.get("topic", "")
    if topic not in Topic.values:
        topic = ""
    page_size = request.portal.setting("news", "page_size") or DEFAULT_PAGE_SIZE
    page = Paginator(live_articles(topic), page_size).get_page(request.GET.get("page"))
    if request.user.is_authenticated:
        mark_news_seen(request.user)
    return render(request, "cms/news_list.html", {
        "page": page, "articles": page.object_list, "topics": Topic.choices, "topic": topic})


@require_GET
def article_detail(request, slug):
    article = live_article(slug)
    if article is None:
        raise Http404(_("There is no such article."))
    return render(request, "cms/article_detail.html", {"article": article})


@require_GET
@cache_control(public=True, max_age=3600)
def article_image(request, slug):
    """The article's picture, scaled for the portal. News is public, so its pictures are too; they are
    still served through here so that only pictures of published articles of this tenant leave."""
    article = live_article(slug)
    if article is None or article.image is None:
        raise Http404(_("There is no such picture."))
    try:
        rendition = article.image.get_rendition(IMAGE_RENDITION)
    except (OSError, ValueError) as error:  # the original file is missing or unreadable
        raise Http404(_("There is no such picture.")) from error
    content_type = mimetypes.guess_type(rendition.file.name)[0] or "application/octet-stream"
    return FileResponse(rendition.file.open("rb"), content_type=content_type)


def news_card(request) -> DashboardCard:
    """Dashboard card: the number of articles (as every card shows its total), how many appeared since the
    customer last opened the news, and the latest one's title."""
    summary = news_summary(request.user)
    if summary.total == 0:
        detail = _("No news yet.")
    elif summary.new:
        detail = ngettext("%(count)d new since your last visit. Latest: %(title)s",
                          "%(count)d new since your last visit. Latest: %(title)s",
                          summary.new) % {"count": summary.new, "title": summary.latest_title}
    else:
        detail = _("Nothing new since your last visit. Latest: %(title)s") % {"title": summary.latest_title}
    return DashboardCard(title=_("News"), value=str(summary.total), detail=detail, url=reverse("news:list"),
                         icon="newspaper")
