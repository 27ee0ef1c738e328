"""Writes of the news module: the schema's news index, the editors' access to the Wagtail admin, and
the customer's "last seen" mark."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page
from wagtail.users.models import UserProfile

from cabinet.accounts import services as account_services

from .models import NewsIndexPage, NewsVisit

EDITORS_GROUP = "News editors"
# What staff of the news roles may do with the news index and every article under it.
PAGE_PERMISSIONS = ("add", "change", "publish", "lock", "unlock")
IMAGE_PERMISSIONS = ("add_image", "change_image", "choose_image")


def ensure_news_index() -> NewsIndexPage:
    """The current schema's news index, made under the Wagtail root on first use. Made lazily (not by
    a data migration) so the template schema that new tenants are cloned from holds no pages."""
    index = NewsIndexPage.objects.first()
    if index is not None:
        return index
    with transaction.atomic():
        # The root row lock makes two first visits at the same time create one index, not two.
        root = Page.objects.select_for_update().filter(depth=1).order_by("path").first()
        if root is None:
            root = Page.add_root(instance=Page(title="Root", slug="root"))
        index = NewsIndexPage.objects.first()
        if index is None:
            index = root.add_child(instance=NewsIndexPage(title=_("News"), slug="news", live=True))
            _grant_page_permissions(_editors_group(), index)
    return index


def _editors_group() -> Group:
    group, created = Group.objects.get_or_create(name=EDITORS_GROUP)
    if created:
        group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin",
                                                     codename="access_admin"))
        root_collection = Collection.get_first_root_node()
        if root_collection is not None:
            for permission in Permission.objects.filter(content_type__app_label="wagtailimages",
                                                        codename__in=IMAGE_PERMISSIONS):
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission)
    return group


def _grant_page_permissions(group: Group, index: NewsIndexPage) -> None:
    codenames = [f"{kind}_page" for kind in PAGE_PERMISSIONS]
    for permission in Permission.objects.filter(content_type__app_label="wagtailcore", codename__in=codenames):
        GroupPagePermission.objects.get_or_create(group=group, page=index, permission=permission)


@transaction.atomic
def ensure_editor_access(user) -> NewsIndexPage:
    """Lets a member of staff whom the news roles allow (the caller checks the role) work in the Wagtail
    admin: membership of the editors group, which may enter the admin and edit pages under the news
    index only. Nobody is made a superuser."""
    index = ensure_news_index()
    group = _editors_group()
    if not GroupPagePermission.objects.filter(group=group, page=index).exists():
        _grant_page_permissions(group, index)
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
        for cache_name in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            if hasattr(user, cache_name):  # permissions are cached on the user object (or its lazy proxy)
                delattr(user, cache_name)
    return index


def align_admin_language(user) -> None:
    """Wagtail's admin speaks the language of its own profile (`UserProfile.preferred_language`) and only falls
    back to the one the rest of the manage area uses. The staff member's saved language is the one that counts:
    the profile is kept equal to it (the reverse direction is `adopt_admin_language`)."""
    saved = getattr(user, "language", "")
    if saved not in dict(settings.LANGUAGES):
        return  # nothing saved yet: Wagtail follows the active language (cookie, browser) by itself
    profile = UserProfile.get_for_user(user)
    if profile.preferred_language != saved:
        UserProfile.objects.filter(pk=profile.pk).update(preferred_language=saved)
        profile.preferred_language = saved
    user.wagtail_userprofile = profile  # Wagtail reads it next; no second query


def adopt_admin_language(profile) -> None:
    """A language chosen in the Wagtail admin's own account settings becomes the staff member's saved language,
    so the portal and the manage area follow it too."""
    chosen = profile.preferred_language
    if chosen in dict(settings.LANGUAGES) and chosen != profile.user.language:
        account_services.set_language(profile.user, chosen)


def mark_news_seen(user, when=None) -> None:
    """Remembers that the customer has seen the news up to now (for the dashboard card)."""
    if not user.is_authenticated:
        return
    NewsVisit.objects.update_or_create(user=user, defaults={"seen_at": when or timezone.now()})


def erase_personal_data(user) -> None:
    """The only personal trace of news is when a customer last looked at it."""
    NewsVisit.objects.filter(user=user).delete()
