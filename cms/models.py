"""News of a business: Wagtail pages inside the tenant's schema. Every schema has one news index under
the Wagtail root (made by `services.ensure_news_index`), and articles live under it."""

from django.conf import settings
from django.db import connection, models
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

# Rich text an editor may use in an article. No embeds or document links: those would load content
# from outside the portal or expose files without an access check.
ARTICLE_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "hr", "blockquote"]


def _portal_url_parts(request, url_name: str, **kwargs):
    """(site id, root URL, path) of a page in the portal. The portal routes news by its own URLs, not
    by Wagtail sites, so "View live" in the admin and previews lead to the portal's pages."""
    try:
        path = reverse(url_name, kwargs=kwargs)
    except NoReverseMatch:
        return None
    if isinstance(request, HttpRequest):
        return None, request.build_absolute_uri("/").rstrip("/"), path
    from tenants.models import Tenant
    from tenants.services import tenant_url

    tenant = getattr(connection, "tenant", None)
    return None, tenant_url(tenant) if isinstance(tenant, Tenant) else "", path


class Topic(models.TextChoices):
    GENERAL = "general", _("General")
    OFFERS = "offers", _("Offers")
    EVENTS = "events", _("Events")
    SERVICE = "service", _("Service updates")
    TIPS = "tips", _("Tips and advice")


class NewsIndexPage(Page):
    """The parent of every article of one business (one per schema)."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ArticlePage"]
    max_count = 1
    # The portal shows news to everybody; Wagtail's per-page privacy is not part of our access model.
    private_page_options: list[str] = []

    def get_url_parts(self, request=None):
        return _portal_url_parts(request, "news:list")

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")


class ArticlePage(Page):
    """One news article. `first_published_at` (from Wagtail) is the date the portal shows."""

    intro = models.TextField(_("summary"), max_length=400,
                             help_text=_("Two or three sentences shown in the news list."))
    body = RichTextField(_("text"), features=ARTICLE_FEATURES)
    image = models.ForeignKey("wagtailimages.Image", verbose_name=_("image"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices, default=Topic.GENERAL)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("topic"), FieldPanel("image"),
                      FieldPanel("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []
    private_page_options: list[str] = []

    def get_url_parts(self, request=None):
        return _portal_url_parts(request, "news:detail", slug=self.slug)

    def serve_preview(self, request, mode_name):
        return TemplateResponse(request, "cms/article_detail.html", {"article": self, "is_preview": True})

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")


class NewsVisit(models.Model):
    """When a customer last opened the news list, for the dashboard's "new since your last visit"."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="news_visit")
    seen_at = models.DateTimeField()

    def __str__(self):
        return f"{self.user_id} {self.seen_at:%Y-%m-%d %H:%M}"
