"""Authentication: one identifier field that takes an e-mail, a phone or an account number."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .selectors import users_for_identifier


class ThrottlingBackend(AxesStandaloneBackend):
    """django-axes' lockout check. Sign-ins through a web request are always checked; code that calls
    `authenticate()` without a request (management commands, the test client's `login`) has no client to
    throttle, so it passes here and is still checked by the password backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class IdentifierBackend(ModelBackend):
    """ModelBackend (is_active, permissions) that finds the user by e-mail (any case), phone in any
    common spelling, or a contract/personal-account number attached by the business."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not username or password is None:
            return None
        candidates = users_for_identifier(username)
        if not candidates:
            # Same work as a real check, so response time does not reveal which identifiers exist.
            get_user_model()().set_password(password)
            return None
        for user in candidates:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        return None
