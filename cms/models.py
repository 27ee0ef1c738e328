"""News of a business: Wagtail pages inside the tenant's schema. Every schema has one news index under
the Wagtail root (made by `services.ensure_news_index`), and articles live under it."""

import re

from django.conf import settings
from django.db import connection, models
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from cabinet.slugs import unique_slug

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
    from cabinet.tenancy import tenant_url

    tenant = getattr(connection, "tenant", None)
    return None, tenant_url(tenant) if hasattr(tenant, "domains") else "", path  # a bare schema has none


# What the portal's URLs accept and what mail clients and browsers leave alone.
ASCII_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
SLUG_MAX_LENGTH = 100


def article_slug(*, title: str, slug: str, parent: Page | None, page_pk: int | None) -> str:
    """The slug an article gets: the one given if it is ASCII (else transliterated: «Открылся новый SPA-центр» →
    `otkrylsia-novyi-spa-tsentr`), or one made from the title when none is given; with a suffix -2, -3… when
    another article under the same parent (a forgotten draft, say) holds it already."""
    wanted = slug.strip() if slug and ASCII_SLUG.fullmatch(slug.strip()) else (slug or "").strip() or title
    if parent is None:
        return unique_slug(wanted, Page.objects.none(), max_length=SLUG_MAX_LENGTH, fallback="article")
    siblings = parent.get_children()
    if ASCII_SLUG.fullmatch(wanted) and not siblings.exclude(pk=page_pk).filter(slug=wanted).exists():
        return wanted
    return unique_slug(wanted, siblings, exclude_pk=page_pk, max_length=SLUG_MAX_LENGTH, fallback="article")


class Topic(models.TextChoices):
    GENERAL = "general", _("General")
    OFFERS = "offers", _("Offers")
    EVENTS = "events", _("Events")
    SERVICE = "service", _("Service updates")
    TIPS = "tips", _("Tips and advice")


class ArticlePageForm(WagtailAdminPageForm):
    """The editor's form: the slug (in the Promote tab, where nobody looks) is never a reason to refuse an
    article. Whatever is typed there, or nothing, becomes a free ASCII slug."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].validators = []  # any text is made into a slug in clean()
            self.fields["slug"].help_text = _("Part of the article's address. Leave it empty to make it from the "
                                              "title; Cyrillic is transliterated, and a taken one gets a number.")

    def clean(self):
        if "slug" in self.fields:
            self.cleaned_data["slug"] = article_slug(
                title=self.cleaned_data.get("title") or "", slug=self.cleaned_data.get("slug") or "",
                parent=self.parent_page, page_pk=self.instance.pk)
        return super().clean()


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
    base_form_class = ArticlePageForm

    def _known_parent(self) -> Page | None:
        if self.path and self.depth and self.depth > 1:
            return self.get_parent()
        return getattr(self, "_cached_parent_obj", None)

    def full_clean(self, *args, **kwargs):
        """Every way an article is saved (the Wagtail editor, our services, the demo) gets an ASCII slug that
        no sibling holds, so the portal's URLs can always be built (a Cyrillic slug made /news/ answer 500)."""
        self.slug = article_slug(title=self.title or "", slug=self.slug or "", parent=self._known_parent(),
                                 page_pk=self.pk)
        super().full_clean(*args, **kwargs)

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
