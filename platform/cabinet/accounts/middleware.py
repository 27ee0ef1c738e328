from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import throttling


class UserLanguageMiddleware:
    """Serves a signed-in person in the language saved on their account (My settings or the header's
    switcher), whatever the cookie or the browser say. Runs after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language in self.supported:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class SignInLockMiddleware:
    """Turns a sign-in that the throttling policy refused (the backend marks the request) into the lockout
    page: HTTP 429 with Retry-After, whichever sign-in form it came from (portal, manage area, console)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        lock = getattr(request, "sign_in_lock", None)
        if lock is not None:
            return throttling.lockout_response(request, lock)
        return response


# What a person who must choose a new password may still open: the page itself, signing out, the language,
# and the files the page shows (branding pictures, the web app manifest and its worker).
PASSWORD_CHANGE_OPEN = frozenset({
    "accounts:choose-password", "accounts:customer-logout", "accounts:logout", "accounts:language",
    "portal:media", "pwa-manifest", "pwa-service-worker", "pwa-offline", "pwa-icon", "set_language",
})


class PasswordChangeRequiredMiddleware:
    """Someone signed in with a temporary password from staff chooses their own before anything else: every
    page leads to "Choose a new password", the API answers 403. Runs after AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not getattr(user, "password_change_required", False):
            return self.get_response(request)
        try:
            name = resolve(request.path_info).view_name
        except Resolver404:
            return self.get_response(request)
        if name in PASSWORD_CHANGE_OPEN:
            return self.get_response(request)
        message = _("Choose a new password first: the one you signed in with was temporary.")
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        if request.method == "GET":
            messages.info(request, message)
        return redirect(reverse("accounts:choose-password"))
