"""Reads of the news module. Everything here reads the current tenant's schema only."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Subquery

from .models import ArticlePage, NewsIndexPage, NewsVisit, Topic


def live_articles(topic: str = "") -> QuerySet[ArticlePage]:
    """Published articles, newest first; `topic` narrows them when it is one of the topics."""
    articles = ArticlePage.objects.live().select_related("image").order_by("-first_published_at", "-pk")
    if topic in Topic.values:
        articles = articles.filter(topic=topic)
    return articles


def live_article(slug: str) -> ArticlePage | None:
    return live_articles().filter(slug=slug).first()


def manage_articles() -> QuerySet[ArticlePage]:
    """Every article, drafts included, most recently edited first, for the editors' list."""
    return ArticlePage.objects.select_related("latest_revision").order_by(
        "-latest_revision_created_at", "-first_published_at", "-pk")


def news_index() -> NewsIndexPage | None:
    return NewsIndexPage.objects.first()


def article_counts() -> dict[str, int]:
    """Published articles and articles never published (drafts), in one query."""
    return ArticlePage.objects.aggregate(published=Count("pk", filter=Q(live=True)),
                                         drafts=Count("pk", filter=Q(live=False)))


@dataclass(frozen=True)
class NewsSummary:
    total: int
    new: int  # published after the customer last opened the news list (all of them before a first visit)
    latest_title: str
    latest_slug: str


def news_summary(user) -> NewsSummary:
    """Headline figures for the customer's dashboard card, in two queries."""
    seen_at = Subquery(NewsVisit.objects.filter(user_id=user.pk).values("seen_at")[:1])
    articles = ArticlePage.objects.live().annotate(seen_at=seen_at)
    figures = articles.aggregate(
        total=Count("pk"),
        new=Count("pk", filter=Q(seen_at__isnull=True) | Q(first_published_at__gt=F("seen_at"))),
    )
    latest = live_articles().values("title", "slug").first() if figures["total"] else None
    return NewsSummary(total=figures["total"], new=figures["new"], latest_title=latest["title"] if latest else "",
                       latest_slug=latest["slug"] if latest else "")


def article_figures() -> dict[str, int]:
    """Published articles and drafts, for the owner's overview: one query."""
    return ArticlePage.objects.aggregate(published=Count("pk", filter=Q(live=True)),
                                        drafts=Count("pk", filter=Q(live=False)))


def has_live_articles() -> bool:
    return ArticlePage.objects.live().exists()


def personal_data(user) -> dict:
    """For "Export my data": when the customer last opened the news."""
    visit = NewsVisit.objects.filter(user=user).first()
    return {"news_last_seen_at": visit.seen_at.isoformat() if visit else None}
