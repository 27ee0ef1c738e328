import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_tenants.utils import tenant_context

from cms.models import ArticlePage
from cms.services import ensure_news_index

STAFF_PASSWORD = "Staff-Pass-42-news"


def make_staff(tenant, role: str, email: str | None = None):
    with tenant_context(tenant):
        return get_user_model().objects.create_user(
            email or f"{role}@{tenant.slug}.test", STAFF_PASSWORD, full_name=f"{role} of {tenant.slug}", role=role,
            is_staff=True)


def make_article(tenant, title: str, *, publish: bool = True, slug: str = "", topic: str = "general",
                 published_at=None) -> ArticlePage:
    """An article under the tenant's news index, published (with its own date) or left a draft."""
    with tenant_context(tenant):
        index = ensure_news_index()
        article = index.add_child(instance=ArticlePage(
            title=title, slug=slug or title.lower().replace(" ", "-"), intro=f"About {title}",
            body=f"<p>{title} in full.</p>", topic=topic, live=False))
        revision = article.save_revision()
        if publish:
            revision.publish()
            article.refresh_from_db()
            if published_at is not None:
                ArticlePage.objects.filter(pk=article.pk).update(first_published_at=published_at)
                article.first_published_at = published_at
        return article


@pytest.fixture
def editor(alpha):
    return make_staff(alpha, "editor")


def sign_in(client, tenant, email: str):
    """Signs `client` in as that user of `tenant` (the session is stored in the tenant's schema)."""
    with tenant_context(tenant):
        account = get_user_model().objects.get(email=email)
        client.force_login(account)
    return account


@pytest.fixture
def editor_client(alpha, alpha_client, editor):
    sign_in(alpha_client, alpha, editor.email)
    return alpha_client


@pytest.fixture
def now():
    return timezone.now()
