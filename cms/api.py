"""`GET /api/v1/news/`: the published articles, newest first, for apps and integrations."""

from django.urls import reverse
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from wagtail.rich_text import expand_db_html

from .models import ArticlePage, Topic
from .selectors import live_articles


class ArticleSerializer(serializers.ModelSerializer):
    published_at = serializers.DateTimeField(source="first_published_at")
    topic_label = serializers.SerializerMethodField()
    body = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()

    class Meta:
        model = ArticlePage
        fields = ["id", "title", "slug", "intro", "topic", "topic_label", "published_at", "body", "url",
                  "image_url"]

    def get_topic_label(self, article) -> str:
        return str(Topic(article.topic).label) if article.topic in Topic.values else ""

    def get_body(self, article) -> str:
        """HTML with Wagtail's internal links resolved."""
        return expand_db_html(article.body)

    def get_url(self, article) -> str:
        return self.context["request"].build_absolute_uri(reverse("news:detail", kwargs={"slug": article.slug}))

    def get_image_url(self, article) -> str | None:
        if article.image_id is None:
            return None
        return self.context["request"].build_absolute_uri(reverse("news:image", kwargs={"slug": article.slug}))


class ArticlePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class ArticleList(generics.ListAPIView):
    """Published news articles of this business, newest first; `?topic=` narrows them to one topic."""

    serializer_class = ArticleSerializer
    permission_classes = [AllowAny]
    pagination_class = ArticlePagination

    def get_queryset(self):
        return live_articles(self.request.query_params.get("topic", ""))
