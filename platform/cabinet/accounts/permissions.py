from functools import wraps

from django.core.exceptions import PermissionDenied


def staff_required(view):
    """The business's own people only (any staff role); customers get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated or not request.user.is_business_staff:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
