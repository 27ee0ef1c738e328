"""The Wagtail admin for the news module, mounted by the tenant URLconf at `/manage/news/admin/`.

Wagtail reverses its own URL names without a namespace, so its admin cannot sit inside the module's
`news-manage` namespace, which the module gate checks. Every view is therefore wrapped here with the
same checks: the module must be on (404 otherwise), the visitor must be staff of a news role (anonymous
visitors go to the staff sign-in, others get 403), and such staff get the editors' access on the way in.
"""

from functools import wraps

from django.http import Http404
from django.utils.translation import gettext as _
from wagtail.admin import urls as wagtail_admin_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from cabinet.accounts.permissions import role_required

from .services import align_admin_language, ensure_editor_access

NEWS_ROLES = ("manager", "editor")  # and the owner, who may do everything


def news_admin_gate(view):
    editors_only = role_required(*NEWS_ROLES)

    @wraps(view)
    def with_editor_access(request, *args, **kwargs):
        if not request.user.has_perm("wagtailadmin.access_admin"):
            ensure_editor_access(request.user)
        align_admin_language(request.user)  # the admin speaks the language the manage area speaks
        return view(request, *args, **kwargs)

    guarded = editors_only(with_editor_access)

    @wraps(view)
    def gated(request, *args, **kwargs):
        portal = getattr(request, "portal", None)
        if portal is None or not portal.is_enabled("news"):
            raise Http404(_("This section is not available."))
        return guarded(request, *args, **kwargs)

    return gated


urlpatterns = decorate_urlpatterns(wagtail_admin_urls.urlpatterns, news_admin_gate)
