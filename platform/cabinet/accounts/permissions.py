from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def has_role(user, roles) -> bool:
    """The owner may do everything; other staff only what their role is listed for."""
    if not user.is_authenticated or not user.is_active or not user.is_business_staff:
        return False
    return user.role == "owner" or user.role in roles


def can_see(user, entry) -> bool:
    """Whether `user` sees a manage-area entry (anything with a `roles` tuple)."""
    return has_role(user, entry.roles)


def role_required(*roles):
    """A view of the manage area for the given staff roles (and the owner). Anonymous visitors are sent
    to the staff sign-in; customers and staff of other roles get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), "accounts:staff-login")
            if not has_role(request.user, roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


ALL_STAFF = ("owner", "manager", "operator", "editor")
staff_required = role_required(*ALL_STAFF)
